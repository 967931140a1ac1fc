"""Prometheus metrics on --metrics-port and structured JSON logs with session ids."""
from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request

from soundweaver.middleware.client import Player, SessionClient
from soundweaver.models.plan import AudioFormat, Encoding

from conftest import ServerProcess


def _metrics_url(srv: ServerProcess) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in srv.lines:
            m = re.search(r"metrics on (http://\S+)", line)
            if m:
                return m.group(1)
        time.sleep(0.05)
    raise AssertionError("no metrics line:\n" + "".join(srv.lines))


def test_metrics_endpoint_and_json_logs():
    srv = ServerProcess("--metrics-port", "0", pre_args=("--log-format", "json"))
    try:
        async def go():
            async with SessionClient(srv.address, AudioFormat(16000, 1, Encoding.PCM_S16LE)) as c:
                p = Player(c)
                rx = asyncio.create_task(p.receive())
                sent = []

                async def tick(t):
                    if not sent and t > 0.1:
                        sent.append(await c.cue(""))  # rejected
                        sent.append(await c.cue("a door slamming shut"))
                await p.play(1.5, tick)
                rx.cancel()
                return c.started.session_id
        sid = asyncio.run(asyncio.wait_for(go(), 60))
        text = urllib.request.urlopen(_metrics_url(srv), timeout=10).read().decode()
        values = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(soundweaver_\w+) ([\d.e+-]+)$", text, re.M)}
        assert values["soundweaver_sessions_started_total"] >= 1
        assert values["soundweaver_chunks_sent_total"] > 10 and values["soundweaver_bytes_sent_total"] > 0
        assert values["soundweaver_rejected_cues_total"] >= 1
        assert re.search(r'soundweaver_render_seconds_count\{engine="procedural"\} [1-9]', text)
        assert "# TYPE soundweaver_render_seconds histogram" in text
    finally:
        srv.stop()
    records = [json.loads(line) for line in srv.lines if line.startswith("{")]
    assert records, "no JSON log lines"
    ours = [r for r in records if r.get("session") == sid]
    assert any("started" in r["msg"] for r in ours)
    assert all({"ts", "level", "logger", "msg"} <= set(r) for r in records)
