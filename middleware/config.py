"""Server configuration: one frozen dataclass, built from CLI flags (no global state)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..engines.routing import RoutingPolicy


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
    max_message_bytes: int = 4 * 1024 * 1024  # gRPC's own cap: larger messages end the call
    # Larger requests are not decoded (a Notice, or INVALID_ARGUMENT): the largest valid state
    # (256 entries of 128-character names and values) is about 70 KB.
    max_request_bytes: int = 128 * 1024
    max_state_entries: int = 256  # parameters + states + switches in one GameState
    max_name_chars: int = 128  # a parameter, state or switch name, or a state or switch value
    max_cue_ahead_s: float = 3600.0  # a cue's at_s at most this far past the stream position


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
    planner_budget_s: float = 1.5  # the LLM planner's time per cue before the rules take over
    embeddings: bool = False  # map lexicon misses by meaning (the embed extra; loads a model)
    render_processes: bool = True  # CPU engines render in worker processes (False: threads)
    render_timeout_s: float = 10.0  # a render call slower than this counts as failed
    stall_timeout_s: float = 30.0  # a client that neither reads nor acks this long is dropped
    shutdown_grace_s: float = 5.0  # SIGTERM: sessions get this long before their streams end
    api_keys_file: str | None = None  # one key per line; with keys, every RPC but health needs one
    api_keys_env: str | None = "SOUNDWEAVER_API_KEYS"  # comma-separated keys
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_client_ca: str | None = None  # set: mutual TLS (clients must present a cert signed by it)
    library: str | None = None  # an index of the studio's recordings: the `library` engine
    metrics_port: int | None = None  # Prometheus text exposition on this port (0: any free port)
    limits: Limits = field(default_factory=Limits)
    routing: RoutingPolicy = field(default_factory=RoutingPolicy)  # match threshold and what a miss does
