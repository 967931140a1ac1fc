"""Server counters: what the server did, for GetServerInfo, logs and benchmarks."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Metrics:
    sessions_started: int = 0
    sessions_active: int = 0
    chunks_sent: int = 0
    bytes_sent: int = 0
    late_events: int = 0
    fallback_events: int = 0
    rejected_cues: int = 0
    client_underruns: int = 0
    render_seconds: dict = field(default_factory=lambda: defaultdict(float))
    rendered_audio_seconds: dict = field(default_factory=lambda: defaultdict(float))

    def observe_render(self, engine: str, wall_s: float, audio_s: float) -> None:
        self.render_seconds[engine] += wall_s
        self.rendered_audio_seconds[engine] += audio_s

    def realtime_factor(self, engine: str) -> float:
        """Seconds of audio rendered per wall second spent rendering."""
        wall = self.render_seconds.get(engine, 0.0)
        return self.rendered_audio_seconds.get(engine, 0.0) / wall if wall else 0.0
