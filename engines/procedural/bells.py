"""Bells and chimes: modal resonators with the inharmonic partials of real bells and long decays.

``church_bell``  one toll of a large cast bell: hum (1/2), prime (1), minor-third tierce (1.2),
                 quint (1.5), nominal (2), and upper partials, every mode a close doublet (the
                 bell is not quite round) so it beats and warbles as it dies; the low partials
                 ring longest. One event is one toll: "tolls three times" is three events.
``handbell``     a small bell shaken a few times: higher, shorter, its tuned 12th (x3) partial.
``doorbell``     "ding-dong": two tone bars struck by a solenoid, a major third apart.
``clock_chime``  the Westminster quarters on gong rods, then hour strokes on a deeper bell.
``wind_chime``   tubes of a pentatonic set (free-bar partials 1, 2.76, 5.40) struck by a clapper
                 whenever the wind swings it (a Poisson rate following the gusts).
``phone_ring``   an electromechanical telephone: a hammer striking two small bells 20 times a
                 second, in the ring cadence (UK double ring; ``single`` for the US 2 s on / 4 s
                 off); ``mobile``: an electronic ringtone (two tones alternating in a melody).
"""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32

# Partials of a minor-third church bell relative to the prime (strike note ~ nominal / 2).
CHURCH_PARTIALS = np.array([0.5, 1.0, 1.183, 1.506, 2.0, 2.514, 2.662, 3.011, 4.166, 5.433, 6.796])
CHURCH_T60 = np.array([40.0, 25.0, 18.0, 12.0, 14.0, 8.0, 7.0, 6.0, 4.0, 3.0, 2.0])
CHURCH_GAIN = np.array([0.6, 0.8, 0.7, 0.35, 1.0, 0.5, 0.45, 0.35, 0.25, 0.15, 0.1])


def _bell(m: int, sr: int, rng, f_prime: float, partials, t60s, gains, detune: float = 0.003,
          strike_lp: float = 4000.0, click: float = 0.3) -> np.ndarray:
    """A struck bell: every partial a pair of modes a little apart (beating), plus the clapper's knock."""
    f = np.asarray(partials) * f_prime * rng.uniform(0.997, 1.003, len(partials))
    freqs = np.concatenate([f, f * (1.0 + detune * rng.uniform(0.5, 1.5, len(f)))])
    t60 = np.concatenate([t60s, np.asarray(t60s) * 0.9])
    g = np.concatenate([gains, np.asarray(gains) * rng.uniform(0.4, 0.8, len(gains))])
    keep = freqs < 0.45 * sr
    x = dsp.modal_ring(m, sr, freqs[keep], t60[keep], g[keep], rng, attack_s=0.0005)
    k = min(m, int(0.02 * sr))
    knock = dsp.lowpass(dsp.white(rng, k) * dsp.exp_decay(k, 0.004, sr), strike_lp, sr)
    x[:k] += knock * F32(click)
    return x


def church_bell(p: Params) -> np.ndarray:
    # Partials above 7 kHz are weak and short in a cast bronze bell: ring it at ~16 kHz.
    return dsp.at_low_rate(_church_bell, p)


def _church_bell(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    # A tower bell: nominal 400-800 Hz (prime 200-400); bigger bells are lower and longer.
    prime = rng.uniform(200, 400)
    size = 300.0 / prime
    a = int(rng.uniform(0.01, 0.04) * sr)
    m = n - a
    # Above the named partials a bronze bell has a dense thicket of weaker, shorter modes: what
    # makes the strike a "clang" rather than a chord.
    hi = np.sort(rng.uniform(3.3, 14.0, 14))
    partials = np.concatenate([CHURCH_PARTIALS, hi])
    t60 = np.concatenate([CHURCH_T60 * min(1.3, size), 12.0 / hi])
    gains = np.concatenate([CHURCH_GAIN, rng.uniform(0.08, 0.25, hi.size) * (3.3 / hi) ** 0.5])
    x = _bell(m, sr, rng, prime, partials, t60, gains, 0.002, 3000.0, 0.8)
    out = np.zeros(n, dtype=F32)
    out[a:] = x
    # The tower and the square below: a long diffuse tail.
    return dsp.reverb_tail(rng, out, sr, 2.5, 0.5, 0.03, 4000.0)


def handbell(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    prime = rng.uniform(700, 1300)
    partials = np.array([1.0, 2.0, 2.8, 3.0, 4.2, 5.4])
    t60 = np.array([2.0, 1.5, 1.0, 1.4, 0.6, 0.4])
    gains = np.array([1.0, 0.4, 0.3, 0.6, 0.2, 0.1])
    out = np.zeros(n, dtype=F32)
    # Rung by hand: the clapper strikes on each swing, 3-4 times a second, for a while.
    rate = rng.uniform(3.0, 4.5)
    t = rng.uniform(0.01, 0.04)
    swings = int(rng.integers(4, 9))
    m = min(n, int(2.2 * sr))
    # The clapper hits one side then the other: two strike points, two rings.
    rings = [_bell(m, sr, rng, prime, partials, t60, gains, 0.004, 6000.0, 0.5) for _ in range(2)]
    for i in range(swings):
        if t > p.duration - 0.4:
            break
        dsp.add_at(out, int(t * sr), rings[i % 2] * F32(rng.uniform(0.6, 1.0)))
        t += (1.0 / rate) * rng.uniform(0.9, 1.1)
    return dsp.widen(rng, out, sr, 0.006)


def doorbell(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    # Two tone bars (a major third apart, e.g. E5 - C5) struck in turn by the plunger: mostly
    # the bar's fundamental, with the free-bar partials 2.76 and 5.40 faint and short.
    hi = rng.uniform(600, 720)
    lo = hi / 1.26
    out = np.zeros(n, dtype=F32)
    gap = rng.uniform(0.45, 0.7)
    for k, f in enumerate((hi, lo)):
        a = int((0.02 + k * gap) * sr)
        m = n - a
        if m < 64:
            break
        x = _bell(m, sr, rng, f, (1.0, 2.76, 5.40), (1.6, 0.4, 0.15), (1.0, 0.15, 0.06), 0.001, 3000.0, 0.6)
        # The plunger's thunk on the bar and the plastic housing's box resonance.
        x += dsp.resonator(x, rng.uniform(250, 400), 0.05, sr) * F32(0.05)
        dsp.add_at(out, a, x)
    return out


WESTMINSTER = ((4, 2, 3, -1), (-1, 3, 4, 2), (4, 3, 2, -1), (2, 4, 3, -1))  # scale steps of the quarters
MAJOR = (0, 2, 4, 5, 7, 9, 11)


def clock_chime(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    tonic = rng.uniform(330, 440)
    note_s = rng.uniform(0.5, 0.7)
    out = np.zeros(n, dtype=F32)
    rod = (np.array([1.0, 2.76, 5.40, 8.93]), np.array([2.5, 1.0, 0.4, 0.2]), np.array([1.0, 0.35, 0.15, 0.06]))
    t = rng.uniform(0.02, 0.08)
    phrase = WESTMINSTER[int(rng.integers(0, 4))]
    for step in phrase:
        f = tonic * 2.0 ** ((MAJOR[step % 7] if step >= 0 else MAJOR[(step + 7) % 7] - 12) / 12.0)
        a = int(t * sr)
        if a >= n - 64:
            break
        x = _bell(min(n - a, int(3.0 * sr)), sr, rng, f, *rod, 0.002, 5000.0, 0.3)
        dsp.add_at(out, a, x)
        t += note_s
    # The hour: strokes on a deeper bell, as many as time allows (up to three).
    t += note_s
    bell = tonic / 2.0
    strokes = int(rng.integers(1, 4))
    for s in range(strokes):
        a = int(t * sr)
        if a >= n - int(0.5 * sr):
            break
        x = _bell(n - a, sr, rng, bell, CHURCH_PARTIALS[:8], CHURCH_T60[:8] * 0.12, CHURCH_GAIN[:8], 0.002, 3000.0, 0.3)
        dsp.add_at(out, a, x)
        t += note_s * 2.2
    return dsp.widen(rng, out, sr, 0.008)


def wind_chime(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    base = rng.uniform(700, 1100)
    penta = (0, 2, 4, 7, 9, 12, 14)
    tubes = [base * 2.0 ** (penta[i] / 12.0) for i in sorted(rng.choice(len(penta), 5, replace=False))]
    # The clapper swings with the wind: strike rate follows the gusts.
    wind = dsp.smooth_random(rng, n, 0.5, sr, 0.0, 1.0) ** 2
    pos = dsp.poisson_times(rng, (1.0 + 9.0 * wind) * (0.6 + 0.6 * p.intensity), n, sr)
    m = min(n, int(2.5 * sr))
    out = np.zeros((n, 2), dtype=F32)
    for i in range(len(tubes)):
        sel = pos[rng.integers(0, len(tubes), pos.size) == i]
        if sel.size == 0:
            continue
        f = tubes[i] * np.array([1.0, 2.756, 5.404])
        ring = dsp.modal_ring(m, sr, f, (2.2, 0.9, 0.35), (1.0, 0.4, 0.15), rng, attack_s=0.0003)
        hits = dsp.impulse_train(n, sel, rng.uniform(0.3, 1.0, sel.size))
        x = _sparse_convolve(hits, ring)
        out += dsp.pan(x, -0.7 + 1.4 * i / max(1, len(tubes) - 1))
    breeze = dsp.bandpass(dsp.pink(rng, n), 300.0, 3000.0, sr) * (F32(0.01) + F32(0.02) * wind)
    return out + dsp.pan(breeze, 0.0)


def _sparse_convolve(hits: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Each nonzero sample of ``hits`` starts a scaled copy of ``ring`` (few hits: no FFT needed)."""
    out = np.zeros_like(hits)
    for i in np.nonzero(hits)[0]:
        dsp.add_at(out, int(i), ring * hits[i])
    return out


def phone_ring(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    if "mobile" in p.variant_flags:
        return _ringtone(p)
    # The ringer: an armature swinging at 20 Hz (the ring current) hits bell A then bell B.
    fa, fb = rng.uniform(1300, 1700), rng.uniform(1900, 2500)
    m = int(0.3 * sr)
    bell_a = _bell(m, sr, rng, fa, (1.0, 2.3, 3.9), (0.4, 0.2, 0.1), (1.0, 0.5, 0.3), 0.003, 8000.0, 0.3)
    bell_b = _bell(m, sr, rng, fb, (1.0, 2.3, 3.9), (0.4, 0.2, 0.1), (1.0, 0.5, 0.3), 0.003, 8000.0, 0.3)
    cadence = ((0.4, 0.2), (0.4, 2.0)) if "single" not in p.variant_flags else ((2.0, 4.0),)
    hz = rng.uniform(17, 25)
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.01, 0.05)
    while t < p.duration - 0.1:
        for on, off in cadence:
            k = 0
            while k / (2 * hz) < on and t + k / (2 * hz) < p.duration - 0.05:
                dsp.add_at(out, int((t + k / (2 * hz)) * sr), (bell_a if k % 2 == 0 else bell_b) * F32(rng.uniform(0.8, 1.0)))
                k += 1
            t += on + off
    # The phone's body rattles in sympathy.
    return out + dsp.resonator(out, rng.uniform(400, 700), 0.03, sr) * F32(0.02)


def _ringtone(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    f1 = rng.uniform(900, 1300)
    f2 = f1 * rng.choice([1.25, 1.335, 1.5])
    out = np.zeros(n, dtype=F32)
    note = 0.09
    t = 0.02
    table = dsp.harmonic_table((1.0, 0.3, 0.15))
    while t < p.duration - 0.1:
        for k in range(10):
            m = int(note * 0.85 * sr)
            f = f1 if k % 2 == 0 else f2
            tone = dsp.table_osc(table, dsp.phase(f, m, sr)) * np.hanning(m).astype(F32) ** F32(0.3)
            dsp.add_at(out, int((t + k * note) * sr), tone)
        t += 10 * note + 1.0
    return out


GENERATORS = {"church_bell": church_bell, "handbell": handbell, "doorbell": doorbell, "clock_chime": clock_chime,
              "wind_chime": wind_chime, "phone_ring": phone_ring}
