"""Shared fixtures: a real Soundweaver server on a loopback ephemeral port.

``server`` is the real command, `soundweaver serve --port 0`, in its own process (clients and
server must not share a GIL, or the test measures the GIL). ``ServerThread`` runs a server in
this process for tests that hand it special engines or inspect its state.
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time

import hypothesis  # noqa: F401  imported (and assertion-rewritten) up front: CPython 3.11.7 can
import pytest      # raise "AST constructor recursion depth mismatch" rewriting it late (gh-106905)

# The embedding extra may be installed; planning by meaning loads a model (seconds, torch). Tests
# that want it ask for it explicitly.
os.environ.setdefault("SOUNDWEAVER_EMBEDDINGS", "off")

from soundweaver.middleware.config import ServerConfig


class ServerThread:
    """Runs a real grpc.aio server in its own thread and event loop (tests stay synchronous)."""

    def __init__(self, config: ServerConfig, engines=None):
        self.config = config
        self.engines = engines
        self.loop = asyncio.new_event_loop()
        self.server = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        if not self._ready.wait(60) or self._error:
            raise RuntimeError(f"server did not start: {self._error}")

    def _run(self) -> None:
        from soundweaver.middleware.server import Server
        asyncio.set_event_loop(self.loop)
        try:
            self.server = Server(self.config, self.engines)
            self.loop.run_until_complete(self.server.start())
        except BaseException as exc:  # surfaced in __init__
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()

    @property
    def address(self) -> str:
        return self.server.address

    @property
    def service(self):
        return self.server.service

    def call(self, fn):
        """Run ``fn()`` on the server's loop and return its result (for inspecting state)."""
        fut = asyncio.run_coroutine_threadsafe(_call(fn), self.loop)
        return fut.result(10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(0.5), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


async def _call(fn):
    return fn()


class ServerProcess:
    """`soundweaver serve` as a subprocess; ``address`` is parsed from its "listening on" line."""

    def __init__(self, *args: str, env: dict | None = None, pre_args: tuple = ()):
        cmd = [sys.executable, "-m", "soundweaver.middleware.cli", *pre_args, "serve", "--port", "0", *args]
        self.proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                     env={**os.environ, **(env or {})})
        self.lines: list[str] = []
        deadline = time.monotonic() + 60
        self.address = None
        while time.monotonic() < deadline and self.address is None:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.lines.append(line)
            m = re.search(r"soundweaver: listening on (\S+)", line)
            if m:
                self.address = m.group(1)
        if self.address is None:
            self.proc.kill()
            raise RuntimeError("server did not start:\n" + "".join(self.lines))
        # keep draining stderr so the server never blocks on a full pipe
        self._drain = threading.Thread(target=self._read_rest, daemon=True)
        self._drain.start()

    def _read_rest(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


@pytest.fixture(scope="module")
def server():
    srv = ServerProcess()
    yield srv
    srv.stop()
