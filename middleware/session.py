"""A live session: the just-in-time loop of DESIGN.md.

The session owns its timeline (the plan), its stream mixer and a bounded buffer of what it has
sent. Cues and state changes revise the plan; every new event becomes a render job on the shared
render queue at once (plan ahead); each chunk, the clips due in the mixing window are placed and
the chunk is mixed (mix just in time). A clip that is not ready by the time the client would run
dry falls back to the procedural engine (or, for the procedural engine itself, slides by a chunk)
and is counted late: the stream never stalls.

Flow control: at most ``lookahead`` of audio beyond the client's acknowledged playback position
is in flight; before the first ack the session paces by the wall clock.
"""
from __future__ import annotations

import asyncio
import collections
import logging
import time
from dataclasses import dataclass

import numpy as np

from ..engines.base import Clip, RenderRequest
from ..engines.mixer import StreamMixer
from ..engines.routing import RoutingPolicy, mark, miss_notice, route
from ..models.bridge import SessionContext
from ..models.planner import curves as cv
from ..models.planner.base import PlanChange, Timeline
from ..models.plan import AudioFormat, Cue, EventState, GameState, Notice, SoundEvent
from ..v1 import soundweaver_pb2 as pb
from . import wire
from .config import Limits
from .metrics import Metrics
from .render_queue import RenderQueue

log = logging.getLogger("soundweaver.session")

STARTUP_GRACE_S = 0.3  # the first chunk may wait this long for the opening clips
# Waiting for a late clip never drains the client's buffer below this: a clip that is later still
# slides (or falls back) instead, so a burst of renders costs timing precision, not underruns.
MIN_CLIENT_BUFFER_S = 0.05
MAX_EXTRAPOLATION_S = 0.1  # how far past its last ack a client's playback is assumed to go on
CLOCK_TOLERANCE = 1.05  # a client's playback clock may run this much faster than ours (drift, jitter)


class FlowControl:
    """Pacing of one stream: how far it may run ahead of the client's playback.

    With acks, at most ``lookahead`` frames beyond the acknowledged playback position; before the
    first ack (or after a reconnect), the client is assumed to play in real time from attach.
    """

    def __init__(self, rate: int, lookahead_frames: int):
        self.rate = rate
        self.lookahead_frames = lookahead_frames
        self.played = 0
        self.acked = False
        self.ack_time = 0.0
        self.attach_frame = 0
        self.attach_time = time.monotonic()
        self._credit = float(lookahead_frames)  # how far an ack may run ahead of real time
        self._credit_time = self.attach_time

    def attach(self, frame: int, now: float) -> None:
        self.attach_frame, self.attach_time, self.acked = frame, now, False
        self._credit, self._credit_time = float(self.lookahead_frames), now

    def on_ack(self, played_frame: int, emitted: int, now: float) -> None:
        """Take the client's playback position, as far as real time allows.

        Playback only moves forward (a stale ack must not stall the stream), never past what was
        sent, and never faster than real time plus one lookahead of slack (a token bucket: a
        client's blocky audio callbacks and ack jitter spend the slack, real time refills it, a
        pause cannot bank more than one lookahead). So no claim, however large, makes the server
        run ahead of real time by more than the lookahead it already grants."""
        elapsed = max(0.0, now - self._credit_time)
        available = min(self._credit, float(self.lookahead_frames)) + elapsed * self.rate * CLOCK_TOLERANCE
        claimed = min(max(int(played_frame), self.played), emitted)
        advance = min(claimed - self.played, int(available))
        self.played += advance
        self._credit, self._credit_time = available - advance, now
        self.acked = True
        self.ack_time = now

    def estimated_played(self, emitted: int, now: float) -> float:
        """Where the client's playback probably is (frames)."""
        if self.acked:
            guess = self.played + (now - self.ack_time) * self.rate
        else:
            guess = self.attach_frame + (now - self.attach_time) * self.rate
        return min(float(emitted), guess)

    def allowed(self, now: float) -> float:
        """How far the stream may have been sent by ``now``. Between acks the client's clock is
        extrapolated, but never more than ``MAX_EXTRAPOLATION_S`` past its last ack: a client that
        stops playing (or reading) stops the stream within that bound."""
        if self.acked:
            ahead = min(now - self.ack_time, MAX_EXTRAPOLATION_S) * self.rate
            return self.played + ahead + self.lookahead_frames
        return self.attach_frame + (now - self.attach_time) * self.rate + self.lookahead_frames

    def wait_s(self, next_end: int, now: float) -> float:
        """How long to sleep before the next chunk may go (acks also wake the stream)."""
        if self.acked and now - self.ack_time >= MAX_EXTRAPOLATION_S:
            return 0.25  # a silent client: only an ack will move the stream on
        return max(0.001, (next_end - self.allowed(now)) / self.rate)


class StreamStalled(Exception):
    """The client stopped reading or acknowledging; the stream ends with this reason."""


async def pump(session, write, from_frame: int, stall_timeout_s: float = 30.0) -> None:
    """Send a session's plan updates, notices and audio from ``from_frame`` on, paced by its
    FlowControl.

    ``session`` provides ``outbox``, ``wake``, ``ended``, ``generation``, ``flow``, ``emitted``,
    ``chunk_frames``, ``format``, ``produce()`` (mixes the next chunk into the session's buffer)
    and ``unsent(cursor)`` (buffered chunks ending after ``cursor``); ``write`` sends one
    ServerMessage. Audio always goes out from the buffer by a per-stream cursor, so a resume
    re-sends exactly what the client lacks, including a chunk an older stream of the session was
    still producing when the client came back. Returns when the session ends or a newer stream
    takes it over. Raises StreamStalled when a write blocks (the client stopped reading) or acks
    stop for ``stall_timeout_s``; memory stays bounded either way, since nothing is produced
    beyond the flow-control window.
    """
    generation = session.generation
    bpf = session.format.bytes_per_frame
    cursor = from_frame

    async def send(msg) -> None:
        try:
            await asyncio.wait_for(write(msg), stall_timeout_s)
        except asyncio.TimeoutError:
            raise StreamStalled(f"client stopped reading for {stall_timeout_s:g} s") from None

    while True:
        session.wake.clear()
        while session.outbox:  # plan updates and notices go before the audio they describe
            await send(session.outbox.popleft())
        if session.ended or session.generation != generation:
            return
        if cursor < session.emitted:
            for chunk in session.unsent(cursor):
                await send(chunk.message(bpf, cursor if chunk.start_frame < cursor else None))
                cursor = chunk.start_frame + chunk.frames
            continue
        now = time.monotonic()
        next_end = session.emitted + session.chunk_frames
        if next_end <= session.flow.allowed(now):
            await session.produce()
            continue
        if session.flow.acked and now - session.flow.ack_time > stall_timeout_s:
            raise StreamStalled(f"client stopped acknowledging playback for {stall_timeout_s:g} s")
        try:
            await asyncio.wait_for(session.wake.wait(), timeout=session.flow.wait_s(next_end, now))
        except asyncio.TimeoutError:
            pass


@dataclass
class SentChunk:
    sequence: int
    start_frame: int
    frames: int
    revision: int
    data: bytes

    def message(self, bytes_per_frame: int, from_frame: int | None = None) -> pb.ServerMessage:
        """The chunk on the wire; ``from_frame`` cuts its head off (a resume inside a chunk)."""
        skip = 0 if from_frame is None else from_frame - self.start_frame
        return pb.ServerMessage(audio=pb.AudioChunk(
            sequence=self.sequence, start_frame=self.start_frame + skip, frames=self.frames - skip,
            plan_revision=self.revision, data=self.data[skip * bytes_per_frame:]))


class LiveSession:
    def __init__(self, session_id: str, fmt: AudioFormat, chunk_frames: int, lookahead_frames: int,
                 seed: int, engine: str, timeline: Timeline, context: SessionContext,
                 queues: dict[str, RenderQueue], metrics: Metrics,
                 resume_buffer_s: float, limits: Limits = Limits(), cue_gate=None, plan_off_loop: bool = False,
                 routing: RoutingPolicy = RoutingPolicy()):
        self.id = session_id
        self.format = fmt
        self.rate = fmt.sample_rate
        self.chunk_frames = chunk_frames
        self.seed = seed
        self.engine = engine
        self.timeline = timeline
        self.context = context
        self.queues = queues  # the engines this session may route to, in the designer's order
        self.routing = routing
        self.fallback = queues.get("procedural")  # renders an event whose engine is late or fails
        self.metrics = metrics
        self.limits = limits
        self.cue_gate = cue_gate  # callable(cue, now_s) -> error message or None (rate and size limits)
        self.plan_off_loop = plan_off_loop  # a slow planner (LLM) decomposes in a worker thread
        self.mixer = StreamMixer(fmt, context.scene)
        self.emitted = 0  # next session frame to send
        self.sequence = 0
        self.sent: collections.deque[SentChunk] = collections.deque()
        self.sent_frames = 0
        self.max_sent_frames = int(resume_buffer_s * self.rate)
        self.jobs: dict[str, asyncio.Future] = {}
        self.fallback_jobs: dict[str, asyncio.Future] = {}
        self.placed: set[str] = set()
        self.events: dict[str, SoundEvent] = {}  # live events by id (shared with the timeline)
        self.changed: dict[str, SoundEvent] = {}  # state changes not yet reported
        self.outbox: collections.deque[pb.ServerMessage] = collections.deque()
        self.wake = asyncio.Event()
        self.flow = FlowControl(self.rate, lookahead_frames)
        self.client_underruns = 0
        self._ack_warned = False
        self.attached = False
        self.detached_at: float | None = None
        self.created = time.monotonic()
        self.ended = False
        self.generation = 0  # bumped on resume, so a stale stream of the same session lets go
        self.owner = ""  # id of the API key that opened it; only that key may resume it
        self.close_status = None  # (grpc code, message) the stream ends with, e.g. at shutdown

    # ------------------------------------------------------------------ time
    @property
    def chunk_s(self) -> float:
        return self.chunk_frames / self.rate

    def _frame(self, t: float) -> int:
        """The session frame of session time ``t``: the one rounding every placement uses."""
        return int(round(t * self.rate))

    def _now_s(self) -> float:
        """First session time not yet mixed: the plan may change from here on."""
        return self.mixer.mix_position / self.rate

    def render_budget(self, now: float) -> float:
        """Seconds a due clip may still be waited for before the client would run dry."""
        ahead = ((self.emitted - self.flow.estimated_played(self.emitted, now)) / self.rate
                 - max(2 * self.chunk_s, MIN_CLIENT_BUFFER_S))
        if now - self.created < STARTUP_GRACE_S:
            ahead = max(ahead, self.created + STARTUP_GRACE_S - now)
        return max(0.0, ahead)

    # ------------------------------------------------------------------ client messages
    def attach(self, from_frame: int) -> None:
        """A client (re)connects wanting audio from ``from_frame`` on (its stream's cursor)."""
        self.attached = True
        self.detached_at = None
        self.flow.attach(from_frame, time.monotonic())

    def unsent(self, cursor: int) -> list[SentChunk]:
        """Buffered chunks that end after ``cursor``, oldest first (usually just the newest)."""
        out = []
        for chunk in reversed(self.sent):
            if chunk.start_frame + chunk.frames <= cursor:
                break
            out.append(chunk)
        return out[::-1]

    def plan_snapshot(self) -> pb.ServerMessage:
        """The whole current plan, for a client that (re)connects."""
        return self._plan_update("resume")

    def detach(self) -> None:
        self.attached = False
        self.detached_at = time.monotonic()

    def oldest_frame(self) -> int:
        return self.sent[0].start_frame if self.sent else self.emitted

    def on_ack(self, ack: pb.PlaybackAck) -> None:
        self.flow.on_ack(ack.played_frame, self.emitted, time.monotonic())
        # A running total of underrun episodes: each needs a chunk between it and the last, so a
        # total beyond the chunks sent is impossible and is not counted.
        if ack.underruns > self.sequence + 1:
            self.metrics.rejected_acks += 1
            if not self._ack_warned:
                self._ack_warned = True
                self.notice(Notice("ack_rejected", f"PlaybackAck.underruns {ack.underruns} is more than the "
                                   f"{self.sequence} chunks sent; underrun totals above that are not counted "
                                   "(it is a running total, not a delta)", "warning"))
        elif ack.underruns > self.client_underruns:
            self.metrics.client_underruns += ack.underruns - self.client_underruns
            self.client_underruns = ack.underruns
        self.wake.set()

    def on_cue(self, cue: Cue) -> None:
        problem = self.cue_gate(cue, self._now_s()) if self.cue_gate else None
        if problem:
            self.reject(cue.cue_id, problem)
            return
        if self.plan_off_loop:
            asyncio.get_running_loop().create_task(self._plan_in_thread(cue))
            return
        self.apply_change(self.timeline.apply_cue(cue, self._now_s()))

    async def _plan_in_thread(self, cue: Cue) -> None:
        """Decompose in a worker thread (the LLM planner has a time budget and falls back to the
        rules on its own), then place the result at the stream position reached by then."""
        prepared = self.timeline.prepare_cue(cue)
        if isinstance(prepared, str):
            self.reject(cue.cue_id, prepared)
            return
        d = await asyncio.get_running_loop().run_in_executor(None, self.timeline.planner.decompose, *prepared)
        if not self.ended:
            self.apply_change(self.timeline.apply_cue(cue, self._now_s(), decomposition=d))

    def on_state(self, msg: pb.GameState) -> None:
        """A state message from the game: checked (size first), parameters kept in range, merged."""
        problems = wire.state_problems(msg, self.limits)
        if problems:
            self.metrics.rejected_messages += 1
            self.notice(Notice("state_rejected", "state rejected: " + "; ".join(problems), "error"))
            return
        update = self.clamp_parameters(wire.game_state(msg))
        self.apply_change(self.timeline.apply_state(update, self._now_s()))

    def clamp_parameters(self, state: GameState) -> GameState:
        """``state`` with each parameter inside its range, and a warning Notice for each one that
        was not (the proto's 0..1, or the range the cue sheet's curves document)."""
        state, clamped = cv.clamp_parameters(state, self.timeline.curves)
        for message in clamped:
            self.notice(Notice("parameter_clamped", message, "warning"))
        return state

    def reject(self, cue_id: str, why: str) -> None:
        self.metrics.rejected_cues += 1
        self.notice(Notice("cue_rejected", f"cue rejected: {why}", "error", cue_id))

    def notice(self, n: Notice) -> None:
        self.outbox.append(pb.ServerMessage(notice=wire.notice_pb(n)))
        self.wake.set()

    # ------------------------------------------------------------------ plan
    def apply_change(self, change: PlanChange | None) -> None:
        if change is None:
            return
        for n in change.notices:
            if n.code == "cue_rejected":
                self.metrics.rejected_cues += 1
            self.notice(n)
        for e in change.cancelled:
            self._cancel(e)
        for e in change.added:
            self.events[e.id] = e
            self._submit(e)
        if change.added or change.cancelled:
            self._scene_follow()
            self.outbox.append(self._plan_update(change.reason, change.cue_id, change.cancelled))
        self.wake.set()

    def _scene_follow(self) -> None:
        scene = self.timeline.plan.scene
        if scene and scene != self.mixer.mixer.scene:
            self.mixer.mixer.set_scene(scene)

    def _submit(self, e: SoundEvent) -> None:
        if not e.match and not self._route(e):
            return
        due = time.monotonic() + max(0.0, e.start_s - self._now_s())
        self.jobs[e.id] = self.queues[e.engine].submit(RenderRequest(e, self.context, self.rate), due)
        e.state = EventState.RENDERING

    def _route(self, e: SoundEvent) -> bool:
        """Route a new event to the engine that renders its caption best; a miss is reported, then
        played as its nearest candidate or skipped (False: skipped)."""
        policy = self.routing.with_cue_sheet(self.timeline.cue_sheet)
        r = route(e, [q.engine for q in self.queues.values()], policy)
        mark(e, r)
        if not r.miss:
            return True
        self.notice(miss_notice(e, r, policy))
        if policy.on_miss != "skip":
            return True
        self._cancel(e)
        self.changed[e.id] = e
        return False

    def _cancel(self, e: SoundEvent) -> None:
        e.state = EventState.CANCELLED
        for jobs in (self.jobs, self.fallback_jobs):
            job = jobs.pop(e.id, None)
            if job is not None and not job.done():
                job.cancel()
        self.mixer.mixer.stop(e.id)
        self.placed.discard(e.id)
        self.events.pop(e.id, None)

    def _plan_update(self, reason: str, cue_id: str = "", extra=()) -> pb.ServerMessage:
        plan = self.timeline.plan
        events = {e.id: e for e in plan.events if e.state is not EventState.PLAYED}
        events.update({e.id: e for e in extra})
        events.update(self.changed)
        self.changed.clear()
        ordered = sorted(events.values(), key=lambda e: (e.start_s, e.id))
        return pb.ServerMessage(plan=pb.PlanUpdate(
            revision=self.timeline.revision, reason=reason, cue_id=cue_id, scene=plan.scene,
            emotion=plan.emotion, events=[wire.sound_event_pb(e) for e in ordered]))

    # ------------------------------------------------------------------ audio
    async def produce(self) -> SentChunk:
        """Mix and encode the next chunk, placing every clip due in its window first."""
        self.apply_change(self.timeline.advance(self._now_s()))
        lo = self.mixer.mix_position
        hi = lo + self.chunk_frames
        for e in self.timeline.events_between(lo / self.rate, hi / self.rate):
            # An event is placed once: a played one must not come back (the timeline's seconds
            # and the mixer's frames can disagree by a rounding at the event's last chunk).
            if e.id not in self.placed and e.state not in (EventState.CANCELLED, EventState.PLAYED):
                await self._place(e, lo)
        self._track_states(lo, hi)
        try:
            samples = self.mixer.next_chunk(self.chunk_frames)
        except Exception:  # a mixing bug must not end the game's audio: log it, send silence
            log.exception("session %s: mixing failed at frame %d; sending silence", self.id, self.emitted,
                          extra={"session": self.id})
            self.metrics.internal_errors += 1
            samples = np.zeros((self.chunk_frames, self.format.channels), np.float32)
        chunk = SentChunk(self.sequence, self.emitted, self.chunk_frames, self.timeline.revision,
                          self.mixer.output.encode(samples))
        self.sequence += 1
        self.emitted += self.chunk_frames
        self.sent.append(chunk)
        self.sent_frames += chunk.frames
        while self.sent_frames - self.sent[0].frames >= self.max_sent_frames:
            self.sent_frames -= self.sent.popleft().frames
        if self.changed:
            self.outbox.append(self._plan_update("progress"))
        return chunk

    async def _place(self, e: SoundEvent, lo: int) -> None:
        clip = await self._clip_in_time(e)
        if clip is None:  # not even the fallback made it: slide to the next chunk
            self._mark_late(e)
            return
        start = self._frame(e.start_s)
        if start < lo:  # slid: start it now, from its beginning, rather than cut its head off
            e.start_s = lo / self.rate
            start = lo
            self._mark_late(e)
        e.engine = clip.engine
        self.mixer.mixer.add(e, clip, start)
        self.placed.add(e.id)
        self.jobs.pop(e.id, None)  # the mixer holds the (gain-applied) copy; free the rendered one
        self.fallback_jobs.pop(e.id, None)
        self.changed[e.id] = e

    async def _clip_in_time(self, e: SoundEvent) -> Clip | None:
        job = self.jobs.get(e.id)
        if job is None:
            self._submit(e)
            job = self.jobs[e.id]
        clip = await self._await(job, self.render_budget(time.monotonic()))
        if clip is not None:
            return clip
        failed = job.done() and not job.cancelled() and job.exception() is not None
        if self.fallback is None or e.engine == self.fallback.engine.name:
            if failed:  # nothing to fall back to: say so and drop the event, keep streaming
                self.notice(Notice("engine_failed", f"{e.engine} failed on event {e.id} ({job.exception()}); "
                                   "the event is dropped", "warning", e.cue_id))
                self._cancel(e)
                self.changed[e.id] = e
            return None
        # The primary engine is late or failed: the procedural engine renders this event instead.
        fb = self.fallback_jobs.get(e.id)
        if fb is None:
            fb = self.fallback_jobs[e.id] = self.fallback.submit(RenderRequest(e, self.context, self.rate), 0.0)
            self.metrics.fallback_events += 1
            if failed:
                self.notice(Notice("engine_failed", f"{e.engine} failed on event {e.id} "
                                   f"({job.exception()}); rendered by procedural instead", "warning", e.cue_id))
            else:
                self._mark_late(e)
        return await self._await(fb, self.render_budget(time.monotonic()))

    def _mark_late(self, e: SoundEvent) -> None:
        """Late once per event: counted, and reported in the next PlanUpdate."""
        if not e.late:
            e.late = True
            self.metrics.late_events += 1
            self.changed[e.id] = e

    @staticmethod
    async def _await(job: asyncio.Future, budget: float) -> Clip | None:
        if not job.done():
            try:
                await asyncio.wait_for(asyncio.shield(job), budget)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                pass
            except Exception:
                return None
        if not job.done() or job.cancelled() or job.exception() is not None:
            return None
        return job.result()

    def _track_states(self, lo: int, hi: int) -> None:
        """Scheduled/rendering -> playing -> played, as the mixing window passes over events."""
        for e in list(self.events.values()):
            start, end = self._frame(e.start_s), self._frame(e.end_s)
            if end <= hi and e.state is not EventState.PLAYED:
                e.state = EventState.PLAYED
                self.changed[e.id] = e
                self.events.pop(e.id)
                self.jobs.pop(e.id, None)
                self.fallback_jobs.pop(e.id, None)
                self.placed.discard(e.id)
            elif start < hi and e.id in self.placed and e.state is not EventState.PLAYING:
                e.state = EventState.PLAYING
                self.changed[e.id] = e

    def close(self) -> None:
        self.ended = True
        for jobs in (self.jobs, self.fallback_jobs):
            for job in jobs.values():
                if not job.done():
                    job.cancel()
            jobs.clear()
