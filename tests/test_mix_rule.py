"""The mix rule, measured on rendered narratives: in every foreground event's window the beds
(ambience and music) sit at least FOREGROUND_MARGIN_LU under the event (BS.1770 gated loudness),
unless reaching that would take more than MAX_DUCK_DB of ducking.

The clips come from the procedural engine through the planner, as `soundweaver render` makes
them; the mixer's layers are taken apart with ``Mixer.mix_layers`` so that the beds can be
measured on their own in each window."""
from __future__ import annotations

import numpy as np
import pytest

from soundweaver.engines.base import RenderRequest
from soundweaver.engines.mixer import DUCKED_LAYERS, FOREGROUND_MARGIN_LU, LAYER_GAIN_DB, MAX_DUCK_DB, Mixer
from soundweaver.engines.procedural import ProceduralEngine, dsp
from soundweaver.engines.track import render_clips
from soundweaver.models.bridge import session_context
from soundweaver.models.planner import plan_narrative

SR = 24000
TOLERANCE_LU = 1.5  # the convention is met to about a dB; the meter's blocks straddle window edges

NARRATIVES = [
    "Mystery chase: footsteps splashing in water, thunder roaring, car skidding, and a door slamming shut",
    "A storm over the harbour: heavy rain and howling wind while a ship's bell rings and a dog barks",
    "Tense battle music as swords clash, an arrow whizzes past and a soldier screams",
    "A quiet forest at night: an owl hoots, a twig snaps, and distant footsteps on gravel",
    "Heavy rain pours on the roof as far away a wolf howls and a faint knock comes at the door",
]


def _mix_parts(text: str, seed: int = 0, beds_only: bool = False):
    """(plan, clips, the beds as mixed); ``beds_only``: mix the beds alone (nothing ducks them)."""
    plan = plan_narrative(text, seed=seed)
    engine = ProceduralEngine()
    ctx = session_context(seed, plan.scene, plan.emotion)
    clips = render_clips(engine, [RenderRequest(e, ctx, SR) for e in plan.events])
    m = Mixer(SR, plan.scene)
    for e, c in zip(plan.events, clips):
        if not beds_only or e.layer in DUCKED_LAYERS:
            m.add(e, c, int(round(e.start_s * SR)))
    n = int(round((plan.duration_s + 0.5) * SR))
    parts = [m.mix_layers(480) for _ in range(0, n, 480)]
    beds = np.concatenate([p[1] for p in parts])
    return plan, clips, beds


@pytest.mark.parametrize("text", NARRATIVES)
def test_beds_sit_under_every_foreground_event(text):
    plan, clips, beds = _mix_parts(text)
    _, _, raw_beds = _mix_parts(text, beds_only=True)
    fore = [(e, c) for e, c in zip(plan.events, clips) if e.layer not in DUCKED_LAYERS]
    assert fore and len(fore) < len(plan.events), "each narrative should have beds and foreground events"
    checked = 0
    for e, c in fore:
        a = int(round(e.start_s * SR))
        own = c.samples * np.float32(10 ** (LAYER_GAIN_DB[e.layer] / 20))
        b = min(len(beds), a + len(own))
        event_lufs = dsp.loudness_lufs(own, SR)
        bed_lufs = dsp.loudness_lufs(beds[a:b], SR)
        if not np.isfinite(bed_lufs):
            continue  # no bed sounding in this window
        undone = dsp.loudness_lufs(raw_beds[a:b], SR)  # the same beds with no ducking
        if event_lufs - (undone + MAX_DUCK_DB) >= FOREGROUND_MARGIN_LU:  # the margin can be reached
            assert event_lufs - bed_lufs >= FOREGROUND_MARGIN_LU - TOLERANCE_LU, (
                f"{e.sound_class} ({e.caption!r}) at {e.start_s:.2f} s: {event_lufs:.1f} LUFS, "
                f"beds {bed_lufs:.1f} LUFS in its window")
        else:  # the rule's bound: beds ducked the whole way
            assert bed_lufs <= undone + MAX_DUCK_DB + TOLERANCE_LU, (e.sound_class, bed_lufs, undone)
        checked += 1
    assert checked >= 1


def test_an_underscore_does_not_bury_the_chase():
    """The emotion word gives the chase its underscore; the foley stays on top of it."""
    plan, clips, beds = _mix_parts(NARRATIVES[0])
    assert any(e.sound_class == "music_bed" for e in plan.events)
    for e, c in zip(plan.events, clips):
        if e.layer in DUCKED_LAYERS:
            continue
        a = int(round(e.start_s * SR))
        win = beds[a: a + len(c.samples)]
        assert dsp.loudness_lufs(c.samples, SR) - dsp.loudness_lufs(win, SR) >= FOREGROUND_MARGIN_LU - TOLERANCE_LU


def test_a_sparse_track_is_not_raised_past_max_gain():
    """The offline master goes to -18 LUFS, but is raised by at most MAX_GAIN_DB: two soft knocks
    stay soft knocks rather than loud impulses."""
    from soundweaver.engines.loudness import TARGET_LUFS, integrated_lufs
    from soundweaver.engines.track import MAX_GAIN_DB, render_track
    from soundweaver.models.plan import AudioFormat

    fmt = AudioFormat(SR, 2)
    for text in ("two soft knocks on the door", NARRATIVES[1], "a loud explosion booms, then thunder crashes"):
        plan = plan_narrative(text, seed=0)
        engine = ProceduralEngine()
        ctx = session_context(0, plan.scene, plan.emotion)
        as_mixed = integrated_lufs(render_track(plan.events, engine, ctx, fmt, target_lufs=None).samples, SR)
        mastered = render_track(plan.events, engine, ctx, fmt).loudness_lufs
        # the limiter may shave a peaky track a little more; it never gets louder than either bound
        assert min(TARGET_LUFS, as_mixed + MAX_GAIN_DB) - 1.5 <= mastered <= \
            min(TARGET_LUFS, as_mixed + MAX_GAIN_DB) + 0.3, (text, as_mixed, mastered)
