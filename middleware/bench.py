"""`soundweaver bench`: how many games can one server carry, and how late does audio react?

N simulated games connect over real gRPC. Each plays its stream on a real-time playback clock
with an engine-like buffer (default two 20 ms chunks), acknowledges what it played, sends cues
at random (exponential) intervals and game-state changes now and then. Measured per N:

- cue-to-audio latency: from writing a cue on the stream to receiving the first AudioChunk whose
  frames overlap the cue's first planned event (the event is known from the PlanUpdate that
  precedes that chunk); p50, p95, p99, max over every cue of every game;
- session start to first chunk: from opening the stream to the first AudioChunk;
- inter-chunk jitter: |arrival interval - chunk period| over all chunks after the first second;
- underruns: playback ticks that found the buffer short, and the milliseconds of silence;
- server CPU (percent of one core) and peak resident memory, read from /proc for the server
  process; render real-time factor from the server's own counters.

The same games also run against a transport baseline (the same wire and flow control, silent
chunks, no planning or rendering) in a second server process, so every result is also a ratio
to the floor that gRPC and Python set on this machine. Servers run as subprocesses; the games
run in this process.
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from ..models.plan import AudioFormat, Encoding
from ..v1 import soundweaver_pb2 as pb
from ..v1 import soundweaver_pb2_grpc as pb_grpc
from .client import Connection, Player, SessionClient, add_connection_args

CUES = ["footsteps on gravel", "a door slamming shut", "thunder roaring", "a car skidding",
        "glass shattering", "a dog barks twice", "an explosion", "a scream", "keys jingle",
        "a sword clash", "an owl hoots", "the alarm blares"]
WEATHER = ["clear", "rain", "storm"]


@dataclass
class BenchConfig:
    sessions: list[int] = field(default_factory=lambda: [1, 8, 32, 64])
    seconds: float = 10.0
    chunk_ms: int = 20
    buffer_chunks: int = 2
    lookahead_ms: int = 0  # 0: the server's default
    cue_every_s: float = 2.0  # mean interval between a game's cues
    state_every_s: float = 5.0
    rate: int = 48000
    channels: int = 2
    seed: int = 0
    p99_bound_ms: float = 50.0


@dataclass
class RunResult:
    kind: str  # "server" | "baseline"
    sessions: int
    seconds: float
    cues: int
    cue_latency_ms: dict
    first_chunk_ms: dict
    jitter_ms: dict
    underruns: int
    underrun_ms: float
    server_cpu_pct: float
    server_peak_rss_mb: float
    render_rtf: float
    errors: list
    latencies: list = field(default_factory=list)  # raw, for the CDF plot


def _stats(values) -> dict:
    v = np.asarray(list(values), dtype=float)
    if not len(v):
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {"n": int(len(v)), "p50": float(np.percentile(v, 50)), "p95": float(np.percentile(v, 95)),
            "p99": float(np.percentile(v, 99)), "max": float(v.max())}


class ServerProcess:
    """`soundweaver serve --port 0` in a subprocess, with /proc readings of its CPU and memory."""

    def __init__(self, extra_args: list[str] = (), connection: Connection | None = None):
        cmd = [sys.executable, "-m", "soundweaver.middleware.cli", "--log-level", "WARNING", "serve",
               "--port", "0", *extra_args]
        self.proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        deadline = time.monotonic() + 60
        self.address = None
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            m = re.search(r"listening on (\S+)", line)
            if m:
                self.address = m.group(1)
                break
        if not self.address:
            self.proc.kill()
            raise RuntimeError(f"server did not start: {' '.join(cmd)}")
        self.connection = (connection or Connection("")).with_target(self.address)

    def pids(self) -> list[int]:
        """The server and its render worker processes."""
        out = [self.proc.pid]
        for pid in out:
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    out += [int(c) for c in open(f"/proc/{pid}/task/{task}/children").read().split()]
            except OSError:
                pass
        return out

    def cpu_s(self) -> float:
        """CPU seconds (user + system) of the server and its workers."""
        total = 0.0
        for pid in self.pids():
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def rss_mb(self) -> float:
        """Resident memory of the server and its workers."""
        total = 0.0
        for pid in self.pids():
            try:
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
            except OSError:
                continue
        return total

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def _game(i: int, conn: Connection, cfg: BenchConfig, out: dict) -> None:
    rng = random.Random(cfg.seed * 1000 + i)
    fmt = AudioFormat(cfg.rate, cfg.channels, Encoding.PCM_S16LE)
    client = SessionClient(conn, fmt, chunk_ms=cfg.chunk_ms, lookahead_ms=cfg.lookahead_ms, seed=i)
    t_open = time.monotonic()
    try:
        await client.open()
        player = Player(client, prebuffer_chunks=cfg.buffer_chunks, record=False)
        receiver = asyncio.create_task(player.receive())
        next_cue = [rng.expovariate(1 / cfg.cue_every_s)]
        next_state = [rng.uniform(0.5, 1.5) * cfg.state_every_s]

        async def on_tick(t: float) -> None:
            if t >= next_cue[0]:
                await client.cue(rng.choice(CUES))
                next_cue[0] = t + rng.expovariate(1 / cfg.cue_every_s)
            if t >= next_state[0]:
                await client.state(parameters={"tension": rng.random()}, states={"weather": rng.choice(WEATHER)})
                next_state[0] = t + rng.uniform(0.5, 1.5) * cfg.state_every_s

        await player.play(cfg.seconds, on_tick)
        period = 1000 * cfg.chunk_ms / 1000
        arrivals = np.asarray(player.arrivals)
        settled = arrivals[arrivals > arrivals[0] + 1.0] if len(arrivals) else arrivals
        out["jitter"].extend(np.abs(np.diff(settled) * 1000 - period).tolist())
        out["latency"].extend(player.latency.values())
        out["cues"] += len(client.cue_sent)
        out["first"].append(1000 * (player.arrivals[0] - t_open) if player.arrivals else float("nan"))
        out["underruns"] += player.underruns
        out["underrun_ms"] += 1000 * player.underrun_frames / cfg.rate
        receiver.cancel()
    except Exception as exc:  # a failed game is a result, not a crash of the benchmark
        out["errors"].append(f"game {i}: {type(exc).__name__}: {exc}")
    finally:
        await client.close()


async def _server_stats(conn: Connection) -> pb.ServerStats:
    async with conn.aio_channel() as ch:
        info = await pb_grpc.SoundweaverStub(ch).GetServerInfo(pb.GetServerInfoRequest(), metadata=conn.metadata,
                                                               timeout=conn.timeout or 10)
    return info.stats


async def run_games(server: ServerProcess, kind: str, n: int, cfg: BenchConfig) -> RunResult:
    out = {"jitter": [], "latency": [], "first": [], "cues": 0, "underruns": 0, "underrun_ms": 0.0, "errors": []}
    peak = [server.rss_mb()]
    stop = asyncio.Event()

    async def sample_rss() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], server.rss_mb())
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample_rss())
    before = await _server_stats(server.connection) if kind == "server" else None
    cpu0, t0 = server.cpu_s(), time.monotonic()
    await asyncio.gather(*(_game(i, server.connection, cfg, out) for i in range(n)))
    cpu = (server.cpu_s() - cpu0) / (time.monotonic() - t0) * 100
    stop.set()
    await sampler
    rtf = float("nan")
    if before is not None:
        after = await _server_stats(server.connection)
        rtf = after.render_realtime_factor.get("procedural", float("nan"))
    return RunResult(kind, n, cfg.seconds, out["cues"], _stats(out["latency"]), _stats(out["first"]),
                     _stats(out["jitter"]), out["underruns"], out["underrun_ms"], cpu, peak[0], rtf,
                     out["errors"], sorted(out["latency"]))


def passes(r: RunResult, bound_ms: float) -> bool:
    return r.underruns == 0 and not r.errors and (r.cue_latency_ms["n"] == 0 or r.cue_latency_ms["p99"] <= bound_ms)


def ratio(a: float, b: float) -> float:
    return a / b if b and np.isfinite(a) and np.isfinite(b) else float("nan")


def format_table(rows: list[tuple[RunResult, RunResult | None]]) -> str:
    head = (f"{'N':>4} {'cues':>5} {'cue p50':>8} {'p95':>7} {'p99':>7} {'max':>7} {'x floor':>8} "
            f"{'first':>7} {'jit p99':>8} {'underr':>7} {'u ms':>6} {'cpu%':>6} {'x floor':>8} {'RSS MB':>7} {'RTF':>6}")
    lines = [head, "-" * len(head)]
    for r, b in rows:
        lat, first, jit = r.cue_latency_ms, r.first_chunk_ms, r.jitter_ms
        lines.append(
            f"{r.sessions:>4} {r.cues:>5} {lat['p50']:>8.1f} {lat['p95']:>7.1f} {lat['p99']:>7.1f} {lat['max']:>7.1f} "
            f"{ratio(lat['p50'], b.cue_latency_ms['p50']) if b else float('nan'):>8.2f} {first['p50']:>7.1f} "
            f"{jit['p99']:>8.1f} {r.underruns:>7} {r.underrun_ms:>6.0f} {r.server_cpu_pct:>6.1f} "
            f"{ratio(r.server_cpu_pct, b.server_cpu_pct) if b else float('nan'):>8.2f} {r.server_peak_rss_mb:>7.1f} "
            f"{r.render_rtf:>6.0f}")
        if b:
            lines.append(f"{'':>4} {'floor':>5} {b.cue_latency_ms['p50']:>8.1f} {b.cue_latency_ms['p95']:>7.1f} "
                         f"{b.cue_latency_ms['p99']:>7.1f} {b.cue_latency_ms['max']:>7.1f} {'':>8} "
                         f"{b.first_chunk_ms['p50']:>7.1f} {b.jitter_ms['p99']:>8.1f} {b.underruns:>7} "
                         f"{b.underrun_ms:>6.0f} {b.server_cpu_pct:>6.1f}")
        for err in r.errors[:3]:
            lines.append(f"     error: {err}")
    return "\n".join(lines)


def plot(rows: list[tuple[RunResult, RunResult | None]], path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    for r, b in rows:
        if r.latencies:
            ys = np.arange(1, len(r.latencies) + 1) / len(r.latencies)
            ax1.step(r.latencies, ys, where="post", label=f"N={r.sessions}")
        if b and b.latencies:
            ys = np.arange(1, len(b.latencies) + 1) / len(b.latencies)
            ax1.step(b.latencies, ys, where="post", linestyle=":", color="gray",
                     label="transport floor" if r is rows[0][0] else None)
    ax1.set_xlabel("cue-to-audio latency (ms)")
    ax1.set_ylabel("fraction of cues")
    ax1.set_title("Cue-to-audio latency CDF")
    ax1.grid(alpha=0.3)
    ax1.legend()
    ns = [r.sessions for r, _ in rows]
    ax2.plot(ns, [r.underruns for r, _ in rows], "o-", label="server")
    ax2.plot(ns, [b.underruns if b else np.nan for _, b in rows], "s:", color="gray", label="transport floor")
    ax2.set_xlabel("concurrent sessions (N)")
    ax2.set_ylabel("underruns (playback ticks short of audio)")
    ax2.set_title("Underruns against N")
    ax2.grid(alpha=0.3)
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


async def find_capacity(server: ServerProcess, cfg: BenchConfig, upper: int = 256, log=print) -> tuple[int, list]:
    """Largest N with zero underruns and p99 cue latency under the bound: double, then bisect."""
    probes = []

    async def ok(n: int) -> bool:
        r = await run_games(server, "server", n, cfg)
        probes.append(r)
        good = passes(r, cfg.p99_bound_ms)
        log(f"  probe N={n}: p99={r.cue_latency_ms['p99']:.1f} ms underruns={r.underruns} "
            f"errors={len(r.errors)} -> {'pass' if good else 'fail'}")
        return good

    lo, hi = 0, None
    n = 1
    while n <= upper:
        if await ok(n):
            lo, n = n, n * 2
        else:
            hi = n
            break
    if hi is None:
        return lo, probes
    while hi - lo > max(1, lo // 8):  # bisect to within about 12 %
        mid = (lo + hi) // 2
        if await ok(mid):
            lo = mid
        else:
            hi = mid
    return lo, probes


def register(sub) -> None:
    p = sub.add_parser("bench", help="latency and capacity benchmark over real gRPC")
    p.add_argument("--sessions", default="1,8,32,64", help="comma-separated N to sweep")
    p.add_argument("--seconds", type=float, default=10.0, help="played seconds per game and N")
    p.add_argument("--chunk-ms", type=int, default=20)
    p.add_argument("--buffer-chunks", type=int, default=2, help="client buffer before playback starts")
    p.add_argument("--lookahead-ms", type=int, default=0)
    p.add_argument("--cue-every", type=float, default=2.0, help="mean seconds between a game's cues")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-baseline", action="store_true", help="skip the transport baseline")
    p.add_argument("--find-capacity", action="store_true")
    p.add_argument("--p99-bound-ms", type=float, default=50.0)
    p.add_argument("--capacity-max", type=int, default=256, help="largest N the capacity search tries")
    p.add_argument("--serve-args", default="", help="extra arguments for the started server")
    p.add_argument("--compare-args", default=None, metavar="ARGS",
                   help="also run a second server with these serve arguments, side by side at every N "
                        "(e.g. --compare-args=--render-threads), and report both")
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--plot", metavar="PNG")
    add_connection_args(p, None, "benchmark this running server (default: start one; the connection options "
                                 "then apply to the started server under test)", timeout_default=10.0)
    p.set_defaults(func=cmd_bench)


def cmd_bench(a) -> int:
    if a.plot:  # before minutes of benchmarking, not after
        from .plots import plotting_problem
        problem = plotting_problem("--plot")
        if problem:
            print(f"soundweaver bench: {problem}", file=sys.stderr)
            return 2
    cfg = BenchConfig(sessions=[int(s) for s in a.sessions.split(",") if s.strip()], seconds=a.seconds,
                      chunk_ms=a.chunk_ms, buffer_chunks=a.buffer_chunks, lookahead_ms=a.lookahead_ms,
                      cue_every_s=a.cue_every, seed=a.seed, p99_bound_ms=a.p99_bound_ms)
    return asyncio.run(_bench(a, cfg))


async def _bench(a, cfg: BenchConfig) -> int:
    conn = Connection.from_args(a, target=a.server or "")
    plain = Connection("", api_key=conn.api_key, timeout=conn.timeout)  # the baseline: no TLS options
    server = _Remote(conn) if a.server else ServerProcess(a.serve_args.split(), conn)
    if a.server:  # a server that cannot be reached or refuses us ends here, not after the sweep
        await _server_stats(conn)
    baseline = None if a.no_baseline else ServerProcess(["--transport-baseline"], plain)
    other = ServerProcess(a.compare_args.split(), conn) if a.compare_args is not None else None
    rows, other_rows, capacity, probes = [], [], None, []
    try:
        for n in cfg.sessions:
            r = await run_games(server, "server", n, cfg)
            if other:  # interleaved with the first, so both see the same machine
                o = await run_games(other, "server", n, cfg)
                other_rows.append(o)
            b = await run_games(baseline, "baseline", n, cfg) if baseline else None
            rows.append((r, b))
            print(f"N={n}: cue p50 {r.cue_latency_ms['p50']:.1f} ms p99 {r.cue_latency_ms['p99']:.1f} ms, "
                  f"underruns {r.underruns}, cpu {r.server_cpu_pct:.0f}%", file=sys.stderr)
        if a.find_capacity:
            print("capacity search:", file=sys.stderr)
            capacity, probes = await find_capacity(server, cfg, upper=a.capacity_max,
                                                   log=lambda s: print(s, file=sys.stderr))
    finally:
        server.stop()
        if baseline:
            baseline.stop()
        if other:
            other.stop()
    print(format_table(rows))
    if other:
        print(f"\nsecond server (serve {a.compare_args}):")
        print(format_table([(o, b) for o, (_, b) in zip(other_rows, rows)]))
        print("\nfirst / second:")
        for (r, _), o in zip(rows, other_rows):
            print(f"  N={r.sessions}: cue p50 x{ratio(r.cue_latency_ms['p50'], o.cue_latency_ms['p50']):.2f}, "
                  f"p99 x{ratio(r.cue_latency_ms['p99'], o.cue_latency_ms['p99']):.2f}, "
                  f"underruns {r.underruns} vs {o.underruns}, cpu x{ratio(r.server_cpu_pct, o.server_cpu_pct):.2f}")
    if a.json:
        doc = {"config": asdict(cfg), "machine": {"cpus": os.cpu_count()}, "date": time.strftime("%Y-%m-%d"),
               "runs": [{"server": asdict(r), "baseline": asdict(b) if b else None,
                         "ratios": {"cue_p50": ratio(r.cue_latency_ms["p50"], b.cue_latency_ms["p50"]) if b else None,
                                    "cue_p99": ratio(r.cue_latency_ms["p99"], b.cue_latency_ms["p99"]) if b else None,
                                    "cpu": ratio(r.server_cpu_pct, b.server_cpu_pct) if b else None}}
                        for r, b in rows],
               "capacity": capacity, "capacity_probes": [asdict(p) for p in probes],
               "compare": {"serve_args": a.compare_args, "runs": [asdict(o) for o in other_rows]} if other else None}
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=2, default=float)
    if a.plot:
        plot(rows, a.plot)
    if a.find_capacity:
        print(f"capacity={capacity}")
    return 0


class _Remote:
    """A server we did not start: no /proc readings."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.address = connection.target

    def cpu_s(self) -> float:
        return float("nan")

    def rss_mb(self) -> float:
        return float("nan")

    def stop(self) -> None:
        pass
