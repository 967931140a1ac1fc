"""Planning features behind the live server: cue sheets (`serve --cues`, reload on change,
malformed files) and the LLM planner (`serve --planner-model`, off the event loop)."""
from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from pathlib import Path

from soundweaver.middleware.client import Player, SessionClient
from soundweaver.models.plan import AudioFormat, Encoding

from conftest import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
FMT = AudioFormat(16000, 1, Encoding.PCM_S16LE)


async def _play(address, cues, seconds=1.6):
    """Play a session, send (kind, value) cues at the start; return the player."""
    async with SessionClient(address, FMT, lookahead_ms=200) as c:
        p = Player(c)
        rx = asyncio.create_task(p.receive())
        ids = []

        async def tick(t):
            if not ids and t > 0.1:
                for kind, value in cues:
                    ids.append(await (c.cue(script=value, args={"location": "harbour"}) if kind == "script"
                                      else c.cue(value)))
        await p.play(seconds, tick)
        rx.cancel()
        return p, ids


def test_scripted_cues_reload_and_report_broken_edits(tmp_path):
    sheet = tmp_path / "cues.toml"
    shutil.copy(ROOT / "examples" / "cues.toml", sheet)
    srv = ServerProcess("--cues", str(sheet))
    try:
        p, (door,) = asyncio.run(_play(srv.address, [("script", "door")]))
        classes = {e.sound_class for e in p.events.values() if e.cue_id == door}
        assert {"door_creak", "door_slam"} <= classes
        # a designer adds a cue while the game runs
        sheet.write_text(sheet.read_text() + '\n[cues.bark]\ntext = "a dog barks at the {location}"\n')
        time.sleep(2.5)  # the server polls the file every second
        p, (bark,) = asyncio.run(_play(srv.address, [("script", "bark")]))
        assert any(e.sound_class == "dog_bark" for e in p.events.values() if e.cue_id == bark)
        # a broken edit keeps the last good sheet and says why
        good = sheet.read_text()
        sheet.write_text(good + "\n[cues.oops\n")
        async def watch():
            async with SessionClient(srv.address, FMT) as c:
                pl = Player(c)
                rx = asyncio.create_task(pl.receive())
                await pl.play(3.0)
                rx.cancel()
                return pl
        pl = asyncio.run(watch())
        errors = [n.message for n in pl.notices if n.code == "cue_sheet_error"]
        assert errors and "cues.toml:" in errors[0]
        p, (bark2,) = asyncio.run(_play(srv.address, [("script", "bark")]))
        assert any(e.sound_class == "dog_bark" for e in p.events.values() if e.cue_id == bark2)
    finally:
        srv.stop()


def test_malformed_cue_sheet_fails_at_start_with_line_and_reason(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[cues.a]\ntext = "rain"\n\n[states.weather.storm]\nbeds = [{ class = "no_such_class" }]\n')
    run = subprocess.run([sys.executable, "-m", "soundweaver.middleware.cli", "serve", "--port", "0",
                          "--cues", str(bad)], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert f"{bad}:5" in run.stderr and "no_such_class" in run.stderr


def test_llm_planner_behind_the_server(tmp_path):
    from test_planner_optional import build_tiny_model  # skips without the neural extra
    model = build_tiny_model(tmp_path / "tiny-llm")
    srv = ServerProcess("--planner-model", str(model), "--planner-budget", "0.5")
    try:
        p, (cue,) = asyncio.run(_play(srv.address, [("text", "a door slamming shut")], seconds=3.0))
        ours = [e for e in p.events.values() if e.cue_id == cue]
        assert ours, "the cue was planned (by the LLM, or by the rules after its budget)"
        # the stream went on while the LLM planned (no gaps); underruns depend on machine load and
        # are the benchmark's business
        assert p.gaps == 0 and len(p.chunks) > 0
    finally:
        srv.stop()
