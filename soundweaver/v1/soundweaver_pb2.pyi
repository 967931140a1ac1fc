from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Encoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENCODING_UNSPECIFIED: _ClassVar[Encoding]
    PCM_S16LE: _ClassVar[Encoding]
    PCM_F32LE: _ClassVar[Encoding]

class Layer(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LAYER_UNSPECIFIED: _ClassVar[Layer]
    LAYER_AMBIENCE: _ClassVar[Layer]
    LAYER_FOLEY: _ClassVar[Layer]
    LAYER_MUSIC: _ClassVar[Layer]
    LAYER_STINGER: _ClassVar[Layer]
    LAYER_VOICE: _ClassVar[Layer]

class EventState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_STATE_UNSPECIFIED: _ClassVar[EventState]
    EVENT_STATE_SCHEDULED: _ClassVar[EventState]
    EVENT_STATE_RENDERING: _ClassVar[EventState]
    EVENT_STATE_PLAYING: _ClassVar[EventState]
    EVENT_STATE_PLAYED: _ClassVar[EventState]
    EVENT_STATE_CANCELLED: _ClassVar[EventState]

class NoticeLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTICE_LEVEL_UNSPECIFIED: _ClassVar[NoticeLevel]
    NOTICE_INFO: _ClassVar[NoticeLevel]
    NOTICE_WARNING: _ClassVar[NoticeLevel]
    NOTICE_ERROR: _ClassVar[NoticeLevel]
ENCODING_UNSPECIFIED: Encoding
PCM_S16LE: Encoding
PCM_F32LE: Encoding
LAYER_UNSPECIFIED: Layer
LAYER_AMBIENCE: Layer
LAYER_FOLEY: Layer
LAYER_MUSIC: Layer
LAYER_STINGER: Layer
LAYER_VOICE: Layer
EVENT_STATE_UNSPECIFIED: EventState
EVENT_STATE_SCHEDULED: EventState
EVENT_STATE_RENDERING: EventState
EVENT_STATE_PLAYING: EventState
EVENT_STATE_PLAYED: EventState
EVENT_STATE_CANCELLED: EventState
NOTICE_LEVEL_UNSPECIFIED: NoticeLevel
NOTICE_INFO: NoticeLevel
NOTICE_WARNING: NoticeLevel
NOTICE_ERROR: NoticeLevel

class AudioFormat(_message.Message):
    __slots__ = ("sample_rate", "channels", "encoding")
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    sample_rate: int
    channels: int
    encoding: Encoding
    def __init__(self, sample_rate: _Optional[int] = ..., channels: _Optional[int] = ..., encoding: _Optional[_Union[Encoding, str]] = ...) -> None: ...

class GameState(_message.Message):
    __slots__ = ("parameters", "states", "switches")
    class ParametersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class StatesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class SwitchesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    SWITCHES_FIELD_NUMBER: _ClassVar[int]
    parameters: _containers.ScalarMap[str, float]
    states: _containers.ScalarMap[str, str]
    switches: _containers.ScalarMap[str, str]
    def __init__(self, parameters: _Optional[_Mapping[str, float]] = ..., states: _Optional[_Mapping[str, str]] = ..., switches: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SoundEvent(_message.Message):
    __slots__ = ("id", "caption", "sound_class", "layer", "start_s", "duration_s", "emotion", "scene", "intensity", "distance", "state", "cue_id", "variant", "late", "engine", "match_score", "match", "miss")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAPTION_FIELD_NUMBER: _ClassVar[int]
    SOUND_CLASS_FIELD_NUMBER: _ClassVar[int]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    START_S_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    INTENSITY_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CUE_ID_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    LATE_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    MATCH_SCORE_FIELD_NUMBER: _ClassVar[int]
    MATCH_FIELD_NUMBER: _ClassVar[int]
    MISS_FIELD_NUMBER: _ClassVar[int]
    id: str
    caption: str
    sound_class: str
    layer: Layer
    start_s: float
    duration_s: float
    emotion: str
    scene: str
    intensity: float
    distance: float
    state: EventState
    cue_id: str
    variant: str
    late: bool
    engine: str
    match_score: float
    match: str
    miss: bool
    def __init__(self, id: _Optional[str] = ..., caption: _Optional[str] = ..., sound_class: _Optional[str] = ..., layer: _Optional[_Union[Layer, str]] = ..., start_s: _Optional[float] = ..., duration_s: _Optional[float] = ..., emotion: _Optional[str] = ..., scene: _Optional[str] = ..., intensity: _Optional[float] = ..., distance: _Optional[float] = ..., state: _Optional[_Union[EventState, str]] = ..., cue_id: _Optional[str] = ..., variant: _Optional[str] = ..., late: _Optional[bool] = ..., engine: _Optional[str] = ..., match_score: _Optional[float] = ..., match: _Optional[str] = ..., miss: _Optional[bool] = ...) -> None: ...

class Notice(_message.Message):
    __slots__ = ("level", "code", "message", "cue_id")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CUE_ID_FIELD_NUMBER: _ClassVar[int]
    level: NoticeLevel
    code: str
    message: str
    cue_id: str
    def __init__(self, level: _Optional[_Union[NoticeLevel, str]] = ..., code: _Optional[str] = ..., message: _Optional[str] = ..., cue_id: _Optional[str] = ...) -> None: ...

class ClientMessage(_message.Message):
    __slots__ = ("start", "cue", "state", "ack", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    CUE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ACK_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: StartSession
    cue: Cue
    state: GameState
    ack: PlaybackAck
    end: EndSession
    def __init__(self, start: _Optional[_Union[StartSession, _Mapping]] = ..., cue: _Optional[_Union[Cue, _Mapping]] = ..., state: _Optional[_Union[GameState, _Mapping]] = ..., ack: _Optional[_Union[PlaybackAck, _Mapping]] = ..., end: _Optional[_Union[EndSession, _Mapping]] = ...) -> None: ...

class StartSession(_message.Message):
    __slots__ = ("format", "chunk_ms", "lookahead_ms", "seed", "engine", "scene", "state", "resume_session_id", "resume_from_frame", "narrative")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    CHUNK_MS_FIELD_NUMBER: _ClassVar[int]
    LOOKAHEAD_MS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    RESUME_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    RESUME_FROM_FRAME_FIELD_NUMBER: _ClassVar[int]
    NARRATIVE_FIELD_NUMBER: _ClassVar[int]
    format: AudioFormat
    chunk_ms: int
    lookahead_ms: int
    seed: int
    engine: str
    scene: str
    state: GameState
    resume_session_id: str
    resume_from_frame: int
    narrative: str
    def __init__(self, format: _Optional[_Union[AudioFormat, _Mapping]] = ..., chunk_ms: _Optional[int] = ..., lookahead_ms: _Optional[int] = ..., seed: _Optional[int] = ..., engine: _Optional[str] = ..., scene: _Optional[str] = ..., state: _Optional[_Union[GameState, _Mapping]] = ..., resume_session_id: _Optional[str] = ..., resume_from_frame: _Optional[int] = ..., narrative: _Optional[str] = ...) -> None: ...

class Cue(_message.Message):
    __slots__ = ("cue_id", "text", "script", "args", "at_s")
    class ArgsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CUE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    AT_S_FIELD_NUMBER: _ClassVar[int]
    cue_id: str
    text: str
    script: str
    args: _containers.ScalarMap[str, str]
    at_s: float
    def __init__(self, cue_id: _Optional[str] = ..., text: _Optional[str] = ..., script: _Optional[str] = ..., args: _Optional[_Mapping[str, str]] = ..., at_s: _Optional[float] = ...) -> None: ...

class PlaybackAck(_message.Message):
    __slots__ = ("played_frame", "underruns")
    PLAYED_FRAME_FIELD_NUMBER: _ClassVar[int]
    UNDERRUNS_FIELD_NUMBER: _ClassVar[int]
    played_frame: int
    underruns: int
    def __init__(self, played_frame: _Optional[int] = ..., underruns: _Optional[int] = ...) -> None: ...

class EndSession(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class ServerMessage(_message.Message):
    __slots__ = ("started", "audio", "plan", "notice")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    started: SessionStarted
    audio: AudioChunk
    plan: PlanUpdate
    notice: Notice
    def __init__(self, started: _Optional[_Union[SessionStarted, _Mapping]] = ..., audio: _Optional[_Union[AudioChunk, _Mapping]] = ..., plan: _Optional[_Union[PlanUpdate, _Mapping]] = ..., notice: _Optional[_Union[Notice, _Mapping]] = ...) -> None: ...

class SessionStarted(_message.Message):
    __slots__ = ("session_id", "format", "chunk_frames", "lookahead_ms", "engine", "start_frame", "resume_window_ms", "seed", "resume_buffer_ms")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FRAMES_FIELD_NUMBER: _ClassVar[int]
    LOOKAHEAD_MS_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    START_FRAME_FIELD_NUMBER: _ClassVar[int]
    RESUME_WINDOW_MS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    RESUME_BUFFER_MS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    format: AudioFormat
    chunk_frames: int
    lookahead_ms: int
    engine: str
    start_frame: int
    resume_window_ms: int
    seed: int
    resume_buffer_ms: int
    def __init__(self, session_id: _Optional[str] = ..., format: _Optional[_Union[AudioFormat, _Mapping]] = ..., chunk_frames: _Optional[int] = ..., lookahead_ms: _Optional[int] = ..., engine: _Optional[str] = ..., start_frame: _Optional[int] = ..., resume_window_ms: _Optional[int] = ..., seed: _Optional[int] = ..., resume_buffer_ms: _Optional[int] = ...) -> None: ...

class AudioChunk(_message.Message):
    __slots__ = ("sequence", "start_frame", "frames", "plan_revision", "data")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    START_FRAME_FIELD_NUMBER: _ClassVar[int]
    FRAMES_FIELD_NUMBER: _ClassVar[int]
    PLAN_REVISION_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    start_frame: int
    frames: int
    plan_revision: int
    data: bytes
    def __init__(self, sequence: _Optional[int] = ..., start_frame: _Optional[int] = ..., frames: _Optional[int] = ..., plan_revision: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...

class PlanUpdate(_message.Message):
    __slots__ = ("revision", "reason", "cue_id", "events", "scene", "emotion")
    REVISION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CUE_ID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    revision: int
    reason: str
    cue_id: str
    events: _containers.RepeatedCompositeFieldContainer[SoundEvent]
    scene: str
    emotion: str
    def __init__(self, revision: _Optional[int] = ..., reason: _Optional[str] = ..., cue_id: _Optional[str] = ..., events: _Optional[_Iterable[_Union[SoundEvent, _Mapping]]] = ..., scene: _Optional[str] = ..., emotion: _Optional[str] = ...) -> None: ...

class PlanRequest(_message.Message):
    __slots__ = ("text", "state", "seed", "horizon_s")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    HORIZON_S_FIELD_NUMBER: _ClassVar[int]
    text: str
    state: GameState
    seed: int
    horizon_s: float
    def __init__(self, text: _Optional[str] = ..., state: _Optional[_Union[GameState, _Mapping]] = ..., seed: _Optional[int] = ..., horizon_s: _Optional[float] = ...) -> None: ...

class PlanResponse(_message.Message):
    __slots__ = ("events", "duration_s", "scene", "emotion", "notices")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    NOTICES_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[SoundEvent]
    duration_s: float
    scene: str
    emotion: str
    notices: _containers.RepeatedCompositeFieldContainer[Notice]
    def __init__(self, events: _Optional[_Iterable[_Union[SoundEvent, _Mapping]]] = ..., duration_s: _Optional[float] = ..., scene: _Optional[str] = ..., emotion: _Optional[str] = ..., notices: _Optional[_Iterable[_Union[Notice, _Mapping]]] = ...) -> None: ...

class RenderRequest(_message.Message):
    __slots__ = ("text", "format", "seed", "engine", "state", "duration_s")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    text: str
    format: AudioFormat
    seed: int
    engine: str
    state: GameState
    duration_s: float
    def __init__(self, text: _Optional[str] = ..., format: _Optional[_Union[AudioFormat, _Mapping]] = ..., seed: _Optional[int] = ..., engine: _Optional[str] = ..., state: _Optional[_Union[GameState, _Mapping]] = ..., duration_s: _Optional[float] = ...) -> None: ...

class RenderChunk(_message.Message):
    __slots__ = ("plan", "audio", "summary")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    plan: PlanResponse
    audio: AudioChunk
    summary: RenderSummary
    def __init__(self, plan: _Optional[_Union[PlanResponse, _Mapping]] = ..., audio: _Optional[_Union[AudioChunk, _Mapping]] = ..., summary: _Optional[_Union[RenderSummary, _Mapping]] = ...) -> None: ...

class RenderSummary(_message.Message):
    __slots__ = ("frames", "loudness_lufs", "true_peak_dbfs", "render_seconds")
    FRAMES_FIELD_NUMBER: _ClassVar[int]
    LOUDNESS_LUFS_FIELD_NUMBER: _ClassVar[int]
    TRUE_PEAK_DBFS_FIELD_NUMBER: _ClassVar[int]
    RENDER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    frames: int
    loudness_lufs: float
    true_peak_dbfs: float
    render_seconds: float
    def __init__(self, frames: _Optional[int] = ..., loudness_lufs: _Optional[float] = ..., true_peak_dbfs: _Optional[float] = ..., render_seconds: _Optional[float] = ...) -> None: ...

class GetServerInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EngineInfo(_message.Message):
    __slots__ = ("name", "available", "description", "runtimes")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    RUNTIMES_FIELD_NUMBER: _ClassVar[int]
    name: str
    available: bool
    description: str
    runtimes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., available: _Optional[bool] = ..., description: _Optional[str] = ..., runtimes: _Optional[_Iterable[str]] = ...) -> None: ...

class Limits(_message.Message):
    __slots__ = ("max_sessions", "min_chunk_ms", "max_chunk_ms", "max_lookahead_ms", "max_cue_chars", "resume_window_ms", "min_sample_rate", "max_sample_rate", "max_cues_per_second", "min_lookahead_ms", "min_channels", "max_channels", "max_state_entries", "max_name_chars", "max_message_bytes", "default_chunk_ms", "default_lookahead_ms", "max_cue_ahead_s")
    MAX_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    MIN_CHUNK_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_CHUNK_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_LOOKAHEAD_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_CUE_CHARS_FIELD_NUMBER: _ClassVar[int]
    RESUME_WINDOW_MS_FIELD_NUMBER: _ClassVar[int]
    MIN_SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    MAX_SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    MAX_CUES_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    MIN_LOOKAHEAD_MS_FIELD_NUMBER: _ClassVar[int]
    MIN_CHANNELS_FIELD_NUMBER: _ClassVar[int]
    MAX_CHANNELS_FIELD_NUMBER: _ClassVar[int]
    MAX_STATE_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    MAX_NAME_CHARS_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_CHUNK_MS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_LOOKAHEAD_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_CUE_AHEAD_S_FIELD_NUMBER: _ClassVar[int]
    max_sessions: int
    min_chunk_ms: int
    max_chunk_ms: int
    max_lookahead_ms: int
    max_cue_chars: int
    resume_window_ms: int
    min_sample_rate: int
    max_sample_rate: int
    max_cues_per_second: float
    min_lookahead_ms: int
    min_channels: int
    max_channels: int
    max_state_entries: int
    max_name_chars: int
    max_message_bytes: int
    default_chunk_ms: int
    default_lookahead_ms: int
    max_cue_ahead_s: float
    def __init__(self, max_sessions: _Optional[int] = ..., min_chunk_ms: _Optional[int] = ..., max_chunk_ms: _Optional[int] = ..., max_lookahead_ms: _Optional[int] = ..., max_cue_chars: _Optional[int] = ..., resume_window_ms: _Optional[int] = ..., min_sample_rate: _Optional[int] = ..., max_sample_rate: _Optional[int] = ..., max_cues_per_second: _Optional[float] = ..., min_lookahead_ms: _Optional[int] = ..., min_channels: _Optional[int] = ..., max_channels: _Optional[int] = ..., max_state_entries: _Optional[int] = ..., max_name_chars: _Optional[int] = ..., max_message_bytes: _Optional[int] = ..., default_chunk_ms: _Optional[int] = ..., default_lookahead_ms: _Optional[int] = ..., max_cue_ahead_s: _Optional[float] = ...) -> None: ...

class ServerInfo(_message.Message):
    __slots__ = ("version", "engines", "encodings", "sample_rates", "limits", "sound_classes", "scenes", "emotions", "default_format", "active_sessions", "stats")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ENGINES_FIELD_NUMBER: _ClassVar[int]
    ENCODINGS_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATES_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    SOUND_CLASSES_FIELD_NUMBER: _ClassVar[int]
    SCENES_FIELD_NUMBER: _ClassVar[int]
    EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FORMAT_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    version: str
    engines: _containers.RepeatedCompositeFieldContainer[EngineInfo]
    encodings: _containers.RepeatedScalarFieldContainer[Encoding]
    sample_rates: _containers.RepeatedScalarFieldContainer[int]
    limits: Limits
    sound_classes: _containers.RepeatedScalarFieldContainer[str]
    scenes: _containers.RepeatedScalarFieldContainer[str]
    emotions: _containers.RepeatedScalarFieldContainer[str]
    default_format: AudioFormat
    active_sessions: int
    stats: ServerStats
    def __init__(self, version: _Optional[str] = ..., engines: _Optional[_Iterable[_Union[EngineInfo, _Mapping]]] = ..., encodings: _Optional[_Iterable[_Union[Encoding, str]]] = ..., sample_rates: _Optional[_Iterable[int]] = ..., limits: _Optional[_Union[Limits, _Mapping]] = ..., sound_classes: _Optional[_Iterable[str]] = ..., scenes: _Optional[_Iterable[str]] = ..., emotions: _Optional[_Iterable[str]] = ..., default_format: _Optional[_Union[AudioFormat, _Mapping]] = ..., active_sessions: _Optional[int] = ..., stats: _Optional[_Union[ServerStats, _Mapping]] = ...) -> None: ...

class ServerStats(_message.Message):
    __slots__ = ("sessions_started", "chunks_sent", "bytes_sent", "late_events", "fallback_events", "rejected_cues", "client_underruns", "render_realtime_factor", "uptime_s", "cpu_s")
    class RenderRealtimeFactorEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    SESSIONS_STARTED_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_SENT_FIELD_NUMBER: _ClassVar[int]
    BYTES_SENT_FIELD_NUMBER: _ClassVar[int]
    LATE_EVENTS_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_EVENTS_FIELD_NUMBER: _ClassVar[int]
    REJECTED_CUES_FIELD_NUMBER: _ClassVar[int]
    CLIENT_UNDERRUNS_FIELD_NUMBER: _ClassVar[int]
    RENDER_REALTIME_FACTOR_FIELD_NUMBER: _ClassVar[int]
    UPTIME_S_FIELD_NUMBER: _ClassVar[int]
    CPU_S_FIELD_NUMBER: _ClassVar[int]
    sessions_started: int
    chunks_sent: int
    bytes_sent: int
    late_events: int
    fallback_events: int
    rejected_cues: int
    client_underruns: int
    render_realtime_factor: _containers.ScalarMap[str, float]
    uptime_s: float
    cpu_s: float
    def __init__(self, sessions_started: _Optional[int] = ..., chunks_sent: _Optional[int] = ..., bytes_sent: _Optional[int] = ..., late_events: _Optional[int] = ..., fallback_events: _Optional[int] = ..., rejected_cues: _Optional[int] = ..., client_underruns: _Optional[int] = ..., render_realtime_factor: _Optional[_Mapping[str, float]] = ..., uptime_s: _Optional[float] = ..., cpu_s: _Optional[float] = ...) -> None: ...
