"""The live Timeline: cues at the stream position, beds and recurring events, revisions."""
from __future__ import annotations

import pytest

from soundweaver.models.plan import Cue, EventState, GameState, Layer
from soundweaver.models.planner import (BED_CROSSFADE_S, RENDER_MARGIN_S, PlanChange, RulePlanner, RuleTimeline,
                                        Timeline, make_timeline)
from soundweaver.models.planner.timeline import BED_SEGMENT_S, KEEP_PLAYED_S

PLANNER = RulePlanner(use_embeddings=False)


def timeline(state=None, seed=7, horizon=8.0, **kw) -> RuleTimeline:
    return make_timeline(PLANNER, seed, state or GameState(), horizon_s=horizon, **kw)


def run(tl, until, step=0.5):
    changes, t = [], tl.now_s
    while t <= until:
        ch = tl.advance(t)
        if ch is not None:
            changes.append(ch)
        t += step
    return changes


def test_factory_and_types():
    tl = timeline()
    assert isinstance(tl, Timeline) and isinstance(tl, RuleTimeline)
    assert tl.revision == 0 and tl.now_s == 0.0
    assert BED_CROSSFADE_S == 1.0


def test_start_plans_state_beds_up_to_the_horizon_then_extends_with_crossfaded_segments():
    tl = timeline(GameState(states={"weather": "rain"}))
    ch = tl.advance(0.0)
    assert ch.reason == "start" and ch.revision == 1
    rain = [e for e in ch.added if e.sound_class == "rain_light"]
    assert rain and rain[0].start_s == 0.0 and rain[0].layer == Layer.AMBIENCE
    run(tl, 60.0)
    segs = sorted((e for e in tl.plan.events if e.sound_class == "rain_light"), key=lambda e: e.start_s)
    assert segs[-1].end_s >= 60.0 + tl.horizon_s - 1e-6  # covered up to the horizon
    for a, b in zip(segs, segs[1:]):
        assert b.start_s == pytest.approx(a.end_s - BED_CROSSFADE_S, abs=1e-3)  # overlap = crossfade
        assert BED_SEGMENT_S[0] - 1e-6 <= a.duration_s <= BED_SEGMENT_S[1] + 1e-6


def test_ids_unique_and_revisions_increase():
    tl = timeline(GameState(states={"weather": "storm", "location": "forest"}))
    changes = run(tl, 30.0)
    changes.append(tl.apply_cue(Cue("a door slams, then a scream", cue_id="c1"), 31.0))
    changes.append(tl.apply_state(GameState(states={"weather": "clear"}), 32.0))
    changes += run(tl, 90.0)
    revs = [c.revision for c in changes]
    assert revs == sorted(revs) and len(set(revs)) == len(revs)
    ids = [e.id for c in changes for e in c.added]
    assert len(ids) == len(set(ids))


def test_cue_lands_after_now_plus_margin_and_at_s_is_respected():
    tl = timeline()
    tl.advance(0.0)
    ch = tl.apply_cue(Cue("a door slams", cue_id="c1"), now_s=5.0)
    assert ch.reason == "cue" and ch.cue_id == "c1"
    door = next(e for e in ch.added if e.sound_class == "door_slam")
    assert door.start_s == pytest.approx(5.0 + RENDER_MARGIN_S, abs=1e-3)
    assert door.cue_id == "c1" and door.state == EventState.SCHEDULED
    ch = tl.apply_cue(Cue("a scream", cue_id="c2", at_s=12.0), now_s=6.0)
    assert next(e for e in ch.added if e.sound_class == "scream").start_s == pytest.approx(12.0)
    ch = tl.apply_cue(Cue("a scream", cue_id="c3", at_s=1.0), now_s=7.0)  # in the past: as soon as possible
    assert next(e for e in ch.added if e.sound_class == "scream").start_s >= 7.0


def test_nothing_before_now_changes():
    tl = timeline(GameState(states={"weather": "storm", "location": "city"}))
    run(tl, 20.0)
    before = {e.id: (e.start_s, e.duration_s, e.sound_class) for e in tl.plan.events if e.start_s < 20.0}
    ch1 = tl.apply_state(GameState(states={"weather": "clear", "location": "cave"}), 20.0)
    ch2 = tl.apply_cue(Cue("Inside a tavern: crowd chatter", cue_id="t"), 20.0)
    for ch in (ch1, ch2):
        assert all(e.start_s >= 20.0 for e in ch.cancelled)
        assert all(e.start_s >= 20.0 for e in ch.added)
        assert all(e.state == EventState.CANCELLED for e in ch.cancelled)
    after = {e.id: (e.start_s, e.duration_s, e.sound_class) for e in tl.plan.events if e.id in before}
    assert after == {k: v for k, v in before.items() if k in after}
    assert set(before) - set(after) <= {e.id for e in tl.plan.events} | set(before)  # only forgotten if played


def test_state_change_swaps_beds_and_reports_cancellations():
    tl = timeline(GameState(states={"weather": "storm"}))
    run(tl, 10.0)
    ch = tl.apply_state(GameState(states={"weather": "rain"}), 10.0)
    assert ch.reason == "state"
    assert any(e.sound_class == "rain_heavy" for e in ch.cancelled)
    assert any(e.sound_class == "rain_light" and e.start_s == pytest.approx(10.0 + RENDER_MARGIN_S) for e in ch.added)
    run(tl, 40.0)
    assert not any(e.sound_class == "rain_heavy" and e.start_s >= 10.0 for e in tl.plan.events)
    assert not any(e.sound_class.startswith("thunder") and e.start_s >= 10.0 for e in tl.plan.events)


def test_location_sets_scene_and_recurring_events_recur_at_plausible_seeded_intervals():
    tl = timeline(GameState(states={"weather": "storm", "location": "forest"}), seed=3)
    run(tl, 300.0, step=1.0)
    assert tl.scene == "forest"
    events = [e for e in tl.plan.events] + []
    thunder = sorted(e.start_s for e in events if e.sound_class == "thunder_distant")
    gaps = [b - a for a, b in zip(thunder, thunder[1:])]
    assert gaps and all(10.0 <= g <= 30.0 for g in gaps)
    # same seed, same plan; another seed, other times
    a = timeline(GameState(states={"weather": "storm"}), seed=3)
    b = timeline(GameState(states={"weather": "storm"}), seed=3)
    c = timeline(GameState(states={"weather": "storm"}), seed=4)
    ta, tb, tc = ([(e.sound_class, e.start_s) for ch in run(x, 120.0) for e in ch.added] for x in (a, b, c))
    assert ta == tb and ta != tc


def test_city_has_traffic_bed_and_distant_horns():
    tl = timeline(GameState(states={"location": "city"}))
    run(tl, 200.0, step=2.0)
    classes = {e.sound_class for e in tl.plan.events}
    assert "traffic" in classes and ("car_horn" in classes or "car_engine" in classes)
    horns = [e for e in tl.plan.events if e.sound_class == "car_horn"]
    assert all(e.distance >= 0.5 for e in horns)


def test_played_events_are_marked_and_memory_stays_bounded():
    tl = timeline(GameState(states={"weather": "storm", "location": "city"}))
    run(tl, 40.0)
    tl.apply_cue(Cue("a door slams"), 40.0)
    for e in tl.events_between(0.0, 40.0):
        if e.end_s <= 40.0:
            assert e.state == EventState.PLAYED
    sizes = []
    for t in range(40, 3000, 20):
        tl.advance(float(t))
        sizes.append(len(tl._events))
    assert max(sizes) < 80  # about (keep window + horizon) worth of events, not the whole session
    assert min(e.end_s for e in tl._events.values()) >= 3000 - 20 - KEEP_PLAYED_S - 1e-6


def test_events_between_and_plan_are_live_and_ordered():
    tl = timeline(GameState(states={"weather": "rain"}))
    tl.advance(0.0)
    tl.apply_cue(Cue("a door slams, then a dog barks twice"), 1.0)
    window = tl.events_between(1.0, 4.0)
    assert all(e.start_s < 4.0 and e.end_s > 1.0 for e in window)
    assert all(e.state != EventState.CANCELLED for e in tl.plan.events)
    starts = [e.start_s for e in tl.plan.events]
    assert starts == sorted(starts)
    assert tl.plan.revision == tl.revision


def test_scene_cue_beds_last_while_the_scene_lasts_and_a_new_scene_replaces_them():
    tl = timeline()
    tl.advance(0.0)
    tl.apply_cue(Cue("Inside a tavern: crowd chatter, a fire crackling", cue_id="tavern"), 1.0)
    run(tl, 60.0)
    crowd = [e for e in tl.plan.events if e.sound_class == "crowd_murmur"]
    assert crowd and max(e.end_s for e in crowd) >= 60.0  # extended past the cue's own length
    assert tl.scene == "small_room"
    ch = tl.apply_cue(Cue("Outside in the storm: heavy rain", cue_id="out"), 60.0)
    assert any(e.sound_class == "crowd_murmur" for e in ch.cancelled) or not any(
        e.sound_class == "crowd_murmur" and e.start_s >= 60.0 for e in tl.plan.events)
    run(tl, 120.0)
    assert not any(e.sound_class in ("crowd_murmur", "campfire") and e.start_s >= 60.0 for e in tl.plan.events)
    assert any(e.sound_class == "rain_heavy" and e.start_s >= 100.0 for e in tl.plan.events)


def test_tension_drives_music_and_stingers():
    tl = timeline(GameState(parameters={"tension": 0.2}))
    tl.advance(0.0)
    assert not any(e.sound_class == "music_bed" for e in tl.plan.events)
    ch = tl.apply_state(GameState(parameters={"tension": 0.9}), 5.0)
    music = [e for e in ch.added if e.sound_class == "music_bed"]
    assert music and music[0].intensity > 0.7 and music[0].layer == Layer.MUSIC
    stingers = 0
    for i in range(20):
        ch = tl.apply_cue(Cue("a door slams", cue_id=f"c{i}"), 6.0 + i)
        stingers += any(e.sound_class == "music_stinger" for e in ch.added)
    assert 3 <= stingers <= 19  # probability ~0.64 at tension 0.9
    ch = tl.apply_state(GameState(parameters={"tension": 0.1}), 30.0)
    assert any(e.sound_class == "music_bed" for e in ch.cancelled) or not any(
        e.sound_class == "music_bed" and e.start_s >= 30.0 for e in tl.plan.events)
    run(tl, 60.0)
    assert not any(e.sound_class == "music_bed" and e.start_s >= 30.0 for e in tl.plan.events)


def test_low_health_loops_a_heartbeat():
    tl = timeline(GameState(parameters={"health": 0.1}))
    run(tl, 30.0)
    beats = sorted(e.start_s for e in tl.plan.events if e.sound_class == "heartbeat")
    assert beats and beats[0] <= 1.0 and len(beats) >= 4
    tl.apply_state(GameState(parameters={"health": 0.9}), 30.0)
    run(tl, 60.0)
    assert not any(e.sound_class == "heartbeat" and e.start_s >= 30.0 for e in tl.plan.events)


def test_bad_cues_never_raise():
    tl = timeline()
    tl.advance(0.0)
    for text in ["", "   ", "🌧️", "zzzz qqq", "a" * 5000]:
        ch = tl.apply_cue(Cue(text), 1.0)
        assert isinstance(ch, PlanChange)
    ch = tl.apply_cue(Cue(script="ambush", cue_id="x"), 2.0)  # no cue sheet loaded
    assert ch.notices and ch.notices[0].code == "cue_rejected" and ch.added == []


def test_surface_switch_picks_footsteps_variant_for_new_cues():
    tl = timeline(GameState(switches={"surface": "snow"}))
    tl.advance(0.0)
    ch = tl.apply_cue(Cue("footsteps approach"), 1.0)
    assert any(e.sound_class == "footsteps_snow" for e in ch.added)
    tl.apply_state(GameState(switches={"surface": "metal"}), 2.0)
    ch = tl.apply_cue(Cue("footsteps approach"), 3.0)
    assert any(e.sound_class == "footsteps_metal" for e in ch.added)


def test_jumps_and_odd_numbers_never_plan_into_the_past():
    tl = timeline(GameState({"tension": float("nan"), "health": float("inf")}, {"weather": "storm", "location": "city"}))
    tl.advance(0.0)
    for now in (5.0, 500.0, float("nan"), float("inf"), 400.0, 1000.0):
        ch = tl.advance(now)
        if ch is not None:
            assert all(e.start_s >= tl.now_s - 1e-9 for e in ch.added)
    assert tl.now_s == 1000.0
    for at in (float("inf"), float("nan"), -5.0, 1e300):
        ch = tl.apply_cue(Cue("a door slams", at_s=at), 1001.0)
        assert all(1001.0 <= e.start_s <= 1001.0 + 3601.0 for e in ch.added)
    for e in tl.plan.events:
        assert 0.0 <= e.intensity <= 1.0


def test_a_cue_under_a_weather_state_starts_at_once():
    """The game already plays the rain bed: the cue's one-shot is not led in after it."""
    tl = make_timeline(RulePlanner(use_embeddings=False), seed=3, state=GameState(states={"weather": "rain"}))
    tl.advance(0.0)
    change = tl.apply_cue(Cue(text="a door slamming shut", cue_id="d"), 4.0)
    door = [e for e in change.added if e.sound_class == "door_slam"]
    assert door and door[0].start_s == pytest.approx(4.0 + RENDER_MARGIN_S, abs=1e-6)
