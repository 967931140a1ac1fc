#!/usr/bin/env python3
"""Render speed of the procedural engine per class, in multiples of real time, on one core.

Each class renders at its default duration (48 kHz stereo by default), seed varied per repeat;
per class it reports the best and the median over repeats of audio seconds per CPU second of
the rendering thread (``time.thread_time``: the core's work, not time spent descheduled by
neighbours on a shared machine), and the median in wall-clock terms for comparison. One warm-up
render comes first (filter designs and wavetables are cached on first use).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python scripts/bench_procedural.py

Threads are pinned to one in-process as well, so the command works without the variables too.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from soundweaver.engines.base import RenderRequest  # noqa: E402
from soundweaver.engines.procedural import render_one  # noqa: E402
from soundweaver.models import sound_classes  # noqa: E402
from soundweaver.models.bridge import session_context  # noqa: E402
from soundweaver.models.plan import SoundEvent  # noqa: E402


def bench(sample_rate: int, repeats: int, classes: list[str]) -> list[tuple[str, float, float, float, float]]:
    rows = []
    for name in classes:
        c = sound_classes.get(name)
        speeds, walls = [], []
        for r in range(repeats + 1):
            ev = SoundEvent(id="b", caption=c.description, sound_class=name, layer=c.layer, start_s=0.0,
                            duration_s=c.default_duration_s, intensity=0.8, distance=0.3, seed=100 + r,
                            emotion="tense" if c.family == "music" else "neutral")
            req = RenderRequest(ev, session_context(r, emotion=ev.emotion), sample_rate)
            w0, t0 = time.perf_counter(), time.thread_time()
            render_one(req)
            cpu, wall = time.thread_time() - t0, time.perf_counter() - w0
            if r:  # the first render warms caches
                speeds.append(c.default_duration_s / max(cpu, 1e-6))
                walls.append(c.default_duration_s / wall)
        rows.append((name, c.default_duration_s, max(speeds), statistics.median(speeds), statistics.median(walls)))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample-rate", type=int, default=48000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--slowest", type=int, default=10, help="how many of the slowest classes to list")
    ap.add_argument("classes", nargs="*", help="classes to run (default: all)")
    args = ap.parse_args(argv)
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    except (AttributeError, OSError):
        pass
    rows = bench(args.sample_rate, args.repeats, args.classes or list(sound_classes.NAMES))
    print(f"{'class':22s} {'dur s':>6s} {'best x':>8s} {'median x':>9s} {'wall median x':>14s}")
    for name, dur, best, med, wall in rows:
        print(f"{name:22s} {dur:6.1f} {best:8.0f} {med:9.0f} {wall:14.0f}")
    rows.sort(key=lambda r: r[2])
    best = [r[2] for r in rows]
    med = sorted(r[3] for r in rows)
    wall = sorted(r[4] for r in rows)
    print(f"\n{len(rows)} classes at {args.sample_rate} Hz stereo, one core (CPU time): best-of-{args.repeats} "
          f"median {statistics.median(best):.0f}x, min {best[0]:.0f}x, below 100x: {sum(s < 100 for s in best)}; "
          f"per-class medians: min {med[0]:.0f}x, below 100x: {sum(s < 100 for s in med)}; "
          f"wall-clock medians: min {wall[0]:.0f}x, below 100x: {sum(s < 100 for s in wall)}")
    print("slowest (best of repeats): " + ", ".join(f"{n} {s:.0f}x" for n, _, s, _, _ in rows[: args.slowest]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
