"""Find recordings for a caption: words, the lexicon's synonyms and what the files sound like.

A caption's content words (stemmed with the planner's ``text.stems``, so "gallops" finds
``horse_gallop.wav``) are looked up in an inverted index built once in memory. Each caption word
counts once, at the best evidence found for it in a file, with that evidence's weight:

| evidence | weight |
|---|---|
| the word in the filename | 1.0 |
| ... in the UCS category/subcategory or the embedded description | 0.8 |
| ... in the folders | 0.5 |
| ... in an AudioSet label YAMNet gives the file | 0.6, scaled by its mean score (full at 0.4) |
| a synonym: the caption's phrase for a sound class (lexicon), and the file has that class too | 0.9 x the weight of where the file got it (name 1.0, ..., sound 0.6 x) |
| ... or a class heard as the same sound (same hit labels: rain_light for "downpour") | 0.8 x that |

Run-together filename words made of two lexicon words are split ("blackcat" -> black, cat). A
file has a class (``concepts``) through its words (name, category, description, folder: a
phrase of the class in them) or through its sound: YAMNet's mean score on the class's hit labels
(the full stored 521-score vector, not only the top five). So "explosion" finds ``tnt_explode.ogg``
(both have ``explosion``) and "horse gallop" finds ``SFX_0042.wav`` when YAMNet heard Horse and
Clip-clop in it. heard: in an index with score vectors, how surely (0..1, full at a mean score of
0.4) the tagger hears one of the caption's classes (or the planner class) in the file: among files
named alike, the one that sounds like it comes first.

    words = 0.85 * recall + 0.15 * precision
    score = words                                   (an index without score vectors)
    score = 0.85 * words + 0.15 * heard             (with them; 0 where words is 0)

recall: the weighted share of the caption's words found; precision: the share of the filename's
words the caption names (so ``door.wav`` beats ``door_knock_heavy_wood.wav`` for "door"), directly
or (at 0.85) through a shared class (``tnt_explode`` beats ``tnt_ignite`` for "explosion"). When a
planner class is given (``glass_shatter``), its words are scored the same way, a file having the
class scores ``0.85 + 0.15 x`` that, and words is ``max(caption score, w x class score)`` with w
the planner's ``class_score`` (1 for a lexicon phrase of the class, less for a stand-in: the class
helps only as much as it is sure).

With ``embed=True`` (the ``embed`` extra, MiniLM) a caption also has the classes nearest to it by
meaning (cosine >= 0.55, two at most), covering all its words at 0.9 x similarity; the default
path never imports it.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...models.planner import lexicon as lx
from ...models.planner.text import stems
from . import concepts
from .index import Entry, load_entries, load_label_names, resolve_index_path

FIELD_WEIGHTS = {"name": 1.0, "category": 0.8, "description": 0.8, "folder": 0.5, "label": 0.6}
LABEL_FULL_SCORE = 0.4
MIN_LABEL_SCORE = 0.05  # a mean score under this is no evidence at all
SYNONYM_WEIGHT = 0.9  # a caption word found through a class the file has (the word itself: 1.0)
SYNONYM_NAMED = 0.85  # ... a filename word named through a class, for precision (the word itself first)
HEARD_WEIGHT = 0.15  # tagged index: score = 0.85 x (words and classes) + 0.15 x (the tagger hears it)
SIBLING_WEIGHT = 0.8  # ... through a class heard as the same sound (rain_light for "downpour")
RECALL_WEIGHT = 0.85
CLASS_WEIGHT = 1.0
STOPWORDS = frozenset(stems(
    "a an the of in on at to with and or from into onto by for as is are its it this that "
    "some sound sounds noise loud soft quiet distant close nearby near far very slowly quickly "
    "default sfx fx go goes went")) | lx.STOPWORD_STEMS  # the planner's function words too


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


@lru_cache(maxsize=4096)
def caption_classes(caption: str) -> dict[str, tuple[frozenset[str], float]]:
    """The lexicon classes a caption names -> (the caption terms the phrase covers, 1.0)."""
    terms = set(query_terms(caption))
    out = {}
    for c, covered in concepts.text_classes(caption).items():
        if covered & terms:
            out[c] = (frozenset(covered & terms), 1.0)
    for c, (covered, _) in list(out.items()):
        for sib in concepts.siblings().get(c, ()):
            if sib not in out:
                out[sib] = (covered, SIBLING_WEIGHT)
    return out


@lru_cache(maxsize=4096)
def caption_classes_by_meaning(caption: str) -> dict[str, tuple[frozenset[str], float]]:
    return concepts.caption_classes_by_meaning(caption, query_terms(caption))


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
        add("name", " ".join((w, *concepts.compound_parts(w))), FIELD_WEIGHTS["name"], w)
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
        add("label", label, _label_weight(sc), f"{label} ({sc:.2f})")
    return out


def _label_weight(score):
    """A mean tagger score as evidence: 0 under MIN_LABEL_SCORE, full (0.6) from LABEL_FULL_SCORE."""
    w = FIELD_WEIGHTS["label"] * np.minimum(1.0, np.asarray(score, np.float32) / LABEL_FULL_SCORE)
    w = np.where(np.asarray(score) >= MIN_LABEL_SCORE, w, 0.0)
    return float(w) if w.ndim == 0 else w.astype(np.float32)


def _word_classes(e: Entry) -> dict[str, tuple[float, str, int]]:
    """class -> (weight, where, how many filename words its phrases use) for the classes a file
    has through its words."""
    out: dict[str, tuple[float, str, int]] = {}
    name = " ".join(p for w in e.name_words for p in (w, *concepts.compound_parts(w)))
    for field, text in (("name", name), ("category", f"{e.category} {e.subcategory}"),
                        ("description", e.description), ("folder", " ".join(e.folder_words))):
        if not text.strip():
            continue
        w = FIELD_WEIGHTS[field]
        for c, covered in concepts.text_classes(text).items():
            named = len(covered) if field == "name" else 0
            if c not in out or out[c][0] < w:
                out[c] = (w, field, max(named, out.get(c, (0, "", 0))[2]))
    return out


class LibraryIndex:
    """The whole index in memory: entries, an inverted index stem -> (entries, weights), the
    classes each file has (class -> (entries, weights)) and the tagger's score vectors."""

    def __init__(self, entries: list[Entry], path: str = "", label_names: tuple[str, ...] = (),
                 embed: bool = False):
        self.entries = list(entries)
        self.path = path
        self.embed = embed
        n = len(self.entries)
        post: dict[str, tuple[list[int], list[float], list[bool]]] = {}
        cpost: dict[str, dict[int, float]] = {}
        cnamed: dict[str, dict[int, int]] = {}  # class -> {entry: filename words its phrases use}
        n_name = np.zeros(n, np.float32)
        self._fields = [_entry_fields(e) for e in self.entries]  # kept to explain hits
        self._word_cls = [_word_classes(e) for e in self.entries]
        for i, e in enumerate(self.entries):
            fields = self._fields[i]
            n_name[i] = sum(1 for f in fields.values() if "name" in f)
            for s, where in fields.items():
                ids, ws, names = post.setdefault(s, ([], [], []))
                ids.append(i)
                ws.append(max(w for w, _ in where.values()))
                names.append("name" in where)
            for c, (w, _, named) in self._word_cls[i].items():
                cpost.setdefault(c, {})[i] = w
                if named:
                    cnamed.setdefault(c, {})[i] = named
        self._post = {s: (np.asarray(a, np.int32), np.asarray(b, np.float32), np.asarray(c, np.float32))
                      for s, (a, b, c) in post.items()}
        self._n_name = np.maximum(n_name, 1.0)
        self._by_path = {e.path: e for e in self.entries}
        # the tagger's mean scores (files without a vector: zeros); label columns by word and class
        self.label_names = tuple(label_names)
        width = len(self.label_names)
        tagged = [i for i, e in enumerate(self.entries) if e.scores is not None and len(e.scores) == width]
        self._scores = np.zeros((n, width), np.float16) if tagged and width else None
        self._label_cols: dict[str, np.ndarray] = {}
        self._heard: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # class -> files heard as it, 0..1
        if self._scores is not None:
            for i in tagged:
                self._scores[i] = self.entries[i].scores
            cols: dict[str, list[int]] = {}
            for j, name in enumerate(self.label_names):
                for s in concepts.label_words(name):
                    cols.setdefault(s, []).append(j)
            self._label_cols = {s: np.asarray(v, np.int32) for s, v in cols.items()}
            col = {name: j for j, name in enumerate(self.label_names)}
            for c, labels in concepts.hit_labels().items():
                js = [col[l] for l in labels if l in col]
                if not js:
                    continue
                w = _label_weight(self._scores[:, js].astype(np.float32).max(axis=1))
                heard = np.flatnonzero(w > 0)
                self._heard[c] = (heard.astype(np.int32), (w[heard] / FIELD_WEIGHTS["label"]).astype(np.float32))
                got = cpost.setdefault(c, {})
                for i in np.flatnonzero(w > 0):
                    got[int(i)] = max(got.get(int(i), 0.0), float(w[i]))
        self._has = cpost  # class -> {entry: weight} (for explain)
        self._cnamed = {c: (np.fromiter(d.keys(), np.int32, len(d)), np.fromiter(d.values(), np.float32, len(d)))
                        for c, d in cnamed.items()}
        self._cpost = {c: (np.fromiter(d.keys(), np.int32, len(d)), np.fromiter(d.values(), np.float32, len(d)))
                       for c, d in cpost.items() if d}

    @classmethod
    def load(cls, index_path: str | os.PathLike, embed: bool = False) -> "LibraryIndex":
        p = resolve_index_path(index_path)
        return cls(load_entries(p), str(p), load_label_names(p), embed=embed)

    def __len__(self) -> int:
        return len(self.entries)

    # ------------------------------------------------------------------ scoring
    def _audio(self, term: str) -> np.ndarray | None:
        """Evidence for ``term`` from the labels whose names hold it, over each file's whole vector."""
        cols = self._label_cols.get(term)
        if cols is None:
            return None
        return _label_weight(self._scores[:, cols].astype(np.float32).max(axis=1))

    def _class_vector(self, cls: str) -> np.ndarray | None:
        got = self._cpost.get(cls)
        if got is None:
            return None
        v = np.zeros(len(self.entries), np.float32)
        v[got[0]] = got[1]
        return v

    def _scores_for(self, terms: list[str], classes: dict[str, tuple[frozenset[str], float]]) -> np.ndarray | None:
        if not terms:
            return None
        n = len(self.entries)
        recall = np.zeros(n, np.float32)
        name_hits = np.zeros(n, np.float32)
        by_class = {c: self._class_vector(c) for c in classes}
        named = np.zeros(n, np.float32)  # filename words the caption names through a shared class
        for c, (_, sim) in classes.items():
            got = self._cnamed.get(c)
            if got is not None:
                named[got[0]] = np.maximum(named[got[0]], SYNONYM_NAMED * sim * got[1])  # ids unique
        for t in terms:
            found = np.zeros(n, np.float32)
            got = self._post.get(t)
            if got is not None:
                ids, ws, names = got
                found[ids] = ws
                name_hits[ids] += names
            audio = self._audio(t)
            if audio is not None:
                np.maximum(found, audio, out=found)
            for c, (covered, sim) in classes.items():
                if t in covered and by_class[c] is not None:
                    np.maximum(found, SYNONYM_WEIGHT * sim * by_class[c], out=found)
            recall += found
        precision = np.minimum(1.0, np.maximum(name_hits, named) / self._n_name)
        return RECALL_WEIGHT * recall / len(terms) + (1 - RECALL_WEIGHT) * precision

    def _with_heard(self, score: np.ndarray, classes) -> np.ndarray:
        """``score`` blended with how surely (0..1) the tagger hears one of ``classes`` in each file;
        as is in an index without score vectors (nothing to tell the files apart by)."""
        if self._scores is None:
            return score
        heard = np.zeros(len(self.entries), np.float32)
        for c in classes:
            got = self._heard.get(c)
            if got is not None:
                heard[got[0]] = np.maximum(heard[got[0]], got[1])
        return np.where(score > 0, (1 - HEARD_WEIGHT) * score + HEARD_WEIGHT * heard, 0.0)

    def _caption_classes(self, caption: str) -> dict[str, tuple[frozenset[str], float]]:
        classes = dict(caption_classes(caption))
        if self.embed:
            for c, (covered, sim) in caption_classes_by_meaning(caption).items():
                if c not in classes:
                    classes[c] = (covered, sim)
        return classes

    def search(self, caption: str, sound_class: str | None = None, k: int = 10,
               class_weight: float = CLASS_WEIGHT) -> list[Hit]:
        """The ``k`` best recordings for ``caption`` (score > 0), best first. ``class_weight``
        scales the planner class's help (the engine passes the planner's ``class_score``: a
        stand-in class helps less)."""
        if not self.entries or k <= 0:
            return []
        terms = query_terms(caption)
        classes = self._caption_classes(caption)
        score = self._scores_for(terms, classes)
        cterms = [t for t in query_terms(sound_class or "") if t not in terms]
        if sound_class:
            cs = self._scores_for(query_terms(sound_class), {})
            has = self._class_vector(sound_class)
            if has is not None:  # having the class counts as a synonym; its words break ties
                words = 0.0 if cs is None else cs
                cs = np.maximum(words, SYNONYM_NAMED * has + (1 - SYNONYM_NAMED) * words)
            if cs is not None:
                score = class_weight * cs if score is None else np.maximum(score, class_weight * cs)
        if score is None:
            return []
        score = self._with_heard(score, [*classes, *([sound_class] if sound_class else [])])
        k = min(k, len(score))
        # the k best, best first; ties in index order (deterministic: a take's identity matters)
        top = np.flatnonzero(score >= np.partition(score, -k)[-k]) if k < len(score) else np.arange(len(score))
        top = top[np.lexsort((top, -score[top]))][:k]
        all_terms = terms + cterms
        wanted = [*classes, *([sound_class] if sound_class else [])]
        return [Hit(self.entries[i].path, float(min(1.0, score[i])), self.explain(i, all_terms, wanted),
                    self.entries[i]) for i in top if score[i] > 0]

    def explain(self, i: int, terms: list[str], classes: list[str] = ()) -> tuple[str, ...]:
        """Why entry ``i`` matched: its fields holding the terms, the classes it shares, the labels."""
        fields = self._fields[i]
        by_field: dict[str, list[str]] = {}
        for t in terms:
            for f, (_, shown) in fields.get(t, {}).items():
                lst = by_field.setdefault(f, [])
                if shown not in lst:
                    lst.append(shown)
        order = ("name", "category", "description", "label", "folder")
        out = [f"{f}: {', '.join(by_field[f])}" for f in order if f in by_field]
        word_cls = self._word_cls[i]
        shared = []
        for c in dict.fromkeys(classes):
            if c in word_cls:
                shared.append(f"{c} ({word_cls[c][1]})")
            elif i in self._has.get(c, {}):
                shared.append(f"{c} (sound)")
        if shared:
            out.append("class: " + ", ".join(shared))
        if self._scores is not None:
            heard = []
            for t in terms:
                for j in self._label_cols.get(t, ()):
                    s = float(self._scores[i, j])
                    if s >= MIN_LABEL_SCORE and self.label_names[j] not in " ".join(out):
                        heard.append(f"{self.label_names[j]} ({s:.2f})")
            if heard:
                out.append("sound: " + ", ".join(dict.fromkeys(heard)))
        return tuple(out)

    def entry(self, path: str) -> Entry | None:
        return self._by_path.get(path)


_CACHE: dict[str, tuple[int, LibraryIndex]] = {}
_CACHE_LOCK = threading.Lock()


def open_index(index: "LibraryIndex | str | os.PathLike", embed: bool = False) -> LibraryIndex:
    """A LibraryIndex as is, or the index at a path, loaded once per process (reloaded when the
    file changes)."""
    if isinstance(index, LibraryIndex):
        return index
    p = resolve_index_path(index).resolve()
    mtime = p.stat().st_mtime_ns if p.exists() else -1
    key = f"{p}|{int(embed)}"
    with _CACHE_LOCK:
        got = _CACHE.get(key)
        if got and got[0] == mtime:
            return got[1]
        idx = LibraryIndex.load(p, embed=embed)
        _CACHE[key] = (mtime, idx)
        return idx


def search(index: "LibraryIndex | str | os.PathLike", caption: str, sound_class: str | None = None,
           k: int = 10, class_weight: float = CLASS_WEIGHT) -> list[Hit]:
    """The ``k`` best recordings of ``index`` (a LibraryIndex or an index path) for ``caption``."""
    return open_index(index).search(caption, sound_class, k, class_weight)
