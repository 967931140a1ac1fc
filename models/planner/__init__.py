"""Narrative + game state -> incremental event plan.

- ``RulePlanner``: the default (lexicon + parsing, pure Python); ``plan_narrative`` plans one
  narrative (``soundweaver plan``, offline render); ``plan_to_dict`` is its JSON form.
- ``RuleTimeline`` / ``make_timeline``: one live session's plan (horizon, beds, recurring events,
  revisions).
- ``load_cue_sheet``: designer scripting (TOML cue sheets, game-state mappings, curves).
- ``embed`` (optional extra) and ``llm`` (optional neural extra) are imported lazily, never here.
"""
from __future__ import annotations

from ..plan import GameState, Plan
from .base import Decomposition, PlanChange, Planner, Timeline
from .rules import RulePlanner
from .timeline import BED_CROSSFADE_S, RENDER_MARGIN_S, RuleTimeline, make_timeline
from .cuesheet import CueSheet, CueSheetError, CueSheetWatcher, load_cue_sheet

__all__ = [
    "BED_CROSSFADE_S", "RENDER_MARGIN_S", "CueSheet", "CueSheetError", "CueSheetWatcher", "Decomposition", "PlanChange",
    "Planner", "RulePlanner", "RuleTimeline", "Timeline", "load_cue_sheet", "make_timeline",
    "plan_narrative", "plan_to_dict",
]

_DEFAULT: RulePlanner | None = None


def plan_narrative(text: str, state: GameState | None = None, seed: int = 0,
                   planner: Planner | None = None) -> Plan:
    """Plan one narrative from t=0 (no live session): the decomposition plus the beds the game
    state implies (weather, location), as revision 1."""
    global _DEFAULT
    if planner is None:
        if _DEFAULT is None:
            _DEFAULT = RulePlanner()
        planner = _DEFAULT
    state = state or GameState()
    d = planner.decompose(text, state, seed)
    from .timeline import state_beds_for_plan
    events = state_beds_for_plan(d, state, seed)
    return Plan(revision=1, events=events, scene=d.scene, emotion=d.emotion, notices=list(d.notices))


def plan_to_dict(plan: Plan, extra: bool = False) -> dict:
    """The JSON form ``soundweaver plan --json`` prints (and ``score_plans.py`` reads):
    ``{"events": [{id, caption, sound_class, layer, start_s, duration_s, emotion, scene, intensity,
    distance, class_score, engine, match, match_score, miss}]}`` (the last four once the plan is
    routed to engines); ``extra`` adds revision, scene, emotion, notices and per-event variant and seed."""
    events = []
    for e in plan.events:
        d = {"id": e.id, "caption": e.caption, "sound_class": e.sound_class, "layer": e.layer.value,
             "start_s": round(e.start_s, 3), "duration_s": round(e.duration_s, 3), "emotion": e.emotion,
             "scene": e.scene, "intensity": round(e.intensity, 3), "distance": round(e.distance, 3),
             "class_score": round(e.class_score, 3), "engine": e.engine, "match": e.match,
             "match_score": round(e.match_score, 3), "miss": e.miss}
        if extra:
            d.update(variant=e.variant, seed=e.seed, state=e.state.value)
        events.append(d)
    out: dict = {"events": events}
    if extra:
        out.update(revision=plan.revision, scene=plan.scene, emotion=plan.emotion,
                   duration_s=round(plan.duration_s, 3),
                   notices=[{"code": n.code, "message": n.message, "level": n.level} for n in plan.notices])
    return out
