"""The transport floor: the Session stream with no planning, rendering or mixing.

Same wire, same chunk sizes, same flow control (``session.FlowControl`` and ``session.pump``),
but every chunk is silence and a cue is answered by a one-event plan starting at the next chunk.
`soundweaver bench` runs it beside the real server so results can be quoted as ratios to what
gRPC and Python alone cost on the machine at hand.
"""
from __future__ import annotations

import asyncio
import collections
import secrets
import time

import grpc

from ..models.plan import AudioFormat
from ..v1 import soundweaver_pb2 as pb
from ..v1 import soundweaver_pb2_grpc as pb_grpc
from . import wire
from .session import FlowControl, SentChunk, pump


class BaselineSession:
    def __init__(self, fmt: AudioFormat, chunk_frames: int, lookahead_frames: int):
        self.id = secrets.token_hex(8)
        self.format = fmt
        self.chunk_frames = chunk_frames
        self.flow = FlowControl(fmt.sample_rate, lookahead_frames)
        self.silence = bytes(chunk_frames * fmt.bytes_per_frame)
        self.outbox: collections.deque = collections.deque()
        self.wake = asyncio.Event()
        self.ended = False
        self.generation = 0
        self.emitted = 0
        self.sequence = 0
        self.revision = 0
        self.last: SentChunk | None = None

    async def produce(self) -> None:
        self.last = SentChunk(self.sequence, self.emitted, self.chunk_frames, self.revision, self.silence)
        self.sequence += 1
        self.emitted += self.chunk_frames

    def unsent(self, cursor: int) -> list[SentChunk]:
        return [self.last] if self.last.start_frame + self.last.frames > cursor else []

    def on_cue(self, cue: pb.Cue) -> None:
        self.revision += 1
        start = self.emitted / self.format.sample_rate
        event = pb.SoundEvent(id=f"e{self.revision}", caption=cue.text, sound_class="silence",
                              start_s=start, duration_s=1.0, cue_id=cue.cue_id, state=pb.EVENT_STATE_SCHEDULED)
        self.outbox.append(pb.ServerMessage(plan=pb.PlanUpdate(revision=self.revision, reason="cue",
                                                               cue_id=cue.cue_id, events=[event])))
        self.wake.set()


class TransportBaselineService(pb_grpc.SoundweaverServicer):
    def __init__(self, default_chunk_ms: int = 20, default_lookahead_ms: int = 120):
        self.default_chunk_ms = default_chunk_ms
        self.default_lookahead_ms = default_lookahead_ms

    async def Session(self, request_iterator, context):
        await context.send_initial_metadata(())  # as the real server does (clients wait for it)
        first = await request_iterator.__anext__()
        if isinstance(first, wire.Undecodable) or first.WhichOneof("kind") != "start":
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "the first message must be start")
        start = first.start
        fmt = wire.audio_format(start.format)
        chunk_ms = start.chunk_ms or self.default_chunk_ms
        lookahead_ms = start.lookahead_ms or max(self.default_lookahead_ms, 2 * chunk_ms)
        session = BaselineSession(fmt, round(fmt.sample_rate * chunk_ms / 1000),
                                  round(fmt.sample_rate * lookahead_ms / 1000))
        await context.write(pb.ServerMessage(started=pb.SessionStarted(
            session_id=session.id, format=wire.audio_format_pb(fmt), chunk_frames=session.chunk_frames,
            lookahead_ms=lookahead_ms, engine="baseline")))

        async def read() -> None:
            async for msg in request_iterator:
                kind = None if isinstance(msg, wire.Undecodable) else msg.WhichOneof("kind")
                if kind == "ack":
                    session.flow.on_ack(msg.ack.played_frame, session.emitted, time.monotonic())
                    session.wake.set()
                elif kind == "cue":
                    session.on_cue(msg.cue)
                elif kind == "end":
                    session.ended = True
                    session.wake.set()
                    return

        reader = asyncio.create_task(read())
        try:
            await pump(session, context.write, 0)
        finally:
            reader.cancel()

    async def GetServerInfo(self, request, context):
        return pb.ServerInfo(version="transport-baseline",
                             engines=[pb.EngineInfo(name="baseline", available=True)])
