"""Machinery and sci-fi: mains hum as the line frequency and its harmonics (transformers buzz at
twice the line rate), power-ups and servos as motors whose pitch follows speed, sirens as swept
buzzy tones, beeps as short sine/square tones, lasers as fast falling FM chirps, steam as
high-passed turbulence noise; a chainsaw as a two-stroke single (firing once a revolution: ~45 Hz
idle, ~200 Hz free, 120-160 Hz under load in the cut) with chain whine and wood chips."""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def electrical_hum(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    mains = 50.0 if rng.random() < 0.5 else 60.0
    # Magnetostriction: the core hums at 2x the line frequency, with odd-order buzz on top.
    amps = [0.4, 1.0, 0.25, 0.5, 0.15, 0.3, 0.1, 0.2, 0.05, 0.12, 0.04, 0.08]
    amps = [a * (0.5 + rng.random()) for a in amps]
    ph = dsp.phase(mains * (1 + 0.001 * dsp.smooth_random(rng, n, 0.5, sr, -1, 1)), n, sr)
    hum = dsp.table_osc(dsp.harmonic_table(tuple(round(a, 3) for a in amps)), ph)
    buzz = np.clip(hum * F32(2.5), -1.0, 1.0) - hum  # the saturated part: a rasp at high harmonics
    flicker = dsp.smooth_random(rng, n, 2.0, sr, 0.85, 1.0)
    crackle_pos = dsp.poisson_times(rng, 2.0 + 6 * p.intensity, n, sr)
    crackle = dsp.highpass(dsp.impulse_train(n, crackle_pos, rng.uniform(0.2, 1.0, crackle_pos.size)), 3000.0, sr)
    x = (hum + buzz * F32(0.2 + 0.4 * p.intensity)) * flicker + crackle * F32(0.3)
    return dsp.widen(rng, x, sr, 0.003)


def power_up(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    f_end = rng.uniform(500, 1200)
    rise = rng.uniform(0.6, 0.8) * dur
    k = np.minimum(np.arange(n) / (rise * sr), 1.0)
    f = 60.0 * (f_end / 60.0) ** (k ** 0.8)  # exponential sweep: equal musical steps per time
    ph = dsp.phase(f, n, sr)
    tone = dsp.table_osc(dsp.harmonic_table((1.0, 0.3, 0.5, 0.1, 0.2)), ph)
    sub = dsp.table_osc(dsp.harmonic_table((1.0, 0.2)), ph * 0.5)
    level = (0.2 + 0.8 * k).astype(F32)
    wobble = F32(1.0) + F32(0.15) * np.sin(F32(dsp.TAU) * (F32(4) + F32(14) * k.astype(F32)) * dsp.times(n, sr))
    x = (tone * F32(0.6) + sub * F32(0.4)) * level * wobble
    x *= dsp.segment_env(n, [(0, 0), (0.05, 1), (dur - 0.3, 1), (dur, 0.6)], sr)
    # Charged: a bright settle chime at the top.
    m = min(n - int(rise * sr), int(0.8 * sr))
    if m > 0:
        chime = dsp.table_osc(dsp.harmonic_table((1.0, 0.0, 0.3)), dsp.phase(f_end * 2, m, sr)) * dsp.exp_decay(m, 0.8, sr)
        dsp.add_at(x, int(rise * sr), chime * F32(0.3))
    return dsp.widen(rng, x, sr, 0.005)


def alarm(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    t = dsp.times(n, sr)
    kind = rng.choice(["wail", "yelp", "beeper", "hilo"])
    lo, hi = rng.uniform(550, 750), rng.uniform(1200, 1600)
    gate = np.ones(n)
    shape = (1.0, 0.3, 0.2, 0.1)  # an electronic siren's driver through its horn speaker
    if kind == "wail":  # the slow rise and fall of a civil-defence or US emergency siren
        f = lo + (hi - lo) * (0.5 - 0.5 * np.cos(dsp.TAU * rng.uniform(0.1, 0.2) * t))
    elif kind == "yelp":
        f = lo + (hi - lo) * ((t * rng.uniform(3.0, 5.0)) % 1.0)
    elif kind == "hilo":  # the European two-tone: a fourth apart (~440/590 Hz), buzzy
        lo = rng.uniform(400, 480)
        f = dsp.one_pole_lp(np.where((t * rng.uniform(0.6, 0.8)) % 1.0 < 0.5, lo * 1.33, lo).astype(F32), 30.0, sr)
        shape = None
    else:  # a piezo alarm beeper (smoke or intruder alarm), ~3 kHz, on and off
        f = np.full(n, rng.uniform(2500, 3200))
        gate = ((t * rng.uniform(2.0, 4.0)) % 1.0 < 0.5).astype(np.float64)
    ph = dsp.phase(f, n, sr)
    if shape is None:
        tone = np.tanh(dsp.table_osc(dsp.pulse_table(12.0), ph) * F32(4.0)).astype(F32)
    else:
        tone = dsp.table_osc(dsp.harmonic_table(shape), ph)
    gate = dsp.one_pole_lp(gate.astype(F32), 150.0, sr)
    x = dsp.formants(tone * gate, (rng.uniform(900, 1500), 2500.0), (400.0, 800.0), (1.0, 0.4), sr) + tone * gate * F32(0.3)
    # Sirens are heard outdoors: one dull echo off a facade 80-250 ms later.
    d = int(rng.uniform(0.08, 0.25) * sr)
    echo = np.zeros_like(x)
    echo[d:] = x[:-d]
    x = x + dsp.lowpass(echo, 3000.0, sr) * F32(0.3)
    return dsp.widen(rng, x, sr, 0.004)


def computer_beeps(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    palette = rng.uniform(700, 3200, 5)
    shape = dsp.harmonic_table((1.0,)) if rng.random() < 0.5 else dsp.harmonic_table(dsp.square_amps(1000, sr, 7))
    t = rng.uniform(0.02, 0.1)
    while t < p.duration - 0.1:
        length = rng.choice([0.04, 0.06, 0.08, 0.12])
        m = int(length * sr)
        f = palette[int(rng.integers(0, 5))]
        if rng.random() < 0.2:  # a chirp now and then: data being processed
            fr = np.linspace(f, f * rng.choice([0.5, 2.0]), m)
        else:
            fr = f
        b = dsp.table_osc(shape, dsp.phase(fr, m, sr))
        env = np.minimum(np.minimum(np.arange(m), m - 1 - np.arange(m)) / (0.004 * sr), 1.0).astype(F32)
        dsp.add_at(out, int(t * sr), b * env * F32(rng.uniform(0.5, 1.0)))
        t += length + rng.choice([0.03, 0.06, 0.1, 0.25]) / (0.6 + 0.8 * p.intensity)
    return dsp.widen(rng, out, sr, 0.002)


def laser(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    shots = 1 if rng.random() < 0.6 else int(rng.integers(2, 4))
    t = 0.01
    for s in range(shots):
        length = min(rng.uniform(0.15, 0.35), p.duration - t - 0.02)
        if length < 0.05:
            break
        m = int(length * sr)
        k = np.linspace(0, 1, m)
        f_hi, f_lo = rng.uniform(2000, 4500), rng.uniform(150, 500)
        f = f_lo + (f_hi - f_lo) * np.exp(-k * rng.uniform(3, 6))
        fm = 1 + 0.3 * np.sin(dsp.TAU * rng.uniform(80, 300) * k * length)  # the ringing "zap"
        x = dsp.table_osc(dsp.harmonic_table((1.0, 0.0, 0.3)), dsp.phase(np.minimum(f * fm, 0.45 * sr), m, sr))
        x *= np.exp(-k * 3.0).astype(F32) * np.minimum(k / 0.01, 1.0).astype(F32)
        dsp.add_at(out, int(t * sr), x)
        t += length + rng.uniform(0.03, 0.1)
    return dsp.widen(rng, out, sr, 0.003)


def steam_hiss(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    env = dsp.segment_env(n, [(0, 0), (0.03, 1.0), (0.15, 0.75), (0.75 * dur, 0.7), (dur, 0.0)], sr)
    env *= dsp.smooth_random(rng, n, 15.0, sr, 0.85, 1.0)
    chans = []
    for _ in range(2):
        x = dsp.highpass(dsp.white(rng, n), 1800.0, sr, order=4)
        x += dsp.resonator(dsp.white(rng, n), rng.uniform(3500, 6000), 0.02, sr) * F32(0.15)
        chans.append(x * env)
    return np.stack(chans, axis=1)


def servo_whir(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    out = np.zeros(n, dtype=F32)
    moves = int(rng.integers(1, 3))
    t = 0.02
    for mv in range(moves):
        length = min(rng.uniform(0.35, 0.7) * dur / moves * 1.5, dur - t - 0.02)
        if length < 0.1:
            break
        m = int(length * sr)
        k = np.linspace(0, 1, m)
        speed = np.minimum(k / 0.2, 1.0) * np.minimum((1 - k) / 0.2, 1.0)
        f = rng.uniform(250, 600) * (0.3 + 0.7 * speed)
        motor = dsp.table_osc(dsp.harmonic_table((1.0, 0.4, 0.3, 0.1)), dsp.phase(f, m, sr))
        gears = dsp.table_osc(dsp.harmonic_table((1.0, 0.5)), dsp.phase(f * rng.uniform(3.5, 6.0), m, sr)) * F32(0.4)
        brush = dsp.bandpass(dsp.white(rng, m), 2000.0, 7000.0, sr) * F32(0.1)
        x = (motor + gears + brush) * (F32(0.3) + F32(0.7) * speed.astype(F32)) * np.minimum(np.minimum(k, 1 - k) / 0.03, 1.0).astype(F32)
        dsp.add_at(out, int(t * sr), x)
        t += length + rng.uniform(0.05, 0.2)
    return dsp.widen(rng, out, sr, 0.002)


@dsp.rendered_at_low_rate
def chainsaw(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    # A chainsaw is a small two-stroke single: it fires once a revolution, so the firing rate
    # is the rpm / 60: a lumpy ~45 Hz idle, ~200 Hz revved free, pulled down to 120-160 Hz when
    # the chain bites into the wood (the load), rising again as it breaks through.
    idle = rng.uniform(42.0, 55.0)
    free = rng.uniform(175.0, 205.0) * (0.9 + 0.15 * p.intensity)
    cut = free * rng.uniform(0.68, 0.8)
    bite = rng.uniform(0.18, 0.3) * dur
    through = min(dur - 0.5, bite + rng.uniform(0.45, 0.6) * dur)
    pts = [(0.0, idle), (0.06 * dur, idle), (0.12 * dur, free), (bite, free), (bite + 0.15, cut),
           (through, cut * 1.05), (through + 0.15, free), (min(dur - 0.2, through + 0.35), free),
           (dur, idle * 1.3)]
    f = dsp.one_pole_lp(dsp.segment_env(n, pts, sr), 5.0, sr)
    # In the cut the load fights the engine: the pitch wobbles as the chain grabs and frees.
    t = dsp.times(n, sr)
    in_cut = ((t > bite) & (t < through)).astype(F32)
    in_cut = dsp.one_pole_lp(in_cut, 4.0, sr)
    f = f * (F32(1.0) + in_cut * (dsp.smooth_random(rng, n, 6.0, sr, -0.05, 0.05)))
    f = f * dsp.jitter(rng, n, sr, 0.01, 80.0).astype(F32)
    ph = dsp.phase(f, n, sr)
    # Each firing is a sharp exhaust pulse through a tiny muffler: a burst of hot turbulent gas,
    # so the buzz is noise gated at the firing rate as much as it is a tone, every burst a
    # little different (two-strokes scavenge unevenly), clipped by the muffler into a rasp.
    pulses = dsp.table_osc(dsp.pulse_table(30.0), ph)
    scatter = F32(1.0) + F32(0.3) * dsp.lowpass(dsp.white(rng, n), 80.0, sr) * F32(3.0)
    gas = dsp.highpass(dsp.white(rng, n), 400.0, sr)
    buzz = np.tanh((pulses + gas * (pulses + F32(0.15)) * F32(0.8)) * scatter * F32(2.0)).astype(F32)
    body = dsp.modal_bank(buzz, (rng.uniform(800, 1100), rng.uniform(1800, 2400), rng.uniform(3200, 4200)),
                          (0.01, 0.008, 0.006), (0.5, 0.4, 0.3), sr)
    x = buzz + body
    # The chain over its bar and sprocket (7 teeth: a whine at 7x the rev rate) and, in the
    # cut, the wood chips: broadband noise pulsing with the firing.
    whine = dsp.narrowband_noise(rng, np.minimum(7.0 * f, 0.45 * sr), 150.0, n, sr) * F32(0.08)
    chips = dsp.bandpass(dsp.white(rng, n), 1000.0, 6000.0, sr) * (F32(0.6) + F32(0.4) * (pulses + F32(0.2)))
    x = x + whine + chips * in_cut * F32(0.35 * (0.7 + 0.3 * p.intensity))
    # Throttle: quieter at idle, full when revved.
    thr = np.clip((f - idle) / (free - idle), 0.0, 1.0).astype(F32)
    x *= F32(0.35) + F32(0.65) * thr
    # The saw is held a metre above the ground: its reflection arrives ~3 ms after the direct
    # sound and combs the buzz into the saw's nasal, metallic snarl.
    d = int(0.003 * sr)
    refl = np.concatenate([np.zeros(d, dtype=F32), x[:-d]])
    return (x + refl * F32(0.85)).astype(F32)


GENERATORS = {"electrical_hum": electrical_hum, "power_up": power_up, "alarm": alarm, "computer_beeps": computer_beeps,
              "laser": laser, "steam_hiss": steam_hiss, "servo_whir": servo_whir,
              "chainsaw": chainsaw}
