"""Creatures: songbirds as frequency-swept whistles (syllables, trills), owls as soft low hoots,
crickets as a high carrier gated in pulse trains (stridulation), frogs as pulsed buzzes through
formants, dogs as bouts of short rough harmonic barks through an open-mouth tract, raptors as
hoarse descending screeches, whales as slow low glides, wings as noisy downstroke "whumps".

``dog_bark``   a bout of barks with 0.18-0.4 s gaps (now and then a quick double), each
               0.13-0.2 s: pulse-train buzz at 450-650 Hz leaping up then falling, jitter and a
               subharmonic, F1 ~1 kHz, F2 ~1.6 kHz, F3 2.8 kHz (rendered at ~16 kHz).
``wing_flap``  2-8 birds (``bats``: 3-6, no claps) beating 5-9 times a second: each stroke a
               ~40 ms noise whump (0.2-1.5 kHz) with a 2.5-7 kHz feather rustle, the first
               strokes of a take-off with a wing clap; fading and drifting off (~16 kHz).
"""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32
SINE = dsp.harmonic_table((1.0,))


def _sweep_voice(n: int, sr: int, freq: np.ndarray, amp: np.ndarray, harmonics=(1.0, 0.08)) -> np.ndarray:
    """A whistle following per-sample frequency and amplitude tracks (silent where amp is 0)."""
    return dsp.table_osc(dsp.harmonic_table(tuple(harmonics)), dsp.phase(freq, n, sr)) * amp


def birdsong(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    nyq = 0.45 * sr
    for b in range(int(rng.integers(2, 5))):
        freq = np.full(n, 3000.0, dtype=np.float64)
        amp = np.zeros(n, dtype=F32)
        base = rng.uniform(2500, 5500)
        kind = rng.choice(["whistle", "trill", "warble"])
        t = rng.uniform(0.0, 2.0)
        while t < p.duration - 0.3:
            syl = int(rng.integers(3, 9))
            for s in range(syl):
                if kind == "trill":
                    length, gap = rng.uniform(0.02, 0.04), rng.uniform(0.01, 0.03)
                    f_a, f_b = base * rng.uniform(1.1, 1.4), base * rng.uniform(0.7, 0.9)
                elif kind == "whistle":
                    length, gap = rng.uniform(0.1, 0.3), rng.uniform(0.05, 0.15)
                    f_a, f_b = base * rng.uniform(0.8, 1.3), base * rng.uniform(0.8, 1.3)
                else:
                    length, gap = rng.uniform(0.04, 0.12), rng.uniform(0.02, 0.06)
                    f_a, f_b = base * rng.uniform(0.7, 1.5), base * rng.uniform(0.7, 1.5)
                a = int(t * sr)
                m = min(int(length * sr), n - a)
                if m <= 8:
                    break
                k = np.linspace(0.0, 1.0, m)
                f = f_a + (f_b - f_a) * k
                if kind == "warble":
                    f = f * (1.0 + 0.08 * np.sin(dsp.TAU * rng.uniform(20, 40) * k * length))
                freq[a:a + m] = np.minimum(f, nyq)
                amp[a:a + m] = (np.sin(np.pi * k) ** 2).astype(F32) * F32(rng.uniform(0.6, 1.0))
                t += length + gap
            t += rng.uniform(1.0, 4.0) / (0.6 + 0.8 * p.intensity)
        voice = _sweep_voice(n, sr, freq, amp)
        out += dsp.pan(voice * F32(rng.uniform(0.3, 1.0)), rng.uniform(-0.8, 0.8))
    leaves = np.stack([dsp.bandpass(dsp.pink(rng, n), 1000.0, 6000.0, sr) for _ in range(2)], axis=1) * F32(0.01)
    return out + leaves


def owl(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    f0 = rng.uniform(320, 480)
    # "hoo ... hu-hoo-hoooo": a long hoot, a pause, then a quick series ending long.
    pattern = [(0.35, 0.45), (0.12, 0.08), (0.12, 0.08), (0.6, 0.0)] if rng.random() < 0.6 else [(0.5, 0.3), (0.5, 0.0)]
    t = rng.uniform(0.05, 0.2)
    scale = min(1.0, (p.duration - 0.2) / sum(a + b for a, b in pattern) / 1.0)
    for length, gap in pattern:
        length, gap = length * scale, gap * scale
        m = int(length * sr)
        a = int(t * sr)
        if a + m > n or m < 16:
            break
        k = np.linspace(0, 1, m)
        f = f0 * (1.02 + 0.04 * np.sin(np.pi * k) - 0.06 * k) * rng.uniform(0.97, 1.03)
        # The quaver of a hooting owl: a fast, wide vibrato (15-25 Hz, +-5 %).
        f = f * (1.0 + 0.05 * np.sin(dsp.TAU * rng.uniform(15, 25) * k * length))
        tone = dsp.table_osc(dsp.harmonic_table((1.0, 0.12, 0.04)), dsp.phase(f, m, sr))
        breath = dsp.lowpass(dsp.white(rng, m), 1200.0, sr) * F32(0.08)
        env = np.minimum(k / 0.25, 1.0) * np.minimum((1 - k) / 0.3, 1.0)
        out[a:a + m] += (tone + breath) * env.astype(F32)
        t += length + gap
    return out


def crickets(p: Params) -> np.ndarray:
    # Carriers stay under 5.2 kHz: render a dozen insects at ~16 kHz and upsample (a third of
    # the cost at 48 kHz).
    return dsp.at_low_rate(_crickets, p)


def _crickets(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    t = dsp.times(n, sr)
    # A night chorus: field crickets chirp (a few pulses, then a pause), tree crickets and
    # katydids trill without pause. Each pulse is one closing stroke of the wings: a short,
    # sharply gated burst of the 4-5 kHz carrier.
    for c in range(int(rng.integers(8, 14))):
        carrier = min(rng.uniform(3800, 5200), 0.42 * sr)
        pulse_hz = rng.uniform(25, 45)
        pulses = int(rng.integers(2, 5))
        chirp_rate = rng.uniform(1.2, 3.0) * (0.8 + 0.4 * p.intensity)
        off = rng.uniform(0, 1)
        cyc = (t * F32(chirp_rate) + F32(off)) % F32(1.0)
        gate = np.maximum(np.sin(cyc * F32(dsp.TAU * pulse_hz / chirp_rate)), F32(0.0)) ** 6
        if rng.random() < 0.5:  # a trill: the pulses run on, swelling slowly
            gate *= dsp.smooth_random(rng, n, 0.3, sr, 0.5, 1.0)
        else:
            gate *= cyc < pulses / pulse_hz * chirp_rate
        tone = dsp.table_osc(SINE, dsp.phase(carrier, n, sr))  # (its harmonics lie above 11 kHz)
        out += dsp.pan(tone * gate.astype(F32) * F32(rng.uniform(0.3, 1.0)), rng.uniform(-0.9, 0.9))
    return out


def frogs(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    # A chorus of small (tree) frogs: a buzzy call pulsed 40-90 times a second (the "r-r-r" in
    # ribbit) with its energy at 1-2.5 kHz, each frog at its own pitch, pace and place.
    for fr in range(int(rng.integers(6, 12))):
        f0 = rng.uniform(200, 500)
        pulse = rng.uniform(40, 90)
        form = (rng.uniform(800, 1400), rng.uniform(1800, 2600))
        pan = rng.uniform(-0.8, 0.8)
        level = rng.uniform(0.4, 1.0)
        t = rng.uniform(0, 1.5)
        while t < p.duration - 0.3:
            m = int(rng.uniform(0.15, 0.45) * sr)
            ph = dsp.phase(f0 * rng.uniform(0.95, 1.05), m, sr)
            src = dsp.table_osc(dsp.pulse_table(12.0), ph)
            tt = dsp.times(m, sr)
            am = np.maximum(np.sin(dsp.TAU * pulse * tt), 0.0) ** 1.5
            env = np.minimum(tt / 0.02, 1.0) * np.minimum((m / sr - tt) / 0.04, 1.0)
            call = dsp.formants(src * am * env, form, (120.0, 200.0), (1.0, 0.5), sr)
            dsp.add_at(out, int(t * sr), dsp.pan(call * F32(level), pan))
            t += m / sr + rng.uniform(0.2, 1.5) / (0.6 + 0.8 * p.intensity)
    return out


def _bark(rng, sr, f0, length):
    """One bark ("wuff"): a rough glottal buzz whose pitch leaps up at once and falls through the
    bark, with strong jitter and a subharmonic (a barking dog's folds are blown into irregular,
    period-doubled vibration), a little turbulence, through an open-mouth tract (F1 near 1 kHz,
    F2 1.5 kHz), swelling over the first 15 % and dying away. Sharp pulses: harmonics reach
    4-5 kHz, the harsh edge that keeps a bark a bark under rain."""
    m = int(length * sr)
    k = np.linspace(0, 1, m)
    f = f0 * (0.8 + 0.4 * np.sin(np.pi * np.minimum(k / 0.2, 1.0) * 0.5) - 0.5 * k ** 1.5)
    ph = dsp.phase(f * dsp.jitter(rng, m, sr, 0.04, 200.0), m, sr)
    src = dsp.table_osc(dsp.pulse_table(8.0), ph)
    src *= F32(1.0) + F32(0.4) * dsp.table_osc(SINE, ph * 0.5)
    src += dsp.white(rng, m) * F32(0.1)
    env = (np.minimum(k / 0.15, 1.0) * np.exp(-k * 1.0)).astype(F32)
    return dsp.formants(src * env, (rng.uniform(900, 1100), rng.uniform(1450, 1750), 2800.0),
                        (200.0, 300.0, 400.0), (1.0, 0.4, 0.4), sr)


def dog_bark(p: Params) -> np.ndarray:
    # Rendered at ~16 kHz: a bark has little above 6 kHz.
    return dsp.at_low_rate(_dog_bark, p)


def _dog_bark(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    # A medium-to-large dog (a farm or guard dog): barks near 450-650 Hz, louder ones higher,
    # in a bout of barks 0.3-0.6 s apart (the alarm bark's steady rhythm, slower than speech's
    # syllables), sometimes a quick double bark.
    f0 = rng.uniform(450, 650) * (0.9 + 0.2 * p.intensity)
    t = rng.uniform(0.02, 0.08)
    while True:
        length = rng.uniform(0.13, 0.2)
        if t + length > p.duration - 0.03:
            break
        bark = _bark(rng, sr, f0 * rng.uniform(0.92, 1.08), length)
        dsp.add_at(out, int(t * sr), bark * F32(rng.uniform(0.75, 1.0)))
        t += length + (rng.uniform(0.05, 0.09) if rng.random() < 0.2 else rng.uniform(0.18, 0.4))
    return out


def eagle_cry(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.02, 0.1)
    for c in range(int(rng.integers(1, 3))):
        length = min(rng.uniform(0.6, 1.2), p.duration - t - 0.05)
        if length < 0.1:
            break
        m = int(length * sr)
        k = np.linspace(0, 1, m)
        # "kee-eee-arr": a quick rise, then a long hoarse fall.
        f = rng.uniform(2200, 3200) * (0.9 + 0.25 * np.sin(np.pi * np.minimum(k * 4, 1.0) * 0.5) - 0.35 * k ** 1.5)
        rough = 1.0 + 0.04 * np.sin(dsp.TAU * rng.uniform(50, 90) * k * length)
        tone = dsp.table_osc(dsp.harmonic_table((1.0, 0.5, 0.3, 0.15)), dsp.phase(np.minimum(f * rough, 0.2 * sr), m, sr))
        hoarse = dsp.narrowband_noise(rng, f, 400.0, m, sr) * F32(0.5)
        env = (np.minimum(k / 0.08, 1.0) * np.minimum((1 - k) / 0.3, 1.0)).astype(F32)
        dsp.add_at(out, int(t * sr), (tone + hoarse) * env)
        t += length + rng.uniform(0.1, 0.4)
    return dsp.highpass(out, 800.0, sr)


def whale_song(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    freq = np.full(n, 200.0)
    amp = np.zeros(n, dtype=F32)
    t = rng.uniform(0.1, 0.8)
    while t < p.duration - 0.5:
        length = min(rng.uniform(1.0, 3.0), p.duration - t - 0.1)
        m = int(length * sr)
        a = int(t * sr)
        k = np.linspace(0, 1, m)
        f_a, f_b = rng.uniform(120, 500), rng.uniform(120, 600)
        bend = rng.uniform(-0.3, 0.3)
        freq[a:a + m] = f_a + (f_b - f_a) * k + bend * f_a * np.sin(np.pi * k)
        amp[a:a + m] = (np.sin(np.pi * k) ** 1.5).astype(F32)
        t += length + rng.uniform(0.4, 2.0)
    freq = freq * (1 + 0.01 * np.sin(F32(dsp.TAU * 4.0) * dsp.times(n, sr)))
    x = dsp.table_osc(dsp.harmonic_table((1.0, 0.5, 0.25, 0.15, 0.08)), dsp.phase(freq, n, sr)) * amp
    x = dsp.lowpass(x, 1800.0, sr)
    sea = dsp.lowpass(dsp.brown(rng, n, sr), 200.0, sr) * F32(0.05)
    return dsp.widen(rng, x + sea, sr, 0.02)


def _wing_flap(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    bats = "bat" in p.variant_flags or "bats" in p.variant_flags
    # Each downstroke shoves a slab of air and shakes the feathers: a soft "whump" of noise
    # (0.2-1.5 kHz, ~40 ms) with a papery rustle above it; a pigeon taking off slaps its wings
    # together over its back on the first strokes (sharp claps). Birds beat 5-9 times a second
    # (bats' membranes flap as fast but never clap), loudest on take-off, then fading and
    # drifting as they fly off; a flock or a colony overlaps, each at its own rate and place.
    m = int(0.09 * sr)
    # A bank of strokes (wing sizes, feather states), drawn from per beat; three wing sizes, so
    # the filter designs stay cached.
    strokes = []
    for i in range(10):
        size = (0.75, 1.0, 1.25)[i % 3]
        env = dsp.attack_decay(m, rng.uniform(0.005, 0.014), rng.uniform(0.03, 0.05), sr)
        noise = dsp.white(rng, m)
        whump = dsp.lowpass(dsp.bandpass(noise, 200.0 * size, 3000.0 * size, sr, order=1), 1500.0 * size, sr)
        strokes.append((whump + dsp.bandpass(noise, 2500.0, 7000.0, sr) * F32(0.4)) * env)
    clap_noise = dsp.bandpass(dsp.white(rng, 4 * m).reshape(4, m).T, 800.0, 5000.0, sr).T
    claps = [c * dsp.exp_decay(m, 0.015, sr) * F32(3.0) for c in clap_noise]
    fliers = int(rng.integers(3, 7)) if bats else int(rng.integers(2, 9))
    for b in range(fliers):
        rate = rng.uniform(5.0, 9.0)
        t = rng.uniform(0.02, 0.12) + b * rng.uniform(0.05, 0.3)
        pan0, pan1 = rng.uniform(-0.5, 0.5), rng.uniform(-1.0, 1.0)
        level = rng.uniform(0.6, 1.0)
        k = 0
        while t < p.duration - 0.08:
            frac = t / p.duration
            x = strokes[int(rng.integers(0, len(strokes)))]
            if not bats and k < 4 and rng.random() < 0.8:  # the take-off clap
                x = x + claps[int(rng.integers(0, len(claps)))]
            dsp.add_at(out, int(t * sr), dsp.pan(x * F32(level * (1.0 - 0.7 * frac)), pan0 + (pan1 - pan0) * frac))
            t += rng.normal(1.0, 0.06) / rate
            k += 1
    return out


def wing_flap(p: Params) -> np.ndarray:
    # Rendered at ~16 kHz: feathers have little that matters above 7 kHz.
    return dsp.at_low_rate(_wing_flap, p)


GENERATORS = {"birdsong": birdsong, "owl": owl, "crickets": crickets, "frogs": frogs, "dog_bark": dog_bark,
              "eagle_cry": eagle_cry, "whale_song": whale_song,
              "wing_flap": wing_flap}
