"""The live plan of one session: cues placed at the stream position, beds and recurring events
extended up to a horizon, every revision numbered.

Rules the server relies on:
- ``now_s`` is the first session time not yet emitted; nothing that starts before it changes.
- A cue lands at ``max(now_s + RENDER_MARGIN_S, cue.at_s)``.
- Beds come as segments of 8-16 s (music: 8 s) that overlap the previous one by
  ``BED_CROSSFADE_S`` so the mixer can crossfade them; ``advance`` adds segments up to
  ``now_s + horizon``. Recurring events (thunder in a storm, birds in a forest, horns in a city) get
  seeded intervals.
- Beds come from three sources: the game state (weather, location), cues that establish a scene
  ("Inside a tavern: ..."; they last until another scene or a location change), and music
  (a cue's strong mood, or the tension curve).
- Event states: SCHEDULED when planned, PLAYED once ``now_s`` passes their end (the server sets
  RENDERING and PLAYING), CANCELLED when a revision drops them. Played events older than
  ``KEEP_PLAYED_S`` are forgotten, so memory stays bounded however long the session runs.
- ``PlanChange.added`` holds the timeline's own event objects (the server may set their state).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from .. import sound_classes
from ..bridge import stable_hash
from ..plan import SCENES, Cue, EventState, GameState, Layer, Notice, Plan, SoundEvent
from . import curves as cv
from . import lexicon as lx
from .base import Decomposition, PlanChange, Planner, Timeline

BED_CROSSFADE_S = 1.0
RENDER_MARGIN_S = 0.0  # cue events start at the first unmixed frame; the session waits for their render
KEEP_PLAYED_S = 30.0
MAX_DROPPED_LEAD_IN_S = 1.0  # at most the rule planner's bed lead-in is removed from a live cue
BED_SEGMENT_S = (6.0, 12.0)  # short enough to render in well under 100 ms
MUSIC_SEGMENT_S = 8.0
MAX_RECURRING_PER_EXTEND = 64
MAX_CUE_AHEAD_S = 3600.0  # a cue's at_s further ahead than this is pulled in

_BED_GROUP = {"rain_light": "rain", "rain_heavy": "rain", "wind_gusts": "wind", "wind_howling": "wind",
              "campfire": "fire", "blaze": "fire"}


def bed_group(cls: str) -> str:
    return _BED_GROUP.get(cls, cls)


@dataclass
class _Track:
    """A bed that keeps going while its source lasts."""

    key: str
    sound_class: str
    caption: str
    intensity: float
    distance: float
    emotion: str
    source: str  # "state:weather" | "state:location" | "cue" | "music" | "param"
    end_s: float
    segments: int = 0
    scene: str = ""


@dataclass
class _Recurrer:
    key: str
    spec: lx.Recurring
    next_s: float
    source: str
    count: int = 0


class RuleTimeline(Timeline):
    """The default Timeline: works with any Planner (rules or LLM)."""

    def __init__(self, planner: Planner, seed: int = 0, state: GameState | None = None, scene: str = "",
                 horizon_s: float = 8.0, cue_sheet=None, session_id: str = ""):
        self.planner = planner
        self.seed = int(seed)
        self.state = state or GameState()
        self.horizon_s = max(1.0, float(horizon_s))
        self.cue_sheet = cue_sheet
        self.session_id = session_id
        self.revision = 0
        self.now_s = 0.0
        self.emotion = "neutral"
        self._scene_fixed = scene if scene in SCENES else ""
        self.scene = self._scene_fixed or self._state_scene() or "open_air"
        self._events: dict[str, SoundEvent] = {}
        self._counter = 0
        self._cue_counter = 0
        self._tracks: dict[str, _Track] = {}
        self._recurrers: dict[str, _Recurrer] = {}
        self._started = False
        self._owner: dict[str, str] = {}  # event id -> the track or recurrer key that made it

    # -- helpers ------------------------------------------------------------------------------
    @property
    def curves(self) -> tuple[cv.Curve, ...]:
        if self.cue_sheet is not None and getattr(self.cue_sheet, "curves", None):
            return tuple(self.cue_sheet.curves) + cv.DEFAULT_CURVES
        return cv.DEFAULT_CURVES

    def _environment(self, kind: str, value: str) -> lx.Environment | None:
        return environment(kind, value, self.state, self.cue_sheet)

    def _state_scene(self) -> str:
        env = self._environment("location", self.state.states.get("location", ""))
        return env.scene if env and env.scene else ""

    def _add(self, ev: SoundEvent) -> SoundEvent:
        self._counter += 1
        ev.id = f"e{self._counter}"
        ev.seed = stable_hash(self.seed, ev.id)
        ev.state = EventState.SCHEDULED
        if ev.scene not in SCENES:
            ev.scene = self.scene
        factor = (None if ev.layer is Layer.MUSIC  # music.intensity sets the bed's level (see curves)
                  else cv.evaluate(self.curves, self.state.parameters, f"{ev.layer.value}.intensity"))
        if factor is not None:
            ev.intensity = min(1.0, max(0.0, ev.intensity * factor))
        self._events[ev.id] = ev
        return ev

    def _cancel_where(self, pred, from_s: float) -> list[SoundEvent]:
        out = []
        for ev in list(self._events.values()):
            if ev.start_s >= from_s and ev.state in (EventState.SCHEDULED, EventState.RENDERING) and pred(ev):
                ev.state = EventState.CANCELLED
                del self._events[ev.id]
                self._owner.pop(ev.id, None)
                out.append(ev)
        return out

    def _cancel_owned(self, key: str, from_s: float) -> list[SoundEvent]:
        return self._cancel_where(lambda e: self._owner.get(e.id) == key, from_s)

    def _set_now(self, now_s: float) -> float:
        try:
            t = float(now_s)
        except (TypeError, ValueError):
            t = self.now_s
        now = max(self.now_s, t) if math.isfinite(t) else self.now_s
        self.now_s = now
        for ev in list(self._events.values()):
            if ev.end_s <= now and ev.state != EventState.CANCELLED:
                ev.state = EventState.PLAYED
                if ev.end_s < now - KEEP_PLAYED_S:
                    del self._events[ev.id]
                    self._owner.pop(ev.id, None)
        return now

    def _rng(self, *parts) -> random.Random:
        return random.Random(stable_hash(self.seed, *parts))

    # -- tracks and recurring events --------------------------------------------------------
    def _start_track(self, key: str, cls: str, caption: str, intensity: float, distance: float,
                     emotion: str, source: str, start_s: float) -> list[SoundEvent]:
        tr = _Track(key, cls, caption, intensity, distance, emotion, source, start_s, scene=self.scene)
        self._tracks[key] = tr
        return self._extend_track(tr, max(start_s + 0.01, self.now_s + self.horizon_s))

    def _extend_track(self, tr: _Track, until: float) -> list[SoundEvent]:
        out = []
        if tr.end_s < self.now_s:  # the stream jumped past the last segment: restart the bed at now
            tr.end_s, tr.segments = self.now_s, 0
        while tr.end_s < until:
            start = max(tr.end_s - BED_CROSSFADE_S if tr.segments else tr.end_s, self.now_s)
            if tr.sound_class == "music_bed":
                length = MUSIC_SEGMENT_S
            else:
                length = self._rng("bed", tr.key, tr.segments).uniform(*BED_SEGMENT_S)
            ev = SoundEvent(id="", caption=tr.caption, sound_class=tr.sound_class,
                            layer=sound_classes.get(tr.sound_class).layer, start_s=start,
                            duration_s=round(length, 4), emotion=tr.emotion, scene=tr.scene or self.scene,
                            intensity=tr.intensity, distance=tr.distance)
            out.append(self._add(ev))
            self._owner[ev.id] = tr.key
            tr.end_s = ev.end_s
            tr.segments += 1
        return out

    def _start_recurrer(self, key: str, spec: lx.Recurring, source: str, from_s: float) -> None:
        first = from_s + self._rng("rec0", key, from_s).uniform(spec.every_s[0] * 0.3, spec.every_s[1] * 0.6)
        self._recurrers[key] = _Recurrer(key, spec, first, source)

    def _extend_recurrer(self, rc: _Recurrer, until: float) -> list[SoundEvent]:
        out = []
        if rc.next_s < self.now_s:  # the stream jumped ahead: keep the rhythm, skip the past
            lo, hi = rc.spec.every_s
            rc.next_s += math.ceil((self.now_s - rc.next_s) / max(0.2, (lo + hi) / 2.0)) * max(0.2, (lo + hi) / 2.0)
        while rc.next_s < until and len(out) < MAX_RECURRING_PER_EXTEND:
            rng = self._rng("rec", rc.key, rc.count)
            spec = rc.spec
            sc = sound_classes.get(spec.sound_class)
            dur = spec.duration_s or sc.default_duration_s
            ev = SoundEvent(id="", caption=spec.caption, sound_class=spec.sound_class, layer=sc.layer,
                            start_s=rc.next_s, duration_s=dur, emotion=self.emotion, scene=self.scene,
                            intensity=round(rng.uniform(*spec.intensity), 3),
                            distance=round(rng.uniform(*spec.distance), 3))
            out.append(self._add(ev))
            self._owner[ev.id] = rc.key
            rc.count += 1
            lo, hi = spec.every_s
            rc.next_s += max(0.2, rng.uniform(lo, hi))
        return out

    def _extend_all(self, until: float) -> list[SoundEvent]:
        out = []
        for tr in list(self._tracks.values()):
            out += self._extend_track(tr, until)
        for rc in list(self._recurrers.values()):
            out += self._extend_recurrer(rc, until)
        return out

    # -- state-driven sound -----------------------------------------------------------------
    def _apply_environment(self, kind: str, value: str, t0: float, beds_only: bool = False) -> list[SoundEvent]:
        env = self._environment(kind, value)
        added: list[SoundEvent] = []
        if env is None:
            return added
        if kind == "location" and env.scene and not self._scene_fixed and not beds_only:
            self.scene = env.scene
        for i, (cls, caption, intensity) in enumerate(env.beds):
            if any(bed_group(t.sound_class) == bed_group(cls) for t in self._tracks.values()):
                continue
            added += self._start_track(f"state:{kind}:{cls}", cls, caption, intensity, 0.4,
                                       self.emotion, f"state:{kind}", t0)
        for spec in () if beds_only else env.recurring:
            self._start_recurrer(f"state:{kind}:{spec.sound_class}:{spec.caption}", spec, f"state:{kind}", t0)
        return added

    def _music_wanted(self) -> tuple[bool | None, float | None]:
        p = self.state.parameters
        presence = cv.evaluate(self.curves, p, "music.presence")
        intensity = cv.evaluate(self.curves, p, "music.intensity")
        return (None if presence is None else presence >= 0.5), intensity

    def _apply_params(self, t0: float) -> tuple[list[SoundEvent], list[SoundEvent]]:
        added, cancelled = [], []
        want, intensity = self._music_wanted()
        music = self._tracks.get("music")
        if want is True:
            mood = self.emotion if self.emotion != "neutral" else "tense"
            inten = intensity if intensity is not None else 0.6
            if music is None:
                added += self._start_track("music", "music_bed", f"{mood} underscore", inten, 0.3, mood, "param", t0)
            elif abs(music.intensity - inten) >= 0.2:
                cancelled += self._cancel_owned("music", t0)
                del self._tracks["music"]
                added += self._start_track("music", "music_bed", music.caption, inten, 0.3, music.emotion,
                                           music.source, t0)
        elif want is False and music is not None and music.source == "param":
            cancelled += self._cancel_owned("music", t0)
            del self._tracks["music"]
        elif music is not None and intensity is not None:
            music.intensity = intensity  # applies to segments still to come
        # class.<name>.presence: a sound that loops while a parameter says so (health -> heartbeat)
        for target in cv.targets(self.curves, "class."):
            cls = target.split(".")[1]
            val = cv.evaluate(self.curves, self.state.parameters, target)
            key = f"param:{cls}"
            if val is None:
                continue
            if val >= 0.5 and key not in self._recurrers:
                dur = sound_classes.get(cls).default_duration_s
                spec = lx.Recurring(cls, cls.replace("_", " "), (dur * 0.98, dur * 0.98), (0.0, 0.1), (0.6, 0.8), dur)
                self._recurrers[key] = _Recurrer(key, spec, t0, "param")
            elif val < 0.5 and key in self._recurrers:
                del self._recurrers[key]
                cancelled += self._cancel_owned(key, t0)
        return added, cancelled

    # -- Timeline API -----------------------------------------------------------------------
    def start(self, now_s: float = 0.0) -> PlanChange:
        """The first revision: beds and music the initial game state implies."""
        now = self._set_now(now_s)
        self._started = True
        t0 = now
        added: list[SoundEvent] = []
        for kind in ("weather", "location"):
            added += self._apply_environment(kind, self.state.states.get(kind, ""), t0)
        a, _ = self._apply_params(t0)
        added += a
        added += self._extend_all(now + self.horizon_s)
        self.revision += 1
        return PlanChange(self.revision, "start", added=added)

    def advance(self, now_s: float) -> PlanChange | None:
        if not self._started:
            return self.start(now_s)
        now = self._set_now(now_s)
        added = self._extend_all(now + self.horizon_s)
        if not added:
            return None
        self.revision += 1
        return PlanChange(self.revision, "extend", added=added)

    def prepare_cue(self, cue: Cue) -> tuple[str, GameState, int] | str:
        """What the planner needs for a cue: (text, game state, seed), or why the cue is rejected.
        Split from ``apply_cue`` so a slow planner (the LLM) can decompose off the event loop."""
        text = cue.text
        if cue.script:
            if self.cue_sheet is None:
                return f"cue names script {cue.script!r} but no cue sheet is loaded"
            try:
                text = self.cue_sheet.expand(cue, self.state)
            except KeyError as exc:
                return str(exc.args[0]) if exc.args else str(exc)
        self._cue_counter += 1
        pstate = self.cue_sheet.resolve_state(self.state) if self.cue_sheet is not None else self.state
        return text, pstate, stable_hash(self.seed, "cue", cue.cue_id or self._cue_counter)

    def apply_cue(self, cue: Cue, now_s: float, decomposition: Decomposition | None = None) -> PlanChange:
        if not self._started:
            self.start(now_s)
        now = self._set_now(now_s)
        notices: list[Notice] = []
        d = decomposition
        if d is None:
            prepared = self.prepare_cue(cue)
            if isinstance(prepared, str):
                return self._reject(cue, prepared)
            d = self.planner.decompose(*prepared)
        at = float(cue.at_s) if cue.at_s is not None and math.isfinite(float(cue.at_s)) else 0.0
        t0 = max(now + RENDER_MARGIN_S, min(at, now + MAX_CUE_AHEAD_S))
        notices += [Notice(n.code, n.message, n.level, cue.cue_id) for n in d.notices]
        added: list[SoundEvent] = []
        cancelled: list[SoundEvent] = []
        end = d.duration_s
        spanning = [e for e in d.events if sound_classes.get(e.sound_class).bed and e.end_s >= end - 1e-6
                    and e.start_s < end and e.sound_class != "music_bed"]
        establishes = bool(d.environments) or (bool(spanning) and d.scene != self.scene)
        if establishes:  # a new scene: the previous scene's cue beds and recurring sounds stop
            for key, tr in list(self._tracks.items()):
                if tr.source == "cue":
                    cancelled += self._cancel_owned(key, t0)
                    del self._tracks[key]
            for key, rc in list(self._recurrers.items()):
                if rc.source == "cue":
                    cancelled += self._cancel_owned(key, t0)
                    del self._recurrers[key]
            self.scene = d.scene if not self._scene_fixed else self._scene_fixed
        elif d.scene != "open_air" and not self._scene_fixed and spanning:
            self.scene = d.scene
        if d.emotion != "neutral":
            self.emotion = d.emotion
        # Music from a cue plays for the cue; when the game's music track (tension) is running, the
        # cue only recolours it (a new emotion restarts it from t0 with a crossfade).
        music = self._tracks.get("music")
        drop: list[SoundEvent] = []
        for e in d.events:
            if e.sound_class == "music_bed" and music is not None:
                drop.append(e)
                if e.emotion != music.emotion and e.emotion != "neutral":
                    cancelled += self._cancel_owned("music", t0)
                    del self._tracks["music"]
                    added += self._start_track("music", "music_bed", f"{e.emotion} underscore", music.intensity,
                                               music.distance, e.emotion, music.source, t0)
                    music = self._tracks["music"]
        for e in spanning:  # same bed group as a running cue track: the new words win
            key = f"cue:{bed_group(e.sound_class)}"
            old = self._tracks.get(key)
            if old is not None:
                cancelled += self._cancel_owned(key, t0)
                del self._tracks[key]
        def state_plays(e: SoundEvent) -> bool:
            return any(e is x for x in spanning) and any(
                t.sound_class == e.sound_class and t.source.startswith("state") for t in self._tracks.values())

        kept = [e for e in d.events if not any(e is x for x in drop) and not state_plays(e)]
        # The planner leads one-shots in after the beds it sets up; when those beds are dropped
        # (the game already plays them), the cue's sounds start at once instead of a second late.
        lead = min((e.start_s for e in kept), default=0.0) if len(kept) < len(d.events) else 0.0
        lead = min(lead, MAX_DROPPED_LEAD_IN_S)
        pin = self.cue_sheet.cues[cue.script].pin if cue.script and self.cue_sheet is not None \
            and cue.script in self.cue_sheet.cues else None
        for e in sorted(d.events, key=lambda e: e.start_s):
            if any(e is x for x in drop):
                continue
            ev = e.replace(start_s=t0 + max(0.0, e.start_s - lead), cue_id=cue.cue_id, scene=e.scene or self.scene,
                           pin=pin if e.sound_class != "music_bed" else None)
            if any(e is x for x in spanning):
                key = f"cue:{bed_group(e.sound_class)}"
                if state_plays(e):
                    continue  # the game state already plays this bed
                tr = _Track(key, e.sound_class, e.caption, e.intensity, e.distance, e.emotion, "cue",
                            ev.start_s, scene=ev.scene)
                ev.duration_s = round(min(ev.duration_s, BED_SEGMENT_S[1]), 4)
                self._add(ev)
                self._owner[ev.id] = key
                tr.end_s, tr.segments = ev.end_s, 1
                self._tracks[key] = tr
                added.append(ev)
                continue
            added.append(self._add(ev))
        for item in d.environments:
            kind, _, value = item.partition(":")
            env = self._environment(kind, value)
            for spec in (env.recurring if env else ()):
                key = f"cue:{kind}:{spec.sound_class}:{spec.caption}"
                if key not in self._recurrers and not any(r.spec == spec for r in self._recurrers.values()):
                    self._start_recurrer(key, spec, "cue", t0)
        # tension -> stinger probability
        p = cv.evaluate(self.curves, self.state.parameters, "stinger.probability")
        if p and not any(e.sound_class == "music_stinger" for e in d.events) and d.events:
            if self._rng("stinger", self._cue_counter).random() < p:
                mood = self.emotion if self.emotion != "neutral" else "tense"
                sc = sound_classes.get("music_stinger")
                added.append(self._add(SoundEvent("", f"{mood} sting", "music_stinger", sc.layer, t0,
                                                  sc.default_duration_s, mood, self.scene,
                                                  intensity=min(1.0, 0.5 + 0.5 * p), distance=0.2,
                                                  cue_id=cue.cue_id)))
        added += self._extend_all(now + self.horizon_s)
        self.revision += 1
        return PlanChange(self.revision, "cue", cue.cue_id, added=added, cancelled=cancelled, notices=notices)

    def _reject(self, cue: Cue, why: str) -> PlanChange:
        """A cue that cannot be planned: no revision, one error notice."""
        return PlanChange(self.revision, "cue", cue.cue_id,
                          notices=[Notice("cue_rejected", why, "error", cue.cue_id)])

    def apply_state(self, update: GameState, now_s: float) -> PlanChange:
        if not self._started:
            self.start(now_s)
        now = self._set_now(now_s)
        t0 = now + RENDER_MARGIN_S
        old = self.state
        self.state = old.merged(update)
        added: list[SoundEvent] = []
        cancelled: list[SoundEvent] = []
        changed = [k for k in ("weather", "location") if old.states.get(k, "") != self.state.states.get(k, "")]
        if "time" in update.states and "location" not in changed and self.state.states.get("location"):
            changed.append("location")
        for kind in changed:
            drop_sources = {f"state:{kind}"} | ({"cue"} if kind == "location" else set())
            for key, tr in list(self._tracks.items()):
                if tr.source in drop_sources or (kind == "weather" and tr.source == "cue"
                                                 and bed_group(tr.sound_class) in ("rain", "wind")):
                    cancelled += self._cancel_owned(key, now)
                    del self._tracks[key]
            for key, rc in list(self._recurrers.items()):
                if rc.source in drop_sources:
                    cancelled += self._cancel_owned(key, now)
                    del self._recurrers[key]
            if kind == "location" and not self._scene_fixed:
                self.scene = self._state_scene() or self.scene
        for kind in changed:
            added += self._apply_environment(kind, self.state.states.get(kind, ""), t0)
        if changed:  # state beds that a weather change left alone but whose group was freed
            for kind in ("weather", "location"):
                if kind not in changed:
                    added += self._apply_environment(kind, self.state.states.get(kind, ""), t0, beds_only=True)
        a, c = self._apply_params(t0)
        added += a
        cancelled += c
        added += self._extend_all(now + self.horizon_s)
        self.revision += 1
        return PlanChange(self.revision, "state", added=added, cancelled=cancelled)

    def events_between(self, t0: float, t1: float) -> list[SoundEvent]:
        return sorted((e for e in self._events.values()
                       if e.state != EventState.CANCELLED and e.start_s < t1 and e.end_s > t0),
                      key=lambda e: (e.start_s, e.id))

    @property
    def plan(self) -> Plan:
        events = sorted((e for e in self._events.values() if e.state != EventState.CANCELLED),
                        key=lambda e: (e.start_s, int(e.id[1:]) if e.id[1:].isdigit() else 0))
        return Plan(self.revision, events, self.scene, self.emotion)


def environment(kind: str, value: str, state: GameState, cue_sheet=None) -> lx.Environment | None:
    """What a game state value (weather=storm, location=forest) sounds like: the cue sheet's
    mapping first, then the lexicon's; a forest at night is its own place. The one answer for live
    sessions and one-shot planning alike."""
    if not value:
        return None
    if cue_sheet is not None:
        env = cue_sheet.environment(kind, value)
        if env is not None:
            return env
    from .rules import environment_for
    if kind == "location" and state.states.get("time", "").lower() in ("night", "midnight", "dusk") \
            and value.lower() in ("forest", "woods"):
        return lx.LOCATION["night_forest"]
    return environment_for(kind, value)


def make_timeline(planner: Planner | None, seed: int, state: GameState | None, scene: str = "",
                  horizon_s: float = 8.0, cue_sheet=None) -> RuleTimeline:
    """A session's Timeline (the server's entry point)."""
    if planner is None:
        from .rules import RulePlanner
        planner = RulePlanner()
    return RuleTimeline(planner, seed, state or GameState(), scene, horizon_s, cue_sheet)


def state_beds_for_plan(d: Decomposition, state: GameState, seed: int, cue_sheet=None) -> list[SoundEvent]:
    """One-shot planning (``plan_narrative``): the decomposition plus beds its game state implies,
    spanning the narrative, renumbered in start order."""
    events = list(d.events)
    present = {bed_group(e.sound_class) for e in events if sound_classes.get(e.sound_class).bed}
    span = d.duration_s or 12.0
    for kind in ("weather", "location"):
        env = environment(kind, state.states.get(kind, ""), state, cue_sheet)
        for cls, caption, intensity in (env.beds if env else ()):
            if bed_group(cls) in present:
                continue
            present.add(bed_group(cls))
            sc = sound_classes.get(cls)
            events.append(SoundEvent("", caption, cls, sc.layer, 0.0, span, d.emotion, d.scene,
                                     intensity=intensity, distance=0.4))
    if len(events) != len(d.events):
        events.sort(key=lambda e: (e.start_s, e.layer is not Layer.MUSIC, e.sound_class))
        for i, e in enumerate(events, 1):
            e.id = f"e{i}"
            e.seed = stable_hash(seed, e.id)
    return events
