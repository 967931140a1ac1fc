"""Conversion from the float master bus to the session's wire format."""
from __future__ import annotations

import numpy as np

from ..models.plan import Encoding


def downmix(x: np.ndarray, channels: int) -> np.ndarray:
    """(frames, 2) -> (frames, channels). Mono sums at -3 dB (equal power for uncorrelated sides)."""
    if channels == 2:
        return x
    return (x.sum(axis=1, keepdims=True) * np.float32(0.7071))


def encode(x: np.ndarray, encoding: Encoding) -> bytes:
    """Interleaved little-endian PCM bytes of (frames, channels) float samples in [-1, 1]."""
    if encoding is Encoding.PCM_F32LE:
        return np.ascontiguousarray(x, dtype="<f4").tobytes()
    return np.clip(np.rint(x * 32767.0), -32768, 32767).astype("<i2").tobytes()


def decode(data: bytes, encoding: Encoding, channels: int) -> np.ndarray:
    """Inverse of ``encode``: (frames, channels) float32."""
    if encoding is Encoding.PCM_F32LE:
        x = np.frombuffer(data, dtype="<f4").astype(np.float32)
    else:
        x = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32767.0
    return x.reshape(-1, channels)
