"""Cue sheet pins: a cue rendered from chosen recordings (``files = [...]``, ``category = "..."``).

A cue sheet's ``[cues.<name>]`` may pin the cue to files of the library (``models.planner.cuesheet.Pin``):
``files`` are globs matched against a file's name, its path relative to the index's folder, or its
absolute path; an entry ending in ``/`` is a folder (every file under it); ``category`` is a UCS
CatID (``DOORWood``), a CatID's category code (``DOOR``: every DOOR<sub>) or a category name
(``doors``), case-insensitive. The events planned from a pinned cue carry the pin
(``event.pin``); the library engine then draws their takes from the pinned files only (the
random container and no-repeat rule as usual) and answers ``match`` with 1.0.

``check_pins(sheet, index)`` raises ``CueSheetError`` naming the sheet's file and the pin's line
when a pin matches no recording of the index (say, after a re-index removed them).
"""
from __future__ import annotations

import fnmatch
from pathlib import Path

from ...models.planner.cuesheet import CueSheet, CueSheetError, Pin
from .index import UCS_CATEGORIES
from .search import LibraryIndex


def _file_matches(path: str, base: Path | None, pattern: str) -> bool:
    p = Path(path)
    rel = p.as_posix()
    if base is not None:
        try:
            rel = p.relative_to(base).as_posix()
        except ValueError:
            pass
    if pattern.endswith("/"):  # a folder: every file under it (relative, or anywhere in the path)
        folder = pattern.rstrip("/")
        return (rel.startswith(folder + "/") or f"/{folder}/" in "/" + rel
                or p.as_posix().startswith(folder + "/"))
    return any(fnmatch.fnmatch(x, pattern) for x in (p.name, rel, p.as_posix()))


def _category_matches(cat_id: str, category: str, want: str) -> bool:
    w = want.strip().lower()
    if not cat_id and not category:
        return False
    code = next((c for c in sorted(UCS_CATEGORIES, key=len, reverse=True) if cat_id.upper().startswith(c)), "")
    return w in (cat_id.lower(), code.lower(), category.lower())


def pinned(index: LibraryIndex, pin: Pin) -> list[int]:
    """The entries of ``index`` a pin names (in index order)."""
    base = Path(index.path).resolve().parent if index.path else None
    out = []
    for i, e in enumerate(index.entries):
        by_file = any(_file_matches(e.path, base, f) for f in pin.files)
        by_cat = bool(pin.category) and _category_matches(e.cat_id, e.category, pin.category)
        if by_file or by_cat:
            out.append(i)
    return out


def check_pins(sheet: CueSheet, index: LibraryIndex) -> None:
    """CueSheetError (file, line, reason) for the first pin of ``sheet`` that matches nothing."""
    for name, pin in sheet.pins.items():
        if not pinned(index, pin):
            raise CueSheetError(pin.path or sheet.path, pin.line,
                                f"cue {name!r}: {pin.describe()} matches no recording of the library "
                                f"{index.path or '(in memory)'} ({len(index)} files)")


def pin_of(event) -> Pin | None:
    """The pin an event carries (``SoundEvent.pin``, set by the timeline from its cue's pin)."""
    return event.pin
