#!/usr/bin/env python3
"""Soak: many sessions for a long time, with cues, state changes and reconnects (not a CI test).

    python scripts/soak.py --sessions 16 --minutes 10 [--json soak.json]

Starts `soundweaver serve` (or uses --server), runs N games that play on a real-time clock, cue
every few seconds and drop their connection now and then to resume from the first frame they
lack. Reports the server's memory over time (start, end, peak, growth per minute after warm-up),
underruns, gaps (resumes that lost or repeated frames), errors and the server's own counters.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

import grpc
import numpy as np

from soundweaver.middleware.bench import CUES, WEATHER, ServerProcess, _server_stats
from soundweaver.middleware.client import SessionClient
from soundweaver.models.plan import AudioFormat, Encoding


async def game(i: int, address: str, seconds: float, out: dict, first_drop_s: float = 20.0) -> None:
    rng = random.Random(i)
    rate = 48000
    client = SessionClient(address, AudioFormat(rate, 2, Encoding.PCM_S16LE), seed=i, lookahead_ms=150)
    started = await client.open()
    held = 0  # first frame not yet received
    t0 = time.monotonic()
    play_start = None
    next_cue = rng.uniform(1, 4)
    next_drop = rng.uniform(first_drop_s, 3 * first_drop_s)
    last_reconnect = -1e9
    while time.monotonic() - t0 < seconds:
        try:
            msg = await asyncio.wait_for(client.call.read(), 5)
        except (asyncio.TimeoutError, grpc.aio.AioRpcError) as exc:
            out["errors"].append(f"game {i}: {type(exc).__name__}: {exc}")
            break
        if msg is grpc.aio.EOF:
            out["errors"].append(f"game {i}: stream ended")
            break
        if msg.WhichOneof("kind") != "audio":
            continue
        a = msg.audio
        if a.start_frame != held:
            out["gaps"] += 1
        held = a.start_frame + a.frames
        now = time.monotonic()
        if play_start is None:
            play_start = now - a.frames / rate  # playback starts with the first chunk
        played = int((now - play_start) * rate)
        if played > held:  # the playback clock overtook the stream: an underrun
            # (within a second of our own simulated outage it is the outage's, not the server's)
            out["reconnect_underruns" if now - last_reconnect < 1.0 else "underruns"] += 1
            play_start = now - held / rate
            played = held
        await client.ack(played)
        t = now - t0
        if t > next_cue:
            await client.cue(rng.choice(CUES))
            next_cue = t + rng.expovariate(1 / 3.0)
            if rng.random() < 0.2:
                await client.state(parameters={"tension": rng.random()}, states={"weather": rng.choice(WEATHER)})
        if t > next_drop:  # the network blips: reconnect and resume from the first frame we lack
            await client.drop()
            await asyncio.sleep(rng.uniform(0.05, 0.5))
            await client.open(resume_session_id=started.session_id, resume_from_frame=held)
            out["reconnects"] += 1  # playback goes on from the buffer meanwhile (it may underrun)
            last_reconnect = time.monotonic()
            next_drop = t + rng.uniform(first_drop_s, 3 * first_drop_s)
    await client.close()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=16)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--server")
    ap.add_argument("--json")
    ap.add_argument("--reconnect-every", type=float, default=20.0,
                    help="a game drops its connection after 1-3 times this many seconds, then resumes")
    a = ap.parse_args()
    server = ServerProcess() if not a.server else None
    address = a.server or server.address
    out = {"underruns": 0, "reconnect_underruns": 0, "gaps": 0, "reconnects": 0, "errors": []}
    samples = []
    stop = asyncio.Event()

    async def sample_memory() -> None:
        t0 = time.monotonic()
        while not stop.is_set():
            if server:
                samples.append((time.monotonic() - t0, server.rss_mb()))
            await asyncio.sleep(5)

    sampler = asyncio.create_task(sample_memory())
    seconds = a.minutes * 60
    await asyncio.gather(*(game(i, address, seconds, out, a.reconnect_every) for i in range(a.sessions)))
    stop.set()
    await sampler
    stats = await _server_stats(address)
    if server:
        server.stop()
    t = np.array([s[0] for s in samples])
    rss = np.array([s[1] for s in samples])
    warm = t > 60
    slope = float(np.polyfit(t[warm] / 60, rss[warm], 1)[0]) if warm.sum() > 3 else float("nan")
    report = {"sessions": a.sessions, "minutes": a.minutes, **{k: v for k, v in out.items() if k != "errors"},
              "errors": out["errors"][:20], "error_count": len(out["errors"]),
              "rss_mb": {"start": float(rss[0]) if len(rss) else None, "end": float(rss[-1]) if len(rss) else None,
                         "peak": float(rss.max()) if len(rss) else None, "growth_mb_per_min_after_1min": slope},
              "server": {"chunks_sent": stats.chunks_sent, "late_events": stats.late_events,
                         "client_underruns": stats.client_underruns, "engine_failures_or_fallbacks": stats.fallback_events}}
    print(json.dumps(report, indent=2))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({**report, "rss_samples": samples}, f, indent=2)


if __name__ == "__main__":
    asyncio.run(main())
