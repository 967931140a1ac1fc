"""Household: keyboards, knocks, kettles, frying, chopping, taps.

``typing``          keystrokes in words and pauses: each key a press click (plastic keycap modes
                    1.5-5 kHz) and a softer release 60-120 ms later; the space bar lower and longer.
``knock``           knuckles on a door: a soft short impulse exciting the panel's low modes
                    (80-250 Hz) and the frame's knock (400-900 Hz), in a rap of 2-4 ("knock-knock").
``kettle_whistle``  boiling rumble, then the whistle: an air jet's edge tone through the whistle's
                    two plates (two narrow noise bands beating), rising in pitch and level as the
                    pressure builds.
``frying``          fat spitting: thousands of tiny bursts of water flashing to steam (bright short
                    noise grains, high-passed), a few bigger pops, over a soft hiss.
``chopping``        a knife through food onto a board: the crunch of the cut (a brief noise burst)
                    and the board's wooden knock, 3-6 chops a second, in runs.
``water_tap``       a jet into a sink: broadband splash noise fluctuating at the jet's breakup,
                    with a population of small bubbles (Minnaert pings) and the basin's hollow ring.
"""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def _key(rng, sr: int, space: bool) -> np.ndarray:
    m = int(0.05 * sr)
    if space:
        f = rng.uniform(500, 900) * np.array([1.0, 1.8, 3.1])
        t60 = (0.05, 0.03, 0.02)
    else:
        f = rng.uniform(1500, 3000) * np.array([1.0, 1.6, 2.3])
        t60 = (0.02, 0.015, 0.01)
    x = dsp.modal_ring(m, sr, f, t60, (1.0, 0.6, 0.4), rng, attack_s=0.0002)
    click = dsp.highpass(dsp.white(rng, m), 2000.0, sr) * dsp.exp_decay(m, 0.003, sr)
    bottom = dsp.lowpass(dsp.white(rng, m), 800.0, sr) * dsp.exp_decay(m, 0.01, sr) * F32(1.0)
    # The keycap's plastic rattle as it bottoms out: a second tick a few ms later.
    d = int(rng.uniform(0.003, 0.008) * sr)
    click[d:] += click[: m - d] * F32(0.6)
    return x * F32(0.6) + click + bottom


def typing(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    keys = [_key(rng, sr, False) for _ in range(6)]
    space = _key(rng, sr, True)
    rate = rng.uniform(7.0, 10.0) * (0.8 + 0.4 * p.intensity)  # keystrokes per second
    t = rng.uniform(0.02, 0.1)
    while t < p.duration - 0.1:
        word = int(rng.integers(2, 8))
        for c in range(word):
            if t >= p.duration - 0.1:
                break
            k = keys[int(rng.integers(0, len(keys)))]
            g = rng.uniform(0.5, 1.0)
            dsp.add_at(out, int(t * sr), k * F32(g))
            dsp.add_at(out, int((t + rng.uniform(0.06, 0.12)) * sr), k * F32(0.3 * g))  # the release
            t += rng.gamma(4.0, 1.0 / (4.0 * rate))
        dsp.add_at(out, int(t * sr), space * F32(rng.uniform(0.7, 1.0)))
        t += rng.gamma(4.0, 1.0 / (4.0 * rate)) + (rng.uniform(0.2, 0.8) if rng.random() < 0.25 else 0.0)
    desk = dsp.resonator(out, rng.uniform(150, 300), 0.04, sr) * F32(0.05)
    return dsp.widen(rng, out + desk, sr, 0.002)


def knock(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    panel = rng.uniform(80, 130) * np.array([1.0, 1.6, 2.4, 3.7, 5.2])
    frame = rng.uniform(400, 800) * np.array([1.0, 1.5])
    count = int(p.number("count", rng.integers(2, 5)))
    gap = rng.uniform(0.14, 0.24) * (1.1 - 0.3 * p.intensity)
    t = rng.uniform(0.05, 0.1)
    m = int(0.3 * sr)
    for i in range(count):
        if t > p.duration - 0.15:
            break
        # The knuckle: a soft ~2 ms pulse (flesh on wood), the panel booms, the frame knocks.
        hit = dsp.lowpass(dsp.white(rng, m) * dsp.attack_decay(m, 0.0005, 0.004, sr), 2500.0, sr)
        x = dsp.modal_bank(hit, panel * rng.uniform(0.98, 1.02, 5), (0.12, 0.09, 0.07, 0.05, 0.04),
                           (1.0, 0.7, 0.5, 0.3, 0.2), sr)
        x += dsp.modal_bank(hit, frame, (0.04, 0.03), (0.5, 0.3), sr)
        x += hit * F32(2.0)
        dsp.add_at(out, int(t * sr), x * F32(rng.uniform(0.75, 1.0)))
        t += gap * rng.uniform(0.9, 1.15) * (1.6 if (count == 4 and i == 1) else 1.0)
    return out


@dsp.rendered_at_low_rate
def kettle_whistle(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    onset = rng.uniform(0.1, 0.3) * dur
    pressure = dsp.segment_env(n, [(0, 0), (onset, 0.0), (onset + 0.3 * dur, 0.8), (dur, 1.0)], sr)
    pressure *= dsp.smooth_random(rng, n, 6.0, sr, 0.9, 1.05)
    f = rng.uniform(1500, 2200) * (F32(0.75) + F32(0.35) * pressure)
    # Two plates, two edge tones a few per cent apart: the kettle's warble.
    tone = dsp.narrowband_noise(rng, f, 25.0, n, sr) + dsp.narrowband_noise(rng, f * 1.03, 25.0, n, sr) * F32(0.6)
    tone += dsp.sine(dsp.phase(f * 2.0, n, sr)) * F32(0.15)
    gate = np.clip((pressure - 0.15) / 0.3, 0.0, 1.0).astype(F32)
    boil = dsp.bandpass(dsp.white(rng, n), 150.0, 1500.0, sr) * dsp.smooth_random(rng, n, 20.0, sr, 0.2, 1.0)
    boil_env = dsp.segment_env(n, [(0, 0.3), (onset, 0.8), (dur, 0.5)], sr)
    air = dsp.highpass(dsp.white(rng, n), 3000.0, sr) * gate * F32(0.08)
    return dsp.widen(rng, (tone * gate * (F32(0.3) + pressure) + boil * boil_env * F32(0.15) + air).astype(F32), sr, 0.004)


def frying(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    heat = dsp.smooth_random(rng, n, 0.7, sr, 0.6, 1.0)
    out = []
    for c in range(2):
        # Tiny spits: a dense Poisson stream of ~1 ms bursts, loudness random (a sizzle).
        pos = dsp.poisson_times(rng, (250 + 450 * p.intensity) * heat, n, sr)
        env = dsp.one_pole_lp(dsp.impulse_train(n, pos, rng.uniform(0.05, 1.0, pos.size) ** 3), 1.0 / (dsp.TAU * 0.0015), sr)
        spit = dsp.bandpass(dsp.white(rng, n) * env, 1500.0, 9000.0, sr)
        # Bigger pops: a few per second, ringing a little.
        bp = dsp.poisson_times(rng, 4.0 + 6.0 * p.intensity, n, sr)
        pops = dsp.impulse_train(n, bp, rng.uniform(0.5, 1.0, bp.size) * rng.choice([-1.0, 1.0], bp.size))
        pops = dsp.bandpass(pops, 800.0, 6000.0, sr) * F32(3.0)
        hiss = dsp.highpass(dsp.white(rng, n), 4000.0, sr) * F32(0.01)
        out.append(spit + pops + hiss)
    return np.stack(out, axis=1)


def chopping(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    board = rng.uniform(250, 450) * np.array([1.0, 1.7, 2.6, 4.1])
    rate = rng.uniform(3.0, 5.5)
    t = rng.uniform(0.02, 0.08)
    m = int(0.15 * sr)
    while t < p.duration - 0.1:
        run = int(rng.integers(4, 10))
        for i in range(run):
            if t >= p.duration - 0.1:
                break
            # The blade through a vegetable (a crisp crunch), then onto the board (a wooden knock).
            cut_len = int(rng.uniform(0.008, 0.02) * sr)
            crunch = np.zeros(m, dtype=F32)
            crunch[:cut_len] = dsp.bandpass(dsp.white(rng, cut_len), 1500.0, 7000.0, sr) * np.hanning(cut_len).astype(F32)
            hit = np.zeros(m, dtype=F32)
            hit[cut_len:] = dsp.white(rng, m - cut_len) * dsp.exp_decay(m - cut_len, 0.002, sr)
            knock = dsp.modal_bank(hit, board * rng.uniform(0.97, 1.03, 4), (0.05, 0.04, 0.03, 0.02), (1.0, 0.6, 0.4, 0.3), sr)
            x = crunch * F32(0.6) + knock + dsp.bandpass(hit, 1000.0, 5000.0, sr) * F32(0.5)
            dsp.add_at(out, int(t * sr), x * F32(rng.uniform(0.6, 1.0)))
            t += (1.0 / rate) * rng.uniform(0.85, 1.15)
        t += rng.uniform(0.3, 0.8)
    return dsp.widen(rng, out, sr, 0.003)


@dsp.rendered_at_low_rate
def water_tap(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    flow = 0.5 + 0.5 * p.intensity
    out = []
    for c in range(2):
        # The jet hitting water: noise whose level flutters as the stream breaks into drops.
        flutter = dsp.smooth_random(rng, n, 40.0, sr, 0.4, 1.0)
        splash = dsp.bandpass(dsp.white(rng, n), 400.0, 8000.0, sr) * flutter
        splash += dsp.bandpass(dsp.white(rng, n), 1500.0, 4000.0, sr) * flutter * F32(0.7)
        # Entrained bubbles ringing (Minnaert): many tiny pings, 600 Hz - 3 kHz.
        pos = dsp.poisson_times(rng, 120.0 * flow, n, sr)
        f0 = np.exp(rng.uniform(np.log(600.0), np.log(3000.0), pos.size))
        rise = 1.0 + 0.1 * rng.random(pos.size)
        bub = dsp.ring_events(n, sr, pos, rng.uniform(0.2, 1.0, pos.size), np.stack([f0, f0 * rise], 1),
                              np.stack([np.full(pos.size, 0.02), np.full(pos.size, 0.015)], 1), (1.0, 0.3))
        out.append(splash * F32(0.5) + bub * F32(0.8))
    x = np.stack(out, axis=1)
    # The basin's hollow resonance colours it.
    return x + dsp.resonator(x, rng.uniform(300, 600), 0.05, sr) * F32(0.03)


GENERATORS = {"typing": typing, "knock": knock, "kettle_whistle": kettle_whistle, "frying": frying,
              "chopping": chopping, "water_tap": water_tap}
