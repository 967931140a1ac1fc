"""Captions are the contract: every event goes to the engine that renders its caption best, and an
event no engine renders well enough is a miss, reported on the wire, never a silent substitute.

Real parts: `soundweaver serve` on loopback; the library engine over Minetest's recordings
(Debian's minetest-data) where the package is installed.
"""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from soundweaver.engines.procedural import ProceduralEngine
from soundweaver.engines.routing import EngineSet, RoutingPolicy, route_events
from soundweaver.middleware.client import SessionClient
from soundweaver.models.plan import AudioFormat, Layer, SoundEvent
from soundweaver.v1 import soundweaver_pb2 as pb
from soundweaver.v1 import soundweaver_pb2_grpc as pb_grpc

from conftest import ServerProcess

FMT = AudioFormat(16000, 1)
SOUNDS = Path("/usr/share/games/minetest/games/minetest_game/mods")
UNKNOWN = "a zorblax gronks"  # no lexicon word, no engine: the generic fallback, score 0
needs_sounds = pytest.mark.skipif(not SOUNDS.is_dir(), reason="needs the Debian package minetest-data "
                                  "(real game recordings): apt-get install minetest-data")


def run(coro, timeout: float = 60):
    return asyncio.run(asyncio.wait_for(coro, timeout))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "soundweaver.middleware.cli", *args], capture_output=True,
                          text=True, timeout=180, env={"SOUNDWEAVER_EMBEDDINGS": "off", **_env()})


def _env():
    import os
    return {k: v for k, v in os.environ.items() if k != "SOUNDWEAVER_EMBEDDINGS"}


async def session_until(address, cue_text: str, done, seconds: float = 8.0, script: str = ""):
    """Cue ``cue_text`` (or the cue sheet's ``script``) at once; collect plan events and notices of
    that cue until ``done``."""
    events, notices = {}, []
    async with SessionClient(address, FMT) as c:
        cue = await c.cue(cue_text, script=script)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        async for msg in c.messages():
            kind = msg.WhichOneof("kind")
            if kind == "audio":
                await c.ack(msg.audio.start_frame + msg.audio.frames)
            elif kind == "plan":
                events.update({e.id: e for e in msg.plan.events if e.cue_id == cue})
            elif kind == "notice" and msg.notice.cue_id == cue:
                notices.append(msg.notice)
            if done(events, notices) or loop.time() > deadline:
                break
    return events, notices


# ------------------------------------------------------------------------------ the router itself
def test_router_prefers_the_best_score_and_reports_misses():
    proc = ProceduralEngine()
    sure = SoundEvent("e1", "a door slams", "door_slam", Layer.FOLEY, 0.0, 1.0)
    unsure = SoundEvent("e2", UNKNOWN, "debris", Layer.FOLEY, 1.0, 1.0, class_score=0.0)
    kept, notices = route_events([sure, unsure], [proc], RoutingPolicy(0.5, "nearest"))
    assert [e.id for e in kept] == ["e1", "e2"] and not sure.miss and unsure.miss
    assert (sure.engine, sure.match, sure.match_score) == ("procedural", "door_slam", 1.0)
    (n,) = notices
    assert n.code == "no_match" and UNKNOWN in n.message and "'debris'" in n.message and "0.00" in n.message
    kept, _ = route_events([sure.replace(match=""), unsure.replace(match="")], [proc], RoutingPolicy(0.5, "skip"))
    assert [e.id for e in kept] == ["e1"]
    assert RoutingPolicy(1.5, "drop").problems() == ["match threshold 1.5 is outside 0..1",
                                                     "on_miss 'drop' is not one of nearest, skip"]
    assert EngineSet({"procedural": proc}).render([])  == []


# ------------------------------------------------------------------------------ misses on the wire
@pytest.fixture(scope="module")
def srv():
    s = ServerProcess()
    yield s
    s.stop()


def test_plan_rpc_marks_a_miss_and_says_why(srv):
    async def go():
        async with grpc.aio.insecure_channel(srv.address) as ch:
            return await pb_grpc.SoundweaverStub(ch).Plan(pb.PlanRequest(text=f"{UNKNOWN}, then a door slams"))
    plan = run(go())
    by_caption = {e.caption: e for e in plan.events}
    assert by_caption[UNKNOWN].miss and by_caption[UNKNOWN].match_score < 0.5
    door = next(e for e in plan.events if e.sound_class == "door_slam")
    assert not door.miss and door.engine == "procedural" and door.match == "door_slam" and door.match_score == 1.0
    assert any(n.code == "no_match" and UNKNOWN in n.message for n in plan.notices)


def test_live_miss_gets_a_notice_and_is_played_as_nearest(srv):
    events, notices = run(session_until(srv.address, UNKNOWN,
                                        lambda ev, ns: ns and any(e.state == pb.EVENT_STATE_PLAYING for e in ev.values())))
    assert any(n.code == "no_match" and UNKNOWN in n.message and "played as 'debris'" in n.message for n in notices)
    (e,) = events.values()
    assert e.miss and e.sound_class == "debris" and e.state in (pb.EVENT_STATE_PLAYING, pb.EVENT_STATE_PLAYED)


def test_on_miss_skip_by_flag_and_by_cue_sheet(tmp_path):
    sheet = tmp_path / "cues.toml"
    sheet.write_text('[matching]\non_miss = "skip"\nthreshold = 0.5\n')
    for args in (("--on-miss", "skip"), ("--cues", str(sheet))):
        s = ServerProcess(*args)
        try:
            events, notices = run(session_until(
                s.address, UNKNOWN, lambda ev, ns: ns and any(e.state == pb.EVENT_STATE_CANCELLED for e in ev.values())))
        finally:
            s.stop()
        assert any(n.code == "no_match" and "skipped" in n.message for n in notices), (args, notices)
        (e,) = events.values()
        assert e.miss and e.state == pb.EVENT_STATE_CANCELLED, (args, e)


def test_cue_sheet_matching_errors_name_the_line(tmp_path):
    from soundweaver.models.planner.cuesheet import CueSheetError, load_cue_sheet
    sheet = tmp_path / "cues.toml"
    sheet.write_text('[matching]\non_miss = "drop"\n')
    with pytest.raises(CueSheetError, match=r"cues.toml:2: \[matching\] on_miss must be one of nearest, skip"):
        load_cue_sheet(sheet)


def test_plan_cli_json_carries_the_miss():
    out = cli("plan", "--json", "--compact", f"{UNKNOWN}, then a door slams")
    assert out.returncode == 0, out.stderr
    events = json.loads(out.stdout)["events"]
    assert [e["miss"] for e in events] == [True, False]
    assert "no_match" in out.stderr
    out = cli("plan", "--json", "--compact", "--on-miss", "skip", f"{UNKNOWN}, then a door slams")
    assert [e["sound_class"] for e in json.loads(out.stdout)["events"]] == ["door_slam"]


# ------------------------------------------------------------------------------ the library in the route
@pytest.fixture(scope="module")
def library_index(tmp_path_factory):
    if not SOUNDS.is_dir():
        pytest.skip("needs the Debian package minetest-data: apt-get install minetest-data")
    path = tmp_path_factory.mktemp("lib") / "minetest.sqlite"
    out = cli("library", "index", str(SOUNDS), "-o", str(path))
    assert out.returncode == 0, out.stderr
    return path


@needs_sounds
def test_library_recordings_win_where_they_match_and_stream_live(library_index):
    out = cli("plan", "--json", "--compact", "--library", str(library_index), "glass breaks, then a door slams")
    assert out.returncode == 0, out.stderr
    glass = next(e for e in json.loads(out.stdout)["events"] if e["sound_class"] == "glass_shatter")
    assert glass["engine"] == "library" and glass["match"].endswith(".ogg") and not glass["miss"]
    s = ServerProcess("--library", str(library_index))
    try:
        events, _ = run(session_until(s.address, "glass breaks",
                                      lambda ev, ns: any(e.state == pb.EVENT_STATE_PLAYED for e in ev.values())))
    finally:
        s.stop()
    (e,) = events.values()
    assert e.engine == "library" and "glass" in e.match and e.state == pb.EVENT_STATE_PLAYED


@needs_sounds
def test_render_cli_with_a_library(library_index, tmp_path):
    wav = tmp_path / "glass.wav"
    out = cli("render", "--library", str(library_index), "glass breaks", "-o", str(wav), "--rate", "16000")
    assert out.returncode == 0, out.stderr
    import soundfile as sf
    x, sr = sf.read(wav)
    assert sr == 16000 and len(x) > sr and abs(x).max() > 0.05


@needs_sounds
def test_a_reindexed_library_is_picked_up_while_serving(tmp_path):
    """Designers add recordings while the game runs: the server reloads the changed index."""
    import shutil
    import time
    lib = tmp_path / "lib"
    lib.mkdir()
    shutil.copy(next(SOUNDS.rglob("*glass*.ogg")), lib / "glass_break.ogg")
    index = tmp_path / "idx.sqlite"
    assert cli("library", "index", str(lib), "-o", str(index)).returncode == 0

    async def plan(address, text):
        async with grpc.aio.insecure_channel(address) as ch:
            return await pb_grpc.SoundweaverStub(ch).Plan(pb.PlanRequest(text=text))
    s = ServerProcess("--library", str(index))
    try:
        (before,) = run(plan(s.address, "a zorblaxophone gronks")).events
        assert before.miss and before.engine == "procedural", before  # the library has nothing for it yet
        shutil.copy(next(SOUNDS.rglob("*glass*.ogg")), lib / "zorblaxophone_gronk.ogg")
        assert cli("library", "index", str(lib), "-o", str(index)).returncode == 0
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            (after,) = run(plan(s.address, "a zorblaxophone gronks")).events
            if not after.miss:
                break
            time.sleep(0.5)
    finally:
        s.stop()
    assert after.engine == "library" and after.match.endswith("zorblaxophone_gronk.ogg") and not after.miss, after
    assert any("library: reloaded" in line for line in s.lines), "".join(s.lines)[-2000:]


# ------------------------------------------------------------------------------ cue sheet pins, served
@needs_sounds
def test_a_pinned_cue_plays_its_recordings_live_and_a_bad_pin_fails_the_start(library_index, tmp_path):
    """A designer pins `front_door` to the steel door recordings: a live session that sends the
    scripted cue hears one of them, even though the words ("something happens") match nothing."""
    sheet = tmp_path / "cues.toml"
    sheet.write_text('[cues.front_door]\ntext = "something happens at the front"\n'
                     'files = ["doors_steel_door_*.ogg"]\n')
    s = ServerProcess("--library", str(library_index), "--cues", str(sheet))
    try:
        events, _ = run(session_until(s.address, "", lambda ev, ns: any(e.state == pb.EVENT_STATE_PLAYED
                                                                         for e in ev.values()),
                                      seconds=30.0, script="front_door"))
    finally:
        s.stop()
    played = [e for e in events.values() if e.state == pb.EVENT_STATE_PLAYED]
    assert played and all(e.engine == "library" and "doors_steel_door_" in e.match and not e.miss for e in played)

    sheet.write_text('[cues.front_door]\ntext = "a door"\n\nfiles = ["no_such_door_*.wav"]\n')
    out = subprocess.run([sys.executable, "-m", "soundweaver.middleware.cli", "serve", "--port", "0",
                          "--library", str(library_index), "--cues", str(sheet)],
                         capture_output=True, text=True, timeout=120, env=_env())
    assert out.returncode == 2 and "cues.toml:4" in out.stderr and "matches no recording" in out.stderr, out.stderr
