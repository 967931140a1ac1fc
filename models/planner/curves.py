"""Parameter curves (RTPCs in Wwise words, automation in FMOD's): a game parameter drives a target.

Targets the timeline understands:
- ``music.intensity``      music bed intensity (0..1)
- ``music.presence``       a music bed plays while this is >= 0.5
- ``stinger.probability``  chance that a cue gets a music stinger at its start
- ``<layer>.intensity``    multiplies the intensity of new events on a layer (ambience, foley,
                           stinger, voice; for music it is the bed level above)
- ``class.<name>.presence``  a sound of that class loops while this is >= 0.5 (health -> heartbeat)

A curve only acts when the game has sent its parameter.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..plan import GameState, Layer
from .. import sound_classes


@dataclass(frozen=True)
class Curve:
    parameter: str
    target: str
    points: tuple[tuple[float, float], ...]  # (parameter value, target value), sorted by x

    def __call__(self, x: float) -> float:
        pts = self.points
        if not pts:
            return 0.0
        if x <= pts[0][0]:
            return pts[0][1]
        if x >= pts[-1][0]:
            return pts[-1][1]
        i = bisect_right([p[0] for p in pts], x)
        (x0, y0), (x1, y1) = pts[i - 1], pts[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def target_problem(target: str) -> str | None:
    """Why a target name is not understood, or None."""
    if target in ("music.intensity", "music.presence", "stinger.probability"):
        return None
    parts = target.split(".")
    if len(parts) == 2 and parts[1] == "intensity" and parts[0] in {l.value for l in Layer}:
        return None
    if len(parts) == 3 and parts[0] == "class" and parts[2] == "presence":
        if parts[1] in sound_classes.BY_NAME:
            return None
        return f"unknown sound class {parts[1]!r}"
    return (f"unknown curve target {target!r} (music.intensity, music.presence, stinger.probability, "
            f"<layer>.intensity, class.<name>.presence)")


DEFAULT_CURVES: tuple[Curve, ...] = (
    Curve("tension", "music.intensity", ((0.0, 0.2), (1.0, 0.9))),
    Curve("tension", "music.presence", ((0.0, 0.0), (0.5, 0.0), (0.55, 1.0), (1.0, 1.0))),
    Curve("tension", "stinger.probability", ((0.0, 0.0), (0.5, 0.0), (1.0, 0.8))),
    Curve("health", "class.heartbeat.presence", ((0.0, 1.0), (0.25, 1.0), (0.3, 0.0), (1.0, 0.0))),
)


def evaluate(curves: Sequence[Curve], params: Mapping[str, float], target: str) -> float | None:
    """The target's value from the first curve whose parameter the game has sent; None if none."""
    for c in curves:
        if c.target == target and c.parameter in params:
            try:
                x = float(params[c.parameter])
            except (TypeError, ValueError):
                continue
            if math.isfinite(x):
                return float(c(x))
    return None


def targets(curves: Sequence[Curve], prefix: str) -> list[str]:
    return sorted({c.target for c in curves if c.target.startswith(prefix)})


def parameter_range(curves: Sequence[Curve], parameter: str) -> tuple[float, float]:
    """The values a parameter may take: 0..1 (the wire's convention), widened to cover the points
    of any curve that reads it (a cue sheet documents a wider range that way)."""
    lo, hi = 0.0, 1.0
    for c in curves:
        if c.parameter == parameter and c.points:
            lo, hi = min(lo, c.points[0][0]), max(hi, c.points[-1][0])
    return lo, hi


def clamp_parameters(state: GameState, curves: Sequence[Curve]) -> tuple[GameState, list[str]]:
    """``state`` with every parameter inside its range, and a sentence for each one that was not."""
    params, said = dict(state.parameters), []
    for name, value in state.parameters.items():
        lo, hi = parameter_range(curves, name)
        if not lo <= value <= hi:
            params[name] = min(hi, max(lo, value))
            said.append(f"parameter {name!r} = {value:g} is outside {lo:g}..{hi:g}; clamped to {params[name]:g}")
    if not said:
        return state, said
    return GameState(params, state.states, state.switches), said
