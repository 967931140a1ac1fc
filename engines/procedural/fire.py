"""Fire: a flickering low roar (combustion turbulence, low-passed noise with fast amplitude
flutter), crackles (sparse sharp clicks ringing tiny resonances: sap pockets bursting) and pops
(rarer, louder, lower)."""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def _fire(p: Params, crackle_rate: float, roar_level: float, roar_fc: float, flutter_hz: float) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    # Crackle comes in bursts (a log catching), so the rate wanders.
    rate = crackle_rate * dsp.smooth_random(rng, n, 1.5, sr, 0.0, 1.0) ** F32(2.0) * 2.0 + crackle_rate * 0.1
    pos = dsp.poisson_times(rng, rate, n, sr)
    m = pos.size
    amps = (rng.pareto(2.2, m) + 0.1).clip(0, 3) * rng.choice([-1.0, 1.0], m)
    ch = rng.integers(0, 2, m)
    ticks = np.stack([dsp.impulse_train(n, pos[ch == c], amps[ch == c]) for c in range(2)], axis=1)
    crackle = dsp.bandpass(ticks, 1200.0, 9000.0, sr, order=1)
    # Pops: a few larger, lower, ringing events (sap pockets bursting), each rendered on its own.
    out = np.zeros((n, 2), dtype=F32)
    L = int(0.08 * sr)
    for t in dsp.poisson_times(rng, 0.5 + crackle_rate * 0.01, n, sr):
        exc = dsp.white(rng, L) * dsp.exp_decay(L, 0.004, sr)
        pop = dsp.modal_bank(exc, rng.uniform(300, 1200, 2), (0.03, 0.02), (1.0, 0.6), sr) + exc * F32(0.3)
        dsp.add_at(out, int(t), dsp.pan(pop * F32(rng.uniform(1.0, 3.0)), rng.uniform(-0.6, 0.6)))
    # Roar: combustion turbulence, low-passed noise with a fast flicker.
    flick = dsp.smooth_random(rng, n, flutter_hz, sr, 0.4, 1.0)[:, None]
    roar = dsp.lowpass(dsp.white(rng, 2 * n).reshape(n, 2), roar_fc, sr) * flick
    return roar * F32(roar_level) + crackle * F32(0.5) + out


def campfire(p: Params) -> np.ndarray:
    return _fire(p, 12 + 25 * p.intensity, 0.6, 400.0, 4.0)


def blaze(p: Params) -> np.ndarray:
    x = _fire(p, 60 + 100 * p.intensity, 3.0, 900.0, 7.0)
    # A big fire also breathes: slow surges of the whole roar.
    return x * dsp.smooth_random(p.rng, p.n, 0.4, p.sr, 0.7, 1.0)[:, None]


GENERATORS = {"campfire": campfire, "blaze": blaze}
