"""Cue sheets: designer scripting in TOML.

A cue sheet names cues with text templates, gives template defaults, and maps game state to sound
in the words Wwise and FMOD users know (see ``examples/cues.toml`` and docs/planner.md)::

    [defaults]                      # template values used when neither cue nor game state has one
    weather = "rain"

    [cues.ambush]                   # Cue(script="ambush", args={"location": "bridge"})
    text = "{weather} at the {location}: footsteps approach, then a sword is drawn"
    defaults = { location = "old bridge" }

    [cues.front_door]               # pinned: rendered from these recordings of the library
    text = "the front door slams"
    files = ["door_*.ogg", "foley/doors/"]   # globs on file names or paths, folders (trailing /)
    # category = "DOOR"             # or a UCS CatID / category: DOOR, DOORWood, doors

    [[curves]]                      # parameters drive layers (RTPC)
    parameter = "tension"
    target = "music.intensity"      # music.presence, stinger.probability, <layer>.intensity,
    points = [[0.0, 0.2], [1.0, 0.9]]  # class.<name>.presence

    [states.weather.storm]          # states switch beds, recurring sounds and scene acoustics
    beds = [{ class = "rain_heavy", caption = "storm rain", intensity = 0.7 }]
    recurring = [{ class = "thunder_distant", caption = "thunder", every = [10.0, 30.0] }]
    scene = "open_air"

    [switches.surface]              # switches pick variants
    marble = "footsteps_stone"

    [matching]                      # a caption no engine renders with this score is a miss:
    threshold = 0.5                 # reported, then played as the nearest candidate ("nearest")
    on_miss = "skip"                # or left out ("skip")

Template values come from, in order: the cue's args, the cue's defaults, the game state's
states, switches and parameters, the sheet's [defaults]. ``load_cue_sheet`` fails with
``CueSheetError`` naming the file, the line and the reason.
"""
from __future__ import annotations

import os
import re
import string
import tomllib
from dataclasses import dataclass, field
from typing import Mapping

from .. import sound_classes
from ..plan import MISS_POLICIES, SCENES, Cue, GameState, Pin
from . import curves as cv
from . import lexicon as lx


class CueSheetError(ValueError):
    """A cue sheet that cannot be used; the message names file, line and reason."""

    def __init__(self, path: str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class ScriptedCue:
    name: str
    text: str
    defaults: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    pin: Pin | None = None  # rendered from these recordings by the library engine

    @property
    def fields(self) -> list[str]:
        return [f for _, f, _, _ in string.Formatter().parse(self.text) if f]


@dataclass
class CueSheet:
    path: str = ""
    cues: dict[str, ScriptedCue] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    curves: tuple[cv.Curve, ...] = ()
    states: dict[str, dict[str, lx.Environment]] = field(default_factory=dict)  # kind -> value -> env
    switches: dict[str, dict[str, str]] = field(default_factory=dict)  # switch -> value -> class
    # [matching]: when an event is a miss (no engine renders its caption well enough) and what
    # then happens; None leaves the server's --match-threshold / --on-miss in force
    match_threshold: float | None = None
    on_miss: str | None = None
    mtime_ns: int = 0

    def expand(self, cue: Cue, state: GameState | None = None) -> str:
        """The narrative text of a scripted cue; KeyError names an unknown cue or missing value."""
        sc = self.cues.get(cue.script)
        if sc is None:
            known = ", ".join(sorted(self.cues)) or "none"
            raise KeyError(f"unknown scripted cue {cue.script!r} in {self.path or 'the cue sheet'} "
                           f"(known: {known})")
        state = state or GameState()
        values: dict[str, str] = {}
        for source in (self.defaults, {k: _fmt(v) for k, v in state.parameters.items()}, state.switches,
                       state.states, sc.defaults, cue.args):
            values.update({str(k): str(v) for k, v in source.items()})
        missing = [f for f in sc.fields if f not in values]
        if missing:
            raise KeyError(f"scripted cue {cue.script!r} needs a value for {', '.join(missing)} "
                           f"(give it in the cue's args, the game state, or [defaults])")
        text = sc.text.format_map({k: v.replace("_", " ") for k, v in values.items()})
        return re.sub(r"\s+", " ", text).strip()

    @property
    def pins(self) -> dict[str, Pin]:
        """cue name -> its pin, for the cues pinned to recordings."""
        return {n: c.pin for n, c in self.cues.items() if c.pin is not None}

    def environment(self, kind: str, value: str) -> lx.Environment | None:
        return self.states.get(kind, {}).get((value or "").strip().lower())

    def resolve_state(self, state: GameState) -> GameState:
        """The state with switch values mapped to the classes this sheet names (for the planner)."""
        if not self.switches or not state.switches:
            return state
        sw = dict(state.switches)
        for name, table in self.switches.items():
            v = sw.get(name, "").strip().lower()
            if v in table:
                sw[name] = table[v]
        return GameState(state.parameters, state.states, sw)


def _fmt(v: float) -> str:
    return f"{v:g}"


# ---------------------------------------------------------------------------------------------
# Loading and validation


class _Lines:
    """Finds the line of a table or key in the raw TOML, for error messages."""

    def __init__(self, raw: str):
        self.lines = raw.splitlines()

    def table(self, *path: str, array_index: int | None = None) -> int | None:
        dotted = ".".join(path)
        if array_index is not None:
            n = -1
            for i, ln in enumerate(self.lines, 1):
                if re.match(rf"^\s*\[\[\s*{re.escape(dotted)}\s*\]\]", ln):
                    n += 1
                    if n == array_index:
                        return i
            return None
        pats = [rf"^\s*\[\s*{re.escape(dotted)}\s*\]"]
        if len(path) >= 2:  # inline in a parent table: key = {...}
            parent = ".".join(path[:-1])
            start = self.table(*path[:-1]) if parent else 1
            if start:
                k = self.key_after(start, path[-1])
                if k:
                    return k
        for i, ln in enumerate(self.lines, 1):
            if any(re.match(p, ln) for p in pats):
                return i
        for i, ln in enumerate(self.lines, 1):  # a sub-table names it first: [cues.a] for "cues"
            if re.match(rf"^\s*\[\[?\s*{re.escape(dotted)}\s*[.\]]", ln):
                return i
        return None

    def key_after(self, start: int | None, key: str) -> int | None:
        if not start:
            return None
        for i in range(start, len(self.lines) + 1):
            ln = self.lines[i - 1]
            if i > start and re.match(r"^\s*\[", ln):
                return None
            if re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", ln):
                return i
        return None


_ALLOWED_TOP = {"defaults", "cues", "curves", "states", "switches", "matching", "meta", "version"}


def load_cue_sheet(path) -> CueSheet:
    """Read and validate a TOML cue sheet; CueSheetError says where and why it is malformed."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw_bytes = f.read()
        st = os.stat(path)
    except OSError as exc:
        raise CueSheetError(path, None, f"cannot read cue sheet: {exc.strerror or exc}") from None
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[:exc.start].count(b"\n") + 1
        raise CueSheetError(path, line, "not valid UTF-8") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        if m:
            reason += f" (column {m.group(2)})"
        raise CueSheetError(path, line, f"TOML syntax error: {reason}") from None
    sheet = parse_cue_sheet(data, path, raw)
    sheet.mtime_ns = st.st_mtime_ns
    return sheet


def parse_cue_sheet(data: dict, path: str = "<cue sheet>", raw: str = "") -> CueSheet:
    lines = _Lines(raw)

    def fail(line, reason):
        raise CueSheetError(path, line, reason)

    for k in data:
        if k not in _ALLOWED_TOP:
            fail(lines.table(k) or lines.key_after(1, k),
                 f"unknown section [{k}] (expected one of: {', '.join(sorted(_ALLOWED_TOP))})")
    sheet = CueSheet(path=path)
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        fail(lines.key_after(1, "defaults"), "[defaults] must be a table of name = value")
    for k, v in defaults.items():
        if not isinstance(v, (str, int, float, bool)):
            fail(lines.key_after(lines.table("defaults"), k), f"default {k!r} must be a string or number")
        sheet.defaults[k] = str(v)

    cues = data.get("cues", {})
    if not isinstance(cues, dict):
        fail(lines.key_after(1, "cues"), "[cues] must be a table of named cues")
    for name, c in cues.items():
        line = lines.table("cues", name)
        if isinstance(c, str):
            c = {"text": c}
        if not isinstance(c, dict):
            fail(line, f"cue {name!r} must be a table with text = \"...\"")
        unknown = set(c) - {"text", "defaults", "args", "description", "files", "category"}
        if unknown:
            k = sorted(unknown)[0]
            fail(lines.key_after(line, k) or line, f"cue {name!r}: unknown key {k!r} "
                 "(expected text, defaults, description, files, category)")
        pin = _pin(c, name, path, line, lines, fail)
        text = c.get("text")
        if not isinstance(text, str) or not text.strip():
            fail(lines.key_after(line, "text") or line, f"cue {name!r} needs a non-empty text = \"...\"")
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            fail(lines.key_after(line, "text") or line, f"cue {name!r}: bad template: {exc}")
        for f in fields:
            if not f.isidentifier():
                fail(lines.key_after(line, "text") or line,
                     f"cue {name!r}: template field {{{f}}} must be a plain name like {{weather}}")
        d = c.get("defaults", c.get("args", {}))
        if not isinstance(d, dict):
            fail(lines.key_after(line, "defaults") or line, f"cue {name!r}: defaults must be a table")
        sheet.cues[name] = ScriptedCue(name, text, {k: str(v) for k, v in d.items()}, str(c.get("description", "")),
                                       pin)

    curves = data.get("curves", [])
    if isinstance(curves, dict):
        curves = [dict(v, parameter=v.get("parameter", k)) if isinstance(v, dict) else v for k, v in curves.items()]
    if not isinstance(curves, list):
        fail(lines.key_after(1, "curves"), "curves must be an array of tables ([[curves]])")
    parsed = []
    for i, c in enumerate(curves):
        line = lines.table("curves", array_index=i)
        if not isinstance(c, dict):
            fail(line, "each [[curves]] entry must be a table")
        for key in ("parameter", "target", "points"):
            if key not in c:
                fail(line, f"curve {i + 1} needs {key!r}")
        problem = cv.target_problem(str(c["target"]))
        if problem:
            fail(lines.key_after(line, "target") or line, problem)
        pts = c["points"]
        ok = isinstance(pts, list) and len(pts) >= 1 and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                        for x in p) for p in pts)
        if not ok:
            fail(lines.key_after(line, "points") or line,
                 "points must be a list of [parameter value, target value] number pairs")
        xs = [float(p[0]) for p in pts]
        if xs != sorted(xs):
            fail(lines.key_after(line, "points") or line, "curve points must be sorted by parameter value")
        parsed.append(cv.Curve(str(c["parameter"]), str(c["target"]), tuple((float(a), float(b)) for a, b in pts)))
    sheet.curves = tuple(parsed)

    states = data.get("states", {})
    if not isinstance(states, dict):
        fail(lines.key_after(1, "states"), "[states] must be a table: [states.<name>.<value>]")
    for kind, values in states.items():
        if not isinstance(values, dict):
            fail(lines.table("states", kind), f"[states.{kind}] must hold tables per value")
        for value, spec in values.items():
            line = lines.table("states", kind, value)
            sheet.states.setdefault(kind, {})[value.lower()] = _environment(spec, kind, value, line, lines, fail)

    switches = data.get("switches", {})
    if not isinstance(switches, dict):
        fail(lines.key_after(1, "switches"), "[switches] must be a table: [switches.<name>]")
    for name, table in switches.items():
        line = lines.table("switches", name)
        if not isinstance(table, dict):
            fail(line, f"[switches.{name}] must map values to sound classes")
        for value, cls in table.items():
            if not isinstance(cls, str) or cls not in sound_classes.BY_NAME:
                fail(lines.key_after(line, value) or line,
                     f"switch {name}={value}: unknown sound class {cls!r}")
            sheet.switches.setdefault(name, {})[value.lower()] = cls

    matching = data.get("matching", {})
    line = lines.table("matching")
    if not isinstance(matching, dict):
        fail(lines.key_after(1, "matching"), "[matching] must be a table: threshold = 0.5, on_miss = \"skip\"")
    for k in set(matching) - {"threshold", "on_miss"}:
        fail(lines.key_after(line, k) or line, f"[matching]: unknown key {k!r} (expected threshold, on_miss)")
    if "threshold" in matching:
        sheet.match_threshold = _num(matching["threshold"], 0.0, 1.0, "[matching] threshold",
                                     lines.key_after(line, "threshold") or line, fail)
    if "on_miss" in matching:
        if matching["on_miss"] not in MISS_POLICIES:
            fail(lines.key_after(line, "on_miss") or line,
                 f"[matching] on_miss must be one of {', '.join(MISS_POLICIES)}, got {matching['on_miss']!r}")
        sheet.on_miss = matching["on_miss"]
    return sheet


def _pin(c: dict, name: str, path: str, line, lines: _Lines, fail) -> Pin | None:
    """``files = ["door_*.ogg", "doors/"]`` and/or ``category = "DOOR"`` of a cue, checked for form
    (what they match is checked against the library: ``engines.library.pins``)."""
    if "files" not in c and "category" not in c:
        return None
    files = c.get("files", [])
    if isinstance(files, str):
        files = [files]
    at = lines.key_after(line, "files") or line
    if not isinstance(files, list) or not all(isinstance(f, str) and f.strip() for f in files):
        fail(at, f"cue {name!r}: files must be a list of file globs or folders, e.g. [\"door_*.ogg\"]")
    category = c.get("category", "")
    cat_at = lines.key_after(line, "category") or line
    if not isinstance(category, str) or ("category" in c and not category.strip()):
        fail(cat_at, f"cue {name!r}: category must be a UCS CatID or category, e.g. \"DOOR\"")
    if not files and not category:
        fail(at, f"cue {name!r}: files is empty")
    return Pin(tuple(f.strip() for f in files), category.strip(), path, at if files else cat_at)


def _environment(spec, kind, value, line, lines: _Lines, fail) -> lx.Environment:
    if not isinstance(spec, dict):
        fail(line, f"[states.{kind}.{value}] must be a table with beds, recurring, scene")
    unknown = set(spec) - {"beds", "recurring", "scene", "emotion"}
    if unknown:
        k = sorted(unknown)[0]
        fail(lines.key_after(line, k) or line, f"states.{kind}.{value}: unknown key {k!r} "
             "(expected beds, recurring, scene, emotion)")
    beds = []
    for b in spec.get("beds", []):
        b = {"class": b} if isinstance(b, str) else b
        cls = b.get("class") if isinstance(b, dict) else None
        if cls not in sound_classes.BY_NAME:
            fail(lines.key_after(line, "beds") or line, f"states.{kind}.{value}: unknown bed class {cls!r}")
        inten = _num(b.get("intensity", 0.5), 0.0, 1.0, f"states.{kind}.{value} bed intensity",
                     lines.key_after(line, "beds") or line, fail)
        beds.append((cls, str(b.get("caption", cls.replace("_", " "))), inten))
    rec = []
    for r in spec.get("recurring", []):
        at = lines.key_after(line, "recurring") or line
        if not isinstance(r, dict) or r.get("class") not in sound_classes.BY_NAME:
            fail(at, f"states.{kind}.{value}: recurring needs class = <a sound class>, "
                 f"got {r.get('class') if isinstance(r, dict) else r!r}")
        every = r.get("every", [10.0, 30.0])
        if (not isinstance(every, list) or len(every) != 2 or not all(isinstance(x, (int, float)) for x in every)
                or not 0.2 <= every[0] <= every[1]):
            fail(at, f"states.{kind}.{value}: every must be [min, max] seconds with 0.2 <= min <= max")
        dist = tuple(float(x) for x in r.get("distance", [0.5, 0.9]))
        inten = tuple(float(x) for x in r.get("intensity", [0.4, 0.8]))
        for pair, what in ((dist, "distance"), (inten, "intensity")):
            if len(pair) != 2 or not all(0.0 <= x <= 1.0 for x in pair) or pair[0] > pair[1]:
                fail(at, f"states.{kind}.{value}: {what} must be [low, high] within 0..1")
        dur = r.get("duration")
        rec.append(lx.Recurring(r["class"], str(r.get("caption", r["class"].replace("_", " "))),
                                (float(every[0]), float(every[1])), dist, inten,
                                float(dur) if dur is not None else None))
    scene = spec.get("scene", "")
    if scene and scene not in SCENES:
        fail(lines.key_after(line, "scene") or line,
             f"states.{kind}.{value}: unknown scene {scene!r} (one of {', '.join(SCENES)})")
    return lx.Environment(tuple(beds), tuple(rec), scene, str(spec.get("emotion", "")))


def _num(v, lo, hi, what, line, fail) -> float:
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not lo <= v <= hi:
        fail(line, f"{what} must be a number in {lo}..{hi}, got {v!r}")
    return float(v)


class CueSheetWatcher:
    """Reloads a cue sheet when its file changes; keeps the last good sheet when a reload fails."""

    def __init__(self, path):
        self.path = os.fspath(path)
        self.sheet = load_cue_sheet(self.path)  # the first load must succeed
        self._previous = self.sheet
        self.error: CueSheetError | None = None

    def poll(self) -> bool:
        """Reload if the file changed; True when a new sheet was loaded. A failed reload sets
        ``error`` (the server reports it) and keeps the previous sheet."""
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except OSError as exc:
            self.error = CueSheetError(self.path, None, f"cannot read cue sheet: {exc.strerror or exc}")
            return False
        if mtime == self.sheet.mtime_ns:
            return False
        try:
            new = load_cue_sheet(self.path)
        except CueSheetError as exc:
            self.error = exc
            self.sheet.mtime_ns = mtime  # report once per change
            return False
        self.sheet, self._previous, self.error = new, self.sheet, None
        return True

    def rollback(self, error: "CueSheetError") -> None:
        """The sheet just loaded cannot be used (a pin matches nothing): keep the one before it and
        report ``error`` as for a broken edit."""
        mtime = self.sheet.mtime_ns
        self.sheet, self.error = self._previous, error
        self.sheet.mtime_ns = mtime  # report once per change
