/*
 * soundweaver.h - C ABI of the Soundweaver native client (libsoundweaver).
 *
 * One library for every engine, the way FMOD and Wwise ship: a C++17 core over gRPC with this
 * plain-C surface. Nothing C++ crosses it: opaque handles, fixed-size integers, floats, doubles,
 * NUL-terminated UTF-8 strings, and result codes with messages.
 *
 * Threads
 *   - Control calls (create, start, cues, game state, poll, stats, end, destroy) may come from any
 *     thread; they never touch the audio path. sw_client_poll_event is single-consumer: poll
 *     from one thread at a time (typically the game thread).
 *   - sw_client_read is for exactly one audio thread. It is wait-free: no locks, no allocation,
 *     no system calls. It always fills the whole buffer (silence where audio is missing) and
 *     counts underruns.
 *   - The session stream runs on the library's own threads (a reader that fills the jitter
 *     buffer and a writer that sends cues, game state and PlaybackAcks). An event callback, if
 *     set, is invoked on the reader thread.
 *   - Stop calling sw_client_read before sw_client_destroy.
 *
 * Time is counted in frames at the session sample rate. Audio is interleaved float32 in
 * [-1, 1] with the session's channel count (see sw_client_get_format).
 */
#ifndef SOUNDWEAVER_H
#define SOUNDWEAVER_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  if defined(SW_BUILDING_LIBRARY)
#    define SW_API __declspec(dllexport)
#  else
#    define SW_API __declspec(dllimport)
#  endif
#  define SW_CALL __cdecl
#else
#  define SW_API __attribute__((visibility("default")))
#  define SW_CALL
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define SW_VERSION_MAJOR 0
#define SW_VERSION_MINOR 1
#define SW_VERSION_PATCH 0
/* Encoded as major * 10000 + minor * 100 + patch. */
#define SW_VERSION (SW_VERSION_MAJOR * 10000 + SW_VERSION_MINOR * 100 + SW_VERSION_PATCH)

/* ------------------------------------------------------------------------------------------ */
/* Results                                                                                     */

typedef enum sw_result {
  SW_OK = 0,
  SW_ERR_INVALID_ARGUMENT = 1,   /* a NULL handle, a bad config value, a malformed string */
  SW_ERR_INVALID_STATE = 2,      /* e.g. start twice, send before start, send after end */
  SW_ERR_UNAVAILABLE = 3,        /* the server cannot be reached (after retries) */
  SW_ERR_TIMEOUT = 4,            /* the call's timeout ran out; the operation may still finish */
  SW_ERR_UNAUTHENTICATED = 5,    /* missing or wrong API key */
  SW_ERR_PERMISSION_DENIED = 6,
  SW_ERR_NOT_FOUND = 7,          /* resume: the server does not know the session */
  SW_ERR_OUT_OF_RANGE = 8,       /* resume: the frame is outside the server's resume window */
  SW_ERR_REJECTED = 9,           /* the server refused the request (INVALID_ARGUMENT, limits) */
  SW_ERR_RESOURCE_EXHAUSTED = 10,/* server full (max sessions) or too many cues */
  SW_ERR_SERVER = 11,            /* any other gRPC error from the server */
  SW_ERR_ENDED = 12,             /* the session has ended */
  SW_ERR_NO_EVENT = 13,          /* sw_client_poll_event: the queue is empty (not a failure) */
  SW_ERR_INTERNAL = 14           /* a bug or out of memory in the client library */
} sw_result;

/* A static, human-readable name for a result code ("SW_ERR_TIMEOUT"). Never NULL. */
SW_API const char* SW_CALL sw_result_string(sw_result result);

/* The message of the last failed call made on the calling thread (empty string if none).
 * Valid until the next failing call on this thread. Never NULL. */
SW_API const char* SW_CALL sw_last_error(void);

/* SW_VERSION of the library actually loaded. */
SW_API uint32_t SW_CALL sw_version(void);

/* ------------------------------------------------------------------------------------------ */
/* Configuration                                                                               */

typedef enum sw_encoding {
  SW_ENCODING_UNSPECIFIED = 0,
  SW_ENCODING_PCM_S16LE = 1,
  SW_ENCODING_PCM_F32LE = 2
} sw_encoding;

/* Initialise with sw_config_init, then set what you need. Strings are copied by
 * sw_client_create; NULL and "" mean "not set". struct_size lets older and newer callers share
 * one library: it must be set (sw_config_init does). */
typedef struct sw_config {
  uint32_t struct_size;          /* sizeof(sw_config) */
  const char* server;            /* "host:port" (required) */
  int32_t use_tls;               /* 0: plaintext; 1: TLS */
  const char* tls_root_certs_pem;/* TLS: PEM roots; NULL: system roots */
  const char* tls_server_name;   /* TLS: override the name checked against the certificate */
  const char* api_key;           /* sent as "authorization: Bearer <key>" on every call */
  uint32_t sample_rate;          /* 0: server default (48000); 16000..48000 */
  uint32_t channels;             /* 0: server default (2); 1 or 2 */
  int32_t encoding;              /* sw_encoding on the wire; 0: PCM_F32LE (read() is float) */
  uint32_t chunk_ms;             /* 0: server default (20) */
  uint32_t lookahead_ms;         /* audio the server keeps in flight beyond played; 0: default */
  uint32_t prebuffer_ms;         /* buffered audio before read() starts (and restarts after an
                                    underrun) playing; 0: half the lookahead (at least one
                                    chunk). Clamped to lookahead minus one chunk. */
  uint32_t buffer_ms;            /* jitter-buffer capacity; 0: automatic (>= 4 x lookahead) */
  uint32_t ack_interval_ms;      /* PlaybackAck period while audio is consumed; 0: 10 ms */
  uint64_t seed;                 /* same seed, same cues, same samples */
  const char* engine;            /* "" / "procedural" / another engine the server lists */
  const char* scene;             /* initial scene acoustics ("" lets the planner decide) */
  const char* narrative;         /* optional opening narrative */
  uint32_t connect_timeout_ms;   /* to connect and get SessionStarted: for the first start in
                                    all (UNAVAILABLE is retried within it), then per resume
                                    attempt; 0: 5000 */
  int32_t auto_reconnect;        /* 1 (default): reconnect and resume on a broken stream; also
                                    on a silent one (no message for max(2 s, 4 x lookahead)
                                    while the buffer is empty: a half-open connection) */
  uint32_t reconnect_timeout_ms; /* give up resuming after this long; 0: the server's resume
                                    window as reported in SessionStarted (or 10000) */
  uint32_t event_queue_capacity; /* plan/notice events kept for polling; 0: 256 (oldest dropped) */
} sw_config;

/* Fills *config with defaults (everything 0/NULL except struct_size and auto_reconnect=1). */
SW_API void SW_CALL sw_config_init(sw_config* config);

/* ------------------------------------------------------------------------------------------ */
/* Client lifecycle                                                                            */

typedef struct sw_client sw_client; /* opaque */

typedef enum sw_state {
  SW_STATE_IDLE = 0,          /* created, not started */
  SW_STATE_CONNECTING = 1,    /* first connection and StartSession in progress */
  SW_STATE_STREAMING = 2,     /* session started, audio flowing */
  SW_STATE_RECONNECTING = 3,  /* stream broke; reconnecting to resume (audio keeps playing from
                                 the buffer) */
  SW_STATE_ENDED = 4,         /* ended by sw_client_end or by the server; buffer still readable */
  SW_STATE_FAILED = 5         /* gave up; see sw_client_copy_error */
} sw_state;

SW_API const char* SW_CALL sw_state_string(sw_state state);

SW_API sw_result SW_CALL sw_client_create(const sw_config* config, sw_client** out_client);

/* Stops the stream threads (cancelling the call; the server keeps the session for its resume
 * window) and frees everything. Safe on NULL. The audio thread must not be inside
 * sw_client_read. */
SW_API void SW_CALL sw_client_destroy(sw_client* client);

/* Connects and sends StartSession. timeout_ms > 0: waits until the server answers
 * SessionStarted (SW_OK) or fails, or the timeout runs out (SW_ERR_TIMEOUT; the attempt goes
 * on in the background). timeout_ms == 0: returns SW_OK at once; watch sw_client_get_state or
 * the SW_EVENT_CONNECTION events. The first connection retries UNAVAILABLE with backoff while
 * connect_timeout_ms allows. */
SW_API sw_result SW_CALL sw_client_start(sw_client* client, uint32_t timeout_ms);

/* Resumes an existing session (e.g. after the process restarted): like sw_client_start, with
 * StartSession.resume_session_id/resume_from_frame. Playback position starts at from_frame. */
SW_API sw_result SW_CALL sw_client_resume(sw_client* client, const char* session_id,
                                          uint64_t from_frame, uint32_t timeout_ms);

/* Sends EndSession and waits (up to timeout_ms, 0: don't wait) for the server to close the
 * stream. Audio already buffered stays readable. */
SW_API sw_result SW_CALL sw_client_end(sw_client* client, const char* reason, uint32_t timeout_ms);

SW_API sw_state SW_CALL sw_client_get_state(const sw_client* client);

/* Copies the session id (NUL-terminated, truncated to capacity) into buf. SW_ERR_INVALID_STATE
 * before the session started. */
SW_API sw_result SW_CALL sw_client_copy_session_id(const sw_client* client, char* buf, size_t capacity);

/* Copies the message of the failure that moved the client to SW_STATE_FAILED (or the latest
 * stream error), and returns its code (SW_OK if none). */
SW_API sw_result SW_CALL sw_client_copy_error(const sw_client* client, char* buf, size_t capacity);

typedef struct sw_format {
  uint32_t sample_rate;
  uint32_t channels;
  uint32_t chunk_frames;
  uint32_t lookahead_ms;
  uint32_t resume_window_ms;
  sw_encoding wire_encoding;     /* what the server sends; read() always gives float32 */
  uint64_t start_frame;          /* session frame of the first frame read() returns */
  uint64_t seed;
} sw_format;

/* The effective format, known once the session started (SW_ERR_INVALID_STATE before). */
SW_API sw_result SW_CALL sw_client_get_format(const sw_client* client, sw_format* out_format);

/* ------------------------------------------------------------------------------------------ */
/* Cues and game state (queued; sent in order by the stream's writer; kept across a reconnect) */

/* Narrative cue. cue_id may be NULL/"" (the library assigns "c<N>"); at_s < 0: as soon as
 * possible, else the session time to start at. */
SW_API sw_result SW_CALL sw_client_send_cue(sw_client* client, const char* cue_id,
                                            const char* text, double at_s);

/* A cue from the server's cue sheet with template arguments (n_args pairs; arrays may be NULL
 * when n_args == 0). */
SW_API sw_result SW_CALL sw_client_send_script_cue(sw_client* client, const char* cue_id,
                                                   const char* script,
                                                   const char* const* arg_keys,
                                                   const char* const* arg_values, size_t n_args,
                                                   double at_s);

SW_API sw_result SW_CALL sw_client_set_parameter(sw_client* client, const char* name, float value);
/* An empty value removes the state / switch. */
SW_API sw_result SW_CALL sw_client_set_state(sw_client* client, const char* name, const char* value);
SW_API sw_result SW_CALL sw_client_set_switch(sw_client* client, const char* name, const char* value);

/* ------------------------------------------------------------------------------------------ */
/* Audio (engine audio thread)                                                                 */

/* Fills out[0 .. frames*channels) with interleaved float32 audio, silence where the buffer is
 * empty. Returns the number of frames that came from the stream (the rest is silence; an
 * underrun is counted while the session is live). channels is the session's (sw_format); before
 * the session started it is config.channels (2 if 0) and the call writes silence. After an
 * underrun, read() re-buffers prebuffer_ms before it plays again; once the session ended it
 * plays out what is left. Wait-free; one audio thread only. Returns 0 and writes nothing if
 * client or out is NULL. */
SW_API size_t SW_CALL sw_client_read(sw_client* client, float* out, size_t frames);

/* Frames ready in the jitter buffer (any thread). */
SW_API uint64_t SW_CALL sw_client_buffered_frames(const sw_client* client);

typedef struct sw_stats {
  uint32_t struct_size;          /* set to sizeof(sw_stats) before the call */
  sw_state state;
  uint64_t frames_received;      /* frames written into the jitter buffer */
  uint64_t frames_played;        /* frames read() took from the buffer */
  uint64_t played_frame;         /* session frame position (start_frame + frames_played) */
  uint64_t buffered_frames;
  uint64_t buffer_capacity_frames;
  uint64_t underruns;            /* times the buffer ran dry while the session was playing
                                    (one starvation episode counts once) */
  uint64_t underrun_frames;      /* silence frames read() wrote during those episodes (including
                                    re-buffering up to prebuffer_ms) */
  uint64_t chunks_received;
  uint64_t gap_frames;           /* frames missing between chunks, filled with silence */
  uint64_t overlap_frames;       /* frames received twice and dropped */
  uint64_t overflow_frames;      /* frames dropped because the buffer was full (while ending) */
  uint64_t acks_sent;
  uint64_t reconnects;           /* successful resumes */
  uint64_t plan_revision;        /* latest PlanUpdate revision */
  uint64_t events_dropped;       /* plan/notice events dropped because nobody polled */
  uint64_t gap_repairs;          /* resumes made to fetch frames the server skipped (a chunk
                                    starting after the expected frame); a gap is only played
                                    (gap_frames) if the repair brings the same gap again */
} sw_stats;

SW_API sw_result SW_CALL sw_client_get_stats(const sw_client* client, sw_stats* out_stats);

/* ------------------------------------------------------------------------------------------ */
/* Plan updates, notices and connection events                                                 */

typedef enum sw_event_type {
  SW_EVENT_NONE = 0,
  SW_EVENT_PLAN = 1,         /* PlanUpdate: see event.plan */
  SW_EVENT_NOTICE = 2,       /* Notice: see event.notice */
  SW_EVENT_CONNECTION = 3    /* state change: see event.connection */
} sw_event_type;

typedef enum sw_layer {
  SW_LAYER_UNSPECIFIED = 0,
  SW_LAYER_AMBIENCE = 1,
  SW_LAYER_FOLEY = 2,
  SW_LAYER_MUSIC = 3,
  SW_LAYER_STINGER = 4,
  SW_LAYER_VOICE = 5
} sw_layer;

typedef enum sw_event_state {
  SW_EVENT_STATE_UNSPECIFIED = 0,
  SW_EVENT_STATE_SCHEDULED = 1,
  SW_EVENT_STATE_RENDERING = 2,
  SW_EVENT_STATE_PLAYING = 3,
  SW_EVENT_STATE_PLAYED = 4,
  SW_EVENT_STATE_CANCELLED = 5
} sw_event_state;

typedef enum sw_notice_level {
  SW_NOTICE_UNSPECIFIED = 0,
  SW_NOTICE_INFO = 1,
  SW_NOTICE_WARNING = 2,
  SW_NOTICE_ERROR = 3
} sw_notice_level;

/* A planned sound event (SoundEvent). Strings are never NULL. */
typedef struct sw_sound_event {
  const char* id;
  const char* caption;
  const char* sound_class;
  const char* emotion;
  const char* scene;
  const char* cue_id;
  const char* variant;
  const char* engine;
  double start_s;
  double duration_s;
  float intensity;
  float distance;
  int32_t layer;   /* sw_layer */
  int32_t state;   /* sw_event_state */
  int32_t late;
  int32_t reserved;
} sw_sound_event;

typedef struct sw_plan {
  uint64_t revision;
  const char* reason;   /* "start", "cue", "state", "extend", "progress" */
  const char* cue_id;
  const char* scene;
  const char* emotion;
  const sw_sound_event* events;
  size_t event_count;
} sw_plan;

typedef struct sw_notice {
  int32_t level;        /* sw_notice_level */
  const char* code;     /* e.g. "cue_rejected" */
  const char* message;
  const char* cue_id;
} sw_notice;

typedef struct sw_connection_event {
  int32_t state;        /* sw_state the client moved to */
  int32_t result;       /* sw_result: SW_OK, or why it reconnects / failed */
  const char* message;
  uint64_t resume_frame;/* RECONNECTING/STREAMING after resume: the frame it resumed from */
} sw_connection_event;

/* Exactly one of plan / notice / connection is non-NULL, matching type. All pointers stay valid
 * until the next sw_client_poll_event on this client (or, in a callback, until it returns). */
typedef struct sw_event {
  int32_t type;         /* sw_event_type */
  const sw_plan* plan;
  const sw_notice* notice;
  const sw_connection_event* connection;
} sw_event;

/* Takes the oldest queued event: SW_OK and *out_event filled, or SW_ERR_NO_EVENT. */
SW_API sw_result SW_CALL sw_client_poll_event(sw_client* client, sw_event* out_event);

/* Called on the stream thread for every event, instead of queueing it for polling. Keep it
 * short (audio is not read while it runs) and do not call sw_client_set_event_callback or
 * sw_client_destroy from it. Once sw_client_set_event_callback returns, the previous callback is
 * no longer running or called. NULL restores polling. */
typedef void(SW_CALL* sw_event_callback)(const sw_event* event, void* user_data);
SW_API sw_result SW_CALL sw_client_set_event_callback(sw_client* client, sw_event_callback callback,
                                                      void* user_data);

/* ------------------------------------------------------------------------------------------ */
/* Testing and diagnostics                                                                     */

/* Breaks the current stream as a network failure would (cancels the call). With auto_reconnect
 * the client then resumes from the first frame it does not hold. For tests and tools. */
SW_API sw_result SW_CALL sw_client_drop_connection(sw_client* client);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SOUNDWEAVER_H */
