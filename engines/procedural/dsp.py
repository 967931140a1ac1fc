"""Pure signal functions over numpy arrays: the building blocks of every generator.

Conventions: mono signals are 1-D float32 arrays, stereo signals are (frames, 2); times are in
seconds and frequencies in Hz, always with the sample rate ``sr`` passed explicitly so that every
generator renders directly at any rate (16..48 kHz). Phases are accumulated in float64 (a float32
cumulative sum drifts audibly over a 12 s bed); samples are float32.
Nothing here holds state or touches global RNG state: randomness comes in as a ``Generator``.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import signal as _signal

F32 = np.float32
TAU = 2.0 * math.pi


# ----------------------------------------------------------------------------------- noise
_INT16_STD = 65536.0 / math.sqrt(12.0)


def white(rng: np.random.Generator, n: int) -> np.ndarray:
    """White noise with unit variance.

    Uniform (16-bit) rather than Gaussian: the spectrum is the same flat one, any filter makes
    the samples Gaussian anyway, and drawing it is about 8x cheaper than ``standard_normal``.
    """
    return rng.integers(-32768, 32767, n, dtype=np.int16, endpoint=True).astype(F32) * F32(1.0 / _INT16_STD)


def pink(rng: np.random.Generator, n: int) -> np.ndarray:
    """Approximately 1/f noise (Kellet's 3-pole filter on white noise), roughly unit RMS."""
    b = [0.049922035, -0.095993537, 0.050612699, -0.004408786]
    a = [1.0, -2.494956002, 2.017265875, -0.522189400]
    return (_signal.lfilter(b, a, white(rng, n)) * 9.0).astype(F32)


def brown(rng: np.random.Generator, n: int, sr: int, corner_hz: float = 20.0) -> np.ndarray:
    """Red (1/f^2) noise: white noise through a leaky integrator, so no DC wander."""
    p = math.exp(-TAU * corner_hz / sr)
    y = _signal.lfilter([1.0 - p], [1.0, -p], white(rng, n))
    return (y / (np.std(y) + 1e-9)).astype(F32)


# --------------------------------------------------------------------------------- filters
def _clamp_hz(f: float, sr: int) -> float:
    return float(min(max(f, 5.0), 0.47 * sr))


@lru_cache(maxsize=1024)
def _butter(order: int, kind: str, f1: float, f2: float, sr: int) -> np.ndarray:
    wn = f1 if kind in ("lowpass", "highpass") else (f1, f2)
    # (scipy's filters need writable coefficient buffers, so these cannot be frozen: never mutate.)
    return _signal.butter(order, wn, btype=kind, fs=sr, output="sos")


def _frozen(a: np.ndarray) -> np.ndarray:
    """Cached arrays are shared between threads: make them read-only."""
    a.setflags(write=False)
    return a


def lowpass(x: np.ndarray, fc: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth low-pass along axis 0."""
    fc = _clamp_hz(fc, sr)
    if fc >= 0.46 * sr:
        return x
    return _signal.sosfilt(_butter(order, "lowpass", round(fc, 1), 0.0, sr), x, axis=0).astype(F32)


def highpass(x: np.ndarray, fc: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth high-pass along axis 0."""
    fc = _clamp_hz(fc, sr)
    return _signal.sosfilt(_butter(order, "highpass", round(fc, 1), 0.0, sr), x, axis=0).astype(F32)


def bandpass(x: np.ndarray, lo: float, hi: float, sr: int, order: int = 2) -> np.ndarray:
    """Butterworth band-pass along axis 0 (order per edge)."""
    lo = _clamp_hz(lo, sr)
    hi = _clamp_hz(hi, sr)
    if hi <= lo * 1.05:
        hi = min(lo * 1.1, 0.47 * sr)
        lo = hi / 1.1
    return _signal.sosfilt(_butter(order, "bandpass", round(lo, 1), round(hi, 1), sr), x, axis=0).astype(F32)


def resonator(x: np.ndarray, freq: float, t60: float, sr: int) -> np.ndarray:
    """Two-pole resonator: an impulse rings as a sinusoid at ``freq`` that decays 60 dB in ``t60``.

    This is one mode of a modal model (a struck bar, plate, glass, wood panel).
    """
    freq = _clamp_hz(freq, sr)
    w = TAU * freq / sr
    r = 10.0 ** (-3.0 / (max(t60, 1e-3) * sr))
    sos = np.array([[math.sin(w), 0.0, 0.0, 1.0, -2.0 * r * math.cos(w), r * r]])  # float64: see levels
    return _signal.sosfilt(sos, x, axis=0).astype(F32, copy=False)


def modal_bank(x: np.ndarray, freqs, t60s, gains, sr: int) -> np.ndarray:
    """Sum of resonators driven by the same excitation: a modal model of a struck object."""
    out = np.zeros_like(x, dtype=F32)
    for f, t, g in zip(freqs, t60s, gains):
        if f < 0.47 * sr:
            out += F32(g) * resonator(x, f, t, sr)
    return out


def modal_ring(n: int, sr: int, freqs, t60s, gains, rng: np.random.Generator | None = None,
               attack_s: float = 0.0003) -> np.ndarray:
    """The ring of a struck modal object: a sum of exponentially decaying sinusoids.

    The same sound as ``modal_bank`` driven by a click, computed directly in float32 (SIMD sin and
    exp) and only as long as each mode lasts (its t60), which is far cheaper for short, sparse
    hits. ``rng`` randomises the mode phases (a different strike point each hit).
    """
    out = np.zeros(n, dtype=F32)
    for i, (f, t60, g) in enumerate(zip(freqs, t60s, gains)):
        if f >= 0.47 * sr or g == 0:
            continue
        m = min(n, int(t60 * sr) + 1)
        t = np.arange(m, dtype=F32) / F32(sr)
        ph0 = F32(rng.uniform(0.0, 0.6)) if rng is not None else F32(0.0)
        out[:m] += F32(g) * np.sin(F32(TAU * f) * t + ph0) * np.exp(t * F32(-6.9078 / t60))
    a = min(n, max(1, int(attack_s * sr)))
    out[:a] *= np.linspace(0.0, 1.0, a, dtype=F32)
    return out


def ring_events(n: int, sr: int, positions, amps, freqs: np.ndarray, t60s: np.ndarray, gains) -> np.ndarray:
    """Many struck objects, each with its own modes: ``freqs`` and ``t60s`` are (events, modes).

    Synthesised as one (events x samples) matrix of decaying sinusoids and overlap-added, so a
    shower of shards or pebbles gives every fragment its own pitch without a filter per event.
    """
    pos = np.asarray(positions, dtype=np.int64)
    if pos.size == 0:
        return np.zeros(n, dtype=F32)
    freqs = np.asarray(freqs, dtype=F32).reshape(pos.size, -1)
    t60s = np.asarray(t60s, dtype=F32).reshape(pos.size, -1)
    L = max(8, int(float(t60s.max()) * sr))
    t = (np.arange(L, dtype=F32) / F32(sr))[None, :]
    grains = np.zeros((pos.size, L), dtype=F32)
    for k in range(freqs.shape[1]):
        f = np.minimum(freqs[:, k:k + 1], F32(0.47 * sr))
        grains += F32(gains[k]) * np.sin(F32(TAU) * f * t) * np.exp(t * (F32(-6.9078) / t60s[:, k:k + 1]))
    grains *= np.asarray(amps, dtype=F32)[:, None]
    return overlap_add(n, pos, grains)


def one_pole_lp(x: np.ndarray, fc: float, sr: int) -> np.ndarray:
    """One-pole smoother (6 dB/oct), for control signals and gentle tilts."""
    p = math.exp(-TAU * min(fc, 0.45 * sr) / sr)
    return _signal.lfilter([1.0 - p], [1.0, -p], x, axis=0).astype(F32)


# ----------------------------------------------------------------------- envelopes, control
def times(n: int, sr: int) -> np.ndarray:
    return np.arange(n, dtype=F32) / F32(sr)


def exp_decay(n: int, t60: float, sr: int) -> np.ndarray:
    """exp envelope falling 60 dB in ``t60`` seconds."""
    return np.exp(times(n, sr) * F32(-6.9078 / max(t60, 1e-4))).astype(F32)


def attack_decay(n: int, attack: float, t60: float, sr: int) -> np.ndarray:
    """Linear rise over ``attack`` seconds then exponential decay."""
    env = exp_decay(n, t60, sr)
    na = max(1, min(n, int(attack * sr)))
    env[:na] *= np.linspace(0.0, 1.0, na, dtype=F32)
    return env


def segment_env(n: int, points, sr: int) -> np.ndarray:
    """Piecewise-linear envelope through (time_s, value) points."""
    ts = np.array([p[0] for p in points], dtype=np.float64) * sr
    vs = np.array([p[1] for p in points], dtype=np.float64)
    return np.interp(np.arange(n), ts, vs).astype(F32)


def smooth_random(rng: np.random.Generator, n: int, rate_hz: float, sr: int,
                  lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    """A slowly wandering control signal in [lo, hi], new target about ``rate_hz`` times a second.

    Cosine interpolation between random targets (smooth, no corners, so no zipper noise),
    computed at a control rate of ~1.5 kHz and linearly interpolated up to audio rate.
    """
    k = max(2, int(math.ceil(n / sr * rate_hz)) + 2)
    pts = rng.uniform(lo, hi, k)
    hop = max(1, min(32, int(sr / max(rate_hz, 1e-3) / 16)))
    m = n // hop + 2
    pos = np.arange(m, dtype=np.float64) * (hop * rate_hz / sr)
    i = np.minimum(pos.astype(np.int64), k - 2)
    f = pos - i
    w = 0.5 - 0.5 * np.cos(math.pi * f)
    ctrl = pts[i] * (1.0 - w) + pts[i + 1] * w
    return upsample_linear(ctrl, hop, n)


def upsample_linear(ctrl: np.ndarray, hop: int, n: int) -> np.ndarray:
    """Linear interpolation of a control signal sampled every ``hop`` samples up to ``n`` samples
    (a broadcast, much cheaper than np.interp)."""
    ctrl = np.asarray(ctrl, dtype=F32)
    if hop == 1:
        return ctrl[:n].copy()
    w = np.arange(hop, dtype=F32) / F32(hop)
    out = ctrl[:-1, None] + (ctrl[1:] - ctrl[:-1])[:, None] * w[None, :]
    return out.ravel()[:n]


def upsample(x: np.ndarray, factor: int, n: int, sr: int) -> np.ndarray:
    """Bring a signal rendered at ``sr / factor`` up to ``sr`` (``n`` frames): linear interpolation,
    then a low-pass below the old Nyquist to remove the interpolation images."""
    if factor == 1:
        return np.asarray(x[:n], dtype=F32)
    chans = [x] if x.ndim == 1 else [x[:, c] for c in range(x.shape[1])]
    up = np.stack([upsample_linear(c, factor, n) for c in chans], axis=-1)
    up = lowpass(up, 0.42 * sr / factor, sr, order=4)
    return up[:, 0] if x.ndim == 1 else up


def low_rate_factor(sr: int, target: int = 16000) -> int:
    """Integer factor that brings ``sr`` down to about ``target`` (1 when already near it)."""
    return max(1, int(sr // target))


def fade_edges(x: np.ndarray, sr: int, fade_in_s: float, fade_out_s: float) -> np.ndarray:
    """Raised-cosine fades at both ends (in place on a copy): no clicks at clip edges."""
    x = np.array(x, dtype=F32, copy=True)
    n = x.shape[0]
    for length, sl, rev in ((int(fade_in_s * sr), slice(0, None), False),
                            (int(fade_out_s * sr), slice(None, None), True)):
        length = min(length, n // 2)
        if length < 2:
            continue
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, math.pi, length))).astype(F32)
        if rev:
            ramp = ramp[::-1]
            seg = x[n - length:]
        else:
            seg = x[:length]
        seg *= ramp if x.ndim == 1 else ramp[:, None]
    return x


# ------------------------------------------------------------------------------ oscillators
def phase(freq, n: int, sr: int, phase0: float = 0.0) -> np.ndarray:
    """Phase (radians, float64) of an oscillator with constant or per-sample frequency."""
    if np.ndim(freq) == 0:
        return phase0 + (TAU * float(freq) / sr) * np.arange(n, dtype=np.float64)
    f = np.asarray(freq, dtype=np.float64)
    return phase0 + np.cumsum(f) * (TAU / sr)


TABLE_SIZE = 4096


@lru_cache(maxsize=256)
def harmonic_table(amps: tuple) -> np.ndarray:
    """One cycle of a sum of harmonics with the given amplitudes (index 0 = fundamental)."""
    t = np.arange(TABLE_SIZE) * (TAU / TABLE_SIZE)
    y = np.zeros(TABLE_SIZE)
    for k, a in enumerate(amps, start=1):
        if a:
            y += a * np.sin(k * t)
    peak = np.max(np.abs(y)) or 1.0
    return _frozen((y / peak).astype(F32))


SINE_TABLE = _frozen(np.sin(np.arange(TABLE_SIZE) * (TAU / TABLE_SIZE)).astype(F32))


def sine(ph: np.ndarray) -> np.ndarray:
    """sin of a (float64, possibly large) phase, via the wavetable: ~5x cheaper than float64 sin."""
    return table_osc(SINE_TABLE, ph)


def table_osc(table: np.ndarray, ph: np.ndarray) -> np.ndarray:
    """Wavetable lookup at phase ``ph`` (radians): one gather per sample, much cheaper than sin."""
    idx = (ph * (TABLE_SIZE / TAU)).astype(np.int64) & (TABLE_SIZE - 1)
    return table[idx]


def saw_amps(f0: float, sr: int, brightness: float = 1.0, limit: int = 40) -> tuple:
    """Harmonic amplitudes of a band-limited sawtooth (1/k), tilted darker as brightness falls."""
    k = max(1, min(limit, int(0.45 * sr / max(f0, 1.0))))
    return tuple(round((1.0 / h) * (brightness ** (h - 1)), 4) for h in range(1, k + 1))


def square_amps(f0: float, sr: int, limit: int = 30) -> tuple:
    k = max(1, min(limit, int(0.45 * sr / max(f0, 1.0))))
    return tuple(round(1.0 / h, 4) if h % 2 else 0.0 for h in range(1, k + 1))


def pulse_wave(ph: np.ndarray, sharpness: float) -> np.ndarray:
    """A smooth periodic pulse train, exp(k(cos p - 1)): an engine's firing or a glottal-like buzz.

    Larger ``sharpness`` = narrower pulses = brighter spectrum; the mean is removed.
    """
    y = np.exp(F32(sharpness) * (np.cos(ph).astype(F32) - F32(1.0)))
    return (y - y.mean()).astype(F32)


@lru_cache(maxsize=64)
def pulse_table(sharpness: float) -> np.ndarray:
    """One cycle of ``pulse_wave`` as a wavetable (a glottal-like or firing buzz for cheap voices)."""
    ph = np.arange(TABLE_SIZE) * (TAU / TABLE_SIZE)
    y = np.exp(sharpness * (np.cos(ph) - 1.0))
    y -= y.mean()
    return _frozen((y / np.max(np.abs(y))).astype(F32))


def formants(x: np.ndarray, freqs, bandwidths, gains, sr: int) -> np.ndarray:
    """Vocal-tract-like filtering: parallel resonators at formant frequencies.

    A resonance of bandwidth B Hz decays 60 dB in about 2.2 / B seconds, which sets each t60.
    """
    return modal_bank(x, freqs, [2.2 / max(b, 1.0) for b in bandwidths], gains, sr)


def narrowband_noise(rng: np.random.Generator, centre, bandwidth: float, n: int, sr: int) -> np.ndarray:
    """Noise concentrated around a (possibly moving) centre frequency.

    Low-passed noise times a carrier: the spectrum of the noise is shifted up to the carrier, so
    a whistling wind or a squeal can glide without a time-varying filter.
    """
    env = lowpass(white(rng, n), max(bandwidth * 0.5, 2.0), sr, order=2)
    env *= F32(1.0 / (np.std(env) + 1e-9))
    return env * table_osc(SINE_TABLE, phase(centre, n, sr, rng.uniform(0, TAU)))


# ---------------------------------------------------------------------- events and grains
def impulse_train(n: int, positions, amps) -> np.ndarray:
    """Sum of unit impulses at integer sample ``positions`` scaled by ``amps`` (out of range dropped)."""
    pos = np.asarray(positions, dtype=np.int64)
    amp = np.broadcast_to(np.asarray(amps, dtype=np.float64), pos.shape)
    keep = (pos >= 0) & (pos < n)
    return np.bincount(pos[keep], weights=amp[keep], minlength=n)[:n].astype(F32)


def overlap_add(n: int, positions, grains: np.ndarray) -> np.ndarray:
    """Mix the rows of ``grains`` (M, L) into a length-``n`` signal starting at ``positions``.

    One bincount for all events: cheap when events are sparse but each is different (every
    bubble with its own pitch and rise), where a filter or an FFT per event kind would not be.
    """
    grains = np.asarray(grains, dtype=F32)
    pos = np.asarray(positions, dtype=np.int64)
    if pos.size == 0:
        return np.zeros(n, dtype=F32)
    idx = pos[:, None] + np.arange(grains.shape[1])[None, :]
    keep = (idx >= 0) & (idx < n)
    return np.bincount(idx[keep], weights=grains[keep], minlength=n)[:n].astype(F32)


def routed_resonators(n: int, sr: int, positions, amps, channels, route, freqs, t60s) -> tuple[np.ndarray, np.ndarray]:
    """Stereo impulse trains, one per resonator, each rung through its resonator and summed.

    Every drop, tick or crackle is routed to one of a few fixed resonances: with several random
    resonances and random amplitudes the ear hears many small objects, for the cost of a few
    two-pole filters instead of one grain per event. ``freqs``: (k,) or (k, 2) for a tuning per
    channel. Returns (rung (n, 2), raw impulses (n, 2)).
    """
    k = len(freqs)
    pos = np.asarray(positions, dtype=np.int64)
    idx = (np.asarray(route, dtype=np.int64) * 2 + np.asarray(channels, dtype=np.int64)) * n + pos
    trains = np.bincount(idx, weights=np.broadcast_to(np.asarray(amps, dtype=np.float64), pos.shape),
                         minlength=k * 2 * n)[: k * 2 * n].reshape(k, 2, n).astype(F32)
    freqs = np.asarray(freqs, dtype=np.float64)
    out = np.zeros((2, n), dtype=F32)
    for i in range(k):
        if freqs.ndim == 2:  # a tuning per channel: twice the variety for the same cost
            for c in range(2):
                out[c] += resonator(trains[i, c], freqs[i, c], t60s[i], sr)
        else:
            out += resonator(trains[i].T, freqs[i], t60s[i], sr).T
    return out.T, trains.sum(axis=0).T


def add_at(out: np.ndarray, start: int, sig: np.ndarray) -> None:
    """Mix ``sig`` into ``out`` at sample ``start``, cropping whatever falls outside."""
    n = out.shape[0]
    if start >= n or start + len(sig) <= 0:
        return
    a = max(0, start)
    b = min(n, start + len(sig))
    out[a:b] += sig[a - start:b - start]


def poisson_times(rng: np.random.Generator, rate, n: int, sr: int) -> np.ndarray:
    """Sample positions of a Poisson process with constant or per-sample ``rate`` (events/s).

    A non-constant rate is handled by thinning against its maximum.
    """
    if np.ndim(rate) == 0:
        count = rng.poisson(float(rate) * n / sr)
        return np.sort(rng.integers(0, n, count))
    r = np.asarray(rate)
    rmax = float(r.max()) if r.size else 0.0
    if rmax <= 0:
        return np.zeros(0, dtype=np.int64)
    count = rng.poisson(rmax * n / sr)
    pos = np.sort(rng.integers(0, n, count))
    keep = rng.random(count) < r[pos] / rmax
    return pos[keep]


# ----------------------------------------------------------------------------- spatial
def pan(x: np.ndarray, position: float) -> np.ndarray:
    """Constant-power pan of a mono signal; position -1 (left) .. 1 (right)."""
    a = (max(-1.0, min(1.0, position)) + 1.0) * math.pi / 4.0
    return np.stack([x * F32(math.cos(a)), x * F32(math.sin(a))], axis=1).astype(F32)


def pan_moving(x: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Constant-power pan with a per-sample position (a passing train, a flying bird)."""
    a = (np.clip(position, -1.0, 1.0) + 1.0) * F32(math.pi / 4.0)
    return np.stack([x * np.cos(a), x * np.sin(a)], axis=1).astype(F32)


def widen(rng: np.random.Generator, x: np.ndarray, sr: int, delay_s: float = 0.011) -> np.ndarray:
    """Cheap stereo from mono: the right channel is a slightly delayed, tilted copy."""
    d = max(1, int(delay_s * sr))
    r = np.concatenate([x[-d:], x[:-d]])
    r = 0.7 * r + 0.3 * one_pole_lp(r, 3000.0, sr)
    return np.stack([x, r], axis=1).astype(F32)


# --------------------------------------------------------------------------- loudness
@lru_cache(maxsize=16)
def _k_weighting(sr: int) -> np.ndarray:
    """ITU-R BS.1770 K-weighting (pre-filter shelf + RLB high-pass) designed at any rate."""
    # High shelf, +4 dB above ~1.5 kHz (head effect).
    G, Q, fc = 3.99984385397, 0.7071752369554193, 1681.9744509555319
    A = 10 ** (G / 40.0)
    w0 = TAU * fc / sr
    alpha = math.sin(w0) / (2.0 * Q)
    cw = math.cos(w0)
    b = [A * ((A + 1) + (A - 1) * cw + 2 * math.sqrt(A) * alpha), -2 * A * ((A - 1) + (A + 1) * cw),
         A * ((A + 1) + (A - 1) * cw - 2 * math.sqrt(A) * alpha)]
    a = [(A + 1) - (A - 1) * cw + 2 * math.sqrt(A) * alpha, 2 * ((A - 1) - (A + 1) * cw),
         (A + 1) - (A - 1) * cw - 2 * math.sqrt(A) * alpha]
    shelf = np.array(b + a) / a[0]
    # High-pass around 38 Hz.
    Q, fc = 0.5003270373253953, 38.13547087613982
    w0 = TAU * fc / sr
    alpha = math.sin(w0) / (2.0 * Q)
    cw = math.cos(w0)
    b = [(1 + cw) / 2, -(1 + cw), (1 + cw) / 2]
    a = [1 + alpha, -2 * cw, 1 - alpha]
    hp = np.array(b + a) / a[0]
    return np.stack([shelf, hp])


def loudness_blocks(x: np.ndarray, sr: int, highpass_hz: float | None = None) -> np.ndarray:
    """Mean K-weighted power of each BS.1770 block (400 ms, 75 % overlap), summed over channels.

    ``x`` is mono (n,), frame-major stereo (n, 2) or channel-major (2, n) with n > 2; clips shorter
    than a block make one block. ``highpass_hz``: measure the signal as a 2nd-order Butterworth
    high-pass at that corner would leave it (the DC block the clip will get).
    """
    x = np.asarray(x, dtype=F32)
    if x.ndim == 1:
        x = x[None, :]
    elif x.shape[1] <= 2 < x.shape[0]:
        x = np.ascontiguousarray(x.T)
    if sr >= 32000 and x.shape[-1] >= 4096:
        # Measure on every other sample: folding keeps the power, and the K-weighting is nearly
        # flat above 2 kHz, so this costs < 0.3 dB of accuracy for half the filtering.
        x, sr = x[:, ::2], sr // 2
    sos = _k_weighting(sr)
    if highpass_hz:
        sos = np.concatenate([_butter(2, "highpass", float(highpass_hz), 0.0, sr), sos])
    y = _signal.sosfilt(sos, x, axis=-1)
    p = np.einsum("cn,cn->n", y, y, dtype=np.float64)  # channel weights are 1 for L and R
    n = len(p)
    block = min(n, int(0.4 * sr))
    hop = max(1, block // 4)
    c = np.concatenate([[0.0], np.cumsum(p)])
    starts = np.arange(0, n - block + 1, hop)
    return (c[starts + block] - c[starts]) / block


def gated_loudness(z: np.ndarray) -> float:
    """Integrated loudness from block powers: -70 LUFS absolute gate, then -10 LU relative gate."""
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(z + 1e-20)
    z = z[lk > -70.0]
    if z.size == 0:
        return -math.inf
    rel = -0.691 + 10 * math.log10(z.mean()) - 10.0
    lk = -0.691 + 10 * np.log10(z)
    z = z[lk > rel]
    return float(-0.691 + 10 * math.log10(z.mean()))


def loudness_lufs(x: np.ndarray, sr: int) -> float:
    """Gated integrated loudness (ITU-R BS.1770). Returns -inf for silence."""
    return gated_loudness(loudness_blocks(x, sr))


def gain_to_loudness(z: np.ndarray, target: float) -> float | None:
    """The gain (dB) that brings block powers ``z`` to ``target`` LUFS, or None for silence.

    The gates make loudness not quite scale-invariant (a block near a gate flips in or out when
    the level moves, which on a short clip is worth a dB or two), so the gain is refined against
    the gates at the target level; block powers scale exactly, no re-filtering needed.
    """
    loud = gated_loudness(z)
    if not math.isfinite(loud):
        return None
    g = target - loud
    for _ in range(3):
        now = gated_loudness(z * 10.0 ** (g / 10.0))
        if not math.isfinite(now) or abs(now - target) < 0.05:
            break
        g += target - now
    return g


def peak_limit(x: np.ndarray, sr: int, ceiling: float = 0.9, block_s: float = 0.001) -> np.ndarray:
    """A look-ahead peak limiter without per-sample loops, for mono (n,) or channel-major (c, n).

    The gain each ~1 ms block needs (ceiling / its peak) is min-filtered over its neighbours and
    linearly interpolated between block centres: every sample's gain lies between gains that were
    each computed with that sample's block in view, so peaks stay under the ceiling, and the gain
    moves smoothly (a 2-3 ms attack and release), without hard-clip distortion.
    """
    from scipy.ndimage import minimum_filter1d

    mag = np.abs(x) if x.ndim == 1 else np.max(np.abs(x), axis=0)
    if mag.max(initial=0.0) <= ceiling:
        return x
    n = mag.shape[0]
    b = max(1, int(block_s * sr))
    nb = -(-n // b)
    padded = np.zeros(nb * b, dtype=F32)
    padded[:n] = mag
    peaks = padded.reshape(nb, b).max(axis=1)
    g = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
    g = minimum_filter1d(g, 3, mode="nearest")
    # Control point k sits at the centre of block k - 1 (points at both ends hold the edge gain).
    ctrl = np.concatenate([g[:1], g, g[-1:]]).astype(F32)
    gain = upsample_linear(ctrl, b, (nb + 1) * b)[b // 2: b // 2 + n]
    return (x * gain).astype(F32)


def db(x: float) -> float:
    return 10.0 ** (x / 20.0)


# ------------------------------------------------------------------------------- voices
def formant_voice(f0: np.ndarray, sr: int, formant_freqs, bandwidths, gains, tilt: float = 1.0,
                  max_harmonics: int = 40, hop: int = 32, floor: float = 0.02) -> np.ndarray:
    """A voiced source through moving formants, by additive synthesis.

    ``f0`` is the per-sample pitch track (Hz); ``formant_freqs`` per formant either a constant or a
    per-sample track (the tract changing shape: "mi-a-ow", "mmm-ooo"). Every harmonic h of f0 gets
    the amplitude the formant resonances give at h * f0 (gains, too, may be constants or tracks) (a resonance of bandwidth B is a Lorentzian
    bump around its centre), times a source tilt h^-``tilt`` (a glottal pulse falls ~ 1/h^2, the
    mouth's radiation gives back 1/h). Amplitudes are computed every ``hop`` samples and
    interpolated; harmonics above 0.45 sr are dropped, so nothing aliases however f0 moves.
    Cheaper than a time-varying filter and exact in where the formants sit.
    """
    f0 = np.asarray(f0, dtype=np.float64)
    n = f0.shape[0]
    out = np.zeros(n, dtype=F32)
    if n == 0:
        return out
    ph = phase(f0, n, sr)
    fc = f0[::hop]
    fc = np.append(fc, fc[-1])
    tracks = []
    for F in formant_freqs:
        if np.ndim(F) == 0:
            tracks.append(np.full(fc.shape, float(F)))
        else:
            F = np.asarray(F, dtype=np.float64)[::hop]
            tracks.append(np.append(F, F[-1]))
    gs = []
    for g in gains:
        if np.ndim(g) == 0:
            gs.append(float(g))
        else:
            g = np.asarray(g, dtype=np.float64)[::hop]
            gs.append(np.append(g, g[-1]))
    nyq = 0.45 * sr
    for h in range(1, max_harmonics + 1):
        fh = h * fc
        if fh.min() >= nyq:
            break
        a = np.full(fh.shape, floor)
        for F, B, g in zip(tracks, bandwidths, gs):
            u = (fh - F) / (0.5 * B)
            a += g / (1.0 + u * u)
        a *= h ** -tilt
        a[fh >= nyq] = 0.0
        out += upsample_linear(a.astype(F32), hop, n + hop)[:n] * sine(h * ph)
    return out


def jitter(rng: np.random.Generator, n: int, sr: int, amount: float, rate_hz: float = 60.0) -> np.ndarray:
    """1 + a small random pitch wobble (vocal jitter, a rough voice): low-passed noise, about ±amount."""
    j = lowpass(white(rng, n), rate_hz, sr)
    return (1.0 + amount * j / (np.std(j) + 1e-9)).astype(np.float64)


def reverb_tail(rng: np.random.Generator, x: np.ndarray, sr: int, t60: float, wet: float,
                predelay_s: float = 0.01, lowpass_hz: float = 6000.0) -> np.ndarray:
    """Mono in, stereo out: ``x`` plus a diffuse tail (exponentially decaying noise per channel,
    darker as it decays less than a real room would bother with), by FFT convolution.

    For sounds that are only themselves with their space (a tower bell, a gunshot outdoors);
    the scene reverb is still the mixer's. The impulse response lasts ``t60`` (60 dB down)."""
    from scipy.signal import fftconvolve

    L = max(16, int(t60 * sr))
    env = exp_decay(L, t60, sr)
    d = int(predelay_s * sr)
    wet_ch = []
    for c in range(2):
        ir = lowpass(white(rng, L), lowpass_hz, sr) * env
        ir[:d] = 0.0
        ir *= F32(1.0 / (np.sqrt(np.sum(ir * ir)) + 1e-9))
        wet_ch.append(fftconvolve(x, ir)[: len(x)].astype(F32))
    w = np.stack(wet_ch, axis=1) * F32(wet)
    return (x[:, None] + w).astype(F32)


def rendered_at_low_rate(fn):
    """Decorate a generator to render at ~16 kHz and upsample: for sounds whose character lies
    below ~7 kHz (voices, engines, rotors, bells), a third of the work at 48 kHz."""
    import functools

    @functools.wraps(fn)
    def wrapped(p):
        return at_low_rate(fn, p)
    return wrapped


def at_low_rate(fn, p):
    """``fn(p)`` rendered at ~16 kHz (``low_rate_factor``) and upsampled to ``p.sr``."""
    k = low_rate_factor(p.sr)
    return upsample(fn(p.at_rate(k)), k, p.n, p.sr)
