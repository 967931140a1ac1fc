"""Footsteps: a humanised step clock, and per surface a step model (heel then toe).

Each step is rendered on its own with its own random draws (pitch, spectrum, timing, level), so a
sequence never machine-guns. Surfaces: hard modal ticks (stone), low resonant boards (wood),
granular crunch (gravel, snow), splash plus bubbles (water), ringing grate with rattle (metal).
Variant ``run`` walks faster and hits harder; ``pace=<steps per second>`` sets the pace exactly.
"""
from __future__ import annotations

import math

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32

WALK_PACE = 1.9  # steps per second
RUN_PACE = 3.0


def step_times(p: Params, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Onset times (s) of the steps: a steady pace with about 2 % timing jitter (a person, not a
    sequencer). Returns (times, pace)."""
    pace = p.number("pace", RUN_PACE if p.running else WALK_PACE)
    if "pace" not in p.variant_numbers:
        pace *= rng.uniform(0.95, 1.05)
    interval = 1.0 / pace
    count = max(1, int(math.ceil(p.duration * pace)) + 1)
    t = rng.uniform(0.02, 0.6 * interval) + np.arange(count) * interval
    t += rng.normal(0.0, 0.02 * interval, count)
    tail = 0.12
    t = t[(t >= 0.005) & (t < max(0.006, p.duration - tail))]
    return t, pace


def _burst(rng, n, sr, attack, t60):
    return dsp.white(rng, n) * dsp.attack_decay(n, attack, t60, sr)


def _crunch(rng, n, sr, grains, lo, hi, attack, t60, sharp=1.0):
    """Granular crunch: many tiny fractures (gravel, snow), density under an envelope."""
    env = dsp.attack_decay(n, attack, t60, sr)
    pos = dsp.poisson_times(rng, grains * env / max(1e-6, env.mean()) * 0.25, n, sr)
    amps = rng.standard_normal(pos.size) * rng.uniform(0.3, 1.0, pos.size) ** sharp
    x = dsp.impulse_train(n, pos, amps)
    return dsp.bandpass(x, lo, hi, sr) * env


def step_stone(rng, n, sr, hard, toe):
    heel = _burst(rng, n, sr, 0.001, 0.03 if hard < 0.7 else 0.02)
    x = dsp.bandpass(heel, 400.0, 6000.0, sr) * F32(0.6)
    x += dsp.modal_ring(n, sr, rng.uniform(1800, 4200, 3), rng.uniform(0.02, 0.05, 3), (0.3, 0.2, 0.15), rng)
    x += dsp.modal_ring(n, sr, [rng.uniform(90, 140)], [0.06], [0.5], rng)
    scuff = dsp.highpass(dsp.white(rng, n), 2000.0, sr) * dsp.attack_decay(n, 0.02, 0.12, sr) * F32(0.06)
    return x + np.roll(scuff, int(rng.uniform(0.03, 0.07) * sr))


def step_wood(rng, n, sr, hard, toe):
    heel = _burst(rng, n, sr, 0.0015, 0.03)
    # Boards and joists: low modes, short decays, struck with a soft heel.
    x = dsp.modal_ring(n, sr, [rng.uniform(85, 130), rng.uniform(190, 260), rng.uniform(330, 480), rng.uniform(650, 900)],
                       [0.18, 0.12, 0.08, 0.05], (1.0, 0.6, 0.4, 0.25), rng, attack_s=0.002)
    x += dsp.bandpass(heel, 600.0, 4000.0, sr) * F32(0.25)
    if not toe and rng.random() < 0.25:  # an old board gives a short creak now and then
        m = int(0.18 * sr)
        f = rng.uniform(250, 450) * (1 + 0.3 * np.linspace(0, 1, m))
        cr = dsp.pulse_wave(dsp.phase(f, m, sr), 20.0) * np.hanning(m).astype(F32) * F32(0.05)
        cr = dsp.bandpass(cr, 400.0, 3000.0, sr)
        dsp.add_at(x, int(0.06 * sr), cr)
    return x


def step_gravel(rng, n, sr, hard, toe):
    # Loose stones shifting under the sole as the weight rolls over them: a dense crunch of tiny
    # knocks between stones (pebbles ring at 0.5-4 kHz) that swells for 0.1-0.2 s; the sole's own
    # thud is added by the caller.
    return _crunch(rng, n, sr, 1100 + 800 * hard, 500.0, 4000.0, 0.02, 0.2 if not toe else 0.12) * F32(1.3)


def step_snow(rng, n, sr, hard, toe):
    # Snow compacts: a softer attack, a duller, denser crunch and a faint squeak when cold.
    x = _crunch(rng, n, sr, 2500 + 1500 * hard, 250.0, 3500.0, 0.025, 0.22, sharp=2.0)
    squeak = dsp.narrowband_noise(rng, rng.uniform(900, 1500), 200.0, n, sr) * dsp.attack_decay(n, 0.03, 0.15, sr) * F32(0.08)
    thud = dsp.lowpass(_burst(rng, n, sr, 0.01, 0.08), 180.0, sr) * F32(0.5)
    return x * F32(1.2) + squeak + thud


def step_water(rng, n, sr, hard, toe):
    # A foot slapping into a puddle: a spray of droplets (a dense shower of tiny bright ticks
    # thinning out over 0.2-0.3 s), the water pushed aside (a low slosh with a slower rise) and,
    # as the foot lifts, a few small air pockets collapsing (short, faint bubble blips).
    big = 1.0 + 0.8 * hard
    spray = _crunch(rng, n, sr, 2000 * big, 800.0, 4500.0, 0.004, 0.22 * big, sharp=1.5)
    sheet = dsp.bandpass(_burst(rng, n, sr, 0.006, 0.12 * big), 560.0, 3150.0, sr) * F32(0.35)
    slosh = dsp.lowpass(_burst(rng, n, sr, 0.03, 0.3 * big), 600.0, sr) * F32(0.75)
    x = spray * F32(0.7) + sheet + slosh
    for _ in range(int(rng.integers(2, 5))):
        m = int(rng.uniform(0.008, 0.02) * sr)
        f0 = rng.uniform(600, 2000)
        t = dsp.times(m, sr)
        b = np.sin(dsp.TAU * f0 * (t + 10.0 * t * t)).astype(F32) * dsp.exp_decay(m, m / sr, sr)
        dsp.add_at(x, int(rng.uniform(0.1, 0.3) * sr), b * F32(rng.uniform(0.02, 0.06)))
    return x


def step_metal(rng, n, sr, hard, toe):
    # A bolted steel grating: struck by the heel it clanks rather than rings (its bars are short,
    # clamped and loaded by the foot, so the modes die in tens of ms), then loose bars rattle.
    heel = _burst(rng, n, sr, 0.0008, 0.02)
    f0 = rng.uniform(500, 900)
    ratios = np.array([1.0, 1.71, 2.59, 3.93, 5.4])
    x = dsp.modal_bank(heel, f0 * ratios * rng.uniform(0.97, 1.03, 5), rng.uniform(0.03, 0.08, 5) * (0.6 if toe else 1.0),
                       (0.3, 0.35, 0.3, 0.25, 0.2), sr)
    x += dsp.bandpass(heel, 1500.0, 7000.0, sr) * F32(0.4)
    gap = rng.uniform(0.015, 0.03)
    for i, pos in enumerate((np.arange(1, 4) * gap * sr).astype(int)):
        m = int(0.03 * sr)
        r = dsp.bandpass(dsp.white(rng, m), 1500.0, 6000.0, sr) * dsp.exp_decay(m, 0.012, sr)
        dsp.add_at(x, pos, r * F32(0.5 * 0.6 ** i))
    return x


SURFACES = {"stone": step_stone, "wood": step_wood, "gravel": step_gravel, "water": step_water,
             "metal": step_metal, "snow": step_snow}

# What every footfall has whatever the ground: the heel (then the ball of the foot) landing is a
# soft sole compressing against the ground and the walker's mass stopping on it, a dull noisy
# thud around 300-500 Hz lasting tens of ms (a sole is far too damped to ring at a pitch), then
# the sole rolling forward with a faint scuff of friction. The surface adds its own texture on
# top: (sole centre Hz, sole t60 s, sole level, surface texture level).
SOLE = {"stone": (420.0, 0.06, 1.0, 0.25), "wood": (360.0, 0.07, 1.0, 0.2), "gravel": (380.0, 0.06, 0.8, 0.5),
        "water": (340.0, 0.07, 0.6, 0.4), "metal": (420.0, 0.06, 1.0, 0.04), "snow": (330.0, 0.08, 0.8, 0.5)}
# The space the walker is in: a room tone (the air of a corridor or a yard, the walker's own
# clothing), some 50 dB under the steps; a clip of steps is never digital silence between them.
ROOM_TONE = 0.002


def sole_thud(rng, n, sr, centre, t60, level):
    """A shoe sole landing: band noise around ``centre`` (1.5 octaves), a fast attack, ``t60`` decay."""
    c = centre * rng.uniform(0.85, 1.15)
    t = t60 * rng.uniform(0.8, 1.25)
    m = min(n, int(2.5 * t * sr) + 1)  # 150 dB down by then: the rest of the step is silence
    env = dsp.attack_decay(m, 0.0008, t, sr)
    out = np.zeros(n, dtype=F32)
    # (White noise spreads its power over sr / 2: scale so the band's level is the same at any rate.)
    out[:m] = dsp.bandpass(dsp.white(rng, m), c / 1.68, c * 1.68, sr) * env * F32(level * math.sqrt(sr / 16000.0))
    return out


def scuff(rng, n, sr, level):
    """The sole rolling and sliding a little on the ground: soft friction noise, 60-100 ms."""
    m = min(n, int(rng.uniform(0.06, 0.1) * sr))
    x = np.zeros(n, dtype=F32)
    x[:m] = dsp.bandpass(dsp.white(rng, m), 1000.0, 5000.0, sr) * dsp.segment_env(m, [(0, 0), (0.3 * m / sr, 1), (m / sr, 0)], sr)
    return x * F32(level * rng.uniform(0.5, 1.2) * math.sqrt(sr / 16000.0))


def footsteps(p: Params, surface: str) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    model = SURFACES[surface]
    onsets, pace = step_times(p, rng)
    out = np.zeros((n, 2), dtype=F32)
    hard = min(1.0, 0.35 * p.intensity + (0.6 if p.running else 0.25))
    # Walking rolls heel then ball (~80 ms apart); running lands on the ball of the foot and the
    # heel drops right after it (~40 ms), a tighter double.
    heel_toe = 0.04 if p.running else 0.08
    sole_f, sole_t60, sole_g, tex = SOLE[surface]
    sole_g *= 4.0 * (0.7 + 0.5 * hard)
    step_len = int(0.45 * sr)
    for i, t in enumerate(onsets):
        srng = np.random.default_rng(rng.integers(0, 2**63))
        s = model(srng, step_len, sr, hard, False) * F32(tex)
        s += sole_thud(srng, step_len, sr, sole_f, sole_t60, sole_g)
        gap = int(heel_toe * srng.uniform(0.85, 1.25) * sr)
        dsp.add_at(s, gap // 2, scuff(srng, step_len, sr, 0.05 * sole_g))
        g_toe = srng.uniform(0.5, 0.8)
        toe = sole_thud(srng, step_len, sr, sole_f * 1.15, sole_t60 * 0.8, sole_g * g_toe)
        if surface not in ("water", "snow"):
            toe += model(srng, step_len, sr, hard * 0.6, True) * F32(g_toe * 0.5 * tex)
        dsp.add_at(s, gap, toe)
        gain = srng.uniform(0.75, 1.1) * (1.0 if i % 2 == 0 else 0.85) * (1.0 + 0.5 * p.running)
        side = (-0.15 if i % 2 == 0 else 0.15) + srng.uniform(-0.05, 0.05)
        st = dsp.pan(s * F32(gain), side)
        a = int(t * sr)
        b = min(n, a + step_len)
        out[a:b] += st[: b - a]
    tone = dsp.lowpass(dsp.pink(rng, 2 * n).reshape(n, 2), 4000.0, sr) * F32(ROOM_TONE)
    return out + tone


def footsteps_stone(p): return footsteps(p, "stone")
def footsteps_wood(p): return footsteps(p, "wood")
def footsteps_gravel(p): return footsteps(p, "gravel")
def footsteps_water(p): return footsteps(p, "water")
def footsteps_metal(p): return footsteps(p, "metal")
def footsteps_snow(p): return footsteps(p, "snow")
