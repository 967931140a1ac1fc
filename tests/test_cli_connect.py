"""The CLI as a user meets it: connection options (API keys, TLS, mutual TLS) on every client
command, one-line errors with sensible exit codes, --version, and plotting commands that stop
before their work when matplotlib is missing.

Servers are real (`soundweaver serve --port 0` on loopback); the CLI runs in subprocesses.
"""
from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import time

import pytest
import soundfile as sf

import soundweaver
from conftest import ServerProcess

KEY = "key-alpha"
LIGHT = ("--render-threads", "--workers", "1")  # these servers only need to answer, not to scale
NO_KEY_ENV = {k: v for k, v in os.environ.items() if k != "SOUNDWEAVER_API_KEY"}
NO_MATPLOTLIB = ("import sys; sys.modules['matplotlib'] = None; "
                 "from soundweaver.middleware.cli import main; sys.exit(main(sys.argv[1:]))")


def sw(*args, timeout=120, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "soundweaver.middleware.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env=env or NO_KEY_ENV, **kw)


def sw_without_matplotlib(*args, timeout=120):
    return subprocess.run([sys.executable, "-c", NO_MATPLOTLIB, *args], capture_output=True, text=True,
                          timeout=timeout, env=NO_KEY_ENV)


def one_line_error(out, *needles, rc=1):
    """Exit ``rc``, exactly one line on stderr, no traceback, every needle in that line."""
    assert out.returncode == rc, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def keyed():
    srv = ServerProcess(*LIGHT, env={"SOUNDWEAVER_API_KEYS": KEY})
    yield srv
    srv.stop()


# ------------------------------------------------------------------------------------ basics
def test_version():
    out = sw("--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"soundweaver {soundweaver.__version__}"


def test_bad_log_level_is_a_usage_error():
    out = sw("--log-level", "LOUD", "info")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "--log-level" in out.stderr and "invalid choice" in out.stderr and "WARNING" in out.stderr
    assert sw("--log-level", "warning", "plan", "rain").returncode == 0  # any case


@pytest.mark.parametrize("args", [
    ("info",),
    ("listen", "--seconds", "1", "-o", "{tmp}/x.wav", "rain"),
    ("render", "rain", "-o", "{tmp}/x.wav"),
    ("bench", "--sessions", "1", "--seconds", "1", "--no-baseline"),
], ids=["info", "listen", "render", "bench"])
def test_unreachable_server_is_one_line_and_exit_1(args, tmp_path):
    args = [a.format(tmp=tmp_path) for a in args]
    t0 = time.monotonic()
    out = sw(*args, "--server", "127.0.0.1:1")
    line = one_line_error(out, f"soundweaver {args[0]}: UNAVAILABLE:", "127.0.0.1:1")
    assert "--tls" in line  # says what to check
    assert time.monotonic() - t0 < 60
    assert not (tmp_path / "x.wav").exists()


def test_a_server_that_never_answers_hits_the_deadline():
    with socket.socket() as s:  # accepts TCP (the kernel's backlog) and never speaks HTTP/2
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        address = f"127.0.0.1:{s.getsockname()[1]}"
        t0 = time.monotonic()
        out = sw("info", "--server", address, "--timeout", "1")
        elapsed = time.monotonic() - t0
    one_line_error(out, "soundweaver info: DEADLINE_EXCEEDED:", address, "--timeout")
    assert elapsed < 30


def test_connection_option_mistakes_are_usage_errors(tmp_path):
    one_line_error(sw("info", "--tls-cert", str(tmp_path / "c.pem")), "--tls-key", rc=2)
    one_line_error(sw("info", "--tls-ca", str(tmp_path / "missing.pem")), "missing.pem", "no such file", rc=2)
    one_line_error(sw("info", "--timeout", "0"), "--timeout", rc=2)
    one_line_error(sw("render", "rain", "-o", str(tmp_path / "x.wav"), "--api-key", "k"), "--server", rc=2)
    one_line_error(sw("listen", "--server", "127.0.0.1:1", "--rate", "8000", "rain"), "sample_rate", rc=2)


# ------------------------------------------------------------------------------------ API keys
def test_info_needs_the_key(keyed):
    ok = sw("info", "--server", keyed.address, "--api-key", KEY)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["version"] == soundweaver.__version__
    env = sw("info", "--server", keyed.address, env={**NO_KEY_ENV, "SOUNDWEAVER_API_KEY": KEY})
    assert env.returncode == 0, env.stderr
    one_line_error(sw("info", "--server", keyed.address), "soundweaver info: UNAUTHENTICATED:", "Bearer",
                   keyed.address, "--api-key")
    one_line_error(sw("info", "--server", keyed.address, "--api-key", "key-gamma"),
                   "UNAUTHENTICATED: invalid API key")


def test_listen_needs_the_key(keyed, tmp_path):
    wav = tmp_path / "live.wav"
    ok = sw("listen", "--server", keyed.address, "--api-key", KEY, "--seconds", "1", "--first-cue-at", "0.2",
            "-o", str(wav), "a door slamming shut")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().splitlines()[-1].startswith("cue_to_audio_ms p50=")
    x, sr = sf.read(wav)
    assert len(x) >= sr
    one_line_error(sw("listen", "--server", keyed.address, "--seconds", "1", "-o", str(tmp_path / "no.wav"), "rain"),
                   "soundweaver listen: UNAUTHENTICATED:", keyed.address)
    assert not (tmp_path / "no.wav").exists()


def test_render_on_a_server_needs_the_key(keyed, tmp_path):
    wav = tmp_path / "remote.wav"
    ok = sw("render", "a door slamming shut", "--server", keyed.address, "--api-key", KEY, "--rate", "16000",
            "--channels", "1", "-o", str(wav))
    assert ok.returncode == 0, ok.stderr
    x, sr = sf.read(wav)
    assert sr == 16000 and len(x) > 0.5 * sr and "door_slam" in ok.stdout
    one_line_error(sw("render", "rain", "--server", keyed.address, "-o", str(tmp_path / "no.wav")),
                   "soundweaver render: UNAUTHENTICATED:", keyed.address)


def test_bench_on_a_server_needs_the_key(keyed):
    ok = sw("bench", "--server", keyed.address, "--api-key", KEY, "--sessions", "1", "--seconds", "1",
            "--cue-every", "0.3", "--no-baseline")
    assert ok.returncode == 0, ok.stderr
    assert "cue p50" in ok.stdout and "error:" not in ok.stdout, ok.stdout
    one_line_error(sw("bench", "--server", keyed.address, "--sessions", "1", "--seconds", "1", "--no-baseline"),
                   "soundweaver bench: UNAUTHENTICATED:")


# ------------------------------------------------------------------------------------------ TLS
SERVER_NAME = "soundweaver.test"  # the only name in the server's certificate: 127.0.0.1 needs the override


def _certs(tmp):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def make(name, issuer=None, ca=False, sans=()):
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        b = (x509.CertificateBuilder().subject_name(subject)
             .issuer_name(issuer[1].subject if issuer else subject)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
        return key, b.sign(issuer[0] if issuer else key, hashes.SHA256())

    ca = make("soundweaver cli test CA", ca=True)
    srv = make(SERVER_NAME, ca, sans=[x509.DNSName(SERVER_NAME)])
    cli = make("game client", ca)
    for name, (key, cert) in {"ca": ca, "server": srv, "client": cli}.items():
        (tmp / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (tmp / f"{name}.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                            serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()))
    return tmp


def test_tls_with_a_private_ca_and_a_server_name_override(tmp_path):
    d = _certs(tmp_path)
    ca = ("--tls-ca", str(d / "ca.pem"))
    srv = ServerProcess(*LIGHT, "--tls-cert", str(d / "server.pem"), "--tls-key", str(d / "server.key"))
    try:
        ok = sw("info", "--server", srv.address, *ca, "--tls-server-name", SERVER_NAME)
        assert ok.returncode == 0, ok.stderr
        assert json.loads(ok.stdout)["version"] == soundweaver.__version__
        # the certificate names soundweaver.test, not 127.0.0.1
        one_line_error(sw("info", "--server", srv.address, *ca), "soundweaver info: UNAVAILABLE:", srv.address)
        # plaintext to a TLS port
        one_line_error(sw("info", "--server", srv.address), "soundweaver info: UNAVAILABLE:", srv.address)
        wav = tmp_path / "tls.wav"
        live = sw("listen", "--server", srv.address, *ca, "--tls-server-name", SERVER_NAME, "--seconds", "0.5",
                  "-o", str(wav), "rain")
        assert live.returncode == 0, live.stderr
        assert sf.info(str(wav)).frames > 0
    finally:
        assert srv.stop() == 0


def test_mutual_tls_with_a_client_certificate(tmp_path):
    d = _certs(tmp_path)
    tls = ("--tls-ca", str(d / "ca.pem"), "--tls-server-name", SERVER_NAME)
    srv = ServerProcess(*LIGHT, "--tls-cert", str(d / "server.pem"), "--tls-key", str(d / "server.key"),
                        "--tls-client-ca", str(d / "ca.pem"), env={"SOUNDWEAVER_API_KEYS": KEY})
    try:
        ok = sw("info", "--server", srv.address, *tls, "--tls-cert", str(d / "client.pem"),
                "--tls-key", str(d / "client.key"), "--api-key", KEY)
        assert ok.returncode == 0, ok.stderr
        one_line_error(sw("info", "--server", srv.address, *tls, "--api-key", KEY), "soundweaver info: UNAVAILABLE:")
    finally:
        assert srv.stop() == 0


# ------------------------------------------------------------------------------ without matplotlib
def test_gallery_without_matplotlib_stops_before_rendering(tmp_path):
    out_dir = tmp_path / "gallery"
    out = sw_without_matplotlib("gallery", "-o", str(out_dir))
    one_line_error(out, "soundweaver gallery:", "matplotlib", "pip install 'soundweaver[plot]'", rc=2)
    assert not out_dir.exists()


def test_plan_plot_without_matplotlib_stops_before_planning(tmp_path):
    out = sw_without_matplotlib("plan", "rain and thunder", "--plot", str(tmp_path / "t.png"))
    one_line_error(out, "soundweaver plan:", "pip install 'soundweaver[plot]'", rc=2)
    assert out.stdout == ""


def test_bench_plot_without_matplotlib_stops_before_benchmarking(tmp_path):
    t0 = time.monotonic()
    out = sw_without_matplotlib("bench", "--sessions", "1", "--seconds", "30", "--plot", str(tmp_path / "b.png"))
    one_line_error(out, "soundweaver bench:", "pip install 'soundweaver[plot]'", rc=2)
    assert out.stdout == "" and time.monotonic() - t0 < 30


def test_evaluate_without_matplotlib_stops_before_loading_anything(tmp_path):
    narratives = tmp_path / "n.jsonl"
    narratives.write_text(json.dumps({"id": "a", "text": "a door slamming shut", "expect": [["door"]]}) + "\n")
    out = sw_without_matplotlib("evaluate", str(narratives), "-o", str(tmp_path / "report"))
    one_line_error(out, "soundweaver evaluate:", "matplotlib", "pip install", "--no-plots", rc=2)
    assert not (tmp_path / "report").exists()


# ------------------------------------------------------------------------------ in process
def test_gallery_reports_progress_per_class(tmp_path):
    pytest.importorskip("matplotlib")
    from soundweaver.engines.procedural.gallery import render_gallery
    from soundweaver.models import sound_classes
    names = list(sound_classes.NAMES)[:2]
    calls = []
    render_gallery(tmp_path, sample_rate=16000, classes=names, variants=False,
                   progress=lambda i, n, name: calls.append((i, n, name)))
    assert calls == [(1, 2, names[0]), (2, 2, names[1]), (2, 2, "")]


def test_connection_builds_metadata_and_credentials_in_one_place(tmp_path, monkeypatch):
    import argparse

    import grpc

    from soundweaver.middleware.client import (Connection, ConnectionOptionError, SessionClient,
                                               add_connection_args, rpc_error_line)
    p = argparse.ArgumentParser()
    add_connection_args(p, "127.0.0.1:50051")
    monkeypatch.setenv("SOUNDWEAVER_API_KEY", "from-env")
    c = Connection.from_args(p.parse_args([]))
    assert c.target == "127.0.0.1:50051" and not c.secure and c.credentials() is None
    assert c.metadata == (("authorization", "Bearer from-env"),)
    assert Connection.from_args(p.parse_args(["--api-key", "given"])).api_key == "given"
    assert Connection.from_args(p.parse_args(["--tls"])).secure
    d = _certs(tmp_path)
    c = Connection.from_args(p.parse_args(["--tls-ca", str(d / "ca.pem"), "--tls-server-name", "x"]))
    assert c.secure and isinstance(c.credentials(), grpc.ChannelCredentials)
    assert c.options() == [("grpc.ssl_target_name_override", "x")]
    with pytest.raises(ConnectionOptionError):
        Connection.from_args(p.parse_args(["--tls-key", str(d / "client.key")]))
    # SessionClient takes a Connection (or an address and an optional key)
    assert SessionClient(c).metadata == [("authorization", "Bearer from-env")]
    assert SessionClient("h:1", api_key="k").metadata == [("authorization", "Bearer k")]
    err = grpc.aio.AioRpcError(grpc.StatusCode.UNAVAILABLE, grpc.aio.Metadata(), grpc.aio.Metadata(),
                               details="first\n  second")
    line = rpc_error_line("info", err, "h:1")
    assert line.startswith("soundweaver info: UNAVAILABLE: first second (") and "h:1" in line and "\n" not in line
