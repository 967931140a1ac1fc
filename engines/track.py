"""Offline long-form rendering: a whole plan -> one mastered track (the Render RPC and CLI)."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..models.bridge import SessionContext
from ..models.plan import AudioFormat, SoundEvent
from .base import Engine, RenderRequest
from .limiter import true_peak_dbfs
from .loudness import TARGET_LUFS, gain_to_target, integrated_lufs
from .mixer import Mixer, OutputStage

TAIL_S = 1.5  # room for the last event's reverb tail
LOUDNESS_PASSES = 3
# A sparse track (a few footsteps, no bed) is raised at most this far towards the target: the
# engines calibrate every clip to a level for its intensity, and raising quiet foley by 10 dB or
# more turns soft steps into loud impulses (listeners, and the tagger, hear gunshots).
MAX_GAIN_DB = 6.0


@dataclass
class Track:
    samples: np.ndarray  # (frames, channels) float32, mastered
    sample_rate: int
    loudness_lufs: float
    true_peak_dbfs: float
    render_s: float  # wall seconds spent rendering clips


def render_clips(engine: Engine, requests: Sequence[RenderRequest], workers: int = 1):
    """Render in ``workers`` threads, in batches as large as the engine likes."""
    batch = max(1, getattr(engine, "max_batch", 1))
    groups = [list(requests[i: i + batch]) for i in range(0, len(requests), batch)]
    if workers <= 1 or len(groups) <= 1:
        return [c for g in groups for c in engine.render(g)]
    with ThreadPoolExecutor(workers) as pool:
        return [c for cs in pool.map(engine.render, groups) for c in cs]


def render_track(events: Sequence[SoundEvent], engine: Engine, context: SessionContext,
                 fmt: AudioFormat, duration_s: float | None = None,
                 target_lufs: float | None = TARGET_LUFS, workers: int = 1) -> Track:
    """Render, place, mix, normalise to ``target_lufs`` integrated (None: leave the level as mixed;
    never raised by more than ``MAX_GAIN_DB``), then limit to -1 dBTP."""
    sr = fmt.sample_rate
    t0 = time.perf_counter()
    clips = render_clips(engine, [RenderRequest(e, context, sr) for e in events], workers)
    render_s = time.perf_counter() - t0
    mixer = Mixer(sr, context.scene)
    for event, clip in zip(events, clips):
        mixer.add(event, clip, int(round(event.start_s * sr)))
    end_s = duration_s if duration_s else max((e.end_s for e in events), default=0.0) + TAIL_S
    master = mixer.mix(max(1, int(round(end_s * sr))))
    if target_lufs is None:
        samples = master_track(master, fmt)
        return Track(samples, sr, integrated_lufs(samples, sr), true_peak_dbfs(samples), render_s)
    gain = gain_to_target(master, sr, target_lufs)
    cap = 10 ** (MAX_GAIN_DB / 20)
    gain = min(gain, cap)
    for _ in range(LOUDNESS_PASSES):  # the limiter shaves loudness off peaky tracks: correct for it
        samples = master_track(master * np.float32(gain), fmt)
        lufs = integrated_lufs(samples, sr)
        if not np.isfinite(lufs) or abs(lufs - target_lufs) < 0.2:
            break
        if gain >= cap and lufs < target_lufs:
            break  # as loud as it may be made
        gain = min(cap, gain * 10 ** ((target_lufs - lufs) / 20))
    return Track(samples, sr, lufs, true_peak_dbfs(samples), render_s)


def master_track(master: np.ndarray, fmt: AudioFormat) -> np.ndarray:
    """Whole-track output stage (channel layout, limiter) without its look-ahead delay."""
    out = OutputStage(fmt)
    pad = np.zeros((out.latency, master.shape[1]), np.float32)
    return out.process(np.concatenate([master, pad]))[out.latency:]
