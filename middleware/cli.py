"""`soundweaver` command line: serve, plan, render, listen, info, gallery (and plug-in commands).

Modules named ``commands_*.py`` in this package add subcommands through ``register(subparsers)``;
they must import heavy packages inside their commands, never at import time.
"""
from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import pkgutil
import sys
import threading
import time
from pathlib import Path

from ..models.plan import AudioFormat, Encoding, GameState

DEFAULT_ADDRESS = "127.0.0.1:50051"


def _state_from_args(pairs: list[str]) -> GameState:
    """k=v pairs: numbers become parameters, surface=... a switch, the rest states."""
    params, states, switches = {}, {}, {}
    for pair in pairs or []:
        key, _, value = pair.partition("=")
        if not key or not _:
            raise SystemExit(f"--state expects key=value, got {pair!r}")
        try:
            params[key] = float(value)
        except ValueError:
            (switches if key == "surface" else states)[key] = value
    return GameState(params, states, switches)


def _format_from_args(a) -> AudioFormat:
    fmt = AudioFormat(a.rate, a.channels, Encoding(a.encoding))
    if fmt.problems():
        raise SystemExit("bad format: " + "; ".join(fmt.problems()))
    return fmt


def _add_format_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rate", type=int, default=48000, help="sample rate, 16000..48000 (default 48000)")
    p.add_argument("--channels", type=int, default=2, choices=(1, 2))
    p.add_argument("--encoding", default="pcm_s16le", choices=[e.value for e in Encoding])


# ---------------------------------------------------------------------------------------- serve
def _engine_options(a) -> dict:
    """Options for the default engine: the neural engine's model and runtime settings."""
    if a.engine != "neural":
        return {}
    from .commands_neural import engine_options
    return {"model": a.model, **engine_options(a)}


def cmd_serve(a) -> int:
    from .config import Limits, ServerConfig
    from .server import serve
    config = ServerConfig(
        host=a.host, port=a.port, engine=a.engine,
        engine_options=_engine_options(a),
        render_workers=a.workers, cues_file=a.cues, planner_model=a.planner_model,
        render_processes=not a.render_threads, embeddings=a.embeddings, planner_budget_s=a.planner_budget, resume_window_s=a.resume_window,
        shutdown_grace_s=a.grace, stall_timeout_s=a.stall_timeout,
        api_keys_file=a.api_keys_file, tls_cert=a.tls_cert, tls_key=a.tls_key, tls_client_ca=a.tls_client_ca,
        metrics_port=a.metrics_port,
        limits=Limits(max_sessions=a.max_sessions, max_cue_chars=a.max_cue_chars,
                      max_cues_per_second=a.max_cues_per_second, max_message_bytes=a.max_message_bytes,
                      min_chunk_ms=a.min_chunk_ms, max_chunk_ms=a.max_chunk_ms,
                      min_lookahead_ms=a.min_lookahead_ms, max_lookahead_ms=a.max_lookahead_ms))

    def ready(server) -> None:
        print(f"soundweaver: listening on {server.address}", file=sys.stderr, flush=True)
        if server.metrics_port:
            print(f"soundweaver: metrics on http://{a.host}:{server.metrics_port}/metrics", file=sys.stderr, flush=True)

    try:
        asyncio.run(serve(config, ready, transport_baseline=a.transport_baseline))
    except ValueError as exc:  # bad engine or model folder: say what, exit non-zero
        print(f"soundweaver serve: {exc}", file=sys.stderr)
        return 2
    return 0


# ---------------------------------------------------------------------------------------- plan
def cmd_plan(a) -> int:
    from ..models.planner import plan_narrative, plan_to_dict
    plan = plan_narrative(a.text, state=_state_from_args(a.state), seed=a.seed)
    if a.json:
        print(json.dumps(plan_to_dict(plan), indent=None if a.compact else 2))
    else:
        print(f"scene {plan.scene}, emotion {plan.emotion}, {len(plan.events)} events, {plan.duration_s:.1f} s")
        print(f"{'start':>6} {'dur':>5}  {'layer':<9}{'class':<19}{'int':>4} {'dist':>4}  caption")
        for e in plan.events:
            print(f"{e.start_s:6.2f} {e.duration_s:5.2f}  {e.layer.value:<9}{e.sound_class:<19}"
                  f"{e.intensity:4.1f} {e.distance:4.1f}  {e.caption}")
    for n in plan.notices:
        print(f"notice [{n.code}] {n.message}", file=sys.stderr)
    if a.plot:
        from .plots import plot_plan
        plot_plan(plan, a.plot)
        print(f"wrote {a.plot}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------------------------------- render
def cmd_render(a) -> int:
    import soundfile as sf
    fmt = _format_from_args(a)
    if a.server:
        samples, summary, plan = asyncio.run(_render_remote(a, fmt))
    else:
        from ..engines.registry import create_engine
        from ..engines.track import render_track
        from ..models.bridge import session_context
        from ..models.planner import plan_narrative
        plan = plan_narrative(a.text, state=_state_from_args(a.state), seed=a.seed)
        engine = create_engine(a.engine)
        t0 = time.perf_counter()
        track = render_track(plan.events, engine, session_context(a.seed, plan.scene, plan.emotion), fmt,
                             a.duration or None, workers=a.workers)
        wall = time.perf_counter() - t0
        samples = track.samples
        summary = dict(loudness_lufs=track.loudness_lufs, true_peak_dbfs=track.true_peak_dbfs, render_seconds=wall)
    subtype = "FLOAT" if fmt.encoding is Encoding.PCM_F32LE else "PCM_16"
    sf.write(a.output, samples, fmt.sample_rate, subtype=subtype)
    dur = len(samples) / fmt.sample_rate
    for e in plan.events:
        print(f"  {e.start_s:6.2f}-{e.end_s:6.2f}s  {e.sound_class:<18} {e.caption}")
    print(f"wrote {a.output}: {dur:.2f} s, {len(plan.events)} events, "
          f"{summary['loudness_lufs']:.1f} LUFS, true peak {summary['true_peak_dbfs']:.1f} dBTP, "
          f"rendered in {summary['render_seconds']:.2f} s ({dur / max(summary['render_seconds'], 1e-9):.0f}x real time)")
    return 0


async def _render_remote(a, fmt: AudioFormat):
    import grpc
    import numpy as np

    from ..engines.pcm import decode
    from ..v1 import soundweaver_pb2 as pb
    from ..v1 import soundweaver_pb2_grpc as pb_grpc
    from . import wire
    state = _state_from_args(a.state)
    async with grpc.aio.insecure_channel(a.server) as channel:
        stub = pb_grpc.SoundweaverStub(channel)
        parts, summary, plan_msg = [], None, None
        async for msg in stub.Render(pb.RenderRequest(text=a.text, format=wire.audio_format_pb(fmt), seed=a.seed,
                                                      engine=a.engine, state=wire.game_state_pb(state),
                                                      duration_s=a.duration)):
            if msg.HasField("plan"):
                plan_msg = msg.plan
            if msg.HasField("audio"):
                parts.append(decode(msg.audio.data, fmt.encoding, fmt.channels))
            if msg.HasField("summary"):
                summary = msg.summary
    from ..models.plan import Layer, Plan, SoundEvent
    events = [SoundEvent(e.id, e.caption, e.sound_class, Layer(wire.layer_name(e.layer)), e.start_s, e.duration_s)
              for e in plan_msg.events]
    return (np.concatenate(parts), dict(loudness_lufs=summary.loudness_lufs, true_peak_dbfs=summary.true_peak_dbfs,
                                        render_seconds=summary.render_seconds), Plan(0, events))


# ---------------------------------------------------------------------------------------- listen
def cmd_listen(a) -> int:
    import soundfile as sf

    from .client import Player, SessionClient
    fmt = _format_from_args(a)
    cues = list(a.cues)
    lines: asyncio.Queue | None = None

    async def run() -> "tuple":
        nonlocal lines
        client = SessionClient(a.server, fmt, chunk_ms=a.chunk_ms, lookahead_ms=a.lookahead_ms, seed=a.seed,
                               engine=a.engine, scene=a.scene)
        t_open = time.monotonic()
        await client.open()
        player = Player(client, prebuffer_chunks=a.prebuffer)
        receiver = asyncio.create_task(player.receive())
        loop = asyncio.get_running_loop()
        if not cues and not sys.stdin.isatty():
            lines = asyncio.Queue()

            def read_stdin() -> None:  # one cue per line, sent as it arrives
                for line in sys.stdin:
                    if line.strip():
                        loop.call_soon_threadsafe(lines.put_nowait, line.strip())
            threading.Thread(target=read_stdin, daemon=True).start()
        pending = list(cues)
        next_at = [a.first_cue_at]

        async def on_tick(t: float) -> None:
            while pending and t >= next_at[0]:
                text = pending.pop(0)
                cid = await client.cue(text)
                print(f"{t:6.2f}s cue {cid}: {text}", file=sys.stderr)
                next_at[0] += a.every
            while lines is not None and not lines.empty():
                text = lines.get_nowait()
                cid = await client.cue(text)
                print(f"{t:6.2f}s cue {cid}: {text}", file=sys.stderr)

        first = asyncio.create_task(player._have_audio.wait())
        await first
        first_ms = 1000 * (player.arrivals[0] - t_open) if player.arrivals else float("nan")
        await player.play(a.seconds, on_tick)
        await client.close()
        receiver.cancel()
        return player, player.report(a.seconds, first_ms)

    player, report = asyncio.run(run())
    audio = player.audio()
    subtype = "FLOAT" if fmt.encoding is Encoding.PCM_F32LE else "PCM_16"
    sf.write(a.output, audio, fmt.sample_rate, subtype=subtype)
    for n in report.notices:
        print(f"notice [{n.code}] {n.message}", file=sys.stderr)
    print(f"wrote {a.output}: {len(audio) / fmt.sample_rate:.2f} s received, {report.gaps} gaps, "
          f"first chunk after {report.first_chunk_ms:.0f} ms, {report.plan_updates} plan updates", file=sys.stderr)
    print(report.summary_line())
    return 0


# ---------------------------------------------------------------------------------------- info
def cmd_info(a) -> int:
    import grpc
    from google.protobuf import json_format

    from ..v1 import soundweaver_pb2 as pb
    from ..v1 import soundweaver_pb2_grpc as pb_grpc
    with grpc.insecure_channel(a.server) as channel:
        info = pb_grpc.SoundweaverStub(channel).GetServerInfo(pb.GetServerInfoRequest(), timeout=10)
    print(json_format.MessageToJson(info))
    return 0


# ---------------------------------------------------------------------------------------- gallery
def cmd_gallery(a) -> int:
    from ..engines.procedural.gallery import render_gallery
    paths = render_gallery(Path(a.output), sample_rate=a.rate, seed=a.seed)
    print(f"wrote {len(paths)} files to {a.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="soundweaver", description=__doc__.splitlines()[0])
    ap.add_argument("--log-level", default="INFO")
    ap.add_argument("--log-format", default="text", choices=("text", "json"),
                    help="json: one object per line, with the session id on session records")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the gRPC server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=50051, help="0 picks a free port (printed at start)")
    p.add_argument("--engine", default="procedural", help="default engine: procedural | neural")
    p.add_argument("--cues", help="designer cue sheet (TOML), reloaded on change")
    p.add_argument("--planner-model", help="local Hugging Face causal LM folder for the LLM planner")
    p.add_argument("--planner-budget", type=float, default=1.5,
                   help="seconds the LLM planner may take per cue before the rule planner answers")
    p.add_argument("--embeddings", action="store_true",
                   help="map phrases the lexicon misses by meaning (needs the embed extra)")
    p.add_argument("--workers", type=int, default=2, help="render workers")
    p.add_argument("--render-threads", action="store_true",
                   help="render CPU engines in threads of the server process instead of worker processes")
    p.add_argument("--max-sessions", type=int, default=256)
    p.add_argument("--max-cue-chars", type=int, default=2000)
    p.add_argument("--max-cues-per-second", type=float, default=20.0)
    p.add_argument("--max-message-bytes", type=int, default=4 * 1024 * 1024)
    p.add_argument("--min-chunk-ms", type=int, default=5)
    p.add_argument("--max-chunk-ms", type=int, default=200)
    p.add_argument("--min-lookahead-ms", type=int, default=20)
    p.add_argument("--max-lookahead-ms", type=int, default=2000)
    p.add_argument("--resume-window", type=float, default=30.0, help="seconds a detached session is kept")
    p.add_argument("--stall-timeout", type=float, default=30.0,
                   help="drop a client that stops reading or acking for this many seconds")
    p.add_argument("--grace", type=float, default=5.0, help="seconds live sessions get on SIGTERM")
    p.add_argument("--api-keys-file", help="API keys, one per line (also: SOUNDWEAVER_API_KEYS=k1,k2)")
    p.add_argument("--tls-cert", help="server certificate (PEM)")
    p.add_argument("--tls-key", help="server private key (PEM)")
    p.add_argument("--tls-client-ca", help="CA (PEM) that client certificates must chain to: mutual TLS")
    p.add_argument("--metrics-port", type=int, help="serve Prometheus metrics on this port (0: any)")
    p.add_argument("--transport-baseline", action="store_true", help=argparse.SUPPRESS)
    from .commands_neural import add_neural_options
    add_neural_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("plan", help="narrative -> planned events (no audio)")
    p.add_argument("text")
    p.add_argument("--json", action="store_true", help="print JSON: {\"events\": [...]}")
    p.add_argument("--compact", action="store_true", help="one-line JSON")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--state", action="append", metavar="KEY=VALUE", help="game state (repeatable)")
    p.add_argument("--plot", metavar="PNG", help="draw the plan as a timeline")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("render", help="render a narrative to a WAV file (offline, as fast as it goes)")
    p.add_argument("text")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--engine", default="procedural")
    p.add_argument("--duration", type=float, default=0.0, help="seconds (default: the plan's length)")
    p.add_argument("--state", action="append", metavar="KEY=VALUE")
    p.add_argument("--server", help="render on a server (HOST:PORT) instead of in this process")
    p.add_argument("--workers", type=int, default=1)
    _add_format_args(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("listen", help="connect as a game: play the stream in real time, send cues")
    p.add_argument("cues", nargs="*", help="cue texts (default: one per line on stdin)")
    p.add_argument("--server", default=DEFAULT_ADDRESS)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("-o", "--output", default="listen.wav")
    p.add_argument("--every", type=float, default=3.0, help="seconds between argument cues")
    p.add_argument("--first-cue-at", type=float, default=0.5)
    p.add_argument("--chunk-ms", type=int, default=20)
    p.add_argument("--lookahead-ms", type=int, default=0)
    p.add_argument("--prebuffer", type=int, default=2, help="chunks buffered before playback starts")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--engine", default="")
    p.add_argument("--scene", default="")
    _add_format_args(p)
    p.set_defaults(func=cmd_listen)

    p = sub.add_parser("info", help="print a server's engines, formats and limits")
    p.add_argument("--server", default=DEFAULT_ADDRESS)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("gallery", help="render every procedural class to WAV plus a spectrogram sheet")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--rate", type=int, default=48000)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_gallery)

    from . import bench
    bench.register(sub)
    for mod in sorted(m.name for m in pkgutil.iter_modules(_package_path())
                      if m.name.startswith("commands_")):
        importlib.import_module(f"{__package__}.{mod}").register(sub)
    return ap


def _package_path() -> list[str]:
    return [str(Path(__file__).parent)]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .logs import configure
    configure(args.log_level, args.log_format)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
