"""The library engine: a studio's own recordings as an engine (docs/library.md).

``index``    ``index_library(dirs, index_path)``: walk folders of WAV/FLAC/OGG/AIFF, record names,
             UCS categories, embedded descriptions, YAMNet labels and score vectors, loudness,
             loops and smpl loop regions; SQLite, incremental.
``concepts`` the lexicon's classes of a text, the classes' AudioSet hit labels (synonyms, sound).
``search``   ``search(index, caption, sound_class=None, k=10) -> [Hit]``: words, synonyms (lexicon
             classes) and what files sound like (YAMNet vectors), 0..1 scores.
``pins``     cue sheet pins (``files = [...]``, ``category = "..."``): which files, checks.
``engine``   ``LibraryEngine(index_path)``: ``match(event)``, ``render(requests)`` (random-container
             takes, trim or seamless loop, pitch/gain variation, distance, loudness convention).
``sets``     Debian's free game sound sets (real recordings for tests and benchmarks).

Nothing heavy at import: soundfile/soxr load when a file is read, YAMNet only while indexing.
"""
from __future__ import annotations

from .index import INDEX_NAME, Entry, IndexReport, index_library
from .search import Hit, LibraryIndex, search

__all__ = ["INDEX_NAME", "Entry", "IndexReport", "index_library", "Hit", "LibraryIndex", "search", "LibraryEngine"]


def __getattr__(name):
    if name == "LibraryEngine":
        from .engine import LibraryEngine
        return LibraryEngine
    raise AttributeError(name)
