"""Server counters and their Prometheus exposition (`--metrics-port`).

Plain counters in one dataclass owned by the service; a tiny asyncio HTTP endpoint renders them
in the Prometheus text format (no client library needed for a dozen series).
"""
from __future__ import annotations

import asyncio
import bisect
from collections import defaultdict
from dataclasses import dataclass, field

# Render wall time buckets (seconds): a 20 ms chunk budget at the low end, slow neural clips high.
RENDER_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)


@dataclass
class Histogram:
    buckets: tuple = RENDER_BUCKETS
    counts: list = field(default_factory=lambda: [0] * (len(RENDER_BUCKETS) + 1))
    total: float = 0.0
    n: int = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.total += value
        self.n += 1


@dataclass
class Metrics:
    sessions_started: int = 0
    sessions_active: int = 0
    sessions_reaped: int = 0
    chunks_sent: int = 0
    bytes_sent: int = 0
    late_events: int = 0
    fallback_events: int = 0
    engine_failures: int = 0
    rejected_cues: int = 0
    client_underruns: int = 0
    internal_errors: int = 0
    rejected_messages: int = 0  # undecodable or unusable client messages, answered with a Notice
    rejected_acks: int = 0  # acks whose underrun total was absurd
    render_seconds: dict = field(default_factory=lambda: defaultdict(float))
    rendered_audio_seconds: dict = field(default_factory=lambda: defaultdict(float))
    render_histograms: dict = field(default_factory=lambda: defaultdict(Histogram))

    def observe_render(self, engine: str, wall_s: float, audio_s: float) -> None:
        self.render_seconds[engine] += wall_s
        self.rendered_audio_seconds[engine] += audio_s
        self.render_histograms[engine].observe(wall_s)

    def realtime_factor(self, engine: str) -> float:
        """Seconds of audio rendered per wall second spent rendering."""
        wall = self.render_seconds.get(engine, 0.0)
        return self.rendered_audio_seconds.get(engine, 0.0) / wall if wall else 0.0

    def prometheus(self) -> str:
        """The Prometheus text exposition of every counter."""
        lines = []

        def metric(name: str, kind: str, help_: str, value) -> None:
            lines.extend([f"# HELP soundweaver_{name} {help_}", f"# TYPE soundweaver_{name} {kind}",
                          f"soundweaver_{name} {value}"])

        metric("sessions_started_total", "counter", "Sessions started.", self.sessions_started)
        metric("sessions_active", "gauge", "Streams attached now.", self.sessions_active)
        metric("sessions_reaped_total", "counter", "Detached sessions ended after the resume window.",
               self.sessions_reaped)
        metric("chunks_sent_total", "counter", "Audio chunks sent.", self.chunks_sent)
        metric("bytes_sent_total", "counter", "Audio bytes sent.", self.bytes_sent)
        metric("late_events_total", "counter", "Events not rendered in time (slid or fell back).", self.late_events)
        metric("fallback_events_total", "counter", "Events rendered by the procedural fallback.", self.fallback_events)
        metric("engine_failures_total", "counter", "Renders that raised or timed out.", self.engine_failures)
        metric("rejected_cues_total", "counter", "Cues rejected with a Notice.", self.rejected_cues)
        metric("client_underruns_total", "counter", "Underruns reported by clients in PlaybackAck.",
               self.client_underruns)
        metric("internal_errors_total", "counter",
               "Server errors survived: chunks replaced by silence after a mixing error, client messages "
               "the server failed on.", self.internal_errors)
        metric("rejected_messages_total", "counter",
               "Client messages the server could not use (undecodable, empty, a second start), each answered "
               "with a Notice.", self.rejected_messages)
        metric("rejected_acks_total", "counter", "Acks whose underrun total was impossible (not counted).",
               self.rejected_acks)
        lines += ["# HELP soundweaver_render_seconds Wall time of render calls, per engine.",
                  "# TYPE soundweaver_render_seconds histogram"]
        for engine, h in sorted(self.render_histograms.items()):
            running = 0
            for le, count in zip(list(h.buckets) + ["+Inf"], h.counts):
                running += count
                lines.append(f'soundweaver_render_seconds_bucket{{engine="{engine}",le="{le}"}} {running}')
            lines.append(f'soundweaver_render_seconds_sum{{engine="{engine}"}} {h.total}')
            lines.append(f'soundweaver_render_seconds_count{{engine="{engine}"}} {h.n}')
        return "\n".join(lines) + "\n"


async def serve_metrics(host: str, port: int, metrics: Metrics) -> asyncio.AbstractServer:
    """A minimal HTTP endpoint: GET /metrics answers the exposition, anything else 404."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
                pass
            parts = request.decode("latin-1").split()
            if len(parts) >= 2 and parts[0] == "GET" and parts[1].split("?")[0] == "/metrics":
                body, status = metrics.prometheus().encode(), "200 OK"
            else:
                body, status = b"not found\n", "404 Not Found"
            writer.write(f"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\n"
                         f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
            await writer.drain()
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port)
