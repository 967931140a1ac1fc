"""`soundweaver` command line: serve, plan, render, listen, info, gallery (and plug-in commands).

Modules named ``commands_*.py`` in this package add subcommands through ``register(subparsers)``;
they must import heavy packages inside their commands, never at import time.

Client commands (info, listen, render --server, bench) share one set of connection options
(``client.add_connection_args``). Exit codes: 0 success, 1 the server could not be reached or
refused (one line: ``soundweaver CMD: STATUS: details``), 2 a usage error or a missing optional
package (argparse's message, or one line naming what to install).
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

from .. import __version__
from ..models.plan import AudioFormat, Encoding, GameState

DEFAULT_ADDRESS = "127.0.0.1:50051"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _connection(a):
    from .client import Connection
    return Connection.from_args(a)


def _need_plotting(command: str, what: str, extra: str = "plot") -> int | None:
    """Before any work: 2 and one line naming the install when matplotlib is missing, else None."""
    from .plots import plotting_problem
    problem = plotting_problem(what, extra)
    if problem is None:
        return None
    print(f"soundweaver {command}: {problem}", file=sys.stderr)
    return 2


class UsageError(ValueError):
    """A bad value the parser could not check: the command ends with exit code 2 and the message."""


def _state_from_args(pairs: list[str]) -> GameState:
    """k=v pairs: numbers become parameters, surface=... a switch, the rest states."""
    params, states, switches = {}, {}, {}
    for pair in pairs or []:
        key, _, value = pair.partition("=")
        if not key or not _:
            raise UsageError(f"--state expects key=value, got {pair!r}")
        try:
            params[key] = float(value)
        except ValueError:
            (switches if key == "surface" else states)[key] = value
    return GameState(params, states, switches)


def _format_from_args(a) -> AudioFormat:
    fmt = AudioFormat(a.rate, a.channels, Encoding(a.encoding))
    if fmt.problems():
        raise UsageError("bad format: " + "; ".join(fmt.problems()))
    return fmt


def _add_routing_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engines and misses")
    g.add_argument("--library", metavar="INDEX",
                   help="the studio's recordings: an index made by `soundweaver library index` (preferred "
                        "over the procedural engine where it matches a caption)")
    g.add_argument("--match-threshold", type=float, default=0.5, metavar="SCORE",
                   help="an event no engine renders with at least this score (0..1) is a miss (default 0.5)")
    g.add_argument("--on-miss", choices=("nearest", "skip"), default="nearest",
                   help="a miss is reported (a no_match notice, miss in the plan), then played as its "
                        "nearest candidate or skipped (default nearest)")


def _routing(a):
    from ..engines.routing import RoutingPolicy
    policy = RoutingPolicy(a.match_threshold, a.on_miss)
    if policy.problems():
        raise UsageError("; ".join(policy.problems()))
    return policy


def _local_engines(a, first: str = "procedural") -> list:
    """The engines an offline command routes to, in the designer's order."""
    from ..engines.registry import create_engine
    from ..engines.routing import engine_order
    built = {first: create_engine(first)}
    built.setdefault("procedural", create_engine("procedural"))
    if getattr(a, "library", None):
        built["library"] = create_engine("library", index=a.library)
    return [built[n] for n in engine_order(built, first)]


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
        metrics_port=a.metrics_port, library=a.library, routing=_routing(a),
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
    if a.plot and (rc := _need_plotting("plan", "--plot")) is not None:
        return rc
    from ..engines.routing import routed_plan
    from ..models.planner import plan_narrative, plan_to_dict
    plan = routed_plan(plan_narrative(a.text, state=_state_from_args(a.state), seed=a.seed),
                       _local_engines(a), _routing(a))
    if a.json:
        print(json.dumps(plan_to_dict(plan), indent=None if a.compact else 2))
    else:
        print(f"scene {plan.scene}, emotion {plan.emotion}, {len(plan.events)} events, {plan.duration_s:.1f} s")
        print(f"{'start':>6} {'dur':>5}  {'layer':<9}{'class':<19}{'int':>4} {'dist':>4} {'match':>6}  caption")
        for e in plan.events:
            score = f"{e.match_score:.2f}" + ("!" if e.miss else " ")
            print(f"{e.start_s:6.2f} {e.duration_s:5.2f}  {e.layer.value:<9}{e.sound_class:<19}"
                  f"{e.intensity:4.1f} {e.distance:4.1f} {score:>6}  {e.caption}"
                  + (f"  [{e.engine}: {e.match}]" if e.engine != "procedural" else ""))
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
        samples, summary, plan = asyncio.run(_render_remote(_connection(a), a, fmt))
    else:
        from ..engines.routing import EngineSet, routed_plan
        from ..engines.track import render_track
        from ..models.bridge import session_context
        from ..models.planner import plan_narrative
        engines = _local_engines(a, a.engine)
        plan = routed_plan(plan_narrative(a.text, state=_state_from_args(a.state), seed=a.seed), engines,
                           _routing(a))
        t0 = time.perf_counter()
        track = render_track(plan.events, EngineSet({e.name: e for e in engines}),
                             session_context(a.seed, plan.scene, plan.emotion), fmt, a.duration or None,
                             workers=a.workers)
        wall = time.perf_counter() - t0
        samples = track.samples
        summary = dict(loudness_lufs=track.loudness_lufs, true_peak_dbfs=track.true_peak_dbfs, render_seconds=wall)
    subtype = "FLOAT" if fmt.encoding is Encoding.PCM_F32LE else "PCM_16"
    sf.write(a.output, samples, fmt.sample_rate, subtype=subtype)
    dur = len(samples) / fmt.sample_rate
    for e in plan.events:
        print(f"  {e.start_s:6.2f}-{e.end_s:6.2f}s  {e.sound_class:<18} {e.caption}" + ("  (miss)" if e.miss else ""))
    for n in plan.notices:
        print(f"notice [{n.code}] {n.message}", file=sys.stderr)
    print(f"wrote {a.output}: {dur:.2f} s, {len(plan.events)} events, "
          f"{summary['loudness_lufs']:.1f} LUFS, true peak {summary['true_peak_dbfs']:.1f} dBTP, "
          f"rendered in {summary['render_seconds']:.2f} s ({dur / max(summary['render_seconds'], 1e-9):.0f}x real time)")
    return 0


async def _render_remote(conn, a, fmt: AudioFormat):
    import numpy as np

    from ..engines.pcm import decode
    from ..v1 import soundweaver_pb2 as pb
    from ..v1 import soundweaver_pb2_grpc as pb_grpc
    from . import wire
    state = _state_from_args(a.state)
    async with conn.aio_channel() as channel:
        stub = pb_grpc.SoundweaverStub(channel)
        parts, summary, plan_msg = [], None, None
        call = stub.Render(pb.RenderRequest(text=a.text, format=wire.audio_format_pb(fmt), seed=a.seed,
                                            engine=a.engine, state=wire.game_state_pb(state),
                                            duration_s=a.duration), metadata=conn.metadata)
        try:  # the plan comes first, before rendering: that much must arrive within the deadline
            await asyncio.wait_for(call.initial_metadata(), conn.timeout)
        except asyncio.TimeoutError:
            call.cancel()
            raise conn.deadline_error("answer") from None
        async for msg in call:
            if msg.HasField("plan"):
                plan_msg = msg.plan
            if msg.HasField("audio"):
                parts.append(decode(msg.audio.data, fmt.encoding, fmt.channels))
            if msg.HasField("summary"):
                summary = msg.summary
    if plan_msg is None or summary is None:
        raise ConnectionError(f"server {conn.target} ended the render before sending the whole track")
    from ..models.plan import Layer, Notice, Plan, SoundEvent
    events = [SoundEvent(e.id, e.caption, e.sound_class, Layer(wire.layer_name(e.layer)), e.start_s, e.duration_s,
                         engine=e.engine, match=e.match, match_score=e.match_score, miss=e.miss)
              for e in plan_msg.events]
    notices = [Notice(n.code, n.message) for n in plan_msg.notices]
    return (np.concatenate(parts), dict(loudness_lufs=summary.loudness_lufs, true_peak_dbfs=summary.true_peak_dbfs,
                                        render_seconds=summary.render_seconds), Plan(0, events, notices=notices))


# ---------------------------------------------------------------------------------------- listen
def cmd_listen(a) -> int:
    import soundfile as sf

    from .client import Player, SessionClient, rpc_error_line
    fmt = _format_from_args(a)
    conn = _connection(a)
    cues = list(a.cues)
    lines: asyncio.Queue | None = None

    async def run() -> "tuple":
        client = SessionClient(conn, fmt, chunk_ms=a.chunk_ms, lookahead_ms=a.lookahead_ms, seed=a.seed,
                               engine=a.engine, scene=a.scene)
        try:
            return await session(client)
        finally:
            await client.close()

    async def session(client) -> "tuple":
        nonlocal lines
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
        await asyncio.wait({first, receiver}, return_when=asyncio.FIRST_COMPLETED)
        if not first.done():  # the stream ended before the prebuffer filled: say how
            first.cancel()
            receiver.result()
            raise ConnectionError(f"server {conn.target} ended the stream before sending audio")
        first_ms = 1000 * (player.arrivals[0] - t_open) if player.arrivals else float("nan")
        await player.play(a.seconds, on_tick)
        ended = None  # a stream the server ended with an error status (dropped, shut down)
        if receiver.done() and not receiver.cancelled() and receiver.exception() is not None:
            ended = receiver.exception()
        receiver.cancel()
        return player, player.report(a.seconds, first_ms), ended

    player, report, ended = asyncio.run(run())
    audio = player.audio()
    subtype = "FLOAT" if fmt.encoding is Encoding.PCM_F32LE else "PCM_16"
    sf.write(a.output, audio, fmt.sample_rate, subtype=subtype)
    for n in report.notices:
        print(f"notice [{n.code}] {n.message}", file=sys.stderr)
    print(f"wrote {a.output}: {len(audio) / fmt.sample_rate:.2f} s received, {report.gaps} gaps, "
          f"first chunk after {report.first_chunk_ms:.0f} ms, {report.plan_updates} plan updates", file=sys.stderr)
    print(report.summary_line())
    if ended is not None:
        print(rpc_error_line("listen", ended, conn.target), file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------------------------------- info
def cmd_info(a) -> int:
    from google.protobuf import json_format

    from ..v1 import soundweaver_pb2 as pb
    from ..v1 import soundweaver_pb2_grpc as pb_grpc
    conn = _connection(a)

    async def get():
        async with conn.aio_channel() as channel:
            return await pb_grpc.SoundweaverStub(channel).GetServerInfo(
                pb.GetServerInfoRequest(), metadata=conn.metadata, timeout=conn.timeout)
    print(json_format.MessageToJson(asyncio.run(get())))
    return 0


# ---------------------------------------------------------------------------------------- gallery
def cmd_gallery(a) -> int:
    if (rc := _need_plotting("gallery", "the spectrogram contact sheet")) is not None:
        return rc
    fmt = AudioFormat(a.rate, 1)
    if fmt.problems():
        print("soundweaver gallery: " + "; ".join(fmt.problems()), file=sys.stderr)
        return 2
    from ..engines.procedural.gallery import render_gallery

    def progress(i: int, n: int, name: str) -> None:
        print(f"[{i:>{len(str(n))}}/{n}] {name}" if name else "drawing the contact sheet",
              file=sys.stderr, flush=True)
    paths = render_gallery(Path(a.output), sample_rate=a.rate, seed=a.seed, progress=progress)
    print(f"wrote {len(paths)} files to {a.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .client import add_connection_args
    ap = argparse.ArgumentParser(prog="soundweaver", description=__doc__.splitlines()[0])
    ap.add_argument("--version", action="version", version=f"soundweaver {__version__}")
    ap.add_argument("--log-level", default="INFO", type=str.upper, choices=LOG_LEVELS,
                    help="one of " + ", ".join(LOG_LEVELS) + " (default INFO)")
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
    _add_routing_args(p)
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
    _add_routing_args(p)
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("render", help="render a narrative to a WAV file (offline, as fast as it goes)")
    p.add_argument("text")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--engine", default="procedural")
    p.add_argument("--duration", type=float, default=0.0, help="seconds (default: the plan's length)")
    p.add_argument("--state", action="append", metavar="KEY=VALUE")
    p.add_argument("--workers", type=int, default=1)
    _add_routing_args(p)
    add_connection_args(p, None, "render on this server instead of in this process", timeout_default=10.0)
    _add_format_args(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("listen", help="connect as a game: play the stream in real time, send cues")
    p.add_argument("cues", nargs="*", help="cue texts (default: one per line on stdin)")
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
    add_connection_args(p, DEFAULT_ADDRESS, timeout_default=10.0)
    p.set_defaults(func=cmd_listen)

    p = sub.add_parser("info", help="print a server's engines, formats and limits")
    add_connection_args(p, DEFAULT_ADDRESS)
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


def _check_connection_args(args) -> None:
    """Connection options that cannot work end here, as usage errors (exit 2), before any traffic."""
    if not hasattr(args, "api_key"):
        return
    from .client import Connection, ConnectionOptionError
    if args.command == "render" and not args.server:
        given = [f for f, v in (("--api-key", args.api_key), ("--tls", args.tls), ("--tls-ca", args.tls_ca),
                                ("--tls-cert", args.tls_cert), ("--tls-key", args.tls_key),
                                ("--tls-server-name", args.tls_server_name)) if v]
        if given:
            _usage_exit(args, f"{', '.join(given)} {'applies' if len(given) == 1 else 'apply'} only with --server")
        return
    try:
        Connection.from_args(args, target=args.server or "")
    except ConnectionOptionError as exc:
        _usage_exit(args, str(exc))


def _usage_exit(args, message: str) -> None:
    print(f"soundweaver {args.command}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    _check_connection_args(args)
    from .logs import configure
    configure(args.log_level, args.log_format)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"soundweaver {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"soundweaver {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        line = _error_line(args, exc)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 1


def _error_line(args, exc: BaseException) -> str | None:
    """One line for what a user can act on: a failed RPC (status, details, address) or an OS-level
    error (a file, a port); None for anything else, which is a bug and keeps its traceback."""
    grpc = sys.modules.get("grpc")
    if grpc is not None and isinstance(exc, grpc.RpcError):
        from .client import rpc_error_line
        return rpc_error_line(args.command, exc, getattr(args, "server", None), getattr(args, "timeout", None))
    if isinstance(exc, OSError):
        return f"soundweaver {args.command}: {exc}"
    return None


if __name__ == "__main__":
    sys.exit(main())
