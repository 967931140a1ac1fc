"""Find recordings for a caption: word matching over names, categories, descriptions and labels.

A caption's content words (stemmed with the planner's ``text.stems``, so "gallops" finds
``horse_gallop.wav``) are looked up in an inverted index built once in memory. Each word counts
once, at the best place it matched, with the weight of that place (``FIELD_WEIGHTS``): the
filename 1.0, the UCS category/subcategory and the embedded description 0.8, the folders 0.5,
YAMNet's AudioSet labels 0.6 scaled by how sure the tagger was (full at a mean score >= 0.4).

    score = 0.85 * recall + 0.15 * precision          (0..1)

recall: the weighted share of the caption's words found; precision: the share of the filename's
words the caption names (so ``door.wav`` beats ``door_knock_heavy_wood.wav`` for "door"). When a
planner class is given (``glass_shatter``), its words are scored the same way and the result is
``max(caption score, 0.8 * class score)``: the class helps a caption the names do not cover.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...models.planner.text import stems
from .index import Entry, load_entries, resolve_index_path

FIELD_WEIGHTS = {"name": 1.0, "category": 0.8, "description": 0.8, "folder": 0.5, "label": 0.6}
LABEL_FULL_SCORE = 0.4
RECALL_WEIGHT = 0.85
CLASS_WEIGHT = 0.8
STOPWORDS = frozenset(stems(
    "a an the of in on at to with and or from into onto by for as is are its it this that "
    "some sound sounds noise loud soft quiet distant close nearby near far very slowly quickly "
    "default sfx fx"))


@dataclass(frozen=True)
class Hit:
    path: str
    score: float  # 0..1
    why: tuple[str, ...]  # where words matched: "name: glass, break", "label: Glass (0.61)"
    entry: Entry

    @property
    def name(self) -> str:
        return Path(self.path).name


def query_terms(text: str) -> list[str]:
    return list(dict.fromkeys(s for s in stems(text.replace("_", " ")) if s not in STOPWORDS and not s.isdigit()))


def _entry_fields(e: Entry) -> dict[str, dict[str, tuple[float, str]]]:
    """stem -> {field: (weight, the word or label it came from)}."""
    out: dict[str, dict[str, tuple[float, str]]] = {}

    def add(field: str, text: str, weight: float, shown: str | None = None):
        for s in stems(text):
            if s in STOPWORDS or s.isdigit():
                continue
            cur = out.setdefault(s, {})
            if field not in cur or cur[field][0] < weight:
                cur[field] = (weight, shown or text)

    for w in e.name_words:
        add("name", w, FIELD_WEIGHTS["name"])
    for w in e.folder_words:
        add("folder", w, FIELD_WEIGHTS["folder"])
    if e.category:
        add("category", e.category, FIELD_WEIGHTS["category"])
    if e.subcategory:
        add("category", e.subcategory, FIELD_WEIGHTS["category"])
    if e.description:
        for w in e.description.split():
            add("description", w, FIELD_WEIGHTS["description"])
    for label, sc in e.labels:
        add("label", label, FIELD_WEIGHTS["label"] * min(1.0, sc / LABEL_FULL_SCORE), f"{label} ({sc:.2f})")
    return out


class LibraryIndex:
    """The whole index in memory: entries and an inverted index stem -> (entries, weights)."""

    def __init__(self, entries: list[Entry], path: str = ""):
        self.entries = list(entries)
        self.path = path
        post: dict[str, tuple[list[int], list[float], list[bool]]] = {}
        n_name = np.zeros(len(self.entries), np.float32)
        for i, e in enumerate(self.entries):
            fields = _entry_fields(e)
            n_name[i] = sum(1 for f in fields.values() if "name" in f)
            for s, where in fields.items():
                ids, ws, names = post.setdefault(s, ([], [], []))
                ids.append(i)
                ws.append(max(w for w, _ in where.values()))
                names.append("name" in where)
        self._post = {s: (np.asarray(a, np.int32), np.asarray(b, np.float32), np.asarray(c, np.float32))
                      for s, (a, b, c) in post.items()}
        self._n_name = np.maximum(n_name, 1.0)
        self._by_path = {e.path: e for e in self.entries}

    @classmethod
    def load(cls, index_path: str | os.PathLike) -> "LibraryIndex":
        p = resolve_index_path(index_path)
        return cls(load_entries(p), str(p))

    def __len__(self) -> int:
        return len(self.entries)

    def _scores(self, terms: list[str]) -> np.ndarray | None:
        if not terms:
            return None
        recall = np.zeros(len(self.entries), np.float32)
        name_hits = np.zeros(len(self.entries), np.float32)
        for t in terms:
            got = self._post.get(t)
            if got is None:
                continue
            ids, ws, names = got
            recall[ids] += ws
            name_hits[ids] += names
        return RECALL_WEIGHT * recall / len(terms) + (1 - RECALL_WEIGHT) * name_hits / self._n_name

    def search(self, caption: str, sound_class: str | None = None, k: int = 10) -> list[Hit]:
        """The ``k`` best recordings for ``caption`` (score > 0), best first."""
        if not self.entries or k <= 0:
            return []
        terms = query_terms(caption)
        score = self._scores(terms)
        cterms = [t for t in query_terms(sound_class or "") if t not in terms]
        if sound_class and cterms:
            cs = self._scores(query_terms(sound_class))
            score = CLASS_WEIGHT * cs if score is None else np.maximum(score, CLASS_WEIGHT * cs)
        if score is None:
            return []
        k = min(k, len(score))
        # the k best, best first; ties in index order (deterministic: a take's identity matters)
        top = np.flatnonzero(score >= np.partition(score, -k)[-k]) if k < len(score) else np.arange(len(score))
        top = top[np.lexsort((top, -score[top]))][:k]
        all_terms = terms + cterms
        return [Hit(self.entries[i].path, float(min(1.0, score[i])), self.explain(self.entries[i], all_terms),
                    self.entries[i]) for i in top if score[i] > 0]

    @staticmethod
    def explain(e: Entry, terms: list[str]) -> tuple[str, ...]:
        fields = _entry_fields(e)
        by_field: dict[str, list[str]] = {}
        for t in terms:
            for f, (_, shown) in fields.get(t, {}).items():
                lst = by_field.setdefault(f, [])
                if shown not in lst:
                    lst.append(shown)
        order = ("name", "category", "description", "label", "folder")
        return tuple(f"{f}: {', '.join(by_field[f])}" for f in order if f in by_field)

    def entry(self, path: str) -> Entry | None:
        return self._by_path.get(path)


_CACHE: dict[str, tuple[int, LibraryIndex]] = {}
_CACHE_LOCK = threading.Lock()


def open_index(index: "LibraryIndex | str | os.PathLike") -> LibraryIndex:
    """A LibraryIndex as is, or the index at a path, loaded once per process (reloaded when the
    file changes)."""
    if isinstance(index, LibraryIndex):
        return index
    p = resolve_index_path(index).resolve()
    mtime = p.stat().st_mtime_ns if p.exists() else -1
    with _CACHE_LOCK:
        got = _CACHE.get(str(p))
        if got and got[0] == mtime:
            return got[1]
        idx = LibraryIndex.load(p)
        _CACHE[str(p)] = (mtime, idx)
        return idx


def search(index: "LibraryIndex | str | os.PathLike", caption: str, sound_class: str | None = None,
           k: int = 10) -> list[Hit]:
    """The ``k`` best recordings of ``index`` (a LibraryIndex or an index path) for ``caption``."""
    return open_index(index).search(caption, sound_class, k)
