"""Fire: a flickering low roar, crackle and pops.

``campfire``  logs burning in the open: sparse, sharp crackle in bursts (each crackle a cluster of
              1-8 clicks a few ms apart: moisture and resin pockets flashing to steam and the wood
              fissuring), now and then a louder pop, over a soft low roar and a faint hiss.
``blaze``     a big fire (a forge, a burning house): the roar of combustion turbulence dominates
              (broadband to ~1 kHz, flickering at 4-10 Hz as the flames flap, surging slowly as it
              breathes), with dense crackle on top.

Crackle physics: a crackle is not a ringing tone but a pressure spike of well under a millisecond
(a fissure opening), so each click is a ~0.5-2 ms burst of broadband noise, brightest 2-8 kHz;
clicks come in clusters (one pocket bursting splits the wood along several fibres), clusters in
bursts (a log catching), and loudness is heavy-tailed (a few loud snaps among many small ticks).
"""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def crackle(rng: np.random.Generator, n: int, sr: int, cluster_rate: np.ndarray, clicks: float,
            lo: float = 1500.0, hi: float = 9000.0, click_s: float = 0.0008) -> np.ndarray:
    """Mono crackle: clusters (Poisson, per-sample ``cluster_rate``) of about ``clicks`` clicks
    5-40 ms apart; each click a noise burst decaying in ``click_s``, band-limited to lo..hi."""
    starts = dsp.poisson_times(rng, cluster_rate, n, sr)
    counts = 1 + rng.poisson(max(0.0, clicks - 1.0), starts.size)
    pos = np.repeat(starts, counts)
    step = rng.uniform(0.004, 0.04, pos.size) * sr
    first = np.r_[0, np.cumsum(counts)[:-1]]
    offs = np.cumsum(step) - np.repeat(np.cumsum(step)[first] - step[first], counts)
    pos = (pos + offs - np.repeat(step[first], counts)).astype(np.int64)
    # Heavy-tailed loudness; the first click of a cluster is the strongest (the pocket bursting).
    amps = (rng.pareto(2.0, pos.size) + 0.15).clip(0, 4) * np.where(np.isin(np.arange(pos.size), first), 1.5, 0.6)
    env = dsp.one_pole_lp(dsp.impulse_train(n, pos, amps), 1.0 / (dsp.TAU * click_s), sr)
    return dsp.bandpass(dsp.white(rng, n) * env, lo, hi, sr) * F32(40.0)


def _fire(p: Params, cluster_rate: float, clicks: float, roar_level: float, roar_fc: float, flutter_hz: float,
          pops_per_s: float) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    # Crackle comes in bursts (a log catching), so the rate wanders; left and right are
    # different logs.
    out = np.zeros((n, 2), dtype=F32)
    # A bed is a texture, not an event: no crackle or pop right at its edges (segments join).
    edges = dsp.segment_env(n, [(0.0, 0.0), (0.15, 0.0), (0.3, 1.0), (p.duration - 0.3, 1.0),
                                (p.duration - 0.15, 0.0), (p.duration, 0.0)], sr) if p.duration > 0.8 else np.ones(n, F32)
    for c in range(2):
        rate = cluster_rate * edges * (dsp.smooth_random(rng, n, 1.2, sr, 0.0, 1.0) ** F32(2.0) * 1.8 + 0.15)
        out[:, c] = crackle(rng, n, sr, rate, clicks)
    # Pops: rarer, louder and lower (a bigger pocket): a burst of a few ms with a short body
    # resonance in the 500 Hz - 2 kHz range, and a snap on top.
    L = int(0.05 * sr)
    for t in dsp.poisson_times(rng, pops_per_s * edges, n, sr):
        exc = dsp.white(rng, L) * dsp.exp_decay(L, 0.006, sr)
        pop = dsp.bandpass(exc, rng.uniform(400, 900), rng.uniform(2000, 5000), sr) * F32(1.5) + exc * F32(0.4)
        dsp.add_at(out, int(t), dsp.pan(pop * F32(rng.uniform(0.6, 1.5)), rng.uniform(-0.6, 0.6)))
    # Roar: combustion turbulence, low-passed noise with a fast flicker (flames flapping).
    flick = dsp.smooth_random(rng, n, flutter_hz, sr, 0.35, 1.0)[:, None]
    noise = dsp.white(rng, 2 * n).reshape(n, 2)
    roar = dsp.lowpass(noise, roar_fc, sr, order=2) + dsp.lowpass(noise, roar_fc * 0.3, sr, order=2) * F32(1.5)
    # Hiss: gas and steam escaping the wood, faint and high.
    hiss = dsp.bandpass(noise, 2500.0, 8000.0, sr) * F32(0.03)  # the same turbulence, its top band
    return roar * flick * F32(roar_level) + hiss + out


def campfire(p: Params) -> np.ndarray:
    return _fire(p, 4.0 + 8.0 * p.intensity, 3.0, 0.25, 500.0, 5.0, 0.4 + 0.6 * p.intensity)


def blaze(p: Params) -> np.ndarray:
    x = _fire(p, 14.0 + 20.0 * p.intensity, 4.0, 1.0, 1000.0, 8.0, 1.0 + 1.5 * p.intensity)
    # A big fire also breathes: slow surges of the whole roar.
    return x * dsp.smooth_random(p.rng, p.n, 0.4, p.sr, 0.7, 1.0)[:, None]


GENERATORS = {"campfire": campfire, "blaze": blaze}
