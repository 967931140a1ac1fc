"""Crowds: babble as several talkers (glottal buzz with wandering pitch, gated at syllable rate)
through per-group vowel formants; cheering as dense applause (Poisson claps, each a short noise
burst ringing the cupped hands' 1-2.5 kHz resonance) under a roar of shouted open vowels from
many voices, with a few whistles; laughter as one or two people (child, woman, man: laughing f0
280-420, 220-350, 120-200 Hz) in bouts of 3-8 staccato "ha" calls at 4.5-6.5 a second: an
aspirated "h" through the vowel, a short breathy voiced burst arching in pitch, calls falling and
fading through a bout, a gasping in-breath between bouts."""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32

VOWELS = ((730, 1090, 2440), (530, 1840, 2480), (270, 2290, 3010), (570, 840, 2410), (440, 1020, 2240),
          (660, 1720, 2410), (300, 870, 2240))  # a, e, i, o, u, ae, oo (Peterson-Barney averages)


def talkers(rng, n: int, sr: int, groups: int, per_group: int, f0_range, syllable_hz: float, pause: float,
            spread: float = 0.8) -> np.ndarray:
    """Stereo babble: ``groups`` clusters of ``per_group`` voices, each cluster sharing a vowel
    (three formants) and a place in the stereo field.

    A voice is a glottal-pulse wavetable at a wandering pitch, gated by a fast random control
    (syllables) and a slow one (phrases and pauses); grouping voices before the formant filters
    keeps the cost at three resonators per group, not per voice.
    """
    out = np.zeros((n, 2), dtype=F32)
    table = dsp.pulse_table(10.0)
    for g in range(groups):
        src = np.zeros(n, dtype=F32)
        phrase = np.maximum(dsp.smooth_random(rng, n, 0.4, sr, -0.4, 1.0), 0.0)
        for v in range(per_group):
            pitch = rng.uniform(*f0_range) * dsp.smooth_random(rng, n, 3.0, sr, 0.85, 1.2)
            gate = np.maximum(dsp.smooth_random(rng, n, syllable_hz * rng.uniform(0.8, 1.2), sr, -pause, 1.0), 0.0)
            src += dsp.table_osc(table, dsp.phase(pitch, n, sr)) * gate
        vowel = VOWELS[int(rng.integers(0, len(VOWELS)))]
        voiced = dsp.formants(src * phrase, [f * rng.uniform(0.9, 1.1) for f in vowel], (90.0, 120.0, 160.0), (1.0, 0.5, 0.25), sr)
        out += dsp.pan(voiced, rng.uniform(-spread, spread))
    return out


def crowd_murmur(p: Params) -> np.ndarray:
    # Speech babble lives below ~6 kHz: render at ~16 kHz and upsample (a third of the cost).
    return dsp.at_low_rate(_crowd_murmur, p)


def _crowd_murmur(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    babble = talkers(rng, n, sr, 4 + int(2 * p.intensity), 2, (100, 240), 5.0, 0.5)
    room = dsp.bandpass(dsp.white(rng, 2 * n).reshape(n, 2), 250.0, 2000.0, sr, order=1) * F32(0.08)
    return babble + room


def applause(rng, n: int, sr: int, rate) -> np.ndarray:
    """Stereo applause: noise times a train of exponential clap envelopes (each clap a ~6 ms
    noise burst, so the sum is noise under the summed envelopes). A clap is hollow: the air
    pushed out of the cupped hands rings a broad 1-2.5 kHz resonance, so half the signal goes
    through that band; the whole then spans 400 Hz - 7 kHz."""
    chans = []
    for _ in range(2):
        pos = dsp.poisson_times(rng, rate, n, sr)
        env = dsp.one_pole_lp(dsp.impulse_train(n, pos, rng.uniform(0.3, 1.0, pos.size)), 1.0 / (dsp.TAU * 0.006), sr)
        chans.append(dsp.white(rng, n) * env)
    x = np.stack(chans, axis=1)
    x = x * F32(0.5) + dsp.bandpass(x, 1000.0, 2500.0, sr) * F32(2.0)
    return dsp.bandpass(x, 400.0, min(7000.0, 0.45 * sr), sr, order=1)


def shouts(rng, n: int, sr: int, groups: int = 5, per_group: int = 5) -> np.ndarray:
    """A crowd's "yeah!" and "whoa!": many raised voices per group (wide, wandering pitch,
    swelling slowly rather than chattering), half breath, through open-vowel formants with the
    wide bandwidths of shouting; so many voices smear into a roar rather than a chord."""
    out = np.zeros((n, 2), dtype=F32)
    table = dsp.pulse_table(6.0)
    for g in range(groups):
        src = np.zeros(n, dtype=F32)
        for v in range(per_group):
            pitch = rng.uniform(180, 420) * dsp.smooth_random(rng, n, 2.0, sr, 0.8, 1.25)
            gate = np.maximum(dsp.smooth_random(rng, n, 1.2, sr, -0.3, 1.0), 0.0)
            src += dsp.table_osc(table, dsp.phase(pitch, n, sr)) * gate
        src = src * F32(0.5) + dsp.white(rng, n) * F32(0.5 * float(np.abs(src).mean()))
        vowel = VOWELS[int(rng.choice([0, 1, 5]))]  # a, e, ae: open vowels
        voiced = dsp.formants(src, [f * rng.uniform(0.9, 1.1) for f in vowel], (150.0, 200.0, 250.0), (1.0, 0.6, 0.3), sr)
        out += dsp.pan(voiced, rng.uniform(-0.9, 0.9))
    return out


def cheering(p: Params) -> np.ndarray:
    return dsp.at_low_rate(_cheering, p)


def _cheering(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    swell = dsp.segment_env(n, [(0, 0.0), (0.15 * dur, 1.0), (0.6 * dur, 0.9), (dur, 0.4)], sr)
    claps = applause(rng, n, sr, (600 + 900 * p.intensity) * swell)
    voices = shouts(rng, n, sr) * swell[:, None]
    # Applause carries the cheer; the shouts sit about 10 dB under it.
    out = claps * F32(1.0 / (np.std(claps) + 1e-9)) + voices * F32(0.3 / (np.std(voices) + 1e-9))
    for _ in range(int(rng.integers(0, 3))):  # a whistle or two
        m = int(rng.uniform(0.3, 0.7) * sr)
        k = np.linspace(0, 1, m)
        f = rng.uniform(1800, 2800) * (1 + 0.3 * np.sin(np.pi * k))
        w = dsp.sine(dsp.phase(f, m, sr)) * np.sin(np.pi * k).astype(F32) * F32(0.15)
        dsp.add_at(out, int(rng.uniform(0.1, 0.6) * n), dsp.pan(w, rng.uniform(-0.6, 0.6)))
    return out


def applause_(p: Params) -> np.ndarray:
    return dsp.at_low_rate(_applause, p)


def _applause(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    # An audience applauding: a couple of dozen people each clapping 3-6 times a second, the
    # sum dense; it swells in and dies away, with no voices (that is ``cheering``).
    people = 8 + 17 * p.intensity
    swell = dsp.segment_env(n, [(0, 0.1), (0.12 * dur, 1.0), (0.7 * dur, 0.9), (dur, 0.3)], sr)
    return applause(rng, n, sr, people * rng.uniform(3.5, 5.0) * swell)


def laughter(p: Params) -> np.ndarray:
    return dsp.at_low_rate(_laughter, p)


# Laughing f0, well above each speaker's speaking pitch
# (laughing f0 range, formant scale: shorter vocal tracts put every formant higher)
VOICES = {"child": ((280, 420), 1.25), "woman": ((220, 350), 1.12), "man": ((120, 200), 1.0)}
LAUGH_VOWELS = (VOWELS[0], VOWELS[5], VOWELS[1], VOWELS[2])  # ha, hae, heh, hee


def _laugh_voice(rng, n: int, sr: int, duration: float, f_base: float, tract: float = 1.0) -> np.ndarray:
    """One person laughing: bouts of 3-8 "ha" calls at 4.5-6.5 a second, staccato (each call
    under 60 % of its period, then the glottis shuts). A call is an aspirated "h" (breath noise
    through the vowel's formants, swelling in) and a short voiced burst that peaks at once and
    dies away, its pitch arching; calls start high and loud and fall and fade through the bout;
    a soft gasping in-breath between bouts. The glottal buzz is a sharp pulse train with jitter,
    through the three vowel formants."""
    f0 = np.full(n, f_base, dtype=np.float64)
    venv = np.zeros(n, dtype=F32)
    henv = np.zeros(n, dtype=F32)
    vowel = tuple(f * tract for f in LAUGH_VOWELS[int(rng.integers(0, len(LAUGH_VOWELS)))])
    t = rng.uniform(0.02, 0.25)
    while t < duration - 0.3:
        run = int(rng.integers(3, 9))
        rate = rng.uniform(4.5, 6.5)
        lift = rng.uniform(1.1, 1.35)
        for i in range(run):
            a = int(t * sr)
            period = rng.uniform(0.85, 1.15) / rate
            m = int(period * rng.uniform(0.4, 0.55) * sr)
            if a + m >= n - int(0.05 * sr):
                break
            kk = np.linspace(0.0, 1.0, m)
            g = (1.0 - 0.6 * i / run) * rng.uniform(0.8, 1.0)
            f0[a:a + m] = f_base * (lift - (lift - 0.85) * i / run) * rng.uniform(0.9, 1.1) * \
                (1.0 + 0.15 * np.sin(np.pi * kk) - 0.08 * kk)
            h_end = rng.uniform(0.25, 0.4)
            vk = np.clip((kk - h_end) / (1.0 - h_end), 0.0, 1.0)
            venv[a:a + m] = g * np.where(kk < h_end, 0.0, np.minimum(vk / 0.15, 1.0) * np.exp(-2.5 * vk)
                                         * np.minimum((1.0 - vk) / 0.1, 1.0))
            henv[a:a + m] = g * 0.6 * np.clip(kk / h_end, 0.0, 1.0) ** 1.5 * np.clip((h_end + 0.1 - kk) / 0.1, 0.0, 1.0)
            t += period
        gm = int(rng.uniform(0.25, 0.4) * sr)  # the in-breath after a bout
        a = int(t * sr)
        if a + gm < n:
            henv[a:a + gm] = np.hanning(gm) * 0.12
        t += gm / sr + rng.uniform(0.05, 0.4)
    f0 = f0 * dsp.jitter(rng, n, sr, 0.03, 120.0)
    src = dsp.table_osc(dsp.pulse_table(8.0), dsp.phase(f0, n, sr)) * venv
    v = dsp.formants(src, (vowel[0], vowel[1] * rng.uniform(0.95, 1.05), vowel[2]), (120.0, 160.0, 220.0),
                     (1.0, 0.6, 0.3), sr)
    voiced = venv > 0.1
    scale = F32(float(np.std(v[voiced])) if np.any(voiced) else 0.1)
    noise = dsp.white(rng, n)
    breath = dsp.formants(noise, vowel, (300.0, 400.0, 500.0), (1.0, 0.7, 0.5), sr)
    breath += dsp.bandpass(noise, 1500.0, 5000.0, sr) * F32(0.05)
    breath *= scale / F32(float(np.std(breath)) + 1e-9)
    return v + breath * (henv * F32(0.4) + voiced.astype(F32) * F32(0.4))  # breathy all through


def _laughter(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    # One or two people (children, women, men), each with their own pitch, place and timing.
    for person in range(int(rng.integers(1, 3))):
        who = str(rng.choice(list(VOICES)))
        f_range, tract = VOICES[who]
        v = _laugh_voice(rng, n, sr, p.duration, rng.uniform(*f_range), tract)
        out += dsp.pan(v * F32(rng.uniform(0.6, 1.0)), rng.uniform(-0.6, 0.6))
    return out


GENERATORS = {"crowd_murmur": crowd_murmur, "cheering": cheering, "applause": applause_, "laughter": laughter}
