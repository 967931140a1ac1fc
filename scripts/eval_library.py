#!/usr/bin/env python3
"""YAMNet agreement of the procedural library, class by class (issue 9).

Renders every class in isolation (default duration, default intensity 0.7 and distance 0.2,
neutral emotion, several seeds) and lets YAMNet listen to each clip as an event window: patches
every 0.48 s over the clip (one patch for a clip under 0.96 s), scores averaged. A take is a
top-1 (top-5) hit when the best (any of the five best) AudioSet labels is one of the class's hit
labels (engines/evaluation/labels.py). Prints per class the top-1/top-5 hit rate over seeds and
what YAMNet heard most often, then the overall mean over classes with an AudioSet counterpart.

    python scripts/eval_library.py [--seeds 5] [--first-seed 0] [--rate 48000] [--classes a,b] [--json out.json]
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import time

from soundweaver.engines.base import RenderRequest
from soundweaver.engines.evaluation import metrics, yamnet
from soundweaver.engines.evaluation.labels import hit_labels
from soundweaver.engines.procedural import render_one
from soundweaver.models import sound_classes
from soundweaver.models.bridge import session_context
from soundweaver.models.plan import SoundEvent


def render(name: str, seed: int, sr: int):
    c = sound_classes.get(name)
    ev = SoundEvent(id=f"lib-{name}-{seed}", caption=c.description, sound_class=name, layer=c.layer,
                    start_s=0.0, duration_s=c.default_duration_s, seed=seed)
    return render_one(RenderRequest(ev, session_context(seed), sr))[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds are FIRST_SEED .. FIRST_SEED+SEEDS-1")
    ap.add_argument("--rate", type=int, default=48000)
    ap.add_argument("--classes", default="", help="comma-separated subset (default: all)")
    ap.add_argument("--json", metavar="FILE")
    a = ap.parse_args(argv)
    tagger = yamnet.load()
    names = [n for n in a.classes.split(",") if n] or list(sound_classes.NAMES)
    t0 = time.perf_counter()
    rows, skipped = {}, []
    print(f"{'class':<20}{'top1':>6}{'top5':>6}  heard (top-1 over seeds)")
    for name in names:
        if not hit_labels(name, tagger.labels):
            skipped.append(name)
            continue
        top1 = top5 = 0
        heard = collections.Counter()
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            v = metrics.clip_verdict(tagger, render(name, seed, a.rate), a.rate, name)
            top1 += v.hit_top1
            top5 += v.hit_top5
            heard[v.top[0][0]] += 1
        rows[name] = {"top1": top1 / a.seeds, "top5": top5 / a.seeds, "heard": heard.most_common(3)}
        print(f"{name:<20}{top1 / a.seeds:>6.2f}{top5 / a.seeds:>6.2f}  "
              + ", ".join(f"{l} x{k}" for l, k in heard.most_common(3)), flush=True)
    n = max(1, len(rows))
    t1 = sum(r["top1"] for r in rows.values()) / n
    t5 = sum(r["top5"] for r in rows.values()) / n
    if skipped:
        print(f"skipped (no AudioSet counterpart): {', '.join(skipped)}")
    print(f"({time.perf_counter() - t0:.0f} s, seeds {a.first_seed}..{a.first_seed + a.seeds - 1}, {a.rate} Hz)",
          file=sys.stderr)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"classes": rows, "skipped": skipped, "top1": t1, "top5": t5, "seeds": a.seeds, "first_seed": a.first_seed,
                       "rate": a.rate}, f, indent=1)
    print(f"library classes={len(rows)} agreement_top1={t1:.3f} agreement_top5={t5:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
