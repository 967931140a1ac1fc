"""The Engine interface every renderer implements (procedural DSP, neural runtimes).

Batched on purpose: ``render(requests) -> clips`` lets a GPU engine render many sessions' events
in one call; the procedural engine simply loops. Same request (including its seed), same samples.

Level conventions, so the mixer can sum clips from any engine without guessing:
- a clip is dry (scene reverb is the mixer's send, shared by the whole session);
- at intensity 1 and distance 0 a clip's active part sits near ``REFERENCE_LUFS``; intensity
  lowers it by up to ``INTENSITY_RANGE_DB``; distance lowers level (up to ``DISTANCE_RANGE_DB``)
  and high frequencies (air absorption). The engine applies both: they are semantic.
- samples are float32, shape (frames, 2), at ``request.sample_rate``; an engine that renders at a
  native rate resamples once (``engines.dsp.resample``).
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..models.bridge import SessionContext
from ..models.plan import SoundEvent

REFERENCE_LUFS = -20.0
INTENSITY_RANGE_DB = 18.0
DISTANCE_RANGE_DB = 20.0


def clip_lufs(intensity: float, distance: float) -> float:
    """Where the convention puts a clip's active part: the loudness the mixer plans with."""
    return REFERENCE_LUFS - (1.0 - intensity) * INTENSITY_RANGE_DB - distance * DISTANCE_RANGE_DB


@dataclass(frozen=True)
class RenderRequest:
    event: SoundEvent  # semantic: caption, class, intensity, distance, emotion, duration, seed
    context: SessionContext  # residual: scene, key, tempo, style, session id
    sample_rate: int = 48_000

    @property
    def frames(self) -> int:
        return max(1, int(round(self.event.duration_s * self.sample_rate)))


@dataclass
class Clip:
    samples: np.ndarray  # float32 (frames, 2)
    sample_rate: int
    engine: str
    render_s: float = 0.0  # wall seconds spent rendering this clip
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """How well an engine can render an event's caption, and with what."""

    engine: str
    score: float  # 0..1
    what: str  # what it would use: a class name, a file, "text conditioning"


@dataclass(frozen=True)
class EngineInfo:
    name: str
    available: bool
    description: str
    runtimes: tuple[str, ...] = ()


class Engine(abc.ABC):
    """Renders sound events into dry clips. Thread-safe: the server calls it from worker threads."""

    name: str = "engine"
    max_batch: int = 1  # requests per render() call the server may batch (GPU engines: more)
    # CPU-bound engines that are cheap to build render in worker processes (no GIL contention
    # with the server's event loop); GPU engines stay in threads of the server process.
    runs_in_processes: bool = False

    @abc.abstractmethod
    def render(self, requests: Sequence[RenderRequest]) -> list[Clip]:
        """Render each request; the result has one clip per request, in order."""

    def match(self, event: SoundEvent) -> Match:
        """How well this engine renders ``event`` (its caption, class and variant). Captions are
        the contract between planner and engines: the server routes each event to the engine
        that answers best. The default suits engines conditioned on the caption itself."""
        return Match(self.name, 1.0, "text conditioning")

    def info(self) -> EngineInfo:
        return EngineInfo(self.name, True, self.__doc__.strip().splitlines()[0] if self.__doc__ else "")

    def close(self) -> None:
        """Release devices and threads."""
