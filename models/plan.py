"""Domain types: the common language of planner, bridge, engines, mixer and server.

Plain typed dataclasses. Conversion to and from protobuf lives in ``middleware.wire``.
Times are session seconds; the server converts to frames at the session's sample rate.
"""
from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass, field
from typing import Mapping

MIN_SAMPLE_RATE = 16_000
MAX_SAMPLE_RATE = 48_000
DEFAULT_SAMPLE_RATE = 48_000


class Layer(str, enum.Enum):
    """Mix layer of an event, in game-audio words. Beds live on ambience and music."""

    AMBIENCE = "ambience"
    FOLEY = "foley"
    MUSIC = "music"
    STINGER = "stinger"
    VOICE = "voice"


class EventState(str, enum.Enum):
    SCHEDULED = "scheduled"
    RENDERING = "rendering"
    PLAYING = "playing"
    PLAYED = "played"
    CANCELLED = "cancelled"


class Encoding(str, enum.Enum):
    PCM_S16LE = "pcm_s16le"
    PCM_F32LE = "pcm_f32le"

    @property
    def bytes_per_sample(self) -> int:
        return 2 if self is Encoding.PCM_S16LE else 4


MISS_POLICIES = ("nearest", "skip")  # what happens to an event no engine renders well enough
EMOTIONS = ("neutral", "tense", "calm", "sad", "triumphant", "horror", "mystery")
SCENES = ("open_air", "forest", "cave", "hall", "small_room", "underwater")


@dataclass(frozen=True)
class AudioFormat:
    sample_rate: int = DEFAULT_SAMPLE_RATE
    channels: int = 2
    encoding: Encoding = Encoding.PCM_S16LE

    def problems(self) -> list[str]:
        """What is wrong with this format, in words a client can act on (empty when valid)."""
        out = []
        if not MIN_SAMPLE_RATE <= self.sample_rate <= MAX_SAMPLE_RATE:
            out.append(f"sample_rate {self.sample_rate} is outside {MIN_SAMPLE_RATE}..{MAX_SAMPLE_RATE} Hz")
        if self.channels not in (1, 2):
            out.append(f"channels {self.channels} is not 1 or 2")
        return out

    @property
    def bytes_per_frame(self) -> int:
        return self.channels * self.encoding.bytes_per_sample


@dataclass(frozen=True)
class GameState:
    """Parameters (floats), states (global) and switches (variants), as in FMOD and Wwise."""

    parameters: Mapping[str, float] = field(default_factory=dict)
    states: Mapping[str, str] = field(default_factory=dict)
    switches: Mapping[str, str] = field(default_factory=dict)

    def merged(self, update: "GameState") -> "GameState":
        """This state with ``update`` applied; an empty string value removes a state or switch."""
        params = {**self.parameters, **update.parameters}
        states = {k: v for k, v in {**self.states, **update.states}.items() if v != ""}
        switches = {k: v for k, v in {**self.switches, **update.switches}.items() if v != ""}
        return GameState(params, states, switches)

    def problems(self) -> list[str]:
        return [f"parameter {k!r} is not a finite number ({v})"
                for k, v in self.parameters.items() if not math.isfinite(v)]


@dataclass(frozen=True)
class Cue:
    """Something the game says should be heard: narrative text, or a scripted cue by name."""

    text: str = ""
    cue_id: str = ""
    script: str = ""
    args: Mapping[str, str] = field(default_factory=dict)
    at_s: float | None = None  # session time to start at; None: as soon as possible


@dataclass(frozen=True)
class Pin:
    """A cue sheet pin: the cue is rendered from chosen recordings of the library (file globs or
    folders, and/or a UCS category). ``path`` and ``line`` locate the pin in its cue sheet, for
    the error when it matches nothing (``engines.library.pins``)."""

    files: tuple[str, ...] = ()
    category: str = ""
    path: str = ""
    line: int | None = None

    def describe(self) -> str:
        parts = ([f"files = {list(self.files)}"] if self.files else []) + (
            [f"category = {self.category!r}"] if self.category else [])
        return ", ".join(parts)


@dataclass
class SoundEvent:
    """One planned sound: what (caption, class), when, how long, with what emotion, in what scene."""

    id: str
    caption: str
    sound_class: str
    layer: Layer
    start_s: float
    duration_s: float
    emotion: str = "neutral"
    scene: str = "open_air"
    intensity: float = 0.7  # 0..1
    distance: float = 0.2  # 0 close .. 1 far
    cue_id: str = ""
    variant: str = ""  # switch-picked variant, e.g. "run" for footsteps
    seed: int = 0  # per-event render seed, derived from the session seed
    state: EventState = EventState.SCHEDULED
    late: bool = False
    engine: str = ""  # the engine routed to render it (the fallback's name if that rendered it)
    # How surely ``sound_class`` is what the caption names (the planner's word): 1 for a lexicon
    # phrase of the class, less for weak words, a corrected spelling or a match by meaning, 0 for
    # the generic fallback. The procedural engine's match score is this.
    class_score: float = 1.0
    match_score: float = 1.0  # the routed engine's score for this caption (0..1)
    match: str = ""  # what that engine uses: a class, a file
    miss: bool = False  # no engine renders it above the threshold: a no_match Notice was sent
    pin: Pin | None = None  # from a pinned cue: the library renders it from those recordings

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s

    def replace(self, **changes) -> "SoundEvent":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Notice:
    """Something the client should know: a rejected cue, a substituted class, a late event."""

    code: str  # stable, machine-readable: "cue_rejected", "class_substituted", ...
    message: str
    level: str = "warning"  # "info" | "warning" | "error"
    cue_id: str = ""


@dataclass
class Plan:
    """A revision of the events planned for a session (or for one narrative)."""

    revision: int
    events: list[SoundEvent]
    scene: str = "open_air"
    emotion: str = "neutral"
    notices: list[Notice] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return max((e.end_s for e in self.events), default=0.0)
