"""The native client's C ABI (bindings/native/include/soundweaver.h) through ctypes, against a real
`soundweaver serve --port 0` (the ``server`` fixture of conftest.py).

The library is bindings/native/build/libsoundweaver.so (or $SOUNDWEAVER_LIB). When it is missing
the test builds it with CMake; it skips, saying why, only when it is missing and cannot be built
(no cmake / gRPC C++ dev packages: see bindings/ci.sh for the Debian packages).
"""
from __future__ import annotations

import ctypes as C
import os
import pathlib
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

pytestmark = [pytest.mark.bindings, pytest.mark.timeout(600)]

ROOT = pathlib.Path(__file__).resolve().parents[1]
NATIVE = ROOT / "bindings" / "native"
BUILD = NATIVE / "build"

# sw_result / sw_state / sw_event_type values (soundweaver.h)
SW_OK, SW_ERR_INVALID_ARGUMENT, SW_ERR_INVALID_STATE = 0, 1, 2
SW_ERR_NOT_FOUND, SW_ERR_ENDED, SW_ERR_NO_EVENT = 7, 12, 13
STATE_STREAMING, STATE_RECONNECTING, STATE_ENDED, STATE_FAILED = 2, 3, 4, 5
EVENT_PLAN, EVENT_NOTICE, EVENT_CONNECTION = 1, 2, 3


class SwConfig(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32), ("server", C.c_char_p), ("use_tls", C.c_int32),
        ("tls_root_certs_pem", C.c_char_p), ("tls_server_name", C.c_char_p), ("api_key", C.c_char_p),
        ("sample_rate", C.c_uint32), ("channels", C.c_uint32), ("encoding", C.c_int32),
        ("chunk_ms", C.c_uint32), ("lookahead_ms", C.c_uint32), ("prebuffer_ms", C.c_uint32),
        ("buffer_ms", C.c_uint32), ("ack_interval_ms", C.c_uint32), ("seed", C.c_uint64),
        ("engine", C.c_char_p), ("scene", C.c_char_p), ("narrative", C.c_char_p),
        ("connect_timeout_ms", C.c_uint32), ("auto_reconnect", C.c_int32),
        ("reconnect_timeout_ms", C.c_uint32), ("event_queue_capacity", C.c_uint32),
    ]


class SwFormat(C.Structure):
    _fields_ = [
        ("sample_rate", C.c_uint32), ("channels", C.c_uint32), ("chunk_frames", C.c_uint32),
        ("lookahead_ms", C.c_uint32), ("resume_window_ms", C.c_uint32), ("wire_encoding", C.c_int),
        ("start_frame", C.c_uint64), ("seed", C.c_uint64),
    ]


class SwStats(C.Structure):
    _fields_ = [("struct_size", C.c_uint32), ("state", C.c_int)] + [
        (name, C.c_uint64) for name in (
            "frames_received", "frames_played", "played_frame", "buffered_frames",
            "buffer_capacity_frames", "underruns", "underrun_frames", "chunks_received", "gap_frames",
            "overlap_frames", "overflow_frames", "acks_sent", "reconnects", "plan_revision",
            "events_dropped", "gap_repairs")]


class SwSoundEvent(C.Structure):
    _fields_ = [(n, C.c_char_p) for n in ("id", "caption", "sound_class", "emotion", "scene", "cue_id",
                                          "variant", "engine")] + [
        ("start_s", C.c_double), ("duration_s", C.c_double), ("intensity", C.c_float),
        ("distance", C.c_float), ("layer", C.c_int32), ("state", C.c_int32), ("late", C.c_int32),
        ("reserved", C.c_int32)]


class SwPlan(C.Structure):
    _fields_ = [("revision", C.c_uint64), ("reason", C.c_char_p), ("cue_id", C.c_char_p),
                ("scene", C.c_char_p), ("emotion", C.c_char_p), ("events", C.POINTER(SwSoundEvent)),
                ("event_count", C.c_size_t)]


class SwNotice(C.Structure):
    _fields_ = [("level", C.c_int32), ("code", C.c_char_p), ("message", C.c_char_p), ("cue_id", C.c_char_p)]


class SwConnectionEvent(C.Structure):
    _fields_ = [("state", C.c_int32), ("result", C.c_int32), ("message", C.c_char_p),
                ("resume_frame", C.c_uint64)]


class SwEvent(C.Structure):
    _fields_ = [("type", C.c_int32), ("plan", C.POINTER(SwPlan)), ("notice", C.POINTER(SwNotice)),
                ("connection", C.POINTER(SwConnectionEvent))]


CALLBACK = C.CFUNCTYPE(None, C.POINTER(SwEvent), C.c_void_p)


def _library_path() -> pathlib.Path | None:
    env = os.environ.get("SOUNDWEAVER_LIB")
    if env:
        return pathlib.Path(env)
    lib = BUILD / "libsoundweaver.so"
    return lib if lib.exists() else None


def _build_library() -> pathlib.Path:
    missing = [tool for tool in ("cmake", "protoc", "grpc_cpp_plugin", "pkg-config") if not shutil.which(tool)]
    if not missing and subprocess.run(["pkg-config", "--exists", "grpc++"]).returncode != 0:
        missing.append("grpc++ (libgrpc++-dev)")
    if missing:
        pytest.skip(f"libsoundweaver.so is not built and cannot be: missing {', '.join(missing)} "
                    "(run bindings/ci.sh, or apt-get install cmake g++ pkg-config libgrpc++-dev "
                    "libprotobuf-dev protobuf-compiler protobuf-compiler-grpc)")
    for cmd in (["cmake", "-S", str(NATIVE), "-B", str(BUILD), "-DCMAKE_BUILD_TYPE=Release"],
                ["cmake", "--build", str(BUILD), "--target", "soundweaver", "-j2"]):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return BUILD / "libsoundweaver.so"


@pytest.fixture(scope="module")
def sw():
    path = _library_path() or _build_library()
    lib = C.CDLL(str(path))
    P = C.c_void_p
    sigs = {
        "sw_version": (C.c_uint32, []),
        "sw_result_string": (C.c_char_p, [C.c_int]),
        "sw_state_string": (C.c_char_p, [C.c_int]),
        "sw_last_error": (C.c_char_p, []),
        "sw_config_init": (None, [C.POINTER(SwConfig)]),
        "sw_client_create": (C.c_int, [C.POINTER(SwConfig), C.POINTER(P)]),
        "sw_client_destroy": (None, [P]),
        "sw_client_start": (C.c_int, [P, C.c_uint32]),
        "sw_client_resume": (C.c_int, [P, C.c_char_p, C.c_uint64, C.c_uint32]),
        "sw_client_end": (C.c_int, [P, C.c_char_p, C.c_uint32]),
        "sw_client_get_state": (C.c_int, [P]),
        "sw_client_copy_session_id": (C.c_int, [P, C.c_char_p, C.c_size_t]),
        "sw_client_copy_error": (C.c_int, [P, C.c_char_p, C.c_size_t]),
        "sw_client_get_format": (C.c_int, [P, C.POINTER(SwFormat)]),
        "sw_client_send_cue": (C.c_int, [P, C.c_char_p, C.c_char_p, C.c_double]),
        "sw_client_send_script_cue": (C.c_int, [P, C.c_char_p, C.c_char_p, C.POINTER(C.c_char_p),
                                                C.POINTER(C.c_char_p), C.c_size_t, C.c_double]),
        "sw_client_set_parameter": (C.c_int, [P, C.c_char_p, C.c_float]),
        "sw_client_set_state": (C.c_int, [P, C.c_char_p, C.c_char_p]),
        "sw_client_set_switch": (C.c_int, [P, C.c_char_p, C.c_char_p]),
        "sw_client_read": (C.c_size_t, [P, C.POINTER(C.c_float), C.c_size_t]),
        "sw_client_buffered_frames": (C.c_uint64, [P]),
        "sw_client_get_stats": (C.c_int, [P, C.POINTER(SwStats)]),
        "sw_client_poll_event": (C.c_int, [P, C.POINTER(SwEvent)]),
        "sw_client_set_event_callback": (C.c_int, [P, CALLBACK, C.c_void_p]),
        "sw_client_drop_connection": (C.c_int, [P]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


class Session:
    """A small Pythonic wrapper, as a game-side binding would write one."""

    def __init__(self, sw, server: str, **options):
        self.sw = sw
        self._keep = []  # bytes the config points at must outlive create()
        cfg = SwConfig()
        sw.sw_config_init(C.byref(cfg))
        assert cfg.struct_size == C.sizeof(SwConfig), "ctypes mirror of sw_config is out of date"
        options.setdefault("lookahead_ms", 300)
        options.setdefault("connect_timeout_ms", 10000)
        for key, value in {"server": server, **options}.items():
            if isinstance(value, str):
                value = value.encode()
                self._keep.append(value)
            setattr(cfg, key, value)
        self.handle = C.c_void_p()
        assert sw.sw_client_create(C.byref(cfg), C.byref(self.handle)) == SW_OK, sw.sw_last_error()

    def check(self, result: int) -> None:
        assert result == SW_OK, f"{self.sw.sw_result_string(result).decode()}: {self.sw.sw_last_error().decode()}"

    def format(self) -> SwFormat:
        f = SwFormat()
        self.check(self.sw.sw_client_get_format(self.handle, C.byref(f)))
        return f

    def stats(self) -> SwStats:
        s = SwStats()
        s.struct_size = C.sizeof(SwStats)
        self.check(self.sw.sw_client_get_stats(self.handle, C.byref(s)))
        return s

    def events(self) -> list[tuple]:
        out, e = [], SwEvent()
        while self.sw.sw_client_poll_event(self.handle, C.byref(e)) == SW_OK:
            if e.type == EVENT_PLAN:
                p = e.plan.contents
                cue_ids = {p.cue_id.decode()} | {p.events[i].cue_id.decode() for i in range(p.event_count)}
                out.append(("plan", p.revision, cue_ids, p.event_count))
            elif e.type == EVENT_NOTICE:
                n = e.notice.contents
                out.append(("notice", n.code.decode(), n.message.decode(), n.cue_id.decode()))
            elif e.type == EVENT_CONNECTION:
                c = e.connection.contents
                out.append(("connection", c.state, c.message.decode(), c.resume_frame))
        return out

    def close(self) -> None:
        self.sw.sw_client_destroy(self.handle)
        self.handle = None


class Pump:
    """The engine's audio thread: reads 10 ms every 10 ms, keeps what came from the stream."""

    def __init__(self, session: Session, channels: int, rate: int):
        self.session, self.block = session, rate // 100
        self.buf = (C.c_float * (self.block * channels))()
        self.channels = channels
        self.frames = 0
        self.chunks: list[np.ndarray] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        nxt = time.monotonic()
        while not self._stop.is_set():
            n = self.session.sw.sw_client_read(self.session.handle, self.buf, self.block)
            if n:
                self.chunks.append(np.frombuffer(self.buf, dtype=np.float32, count=n * self.channels).copy())
            self.frames += n
            nxt += 0.01
            time.sleep(max(0.0, nxt - time.monotonic()))

    def stop(self) -> np.ndarray:
        self._stop.set()
        self.thread.join(10)
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.float32)


def wait_for(pred, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


# ----------------------------------------------------------------------------------------------

def test_abi_basics_without_a_server(sw):
    assert sw.sw_version() == 100  # 0.1.0
    assert sw.sw_result_string(SW_ERR_NOT_FOUND) == b"SW_ERR_NOT_FOUND"
    assert sw.sw_state_string(STATE_RECONNECTING) == b"reconnecting"
    cfg = SwConfig()
    sw.sw_config_init(C.byref(cfg))
    assert cfg.struct_size == C.sizeof(SwConfig) and cfg.auto_reconnect == 1
    handle = C.c_void_p()
    assert sw.sw_client_create(C.byref(cfg), C.byref(handle)) == SW_ERR_INVALID_ARGUMENT
    assert b"server" in sw.sw_last_error()
    assert sw.sw_client_start(None, 0) == SW_ERR_INVALID_ARGUMENT
    assert sw.sw_client_read(None, None, 10) == 0


def test_stream_cue_state_plan_and_end(sw, server):
    s = Session(sw, server.address, seed=11)
    try:
        s.check(sw.sw_client_start(s.handle, 30000))
        f = s.format()
        assert (f.sample_rate, f.channels, f.wire_encoding) == (48000, 2, 2)
        sid = C.create_string_buffer(64)
        s.check(sw.sw_client_copy_session_id(s.handle, sid, 64))
        assert sid.value
        s.check(sw.sw_client_set_parameter(s.handle, b"tension", 0.9))
        s.check(sw.sw_client_set_state(s.handle, b"weather", b"storm"))
        s.check(sw.sw_client_set_switch(s.handle, b"surface", b"gravel"))
        s.check(sw.sw_client_send_cue(s.handle, b"py-1", b"thunder roaring and a car skidding", -1.0))
        pump = Pump(s, f.channels, f.sample_rate)
        seen: list[tuple] = []
        assert wait_for(lambda: (seen.extend(s.events()) or
                                 any(e[0] == "plan" and "py-1" in e[2] for e in seen))), seen
        time.sleep(1.5)
        audio = pump.stop()
        assert audio.size >= f.sample_rate * f.channels  # over a second of stream in ~2 s
        assert np.isfinite(audio).all() and 1e-3 < np.abs(audio).max() <= 1.5
        st = s.stats()
        assert st.state == STATE_STREAMING and st.acks_sent > 10
        assert st.gap_frames == 0 and st.overlap_frames == 0
        assert st.frames_played == audio.size // f.channels
        s.check(sw.sw_client_end(s.handle, b"done", 15000))
        assert sw.sw_client_get_state(s.handle) == STATE_ENDED
        assert sw.sw_client_send_cue(s.handle, None, b"late cue", -1.0) == SW_ERR_ENDED
    finally:
        s.close()


def test_drop_connection_resumes_without_gap_or_repeat(sw, server):
    s = Session(sw, server.address, narrative="rain on a window, a clock ticking")
    try:
        s.check(sw.sw_client_start(s.handle, 30000))
        f = s.format()
        pump = Pump(s, f.channels, f.sample_rate)
        for n in (1, 2):
            time.sleep(0.7)
            received = s.stats().frames_received
            s.check(sw.sw_client_drop_connection(s.handle))
            assert wait_for(lambda: s.stats().reconnects >= n, 30), s.events()
            assert wait_for(lambda: s.stats().frames_received > received + f.sample_rate // 4, 30)
        pump.stop()
        st = s.stats()
        assert st.gap_frames == 0 and st.overlap_frames == 0
        assert sw.sw_client_get_state(s.handle) == STATE_STREAMING
        states = [e[1] for e in s.events() if e[0] == "connection"]
        assert states.count(STATE_RECONNECTING) >= 2 and states[-1] == STATE_STREAMING
        s.check(sw.sw_client_end(s.handle, b"done", 15000))
    finally:
        s.close()


def test_callback_and_resume_errors(sw, server):
    s = Session(sw, server.address)
    got: list[int] = []

    @CALLBACK
    def on_event(event, _user):
        got.append(event.contents.type)

    try:
        s.check(sw.sw_client_set_event_callback(s.handle, on_event, None))
        s.check(sw.sw_client_start(s.handle, 30000))
        s.check(sw.sw_client_send_cue(s.handle, b"cb", b"an owl hoots", -1.0))
        assert wait_for(lambda: EVENT_PLAN in got), got
        assert EVENT_CONNECTION in got
        e = SwEvent()
        assert sw.sw_client_poll_event(s.handle, C.byref(e)) == SW_ERR_NO_EVENT
    finally:
        s.close()

    r = Session(sw, server.address)
    try:
        assert sw.sw_client_resume(r.handle, b"no-such-session", 0, 20000) == SW_ERR_NOT_FOUND
        assert b"no-such-session" in sw.sw_last_error()
        assert sw.sw_client_get_state(r.handle) == STATE_FAILED
        msg = C.create_string_buffer(512)
        assert sw.sw_client_copy_error(r.handle, msg, 512) == SW_ERR_NOT_FOUND and msg.value
    finally:
        r.close()


# ---------------------------------------------------------------------------------------------
# TLS and the API key: a TLS-terminating gRPC forwarder in front of the plaintext server records
# the metadata it sees (the server itself may not speak TLS yet).

class _TlsForwarder:
    def __init__(self, upstream: str, key: bytes, cert: bytes):
        import grpc
        self.metadata: list[dict] = []
        channel = grpc.insecure_channel(upstream)
        outer = self

        class Forward(grpc.GenericRpcHandler):
            def service(self, details):
                outer.metadata.append(dict(details.invocation_metadata))
                call = channel.stream_stream(details.method)  # raw bytes both ways

                def handler(request_iterator, context):
                    yield from call(request_iterator)
                return grpc.stream_stream_rpc_method_handler(handler)

        self.server = grpc.server(ThreadPoolExecutor(8), handlers=[Forward()])
        self.port = self.server.add_secure_port("127.0.0.1:0", grpc.ssl_server_credentials([(key, cert)]))
        self.server.start()

    def stop(self):
        self.server.stop(0)


def _self_signed_cert(tmp_path) -> tuple[bytes, bytes]:
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("openssl is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return key.read_bytes(), cert.read_bytes()


def test_tls_with_api_key(sw, server, tmp_path):
    key, cert = _self_signed_cert(tmp_path)
    fwd = _TlsForwarder(server.address, key, cert)
    try:
        s = Session(sw, f"127.0.0.1:{fwd.port}", use_tls=1, tls_root_certs_pem=cert.decode(),
                    tls_server_name="localhost", api_key="test-key-123")
        try:
            s.check(sw.sw_client_start(s.handle, 30000))
            assert wait_for(lambda: s.stats().frames_received > 4800), "no audio over TLS"
            assert any(m.get("authorization") == "Bearer test-key-123" for m in fwd.metadata), fwd.metadata
            s.check(sw.sw_client_end(s.handle, b"done", 15000))
        finally:
            s.close()

        # A client that does not trust the certificate cannot connect, and says so.
        bad = Session(sw, f"127.0.0.1:{fwd.port}", use_tls=1, tls_server_name="localhost",
                      connect_timeout_ms=1500)
        try:
            assert sw.sw_client_start(bad.handle, 20000) == 3  # SW_ERR_UNAVAILABLE
            assert sw.sw_last_error()
        finally:
            bad.close()
    finally:
        fwd.stop()


# ---------------------------------------------------------------------------------------------
# Resume against a faulty server: after a drop, the first resume skips a chunk (the client must
# resume again from the first missing frame rather than play a hole) and the second re-sends half
# a chunk the client already holds (the client must drop it). The audio is a ramp of frame
# numbers, so what the engine plays proves there is no gap and no repeat.

RAMP = 65536  # left channel = (frame % RAMP) / RAMP, exact in float32


class _FaultyServer:
    def __init__(self, offsets: dict[int, int]):
        import grpc
        from soundweaver.v1 import soundweaver_pb2 as pb
        from soundweaver.v1 import soundweaver_pb2_grpc as pb_grpc
        self.offsets, self.connections, self.resume_frames = offsets, 0, []
        outer = self

        class Servicer(pb_grpc.SoundweaverServicer):
            def Session(self, request_iterator, context):
                first = next(request_iterator)
                n = outer.connections
                outer.connections += 1
                played = [0]

                def read_acks():
                    try:
                        for m in request_iterator:
                            if m.HasField("ack"):
                                played[0] = m.ack.played_frame
                    except grpc.RpcError:  # the client cancelled: the point of the test
                        pass
                threading.Thread(target=read_acks, daemon=True).start()
                start = first.start.resume_from_frame if first.start.resume_session_id else 0
                if first.start.resume_session_id:
                    outer.resume_frames.append(start)
                yield pb.ServerMessage(started=pb.SessionStarted(
                    session_id="faulty", format=pb.AudioFormat(sample_rate=48000, channels=2, encoding=pb.PCM_F32LE),
                    chunk_frames=480, lookahead_ms=100, start_frame=start, resume_window_ms=10000))
                frame = start + outer.offsets.get(n, 0)
                while context.is_active():
                    if frame - played[0] >= 4800:
                        time.sleep(0.002)
                        continue
                    idx = np.arange(frame, frame + 480)
                    left = ((idx % RAMP) / RAMP).astype(np.float32)
                    data = np.stack([left, -left], axis=1).tobytes()
                    yield pb.ServerMessage(audio=pb.AudioChunk(start_frame=frame, frames=480, data=data))
                    frame += 480

        self.server = grpc.server(ThreadPoolExecutor(8))
        pb_grpc.add_SoundweaverServicer_to_server(Servicer(), self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()

    def stop(self):
        self.server.stop(0)


def test_resume_repairs_a_gap_and_drops_a_repeat(sw):
    srv = _FaultyServer({1: +480, 2: -240})  # conn 1 skips a chunk, conn 2 repeats half of one
    s = Session(sw, f"127.0.0.1:{srv.port}", lookahead_ms=100)
    try:
        s.check(sw.sw_client_start(s.handle, 20000))
        pump = Pump(s, 2, 48000)
        assert wait_for(lambda: s.stats().frames_received > 9600)
        s.check(sw.sw_client_drop_connection(s.handle))
        assert wait_for(lambda: srv.connections >= 3 and s.stats().frames_received > 48000, 30), s.events()
        audio = pump.stop()
        st = s.stats()
        assert st.gap_repairs == 1 and st.gap_frames == 0, (st.gap_repairs, st.gap_frames)
        assert st.overlap_frames == 240
        assert len(set(srv.resume_frames)) == 1  # both resumes asked for the same first missing frame
        left = audio[0::2].astype(np.float64)
        assert left[0] == 0.0
        steps = np.diff(left) * RAMP
        assert np.all((steps == 1) | (steps == 1 - RAMP)), "the played audio has a gap or a repeat"
    finally:
        s.close()
        srv.stop()
