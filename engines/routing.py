"""Routing: each event to the engine that renders its caption best. Captions are the contract.

Every engine answers ``match(event)`` with a score from 0 to 1 and what it would use. The router
takes the best answer, and where several are close it takes the one first in the designer's
order of engines. An event that no engine renders above the threshold is a **miss**: it is
reported (``event.miss``, and a ``no_match`` Notice naming the caption and the nearest candidate
with its score), then skipped or played as that nearest candidate, as the designer chose. Never
a silent substitute.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..models.plan import MISS_POLICIES, Notice, Plan, SoundEvent
from .base import Clip, Engine, Match, RenderRequest

PREFERENCE_MARGIN = 0.1  # scores this close count as a tie: the designer's order decides


@dataclass(frozen=True)
class RoutingPolicy:
    threshold: float = 0.5  # a best score under this is a miss
    on_miss: str = "nearest"  # "nearest": play the nearest candidate anyway; "skip": leave it out

    def problems(self) -> list[str]:
        out = []
        if not 0.0 <= self.threshold <= 1.0:
            out.append(f"match threshold {self.threshold:g} is outside 0..1")
        if self.on_miss not in MISS_POLICIES:
            out.append(f"on_miss {self.on_miss!r} is not one of {', '.join(MISS_POLICIES)}")
        return out


    def with_cue_sheet(self, sheet) -> "RoutingPolicy":
        """This policy with a cue sheet's [matching] settings, where it has them."""
        if sheet is None:
            return self
        return RoutingPolicy(self.threshold if sheet.match_threshold is None else sheet.match_threshold,
                             self.on_miss if sheet.on_miss is None else sheet.on_miss)


@dataclass(frozen=True)
class Route:
    match: Match  # the chosen engine's answer (for a miss: the nearest candidate)
    miss: bool

    @property
    def engine(self) -> str:
        return self.match.engine


def engine_order(available, first: str) -> list[str]:
    """The designer's order of engines: the studio's own recordings (``library``) when served,
    then the engine asked for, then ``procedural``, each once and only if available."""
    names = ["library", first, "procedural", *available]
    return [n for n in dict.fromkeys(names) if n in available]


def route(event: SoundEvent, engines: Sequence[Engine], policy: RoutingPolicy) -> Route:
    """The best engine for ``event``; ``engines`` in the designer's order of preference."""
    # An engine with nothing to use (an empty ``what``: no recording matched) is no candidate,
    # not even the nearest one, while another engine has something.
    matches = [m for m in (e.match(event) for e in engines) if m.what] or [e.match(event) for e in engines]
    best = max(m.score for m in matches)
    chosen = next(m for m in matches if m.score >= best - PREFERENCE_MARGIN)
    return Route(chosen, chosen.score < policy.threshold)


def mark(event: SoundEvent, r: Route) -> None:
    """Write the route on the event (the plan shows it: engine, match, match_score, miss)."""
    event.engine, event.match, event.match_score, event.miss = r.engine, r.match.what, r.match.score, r.miss


def miss_notice(event: SoundEvent, r: Route, policy: RoutingPolicy) -> Notice:
    action = "skipped" if policy.on_miss == "skip" else f"played as {r.match.what!r} anyway"
    return Notice("no_match", f"no engine renders {event.caption!r} well enough (threshold "
                  f"{policy.threshold:g}): the nearest is {r.engine} {r.match.what!r} with score "
                  f"{r.match.score:.2f}; {action}", "warning", event.cue_id)


def route_events(events: Sequence[SoundEvent], engines: Sequence[Engine],
                 policy: RoutingPolicy) -> tuple[list[SoundEvent], list[Notice]]:
    """Route a whole plan (offline): every event marked, skipped misses left out, one Notice per
    miss."""
    kept, notices = [], []
    for e in events:
        r = route(e, engines, policy)
        mark(e, r)
        if r.miss:
            notices.append(miss_notice(e, r, policy))
            if policy.on_miss == "skip":
                continue
        kept.append(e)
    return kept, notices


def routed_plan(plan: Plan, engines: Sequence[Engine], policy: RoutingPolicy) -> Plan:
    """``plan`` with its events routed (skipped misses left out) and a Notice per miss."""
    events, notices = route_events(plan.events, engines, policy)
    return dataclasses.replace(plan, events=events, notices=[*plan.notices, *notices])


class EngineSet(Engine):
    """Engines behind one interface: a request renders on the engine its event is routed to
    (``event.engine``; unrouted events go to the first engine). For offline tracks."""

    name = "routed"

    def __init__(self, engines: Mapping[str, Engine]):
        self.engines = dict(engines)
        self.max_batch = max((getattr(e, "max_batch", 1) for e in self.engines.values()), default=1)

    def render(self, requests: Sequence[RenderRequest]) -> list[Clip]:
        first = next(iter(self.engines))
        groups: dict[str, list[int]] = {}
        for i, req in enumerate(requests):
            groups.setdefault(req.event.engine if req.event.engine in self.engines else first, []).append(i)
        out: list[Clip | None] = [None] * len(requests)
        for name, idx in groups.items():
            for i, clip in zip(idx, self.engines[name].render([requests[i] for i in idx])):
                out[i] = clip
        return out

    def match(self, event: SoundEvent) -> Match:
        return max((e.match(event) for e in self.engines.values()), key=lambda m: m.score)

    def close(self) -> None:
        for e in self.engines.values():
            e.close()
