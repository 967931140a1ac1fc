"""The planner's contract: narrative -> timed events (Decomposition), and the live Timeline.

Two levels, as in DESIGN.md:
- a ``Planner`` decomposes one narrative (text + game state) into events relative to t=0;
- a ``Timeline`` keeps one session's plan: it places decompositions at the stream position,
  extends beds and recurring events up to a horizon, revises only the un-emitted future, and
  numbers every revision.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field

from ..plan import Cue, GameState, Notice, Plan, SoundEvent


@dataclass
class Decomposition:
    """A narrative's events with start times relative to the narrative's start (0)."""

    events: list[SoundEvent]
    scene: str = "open_air"
    emotion: str = "neutral"
    notices: list[Notice] = field(default_factory=list)
    # Environments the narrative establishes ("location:tavern", "weather:storm"): a Timeline keeps
    # their beds and recurring events going while the scene lasts.
    environments: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return max((e.end_s for e in self.events), default=0.0)


class Planner(abc.ABC):
    name = "planner"

    @abc.abstractmethod
    def decompose(self, text: str, state: GameState | None = None, seed: int = 0) -> Decomposition:
        """Narrative text -> events starting at 0. Never raises on odd text: unknown phrases
        become a Notice (and a substitute class), empty text an empty decomposition."""


@dataclass
class PlanChange:
    """What one revision changed; the server turns it into a PlanUpdate."""

    revision: int
    reason: str  # "start" | "cue" | "state" | "extend"
    cue_id: str = ""
    added: list[SoundEvent] = field(default_factory=list)
    cancelled: list[SoundEvent] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


class Timeline(abc.ABC):
    """One session's incremental plan. Not thread-safe: the session owns it.

    ``now_s`` is always the first session time not yet emitted: nothing before it may change.
    """

    revision: int

    @abc.abstractmethod
    def apply_cue(self, cue: Cue, now_s: float) -> PlanChange:
        """Plan a cue starting at max(now_s, cue.at_s); may cancel un-emitted events it replaces."""

    @abc.abstractmethod
    def apply_state(self, update: GameState, now_s: float) -> PlanChange:
        """Merge a game-state update; beds, scene and music follow it from now_s on."""

    @abc.abstractmethod
    def advance(self, now_s: float) -> PlanChange | None:
        """Extend beds and recurring events up to now_s + horizon; None when nothing changed."""

    @abc.abstractmethod
    def events_between(self, t0: float, t1: float) -> list[SoundEvent]:
        """Live (not cancelled) events overlapping [t0, t1)."""

    @property
    @abc.abstractmethod
    def plan(self) -> Plan:
        """The current revision: all events not cancelled, ordered by start."""
