"""Who may connect: API keys in `authorization: Bearer KEY` metadata, checked in constant time.

Keys come from a file (one per line, `#` comments) and/or an environment variable (comma
separated). With keys configured, every RPC except the gRPC health service needs one; a session
remembers which key opened it (by a hash, never the key) so only that key can resume it.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import grpc

OPEN_METHODS = ("/grpc.health.v1.Health/",)  # load balancers probe without credentials


def key_id(key: str) -> str:
    """A stable, non-reversible name for a key (what sessions and logs keep)."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def bearer(metadata) -> str:
    """The token of an `authorization: Bearer TOKEN` entry ("" when absent)."""
    for k, v in metadata or ():
        if k.lower() == "authorization":
            v = v.decode() if isinstance(v, bytes) else v
            scheme, _, token = v.partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""


class ApiKeys:
    def __init__(self, keys=()):
        self._keys = [k.encode() for k in keys if k]

    @classmethod
    def load(cls, path: str | None = None, env_var: str | None = None) -> "ApiKeys":
        keys = []
        if path:
            for line in Path(path).read_text().splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    keys.append(line)
        if env_var and os.environ.get(env_var):
            keys += [k.strip() for k in os.environ[env_var].split(",") if k.strip()]
        return cls(keys)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def check(self, token: str) -> bool:
        """True when ``token`` is a configured key. Compares against every key, in constant time
        per key, so timing tells neither which key nor how much of one matched."""
        given = token.encode()
        ok = False
        for k in self._keys:
            ok |= hmac.compare_digest(given, k)
        return ok


def _deny(handler, message: str):
    async def unary(request, context):
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message)

    async def streaming(request, context):
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message)
        yield  # pragma: no cover - makes this an async generator for streaming responses

    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(streaming)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(unary)
    if handler.response_streaming:
        return grpc.unary_stream_rpc_method_handler(streaming)
    return grpc.unary_unary_rpc_method_handler(unary)


class AuthInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, keys: ApiKeys):
        self.keys = keys

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)
        if handler is None or details.method.startswith(OPEN_METHODS):
            return handler
        token = bearer(details.invocation_metadata)
        if not token:
            return _deny(handler, "missing credentials: send `authorization: Bearer <API key>` metadata")
        if not self.keys.check(token):
            return _deny(handler, "invalid API key")
        return handler
