"""The Python client: what `soundweaver listen`, the tests and the benchmark use to act like a game.

``Connection`` is the one place that knows how a client reaches a server: address, API key
(`authorization: Bearer KEY` metadata), plaintext or TLS (root certificates, a client certificate
for mutual TLS, a server-name override) and the connect deadline. ``add_connection_args`` gives
every client command (info, listen, render --server, bench) the same options for it, and
``rpc_error_line`` turns a failed call into the one line those commands print.

``SessionClient`` speaks the Session stream. ``Player`` plays what it receives on a real-time
playback clock with an engine-like buffer: it consumes audio as time passes, counts underruns
when the buffer runs dry, acknowledges what it played, and measures cue-to-audio latency: from
sending a cue to receiving the first chunk that contains audio of the cue's first event.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import grpc
import numpy as np

from ..engines import pcm
from ..models.plan import AudioFormat, Encoding
from ..v1 import soundweaver_pb2 as pb
from ..v1 import soundweaver_pb2_grpc as pb_grpc
from . import wire


HEADERS_WAIT_S = 5.0
CLOSE_WAIT_S = 2.0  # how long close() waits for the server to end the call after EndSession
API_KEY_ENV = "SOUNDWEAVER_API_KEY"


class ConnectionOptionError(ValueError):
    """Connection options that cannot work together (or name files that are not there)."""


@dataclass(frozen=True)
class Connection:
    """How to reach one server: its address, the API key, TLS settings and the connect deadline.

    Any TLS option (``tls``, ``tls_ca``, ``tls_cert``/``tls_key``, ``tls_server_name``) makes the
    channel secure; without ``tls_ca`` the system's root certificates verify the server.
    ``timeout`` (seconds, None: no deadline) bounds connecting: a unary call's whole deadline,
    a session's wait for ``SessionStarted``.
    """
    target: str
    api_key: str | None = None
    tls: bool = False
    tls_ca: str | None = None
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_server_name: str | None = None
    timeout: float | None = None

    @classmethod
    def from_args(cls, a: argparse.Namespace, target: str | None = None) -> "Connection":
        """From the options ``add_connection_args`` adds; the key falls back to $SOUNDWEAVER_API_KEY."""
        conn = cls(target if target is not None else a.server,
                   api_key=a.api_key or os.environ.get(API_KEY_ENV) or None,
                   tls=a.tls, tls_ca=a.tls_ca, tls_cert=a.tls_cert, tls_key=a.tls_key,
                   tls_server_name=a.tls_server_name, timeout=a.timeout)
        conn.check()
        return conn

    @property
    def secure(self) -> bool:
        return bool(self.tls or self.tls_ca or self.tls_cert or self.tls_key or self.tls_server_name)

    def check(self) -> None:
        """Raise ``ConnectionOptionError`` for options that cannot work (checked before any network traffic)."""
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ConnectionOptionError("mutual TLS needs both --tls-cert and --tls-key")
        for flag, path in (("--tls-ca", self.tls_ca), ("--tls-cert", self.tls_cert), ("--tls-key", self.tls_key)):
            if path and not Path(path).is_file():
                raise ConnectionOptionError(f"{flag} {path}: no such file")
        if self.timeout is not None and not self.timeout > 0:
            raise ConnectionOptionError(f"--timeout must be positive, got {self.timeout:g}")

    def with_target(self, target: str) -> "Connection":
        return replace(self, target=target)

    @property
    def metadata(self) -> tuple:
        """Call metadata: the bearer token when there is a key."""
        return (("authorization", f"Bearer {self.api_key}"),) if self.api_key else ()

    def credentials(self) -> grpc.ChannelCredentials | None:
        if not self.secure:
            return None
        read = lambda p: Path(p).read_bytes() if p else None  # noqa: E731
        return grpc.ssl_channel_credentials(read(self.tls_ca), read(self.tls_key), read(self.tls_cert))

    def options(self) -> list:
        return [("grpc.ssl_target_name_override", self.tls_server_name)] if self.tls_server_name else []

    def aio_channel(self) -> grpc.aio.Channel:
        """A new grpc.aio channel to the server, secure or plaintext as configured."""
        creds = self.credentials()
        if creds is None:
            return grpc.aio.insecure_channel(self.target, options=self.options())
        return grpc.aio.secure_channel(self.target, creds, options=self.options())

    def deadline_error(self, what: str = "answer") -> grpc.aio.AioRpcError:
        """The error a missed connect deadline raises (the same type a failed call raises)."""
        return grpc.aio.AioRpcError(grpc.StatusCode.DEADLINE_EXCEEDED, grpc.aio.Metadata(), grpc.aio.Metadata(),
                                    details=f"no {what} from the server")


def add_connection_args(p: argparse.ArgumentParser, server_default: str | None,
                        server_help: str = "server address", timeout_default: float = 5.0) -> None:
    """The options every client command shares: where the server is and how to get in."""
    g = p.add_argument_group("connection")
    g.add_argument("--server", default=server_default, metavar="HOST:PORT",
                   help=server_help + (f" (default {server_default})" if server_default else ""))
    g.add_argument("--api-key", metavar="KEY", default=None,
                   help=f"API key, sent as `authorization: Bearer KEY` (default: ${API_KEY_ENV})")
    g.add_argument("--tls", action="store_true", help="connect over TLS, verified against the system's roots")
    g.add_argument("--tls-ca", metavar="PEM", help="root certificates to verify the server with (implies --tls)")
    g.add_argument("--tls-cert", metavar="PEM", help="client certificate for mutual TLS (with --tls-key)")
    g.add_argument("--tls-key", metavar="PEM", help="client private key for mutual TLS (with --tls-cert)")
    g.add_argument("--tls-server-name", metavar="NAME",
                   help="expect this name in the server's certificate instead of the address's host "
                        "(self-signed test certificates)")
    g.add_argument("--timeout", type=float, default=timeout_default, metavar="SECONDS",
                   help=f"deadline for connecting and the first answer (default {timeout_default:g})")


def _hint(code: grpc.StatusCode, target: str, timeout: float | None) -> str:
    if code == grpc.StatusCode.UNAVAILABLE:
        return f"is a server running at {target}, and does it expect TLS? see --tls, --tls-ca"
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return f"server {target} wants an API key: --api-key KEY or ${API_KEY_ENV}"
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        t = f" within {timeout:g} s" if timeout else ""
        return f"server {target} did not answer{t}: check the address, or raise --timeout"
    return f"server {target}"


def rpc_error_line(command: str, exc: grpc.RpcError, target: str | None = None,
                   timeout: float | None = None) -> str:
    """``soundweaver CMD: STATUS: details (server ADDR: what to check)``, on one line."""
    code = exc.code() if callable(getattr(exc, "code", None)) else None
    details = exc.details() if callable(getattr(exc, "details", None)) else None
    name = code.name if code is not None else "ERROR"
    details = " ".join(str(details or exc).split())
    hint = f" ({_hint(code, target, timeout)})" if target and code is not None else ""
    return f"soundweaver {command}: {name}: {details}{hint}"


@dataclass
class Received:
    sequence: int
    start_frame: int
    frames: int
    revision: int
    data: bytes
    arrival: float


class SessionClient:
    """One live session over one gRPC stream. Use ``async with``; read with ``messages()``."""

    def __init__(self, target: "str | Connection", fmt: AudioFormat = AudioFormat(), chunk_ms: int = 0,
                 lookahead_ms: int = 0, seed: int = 0, engine: str = "", scene: str = "",
                 narrative: str = "", state: pb.GameState | None = None, metadata=None,
                 channel: grpc.aio.Channel | None = None, api_key: str | None = None):
        """``target`` is an address (plaintext, ``api_key`` if given) or a ``Connection``."""
        conn = target if isinstance(target, Connection) else Connection(target)
        if api_key:
            conn = replace(conn, api_key=api_key)
        self.connection = conn
        self.target = conn.target
        self.format = fmt
        self.start_msg = pb.StartSession(
            format=wire.audio_format_pb(fmt), chunk_ms=chunk_ms, lookahead_ms=lookahead_ms, seed=seed,
            engine=engine, scene=scene, narrative=narrative, state=state)
        self.metadata = list(metadata or []) + list(conn.metadata)
        self._own_channel = channel is None
        self.channel = channel
        self.call = None
        self.started: pb.SessionStarted | None = None
        self._cue_ids = itertools.count(1)
        self.cue_sent: dict[str, float] = {}
        self.ending = False  # the server announced the end of this stream (Notice stream_ending)

    async def __aenter__(self) -> "SessionClient":
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def open(self, resume_session_id: str = "", resume_from_frame: int = 0) -> pb.SessionStarted:
        """Start (or resume) the session; returns the server's SessionStarted. With a connection
        timeout, a server that has not started the session by then raises DEADLINE_EXCEEDED."""
        if self.connection.timeout is None:
            return await self._open(resume_session_id, resume_from_frame)
        try:
            return await asyncio.wait_for(self._open(resume_session_id, resume_from_frame), self.connection.timeout)
        except asyncio.TimeoutError:
            if self.call is not None:
                self.call.cancel()
            raise self.connection.deadline_error("session start") from None

    async def _open(self, resume_session_id: str, resume_from_frame: int) -> pb.SessionStarted:
        if self.channel is None:
            self.channel = self.connection.aio_channel()
        self.call = pb_grpc.SoundweaverStub(self.channel).Session(metadata=self.metadata)
        self.ending = False
        start = pb.StartSession()
        start.CopyFrom(self.start_msg)
        start.resume_session_id = resume_session_id
        start.resume_from_frame = resume_from_frame
        # Wait for the server's headers first: a call it refuses up front (no key, shutting down)
        # then ends with the server's status instead of this client's failed write (INTERNAL).
        try:  # a server that holds its headers until it has our first message gets it anyway
            await asyncio.wait_for(asyncio.shield(self.call.initial_metadata()), HEADERS_WAIT_S)
        except asyncio.TimeoutError:
            pass
        if self.call.done():
            raise await self._status_error()
        await self.call.write(pb.ClientMessage(start=start))
        msg = await self.call.read()
        if msg is grpc.aio.EOF:
            raise await self._status_error()
        if msg.WhichOneof("kind") != "started":
            raise ConnectionError(f"expected started, got {msg.WhichOneof('kind')}")
        self.started = msg.started
        return self.started

    async def _status_error(self) -> grpc.aio.AioRpcError:
        """The status the server ended this call with, as the error gRPC raises for it."""
        return grpc.aio.AioRpcError(await self.call.code(), await self.call.initial_metadata(),
                                    await self.call.trailing_metadata(), await self.call.details())

    async def close(self, end: bool = True) -> None:
        if self.call is not None:
            if end and not self.call.done():
                try:
                    await self.call.write(pb.ClientMessage(end=pb.EndSession(reason="client closed")))
                    await self.call.done_writing()
                    # Let the server read the end before the call is cancelled below: a cancel
                    # that overtakes it leaves the session detached (kept for resume), not ended.
                    await asyncio.wait_for(asyncio.shield(self.call.code()), CLOSE_WAIT_S)
                except asyncio.TimeoutError:
                    pass
                except (grpc.aio.AioRpcError, asyncio.InvalidStateError, grpc.aio.UsageError):
                    pass
                except asyncio.CancelledError:
                    # cancelling a task blocked in call.read() cancels the RPC itself, and then
                    # the write reports that; only a cancellation of this task propagates
                    if asyncio.current_task().cancelling():
                        raise
            self.call.cancel()
            self.call = None
        if self._own_channel and self.channel is not None:
            await self.channel.close()
            self.channel = None

    async def drop(self) -> None:
        """Vanish without ending the session (a network loss): the server keeps it for resume."""
        if self.call is not None:
            self.call.cancel()
            self.call = None

    async def cue(self, text: str = "", cue_id: str | None = None, at_s: float | None = None,
                  script: str = "", args: dict | None = None) -> str:
        cue_id = cue_id or f"c{next(self._cue_ids)}"
        msg = pb.Cue(cue_id=cue_id, text=text, script=script, args=args or {})
        if at_s is not None:
            msg.at_s = at_s
        self.cue_sent[cue_id] = time.monotonic()
        await self.call.write(pb.ClientMessage(cue=msg))
        return cue_id

    async def state(self, parameters: dict | None = None, states: dict | None = None,
                    switches: dict | None = None) -> None:
        await self.call.write(pb.ClientMessage(state=pb.GameState(
            parameters=parameters or {}, states=states or {}, switches=switches or {})))

    async def ack(self, played_frame: int, underruns: int = 0) -> None:
        if self.ending:
            return
        await self.call.write(pb.ClientMessage(ack=pb.PlaybackAck(played_frame=played_frame, underruns=underruns)))

    async def messages(self):
        """Server messages until the stream ends (raises the stream's error status, if any)."""
        while True:
            msg = await self.call.read()
            if msg is grpc.aio.EOF:
                return
            if msg.WhichOneof("kind") == "notice" and msg.notice.code == "stream_ending":
                self.ending = True  # stop writing: a write racing the end would turn the status INTERNAL
            yield msg


@dataclass
class PlaybackReport:
    seconds: float
    frames_received: int
    frames_played: int
    underruns: int
    underrun_ms: float
    cue_latency_ms: dict[str, float]
    first_chunk_ms: float
    gaps: int  # chunks whose start_frame did not continue the previous one
    notices: list = field(default_factory=list)
    plan_updates: int = 0
    chunk_intervals_ms: list = field(default_factory=list)

    def percentile(self, q: float) -> float:
        vals = list(self.cue_latency_ms.values())
        return float(np.percentile(vals, q)) if vals else float("nan")

    def summary_line(self) -> str:
        return (f"cue_to_audio_ms p50={self.percentile(50):.1f} p99={self.percentile(99):.1f} "
                f"underruns={self.underruns}")


class Player:
    """Plays a session on a real-time clock: receive, buffer, consume, ack, measure."""

    def __init__(self, client: SessionClient, prebuffer_chunks: int = 2, record: bool = True,
                 ack_every_chunks: int = 2):
        self.client = client
        self.ack_every_chunks = ack_every_chunks
        self.prebuffer_chunks = prebuffer_chunks
        self.record = record
        self.chunks: list[Received] = []
        self.buffered = 0
        self.received = 0
        self.next_frame: int | None = None
        self.gaps = 0
        self.underruns = 0
        self.underrun_frames = 0
        self.played = 0
        self.first_event: dict[str, tuple[int, int]] = {}  # cue id -> (start, end) frame of its first event
        self.latency: dict[str, float] = {}
        self.notices: list[pb.Notice] = []
        self.plan_updates = 0
        self.events: dict[str, pb.SoundEvent] = {}
        self.arrivals: list[float] = []
        self._have_audio = asyncio.Event()

    @property
    def rate(self) -> int:
        return self.client.started.format.sample_rate

    async def receive(self) -> None:
        """Read the stream into the buffer until it ends."""
        async for msg in self.client.messages():
            kind = msg.WhichOneof("kind")
            if kind == "audio":
                self._on_audio(msg.audio)
            elif kind == "plan":
                self.plan_updates += 1
                for e in msg.plan.events:
                    self.events[e.id] = e
                    if e.cue_id and e.cue_id not in self.first_event:
                        self._first_event_of(e.cue_id, msg.plan)
            elif kind == "notice":
                self.notices.append(msg.notice)

    def _first_event_of(self, cue_id: str, plan: pb.PlanUpdate) -> None:
        own = [e for e in plan.events if e.cue_id == cue_id and e.state != pb.EVENT_STATE_CANCELLED]
        if own:
            e = min(own, key=lambda e: e.start_s)
            self.first_event[cue_id] = (int(e.start_s * self.rate), int((e.start_s + e.duration_s) * self.rate))

    def _on_audio(self, a: pb.AudioChunk) -> None:
        now = time.monotonic()
        self.arrivals.append(now)
        if self.next_frame is not None and a.start_frame != self.next_frame:
            self.gaps += 1
        self.next_frame = a.start_frame + a.frames
        self.buffered += a.frames
        self.received += a.frames
        if self.record:
            self.chunks.append(Received(a.sequence, a.start_frame, a.frames, a.plan_revision, a.data, now))
        lo, hi = a.start_frame, a.start_frame + a.frames
        for cue_id, (start, end) in self.first_event.items():
            if cue_id not in self.latency and start < hi and end > lo and cue_id in self.client.cue_sent:
                self.latency[cue_id] = 1000 * (now - self.client.cue_sent[cue_id])
        if self.buffered >= self.prebuffer_chunks * self.client.started.chunk_frames:
            self._have_audio.set()

    async def play(self, seconds: float, on_tick=None) -> None:
        """Consume audio in real time for ``seconds`` after the prebuffer fills; ack as it plays."""
        await self._have_audio.wait()
        base = self.client.started.start_frame
        t0 = time.monotonic()
        tick = self.client.started.chunk_frames / self.rate
        consumed = 0  # frames of playback time elapsed (audio or silence)
        acked = 0
        ack_frames = self.ack_every_chunks * self.client.started.chunk_frames
        while True:
            now = time.monotonic()
            due = int((now - t0) * self.rate) - consumed
            if due > 0:
                take = min(due, self.buffered)
                if take < due:
                    self.underruns += 1
                    self.underrun_frames += due - take
                self.buffered -= take
                self.played += take
                consumed += due
                if self.played - acked >= ack_frames or take < due:
                    acked = self.played
                    try:
                        await self.client.ack(base + self.played, self.underruns)
                    except (grpc.aio.AioRpcError, grpc.aio.UsageError, AttributeError):
                        return
            if on_tick is not None:
                await on_tick(now - t0)
            if now - t0 >= seconds:
                return
            await asyncio.sleep(tick)

    def report(self, seconds: float, first_chunk_ms: float = float("nan")) -> PlaybackReport:
        intervals = list(np.diff(self.arrivals) * 1000) if len(self.arrivals) > 1 else []
        return PlaybackReport(seconds, self.received, self.played, self.underruns,
                              1000 * self.underrun_frames / self.rate, dict(self.latency), first_chunk_ms,
                              self.gaps, list(self.notices), self.plan_updates, intervals)

    def audio(self) -> np.ndarray:
        """Everything received, in order, as float (frames, channels)."""
        fmt = self.client.started.format
        enc = Encoding.PCM_F32LE if fmt.encoding == pb.PCM_F32LE else Encoding.PCM_S16LE
        parts = [pcm.decode(c.data, enc, fmt.channels) for c in sorted(self.chunks, key=lambda c: c.start_frame)]
        return np.concatenate(parts) if parts else np.zeros((0, fmt.channels), np.float32)
