"""Doors and mechanisms: stick-slip friction (creaks, squeaks) exciting wood or metal resonances,
slams as low panel modes plus a latch click, jingles and clanks as struck metal modes, clock ticks.

``wood_creak``  timbers and ropes under a changing load (a ship on the swell, old floorboards, a
                rope over a beam): slow stick-slip whose slip rate (the creak's pitch) glides and
                wanders, knocking damped plank modes, from one to three sources at each roll.
"""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def stick_slip(rng: np.random.Generator, rate_hz: np.ndarray, sr: int, jitter: float = 0.3) -> np.ndarray:
    """Friction as an impulse train: each slip is one impulse, at a rate that wanders.

    This is the physics of a creaking hinge or a squealing tyre: the surfaces stick, tension
    builds, they slip. A steady fast rate sounds tonal (squeak), a slow irregular one creaky.
    """
    n = len(rate_hz)
    f = rate_hz * (F32(1.0) + F32(jitter) * dsp.lowpass(dsp.white(rng, n), 40.0, sr))
    ph = np.cumsum(np.maximum(f, 0.0).astype(np.float64)) / sr
    pos = np.nonzero(np.diff(np.floor(ph)))[0] + 1
    return dsp.impulse_train(n, pos, rng.uniform(0.4, 1.0, pos.size))


def door_creak(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    # The door swings open: friction speeds up and slows down, in two or three strains.
    strains = int(rng.integers(2, 4))
    pts = [(0.0, 0.0)]
    for i in range(strains):
        pts.append(((i + rng.uniform(0.3, 0.7)) / strains * dur, rng.uniform(40, 160) * (0.8 + 0.5 * p.intensity)))
    pts.append((dur, 20.0))
    rate = dsp.segment_env(n, pts, sr) * dsp.smooth_random(rng, n, 6.0, sr, 0.7, 1.3)
    x = stick_slip(rng, rate, sr, 0.4)
    body = dsp.modal_bank(x, rng.uniform(300, 500) * np.array([1.0, 1.7, 2.9, 4.3]), (0.08, 0.06, 0.05, 0.04),
                          (1.0, 0.7, 0.5, 0.3), sr)
    env = dsp.segment_env(n, [(0, 0), (0.08, 1), (dur - 0.15, 1), (dur, 0)], sr)
    return (dsp.bandpass(body, 200.0, 5000.0, sr) * env).astype(F32)


def gate_squeak(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    out = np.zeros(n, dtype=F32)
    # Two squeaks: the gate swings open and back.
    for k in range(int(rng.integers(2, 4))):
        a = int((0.05 + k * rng.uniform(0.28, 0.4) * dur) * sr)
        m = min(n - a, int(rng.uniform(0.3, 0.55) * dur * sr))
        if m < int(0.05 * sr):
            continue
        f0 = rng.uniform(550, 1100)
        glide = dsp.segment_env(m, [(0, 0.8), (m / sr * 0.5, 1.15), (m / sr, 0.9)], sr)
        rate = f0 * glide * dsp.smooth_random(rng, m, 12.0, sr, 0.97, 1.03)
        x = stick_slip(rng, rate, sr, 0.05)  # a fast steady slip is tonal: a squeak
        x = dsp.modal_bank(x, [f0 * 1.0, f0 * 2.0, f0 * 3.1, rng.uniform(2500, 4000)], (0.02, 0.02, 0.02, 0.1),
                           (1.0, 0.6, 0.3, 0.4), sr)
        x *= np.hanning(m).astype(F32) ** F32(0.5)
        dsp.add_at(out, a, x * F32(rng.uniform(0.6, 1.0)))
    # The latch or a loose chain link knocks at the end.
    knock = dsp.white(rng, int(0.2 * sr)) * dsp.exp_decay(int(0.2 * sr), 0.01, sr)
    knock = dsp.modal_bank(knock, rng.uniform(700, 1600, 3), (0.15, 0.1, 0.08), (0.5, 0.4, 0.3), sr)
    dsp.add_at(out, int(rng.uniform(0.75, 0.9) * p.n), knock * F32(0.3))
    return dsp.highpass(out, 300.0, sr)


def door_slam(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    t0 = rng.uniform(0.06, 0.12)
    out = np.zeros(n, dtype=F32)
    # The door swinging shut pushes air: a short whoosh leading into the hit.
    w = int(t0 * sr)
    out[:w] += dsp.lowpass(dsp.white(rng, w), 600.0, sr) * np.linspace(0, 1, w, dtype=F32) ** 2 * F32(0.08)
    m = min(n - w, int(1.0 * sr))
    heavy = 0.8 + 0.4 * p.intensity
    # The panel and frame: low plate modes, struck hard.
    panel = dsp.modal_ring(m, sr, [rng.uniform(65, 95), rng.uniform(130, 180), rng.uniform(230, 320),
                                   rng.uniform(420, 560), rng.uniform(800, 1100)],
                           np.array([0.35, 0.28, 0.2, 0.12, 0.08]) * heavy, (1.0, 0.8, 0.5, 0.3, 0.2), rng, 0.001)
    hit = dsp.white(rng, m) * dsp.attack_decay(m, 0.001, 0.03, sr)
    # The thump (air and mass) and the crack of wood on wood, from one filter pass each.
    body = dsp.lowpass(hit, 220.0, sr, order=4) * F32(6.0) + dsp.bandpass(hit, 800.0, 6000.0, sr) * F32(0.4)
    # Most of what is heard of a slam is the wooden panel slapping the frame: a wide, heavily
    # damped knock (a door's panel is clamped by the frame and loaded by air, so it cannot ring at
    # a pitch) around 300-700 Hz for ~0.2 s, and the door bouncing once in the frame before the
    # latch holds it (a second, weaker knock 30-60 ms later).
    c = 450.0 * rng.uniform(0.85, 1.15)
    knock = dsp.bandpass(dsp.white(rng, m), c / 2.0, c * 2.0, sr) * dsp.attack_decay(m, 0.001, 0.2, sr) * F32(5.0)
    body += knock
    dsp.add_at(body, int(rng.uniform(0.03, 0.06) * sr), knock * F32(0.4))
    out[w:w + m] += panel * F32(0.3) + body
    # Latch click (a short, damped tick of steel, not a ringing bell) and frame rattle just after.
    lm = int(0.12 * sr)
    latch = dsp.modal_ring(lm, sr, rng.uniform(2200, 4500, 3), (0.018, 0.015, 0.012), (0.3, 0.2, 0.2), rng)
    dsp.add_at(out, w + int(rng.uniform(0.01, 0.025) * sr), latch)
    for k in range(int(rng.integers(1, 4))):
        r = dsp.modal_ring(lm, sr, rng.uniform(300, 900, 2), (0.08, 0.06), (0.3, 0.2), rng)
        dsp.add_at(out, w + int((0.05 + 0.04 * k + rng.uniform(0, 0.03)) * sr), r * F32(0.25 / (k + 1)))
    return out


def struck_metal(rng, m, sr, f0, ratios, t60, gains, strike_t60=0.003) -> np.ndarray:
    """A small metal object struck once: its inharmonic modes ringing plus a contact tick."""
    x = dsp.modal_ring(m, sr, f0 * np.asarray(ratios) * rng.uniform(0.98, 1.02, len(ratios)), t60, gains, rng)
    k = min(m, max(16, int(3 * strike_t60 * sr)))
    x[:k] += dsp.white(rng, k) * dsp.exp_decay(k, strike_t60, sr) * F32(0.3 * max(gains))
    return x


def keys_jingle(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    out = np.zeros((n, 2), dtype=F32)
    keys = [rng.uniform(2200, 4200) for _ in range(5)]
    # The hand shakes two to four times; each shake makes a cluster of key-on-key hits.
    shakes = int(rng.integers(2, 5))
    m = int(0.35 * sr)
    for s in range(shakes):
        centre = (0.08 + s * (dur - 0.4) / max(1, shakes)) + rng.uniform(0, 0.08)
        for _ in range(int(rng.integers(5, 11)) + int(5 * p.intensity)):
            f0 = keys[int(rng.integers(0, 5))]
            hit = struck_metal(rng, m, sr, f0, (1.0, 1.63, 2.71, 3.9), rng.uniform(0.08, 0.25, 4), (0.5, 0.4, 0.3, 0.2))
            hit = dsp.pan(hit * F32(rng.uniform(0.2, 1.0)), rng.uniform(-0.4, 0.4))
            a = int((centre + abs(rng.normal(0, 0.06))) * sr)
            if a < n:
                out[a:a + m] += hit[: n - a]
    rustle = dsp.bandpass(dsp.white(rng, n), 3000.0, 9000.0, sr) * dsp.smooth_random(rng, n, 8.0, sr, 0.0, 1.0) * F32(0.02)
    return out + dsp.pan(rustle, 0.0)


def valve_clank(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    # A pipe rings harmonically-ish (a tube); the wheel turns with a grinding squeal, then clanks.
    f0 = rng.uniform(140, 260)
    turn = int(min(0.5, p.duration * 0.35) * sr)
    grind = stick_slip(rng, np.full(turn, rng.uniform(60, 120), dtype=F32), sr, 0.6)
    grind = dsp.modal_bank(grind, f0 * np.array([3.0, 5.1, 7.2]), (0.05, 0.04, 0.03), (0.4, 0.3, 0.2), sr)
    dsp.add_at(out, int(0.02 * sr), grind * np.hanning(turn).astype(F32) * F32(0.4))
    m = min(n, int(1.4 * sr))
    for k in range(int(rng.integers(1, 3))):
        hit = struck_metal(rng, m, sr, f0, (1.0, 2.02, 2.98, 4.1, 5.3, 6.7), (1.0, 0.8, 0.6, 0.45, 0.3, 0.2),
                           (0.6, 0.5, 0.45, 0.35, 0.3, 0.2), 0.004)
        dsp.add_at(out, turn + int((0.03 + 0.18 * k) * sr), hit * F32(1.0 / (k + 1)))
    hiss_m = int(0.4 * sr)
    hiss = dsp.highpass(dsp.white(rng, hiss_m), 3000.0, sr) * dsp.attack_decay(hiss_m, 0.02, 0.3, sr) * F32(0.05)
    dsp.add_at(out, turn + int(0.05 * sr), hiss)
    return out


def clock_tick(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    rate = p.number("bpm", 60.0) / 60.0
    pendulum = rng.uniform(0.99, 1.01) / rate
    t = rng.uniform(0.02, pendulum) + np.arange(int(p.duration * rate) + 2) * pendulum
    t = t[t < p.duration - 0.05]
    # Tick and tock differ (escapement asymmetry): alternate two tunings and levels.
    tunings = ((rng.uniform(2500, 3500), 1.53, 1.0), (rng.uniform(1700, 2400), 1.7, 0.8))
    case = rng.uniform(700, 1100)  # the clock case resonance under both
    out = np.zeros(n, dtype=F32)
    m = int(0.08 * sr)
    for i, ti in enumerate(t):
        f, ratio, g = tunings[i % 2]
        x = dsp.modal_ring(m, sr, [f, f * ratio, case], (0.03, 0.02, 0.06), (0.6, 0.3, 0.2), rng)
        k = int(0.002 * sr)
        x[:k] += dsp.highpass(dsp.white(rng, k), 4000.0, sr) * dsp.exp_decay(k, 0.0007, sr) * F32(0.5)
        dsp.add_at(out, int(ti * sr), x * F32(g * rng.uniform(0.9, 1.0)))
    return out


def creak(rng: np.random.Generator, m: int, sr: int, rate_lo: float, rate_hi: float, modes, jitter: float = 0.5) -> np.ndarray:
    """One creak of wood under load (``m`` samples): stick-slip whose slip rate glides up and
    back down as the load comes and goes, each slip knocking the timber's damped modes.

    The slip rate (~50-250 slips/s for planks, faster for a rope on a belaying pin) is the creak's
    pitch; it wanders (``jitter``) because the grain's grip varies, which is what makes it a
    groan and not a tone."""
    dur = m / sr
    peak = rng.uniform(0.3, 0.7) * dur
    rate = dsp.segment_env(m, [(0.0, rate_lo), (peak, rate_hi), (dur, rate_lo * rng.uniform(0.8, 1.2))], sr)
    rate = rate * dsp.smooth_random(rng, m, 5.0, sr, 0.8, 1.2)
    x = stick_slip(rng, rate, sr, jitter)
    freqs = np.asarray(modes) * rng.uniform(0.95, 1.05, len(modes))
    body = dsp.modal_bank(x, freqs, np.full(len(modes), 0.04), (1.0, 0.8, 0.6, 0.45, 0.3)[: len(modes)], sr)
    # The rub itself: a little friction noise riding on the slips.
    body += dsp.bandpass(dsp.white(rng, m), 800.0, 4000.0, sr) * dsp.one_pole_lp(np.abs(x), 200.0, sr) * F32(0.6)
    swell = np.sin(np.pi * np.linspace(0.0, 1.0, m)).astype(F32) ** F32(0.7)
    return dsp.bandpass(body, 120.0, 5000.0, sr) * swell


def wood_creak(p: Params) -> np.ndarray:
    """Timbers and ropes under a changing load: a ship rolling on the swell (or old floorboards,
    a rope on a beam). Creaks come with each roll, 2-4 s apart, one to three sources at a time
    (the hull's planks low and slow, the mast's step, a rope over wood higher and tighter), each
    in its own place in the stereo field."""
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    # Sources: (slip rate range, modes): hull planking, a heavy beam, a rope on a pin.
    sources = [((45.0, 180.0), rng.uniform(600, 1040) * np.array([1.0, 1.6, 2.7, 4.1, 5.9])),
               ((75.0, 270.0), rng.uniform(1200, 2000) * np.array([1.0, 1.45, 2.3, 3.4])),
               ((180.0, 480.0), rng.uniform(2400, 3600) * np.array([1.0, 1.8, 2.9]))]
    places = rng.uniform(-0.7, 0.7, len(sources))
    period = rng.uniform(1.8, 3.6) / (0.7 + 0.6 * p.intensity)
    t = rng.uniform(0.05, 0.6)
    while t < p.duration - 0.3:
        for k in rng.permutation(len(sources))[: int(rng.integers(1, 4))]:
            (lo, hi), modes = sources[k]
            m = int(min(rng.uniform(0.6, 1.8), p.duration - t) * sr)
            if m < int(0.2 * sr):
                continue
            a = int((t + rng.uniform(0.0, 0.8)) * sr)
            x = creak(rng, m, sr, lo * rng.uniform(0.8, 1.2), hi * rng.uniform(0.8, 1.2), modes)
            dsp.add_at(out, a, dsp.pan(x * F32(rng.uniform(0.5, 1.0)), places[k]))
        t += period * rng.uniform(0.7, 1.3)
    return out

