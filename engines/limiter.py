"""A look-ahead true-peak limiter, vectorised per block.

Gain is computed without a per-sample loop:
1. the true peak of each input sample is estimated on a 4x oversampled signal;
2. the gain each sample needs is ``ceiling / peak`` (at most 1);
3. a running minimum over 2W+1 samples and a W-sample moving average make a smooth attack that
   reaches the needed gain before the peak leaves the W-sample delay line;
4. release: the gain reduction decays exponentially, computed as a running maximum in the log
   domain (a max-plus convolution), so it too is one ``np.maximum.accumulate``.
Output is delayed by W samples (``latency``).
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage, signal

_OVERSAMPLE = 4
_TAPS = 48
_FIR = signal.firwin(_TAPS, 1.0 / _OVERSAMPLE) * _OVERSAMPLE
# A block whose sample peak is 6 dB under the ceiling cannot reach it between samples (inter-sample
# overs of real signals stay well under 3 dB), so it skips the oversampled detector.
_HEADROOM = 0.5
_IDLE_LOG_REDUCTION = np.log(1e-5)


def true_peak(x: np.ndarray) -> np.ndarray:
    """Per-sample true-peak estimate: 4x oversampled magnitude, max over phases and channels."""
    x = x if x.ndim > 1 else x[:, None]
    n, delay = len(x), (_TAPS - 1) // 2
    up = np.abs(signal.upfirdn(_FIR, x, up=_OVERSAMPLE, axis=0)[delay: delay + n * _OVERSAMPLE])
    peak = np.abs(x[:, 0])
    for c in range(x.shape[1]):  # elementwise maxima over strided views beat a reduce over axis 1
        if c:
            np.maximum(peak, np.abs(x[:, c]), out=peak)
        for phase in range(_OVERSAMPLE):
            np.maximum(peak, up[phase::_OVERSAMPLE, c], out=peak)
    return peak


_TILE = 1024


def true_peak_above(x: np.ndarray, floor: float) -> np.ndarray:
    """``true_peak`` where it matters: tiles whose sample peak stays under ``floor`` keep their
    sample peak (the oversampled detector runs only on louder tiles, with filter context).
    Long offline tracks are mostly such tiles."""
    x = x if x.ndim > 1 else x[:, None]
    mag = np.abs(x).max(axis=1)
    n = len(x)
    tiles = -(-n // _TILE)
    padded = np.zeros(tiles * _TILE)
    padded[:n] = mag
    hot = np.flatnonzero(padded.reshape(tiles, _TILE).max(axis=1) >= floor)
    if len(hot) == 0:
        return mag
    if len(hot) == tiles:
        return true_peak(x)
    peak = mag.copy()
    # contiguous runs of hot tiles, each oversampled once with _TAPS of context on both sides
    starts = hot[np.r_[True, np.diff(hot) > 1]]
    ends = hot[np.r_[np.diff(hot) > 1, True]] + 1
    for a, b in zip(starts * _TILE, np.minimum(ends * _TILE, n)):
        lo, hi = max(0, a - _TAPS), min(n, b + _TAPS)
        peak[a:b] = true_peak(x[lo:hi])[a - lo: b - lo]
    return peak


def true_peak_dbfs(x: np.ndarray) -> float:
    """The true peak of a whole signal in dBFS (a single number for reports and tests). Only
    tiles within 6 dB of the loudest sample can hold it (inter-sample overs stay under that)."""
    x = np.asarray(x, dtype=np.float64)
    top = float(np.abs(x).max(initial=0.0))
    if top == 0.0:
        return -np.inf
    return 20 * np.log10(float(true_peak_above(x, top * 0.5).max()))


class Limiter:
    def __init__(self, sample_rate: int, channels: int, ceiling_db: float = -1.0,
                 lookahead_ms: float = 2.0, release_ms: float = 80.0):
        self.ceiling = 10 ** (ceiling_db / 20)
        self.latency = max(4, int(lookahead_ms * 1e-3 * sample_rate))
        self.tau = release_ms * 1e-3 * sample_rate
        w = self.latency
        self._hist = np.zeros((2 * w + _TAPS, channels))  # input history (delay + filter context)
        self._need_hist = np.ones(2 * w)  # needed gain of the last 2W samples (for the running min)
        self._min_hist = np.ones(w)  # running-min values of the last W samples (for the average)
        self._carry = -np.inf  # log gain reduction carried into the next block (release)

    def process(self, x: np.ndarray) -> np.ndarray:
        n, w = len(x), self.latency
        if self._idle() and np.abs(x).max(initial=0.0) < self.ceiling * _HEADROOM:
            return self._pass(x)
        ext = np.concatenate([self._hist, x])
        # history gives the oversampler its context; quiet tiles need no oversampling
        peak = true_peak_above(ext, self.ceiling * _HEADROOM)[len(self._hist):]
        need = np.minimum(1.0, self.ceiling / np.maximum(peak, 1e-12))
        need_ext = np.concatenate([self._need_hist, need])
        # running min over the window [k-2W, k] for each new k
        mins = ndimage.minimum_filter1d(need_ext, size=2 * w + 1, origin=w)[2 * w:]
        min_ext = np.concatenate([self._min_hist, mins])
        csum = np.concatenate([[0.0], np.cumsum(min_ext)])
        gain = (csum[w + 1:] - csum[1: n + 1]) / w  # mean of mins over [k-W+1, k]
        gain = np.minimum(gain, mins)
        # release: reduction r = 1 - gain decays as exp(-t / tau) after each peak
        red = np.log(np.maximum(1.0 - gain, 1e-9))
        k = np.arange(n) / self.tau
        held = np.maximum.accumulate(np.concatenate([[self._carry], red + k]))[1:] - k
        gain = 1.0 - np.exp(held)
        self._carry = held[-1] - 1.0 / self.tau
        delayed = ext[len(ext) - n - w: len(ext) - w]
        self._hist = ext[-len(self._hist):]
        self._need_hist = need_ext[-2 * w:]
        self._min_hist = min_ext[-w:]
        return delayed * gain[:, None]

    def _idle(self) -> bool:
        """No gain reduction pending or decaying: the next quiet block passes untouched."""
        return self._carry < _IDLE_LOG_REDUCTION and self._need_hist.min() == 1.0 and self._min_hist.min() == 1.0

    def _pass(self, x: np.ndarray) -> np.ndarray:
        """Fast path for a quiet block: only the look-ahead delay (most chunks of a live stream)."""
        w = self.latency
        ext = np.concatenate([self._hist, x])
        self._hist = ext[-len(self._hist):]
        self._need_hist[:] = 1.0
        self._carry = -np.inf
        return ext[len(ext) - len(x) - w: len(ext) - w]
