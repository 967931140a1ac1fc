"""What a generator receives: the typed, already-resolved parameters of one render request."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from ...models.bridge import SessionContext, stable_hash
from ..base import RenderRequest


def parse_variant(variant: str) -> tuple[frozenset, dict]:
    """Split a variant string into flags and numbers.

    ``"run"`` -> ({"run"}, {}); ``"run, pace=3.1"`` -> ({"run"}, {"pace": 3.1});
    ``"bpm:120"`` and ``"bpm=120"`` both give {"bpm": 120.0}; a bare number is {"value": x}.
    """
    flags, numbers = set(), {}
    for tok in re.split(r"[,;\s]+", (variant or "").strip().lower()):
        if not tok:
            continue
        m = re.fullmatch(r"([a-z_]+)[=:]([-+0-9.eE]+)", tok)
        if m:
            try:
                numbers[m.group(1)] = float(m.group(2))
                continue
            except ValueError:
                pass
        try:
            numbers["value"] = float(tok)
        except ValueError:
            flags.add(tok)
    return frozenset(flags), numbers


@dataclass
class Params:
    """One render, resolved: everything a generator may depend on, nothing else.

    ``rng`` is seeded from (event seed, class, variant) only, so changing intensity or distance
    keeps the same take (a designer comparing levels hears the same thunder), while a new seed
    gives a new take.
    """

    sound_class: str
    n: int  # frames to render
    sr: int
    intensity: float  # 0..1
    distance: float  # 0 close .. 1 far
    duration: float  # seconds (= n / sr)
    seed: int
    rng: np.random.Generator
    emotion: str = "neutral"
    variant_flags: frozenset = frozenset()
    variant_numbers: dict = field(default_factory=dict)
    context: SessionContext = field(default_factory=SessionContext)
    start_s: float = 0.0  # session time of the event (music aligns its bar grid to it)

    @property
    def running(self) -> bool:
        return "run" in self.variant_flags

    def number(self, name: str, default: float) -> float:
        return float(self.variant_numbers.get(name, default))

    def child_rng(self, *salt: object) -> np.random.Generator:
        """An independent stream for one part of a sound (so adding a layer keeps the others)."""
        return np.random.default_rng([self.seed & 0xFFFFFFFF, self.seed >> 32,
                                      stable_hash(self.sound_class, *salt) & 0xFFFFFFFF])

    def at_rate(self, factor: int) -> "Params":
        """The same render at 1/``factor`` of the sample rate (same rng stream), for textures with
        nothing above a few kHz; ``dsp.upsample`` brings the result back."""
        n = -(-self.n // factor) + 2
        return replace(self, n=n, sr=self.sr // factor, duration=n / (self.sr // factor))

    @classmethod
    def from_request(cls, req: RenderRequest) -> "Params":
        ev = req.event
        flags, numbers = parse_variant(ev.variant)
        seed = int(ev.seed) & ((1 << 63) - 1)
        rng = np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32,
                                     stable_hash(ev.sound_class, ev.variant) & 0xFFFFFFFF])
        n = req.frames
        return cls(sound_class=ev.sound_class, n=n, sr=int(req.sample_rate),
                   intensity=float(min(1.0, max(0.0, ev.intensity))),
                   distance=float(min(1.0, max(0.0, ev.distance))),
                   duration=n / req.sample_rate, seed=seed, rng=rng,
                   emotion=ev.emotion or req.context.emotion or "neutral",
                   variant_flags=flags, variant_numbers=numbers, context=req.context,
                   start_s=float(ev.start_s))
