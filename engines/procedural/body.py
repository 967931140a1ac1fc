"""Body and tension: heartbeats as lub-dub pairs of low thumps at a set rate, breaths as noise
through shifting vocal-tract resonances, voice (grunt, scream, cough) as a glottal buzz with
jitter through vowel formants, tinnitus as a pure high tone fading out."""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def heart_rate(p: Params) -> float:
    """Beats per minute: the variant's ``bpm`` (or a bare number), else driven by game tension."""
    if "bpm" in p.variant_numbers or "value" in p.variant_numbers:
        return float(p.variant_numbers.get("bpm", p.variant_numbers.get("value")))
    return 60.0 + 80.0 * float(p.context.tension)


def heartbeat(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    bpm = max(20.0, min(220.0, heart_rate(p)))
    period = 60.0 / bpm
    # S2 follows S1 by about a third of the cycle at rest, less when the heart races.
    gap = min(0.32, 0.42 * period)
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.03, 0.2 * period + 0.03)
    m = int(0.25 * sr)
    f1, f2 = rng.uniform(40, 55), rng.uniform(55, 75)
    while t < p.duration - 0.1:
        for f, g, when in ((f1, 1.0, t), (f2, 0.6, t + gap)):
            tt = dsp.times(m, sr)
            thump = np.sin(dsp.TAU * f * tt * (1.0 - 0.5 * tt)).astype(F32) * dsp.attack_decay(m, 0.008, 0.16, sr)
            # The valves snapping shut set the heart wall ringing: a short damped 80-200 Hz mode,
            # with only a trace of broadband click (a stethoscope hears no knock).
            valve = dsp.resonator(dsp.white(rng, m) * dsp.attack_decay(m, 0.003, 0.03, sr), rng.uniform(80, 200), 0.08, sr)
            click = dsp.lowpass(dsp.white(rng, m), 300.0, sr) * dsp.attack_decay(m, 0.004, 0.05, sr) * F32(0.1)
            dsp.add_at(out, int(when * sr), (thump + valve * F32(0.3) + click) * F32(g * rng.uniform(0.9, 1.0)))
        t += period * rng.normal(1.0, 0.01)
    return out


def breathing(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    rate = p.number("rate", 12.0 + 30.0 * p.intensity)  # breaths per minute: calm .. panting
    period = 60.0 / rate
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.0, 0.3 * period)
    while t < p.duration - 0.1:
        for phase_name, frac, lo, hi, level in (("in", 0.38, 800.0, 3500.0, 0.6), ("out", 0.5, 300.0, 2000.0, 1.0)):
            length = period * frac * rng.uniform(0.9, 1.1)
            m = int(length * sr)
            k = np.linspace(0, 1, m)
            src = dsp.white(rng, m)
            shaped = dsp.formants(src, (rng.uniform(lo, lo * 1.5), rng.uniform(1200, 1800), rng.uniform(2400, 3000)),
                                  (500.0, 700.0, 900.0), (1.0, 0.6, 0.3), sr) + dsp.bandpass(src, lo, hi, sr) * F32(0.3)
            env = (np.sin(np.pi * k ** (0.7 if phase_name == "in" else 0.5)) ** 2).astype(F32)
            dsp.add_at(out, int(t * sr), shaped * env * F32(level))
            t += length
        t += period * 0.12 * rng.uniform(0.5, 1.5)
    return out


def voice(rng, m: int, sr: int, f0: np.ndarray, vowel, breath: float, rough: float, sharp: float = 10.0) -> np.ndarray:
    """A glottal buzz at pitch track ``f0`` (with jitter and a subharmonic for roughness) plus
    aspiration noise, through three vowel formants."""
    jitter = 1.0 + 0.01 * dsp.lowpass(dsp.white(rng, m), 60.0, sr)
    ph = dsp.phase(f0 * jitter, m, sr)
    src = dsp.table_osc(dsp.pulse_table(sharp), ph)
    if rough:
        src *= F32(1.0) + F32(rough) * dsp.table_osc(dsp.harmonic_table((1.0,)), ph * 0.5)
    src += dsp.white(rng, m) * F32(breath)
    return dsp.formants(src, vowel, (110.0, 150.0, 220.0), (1.0, 0.6, 0.35), sr)


def voice_grunt(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    f0 = rng.uniform(95, 150)
    t = rng.uniform(0.02, 0.06)
    for g in range(int(rng.integers(1, 3))):
        length = min(rng.uniform(0.18, 0.35), p.duration - t - 0.03)
        if length < 0.08:
            break
        m = int(length * sr)
        k = np.linspace(0, 1, m)
        f = f0 * (1.1 - 0.25 * k)
        x = voice(rng, m, sr, f, (rng.uniform(500, 650), rng.uniform(1000, 1250), 2500.0), 0.3, 0.5)
        env = (np.minimum(k / 0.08, 1.0) * np.exp(-k * 2.5)).astype(F32)
        dsp.add_at(out, int(t * sr), x * env)
        t += length + rng.uniform(0.08, 0.25)
    return out


def scream(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    m = int(max(0.2, min(dur - 0.05, rng.uniform(0.7, 0.95) * dur)) * sr)
    k = np.linspace(0, 1, m)
    f0 = rng.uniform(450, 850)
    tt = np.arange(m) / sr
    f = f0 * (0.85 + 0.25 * np.minimum(k / 0.2, 1.0) - 0.25 * k ** 2) * (1 + 0.02 * np.sin(dsp.TAU * rng.uniform(5, 7) * tt))
    x = voice(rng, m, sr, f, (rng.uniform(850, 1000), rng.uniform(1300, 1600), 2900.0), 0.4, 0.35, 6.0)
    x = x + dsp.formants(x, (3800.0,), (400.0,), (0.4,), sr)
    env = (np.minimum(k / 0.06, 1.0) * np.minimum((1 - k) / 0.25, 1.0)).astype(F32)
    out = np.zeros(n, dtype=F32)
    dsp.add_at(out, int(0.02 * sr), x * env)
    return out


def cough(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.02, 0.05)
    for c in range(int(rng.integers(2, 4))):
        length = rng.uniform(0.12, 0.22)
        if t + length > p.duration - 0.03:
            break
        m = int(length * sr)
        k = np.linspace(0, 1, m)
        # The glottis bursts open: a blast of turbulence shaped by the open vocal tract (broad
        # formants, energy up to ~7 kHz) that dies over the cough, under a short voiced tail.
        noise = dsp.white(rng, m)
        burst = dsp.formants(noise, (rng.uniform(500, 800), rng.uniform(1200, 1800), rng.uniform(2400, 3000)),
                             (300.0, 400.0, 500.0), (1.0, 0.7, 0.4), sr) + dsp.bandpass(noise, 300.0, 7000.0, sr) * F32(0.5)
        burst *= np.exp(-k * 4).astype(F32)
        voiced = voice(rng, m, sr, np.full(m, rng.uniform(120, 200)), (600.0, 1300.0, 2500.0), 0.6, 0.6) * np.exp(-k * 5).astype(F32)
        x = (burst * F32(1.5) + voiced * F32(0.6)) * np.minimum(k / 0.02, 1.0).astype(F32)
        dsp.add_at(out, int(t * sr), x * F32(1.0 / (1 + 0.35 * c)))
        t += length + rng.uniform(0.08, 0.2)
    return out


def tinnitus_ring(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    f = min(rng.uniform(4000, 8000), 0.4 * sr)
    # Ringing starts at once (after the blast) and fades slowly; a second tone beats against it.
    env = dsp.segment_env(n, [(0, 0), (0.05, 1.0), (dur, 0.05)], sr) ** F32(1.5)
    tone = dsp.table_osc(dsp.harmonic_table((1.0,)), dsp.phase(f, n, sr))
    tone += dsp.table_osc(dsp.harmonic_table((1.0,)), dsp.phase(f * 1.003, n, sr)) * F32(0.3)
    hiss = dsp.bandpass(dsp.white(rng, n), f * 0.8, f * 1.2, sr) * F32(0.05)
    return (tone + hiss) * env


def baby_cry(p: Params) -> np.ndarray:
    return dsp.at_low_rate(_baby_cry, p)


def _baby_cry(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    # An infant's cry: "waah" after "waah", each 0.6-1.2 s, f0 400-550 Hz arching and breaking
    # (pressed, tense folds: jitter, sudden jumps up), through a tiny tract (formants far higher
    # than an adult's: ~1.1, 2.5, 4.2 kHz), with a gasping in-breath between.
    base = rng.uniform(400, 550) * (0.9 + 0.2 * p.intensity)
    t = rng.uniform(0.02, 0.1)
    while t < p.duration - 0.3:
        length = min(rng.uniform(0.6, 1.2), p.duration - t - 0.05)
        m = int(length * sr)
        if m < int(0.2 * sr):
            break
        kk = np.linspace(0.0, 1.0, m)
        f0 = base * (1.0 + 0.15 * np.sin(np.pi * np.minimum(kk / 0.4, 1.0)) - 0.2 * np.maximum(kk - 0.6, 0.0))
        f0 = f0 * (1.0 + 0.03 * np.sin(dsp.TAU * rng.uniform(5, 8) * kk * length)) * dsp.jitter(rng, m, sr, 0.025, 120.0)
        F1 = 700 + 500 * np.sin(np.pi * np.minimum(kk / 0.3, 1.0) * 0.5)
        v = dsp.formant_voice(f0, sr, (F1, 2500.0, 4200.0), (250, 350, 450), (1.0, 0.7, 0.35), tilt=0.6)
        v += dsp.bandpass(dsp.white(rng, m), 1500.0, 6000.0, sr) * F32(0.15 * float(np.std(v)) / 0.1)
        env = (np.clip(kk / 0.08, 0.0, 1.0) * np.clip((1.0 - kk) / 0.15, 0.0, 1.0)).astype(F32)
        dsp.add_at(out, int(t * sr), v * env)
        t += length
        gm = int(rng.uniform(0.15, 0.3) * sr)
        gasp = dsp.bandpass(dsp.white(rng, gm), 1000.0, 5000.0, sr) * np.hanning(gm).astype(F32) * F32(0.05)
        dsp.add_at(out, int(t * sr), gasp)
        t += gm / sr + rng.uniform(0.02, 0.15)
    return out


GENERATORS = {"baby_cry": baby_cry, "heartbeat": heartbeat, "breathing": breathing, "voice_grunt": voice_grunt, "scream": scream,
              "cough": cough, "tinnitus_ring": tinnitus_ring}
