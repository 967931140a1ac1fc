"""What an independent client can send, and what it gets back: every message the server cannot use
is answered (a Notice, or a status that says what is wrong), and the session keeps reading.

Raw bytes go through a channel whose request serializer is the identity, so malformed messages
reach the server exactly as a broken or hostile client would send them.
"""
from __future__ import annotations

import asyncio
import time

import grpc
import pytest
from grpc_reflection.v1alpha import reflection_pb2

from soundweaver.middleware.client import SessionClient
from soundweaver.models.plan import AudioFormat
from soundweaver.v1 import soundweaver_pb2 as pb

from conftest import ServerProcess

FMT = AudioFormat(16000, 1)
SESSION = "/soundweaver.v1.Soundweaver/Session"
GARBAGE = b"\x0a\xff\xff\xff\xff\x0f"  # a length prefix with no body: "Wire format was corrupt"


def run(coro, timeout: float = 60):
    return asyncio.run(asyncio.wait_for(coro, timeout))


def raw_session(channel: grpc.aio.Channel):
    """A Session call that sends bytes as given."""
    return channel.stream_stream(SESSION, request_serializer=lambda b: b,
                                 response_deserializer=pb.ServerMessage.FromString)()


def start_bytes(**fields) -> bytes:
    fields.setdefault("format", pb.AudioFormat(sample_rate=16000, channels=1))
    return pb.ClientMessage(start=pb.StartSession(**fields)).SerializeToString()


def msg_bytes(**kind) -> bytes:
    return pb.ClientMessage(**kind).SerializeToString()


async def read_until(call, predicate, limit_s: float = 20.0) -> list:
    """Server messages until ``predicate(msg)`` holds (that one included)."""
    seen = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        msg = await asyncio.wait_for(call.read(), deadline - time.monotonic())
        assert msg is not grpc.aio.EOF, f"stream ended early; seen {[m.WhichOneof('kind') for m in seen]}"
        seen.append(msg)
        if predicate(msg):
            return seen
    raise AssertionError("predicate never held")


def notices(msgs) -> list[pb.Notice]:
    return [m.notice for m in msgs if m.WhichOneof("kind") == "notice"]


@pytest.fixture(scope="module")
def srv():
    s = ServerProcess()
    yield s
    s.stop()


def test_unusable_messages_after_start_get_notices_and_the_session_reads_on(srv):
    async def go():
        async with grpc.aio.insecure_channel(srv.address) as ch:
            call = raw_session(ch)
            await call.write(start_bytes())
            first = await call.read()
            assert first.WhichOneof("kind") == "started"
            await call.write(GARBAGE)
            await call.write(b"")  # an empty ClientMessage
            await call.write(start_bytes())  # a second start
            await call.write(msg_bytes(cue=pb.Cue(cue_id="door", text="a door slamming shut")))
            seen = await read_until(call, lambda m: m.WhichOneof("kind") == "plan" and m.plan.cue_id == "door")
            codes = [n.code for n in notices(seen)]
            await call.write(msg_bytes(end=pb.EndSession(reason="done")))
            await call.done_writing()
            while await call.read() is not grpc.aio.EOF:
                pass
            return codes, seen, await call.code()
    codes, seen, code = run(go())
    assert codes.count("message_undecodable") == 1 and codes.count("message_rejected") == 2, codes
    texts = [n.message for n in notices(seen)]
    assert any("could not be decoded as soundweaver.v1.ClientMessage" in t for t in texts), texts
    assert any("second start" in t for t in texts) and any("empty ClientMessage" in t for t in texts), texts
    assert code == grpc.StatusCode.OK  # the EndSession after all that was still read


def test_undecodable_first_message_and_unary_request_are_invalid_argument(srv):
    async def go():
        async with grpc.aio.insecure_channel(srv.address) as ch:
            call = raw_session(ch)
            await call.write(GARBAGE)
            with pytest.raises(grpc.aio.AioRpcError) as session_err:
                await call.read()
            info = ch.unary_unary("/soundweaver.v1.Soundweaver/GetServerInfo", request_serializer=lambda b: b,
                                  response_deserializer=pb.ServerInfo.FromString)
            with pytest.raises(grpc.aio.AioRpcError) as info_err:
                await info(GARBAGE)
            render = ch.unary_stream("/soundweaver.v1.Soundweaver/Render", request_serializer=lambda b: b,
                                     response_deserializer=pb.RenderChunk.FromString)
            with pytest.raises(grpc.aio.AioRpcError) as render_err:
                async for _ in render(GARBAGE):
                    pass
            return session_err.value, info_err.value, render_err.value
    for err, name in zip(run(go()), ("ClientMessage", "GetServerInfoRequest", "RenderRequest")):
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err
        assert f"could not be decoded as soundweaver.v1.{name}" in err.details()
    assert not any("Traceback" in line for line in srv.lines), "".join(srv.lines)[-3000:]


def test_start_problems_are_all_named(srv):
    async def go(start: pb.StartSession):
        async with grpc.aio.insecure_channel(srv.address) as ch:
            call = raw_session(ch)
            await call.write(pb.ClientMessage(start=start).SerializeToString())
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await call.read()
            return err.value
    bad = pb.StartSession(format=pb.AudioFormat(sample_rate=8000, channels=7, encoding=9), chunk_ms=1,
                          engine="nope", scene="mars", state=pb.GameState(parameters={"tension": float("nan")}),
                          resume_from_frame=5)
    err = run(go(bad))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    for words in ("encoding 9", "sample_rate 8000", "channels 7", "chunk_ms 1", "engine 'nope'", "scene 'mars'",
                  "'tension' is not a finite number", "resume_from_frame"):
        assert words in err.details(), (words, err.details())
    # a chunk size out of range is named alone: the client sent no lookahead to complain about
    err = run(go(pb.StartSession(chunk_ms=100000)))
    assert "chunk_ms 100000" in err.details() and "lookahead" not in err.details(), err.details()


def test_cue_at_absurd_time_state_flood_and_out_of_range_parameter_are_reported(srv):
    async def go():
        async with SessionClient(srv.address, FMT) as c:
            await c.cue("a door slamming shut", cue_id="far", at_s=1e300)
            await c.state(parameters={f"p{i}": 0.5 for i in range(100_000)})  # 1.5 MB: not even decoded
            await c.state(parameters={f"p{i}": 0.5 for i in range(300)})
            await c.state(parameters={"tension": 5.0})
            await c.cue("thunder roaring", cue_id="after")
            seen = await read_until(c.call, lambda m: m.WhichOneof("kind") == "plan" and m.plan.cue_id == "after")
            return notices(seen)
    got = {n.code: n for n in run(go())}
    assert got["cue_rejected"].cue_id == "far" and "at_s 1e+300" in got["cue_rejected"].message
    assert "1488894 bytes" in got["message_too_large"].message, got["message_too_large"].message
    assert "300 entries" in got["state_rejected"].message and "256" in got["state_rejected"].message
    assert "'tension' = 5" in got["parameter_clamped"].message and "clamped to 1" in got["parameter_clamped"].message


def test_acks_cannot_run_the_stream_ahead_of_real_time(srv):
    async def go():
        async with SessionClient(srv.address, FMT, lookahead_ms=200) as c:
            rate = c.started.format.sample_rate
            t0, frames = time.monotonic(), 0
            async for msg in c.messages():
                if msg.WhichOneof("kind") == "audio":
                    frames += msg.audio.frames
                    await c.ack(2 ** 53, underruns=4294967295)  # far ahead, and an absurd total
                if time.monotonic() - t0 > 1.5:
                    break
            elapsed = time.monotonic() - t0
            info = await pb_stub(c.channel).GetServerInfo(pb.GetServerInfoRequest())
            return frames / rate, elapsed, info.stats.client_underruns
    audio_s, elapsed, underruns = run(go())
    # at most real time plus the lookahead and one lookahead of ack credit (and scheduling slack)
    assert audio_s <= elapsed * 1.05 + 0.2 + 0.2 + 0.15, (audio_s, elapsed)
    assert underruns == 0


def pb_stub(channel):
    from soundweaver.v1 import soundweaver_pb2_grpc as pb_grpc
    return pb_grpc.SoundweaverStub(channel)


def test_server_info_names_every_limit(srv):
    async def go():
        async with grpc.aio.insecure_channel(srv.address) as ch:
            return await pb_stub(ch).GetServerInfo(pb.GetServerInfoRequest())
    lim = run(go()).limits
    assert lim.min_lookahead_ms > 0 and lim.max_lookahead_ms >= lim.min_lookahead_ms
    assert (lim.min_channels, lim.max_channels) == (1, 2)
    assert lim.max_state_entries > 0 and lim.max_name_chars > 0 and lim.max_message_bytes > 0
    assert lim.default_chunk_ms and lim.default_lookahead_ms and lim.max_cue_ahead_s > 0


@pytest.mark.parametrize("package", ["v1", "v1alpha"])
def test_reflection_answers_v1_and_v1alpha(srv, package):
    async def go():
        async with grpc.aio.insecure_channel(srv.address) as ch:
            call = ch.stream_stream(f"/grpc.reflection.{package}.ServerReflection/ServerReflectionInfo",
                                    request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                    response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)()
            await call.write(reflection_pb2.ServerReflectionRequest(list_services=""))
            await call.write(reflection_pb2.ServerReflectionRequest(file_containing_symbol="soundweaver.v1.Soundweaver"))
            await call.done_writing()
            return [r async for r in call]
    listed, described = run(go())
    assert "soundweaver.v1.Soundweaver" in {s.name for s in listed.list_services_response.service}
    assert described.file_descriptor_response.file_descriptor_proto


def boundary_start(rate: int, chunk: int, duration: float, after_s: float) -> float:
    """A start time whose end ``start + duration`` lands on the mixer's chunk grid in frames
    (``end * rate <= boundary``) but just after it in seconds (``end > boundary / rate``)."""
    from soundweaver.engines.mixer import StreamMixer
    offset = StreamMixer(AudioFormat(rate), "open_air").output.latency  # the mixer runs ahead of the output
    for k in range(int(after_s * rate / chunk), int(after_s * rate / chunk) + 2000):
        boundary = k * chunk + offset
        for start in (round(boundary / rate - duration, digits) for digits in (3, 4, 6)):
            end = start + duration
            if start > after_s and end * rate <= boundary and end > boundary / rate:
                return start
    raise AssertionError("no such start time")


def test_a_one_shot_plays_once_across_extend_revisions(srv):
    """From the report: rain, then a door slamming shut (seeds 7 and 42), the door played twice.
    Its end fell on a chunk boundary in frames and just after it in seconds: the session marked it
    played, found it again in the next chunk, and played it from the start. The door is cued at
    such a time here; it must go RENDERING -> PLAYING -> PLAYED, never come back, and play once."""
    door_s = 1.2  # door_slam's default duration, asserted below
    at = boundary_start(48000, 960, door_s, 4.0)

    async def go(seed: int):
        async with SessionClient(srv.address, AudioFormat(), seed=seed) as c:  # 48 kHz, 20 ms chunks
            rate = c.started.format.sample_rate
            assert c.started.chunk_frames == 960
            received, sent, history = 0, set(), []
            async for msg in c.messages():
                kind = msg.WhichOneof("kind")
                if kind == "audio":
                    received = msg.audio.start_frame + msg.audio.frames
                    await c.ack(received)
                    if received >= 0.5 * rate and "rain" not in sent:
                        sent.add(await c.cue("rain", cue_id="rain"))
                    if received >= 1.0 * rate and "door" not in sent:
                        sent.add(await c.cue("a door slamming shut", cue_id="door", at_s=at))
                    if received >= (at + door_s + 1.0) * rate:
                        break
                elif kind == "plan":
                    history += [(e.id, e.state, e.start_s, e.duration_s) for e in msg.plan.events if e.cue_id == "door"]
            return history
    for seed in (7, 42):
        history = run(go(seed))
        assert history and history[0][2:] == (at, door_s), (seed, at, history)  # the timing this test needs
        for event_id in {h[0] for h in history}:
            states = [s for i, s, *_ in history if i == event_id]
            assert pb.EVENT_STATE_PLAYED in states, (seed, history)
            after = states[states.index(pb.EVENT_STATE_PLAYED):]
            assert set(after) == {pb.EVENT_STATE_PLAYED}, (seed, history)
            assert states.count(pb.EVENT_STATE_PLAYING) == 1, (seed, history)


def test_live_and_offline_planning_agree_on_game_state_beds(srv):
    state = pb.GameState(states={"location": "forest", "time": "night"})

    async def go():
        async with grpc.aio.insecure_channel(srv.address) as ch:
            planned = await pb_stub(ch).Plan(pb.PlanRequest(text="an owl hoots", state=state))
        async with SessionClient(srv.address, FMT, state=state) as c:
            seen = await read_until(c.call, lambda m: m.WhichOneof("kind") == "plan")
        return planned, seen[-1].plan
    planned, live = run(go())
    offline_beds = {e.sound_class for e in planned.events if e.layer == pb.LAYER_AMBIENCE}
    live_beds = {e.sound_class for e in live.events if e.layer == pb.LAYER_AMBIENCE}
    assert offline_beds and offline_beds == live_beds, (offline_beds, live_beds)
