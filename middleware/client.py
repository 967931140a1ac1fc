"""The Python client: what `soundweaver listen`, the tests and the benchmark use to act like a game.

``SessionClient`` speaks the Session stream. ``Player`` plays what it receives on a real-time
playback clock with an engine-like buffer: it consumes audio as time passes, counts underruns
when the buffer runs dry, acknowledges what it played, and measures cue-to-audio latency: from
sending a cue to receiving the first chunk that contains audio of the cue's first event.
"""
from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

import grpc
import numpy as np

from ..engines import pcm
from ..models.plan import AudioFormat, Encoding
from ..v1 import soundweaver_pb2 as pb
from ..v1 import soundweaver_pb2_grpc as pb_grpc
from . import wire


HEADERS_WAIT_S = 5.0


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

    def __init__(self, target: str, fmt: AudioFormat = AudioFormat(), chunk_ms: int = 0,
                 lookahead_ms: int = 0, seed: int = 0, engine: str = "", scene: str = "",
                 narrative: str = "", state: pb.GameState | None = None, metadata=None,
                 channel: grpc.aio.Channel | None = None, api_key: str | None = None):
        self.target = target
        self.format = fmt
        self.start_msg = pb.StartSession(
            format=wire.audio_format_pb(fmt), chunk_ms=chunk_ms, lookahead_ms=lookahead_ms, seed=seed,
            engine=engine, scene=scene, narrative=narrative, state=state)
        self.metadata = list(metadata or []) + ([("authorization", f"Bearer {api_key}")] if api_key else [])
        self._own_channel = channel is None
        self.channel = channel
        self.call = None
        self.started: pb.SessionStarted | None = None
        self._cue_ids = itertools.count(1)
        self.cue_sent: dict[str, float] = {}

    async def __aenter__(self) -> "SessionClient":
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def open(self, resume_session_id: str = "", resume_from_frame: int = 0) -> pb.SessionStarted:
        """Start (or resume) the session; returns the server's SessionStarted."""
        if self.channel is None:
            self.channel = grpc.aio.insecure_channel(self.target)
        self.call = pb_grpc.SoundweaverStub(self.channel).Session(metadata=self.metadata)
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
        await self.call.write(pb.ClientMessage(ack=pb.PlaybackAck(played_frame=played_frame, underruns=underruns)))

    async def messages(self):
        """Server messages until the stream ends (raises the stream's error status, if any)."""
        while True:
            msg = await self.call.read()
            if msg is grpc.aio.EOF:
                return
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
