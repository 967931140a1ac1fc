"""Faults a game server's audio must survive: lost clients, stalled clients, failing engines,
SIGTERM. Each keeps the stream going or ends it with a status that says why."""
from __future__ import annotations

import asyncio
import signal
import time

import grpc
import pytest

from soundweaver.engines.base import Engine
from soundweaver.engines.procedural import ProceduralEngine
from soundweaver.middleware.client import Player, SessionClient
from soundweaver.middleware.config import ServerConfig
from soundweaver.models.plan import AudioFormat, Encoding

from conftest import ServerProcess, ServerThread

FMT = AudioFormat(24000, 1, Encoding.PCM_S16LE)


def run(coro, timeout=90):
    return asyncio.run(asyncio.wait_for(coro, timeout))


def test_detached_session_is_reaped_after_its_resume_window():
    srv = ServerProcess("--resume-window", "1")
    try:
        async def go():
            c = SessionClient(srv.address, FMT)
            started = await c.open()
            async for msg in c.messages():
                if msg.WhichOneof("kind") == "audio":
                    break
            await c.drop()
            await asyncio.sleep(0.3)
            quick = SessionClient(srv.address, FMT)
            ok = await quick.open(resume_session_id=started.session_id, resume_from_frame=0)
            await quick.drop()
            await asyncio.sleep(3.0)  # window 1 s + the reaper's 1 s tick
            late = SessionClient(srv.address, FMT)
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await late.open(resume_session_id=started.session_id, resume_from_frame=0)
            await late.close(end=False)
            return ok, err.value
        ok, err = run(go())
        assert ok.start_frame == 0
        assert err.code() == grpc.StatusCode.NOT_FOUND and "resume window" in err.details()
    finally:
        srv.stop()


def test_client_that_stops_acking_is_paced_then_dropped():
    srv = ServerProcess("--stall-timeout", "1.5")
    try:
        async def go():
            c = SessionClient(srv.address, FMT, lookahead_ms=100)
            await c.open()
            frames, t0, last_ack = 0, time.monotonic(), None
            try:
                async for msg in c.messages():
                    if msg.WhichOneof("kind") == "audio":
                        frames = msg.audio.start_frame + msg.audio.frames
                        if time.monotonic() - t0 < 0.5:  # play along for half a second, then stop acking
                            await c.ack(frames)
                            last_ack = frames
            except grpc.aio.AioRpcError as exc:
                return frames, last_ack, exc
            return frames, last_ack, None
        frames, last_ack, err = run(go())
        # bounded: no more than lookahead + the extrapolation allowance + a chunk past the last ack
        assert frames - last_ack <= FMT.sample_rate * (0.1 + 0.1 + 0.05)
        assert err is not None and err.code() == grpc.StatusCode.ABORTED
        assert "stopped acknowledging" in err.details()
    finally:
        srv.stop()


def test_client_that_stops_reading_is_dropped_with_a_reason():
    srv = ServerProcess("--stall-timeout", "1")
    try:
        async def go():
            # a client with a fixed 64 KiB stream window (no BDP growth) that never reads: once the
            # window is full the server's writes block, and the stall timeout ends the stream
            ch = grpc.aio.insecure_channel(srv.address, options=[("grpc.http2.bdp_probe", 0),
                                                                 ("grpc.http2.lookahead_bytes", 65536)])
            c = SessionClient(srv.address, AudioFormat(48000, 2, Encoding.PCM_F32LE), lookahead_ms=2000, channel=ch)
            await c.open()
            await asyncio.sleep(5.0)
            got = 0
            try:
                async for msg in c.messages():
                    got += 1
            except grpc.aio.AioRpcError as exc:
                return got, exc
            finally:
                await ch.close()
            return got, None
        got, err = run(go(), timeout=30)
        assert err is not None and err.code() == grpc.StatusCode.ABORTED and "stopped reading" in err.details()
    finally:
        srv.stop()


class FlakyEngine(Engine):
    """Fails on door slams, hangs on thunder, renders the rest procedurally."""

    name = "flaky"

    def __init__(self):
        self.inner = ProceduralEngine()

    def render(self, requests):
        for r in requests:
            if r.event.sound_class == "door_slam":
                raise RuntimeError("simulated decoder crash")
            if r.event.sound_class.startswith("thunder"):
                time.sleep(3.0)
        clips = self.inner.render(requests)
        for c in clips:
            c.engine = self.name
        return clips


def test_failing_engine_falls_back_to_procedural_and_the_stream_goes_on():
    srv = ServerThread(ServerConfig(port=0, engine="flaky", render_timeout_s=0.5, render_processes=False),
                       engines={"flaky": FlakyEngine(), "procedural": ProceduralEngine()})
    try:
        async def go():
            async with SessionClient(srv.address, FMT, engine="flaky", lookahead_ms=200) as c:
                p = Player(c, prebuffer_chunks=3)
                rx = asyncio.create_task(p.receive())
                sent = []

                async def tick(t):
                    if not sent and t > 0.3:
                        sent.append(await c.cue("a door slamming shut"))
                        sent.append(await c.cue("thunder roaring"))
                        sent.append(await c.cue("a dog barks"))
                await p.play(3.0, tick)
                rx.cancel()
                return p, sent
        p, (door, thunder, dog) = run(go())
        codes = [(n.code, n.cue_id) for n in p.notices]
        assert ("engine_failed", door) in codes
        by_cue = {e.cue_id: e for e in p.events.values()}
        assert by_cue[door].engine == "procedural"  # rendered by the fallback
        assert by_cue[thunder].engine == "procedural" and by_cue[thunder].late  # hung: timed out
        assert by_cue[dog].engine == "flaky"  # the engine still serves what it can
        assert p.gaps == 0 and door in p.latency and dog in p.latency
        assert srv.service.metrics.engine_failures >= 2 and srv.service.metrics.fallback_events >= 2
    finally:
        srv.stop()


def test_sigterm_drains_sessions_then_exits_zero():
    srv = ServerProcess("--grace", "1.0")

    async def go():
        c = SessionClient(srv.address, FMT)
        await c.open()
        n, t_term, codes = 0, None, []
        try:
            async for msg in c.messages():
                if msg.WhichOneof("kind") == "audio":
                    n += 1
                    await c.ack(msg.audio.start_frame + msg.audio.frames)  # skipped once stream_ending came
                    if n == 10:
                        srv.proc.send_signal(signal.SIGTERM)
                        t_term = time.monotonic()
                elif msg.WhichOneof("kind") == "notice":
                    codes.append(msg.notice.code)
        except grpc.aio.AioRpcError:
            pass  # a read meets the end of the stream; its status tells why
        after = time.monotonic() - t_term
        return n, after, await c.call.code(), await c.call.details(), codes
    n, after, code, details, codes = run(go())
    # The stream is announced as ending before its status, and the client stops writing then: an
    # ack write racing the end of the call is what used to turn the status into INTERNAL.
    assert "server_draining" in codes and codes[-1] == "stream_ending", codes
    assert code == grpc.StatusCode.UNAVAILABLE and "shutting down" in details
    assert 0.8 <= after <= 8.0  # streamed on through the grace period, then ended
    assert srv.proc.wait(15) == 0
