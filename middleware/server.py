"""Building and running the gRPC server (grpc.aio), with health and reflection services,
API keys, TLS, Prometheus metrics and a graceful shutdown."""
from __future__ import annotations

import asyncio
import inspect
import logging
import signal
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2

from ..engines.base import Engine
from ..engines.registry import create_engine
from ..v1 import soundweaver_pb2 as pb
from .auth import ApiKeys, AuthInterceptor
from .baseline import TransportBaselineService
from . import wire
from .config import ServerConfig
from .metrics import serve_metrics
from .service import SoundweaverService

log = logging.getLogger("soundweaver.server")

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Soundweaver"].full_name
REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"


def build_engines(config: ServerConfig) -> dict[str, Engine]:
    """The default engine, procedural as the fallback every session can count on, and the
    studio's library when one is given."""
    engines = {config.engine: create_engine(config.engine, **config.engine_options)}
    if "procedural" not in engines:
        engines["procedural"] = create_engine("procedural")
    if config.library and "library" not in engines:
        engines["library"] = create_engine("library", **library_options(config))
    return engines


def library_options(config: ServerConfig) -> dict:
    return {"index": config.library}


def server_credentials(config: ServerConfig) -> grpc.ServerCredentials | None:
    """TLS from --tls-cert/--tls-key; with --tls-client-ca, clients must present a certificate."""
    if not (config.tls_cert or config.tls_key):
        return None
    if not (config.tls_cert and config.tls_key):
        raise ValueError("TLS needs both --tls-cert and --tls-key")
    ca = Path(config.tls_client_ca).read_bytes() if config.tls_client_ca else None
    return grpc.ssl_server_credentials([(Path(config.tls_key).read_bytes(), Path(config.tls_cert).read_bytes())],
                                       root_certificates=ca, require_client_auth=ca is not None)


def add_service(servicer, server: grpc.aio.Server, max_request_bytes: int | None = None) -> None:
    """Register the Soundweaver methods, as the generated ``add_SoundweaverServicer_to_server``
    would, but with request decoders that hand undecodable bytes to the handler as
    ``wire.Undecodable``: a unary call answers INVALID_ARGUMENT saying so, a live session a Notice
    (gRPC's own deserializer would answer UNKNOWN and log a traceback)."""
    handlers = {}
    for method in pb.DESCRIPTOR.services_by_name["Soundweaver"].methods:
        request = getattr(pb, method.input_type.name)
        response = getattr(pb, method.output_type.name)
        fn = getattr(servicer, method.name)
        kw = dict(request_deserializer=wire.decoder(request, max_request_bytes), response_serializer=response.SerializeToString)
        if method.client_streaming and method.server_streaming:
            handlers[method.name] = grpc.stream_stream_rpc_method_handler(fn, **kw)
        elif method.server_streaming:
            handlers[method.name] = grpc.unary_stream_rpc_method_handler(_checked_stream(fn), **kw)
        else:
            handlers[method.name] = grpc.unary_unary_rpc_method_handler(_checked_unary(fn), **kw)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),))


def _checked_unary(fn):
    async def handler(request, context):
        if isinstance(request, wire.Undecodable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.message)
        result = fn(request, context)  # the generated base class's stubs are not coroutines
        return await result if inspect.isawaitable(result) else result
    return handler


def _checked_stream(fn):
    async def handler(request, context):
        if isinstance(request, wire.Undecodable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.message)
        async for response in fn(request, context):
            yield response
    return handler


def add_reflection(service_names, server: grpc.aio.Server) -> None:
    """Server reflection as v1alpha (grpcio-reflection's) and v1, which current tools (grpcurl,
    Postman, grpcui) ask for first. The two protocols differ only in their package name, so v1 is
    the same servicer under the v1 method path, with the v1alpha messages."""
    reflection.enable_server_reflection(service_names, server)
    servicer = reflection.aio.ReflectionServicer(service_names)
    handler = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(REFLECTION_V1, {"ServerReflectionInfo": handler}),))


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
        add_service(self.service, self.grpc, config.limits.max_request_bytes)
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.grpc)
        add_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), self.grpc)
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
