#!/usr/bin/env python3
"""Issue-2 numbers in one run: render speed on one core, cue-to-first-audio with 1 and with 20
sessions on loopback, and the server's peak memory with 20 sessions.

    OMP_NUM_THREADS=1 python scripts/bench_server.py [--seconds 10]

Render speed: seconds of audio per wall second, rendering the chase narrative (plan + procedural
clips + mix + master) in this process with one thread. Latency and memory come from
`soundweaver bench` machinery: a `soundweaver serve` subprocess, games in this process.
"""
import argparse
import asyncio
import os
import statistics
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

from soundweaver.engines.procedural import ProceduralEngine  # noqa: E402
from soundweaver.engines.track import render_track  # noqa: E402
from soundweaver.middleware.bench import BenchConfig, ServerProcess, run_games  # noqa: E402
from soundweaver.models.bridge import session_context  # noqa: E402
from soundweaver.models.plan import AudioFormat  # noqa: E402
from soundweaver.models.planner import plan_narrative  # noqa: E402

CHASE = "Mystery chase: footsteps splashing in water, thunder roaring, car skidding, and a door slamming shut"


def render_speed(repeats: int = 5) -> tuple[float, float]:
    """(median x real time of the whole track, median x real time of clip rendering alone)."""
    plan = plan_narrative(CHASE, seed=0)
    engine = ProceduralEngine()
    whole, clips = [], []
    for seed in range(repeats):
        t0 = time.perf_counter()
        track = render_track(plan.events, engine, session_context(seed, plan.scene, plan.emotion), AudioFormat())
        wall = time.perf_counter() - t0
        whole.append(len(track.samples) / track.sample_rate / wall)
        clips.append(sum(e.duration_s for e in plan.events) / track.render_s)
    return statistics.median(whole), statistics.median(clips)


async def latency(seconds: float) -> list:
    server = ServerProcess()
    try:
        cfg = BenchConfig(seconds=seconds)
        return [await run_games(server, "server", n, cfg) for n in (1, 20)]
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    a = ap.parse_args()
    track_x, clip_x = render_speed()
    print(f"render speed (one core, 48 kHz stereo): whole track {track_x:.0f}x real time, "
          f"clips alone {clip_x:.0f}x real time")
    for r in asyncio.run(latency(a.seconds)):
        lat = r.cue_latency_ms
        print(f"{r.sessions:>2} sessions: cue_to_audio_ms p50={lat['p50']:.1f} p99={lat['p99']:.1f} "
              f"(n={lat['n']}), first chunk p50={r.first_chunk_ms['p50']:.1f} ms, underruns={r.underruns}, "
              f"server cpu {r.server_cpu_pct:.0f}% of a core, peak RSS {r.server_peak_rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
