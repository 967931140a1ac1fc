#include "client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "pcm.h"
#include "soundweaver/v1/soundweaver.grpc.pb.h"

namespace soundweaver {

namespace pb = ::soundweaver::v1;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct StubHolder {
  std::unique_ptr<pb::Soundweaver::Stub> stub;
};

namespace {

constexpr size_t kMaxQueuedMessages = 4096;

Result FromStatus(const grpc::Status& status, const char* what) {
  if (status.ok()) return Result::Ok();
  sw_result code;
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE: code = SW_ERR_UNAVAILABLE; break;
    case grpc::StatusCode::DEADLINE_EXCEEDED: code = SW_ERR_TIMEOUT; break;
    case grpc::StatusCode::UNAUTHENTICATED: code = SW_ERR_UNAUTHENTICATED; break;
    case grpc::StatusCode::PERMISSION_DENIED: code = SW_ERR_PERMISSION_DENIED; break;
    case grpc::StatusCode::NOT_FOUND: code = SW_ERR_NOT_FOUND; break;
    case grpc::StatusCode::OUT_OF_RANGE: code = SW_ERR_OUT_OF_RANGE; break;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::UNIMPLEMENTED: code = SW_ERR_REJECTED; break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: code = SW_ERR_RESOURCE_EXHAUSTED; break;
    default: code = SW_ERR_SERVER; break;
  }
  std::string msg = std::string(what) + ": gRPC " + std::to_string(status.error_code());
  msg += " (" + std::string(sw_result_string(code)) + ")";
  if (!status.error_message().empty()) msg += ": " + status.error_message();
  return Result::Error(code, msg);
}

// Worth reconnecting for: the network or the server had a moment. Not: the server refused.
bool Retryable(sw_result code) {
  return code == SW_ERR_UNAVAILABLE || code == SW_ERR_TIMEOUT || code == SW_ERR_SERVER;
}

std::chrono::milliseconds Backoff(unsigned attempt) {
  static thread_local std::minstd_rand rng(std::random_device{}());
  const unsigned base = std::min(1000u, 50u << std::min(attempt, 5u));
  std::uniform_int_distribution<unsigned> jitter(0, base / 4);
  return milliseconds(base + jitter(rng));
}

uint64_t MsToFrames(uint64_t ms, uint32_t rate) { return ms * rate / 1000; }

}  // namespace

// -----------------------------------------------------------------------------------------------
// Config

static std::string Str(const char* s) { return s ? std::string(s) : std::string(); }

Result ClientConfig::FromC(const sw_config& c, ClientConfig* out) {
  if (c.struct_size < sizeof(sw_config))
    return Result::Error(SW_ERR_INVALID_ARGUMENT,
                         "sw_config.struct_size is " + std::to_string(c.struct_size) + ", expected " +
                             std::to_string(sizeof(sw_config)) + ": call sw_config_init first");
  ClientConfig cfg;
  cfg.server = Str(c.server);
  if (cfg.server.empty())
    return Result::Error(SW_ERR_INVALID_ARGUMENT, "sw_config.server is empty: set it to \"host:port\"");
  cfg.use_tls = c.use_tls != 0;
  cfg.tls_root_certs_pem = Str(c.tls_root_certs_pem);
  cfg.tls_server_name = Str(c.tls_server_name);
  cfg.api_key = Str(c.api_key);
  if (c.sample_rate != 0 && (c.sample_rate < 8000 || c.sample_rate > 192000))
    return Result::Error(SW_ERR_INVALID_ARGUMENT,
                         "sw_config.sample_rate " + std::to_string(c.sample_rate) + " is not a sample rate");
  cfg.sample_rate = c.sample_rate;
  if (c.channels > 8)
    return Result::Error(SW_ERR_INVALID_ARGUMENT,
                         "sw_config.channels " + std::to_string(c.channels) + " is out of range (0, 1 or 2)");
  cfg.channels = c.channels;
  switch (c.encoding) {
    case SW_ENCODING_UNSPECIFIED:
    case SW_ENCODING_PCM_F32LE: cfg.encoding = SW_ENCODING_PCM_F32LE; break;
    case SW_ENCODING_PCM_S16LE: cfg.encoding = SW_ENCODING_PCM_S16LE; break;
    default:
      return Result::Error(SW_ERR_INVALID_ARGUMENT,
                           "sw_config.encoding " + std::to_string(c.encoding) + " is not an sw_encoding");
  }
  cfg.chunk_ms = c.chunk_ms;
  cfg.lookahead_ms = c.lookahead_ms;
  cfg.prebuffer_ms = c.prebuffer_ms;
  cfg.buffer_ms = c.buffer_ms;
  cfg.ack_interval_ms = c.ack_interval_ms ? c.ack_interval_ms : 10;
  cfg.seed = c.seed;
  cfg.engine = Str(c.engine);
  cfg.scene = Str(c.scene);
  cfg.narrative = Str(c.narrative);
  cfg.connect_timeout_ms = c.connect_timeout_ms ? c.connect_timeout_ms : 5000;
  cfg.auto_reconnect = c.auto_reconnect != 0;
  cfg.reconnect_timeout_ms = c.reconnect_timeout_ms;
  cfg.event_queue_capacity = c.event_queue_capacity ? c.event_queue_capacity : 256;
  *out = std::move(cfg);
  return Result::Ok();
}

// -----------------------------------------------------------------------------------------------
// Lifecycle

Client::Client(ClientConfig config)
    : config_(std::move(config)), stub_(new StubHolder), events_(config_.event_queue_capacity) {
  reset_channel();
}

// A fresh channel means a fresh connection (local subchannel pool): after a watchdog fired, the
// old connection may look healthy to gRPC while nothing gets through it.
void Client::reset_channel() {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (config_.use_tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = config_.tls_root_certs_pem;
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments args;
  // Reconnect quickly after a network blip (gRPC's default first backoff is a whole second).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // One connection per client: a broken connection of one session does not touch another's.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  if (config_.use_tls && !config_.tls_server_name.empty())
    args.SetSslTargetNameOverride(config_.tls_server_name);
  channel_ = grpc::CreateCustomChannel(config_.server, creds, args);
  stub_->stub = pb::Soundweaver::NewStub(channel_);
}

Client::~Client() {
  stop_.store(true);
  {
    std::lock_guard<std::mutex> lock(ctx_mutex_);
    if (ctx_) ctx_->TryCancel();
  }
  { std::lock_guard<std::mutex> lock(queue_mutex_); }
  queue_cv_.notify_all();
  { std::lock_guard<std::mutex> lock(state_mutex_); }
  state_cv_.notify_all();
  if (reader_.joinable()) reader_.join();
  if (writer_.joinable()) writer_.join();
}

Result Client::start(uint32_t timeout_ms) { return begin(timeout_ms); }

Result Client::resume(const std::string& session_id, uint64_t from_frame, uint32_t timeout_ms) {
  if (session_id.empty()) return Result::Error(SW_ERR_INVALID_ARGUMENT, "session_id is empty");
  if (begun_.load()) return Result::Error(SW_ERR_INVALID_STATE, "start or resume was already called on this client");
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    session_id_ = session_id;
    resume_from_ = from_frame;
    resume_requested_ = true;
  }
  next_frame_ = from_frame;
  base_frame_ = from_frame;
  return begin(timeout_ms);
}

Result Client::begin(uint32_t timeout_ms) {
  if (begun_.exchange(true))
    return Result::Error(SW_ERR_INVALID_STATE, "start or resume was already called on this client");
  {
    // The CONNECTING event itself is emitted by the reader: callbacks run on the stream thread.
    std::lock_guard<std::mutex> lock(state_mutex_);
    state_.store(SW_STATE_CONNECTING, std::memory_order_release);
  }
  writer_ = std::thread(&Client::writer_main, this);
  reader_ = std::thread(&Client::reader_main, this);
  if (timeout_ms == 0) return Result::Ok();
  std::unique_lock<std::mutex> lock(state_mutex_);
  int s = SW_STATE_CONNECTING;
  const bool done = state_cv_.wait_for(lock, milliseconds(timeout_ms), [&] {
    s = state_.load();
    return s != SW_STATE_CONNECTING && s != SW_STATE_IDLE;
  });
  if (!done)
    return Result::Error(SW_ERR_TIMEOUT, "no SessionStarted from " + config_.server + " within " +
                                             std::to_string(timeout_ms) + " ms (still trying)");
  if (s == SW_STATE_STREAMING || s == SW_STATE_RECONNECTING) return Result::Ok();
  if (s == SW_STATE_ENDED) return Result::Error(SW_ERR_ENDED, "the session ended before it started");
  return error_.ok() ? Result::Error(SW_ERR_INTERNAL, "start failed") : error_;
}

Result Client::end(const std::string& reason, uint32_t timeout_ms) {
  if (!begun_.load()) return Result::Error(SW_ERR_INVALID_STATE, "the session was not started");
  const int s = state_.load();
  if (s == SW_STATE_FAILED) {
    std::lock_guard<std::mutex> lock(state_mutex_);
    return error_;
  }
  if (s != SW_STATE_ENDED && !ending_.exchange(true)) {
    auto msg = std::make_unique<pb::ClientMessage>();
    msg->mutable_end()->set_reason(reason);
    {
      std::lock_guard<std::mutex> lock(queue_mutex_);
      queue_.push_back(std::move(msg));
    }
    queue_cv_.notify_all();
  }
  if (timeout_ms == 0) return Result::Ok();
  std::unique_lock<std::mutex> lock(state_mutex_);
  const bool done = state_cv_.wait_for(lock, milliseconds(timeout_ms), [&] {
    const int st = state_.load();
    return st == SW_STATE_ENDED || st == SW_STATE_FAILED;
  });
  if (!done)
    return Result::Error(SW_ERR_TIMEOUT,
                         "the server did not close the session within " + std::to_string(timeout_ms) + " ms");
  if (state_.load() == SW_STATE_FAILED) return error_;
  return Result::Ok();
}

Result Client::drop_connection() {
  drop_requested_.store(true);
  std::lock_guard<std::mutex> lock(ctx_mutex_);
  if (!ctx_) {
    drop_requested_.store(false);
    return Result::Error(SW_ERR_INVALID_STATE, "no stream is open");
  }
  ctx_->TryCancel();
  return Result::Ok();
}

// -----------------------------------------------------------------------------------------------
// Sending

Result Client::enqueue(std::unique_ptr<pb::ClientMessage> msg) {
  const int s = state_.load();
  if (s == SW_STATE_FAILED) {
    std::lock_guard<std::mutex> lock(state_mutex_);
    return Result::Error(SW_ERR_INVALID_STATE, "the session failed: " + error_.message);
  }
  if (s == SW_STATE_ENDED || ending_.load())
    return Result::Error(SW_ERR_ENDED, "the session has ended (or is ending)");
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (queue_.size() >= kMaxQueuedMessages)
      return Result::Error(SW_ERR_RESOURCE_EXHAUSTED,
                           std::to_string(queue_.size()) + " messages are waiting to be sent (not connected?)");
    queue_.push_back(std::move(msg));
  }
  queue_cv_.notify_all();
  return Result::Ok();
}

Result Client::send_cue(const std::string& cue_id, const std::string& text, const std::string& script,
                        const std::vector<std::pair<std::string, std::string>>& args, double at_s) {
  if (text.empty() && script.empty())
    return Result::Error(SW_ERR_INVALID_ARGUMENT, "a cue needs text or a script name");
  auto msg = std::make_unique<pb::ClientMessage>();
  pb::Cue* cue = msg->mutable_cue();
  if (cue_id.empty()) {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    cue->set_cue_id("cue-" + std::to_string(next_cue_number_++));
  } else {
    cue->set_cue_id(cue_id);
  }
  cue->set_text(text);
  cue->set_script(script);
  for (const auto& kv : args) (*cue->mutable_args())[kv.first] = kv.second;
  if (at_s >= 0) cue->set_at_s(at_s);
  return enqueue(std::move(msg));
}

Result Client::set_parameter(const std::string& name, float value) {
  if (name.empty()) return Result::Error(SW_ERR_INVALID_ARGUMENT, "parameter name is empty");
  auto msg = std::make_unique<pb::ClientMessage>();
  (*msg->mutable_state()->mutable_parameters())[name] = value;
  return enqueue(std::move(msg));
}

Result Client::set_state(const std::string& name, const std::string& value) {
  if (name.empty()) return Result::Error(SW_ERR_INVALID_ARGUMENT, "state name is empty");
  auto msg = std::make_unique<pb::ClientMessage>();
  (*msg->mutable_state()->mutable_states())[name] = value;
  return enqueue(std::move(msg));
}

Result Client::set_switch(const std::string& name, const std::string& value) {
  if (name.empty()) return Result::Error(SW_ERR_INVALID_ARGUMENT, "switch name is empty");
  auto msg = std::make_unique<pb::ClientMessage>();
  (*msg->mutable_state()->mutable_switches())[name] = value;
  return enqueue(std::move(msg));
}

bool Client::write_message(const pb::ClientMessage& msg) {
  std::lock_guard<std::mutex> lock(stream_mutex_);
  if (!live_stream_) return false;
  return live_stream_->Write(msg);
}

uint64_t Client::played_frame() const {
  FrameRing* ring = ring_.load(std::memory_order_acquire);
  return ring ? base_frame_ + ring->total_read() : base_frame_;
}

int64_t Client::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

void Client::run_watchdog() {
  const int64_t now = now_ns();
  int fire = kWatchdogNone;
  const int64_t start_deadline = start_deadline_ns_.load();
  if (start_deadline != 0 && now > start_deadline) {
    fire = kWatchdogStart;
  } else if (state_.load() == SW_STATE_STREAMING && !ending_.load()) {
    // Silence from the server is normal while the buffer is full (flow control waits for the
    // game to play); it is a dead connection when the buffer has run dry as well.
    const int64_t stall_ns = int64_t(std::max<uint32_t>(2000, 4 * format_lookahead_ms_.load())) * 1000000;
    const int64_t last = last_rx_ns_.load();
    FrameRing* ring = ring_.load(std::memory_order_acquire);
    const size_t low = std::max<size_t>(1, chunk_frames_.load());
    if (last != 0 && now - last > stall_ns && ring && ring->size() < low) fire = kWatchdogStall;
  }
  if (fire == kWatchdogNone) return;
  std::lock_guard<std::mutex> lock(ctx_mutex_);
  if (!ctx_) return;
  start_deadline_ns_.store(0);
  last_rx_ns_.store(0);
  watchdog_fired_.store(fire);
  ctx_->TryCancel();
}

void Client::writer_main() {
  const milliseconds interval(std::max<uint32_t>(1, config_.ack_interval_ms));
  uint64_t seen_generation = 0;
  uint64_t last_acked = UINT64_MAX;
  bool end_sent = false;
  std::unique_lock<std::mutex> lock(queue_mutex_);
  while (!stop_.load()) {
    queue_cv_.wait_for(lock, interval, [&] {
      return stop_.load() || (stream_live_ && (!queue_.empty() || stream_generation_ != seen_generation));
    });
    if (stop_.load()) break;
    lock.unlock();
    run_watchdog();
    lock.lock();
    if (!stream_live_) continue;
    const bool new_stream = stream_generation_ != seen_generation;
    seen_generation = stream_generation_;
    std::deque<std::unique_ptr<pb::ClientMessage>> batch;
    batch.swap(queue_);
    lock.unlock();

    bool failed = false;
    // A fresh stream learns the playback position first (it also switches the server from wall
    // clock pacing to ack pacing).
    const bool ack_now = !end_sent && (new_stream || played_frame() != last_acked);
    auto send_ack = [&] {
      pb::ClientMessage ack;
      const uint64_t played = played_frame();
      ack.mutable_ack()->set_played_frame(played);
      ack.mutable_ack()->set_underruns(static_cast<uint32_t>(underruns_.load(std::memory_order_relaxed)));
      if (write_message(ack)) {
        last_acked = played;
        acks_.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
      return false;
    };
    if (ack_now && new_stream) failed = !send_ack();
    while (!failed && !batch.empty()) {
      if (end_sent) {  // nothing goes after EndSession
        batch.clear();
        break;
      }
      if (!write_message(*batch.front())) {
        failed = true;
        break;
      }
      if (batch.front()->has_end()) end_sent = true;
      batch.pop_front();
    }
    if (!failed && !end_sent && !new_stream && played_frame() != last_acked) send_ack();

    lock.lock();
    if (failed) {  // the stream broke: keep the messages, in order, for the next stream
      while (!batch.empty()) {
        queue_.push_front(std::move(batch.back()));
        batch.pop_back();
      }
      // Wait for the reader to notice and publish a new stream.
      queue_cv_.wait_for(lock, interval, [&] { return stop_.load() || !stream_live_; });
    }
  }
}

// -----------------------------------------------------------------------------------------------
// Reader: connect, stream, reconnect

bool Client::sleep_unless_stopped(milliseconds d) {
  std::unique_lock<std::mutex> lock(state_mutex_);
  return !state_cv_.wait_for(lock, d, [&] { return stop_.load(); });
}

Result Client::wait_connected(Clock::time_point deadline) {
  while (!stop_.load()) {
    const auto now = Clock::now();
    const auto slice = std::min(deadline, now + milliseconds(200));
    // gRPC takes system_clock deadlines.
    const auto wall = std::chrono::system_clock::now() +
                      std::chrono::duration_cast<std::chrono::system_clock::duration>(slice - now);
    if (channel_->WaitForConnected(wall)) return Result::Ok();
    if (Clock::now() >= deadline) {
      const auto state = channel_->GetState(false);
      return Result::Error(SW_ERR_UNAVAILABLE,
                           "could not connect to " + config_.server + " (channel state " +
                               std::to_string(static_cast<int>(state)) + ")");
    }
  }
  return Result::Error(SW_ERR_UNAVAILABLE, "stopped");
}

void Client::reader_main() {
  set_state(SW_STATE_CONNECTING, SW_OK, "connecting to " + config_.server);
  const auto first_deadline = Clock::now() + milliseconds(config_.connect_timeout_ms);
  bool have_session;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    have_session = resume_requested_;
  }
  unsigned attempt = 0;
  bool reconnecting = false;
  Clock::time_point reconnect_since{};

  while (!stop_.load()) {
    Clock::time_point deadline = first_deadline;
    if (have_session) {
      deadline = Clock::now() + milliseconds(config_.connect_timeout_ms);
      if (reconnecting) {
        uint32_t window = config_.reconnect_timeout_ms;
        if (window == 0) window = format_.resume_window_ms ? format_.resume_window_ms : 10000;
        deadline = std::min(deadline, reconnect_since + milliseconds(window));
      }
    }
    bool started = false;
    Result r = wait_connected(deadline);
    if (r.ok()) r = run_stream(have_session, &started);
    if (stop_.load()) break;
    const bool dropped = drop_requested_.exchange(false);
    const int watchdog = watchdog_fired_.exchange(kWatchdogNone);
    if (watchdog == kWatchdogStart || watchdog == kWatchdogStall) reset_channel();
    switch (watchdog) {
      case kWatchdogStart:
        r = Result::Error(SW_ERR_TIMEOUT, "no SessionStarted from " + config_.server + " within " +
                                              std::to_string(config_.connect_timeout_ms) + " ms");
        break;
      case kWatchdogGap:
        r = Result::Error(SW_ERR_SERVER, "the server skipped frames " + std::to_string(gap_from_) + ".." +
                                             std::to_string(gap_to_) + "; resuming from " + std::to_string(gap_from_));
        break;
      case kWatchdogStall:
        r = Result::Error(SW_ERR_TIMEOUT, "the stream went silent while the buffer ran dry (dead connection?)");
        break;
      default:
        break;
    }
    if (started) {
      have_session = true;
      attempt = 0;
      reconnecting = false;
    }
    if (r.ok()) {
      set_state(SW_STATE_ENDED, SW_OK, ending_.load() ? "session ended" : "the server ended the session");
      break;
    }
    if (ending_.load() && started) {
      set_state(SW_STATE_ENDED, r.code, "session ended; the stream closed with: " + r.message);
      break;
    }
    set_error(r);
    if (!have_session) {
      if (r.code == SW_ERR_UNAVAILABLE && Clock::now() + Backoff(attempt) < first_deadline) {
        sleep_unless_stopped(Backoff(attempt++));
        continue;
      }
      set_state(SW_STATE_FAILED, r.code, r.message);
      break;
    }
    if (!config_.auto_reconnect || !(dropped || Retryable(r.code))) {
      set_state(SW_STATE_FAILED, r.code, r.message);
      break;
    }
    if (!reconnecting) {
      reconnecting = true;
      reconnect_since = Clock::now();
    } else {
      uint32_t window = config_.reconnect_timeout_ms;
      if (window == 0) window = format_.resume_window_ms ? format_.resume_window_ms : 10000;
      if (Clock::now() - reconnect_since >= milliseconds(window)) {
        Result gave_up = Result::Error(r.code, "gave up resuming after " + std::to_string(window) +
                                                   " ms; last error: " + r.message);
        set_error(gave_up);
        set_state(SW_STATE_FAILED, gave_up.code, gave_up.message);
        break;
      }
    }
    if (state_.load() != SW_STATE_RECONNECTING)
      set_state(SW_STATE_RECONNECTING, r.code, r.message, next_frame_);
    // The first retry after a clean break goes at once; later ones back off.
    if (attempt > 0) sleep_unless_stopped(Backoff(attempt));
    ++attempt;
  }
  // Wake anyone waiting on a start/end that can no longer happen.
  { std::lock_guard<std::mutex> lock(queue_mutex_); stream_live_ = false; }
  queue_cv_.notify_all();
}

Result Client::run_stream(bool resume, bool* started) {
  grpc::ClientContext ctx;
  if (!config_.api_key.empty()) ctx.AddMetadata("authorization", "Bearer " + config_.api_key);
  {
    std::lock_guard<std::mutex> lock(ctx_mutex_);
    if (stop_.load()) return Result::Error(SW_ERR_UNAVAILABLE, "stopped");
    ctx_ = &ctx;
  }
  struct ClearCtx {
    Client* self;
    ~ClearCtx() {
      std::lock_guard<std::mutex> lock(self->ctx_mutex_);
      self->ctx_ = nullptr;
    }
  } clear_ctx{this};

  discard_audio_ = false;
  std::unique_ptr<Stream> stream = stub_->stub->Session(&ctx);
  pb::ServerMessage msg;
  auto finish = [&](const char* what) {
    while (stream->Read(&msg)) {
    }
    return FromStatus(stream->Finish(), what);
  };

  pb::ClientMessage start_msg;
  pb::StartSession* start = start_msg.mutable_start();
  start->mutable_format()->set_sample_rate(config_.sample_rate);
  start->mutable_format()->set_channels(config_.channels);
  start->mutable_format()->set_encoding(config_.encoding == SW_ENCODING_PCM_S16LE ? pb::PCM_S16LE : pb::PCM_F32LE);
  start->set_chunk_ms(config_.chunk_ms);
  start->set_lookahead_ms(config_.lookahead_ms);
  start->set_seed(config_.seed);
  start->set_engine(config_.engine);
  uint64_t resume_frame = 0;
  if (resume) {
    std::lock_guard<std::mutex> lock(state_mutex_);
    start->set_resume_session_id(session_id_);
    resume_frame = next_frame_;
    start->set_resume_from_frame(resume_frame);
  } else {
    start->set_scene(config_.scene);
    start->set_narrative(config_.narrative);
  }
  start_deadline_ns_.store(now_ns() + int64_t(config_.connect_timeout_ms) * 1000000);
  if (!stream->Write(start_msg)) {
    start_deadline_ns_.store(0);
    return finish(resume ? "resume" : "StartSession");
  }
  const bool got_first = stream->Read(&msg);
  start_deadline_ns_.store(0);
  last_rx_ns_.store(now_ns());
  if (!got_first) {
    Result r = FromStatus(stream->Finish(), resume ? "resume" : "StartSession");
    if (r.ok()) r = Result::Error(SW_ERR_SERVER, "the server closed the stream without SessionStarted");
    return r;
  }
  if (!msg.has_started()) {
    ctx.TryCancel();
    finish("StartSession");
    return Result::Error(SW_ERR_SERVER, "the server's first message was not SessionStarted");
  }
  Result r = handle_started(msg.started(), resume);
  if (!r.ok()) {
    ctx.TryCancel();
    finish("StartSession");
    return r;
  }
  *started = true;

  {
    std::lock_guard<std::mutex> lock(stream_mutex_);
    live_stream_ = stream.get();
  }
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stream_live_ = true;
    ++stream_generation_;
  }
  queue_cv_.notify_all();
  if (resume) {
    if (state_.load() == SW_STATE_RECONNECTING) reconnects_.fetch_add(1, std::memory_order_relaxed);
    set_state(SW_STATE_STREAMING, SW_OK, "resumed at frame " + std::to_string(resume_frame), resume_frame);
  } else {
    set_state(SW_STATE_STREAMING, SW_OK, "session started");
  }

  while (stream->Read(&msg)) {
    last_rx_ns_.store(now_ns(), std::memory_order_relaxed);
    switch (msg.kind_case()) {
      case pb::ServerMessage::kAudio: handle_audio(msg.audio()); break;
      case pb::ServerMessage::kPlan: handle_plan(msg.plan()); break;
      case pb::ServerMessage::kNotice: handle_notice(msg.notice()); break;
      case pb::ServerMessage::kStarted: break;  // not expected twice; ignore
      default: break;
    }
  }

  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stream_live_ = false;
  }
  queue_cv_.notify_all();
  {
    std::lock_guard<std::mutex> lock(stream_mutex_);  // waits for a Write in progress
    live_stream_ = nullptr;
  }
  return FromStatus(stream->Finish(), "session stream");
}

Result Client::handle_started(const pb::SessionStarted& st, bool resume) {
  const uint32_t channels = st.format().channels();
  const uint32_t rate = st.format().sample_rate();
  if (channels == 0 || channels > 8 || rate == 0)
    return Result::Error(SW_ERR_SERVER, "SessionStarted carries an invalid format (" + std::to_string(rate) +
                                            " Hz, " + std::to_string(channels) + " channels)");
  const sw_encoding enc =
      st.format().encoding() == pb::PCM_F32LE ? SW_ENCODING_PCM_F32LE : SW_ENCODING_PCM_S16LE;
  std::lock_guard<std::mutex> lock(state_mutex_);
  if (!have_format_) {
    format_.sample_rate = rate;
    format_.channels = channels;
    format_.chunk_frames = st.chunk_frames();
    format_.lookahead_ms = st.lookahead_ms();
    format_.resume_window_ms = st.resume_window_ms();
    format_.wire_encoding = enc;
    format_.start_frame = st.start_frame();
    format_.seed = st.seed();
    format_lookahead_ms_.store(st.lookahead_ms());
    chunk_frames_.store(st.chunk_frames());
    if (!st.session_id().empty()) session_id_ = st.session_id();
    base_frame_ = st.start_frame();
    next_frame_ = st.start_frame();
    next_frame_shared_.store(next_frame_);

    const uint64_t chunk = std::max<uint64_t>(1, st.chunk_frames());
    const uint64_t lookahead = MsToFrames(st.lookahead_ms(), rate);
    uint64_t capacity = config_.buffer_ms ? MsToFrames(config_.buffer_ms, rate)
                                          : std::max({4 * lookahead, 16 * chunk, uint64_t(rate / 2)});
    capacity = std::max(capacity, lookahead + 4 * chunk);  // must hold everything the server may send
    // Default: half the lookahead (at least a chunk): a little start latency buys a buffer that
    // survives the server's first renders and a network hiccup.
    uint64_t prebuffer = config_.prebuffer_ms ? MsToFrames(config_.prebuffer_ms, rate)
                                              : std::max(chunk, lookahead / 2);
    // The server stops at lookahead beyond the played position: waiting for more than that
    // would wait forever.
    if (lookahead > chunk) prebuffer = std::min(prebuffer, lookahead - chunk);
    else prebuffer = std::min(prebuffer, std::max<uint64_t>(1, lookahead / 2));
    prebuffer_frames_ = static_cast<size_t>(std::max<uint64_t>(1, prebuffer));
    ring_owner_ = std::make_unique<FrameRing>(static_cast<size_t>(capacity), channels);
    ring_.store(ring_owner_.get(), std::memory_order_release);
    have_format_ = true;
    return Result::Ok();
  }
  (void)resume;
  if (channels != format_.channels || rate != format_.sample_rate)
    return Result::Error(SW_ERR_SERVER, "the resumed session has another format (" + std::to_string(rate) + " Hz, " +
                                            std::to_string(channels) + " channels)");
  format_.wire_encoding = enc;
  if (st.resume_window_ms()) format_.resume_window_ms = st.resume_window_ms();
  return Result::Ok();
}

// -----------------------------------------------------------------------------------------------
// Reader: messages

void Client::write_into_ring(const float* data, size_t frames) {
  FrameRing* ring = ring_owner_.get();
  const unsigned ch = ring->channels();
  size_t done = 0;
  while (done < frames) {
    done += ring->write(data + done * ch, frames - done);
    if (done == frames) break;
    if (stop_.load() || ending_.load()) {
      overflow_frames_.fetch_add(frames - done, std::memory_order_relaxed);
      break;
    }
    // Full: the engine is not reading (paused). Wait; the server's flow control holds the rest.
    std::this_thread::sleep_for(milliseconds(2));
  }
}

void Client::write_silence_into_ring(size_t frames) {
  FrameRing* ring = ring_owner_.get();
  size_t done = 0;
  while (done < frames) {
    done += ring->write_silence(frames - done);
    if (done == frames) break;
    if (stop_.load() || ending_.load()) {
      overflow_frames_.fetch_add(frames - done, std::memory_order_relaxed);
      break;
    }
    std::this_thread::sleep_for(milliseconds(2));
  }
}

void Client::handle_audio(const pb::AudioChunk& chunk) {
  if (discard_audio_) return;
  FrameRing* ring = ring_owner_.get();
  const unsigned ch = ring->channels();
  const size_t bps = format_.wire_encoding == SW_ENCODING_PCM_F32LE ? 4 : 2;
  const std::string& data = chunk.data();
  uint64_t frames = chunk.frames();
  const uint64_t data_frames = data.size() / (ch * bps);
  if (data_frames != frames || data.size() % (ch * bps) != 0) {
    auto e = std::make_unique<Event>();
    e->type = SW_EVENT_NOTICE;
    e->level = SW_NOTICE_WARNING;
    e->code = "client_bad_chunk";
    e->message = "audio chunk " + std::to_string(chunk.sequence()) + " says " + std::to_string(frames) +
                 " frames but carries " + std::to_string(data.size()) + " bytes";
    emit(std::move(e));
    frames = std::min(frames, data_frames);
  }
  chunks_.fetch_add(1, std::memory_order_relaxed);
  if (frames == 0) return;
  const uint64_t start = chunk.start_frame();
  const uint64_t end = start + frames;
  if (end <= next_frame_) {  // all of it is already here
    overlap_frames_.fetch_add(frames, std::memory_order_relaxed);
    return;
  }
  uint64_t skip = 0;
  if (start < next_frame_) {
    skip = next_frame_ - start;
    overlap_frames_.fetch_add(skip, std::memory_order_relaxed);
  } else if (start > next_frame_ && repaired_frame_ != next_frame_) {
    // The server skipped frames it should still hold: resume from the first missing frame once
    // rather than play a hole. (A second gap at the same frame is accepted below.)
    repaired_frame_ = next_frame_;
    gap_from_ = next_frame_;
    gap_to_ = start;
    gap_repairs_.fetch_add(1, std::memory_order_relaxed);
    discard_audio_ = true;
    std::lock_guard<std::mutex> lock(ctx_mutex_);
    if (ctx_) {
      watchdog_fired_.store(kWatchdogGap);
      ctx_->TryCancel();
    }
    return;
  } else if (start > next_frame_) {
    uint64_t gap = start - next_frame_;
    gap_frames_.fetch_add(gap, std::memory_order_relaxed);
    // Keep the timeline: silence where audio is missing (bounded by the buffer size).
    write_silence_into_ring(static_cast<size_t>(std::min<uint64_t>(gap, ring->capacity())));
  }
  const size_t n = static_cast<size_t>(frames - skip);
  if (scratch_.size() < n * ch) scratch_.resize(n * ch);
  const unsigned char* src = reinterpret_cast<const unsigned char*>(data.data()) + skip * ch * bps;
  if (bps == 4) f32le_to_float(src, scratch_.data(), n * ch);
  else s16le_to_float(src, scratch_.data(), n * ch);
  write_into_ring(scratch_.data(), n);
  next_frame_ = end;
  next_frame_shared_.store(end, std::memory_order_relaxed);
}

void Client::handle_plan(const pb::PlanUpdate& plan) {
  plan_revision_.store(plan.revision(), std::memory_order_relaxed);
  auto e = std::make_unique<Event>();
  e->type = SW_EVENT_PLAN;
  e->revision = plan.revision();
  e->reason = plan.reason();
  e->cue_id = plan.cue_id();
  e->scene = plan.scene();
  e->emotion = plan.emotion();
  e->sounds.reserve(plan.events_size());
  for (const pb::SoundEvent& ev : plan.events()) {
    Event::Sound s;
    s.id = ev.id();
    s.caption = ev.caption();
    s.sound_class = ev.sound_class();
    s.emotion = ev.emotion();
    s.scene = ev.scene();
    s.cue_id = ev.cue_id();
    s.variant = ev.variant();
    s.engine = ev.engine();
    s.start_s = ev.start_s();
    s.duration_s = ev.duration_s();
    s.intensity = ev.intensity();
    s.distance = ev.distance();
    s.layer = static_cast<int32_t>(ev.layer());
    s.state = static_cast<int32_t>(ev.state());
    s.late = ev.late() ? 1 : 0;
    e->sounds.push_back(std::move(s));
  }
  emit(std::move(e));
}

void Client::handle_notice(const pb::Notice& notice) {
  auto e = std::make_unique<Event>();
  e->type = SW_EVENT_NOTICE;
  e->level = static_cast<int32_t>(notice.level());
  e->code = notice.code();
  e->message = notice.message();
  e->cue_id = notice.cue_id();
  emit(std::move(e));
}

// -----------------------------------------------------------------------------------------------
// Events, state, stats

void Client::emit(std::unique_ptr<Event> e) {
  e->finalize();
  {
    std::lock_guard<std::mutex> lock(callback_mutex_);
    if (callback_) {
      callback_(&e->view, callback_user_);
      return;
    }
  }
  events_.push(std::move(e));
}

void Client::set_callback(sw_event_callback cb, void* user) {
  std::lock_guard<std::mutex> lock(callback_mutex_);
  callback_ = cb;
  callback_user_ = user;
}

const sw_event* Client::poll(std::unique_ptr<Event>* holder) {
  std::unique_ptr<Event> e = events_.pop();
  if (!e) return nullptr;
  *holder = std::move(e);
  return &(*holder)->view;
}

void Client::set_state(sw_state s, sw_result result, const std::string& message, uint64_t resume_frame) {
  // The event first: whoever sees the new state (e.g. start() returning) finds its event queued.
  auto e = std::make_unique<Event>();
  e->type = SW_EVENT_CONNECTION;
  e->state = s;
  e->result = result;
  e->message = message;
  e->resume_frame = resume_frame;
  emit(std::move(e));
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    state_.store(s, std::memory_order_release);
  }
  state_cv_.notify_all();
}

void Client::set_error(const Result& r) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  error_ = r;
}

Result Client::error() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return error_;
}

Result Client::session_id(std::string* out) const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  if (session_id_.empty()) return Result::Error(SW_ERR_INVALID_STATE, "the session has not started");
  *out = session_id_;
  return Result::Ok();
}

Result Client::format(sw_format* out) const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  if (!have_format_) return Result::Error(SW_ERR_INVALID_STATE, "the session has not started");
  *out = format_;
  return Result::Ok();
}

uint64_t Client::buffered_frames() const {
  FrameRing* ring = ring_.load(std::memory_order_acquire);
  return ring ? ring->size() : 0;
}

void Client::stats(sw_stats* out) const {
  sw_stats s{};
  s.struct_size = sizeof(sw_stats);
  s.state = state();
  FrameRing* ring = ring_.load(std::memory_order_acquire);
  if (ring) {
    s.frames_received = ring->total_written();
    s.frames_played = ring->total_read();
    s.buffered_frames = s.frames_received - s.frames_played;
    s.buffer_capacity_frames = ring->capacity();
  }
  s.played_frame = base_frame_ + s.frames_played;
  s.underruns = underruns_.load(std::memory_order_relaxed);
  s.underrun_frames = underrun_frames_.load(std::memory_order_relaxed);
  s.chunks_received = chunks_.load(std::memory_order_relaxed);
  s.gap_frames = gap_frames_.load(std::memory_order_relaxed);
  s.overlap_frames = overlap_frames_.load(std::memory_order_relaxed);
  s.overflow_frames = overflow_frames_.load(std::memory_order_relaxed);
  s.acks_sent = acks_.load(std::memory_order_relaxed);
  s.reconnects = reconnects_.load(std::memory_order_relaxed);
  s.plan_revision = plan_revision_.load(std::memory_order_relaxed);
  s.events_dropped = events_.dropped();
  s.gap_repairs = gap_repairs_.load(std::memory_order_relaxed);
  *out = s;
}

// -----------------------------------------------------------------------------------------------
// Audio thread

size_t Client::read(float* out, size_t frames) {
  FrameRing* ring = ring_.load(std::memory_order_acquire);
  if (!ring) {
    const unsigned ch = config_.channels ? config_.channels : 2;
    std::memset(out, 0, frames * ch * sizeof(float));
    return 0;
  }
  const unsigned ch = ring->channels();
  const int st = state_.load(std::memory_order_relaxed);
  const bool live = st == SW_STATE_STREAMING || st == SW_STATE_RECONNECTING || st == SW_STATE_CONNECTING;
  if (!playing_) {
    const size_t avail = ring->available();
    if (avail > 0 && (avail >= prebuffer_frames_ || !live)) {
      playing_ = true;
    } else {
      std::memset(out, 0, frames * ch * sizeof(float));
      if (has_played_ && live) underrun_frames_.fetch_add(frames, std::memory_order_relaxed);
      return 0;
    }
  }
  const size_t n = ring->read(out, frames);
  has_played_ = true;
  if (n < frames) {
    std::memset(out + n * ch, 0, (frames - n) * ch * sizeof(float));
    if (live) {
      underruns_.fetch_add(1, std::memory_order_relaxed);
      underrun_frames_.fetch_add(frames - n, std::memory_order_relaxed);
    }
    playing_ = false;  // re-buffer before playing again
  }
  return n;
}

}  // namespace soundweaver
