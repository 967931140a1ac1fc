"""Configurable limits, each with a clear status or Notice: sessions, cue rate, message size."""
from __future__ import annotations

import asyncio

import grpc
import pytest

from soundweaver.middleware.client import Player, SessionClient
from soundweaver.models.plan import AudioFormat, Encoding
from soundweaver.v1 import soundweaver_pb2 as pb
from soundweaver.v1 import soundweaver_pb2_grpc as pb_grpc

from conftest import ServerProcess

FMT = AudioFormat(16000, 1, Encoding.PCM_S16LE)


@pytest.fixture(scope="module")
def tight():
    srv = ServerProcess("--max-sessions", "1", "--max-cues-per-second", "2", "--max-message-bytes", "4096",
                        "--max-lookahead-ms", "500")
    yield srv
    srv.stop()


async def _wait_idle(address):
    """Sessions end asynchronously after EndSession: wait until the server holds none."""
    async with grpc.aio.insecure_channel(address) as ch:
        for _ in range(100):
            info = await pb_grpc.SoundweaverStub(ch).GetServerInfo(pb.GetServerInfoRequest())
            if info.active_sessions == 0:
                return
            await asyncio.sleep(0.05)
    raise AssertionError("the server still holds sessions")


def test_session_limit_is_resource_exhausted(tight):
    async def go():
        await _wait_idle(tight.address)
        first = SessionClient(tight.address, FMT)
        await first.open()
        second = SessionClient(tight.address, FMT)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await second.open()
        await second.close(end=False)
        await first.close()
        await _wait_idle(tight.address)
        third = SessionClient(tight.address, FMT)  # the slot is free again once the first ends
        await third.open()
        await third.close()
        return err.value
    err = asyncio.run(asyncio.wait_for(go(), 60))
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "limit of 1 sessions" in err.details()


def test_cue_rate_limit_rejects_with_a_notice_and_goes_on(tight):
    async def go():
        await _wait_idle(tight.address)
        async with SessionClient(tight.address, FMT, lookahead_ms=200) as c:
            p = Player(c)
            rx = asyncio.create_task(p.receive())
            ids = [await c.cue("a dog barks") for _ in range(6)]  # a burst: 2 per second allowed
            await p.play(1.5)
            rx.cancel()
            return p, ids
    p, ids = asyncio.run(asyncio.wait_for(go(), 60))
    rejected = {n.cue_id for n in p.notices if n.code == "cue_rejected" and "cues per second" in n.message}
    assert 3 <= len(rejected) <= 5 and ids[0] not in rejected
    assert ids[0] in p.latency  # the session went on and played the cue that was allowed


def test_message_size_and_lookahead_bounds(tight):
    async def go():
        async with grpc.aio.insecure_channel(tight.address) as ch:
            stub = pb_grpc.SoundweaverStub(ch)
            with pytest.raises(grpc.aio.AioRpcError) as big:
                await stub.Plan(pb.PlanRequest(text="rain " * 2000))
            call = stub.Session()
            await call.write(pb.ClientMessage(start=pb.StartSession(lookahead_ms=800)))
            with pytest.raises(grpc.aio.AioRpcError) as la:
                await call.read()
                await call
            return big.value, la.value
    big, la = asyncio.run(asyncio.wait_for(go(), 60))
    assert big.code() == grpc.StatusCode.RESOURCE_EXHAUSTED  # over --max-message-bytes
    assert la.code() == grpc.StatusCode.INVALID_ARGUMENT and "lookahead_ms 800 is outside 20..500" in la.details()
