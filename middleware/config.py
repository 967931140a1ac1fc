"""Server configuration: one frozen dataclass, built from CLI flags (no global state)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    max_sessions: int = 256
    min_chunk_ms: int = 5
    max_chunk_ms: int = 200
    default_chunk_ms: int = 20
    min_lookahead_ms: int = 20
    max_lookahead_ms: int = 2000
    default_lookahead_ms: int = 120
    max_cue_chars: int = 2000
    max_cues_per_second: float = 20.0
    max_message_bytes: int = 4 * 1024 * 1024


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 50051
    engine: str = "procedural"  # default engine for sessions that do not name one
    engine_options: dict = field(default_factory=dict)  # e.g. model path and runtime for "neural"
    render_workers: int = 2  # threads rendering clips (numpy and torch release the GIL)
    resume_buffer_s: float = 10.0  # audio kept per session for resume
    resume_window_s: float = 30.0  # how long a detached session waits for its client
    horizon_s: float = 8.0  # how far ahead the planner plans
    cues_file: str | None = None  # designer cue sheet (TOML)
    planner_model: str | None = None  # local HF causal LM directory for the LLM planner
    limits: Limits = field(default_factory=Limits)
