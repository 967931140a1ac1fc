// The Soundweaver client session: connection, stream threads, jitter buffer, acks, resume.
//
// Threads:
//   reader  ("the stream thread") connects, sends StartSession, reads ServerMessages, decodes
//           audio into the FrameRing, turns plan updates / notices into Events, and reconnects
//           with backoff + resume when the stream breaks.
//   writer  sends queued cues / game state / end, and PlaybackAcks every ack_interval from the
//           ring's read position (what the audio thread consumed).
//   audio   (the engine's) calls read(): wait-free, touches only the ring and atomics.
//   game    (any other) calls start / send / poll / stats / end.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events.h"
#include "ring_buffer.h"
#include "soundweaver.h"

namespace grpc {
class Channel;
class ClientContext;
template <class W, class R>
class ClientReaderWriter;
}  // namespace grpc

namespace soundweaver {
namespace v1 {
class ClientMessage;
class ServerMessage;
class SessionStarted;
class AudioChunk;
class PlanUpdate;
class Notice;
}  // namespace v1

struct StubHolder;  // wraps v1::Soundweaver::Stub (a nested class cannot be forward-declared)

struct Result {
  sw_result code = SW_OK;
  std::string message;
  bool ok() const { return code == SW_OK; }
  static Result Ok() { return Result{}; }
  static Result Error(sw_result code, std::string message) { return Result{code, std::move(message)}; }
};

struct ClientConfig {
  std::string server;
  bool use_tls = false;
  std::string tls_root_certs_pem, tls_server_name, api_key;
  uint32_t sample_rate = 0, channels = 0, chunk_ms = 0, lookahead_ms = 0;
  sw_encoding encoding = SW_ENCODING_PCM_F32LE;
  uint32_t prebuffer_ms = 0, buffer_ms = 0, ack_interval_ms = 10;
  uint64_t seed = 0;
  std::string engine, scene, narrative;
  uint32_t connect_timeout_ms = 5000;
  bool auto_reconnect = true;
  uint32_t reconnect_timeout_ms = 0;
  uint32_t event_queue_capacity = 256;

  // Validates and copies a C config. On failure returns the problem in words.
  static Result FromC(const sw_config& c, ClientConfig* out);
};

class Client {
 public:
  explicit Client(ClientConfig config);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // ---- game thread ------------------------------------------------------------------------
  Result start(uint32_t timeout_ms);
  Result resume(const std::string& session_id, uint64_t from_frame, uint32_t timeout_ms);
  Result end(const std::string& reason, uint32_t timeout_ms);
  Result send_cue(const std::string& cue_id, const std::string& text, const std::string& script,
                  const std::vector<std::pair<std::string, std::string>>& args, double at_s);
  Result set_parameter(const std::string& name, float value);
  Result set_state(const std::string& name, const std::string& value);
  Result set_switch(const std::string& name, const std::string& value);
  Result drop_connection();

  sw_state state() const { return static_cast<sw_state>(state_.load(std::memory_order_acquire)); }
  Result session_id(std::string* out) const;
  Result format(sw_format* out) const;
  Result error() const;
  void stats(sw_stats* out) const;

  // Poll: returns the next event (kept alive by *holder until the next poll), or nullptr.
  const sw_event* poll(std::unique_ptr<Event>* holder);
  void set_callback(sw_event_callback cb, void* user);

  // ---- audio thread (wait-free) -----------------------------------------------------------
  size_t read(float* out, size_t frames);
  uint64_t buffered_frames() const;

 private:
  using Stream = grpc::ClientReaderWriter<v1::ClientMessage, v1::ServerMessage>;
  struct Outgoing;  // a queued ClientMessage

  Result begin(uint32_t timeout_ms);
  void reset_channel();  // reader thread (or constructor) only
  void reader_main();
  void writer_main();
  // One connection: start (or resume), read until the stream ends. Returns the stream's status.
  Result run_stream(bool resume, bool* started);
  Result wait_connected(std::chrono::steady_clock::time_point deadline);
  Result handle_started(const v1::SessionStarted& started, bool resume);
  void handle_audio(const v1::AudioChunk& chunk);
  void handle_plan(const v1::PlanUpdate& plan);
  void handle_notice(const v1::Notice& notice);
  void write_into_ring(const float* data, size_t frames);
  void write_silence_into_ring(size_t frames);
  bool write_message(const v1::ClientMessage& msg);
  Result enqueue(std::unique_ptr<v1::ClientMessage> msg);
  void set_state(sw_state s, sw_result result, const std::string& message, uint64_t resume_frame = 0);
  void set_error(const Result& r);
  void emit(std::unique_ptr<Event> e);
  bool sleep_unless_stopped(std::chrono::milliseconds d);
  uint64_t played_frame() const;

  const ClientConfig config_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<StubHolder> stub_;

  // Lifecycle
  std::atomic<bool> stop_{false};
  std::atomic<bool> begun_{false};
  std::atomic<bool> ending_{false};
  std::atomic<bool> drop_requested_{false};
  // Watchdog (checked by the writer thread every ack interval): a stream that does not answer
  // StartSession within connect_timeout_ms, or that goes silent while the buffer runs dry (a
  // half-open connection), is cancelled and handled as a broken stream.
  enum Watchdog { kWatchdogNone = 0, kWatchdogStart = 1, kWatchdogStall = 2, kWatchdogGap = 3 };
  std::atomic<int64_t> start_deadline_ns_{0};  // 0: not waiting for SessionStarted
  std::atomic<int64_t> last_rx_ns_{0};         // last ServerMessage on the live stream
  std::atomic<int> watchdog_fired_{kWatchdogNone};
  void run_watchdog();
  static int64_t now_ns();
  std::atomic<int> state_{SW_STATE_IDLE};
  std::thread reader_, writer_;
  mutable std::mutex state_mutex_;  // state changes, error, session info; with state_cv_
  std::condition_variable state_cv_;
  Result error_;
  std::string session_id_;
  bool have_format_ = false;
  sw_format format_{};
  uint64_t resume_from_ = 0;  // sw_client_resume
  bool resume_requested_ = false;

  // Current call (for cancellation)
  std::mutex ctx_mutex_;
  grpc::ClientContext* ctx_ = nullptr;

  // Writer side: the live stream (guarded by stream_mutex_, held while writing) and the queue.
  std::mutex stream_mutex_;
  Stream* live_stream_ = nullptr;
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<std::unique_ptr<v1::ClientMessage>> queue_;
  bool stream_live_ = false;       // guarded by queue_mutex_
  uint64_t stream_generation_ = 0; // guarded by queue_mutex_
  uint64_t next_cue_number_ = 1;   // guarded by queue_mutex_

  // Jitter buffer. ring_ is published once (release) by the reader; the audio thread loads it.
  std::unique_ptr<FrameRing> ring_owner_;
  std::atomic<FrameRing*> ring_{nullptr};
  uint64_t base_frame_ = 0;        // session frame of ring position 0 (set before ring_ publish)
  size_t prebuffer_frames_ = 1;    // set before ring_ publish
  // Producer-only
  uint64_t next_frame_ = 0;        // first session frame not yet in the ring
  std::vector<float> scratch_;
  bool discard_audio_ = false;      // a gap-repair resume is under way: ignore this stream's audio
  uint64_t repaired_frame_ = UINT64_MAX;  // the frame a gap repair was last tried at
  uint64_t gap_from_ = 0, gap_to_ = 0;
  // Audio-thread-only
  bool playing_ = false;
  bool has_played_ = false;
  // Counters (single writer each, read by stats)
  std::atomic<uint64_t> underruns_{0}, underrun_frames_{0};
  std::atomic<uint64_t> chunks_{0}, gap_frames_{0}, overlap_frames_{0}, overflow_frames_{0};
  std::atomic<uint64_t> acks_{0}, reconnects_{0}, plan_revision_{0}, gap_repairs_{0};
  std::atomic<uint64_t> next_frame_shared_{0};
  std::atomic<uint32_t> format_lookahead_ms_{0}, chunk_frames_{0};  // for the watchdog

  // Events
  EventQueue events_;
  std::mutex callback_mutex_;
  sw_event_callback callback_ = nullptr;
  void* callback_user_ = nullptr;
};

}  // namespace soundweaver
