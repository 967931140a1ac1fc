"""Level conventions applied to every generator's raw output (engines/base.py):

1. DC removal (20 Hz high-pass): generators may leave offsets (envelopes times pulses).
2. Loudness: the gated K-weighted loudness of the active part is set to
   ``REFERENCE_LUFS - (1 - intensity) * INTENSITY_RANGE_DB``.
3. Distance: ``- distance * DISTANCE_RANGE_DB`` of gain and an air-absorption low-pass whose
   corner falls from ~18 kHz (distance 0) to ~1.5 kHz (distance 1).
4. Edge fades (short for one-shots, longer for beds so a crossfaded join has no click),
   a look-ahead peak limiter under 0.9 full scale, and a last safety clip at 0.99.
"""
from __future__ import annotations


import numpy as np
from scipy import signal as _signal

from ..base import DISTANCE_RANGE_DB, INTENSITY_RANGE_DB, REFERENCE_LUFS, clip_lufs
from . import dsp

F32 = dsp.F32
PEAK_CEILING = 0.9
DC_BLOCK_HZ = 20.0


def air_absorption_hz(distance: float) -> float:
    """Low-pass corner for a source at ``distance`` (0..1): far sources lose their highs."""
    return 18000.0 * (1.5 / 18.0) ** max(0.0, min(1.0, distance))


target_lufs = clip_lufs  # the convention's one definition lives with the Engine interface


def finish(x: np.ndarray, sr: int, intensity: float, distance: float, bed: bool) -> np.ndarray:
    """Raw generator output (mono or stereo, any scale) -> a clip that follows the conventions."""
    x = np.asarray(x, dtype=F32)
    if not np.isfinite(x.sum()):
        x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    # Work channel-major: filters along the last, contiguous axis run faster.
    x = np.stack([x, x]) if x.ndim == 1 else np.ascontiguousarray(x.T)
    dc_block = dsp._butter(2, "highpass", DC_BLOCK_HZ, 0.0, sr)
    # Loudness of the DC-blocked signal, measured with the DC block folded into the meter's
    # filters; the audio itself then takes DC block and air absorption in a single pass (the
    # cost of a filter call barely depends on its order, and the gain commutes with both).
    g_db = dsp.gain_to_loudness(dsp.loudness_blocks(x, sr, highpass_hz=DC_BLOCK_HZ),
                                REFERENCE_LUFS - (1.0 - intensity) * INTENSITY_RANGE_DB)
    gain = dsp.db(g_db) if g_db is not None else 1.0
    sos = dc_block
    if distance > 0.01:
        fc = min(air_absorption_hz(distance), 0.45 * sr)
        sos = np.concatenate([sos, dsp._butter(2, "lowpass", round(fc, 1), 0.0, sr)])
        gain *= dsp.db(-distance * DISTANCE_RANGE_DB)
    x = _sosfilt_rows(sos, x)
    x *= F32(gain)
    fade_in, fade_out = (0.03, 0.05) if bed else (0.002, 0.02)
    x = dsp.fade_edges(x.T, sr, fade_in, fade_out).T
    x = dsp.peak_limit(x, sr, PEAK_CEILING)
    return np.ascontiguousarray(np.clip(x, -0.99, 0.99).T, dtype=F32)


def _sosfilt_rows(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    # float64 coefficients make scipy filter in float64: float32 state decays into subnormal
    # numbers in the silences of sparse clips, which runs several times slower.
    return _signal.sosfilt(sos, x, axis=-1).astype(F32, copy=False)
