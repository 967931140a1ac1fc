"""``python -m soundweaver.models.planner [--json] [--seed N] [--state k=v ...] TEXT``: plan one narrative.

Prints ``{"events": [...]}`` with --json (the format plan scorers read), else a
readable table. The real CLI is ``soundweaver plan``; this entry exists for the planner alone.
"""
from __future__ import annotations

import argparse
import json
import sys

from ..plan import GameState
from . import plan_narrative, plan_to_dict


def _state(pairs: list[str]) -> GameState:
    params, states, switches = {}, {}, {}
    for p in pairs:
        k, _, v = p.partition("=")
        k = k.strip()
        if k.startswith("switch."):
            switches[k[7:]] = v
        else:
            try:
                params[k] = float(v)
            except ValueError:
                states[k] = v
    return GameState(params, states, switches)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m soundweaver.models.planner")
    ap.add_argument("text", nargs="+")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--state", action="append", default=[], metavar="K=V",
                    help="tension=0.8 (parameter), weather=storm (state), switch.surface=snow (switch)")
    ap.add_argument("--embeddings", choices=("auto", "on", "off"), default="auto",
                    help="map phrases the lexicon misses by meaning (needs the embed extra); auto: when installed")
    a = ap.parse_args(argv)
    from .rules import RulePlanner
    planner = RulePlanner(use_embeddings={"auto": None, "on": True, "off": False}[a.embeddings])
    plan = plan_narrative(" ".join(a.text), _state(a.state), a.seed, planner)
    if a.json:
        print(json.dumps(plan_to_dict(plan)))
        return 0
    print(f"scene {plan.scene}, emotion {plan.emotion}, {plan.duration_s:.1f} s")
    for e in plan.events:
        print(f"{e.id:>4} {e.start_s:7.2f} {e.duration_s:6.2f}  {e.layer.value:8} {e.sound_class:18} "
              f"i={e.intensity:.2f} d={e.distance:.2f}  {e.caption}")
    for n in plan.notices:
        print(f"notice {n.code}: {n.message}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
