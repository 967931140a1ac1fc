"""Scene acoustics: one feedback-delay-network reverb per session, fed by the mixer's send bus.

The FDN runs block-wise without per-sample Python loops: as long as a block is no longer than the
shortest delay line, every sample a block reads from a delay line was written by earlier blocks,
so a whole block is one gather, one damping filter, one 8x8 mix and one scatter. Longer blocks are
split. Scene presets change decay, damping and send level; the delay set stays, so a scene change
keeps the tail continuous (the residual side of DESIGN.md: successive events share one place).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

# Mutually prime delay lengths (ms), spread for a dense, uncoloured tail.
_DELAYS_MS = np.array([31.7, 37.1, 41.3, 43.9, 53.3, 59.9, 67.1, 73.7])
_N = len(_DELAYS_MS)
# Householder feedback matrix: orthogonal (lossless), every line feeds every other.
_FEEDBACK = np.eye(_N) - 2.0 / _N * np.ones((_N, _N))
# Stereo taps: orthogonal +-1 patterns decorrelate left and right.
_SILENT = 1e-7  # tail level below which the network is treated as silent (-140 dBFS)
_OUT = np.array([[1, -1, 1, -1, 1, -1, 1, -1], [1, 1, -1, -1, 1, 1, -1, -1]], dtype=np.float64) / np.sqrt(_N)


@dataclass(frozen=True)
class ScenePreset:
    name: str
    rt60_s: float  # time for the tail to decay by 60 dB
    damping_hz: float  # high frequencies die faster than this (air, soft walls)
    send_db: float  # send level of a close source; distance raises it (see send_gain)
    predelay_ms: float
    dry_lowpass_hz: float = 0.0  # > 0 muffles the whole dry mix (underwater)


SCENES: dict[str, ScenePreset] = {
    "open_air": ScenePreset("open_air", 0.5, 6000.0, -22.0, 8.0),
    "forest": ScenePreset("forest", 1.0, 4500.0, -16.0, 12.0),
    "cave": ScenePreset("cave", 3.2, 3500.0, -8.0, 25.0),
    "hall": ScenePreset("hall", 2.2, 6500.0, -11.0, 20.0),
    "small_room": ScenePreset("small_room", 0.45, 5500.0, -14.0, 3.0),
    "underwater": ScenePreset("underwater", 1.6, 1200.0, -9.0, 10.0, dry_lowpass_hz=1400.0),
}


def scene_preset(name: str) -> ScenePreset:
    return SCENES.get(name, SCENES["open_air"])


def send_gain(scene: ScenePreset, distance: float) -> float:
    """Reverb send for a source at ``distance`` (0..1): far sources are more reverberant."""
    return float(10 ** ((scene.send_db + 10.0 * min(1.0, max(0.0, distance))) / 20))


class SceneReverb:
    """Stateful stereo FDN reverb; ``process`` takes and returns (frames, 2) float arrays."""

    def __init__(self, sample_rate: int, scene: str = "open_air"):
        self.sample_rate = sample_rate
        self.delays = np.round(_DELAYS_MS * 1e-3 * sample_rate).astype(np.int64)
        self.max_block = int(self.delays.min())
        self.size = int(2 ** np.ceil(np.log2(self.delays.max() + self.max_block + 1)))
        self.lines = np.zeros((_N, self.size))
        self._rows = (np.arange(_N) * self.size)[:, None]  # flat index of each line's sample 0
        self.write = 0
        self._silent = True
        self._pre = np.zeros((0, 2))
        self.set_scene(scene)

    def set_scene(self, name: str) -> None:
        p = scene_preset(name)
        self.preset = p
        # Per-line gain so every path decays 60 dB in rt60 regardless of its length.
        self.gains = 10 ** (-3.0 * self.delays / (p.rt60_s * self.sample_rate))
        b, a = signal.butter(1, min(p.damping_hz, 0.45 * self.sample_rate), fs=self.sample_rate)
        self._damp_ba = (b, a)
        if not hasattr(self, "_damp_zi"):
            self._damp_zi = np.zeros((_N, 1))
        pre = int(p.predelay_ms * 1e-3 * self.sample_rate)
        if len(self._pre) != pre:
            self._pre = np.zeros((pre, 2))

    def process(self, send: np.ndarray) -> np.ndarray:
        """Wet signal for a block of send-bus input (frames, 2)."""
        if self._silent and not send.any() and not self._pre.any():  # no input, tail died away
            return np.zeros((len(send), 2))
        if len(self._pre):  # predelay: shift the input through a short FIFO
            joined = np.concatenate([self._pre, send])
            self._pre, send = joined[len(send):], joined[: len(send)]
        out = np.empty((len(send), 2))
        for lo in range(0, len(send), self.max_block):
            out[lo: lo + self.max_block] = self._block(send[lo: lo + self.max_block])
        self._silent = not send.any() and np.abs(self.lines).max() < _SILENT
        return out

    def _block(self, x: np.ndarray) -> np.ndarray:
        n = len(x)
        pos = (self.write + np.arange(n)) & (self.size - 1)
        flat = self.lines.reshape(-1)
        y = flat[self._rows + ((pos - self.delays[:, None]) & (self.size - 1))]
        y, self._damp_zi = signal.lfilter(*self._damp_ba, y, axis=1, zi=self._damp_zi)
        fb = (_FEEDBACK @ y) * self.gains[:, None]
        fb[0::2] += x[:, 0]
        fb[1::2] += x[:, 1]
        if self.write + n <= self.size:  # the common case: one contiguous write per line
            self.lines[:, self.write: self.write + n] = fb
        else:
            self.lines[:, pos] = fb
        self.write = (self.write + n) & (self.size - 1)
        return (_OUT @ y).T
