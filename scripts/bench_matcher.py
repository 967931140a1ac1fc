"""Recall of the library matcher on held-out captions over real recordings (Debian sound sets).

    python3 scripts/bench_matcher.py [--index lib.sqlite] [--embed] [-v]

Captions (scripts/data/matcher_captions.jsonl) were written as a designer would describe each
sound, not from the file names; each lists the files (globs) that answer it. For every caption
whose set is installed (``engines.library.sets``), the index is searched and the rank of the
first relevant file is kept: recall@1 and recall@5, for
- words: names, categories, descriptions and top labels only (the matcher before synonyms),
- default: + the lexicon's classes and the tagger's score vectors (no torch),
- embed: + classes by meaning (MiniLM; with --embed, when the extra is installed).
Without --index, the installed sets are indexed into a temporary file (with YAMNet when installed).
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from soundweaver.engines.library import concepts, sets
from soundweaver.engines.library.index import index_library
from soundweaver.engines.library.search import LibraryIndex

CAPTIONS = Path(__file__).parent / "data" / "matcher_captions.jsonl"


def words_only(idx: LibraryIndex) -> LibraryIndex:
    """The same index matched on words alone (no classes, no score vectors): the baseline."""
    idx._cpost, idx._cnamed, idx._has, idx._label_cols = {}, {}, {}, {}
    idx._caption_classes = lambda caption: {}
    return idx


def rank(idx: LibraryIndex, caption: str, relevant: list[str], k: int = 5) -> int | None:
    for r, h in enumerate(idx.search(caption, k=k), 1):
        if any(fnmatch.fnmatch(h.path, g) for g in relevant):
            return r
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", help="an index of the sets (default: index the installed sets now)")
    ap.add_argument("--embed", action="store_true", help="also measure with the embed extra")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per caption")
    a = ap.parse_args()
    present = {s.package for s in sets.installed()}
    cases = [json.loads(l) for l in CAPTIONS.read_text().splitlines() if l.strip()]
    cases = [c for c in cases if c["set"] in present]
    if not cases:
        raise SystemExit(f"no sound set installed: {sets.INSTALL}")
    path = a.index
    if path is None:
        path = str(Path(tempfile.mkdtemp()) / "lib.sqlite")
        rep = index_library([s.root for s in sets.installed()], path, exclude=sets.EXCLUDE)
        print(f"indexed: {rep.summary()}")
    modes = {"words": words_only(LibraryIndex.load(path)), "default": LibraryIndex.load(path)}
    if a.embed:
        if concepts.embedding_available():
            modes["embed"] = LibraryIndex.load(path, embed=True)
        else:
            print("embed: the extra is not installed (pip install '.[embed]')")
    files = [e.path for e in modes["default"].entries]
    cases = [c for c in cases if any(fnmatch.fnmatch(f, g) for f in files for g in c["relevant"])]
    print(f"captions={len(cases)} files={len(files)} sets={', '.join(sorted(present))}")
    for name, idx in modes.items():
        ranks, times = [], []
        idx.search("a warm-up caption")  # loads the embedding model once, outside the timing
        for c in cases:
            t0 = time.perf_counter()
            r = rank(idx, c["caption"], c["relevant"])
            times.append(time.perf_counter() - t0)
            ranks.append(r)
            if a.verbose:
                top = idx.search(c["caption"], k=1)
                print(f"  {name:7s} {r or '-':>2} {c['caption']!r} -> {top[0].name if top else 'nothing'}")
        r1 = np.mean([r == 1 for r in ranks])
        r5 = np.mean([r is not None for r in ranks])
        ms = np.array(times) * 1e3
        print(f"{name:8s} recall@1={r1:.2f} recall@5={r5:.2f} search_ms p50={np.percentile(ms, 50):.2f} "
              f"p99={np.percentile(ms, 99):.2f}")


if __name__ == "__main__":
    main()
