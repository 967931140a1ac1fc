"""The commands a new user runs first: plan, render and listen."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import soundfile as sf

from soundweaver.engines.procedural import ProceduralEngine
from soundweaver.engines.track import render_track
from soundweaver.models.bridge import session_context
from soundweaver.models.plan import AudioFormat
from soundweaver.models.planner import plan_narrative

CHASE = "Mystery chase: footsteps splashing in water, thunder roaring, car skidding, and a door slamming shut"
FIELDS = {"id", "caption", "sound_class", "layer", "start_s", "duration_s", "emotion", "scene", "intensity", "distance"}


def sw(*args, timeout=180, **kw):
    return subprocess.run([sys.executable, "-m", "soundweaver.middleware.cli", *args], capture_output=True,
                          text=True, timeout=timeout, **kw)


def test_plan_json_schema():
    out = sw("plan", "--json", CHASE)
    assert out.returncode == 0, out.stderr
    events = json.loads(out.stdout)["events"]
    assert len(events) >= 4
    for e in events:
        assert set(e) >= FIELDS
        assert e["duration_s"] > 0 and 0 <= e["intensity"] <= 1 and 0 <= e["distance"] <= 1
        assert e["layer"] in {"ambience", "foley", "music", "stinger", "voice"}
    table = sw("plan", CHASE)
    assert table.returncode == 0 and "door_slam" in table.stdout and "start" in table.stdout


def test_render_writes_a_mastered_track(tmp_path):
    wav = tmp_path / "chase.wav"
    out = sw("render", CHASE, "-o", str(wav))
    assert out.returncode == 0, out.stderr
    x, sr = sf.read(wav)
    assert sr == 48000 and x.shape[1] == 2 and len(x) > 6 * sr
    m = re.search(r"(-\d+\.\d) LUFS", out.stdout)
    assert m and -24.5 <= float(m.group(1)) <= -17.7, out.stdout  # -18 LUFS, or raised by at most 6 dB


def test_each_event_is_audible_in_its_window_and_joins_without_clicks():
    """Render with and without each event: what it adds lies in its own window, audibly."""
    fmt = AudioFormat(24000, 1)
    plan = plan_narrative(CHASE, seed=2)
    engine = ProceduralEngine()
    ctx = session_context(2, plan.scene, plan.emotion)
    dur = plan.duration_s + 1.5
    full = render_track(plan.events, engine, ctx, fmt, dur, target_lufs=None).samples[:, 0]
    for e in plan.events:
        if e.layer.value in ("ambience", "music"):
            continue
        rest = [o for o in plan.events if o.id != e.id]
        without = render_track(rest, engine, ctx, fmt, dur, target_lufs=None).samples[:, 0]
        added = full - without
        lo, hi = int(e.start_s * fmt.sample_rate), int((e.end_s + 0.5) * fmt.sample_rate)  # + reverb tail
        inside = np.sum(added[lo:hi] ** 2)
        assert inside > 0.95 * np.sum(added ** 2), f"{e.sound_class} sounds outside its window"
        # audible: over the part of its window no other foreground event shares, it is not
        # buried under what else plays there (beds, reverb tails)
        others = [o.start_s for o in rest if o.layer.value not in ("ambience", "music") and o.start_s > e.start_s]
        solo_hi = int(min([e.end_s] + others) * fmt.sample_rate)
        if solo_hi - lo < 0.3 * fmt.sample_rate:
            solo_hi = int(e.end_s * fmt.sample_rate)
        level = 10 * np.log10(np.mean(added[lo:solo_hi] ** 2) / (np.mean(without[lo:solo_hi] ** 2) + 1e-12))
        assert level > -6.0, f"{e.sound_class} is buried ({level:.1f} dB under the rest)"
    # no clicks: the jump at each event boundary is no bigger than the signal's own nearby
    d = np.abs(np.diff(full))
    for e in plan.events:
        for t in (e.start_s, e.end_s):
            f = int(t * fmt.sample_rate)
            if 240 < f < len(d) - 240:
                assert d[f - 2: f + 2].max() <= 3 * np.percentile(d[f - 240: f + 240], 99) + 1e-4


def test_listen_plays_a_live_stream(server, tmp_path):
    wav = tmp_path / "live.wav"
    out = sw("listen", "--server", server.address, "--seconds", "3", "-o", str(wav), "--first-cue-at", "0.3",
             "--every", "1.0", "a door slamming shut", "thunder roaring")
    assert out.returncode == 0, out.stderr
    last = out.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"cue_to_audio_ms p50=([\d.]+) p99=([\d.]+) underruns=(\d+)", last)
    assert m, last
    x, sr = sf.read(wav)
    assert len(x) >= 3 * sr and np.abs(x).max() > 0.01


def test_listen_reads_cues_from_stdin(server, tmp_path):
    wav = tmp_path / "stdin.wav"
    out = sw("listen", "--server", server.address, "--seconds", "2", "-o", str(wav),
             input="a dog barks\n\nglass shattering\n")
    assert out.returncode == 0, out.stderr
    assert out.stderr.count(" cue c") == 2
    assert out.stdout.strip().splitlines()[-1].startswith("cue_to_audio_ms p50=")
