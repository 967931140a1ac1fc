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
    x = _crunch(rng, n, sr, 900 + 600 * hard, 700.0, 7000.0, 0.008, 0.16 if not toe else 0.1)
    thud = dsp.lowpass(_burst(rng, n, sr, 0.002, 0.05), 250.0, sr) * F32(0.8)
    return x * F32(1.3) + thud


def step_snow(rng, n, sr, hard, toe):
    # Snow compacts: a softer attack, a duller, denser crunch and a faint squeak when cold.
    x = _crunch(rng, n, sr, 2500 + 1500 * hard, 250.0, 3500.0, 0.025, 0.22, sharp=2.0)
    squeak = dsp.narrowband_noise(rng, rng.uniform(900, 1500), 200.0, n, sr) * dsp.attack_decay(n, 0.03, 0.15, sr) * F32(0.08)
    thud = dsp.lowpass(_burst(rng, n, sr, 0.01, 0.08), 180.0, sr) * F32(0.5)
    return x * F32(1.2) + squeak + thud


def step_water(rng, n, sr, hard, toe):
    big = 1.0 + 0.8 * hard
    splash = dsp.bandpass(_burst(rng, n, sr, 0.004, 0.18 * big), 500.0, 4500.0, sr)
    slosh = dsp.lowpass(_burst(rng, n, sr, 0.01, 0.25 * big), 500.0, sr) * F32(0.6)
    x = splash + slosh
    # Bubbles: rising chirps (Minnaert resonance of air pockets as the foot lifts).
    for _ in range(int(rng.integers(3, 8))):
        m = int(rng.uniform(0.02, 0.06) * sr)
        f0 = rng.uniform(400, 1600)
        t = dsp.times(m, sr)
        b = np.sin(dsp.TAU * f0 * (t + 4.0 * t * t)).astype(F32) * dsp.exp_decay(m, m / sr, sr)
        dsp.add_at(x, int(rng.uniform(0.03, 0.25) * sr), b * F32(rng.uniform(0.05, 0.15)))
    return x


def step_metal(rng, n, sr, hard, toe):
    heel = _burst(rng, n, sr, 0.0008, 0.015)
    f0 = rng.uniform(280, 480)
    ratios = np.array([1.0, 2.32, 3.87, 5.21, 7.13, 9.6])
    x = dsp.modal_ring(n, sr, f0 * ratios * rng.uniform(0.98, 1.02, 6), rng.uniform(0.15, 0.45, 6) * (0.5 if toe else 1.0),
                       (0.5, 0.6, 0.45, 0.35, 0.25, 0.2), rng)
    x += dsp.bandpass(heel, 1000.0, 7000.0, sr) * F32(0.3)
    # Loose grating bars rattle a few times after the hit.
    gap = rng.uniform(0.015, 0.03)
    for i, pos in enumerate((np.arange(1, 5) * gap * sr).astype(int)):
        dsp.add_at(x, pos, dsp.modal_ring(int(0.05 * sr), sr, rng.uniform(900, 2500, 2), (0.05, 0.04), (0.3, 0.2), rng) * F32(0.6 ** i))
    return x


SURFACES = {"stone": step_stone, "wood": step_wood, "gravel": step_gravel, "water": step_water,
            "metal": step_metal, "snow": step_snow}


def footsteps(p: Params, surface: str) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    model = SURFACES[surface]
    onsets, pace = step_times(p, rng)
    out = np.zeros((n, 2), dtype=F32)
    hard = min(1.0, 0.35 * p.intensity + (0.6 if p.running else 0.25))
    heel_toe = 0.0 if p.running else 0.055  # running lands on the ball of the foot: one hit
    step_len = int(0.45 * sr)
    for i, t in enumerate(onsets):
        srng = np.random.default_rng(rng.integers(0, 2**63))
        s = model(srng, step_len, sr, hard, False)
        if heel_toe and surface not in ("water", "snow"):
            toe = model(srng, step_len, sr, hard * 0.6, True) * F32(srng.uniform(0.25, 0.4))
            dsp.add_at(s, int(heel_toe * srng.uniform(0.8, 1.3) * sr), toe)
        gain = srng.uniform(0.8, 1.1) * (1.0 if i % 2 == 0 else 0.88) * (1.0 + 0.5 * p.running)
        side = (-0.15 if i % 2 == 0 else 0.15) + srng.uniform(-0.05, 0.05)
        st = dsp.pan(s * F32(gain), side)
        a = int(t * sr)
        b = min(n, a + step_len)
        out[a:b] += st[: b - a]
    return out


def footsteps_stone(p): return footsteps(p, "stone")
def footsteps_wood(p): return footsteps(p, "wood")
def footsteps_gravel(p): return footsteps(p, "gravel")
def footsteps_water(p): return footsteps(p, "water")
def footsteps_metal(p): return footsteps(p, "metal")
def footsteps_snow(p): return footsteps(p, "snow")
