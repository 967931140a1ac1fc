"""Loudness measurement (ITU-R BS.1770 via pyloudnorm) and normalisation of whole tracks."""
from __future__ import annotations

import numpy as np
import pyloudnorm

TARGET_LUFS = -18.0  # integrated loudness of offline renders (a common game-audio reference)


def integrated_lufs(x: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness in LUFS; -inf for silence or signals shorter than one 400 ms block."""
    if len(x) < int(0.4 * sample_rate) + 1:
        return float("-inf")
    with np.errstate(divide="ignore"):
        return float(pyloudnorm.Meter(sample_rate).integrated_loudness(np.asarray(x, dtype=np.float64)))


def short_term_lufs(x: np.ndarray, sample_rate: int, window_s: float = 3.0, hop_s: float = 1.0) -> np.ndarray:
    """Short-term loudness (3 s windows) along the signal, for consistency reports."""
    meter = pyloudnorm.Meter(sample_rate, block_size=min(window_s, 0.4))
    win, hop = int(window_s * sample_rate), int(hop_s * sample_rate)
    out = []
    for lo in range(0, max(1, len(x) - win + 1), hop):
        with np.errstate(divide="ignore"):
            out.append(meter.integrated_loudness(np.asarray(x[lo: lo + win], dtype=np.float64)))
    return np.array(out)


def gain_to_target(x: np.ndarray, sample_rate: int, target_lufs: float = TARGET_LUFS) -> float:
    """Linear gain that brings ``x`` to ``target_lufs`` integrated (1.0 for silence)."""
    lufs = integrated_lufs(x, sample_rate)
    if not np.isfinite(lufs):
        return 1.0
    return float(10 ** ((target_lufs - lufs) / 20))
