"""Library search at scale: a synthetic index of N entries (default 10 000) built in memory from
word lists (names, UCS categories, descriptions, AudioSet labels; no audio), then captions timed.

    python3 scripts/bench_library.py [--entries 10000] [--queries 2000]

Prints build time and search p50/p99/max in ms (the target: p99 <= 5 ms at 10k files), wall
clock and the CPU time the search thread used (on a shared machine the wall-clock tail is mostly
waiting for a core).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from soundweaver.engines.library.index import UCS_CATEGORIES, Entry
from soundweaver.engines.library.search import LibraryIndex

SOURCES = ("door wood metal glass horse gallop trot walk footstep gravel snow mud water splash stream "
           "rain thunder wind fire crackle explosion gun shot rifle pistol car engine horn skid train bell "
           "church clock tick bird crow owl dog bark cat meow crowd cheer applause laugh scream whoosh swoosh "
           "impact punch body fall debris rock rumble creak squeak slam knock chain keys jingle cloth rustle "
           "paper tear zipper bag drop plastic ceramic shatter break snap twig leaves forest cave drip ocean "
           "wave lapping boat ship motor machine hum buzz beep alarm siren laser magic spell ui click").split()
ADJ = "heavy light small big slow fast close distant soft hard long short wet dry old rusty large".split()
LABELS = ("Door", "Glass", "Shatter", "Horse", "Clip-clop", "Walk, footsteps", "Water", "Splash, splatter",
          "Rain", "Thunder", "Wind", "Fire", "Crackle", "Explosion", "Gunshot, gunfire", "Car", "Vehicle",
          "Bell", "Bird", "Dog", "Crowd", "Applause", "Laughter", "Whoosh, swoosh, swish", "Thump, thud",
          "Creak", "Slam", "Knock", "Jingle, tinkle", "Rustle", "Stream", "Ocean", "Engine", "Siren")


def synthetic(n: int, seed: int = 0) -> list[Entry]:
    rng = np.random.default_rng(seed)
    cats = list(UCS_CATEGORIES.items())
    out = []
    for i in range(n):
        words = tuple(rng.choice(SOURCES, size=rng.integers(2, 5))) + tuple(rng.choice(ADJ, size=rng.integers(0, 3)))
        code, cat = cats[rng.integers(len(cats))]
        labels = tuple((str(l), float(rng.uniform(0.05, 0.9))) for l in rng.choice(LABELS, size=3, replace=False))
        desc = " ".join(rng.choice(SOURCES + ADJ, size=rng.integers(0, 8)))
        out.append(Entry(path=f"/lib/{cat}/{'_'.join(words)}_{i:05d}.wav", name_words=words,
                         folder_words=(cat,), cat_id=code + "Misc", category=cat, subcategory="misc",
                         description=desc, labels=labels, duration_s=float(rng.uniform(0.3, 30)),
                         channels=2, sample_rate=48000))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("-k", type=int, default=10)
    a = ap.parse_args()
    entries = synthetic(a.entries)
    t0 = time.perf_counter()
    idx = LibraryIndex(entries)
    build = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    captions = [" ".join(rng.choice(SOURCES + ADJ + ["the", "a", "on", "in"], size=rng.integers(1, 7)))
                for _ in range(a.queries)]
    for c in captions[:50]:  # warm the stem cache as a live server's would be
        idx.search(c, k=a.k)
    times, cpu, found = [], [], 0
    for c in captions:
        t, tc = time.perf_counter(), time.thread_time()
        hits = idx.search(c, "footsteps_gravel" if len(c) % 3 == 0 else None, k=a.k)
        times.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - tc)
        found += bool(hits)
    ms, cms = np.array(times) * 1e3, np.array(cpu) * 1e3
    print(f"entries={len(idx)} build_s={build:.2f} queries={len(ms)} found={found} "
          f"search_ms p50={np.percentile(ms, 50):.3f} p99={np.percentile(ms, 99):.3f} max={ms.max():.3f} "
          f"cpu_ms p50={np.percentile(cms, 50):.3f} p99={np.percentile(cms, 99):.3f}")


if __name__ == "__main__":
    main()
