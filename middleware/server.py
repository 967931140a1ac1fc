"""Building and running the gRPC server (grpc.aio), with health and reflection services,
API keys, TLS, Prometheus metrics and a graceful shutdown."""
from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from ..engines.base import Engine
from ..engines.registry import create_engine
from ..v1 import soundweaver_pb2 as pb
from ..v1 import soundweaver_pb2_grpc as pb_grpc
from .auth import ApiKeys, AuthInterceptor
from .baseline import TransportBaselineService
from .config import ServerConfig
from .metrics import serve_metrics
from .service import SoundweaverService

log = logging.getLogger("soundweaver.server")

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Soundweaver"].full_name


def build_engines(config: ServerConfig) -> dict[str, Engine]:
    """The default engine, plus procedural as the fallback every session can count on."""
    engines = {config.engine: create_engine(config.engine, **config.engine_options)}
    if "procedural" not in engines:
        engines["procedural"] = create_engine("procedural")
    return engines


def server_credentials(config: ServerConfig) -> grpc.ServerCredentials | None:
    """TLS from --tls-cert/--tls-key; with --tls-client-ca, clients must present a certificate."""
    if not (config.tls_cert or config.tls_key):
        return None
    if not (config.tls_cert and config.tls_key):
        raise ValueError("TLS needs both --tls-cert and --tls-key")
    ca = Path(config.tls_client_ca).read_bytes() if config.tls_client_ca else None
    return grpc.ssl_server_credentials([(Path(config.tls_key).read_bytes(), Path(config.tls_cert).read_bytes())],
                                       root_certificates=ca, require_client_auth=ca is not None)


class Server:
    """A running Soundweaver server; ``port`` is the bound port (useful with port 0)."""

    def __init__(self, config: ServerConfig, engines: dict[str, Engine] | None = None,
                 transport_baseline: bool = False):
        self.config = config
        if transport_baseline:  # the bench's floor: same wire and pacing, no planning or audio
            self.engines = {}
            self.service = TransportBaselineService(config.limits.default_chunk_ms,
                                                    config.limits.default_lookahead_ms)
        else:
            self.engines = engines if engines is not None else build_engines(config)
            self.service = SoundweaverService(config, self.engines)
        self.keys = ApiKeys.load(config.api_keys_file, config.api_keys_env)
        opts = [("grpc.max_receive_message_length", config.limits.max_message_bytes),
                ("grpc.max_send_message_length", config.limits.max_message_bytes),
                ("grpc.so_reuseport", 0)]
        self.grpc = grpc.aio.server(options=opts, interceptors=[AuthInterceptor(self.keys)] if self.keys else [])
        pb_grpc.add_SoundweaverServicer_to_server(self.service, self.grpc)
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.grpc)
        reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), self.grpc)
        creds = server_credentials(config)
        target = f"{config.host}:{config.port}"
        self.port = self.grpc.add_secure_port(target, creds) if creds else self.grpc.add_insecure_port(target)
        if not self.port:
            raise OSError(f"could not bind {target}")
        self.tls = creds is not None
        self.metrics_server: asyncio.AbstractServer | None = None

    @property
    def address(self) -> str:
        return f"{self.config.host}:{self.port}"

    @property
    def metrics_port(self) -> int | None:
        return self.metrics_server.sockets[0].getsockname()[1] if self.metrics_server else None

    async def start(self) -> None:
        if hasattr(self.service, "start"):
            await self.service.start()
        await self.grpc.start()
        if self.config.metrics_port is not None and hasattr(self.service, "metrics"):
            self.metrics_server = await serve_metrics(self.config.host, self.config.metrics_port, self.service.metrics)
        for name in ("", SERVICE_NAME):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace_s: float | None = None) -> None:
        """Stop accepting, let live sessions play for ``grace_s``, then end their streams with
        UNAVAILABLE and a message, and release engines."""
        grace = self.config.shutdown_grace_s if grace_s is None else grace_s
        for name in ("", SERVICE_NAME):
            await self.health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        if hasattr(self.service, "drain"):
            await self.service.drain(grace)
        await self.grpc.stop(1.0)
        if self.metrics_server:
            self.metrics_server.close()
        if hasattr(self.service, "stop"):
            await self.service.stop()
        for e in self.engines.values():
            e.close()


async def serve(config: ServerConfig, ready=None, transport_baseline: bool = False) -> None:
    """Run until SIGINT or SIGTERM, then shut down gracefully. ``ready(server)`` is called once
    it listens."""
    server = Server(config, transport_baseline=transport_baseline)
    await server.start()
    log.info("listening on %s (%s; engines: %s%s%s)", server.address, "TLS" if server.tls else "plaintext",
             ", ".join(server.engines) or "none", "; API keys required" if server.keys else "",
             f"; metrics on :{server.metrics_port}/metrics" if server.metrics_server else "")
    if ready:
        ready(server)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down: %.1f s grace for live sessions", config.shutdown_grace_s)
    await server.stop()
    log.info("stopped")
