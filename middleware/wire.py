"""The wire: conversion between protobuf messages and the domain types of ``models.plan``, and
the validation of what clients send. Nothing else in the server builds or checks requests.

Validation collects every problem of a message, in words a client can act on, rather than
stopping at the first one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from google.protobuf.message import DecodeError

from ..models.plan import (DEFAULT_SAMPLE_RATE, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, AudioFormat, Cue,
                           Encoding, EventState, GameState, Layer, Notice, SoundEvent)
from ..v1 import soundweaver_pb2 as pb

_ENCODING = {pb.PCM_S16LE: Encoding.PCM_S16LE, pb.PCM_F32LE: Encoding.PCM_F32LE}
_ENCODING_PB = {v: k for k, v in _ENCODING.items()}
_LAYER_PB = {Layer.AMBIENCE: pb.LAYER_AMBIENCE, Layer.FOLEY: pb.LAYER_FOLEY, Layer.MUSIC: pb.LAYER_MUSIC,
             Layer.STINGER: pb.LAYER_STINGER, Layer.VOICE: pb.LAYER_VOICE}
_STATE_PB = {EventState.SCHEDULED: pb.EVENT_STATE_SCHEDULED, EventState.RENDERING: pb.EVENT_STATE_RENDERING,
             EventState.PLAYING: pb.EVENT_STATE_PLAYING, EventState.PLAYED: pb.EVENT_STATE_PLAYED,
             EventState.CANCELLED: pb.EVENT_STATE_CANCELLED}
_LEVEL_PB = {"info": pb.NOTICE_INFO, "warning": pb.NOTICE_WARNING, "error": pb.NOTICE_ERROR}


# ------------------------------------------------------------------------------ undecodable bytes
@dataclass(frozen=True)
class Undecodable:
    """A request the server did not decode: its bytes did not parse as the message the method
    takes, or it is larger than any valid request (decoding a huge message would hold the event
    loop, and every session on it, for as long as it takes). The server's deserializers return it
    instead of raising, so the handler can answer with a clear status (or, inside a live session,
    a Notice) rather than gRPC's UNKNOWN and a traceback."""

    type_name: str
    size: int
    error: str
    too_large: bool = False

    @property
    def message(self) -> str:
        if self.too_large:
            return f"a message of {self.size} bytes is not decoded: {self.error}"
        return f"a message of {self.size} bytes could not be decoded as {self.type_name} ({self.error})"


def decoder(message_class, max_bytes: int | None = None):
    """A request deserializer for ``message_class`` that returns ``Undecodable`` on bad bytes and
    on messages over ``max_bytes``."""
    name = message_class.DESCRIPTOR.full_name

    def decode(data: bytes):
        if max_bytes is not None and len(data) > max_bytes:
            return Undecodable(name, len(data), f"the limit for a {name} is {max_bytes} bytes", too_large=True)
        try:
            return message_class.FromString(data)
        except (DecodeError, RuntimeError, ValueError) as exc:  # upb raises DecodeError; be generous
            return Undecodable(name, len(data), str(exc) or type(exc).__name__)
    return decode


# ------------------------------------------------------------------------------ formats and state
def audio_format(msg: pb.AudioFormat) -> AudioFormat:
    """Domain format from the wire; zero fields take defaults, an unknown encoding reads as the
    default (``format_problems`` reports it)."""
    return AudioFormat(sample_rate=msg.sample_rate or DEFAULT_SAMPLE_RATE, channels=msg.channels or 2,
                       encoding=_ENCODING.get(msg.encoding, Encoding.PCM_S16LE))


def format_problems(msg: pb.AudioFormat) -> list[str]:
    """Everything wrong with a requested format (empty when it can be served)."""
    out = []
    if msg.encoding not in (pb.ENCODING_UNSPECIFIED, *_ENCODING):
        out.append(f"encoding {msg.encoding} is not PCM_S16LE (1) or PCM_F32LE (2)")
    return out + audio_format(msg).problems()


def audio_format_pb(fmt: AudioFormat) -> pb.AudioFormat:
    return pb.AudioFormat(sample_rate=fmt.sample_rate, channels=fmt.channels, encoding=_ENCODING_PB[fmt.encoding])


def encoding_pb(encoding: Encoding) -> int:
    return _ENCODING_PB[encoding]


def game_state(msg: pb.GameState) -> GameState:
    return GameState(dict(msg.parameters), dict(msg.states), dict(msg.switches))


def state_problems(msg: pb.GameState, limits) -> list[str]:
    """What makes a game state unusable: too many entries, over-long names, non-finite numbers.
    The size check comes first and alone, so a huge message costs one comparison."""
    entries = len(msg.parameters) + len(msg.states) + len(msg.switches)
    if entries > limits.max_state_entries:
        return [f"game state has {entries} entries; the limit is {limits.max_state_entries} per message"]
    out = []
    for kind, names in (("parameter", msg.parameters), ("state", msg.states), ("switch", msg.switches)):
        for k in names:
            if not k:
                out.append(f"a {kind} has an empty name")
            elif len(k) > limits.max_name_chars:
                out.append(f"{kind} name {k[:24]!r}... is {len(k)} characters; the limit is {limits.max_name_chars}")
    for kind, values in (("state", msg.states), ("switch", msg.switches)):
        for k, v in values.items():
            if len(v) > limits.max_name_chars:
                out.append(f"{kind} {k[:24]!r} has a value of {len(v)} characters; the limit is {limits.max_name_chars}")
    out += [f"parameter {k!r} is not a finite number ({v})" for k, v in msg.parameters.items() if not math.isfinite(v)]
    return out


def session_timing(start: pb.StartSession, limits) -> tuple[int, int]:
    """(chunk_ms, lookahead_ms) a StartSession asks for, defaults filled in. The default lookahead
    is at least two chunks, kept inside the server's bounds: a problem with it is reported only
    when the client chose it."""
    chunk_ms = start.chunk_ms or limits.default_chunk_ms
    lookahead_ms = start.lookahead_ms or min(max(limits.default_lookahead_ms, 2 * chunk_ms), limits.max_lookahead_ms)
    return chunk_ms, lookahead_ms


def start_problems(start: pb.StartSession, limits, engines, scenes) -> list[str]:
    """Everything wrong with a new session's StartSession, each problem named (a resume is
    checked by the session manager instead: its other fields are ignored)."""
    out = format_problems(start.format)
    chunk_ms, lookahead_ms = session_timing(start, limits)
    if not limits.min_chunk_ms <= chunk_ms <= limits.max_chunk_ms:
        out.append(f"chunk_ms {chunk_ms} is outside {limits.min_chunk_ms}..{limits.max_chunk_ms}")
    if start.lookahead_ms:
        if not limits.min_lookahead_ms <= lookahead_ms <= limits.max_lookahead_ms:
            out.append(f"lookahead_ms {lookahead_ms} is outside {limits.min_lookahead_ms}..{limits.max_lookahead_ms}")
        elif lookahead_ms < chunk_ms:
            out.append(f"lookahead_ms {lookahead_ms} is shorter than one chunk ({chunk_ms} ms)")
    if start.engine and start.engine not in engines:
        out.append(f"engine {start.engine!r} is not served here (available: {', '.join(engines)})")
    if start.scene and start.scene not in scenes:
        out.append(f"scene {start.scene!r} is not one of {', '.join(scenes)}")
    out += state_problems(start.state, limits)
    if len(start.narrative) > limits.max_cue_chars:
        out.append(f"narrative is {len(start.narrative)} characters; the limit is {limits.max_cue_chars}")
    if start.resume_from_frame:
        out.append("resume_from_frame is set without resume_session_id")
    return out


def limits_pb(limits, resume_window_s: float) -> pb.Limits:
    return pb.Limits(
        max_sessions=limits.max_sessions, min_chunk_ms=limits.min_chunk_ms, max_chunk_ms=limits.max_chunk_ms,
        min_lookahead_ms=limits.min_lookahead_ms, max_lookahead_ms=limits.max_lookahead_ms,
        max_cue_chars=limits.max_cue_chars, resume_window_ms=int(1000 * resume_window_s),
        min_sample_rate=MIN_SAMPLE_RATE, max_sample_rate=MAX_SAMPLE_RATE,
        max_cues_per_second=limits.max_cues_per_second, min_channels=1, max_channels=2,
        max_state_entries=limits.max_state_entries, max_name_chars=limits.max_name_chars,
        max_message_bytes=limits.max_request_bytes, default_chunk_ms=limits.default_chunk_ms,
        default_lookahead_ms=limits.default_lookahead_ms, max_cue_ahead_s=limits.max_cue_ahead_s)


def game_state_pb(state: GameState) -> pb.GameState:
    return pb.GameState(parameters=dict(state.parameters), states=dict(state.states), switches=dict(state.switches))


def cue(msg: pb.Cue) -> Cue:
    return Cue(text=msg.text, cue_id=msg.cue_id, script=msg.script, args=dict(msg.args),
               at_s=msg.at_s if msg.HasField("at_s") else None)


def sound_event_pb(e: SoundEvent) -> pb.SoundEvent:
    return pb.SoundEvent(id=e.id, caption=e.caption, sound_class=e.sound_class, layer=_LAYER_PB[e.layer],
                         start_s=e.start_s, duration_s=e.duration_s, emotion=e.emotion, scene=e.scene,
                         intensity=e.intensity, distance=e.distance, state=_STATE_PB[e.state],
                         cue_id=e.cue_id, variant=e.variant, late=e.late, engine=e.engine,
                         match_score=e.match_score, match=e.match, miss=e.miss)


def notice_pb(n: Notice) -> pb.Notice:
    return pb.Notice(level=_LEVEL_PB.get(n.level, pb.NOTICE_WARNING), code=n.code, message=n.message,
                     cue_id=n.cue_id)


def layer_name(layer: int) -> str:
    """Wire enum -> domain string (for clients)."""
    return {v: k.value for k, v in _LAYER_PB.items()}.get(layer, "")


def state_name(state: int) -> str:
    return {v: k.value for k, v in _STATE_PB.items()}.get(state, "")
