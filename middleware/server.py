"""Building and running the gRPC server (grpc.aio), with health and reflection services."""
from __future__ import annotations

import asyncio
import logging
import signal

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from ..engines.base import Engine
from ..engines.registry import create_engine
from ..v1 import soundweaver_pb2 as pb
from ..v1 import soundweaver_pb2_grpc as pb_grpc
from .config import ServerConfig
from .baseline import TransportBaselineService
from .service import SoundweaverService

log = logging.getLogger("soundweaver.server")

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Soundweaver"].full_name


def build_engines(config: ServerConfig) -> dict[str, Engine]:
    """The default engine, plus procedural as the fallback every session can count on."""
    engines = {config.engine: create_engine(config.engine, **config.engine_options)}
    if "procedural" not in engines:
        engines["procedural"] = create_engine("procedural")
    return engines


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
        opts = [("grpc.max_receive_message_length", config.limits.max_message_bytes),
                ("grpc.max_send_message_length", config.limits.max_message_bytes),
                ("grpc.so_reuseport", 0)]
        self.grpc = grpc.aio.server(options=opts)
        pb_grpc.add_SoundweaverServicer_to_server(self.service, self.grpc)
        self.health = health.aio.HealthServicer() if hasattr(health, "aio") else health.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.grpc)
        reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), self.grpc)
        self.port = self.grpc.add_insecure_port(f"{config.host}:{config.port}")
        if not self.port:
            raise OSError(f"could not bind {config.host}:{config.port}")

    @property
    def address(self) -> str:
        return f"{self.config.host}:{self.port}"

    async def start(self) -> None:
        if hasattr(self.service, "start"):
            await self.service.start()
        await self.grpc.start()
        await _set_serving(self.health, SERVICE_NAME)

    async def stop(self, grace_s: float = 2.0) -> None:
        await self.grpc.stop(grace_s)
        if hasattr(self.service, "stop"):
            await self.service.stop()
        for e in self.engines.values():
            e.close()


async def _set_serving(servicer, name: str) -> None:
    for svc in ("", name):
        result = servicer.set(svc, health_pb2.HealthCheckResponse.SERVING)
        if asyncio.iscoroutine(result):
            await result


async def serve(config: ServerConfig, ready=None, transport_baseline: bool = False) -> None:
    """Run until SIGINT or SIGTERM. ``ready(server)`` is called once it listens."""
    server = Server(config, transport_baseline=transport_baseline)
    await server.start()
    log.info("listening on %s (engines: %s)", server.address, ", ".join(server.engines))
    if ready:
        ready(server)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("stopping")
    await server.stop()
