"""From decoded audio to a clip the mixer can sum: resample once, fit the length, set the level.

The level conventions of engines/base.py are those of the procedural engine
(``engines.procedural.levels``: its loudness targets, air-absorption corners, edge fades and peak
ceiling), so a late neural event that falls back to procedural does not jump in level. The filters
and the loudness measurement run in float64 here: decoder output can carry a large DC offset, and
float32 IIR filtering of it would make the level depend on rounding (runtime parity is asserted at
1e-3 on the finished clip).
"""
from __future__ import annotations

import math

import numpy as np

from ..base import DISTANCE_RANGE_DB
from ..procedural import dsp
from ..procedural.levels import PEAK_CEILING, air_absorption_hz, target_lufs

LOOP_CROSSFADE_S = 0.25


def resample(x: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """(frames, channels) float32 from ``src_rate`` to ``dst_rate`` with soxr (once, at the edge)."""
    if src_rate == dst_rate or len(x) == 0:
        return np.ascontiguousarray(x, dtype=np.float32)
    import soxr
    return np.ascontiguousarray(soxr.resample(x, src_rate, dst_rate, quality="HQ"), dtype=np.float32)


def fit_length(x: np.ndarray, frames: int, rate: int) -> np.ndarray:
    """Exactly ``frames`` frames: crop, or loop with an equal-power crossfade when the clip is short
    (an event longer than the model's window)."""
    n = len(x)
    if n >= frames:
        return np.ascontiguousarray(x[:frames], dtype=np.float32)
    if n == 0:
        return np.zeros((frames, x.shape[1]), np.float32)
    xf = min(int(LOOP_CROSSFADE_S * rate), n // 3)
    if xf < 8:
        return np.ascontiguousarray(np.concatenate([x] * int(math.ceil(frames / n)))[:frames], dtype=np.float32)
    t = np.linspace(0.0, 1.0, xf, dtype=np.float32)[:, None]
    fade_in, fade_out = np.sin(0.5 * np.pi * t), np.cos(0.5 * np.pi * t)
    out = x
    while len(out) < frames:
        joined = out[-xf:] * fade_out + x[:xf] * fade_in
        out = np.concatenate([out[:-xf], joined, x[xf:]])
    return np.ascontiguousarray(out[:frames], dtype=np.float32)


def _sos(kind: str, hz: float, rate: int) -> np.ndarray:
    from scipy.signal import butter
    return butter(2, min(hz, 0.45 * rate), btype=kind, fs=rate, output="sos")


def loudness_lufs(x: np.ndarray, rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770 via pyloudnorm, float64); clips under one 400 ms block
    are measured by their K-less mean square. -inf for silence."""
    if len(x) > int(0.4 * rate):
        import pyloudnorm
        with np.errstate(divide="ignore"):
            value = pyloudnorm.Meter(rate).integrated_loudness(x)
        if math.isfinite(value):
            return float(value)
    ms = float(np.mean(np.sum(x * x, axis=1))) if len(x) else 0.0
    return -0.691 + 10.0 * math.log10(ms) if ms > 1e-20 else -math.inf


def set_level(x: np.ndarray, rate: int, intensity: float, distance: float, bed: bool) -> tuple[np.ndarray, float]:
    """(frames, 2) float64 -> float32 following the level conventions; returns (clip, measured LUFS)."""
    from scipy.signal import sosfilt
    intensity = min(1.0, max(0.0, intensity))
    distance = min(1.0, max(0.0, distance))
    x = sosfilt(_sos("highpass", 20.0, rate), x - x.mean(axis=0), axis=0)
    loud = loudness_lufs(x, rate)
    if math.isfinite(loud):
        x *= 10.0 ** ((target_lufs(intensity, 0.0) - loud) / 20.0)
    if distance > 0.01:
        x = sosfilt(_sos("lowpass", air_absorption_hz(distance), rate), x, axis=0)
        x *= 10.0 ** (-distance * DISTANCE_RANGE_DB / 20.0)
    fade_in, fade_out = (0.03, 0.05) if bed else (0.002, 0.02)
    y = dsp.fade_edges(x.astype(np.float32), rate, fade_in, fade_out)
    y = dsp.peak_limit(np.ascontiguousarray(y.T), rate, PEAK_CEILING).T  # channel-major in
    return np.clip(y, -0.99, 0.99).astype(np.float32), loud


def finish_clip(audio: np.ndarray, src_rate: int, dst_rate: int, frames: int, intensity: float,
                distance: float, bed: bool = False) -> tuple[np.ndarray, dict]:
    """Decoded audio (frames, channels) at the VAE's rate -> float32 (frames, 2) at ``dst_rate``."""
    x = np.nan_to_num(np.asarray(audio, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    if x.ndim == 1:
        x = x[:, None]
    if x.shape[1] == 1:
        x = np.repeat(x, 2, axis=1)
    elif x.shape[1] > 2:
        x = x[:, :2]
    x = resample(x, src_rate, dst_rate)
    x = fit_length(x, frames, dst_rate)
    y, loud = set_level(x.astype(np.float64), dst_rate, intensity, distance, bed)
    return np.ascontiguousarray(y), {"target_lufs": target_lufs(intensity, distance), "raw_lufs": loud}
