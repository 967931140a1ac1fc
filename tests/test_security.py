"""Who may connect: API keys, session ownership, TLS and mutual TLS (certificates made here)."""
from __future__ import annotations

import asyncio
import datetime
import ipaddress

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from soundweaver.middleware.client import SessionClient
from soundweaver.v1 import soundweaver_pb2 as pb
from soundweaver.v1 import soundweaver_pb2_grpc as pb_grpc

from conftest import ServerProcess

KEYS = "key-alpha,key-beta"


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


@pytest.fixture(scope="module")
def keyed():
    srv = ServerProcess(env={"SOUNDWEAVER_API_KEYS": KEYS})
    yield srv
    srv.stop()


async def _info(address, key=None, creds=None):
    md = [("authorization", f"Bearer {key}")] if key else None
    opts = [("grpc.ssl_target_name_override", "localhost")]
    ch = grpc.aio.secure_channel(address, creds, options=opts) if creds else grpc.aio.insecure_channel(address)
    async with ch:
        return await pb_grpc.SoundweaverStub(ch).GetServerInfo(pb.GetServerInfoRequest(), metadata=md, timeout=10)


def test_missing_or_wrong_key_is_unauthenticated(keyed):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        run(_info(keyed.address))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED and "Bearer" in err.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as err:
        run(_info(keyed.address, "key-gamma"))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED and "invalid API key" in err.value.details()
    assert run(_info(keyed.address, "key-beta")).version


def test_streams_need_a_key_and_health_does_not(keyed):
    async def go():
        client = SessionClient(keyed.address)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await client.open()
        await client.close(end=False)
        async with grpc.aio.insecure_channel(keyed.address) as ch:
            h = await health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest())
        return err.value, h
    err, h = run(go())
    assert err.code() == grpc.StatusCode.UNAUTHENTICATED
    assert h.status == health_pb2.HealthCheckResponse.SERVING


def test_only_the_opening_key_may_resume(keyed):
    async def go():
        a = SessionClient(keyed.address, api_key="key-alpha")
        started = await a.open()
        async for msg in a.messages():
            if msg.WhichOneof("kind") == "audio":
                break
        await a.drop()
        b = SessionClient(keyed.address, api_key="key-beta")
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await b.open(resume_session_id=started.session_id, resume_from_frame=0)
        await b.close(end=False)
        again = SessionClient(keyed.address, api_key="key-alpha")
        resumed = await again.open(resume_session_id=started.session_id, resume_from_frame=0)
        await again.close()
        return err.value, resumed
    err, resumed = run(go())
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED and "another API key" in err.details()
    assert resumed.start_frame == 0


# ------------------------------------------------------------------------------------------ TLS
def _certs(tmp):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def make(name, issuer_key=None, issuer_name=None, ca=False, san=False):
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name or subject)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san:
            b = b.add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        cert = b.sign(issuer_key or key, hashes.SHA256())
        return key, cert

    ca_key, ca = make("soundweaver test CA", ca=True)
    srv_key, srv = make("localhost", ca_key, ca.subject, san=True)
    cli_key, cli = make("game client", ca_key, ca.subject)
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM)
    key_pem = lambda k: k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    files = {"ca.pem": pem(ca), "server.pem": pem(srv), "server.key": key_pem(srv_key),
             "client.pem": pem(cli), "client.key": key_pem(cli_key)}
    for name, data in files.items():
        (tmp / name).write_bytes(data)
    return files


def test_tls_and_mutual_tls(tmp_path):
    f = _certs(tmp_path)
    tls = ServerProcess("--tls-cert", str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server.key"))
    try:
        assert run(_info(tls.address, creds=grpc.ssl_channel_credentials(f["ca.pem"]))).version
        with pytest.raises(grpc.aio.AioRpcError):  # plaintext to a TLS port
            run(asyncio.wait_for(_info(tls.address), 10))
    finally:
        assert tls.stop() == 0
    mtls = ServerProcess("--tls-cert", str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server.key"),
                         "--tls-client-ca", str(tmp_path / "ca.pem"))
    try:
        with pytest.raises(grpc.aio.AioRpcError):  # no client certificate
            run(_info(mtls.address, creds=grpc.ssl_channel_credentials(f["ca.pem"])))
        creds = grpc.ssl_channel_credentials(f["ca.pem"], f["client.key"], f["client.pem"])
        assert run(_info(mtls.address, creds=creds)).version
    finally:
        assert mtls.stop() == 0
