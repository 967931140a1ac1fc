"""Conversion between protobuf messages and the domain types of ``models.plan``."""
from __future__ import annotations

from ..models.plan import (DEFAULT_SAMPLE_RATE, AudioFormat, Cue, Encoding, EventState, GameState,
                           Layer, Notice, SoundEvent)
from ..v1 import soundweaver_pb2 as pb

_ENCODING = {pb.PCM_S16LE: Encoding.PCM_S16LE, pb.PCM_F32LE: Encoding.PCM_F32LE}
_ENCODING_PB = {v: k for k, v in _ENCODING.items()}
_LAYER_PB = {Layer.AMBIENCE: pb.LAYER_AMBIENCE, Layer.FOLEY: pb.LAYER_FOLEY, Layer.MUSIC: pb.LAYER_MUSIC,
             Layer.STINGER: pb.LAYER_STINGER, Layer.VOICE: pb.LAYER_VOICE}
_STATE_PB = {EventState.SCHEDULED: pb.EVENT_STATE_SCHEDULED, EventState.RENDERING: pb.EVENT_STATE_RENDERING,
             EventState.PLAYING: pb.EVENT_STATE_PLAYING, EventState.PLAYED: pb.EVENT_STATE_PLAYED,
             EventState.CANCELLED: pb.EVENT_STATE_CANCELLED}
_LEVEL_PB = {"info": pb.NOTICE_INFO, "warning": pb.NOTICE_WARNING, "error": pb.NOTICE_ERROR}


def audio_format(msg: pb.AudioFormat) -> AudioFormat:
    """Domain format from the wire; zero fields take defaults. Raises ValueError on unknown enums."""
    if msg.encoding not in (pb.ENCODING_UNSPECIFIED, *_ENCODING):
        raise ValueError(f"encoding {msg.encoding} is not PCM_S16LE (1) or PCM_F32LE (2)")
    return AudioFormat(sample_rate=msg.sample_rate or DEFAULT_SAMPLE_RATE, channels=msg.channels or 2,
                       encoding=_ENCODING.get(msg.encoding, Encoding.PCM_S16LE))


def audio_format_pb(fmt: AudioFormat) -> pb.AudioFormat:
    return pb.AudioFormat(sample_rate=fmt.sample_rate, channels=fmt.channels, encoding=_ENCODING_PB[fmt.encoding])


def encoding_pb(encoding: Encoding) -> int:
    return _ENCODING_PB[encoding]


def game_state(msg: pb.GameState) -> GameState:
    return GameState(dict(msg.parameters), dict(msg.states), dict(msg.switches))


def game_state_pb(state: GameState) -> pb.GameState:
    return pb.GameState(parameters=dict(state.parameters), states=dict(state.states), switches=dict(state.switches))


def cue(msg: pb.Cue) -> Cue:
    return Cue(text=msg.text, cue_id=msg.cue_id, script=msg.script, args=dict(msg.args),
               at_s=msg.at_s if msg.HasField("at_s") else None)


def sound_event_pb(e: SoundEvent) -> pb.SoundEvent:
    return pb.SoundEvent(id=e.id, caption=e.caption, sound_class=e.sound_class, layer=_LAYER_PB[e.layer],
                         start_s=e.start_s, duration_s=e.duration_s, emotion=e.emotion, scene=e.scene,
                         intensity=e.intensity, distance=e.distance, state=_STATE_PB[e.state],
                         cue_id=e.cue_id, variant=e.variant, late=e.late, engine=e.engine)


def notice_pb(n: Notice) -> pb.Notice:
    return pb.Notice(level=_LEVEL_PB.get(n.level, pb.NOTICE_WARNING), code=n.code, message=n.message,
                     cue_id=n.cue_id)


def layer_name(layer: int) -> str:
    """Wire enum -> domain string (for clients)."""
    return {v: k.value for k, v in _LAYER_PB.items()}.get(layer, "")


def state_name(state: int) -> str:
    return {v: k.value for k, v in _STATE_PB.items()}.get(state, "")
