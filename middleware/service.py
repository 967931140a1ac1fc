"""The gRPC service: Session, Plan, Render and GetServerInfo over the engines and the planner."""
from __future__ import annotations

import asyncio
import logging
import math
import resource
import secrets
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import grpc
from .. import __version__
from ..engines import pcm
from ..engines.base import Engine
from ..engines.routing import EngineSet, engine_order, routed_plan
from ..engines.track import render_track
from ..models import sound_classes
from ..models.bridge import session_context
from ..models.plan import EMOTIONS, SCENES, AudioFormat, Cue, GameState, Notice
from ..models.planner import CueSheetWatcher, RulePlanner, make_timeline, plan_narrative
from ..models.planner.cuesheet import CueSheetError
from ..v1 import soundweaver_pb2 as pb
from ..v1 import soundweaver_pb2_grpc as pb_grpc
from . import wire
from .config import ServerConfig
from .metrics import Metrics
from .render_queue import RenderQueue, process_pool
from .auth import bearer, key_id
from .cue_gate import CueGate
from .session import LiveSession, StreamStalled, pump

log = logging.getLogger("soundweaver.server")

RENDER_CHUNK_S = 0.5  # size of RenderChunk messages in the offline Render stream
STREAM_END_LINGER_S = 0.2  # between the stream_ending Notice and the status: writes in flight land


class RpcError(Exception):
    """A client error: becomes a gRPC status with a message that says what is wrong."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(message)
        self.code = code


class SessionManager:
    """Live sessions by id: opening, resuming, limits, and reaping the abandoned."""

    def __init__(self, config: ServerConfig, planner, queues: dict[str, RenderQueue], metrics: Metrics,
                 cue_sheets: CueSheetWatcher | None = None):
        self.config = config
        self.planner = planner
        self.cue_sheets = cue_sheets
        self.queues = queues
        self.metrics = metrics
        self.sessions: dict[str, LiveSession] = {}

    def open(self, start: pb.StartSession, owner: str = "") -> LiveSession:
        if start.resume_session_id:
            return self._resume(start, owner)
        lim = self.config.limits
        problems = wire.start_problems(start, lim, self.queues, SCENES)
        if problems:
            raise RpcError(grpc.StatusCode.INVALID_ARGUMENT, "invalid StartSession: " + "; ".join(problems))
        if len(self.sessions) >= lim.max_sessions:  # a valid request the server cannot take now
            raise RpcError(grpc.StatusCode.RESOURCE_EXHAUSTED,
                           f"server is at its limit of {lim.max_sessions} sessions; try again later")
        fmt = wire.audio_format(start.format)
        chunk_ms, lookahead_ms = wire.session_timing(start, lim)
        engine = start.engine or self.config.engine
        state = wire.game_state(start.state)
        sid = secrets.token_hex(8)
        seed = int(start.seed)
        timeline = make_timeline(self.planner, seed=seed, state=state, scene=start.scene,
                                 horizon_s=self.config.horizon_s,
                                 cue_sheet=self.cue_sheets.sheet if self.cue_sheets else None)
        plan = timeline.plan
        context = session_context(seed, plan.scene or start.scene or "open_air", plan.emotion, state, sid)
        chunk_frames = max(1, round(fmt.sample_rate * chunk_ms / 1000))
        session = LiveSession(
            sid, fmt, chunk_frames, round(fmt.sample_rate * lookahead_ms / 1000), seed, engine,
            timeline, context, {n: self.queues[n] for n in engine_order(self.queues, engine)}, self.metrics,
            self.config.resume_buffer_s, limits=lim,
            cue_gate=CueGate(lim.max_cue_chars, lim.max_cues_per_second, lim.max_cue_ahead_s),
            plan_off_loop=self.planner.name == "llm", routing=self.config.routing)
        session.owner = owner
        self.sessions[sid] = session
        self.metrics.sessions_started += 1
        timeline.state = session.clamp_parameters(timeline.state)  # before the first revision uses it
        session.apply_change(timeline.advance(0.0))
        if start.narrative:
            session.on_cue(Cue(text=start.narrative, cue_id="narrative"))
        session.attach(0)
        log.info("session %s started: %d Hz x%d %s, chunk %d ms, lookahead %d ms, engine %s, seed %d",
                 sid, fmt.sample_rate, fmt.channels, fmt.encoding.value, chunk_ms, lookahead_ms, engine, seed,
                 extra={"session": sid})
        return session

    def _resume(self, start: pb.StartSession, owner: str) -> LiveSession:
        session = self.sessions.get(start.resume_session_id)
        if session is None:
            raise RpcError(grpc.StatusCode.NOT_FOUND,
                           f"no session {start.resume_session_id!r} to resume (ended, or its resume window passed)")
        if session.owner != owner:
            raise RpcError(grpc.StatusCode.PERMISSION_DENIED,
                           f"session {session.id} was opened with another API key; only that key may resume it")
        frame = int(start.resume_from_frame)
        if not session.oldest_frame() <= frame <= session.emitted:
            raise RpcError(grpc.StatusCode.OUT_OF_RANGE,
                           f"resume_from_frame {frame} is outside the resume window "
                           f"{session.oldest_frame()}..{session.emitted} of session {session.id}")
        session.generation += 1  # an older stream of this session lets go
        session.attach(frame)
        log.info("session %s resumed from frame %d (%d frames to re-send)", session.id, frame, session.emitted - frame,
                 extra={"session": session.id})
        return session

    def end(self, session: LiveSession) -> None:
        session.close()
        self.sessions.pop(session.id, None)
        engine = self.queues[session.engine].engine
        if hasattr(engine, "forget_session"):  # per-session residual state (latent tails)
            asyncio.get_running_loop().run_in_executor(None, engine.forget_session, session.id)

    def reap(self, now: float) -> int:
        """End detached sessions whose resume window has passed; returns how many."""
        dead = [s for s in self.sessions.values()
                if not s.attached and s.detached_at is not None
                and now - s.detached_at > self.config.resume_window_s]
        for s in dead:
            log.info("session %s reaped after %.0f s detached", s.id, now - s.detached_at, extra={"session": s.id})
            self.end(s)
            self.metrics.sessions_reaped += 1
        return len(dead)


def make_planner(config: ServerConfig):
    """The rule planner, or the LLM planner (with the rules as its fallback) when a model is given.
    Embeddings stay off unless asked for: loading them takes seconds and torch."""
    rules = RulePlanner(use_embeddings=config.embeddings)
    if not config.planner_model:
        return rules
    try:
        from ..models.planner.llm import LLMPlanner
    except ImportError as exc:
        raise ValueError(f"--planner-model needs the neural extra (torch, transformers, xgrammar): {exc}") from exc
    return LLMPlanner(config.planner_model, time_budget_s=config.planner_budget_s, fallback=rules)


def warm_up(planner) -> None:
    """Load models and tables before the first session needs them (a worker thread at start):
    the first cue of a cold rule planner compiles its lexicon, about 0.1 s on the event loop."""
    if hasattr(planner, "load"):
        planner.load()  # the LLM: a missing or broken model folder fails the start, loudly
        planner = planner.fallback
    if getattr(planner, "_use_embeddings", False):
        planner.warm_up()
    planner.decompose("Inside a tavern: rain, then a door slamming shut while thunder rolls twice")


class SoundweaverService(pb_grpc.SoundweaverServicer):
    def __init__(self, config: ServerConfig, engines: dict[str, Engine], metrics: Metrics | None = None):
        self.config = config
        self.engines = engines
        self.metrics = metrics or Metrics()
        self.planner = make_planner(config)
        self.cue_sheets = CueSheetWatcher(config.cues_file) if config.cues_file else None
        if self.cue_sheets is not None:
            self._check_pins(self.cue_sheets.sheet)  # a pin that matches nothing fails the start
        self.executor = ThreadPoolExecutor(max(1, config.render_workers), thread_name_prefix="render")
        self.pools: dict[str, ProcessPoolExecutor] = {}
        self.queues: dict[str, RenderQueue] = {}
        self.manager: SessionManager | None = None
        self._reaper: asyncio.Task | None = None
        self.started_at = time.monotonic()
        self.draining = False
        self._streams: set[LiveSession] = set()

    async def start(self) -> None:
        """Create the render queues and the reaper (needs the running event loop)."""
        for name, engine in self.engines.items():
            executor = self.executor
            if self.config.render_processes and getattr(engine, "runs_in_processes", False):
                options = (self.config.engine_options if name == self.config.engine
                           else {"index": self.config.library} if name == "library" else {})
                executor = self.pools[name] = process_pool(name, options, self.config.render_workers)
            self.queues[name] = RenderQueue(engine, executor, self.config.render_workers, self.metrics,
                                            self.config.render_timeout_s)
        self.manager = SessionManager(self.config, self.planner, self.queues, self.metrics, self.cue_sheets)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, warm_up, self.planner)
        for engine in self.engines.values():  # compile shapes (CUDA graphs) before the first session
            if hasattr(engine, "warmup"):
                await loop.run_in_executor(self.executor, engine.warmup)
        self._reaper = asyncio.create_task(self._reap_forever())

    async def drain(self, grace_s: float) -> None:
        """Refuse new sessions; give attached ones ``grace_s`` to end, then end their streams."""
        self.draining = True
        deadline = time.monotonic() + grace_s
        for s in list(self._streams):  # a game can move to another server before its stream ends
            s.notice(Notice("server_draining", f"the server is shutting down; this stream ends in {grace_s:g} s",
                            "warning"))
        while self._streams and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for s in list(self._streams):
            s.close_status = (grpc.StatusCode.UNAVAILABLE, "server is shutting down; reconnect to another server")
            s.ended = True
            s.wake.set()
        for _ in range(40):  # let the streams write their status
            if not self._streams:
                break
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._reaper:
            self._reaper.cancel()
        for s in list(self.manager.sessions.values()):
            self.manager.end(s)
        for q in self.queues.values():
            await q.close()
        self.executor.shutdown(wait=False, cancel_futures=True)
        loop = asyncio.get_running_loop()
        for pool in self.pools.values():  # workers are idle by now: a clean exit takes milliseconds
            await loop.run_in_executor(None, lambda p=pool: p.shutdown(wait=True, cancel_futures=True))

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self.manager.reap(time.monotonic())
            if self.cue_sheets is not None:
                self._reload_cue_sheet()
            await self._refresh_engines()

    async def _refresh_engines(self) -> None:
        """Engines over files that change while the game runs (the studio's library is re-indexed)
        pick the change up; a broken file keeps what they have and says why."""
        loop = asyncio.get_running_loop()
        for name, engine in self.engines.items():
            if not hasattr(engine, "refresh"):
                continue
            try:
                if await loop.run_in_executor(self.executor, engine.refresh):
                    log.info("%s: reloaded (%s)", name, engine.info().description)
            except (OSError, ValueError) as exc:
                log.warning("%s: not reloaded, keeping the one in use: %s", name, exc)

    def _check_pins(self, sheet) -> None:
        """CueSheetError naming the file and line of a cue pinned to recordings the served library
        does not have (or pinned while no library is served)."""
        if not sheet.pins:
            return
        library = self.engines.get("library")
        if library is None:
            name, pin = next(iter(sheet.pins.items()))
            raise CueSheetError(pin.path or sheet.path, pin.line,
                                f"cue {name!r} is pinned to recordings ({pin.describe()}) but no library is "
                                f"served (serve --library INDEX)")
        from ..engines.library.pins import check_pins
        check_pins(sheet, library.index)

    def _reload_cue_sheet(self) -> None:
        """Designers edit the cue sheet while the game runs: new sessions and live ones pick it up;
        a broken edit keeps the last good sheet and tells every live session why."""
        if self.cue_sheets.poll():
            try:
                self._check_pins(self.cue_sheets.sheet)
            except CueSheetError as exc:  # keep the last good sheet, as for a broken edit
                self.cue_sheets.rollback(exc)
            else:
                log.info("cue sheet %s reloaded", self.cue_sheets.path)
                for s in self.manager.sessions.values():
                    s.timeline.cue_sheet = self.cue_sheets.sheet
                return
        if self.cue_sheets.error is not None:
            log.warning("cue sheet not reloaded: %s", self.cue_sheets.error)
            for s in self.manager.sessions.values():
                s.notice(Notice("cue_sheet_error", f"cue sheet not reloaded (keeping the last good one): "
                                f"{self.cue_sheets.error}", "warning"))
            self.cue_sheets.error = None

    # ------------------------------------------------------------------ Session
    async def Session(self, request_iterator, context):
        if self.draining:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "server is shutting down; connect to another server")
        # Headers at once: a client can wait for them before writing `start`, so a call refused
        # up front (no key, shutting down) reports that status, not its own failed write.
        await context.send_initial_metadata(())
        try:
            first = await asyncio.wait_for(request_iterator.__anext__(), timeout=30.0)
        except (StopAsyncIteration, asyncio.TimeoutError):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "the stream must begin with a start message")
        if isinstance(first, wire.Undecodable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                f"the first message must be a ClientMessage with start: {first.message}")
        if first.WhichOneof("kind") != "start":
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                f"the first message must be start, got {first.WhichOneof('kind') or 'an empty message'}")
        try:
            session = self.manager.open(first.start, caller_key_id(context))
        except RpcError as exc:
            await context.abort(exc.code, str(exc))
        generation = session.generation
        self.metrics.sessions_active += 1
        self._streams.add(session)
        reader = asyncio.create_task(self._read(session, request_iterator))
        stalled = None
        try:
            await context.write(pb.ServerMessage(started=pb.SessionStarted(
                session_id=session.id, format=wire.audio_format_pb(session.format),
                chunk_frames=session.chunk_frames,
                lookahead_ms=round(1000 * session.flow.lookahead_frames / session.rate),
                engine=session.engine, start_frame=session.flow.attach_frame,
                resume_window_ms=int(1000 * self.config.resume_window_s),
                resume_buffer_ms=int(1000 * self.config.resume_buffer_s), seed=session.seed)))
            if first.start.resume_session_id:
                await context.write(session.plan_snapshot())
            await pump(session, self._counted(context), session.flow.attach_frame, self.config.stall_timeout_s)
        except StreamStalled as exc:
            stalled = str(exc)
            session.ended = True
        finally:
            reader.cancel()
            self._streams.discard(session)
            self.metrics.sessions_active -= 1
            if session.ended:
                self.manager.end(session)
            elif session.generation == generation:
                session.detach()
                log.info("session %s detached at frame %d; kept %.0f s for resume",
                         session.id, session.emitted, self.config.resume_window_s, extra={"session": session.id})
        if stalled:
            log.warning("session %s dropped: %s", session.id, stalled, extra={"session": session.id})
            await context.abort(grpc.StatusCode.ABORTED, f"session {session.id} dropped: {stalled}")
        if session.close_status:
            await self._end_stream(context, *session.close_status)

    async def _end_stream(self, context, code: grpc.StatusCode, message: str) -> None:
        """End a stream with a status, announced first: a client that stops writing on the notice
        cannot have a write race the end of the call (some gRPC clients, Python's among them,
        then report their failed write as INTERNAL instead of the server's status)."""
        try:
            await context.write(pb.ServerMessage(notice=wire.notice_pb(Notice(
                "stream_ending", f"this stream ends now with {code.name}: {message}", "warning"))))
            await asyncio.sleep(STREAM_END_LINGER_S)
        except Exception:  # the client is gone already: nothing to announce
            pass
        await context.abort(code, message)

    def _counted(self, context):
        """context.write that also counts audio sent."""
        async def write(msg: pb.ServerMessage) -> None:
            await context.write(msg)
            if msg.WhichOneof("kind") == "audio":
                self.metrics.chunks_sent += 1
                self.metrics.bytes_sent += len(msg.audio.data)
        return write

    async def _read(self, session: LiveSession, request_iterator) -> None:
        """Hand every client message to the session until the client ends or goes away. A message
        the session cannot use gets a Notice; an unexpected error is logged and counted, and the
        reader goes on: it must never stop reading a client silently."""
        try:
            async for msg in request_iterator:
                try:
                    if self._handle(session, msg):
                        return
                except Exception as exc:  # a bug in handling one message must not end the reading
                    log.exception("session %s: error handling a client message", session.id,
                                  extra={"session": session.id})
                    self.metrics.internal_errors += 1
                    session.notice(Notice("internal_error", f"the server failed on this message "
                                          f"({type(exc).__name__}); the session goes on", "error"))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the call itself broke (client gone, transport error)
            log.info("session %s: stopped reading the client: %s", session.id, exc, extra={"session": session.id})

    def _handle(self, session: LiveSession, msg) -> bool:
        """One client message; True when the client ended the session."""
        kind = None if isinstance(msg, wire.Undecodable) else msg.WhichOneof("kind")
        if kind in (None, "start"):
            self.metrics.rejected_messages += 1
        if isinstance(msg, wire.Undecodable):
            session.notice(Notice("message_too_large" if msg.too_large else "message_undecodable",
                                  f"{msg.message}; the message is ignored and the session goes on", "error"))
            return False
        if kind == "cue":
            session.on_cue(wire.cue(msg.cue))
        elif kind == "state":
            session.on_state(msg.state)
        elif kind == "ack":
            session.on_ack(msg.ack)
        elif kind == "end":
            session.ended = True
            session.wake.set()
            return True
        elif kind == "start":
            session.notice(Notice("message_rejected", "a second start on a running session is ignored; to "
                                  "resume, open a new call whose start carries resume_session_id", "error"))
        else:
            session.notice(Notice("message_rejected", "an empty ClientMessage (no cue, state, ack or end) "
                                  "is ignored; the session goes on", "error"))
        return False

    # ------------------------------------------------------------------ Plan, Render, Info
    def _plan(self, text: str, state: GameState, seed: int, engine: str):
        """A narrative planned and routed to this server's engines (``engine`` preferred)."""
        if len(text) > self.config.limits.max_cue_chars:
            raise RpcError(grpc.StatusCode.INVALID_ARGUMENT,
                           f"text is {len(text)} characters; the limit is {self.config.limits.max_cue_chars}")
        problems = state.problems()
        if problems:
            raise RpcError(grpc.StatusCode.INVALID_ARGUMENT, "; ".join(problems))
        plan = plan_narrative(text, state=state, seed=seed, planner=self.planner)
        policy = self.config.routing.with_cue_sheet(self.cue_sheets.sheet if self.cue_sheets else None)
        return routed_plan(plan, self._engines(engine), policy)

    def _engines(self, first: str) -> list[Engine]:
        return [self.engines[n] for n in engine_order(self.engines, first)]

    async def Plan(self, request, context):
        try:
            plan = self._plan(request.text, wire.game_state(request.state), int(request.seed), self.config.engine)
        except RpcError as exc:
            await context.abort(exc.code, str(exc))
        return plan_response(plan)

    async def Render(self, request, context):
        try:
            fmt = wire.audio_format(request.format)
            problems = wire.format_problems(request.format)
            engine_name = request.engine or self.config.engine
            if engine_name not in self.engines:
                problems.append(f"engine {engine_name!r} is not served here")
            if not (0 <= request.duration_s <= 3600) or not math.isfinite(request.duration_s):
                problems.append(f"duration_s {request.duration_s} is outside 0..3600")
            if problems:
                raise RpcError(grpc.StatusCode.INVALID_ARGUMENT, "; ".join(problems))
            state = wire.game_state(request.state)
            plan = self._plan(request.text, state, int(request.seed), engine_name)
        except (RpcError, ValueError) as exc:
            await context.abort(getattr(exc, "code", grpc.StatusCode.INVALID_ARGUMENT), str(exc))
        yield pb.RenderChunk(plan=plan_response(plan))
        ctx = session_context(int(request.seed), plan.scene, plan.emotion, state)
        loop = asyncio.get_running_loop()
        t0 = time.perf_counter()
        track = await loop.run_in_executor(
            self.executor, lambda: render_track(plan.events, EngineSet({e.name: e for e in self._engines(engine_name)}),
                                                ctx, fmt, request.duration_s or None))
        wall = time.perf_counter() - t0
        step = max(1, int(RENDER_CHUNK_S * fmt.sample_rate))
        for seq, lo in enumerate(range(0, len(track.samples), step)):
            block = track.samples[lo: lo + step]
            yield pb.RenderChunk(audio=pb.AudioChunk(
                sequence=seq, start_frame=lo, frames=len(block), plan_revision=plan.revision,
                data=pcm.encode(block, fmt.encoding)))
        yield pb.RenderChunk(summary=pb.RenderSummary(
            frames=len(track.samples), loudness_lufs=track.loudness_lufs,
            true_peak_dbfs=track.true_peak_dbfs, render_seconds=wall))

    async def GetServerInfo(self, request, context):
        return pb.ServerInfo(
            version=__version__,
            engines=[pb.EngineInfo(name=i.name, available=i.available, description=i.description,
                                   runtimes=list(i.runtimes)) for i in (e.info() for e in self.engines.values())],
            encodings=[pb.PCM_S16LE, pb.PCM_F32LE],
            sample_rates=[16000, 22050, 24000, 32000, 44100, 48000],
            limits=wire.limits_pb(self.config.limits, self.config.resume_window_s),
            sound_classes=list(sound_classes.NAMES), scenes=list(SCENES), emotions=list(EMOTIONS),
            default_format=wire.audio_format_pb(AudioFormat()),
            active_sessions=len(self.manager.sessions) if self.manager else 0,
            stats=self._stats())

    def _stats(self) -> pb.ServerStats:
        m = self.metrics
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        return pb.ServerStats(
            sessions_started=m.sessions_started, chunks_sent=m.chunks_sent, bytes_sent=m.bytes_sent,
            late_events=m.late_events, fallback_events=m.fallback_events, rejected_cues=m.rejected_cues,
            client_underruns=m.client_underruns,
            render_realtime_factor={e: m.realtime_factor(e) for e in m.render_seconds},
            uptime_s=time.monotonic() - self.started_at, cpu_s=cpu.ru_utime + cpu.ru_stime)


def caller_key_id(context) -> str:
    """Id of the API key this call came with ("" without one): sessions are bound to it."""
    token = bearer(context.invocation_metadata())
    return key_id(token) if token else ""


def plan_response(plan) -> pb.PlanResponse:
    return pb.PlanResponse(events=[wire.sound_event_pb(e) for e in plan.events], duration_s=plan.duration_s,
                           scene=plan.scene, emotion=plan.emotion,
                           notices=[wire.notice_pb(n) for n in plan.notices])
