"""Shape buckets: clips are rendered at a few latent lengths and batch sizes, so that compiled
artefacts (CUDA graphs, TensorRT profiles) are reused and a batch mixes sessions of similar length."""
from __future__ import annotations

import math

# latent-frame bucket sizes (at Stable Audio Open's 21.5 latent frames/s: 0.7 s .. 47.5 s)
_BASE = (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048)


def latent_buckets(max_frames: int) -> tuple[int, ...]:
    """Bucket lengths up to the model's window; the window itself is always the last bucket."""
    out = [b for b in _BASE if b < max_frames]
    return tuple(out + [int(max_frames)])


def latent_bucket(frames: int, buckets: tuple[int, ...]) -> int:
    for b in buckets:
        if frames <= b:
            return b
    return buckets[-1]


def batch_bucket(n: int, max_batch: int) -> int:
    """Batch sizes are powers of two (1, 2, 4, ...) up to ``max_batch``."""
    n = max(1, int(n))
    return max(n, min(1 << (n - 1).bit_length(), int(max_batch)))


def content_frames(duration_s: float, sample_rate: int, hop: int) -> int:
    """Latent frames that cover ``duration_s`` of audio at the VAE's rate."""
    samples = max(1, int(math.ceil(duration_s * sample_rate)))
    return max(1, int(math.ceil(samples / hop)))
