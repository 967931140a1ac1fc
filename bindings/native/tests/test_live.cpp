// Live tests: a real `soundweaver serve` on an ephemeral port, driven through the C ABI only.
//
// One server for the whole suite (started in a gtest Environment). Without the `soundweaver`
// command the suite skips, unless SOUNDWEAVER_REQUIRE_SERVER=1 (CI), where it fails.
// Timing: audio is "played" by a pump thread at real time in 10 ms blocks, like an engine's
// audio callback; assertions are about counts and continuity, never tight latencies.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "soundweaver.h"
#include "test_support.h"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

swtest::ServerProcess* g_server = nullptr;
std::string g_skip_reason;

class ServerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const bool required = std::getenv("SOUNDWEAVER_REQUIRE_SERVER") &&
                          std::string(std::getenv("SOUNDWEAVER_REQUIRE_SERVER")) == "1";
    std::string why;
    if (!swtest::ServerProcess::available(&why)) {
      g_skip_reason = why;
      if (required) g_skip_reason = "REQUIRED: " + why;
      return;
    }
    server_ = std::make_unique<swtest::ServerProcess>();
    if (!server_->start(&why)) {
      g_skip_reason = "REQUIRED: could not start the server: " + why;  // present but broken: fail
      server_.reset();
      return;
    }
    g_server = server_.get();
    std::printf("[ server   ] %s on %s\n", swtest::ServerProcess::command().c_str(), g_server->address().c_str());
  }
  void TearDown() override {
    g_server = nullptr;
    server_.reset();
  }

 private:
  std::unique_ptr<swtest::ServerProcess> server_;
};

#define REQUIRE_SERVER()                                                  \
  do {                                                                    \
    if (!g_server) {                                                      \
      if (g_skip_reason.rfind("REQUIRED: ", 0) == 0) FAIL() << g_skip_reason; \
      GTEST_SKIP() << g_skip_reason;                                      \
    }                                                                     \
  } while (0)

struct Client {
  sw_client* c = nullptr;
  Client() = default;
  Client(const Client&) = delete;
  ~Client() { sw_client_destroy(c); }
  sw_stats stats() const {
    sw_stats s;
    s.struct_size = sizeof s;
    sw_client_get_stats(c, &s);
    return s;
  }
  sw_format format() const {
    sw_format f{};
    sw_client_get_format(c, &f);
    return f;
  }
  std::string session_id() const {
    char buf[128] = {0};
    sw_client_copy_session_id(c, buf, sizeof buf);
    return buf;
  }
};

sw_config BaseConfig(const std::string& address) {
  sw_config cfg;
  sw_config_init(&cfg);
  static thread_local std::string addr;
  addr = address;
  cfg.server = addr.c_str();
  cfg.lookahead_ms = 300;
  cfg.seed = 7;
  cfg.connect_timeout_ms = 10000;
  return cfg;
}

// Creates and starts a client; fails the test (returns nullptr) with the library's message.
std::unique_ptr<Client> Start(sw_config cfg, uint32_t timeout_ms = 30000) {
  auto c = std::make_unique<Client>();
  const sw_result r = sw_client_create(&cfg, &c->c);
  EXPECT_EQ(r, SW_OK) << sw_last_error();
  if (r != SW_OK) return nullptr;
  const sw_result s = sw_client_start(c->c, timeout_ms);
  EXPECT_EQ(s, SW_OK) << sw_result_string(s) << ": " << sw_last_error();
  if (s != SW_OK) return nullptr;
  return c;
}

template <class Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

// Plays the engine's audio thread: reads `block` frames every 10 ms of wall clock (or as fast
// as it can when realtime is false) and keeps what came from the stream.
class AudioPump {
 public:
  AudioPump(sw_client* c, uint32_t channels, uint32_t rate, size_t record_frames = 0, bool realtime = true)
      : c_(c), ch_(channels), block_(rate / 100), realtime_(realtime) {
    recording_.reserve(record_frames * channels);
    record_limit_ = record_frames * channels;
    thread_ = std::thread([this] { run(); });
  }
  ~AudioPump() { stop(); }
  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  uint64_t frames_read() const { return frames_read_.load(); }
  float peak() const { return peak_.load(); }
  bool all_finite() const { return finite_.load(); }
  const std::vector<float>& recording() const { return recording_; }  // after stop()

 private:
  void run() {
    std::vector<float> buf(block_ * ch_);
    auto next = Clock::now();
    while (!stop_.load()) {
      const size_t n = sw_client_read(c_, buf.data(), block_);
      float pk = peak_.load();
      for (size_t i = 0; i < block_ * ch_; ++i) {
        if (!std::isfinite(buf[i])) finite_.store(false);
        pk = std::max(pk, std::fabs(buf[i]));
      }
      peak_.store(pk);
      for (size_t i = 0; i < n * ch_ && recording_.size() < record_limit_; ++i) recording_.push_back(buf[i]);
      frames_read_.fetch_add(n);
      if (realtime_) {
        next += 10ms;
        std::this_thread::sleep_until(next);
      }
    }
  }
  sw_client* c_;
  const uint32_t ch_;
  const size_t block_;
  const bool realtime_;
  size_t record_limit_ = 0;
  std::vector<float> recording_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> frames_read_{0};
  std::atomic<float> peak_{0.0f};
  std::atomic<bool> finite_{true};
  std::thread thread_;
};

struct Polled {
  std::vector<std::string> plan_cue_ids;  // plan.cue_id and every event's cue_id
  std::vector<uint64_t> plan_revisions;
  std::vector<std::string> notice_codes;
  std::vector<std::string> notice_cue_ids;
  std::vector<int> notice_levels;
  std::vector<int> connection_states;
  std::vector<uint64_t> resume_frames;
  size_t plan_events = 0;
};

void Drain(sw_client* c, Polled* out) {
  sw_event e;
  while (sw_client_poll_event(c, &e) == SW_OK) {
    if (e.type == SW_EVENT_PLAN) {
      out->plan_revisions.push_back(e.plan->revision);
      out->plan_cue_ids.push_back(e.plan->cue_id);
      for (size_t i = 0; i < e.plan->event_count; ++i) {
        out->plan_cue_ids.push_back(e.plan->events[i].cue_id);
        ++out->plan_events;
      }
    } else if (e.type == SW_EVENT_NOTICE) {
      out->notice_codes.push_back(e.notice->code);
      out->notice_cue_ids.push_back(e.notice->cue_id);
      out->notice_levels.push_back(e.notice->level);
    } else if (e.type == SW_EVENT_CONNECTION) {
      out->connection_states.push_back(e.connection->state);
      out->resume_frames.push_back(e.connection->resume_frame);
    }
  }
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST(Live, StreamsAudioWithAcksAndEnds) {
  REQUIRE_SERVER();
  sw_config cfg = BaseConfig(g_server->address());
  auto c = Start(cfg);
  ASSERT_TRUE(c);
  const sw_format f = c->format();
  EXPECT_EQ(f.sample_rate, 48000u);
  EXPECT_EQ(f.channels, 2u);
  EXPECT_EQ(f.wire_encoding, SW_ENCODING_PCM_F32LE);
  EXPECT_GT(f.chunk_frames, 0u);
  EXPECT_EQ(f.start_frame, 0u);
  EXPECT_EQ(f.lookahead_ms, 300u);
  EXPECT_FALSE(c->session_id().empty());

  ASSERT_EQ(sw_client_send_cue(c->c, "storm-1", "thunder roaring over heavy rain", -1), SW_OK) << sw_last_error();
  {
    AudioPump pump(c->c, f.channels, f.sample_rate);
    std::this_thread::sleep_for(3s);
    pump.stop();
    EXPECT_TRUE(pump.all_finite());
    EXPECT_GT(pump.peak(), 1e-3f) << "three seconds of a storm cue were silent";
    EXPECT_LT(pump.peak(), 1.5f);
    EXPECT_GT(pump.frames_read(), f.sample_rate);  // over a second of real audio in three
  }
  const sw_stats s = c->stats();
  EXPECT_EQ(s.state, SW_STATE_STREAMING);
  EXPECT_GT(s.chunks_received, 10u);
  EXPECT_GT(s.acks_sent, 10u);
  EXPECT_EQ(s.gap_frames, 0u);
  EXPECT_EQ(s.overlap_frames, 0u);
  EXPECT_EQ(s.played_frame, s.frames_played);
  // Flow control: the server keeps no more than the lookahead (plus a chunk) ahead of playback.
  EXPECT_LE(s.buffered_frames, static_cast<uint64_t>(f.sample_rate) * 300 / 1000 + f.chunk_frames);

  ASSERT_EQ(sw_client_end(c->c, "test over", 15000), SW_OK) << sw_last_error();
  EXPECT_EQ(sw_client_get_state(c->c), SW_STATE_ENDED);
  EXPECT_EQ(sw_client_send_cue(c->c, nullptr, "door slams", -1), SW_ERR_ENDED);
  // What was buffered is still readable after the end.
  const uint64_t left = sw_client_buffered_frames(c->c);
  std::vector<float> buf((left + 10) * f.channels);
  EXPECT_EQ(sw_client_read(c->c, buf.data(), left + 10), left);
  EXPECT_EQ(c->stats().underruns, s.underruns);  // running dry after the end is not an underrun
}

TEST(Live, CueAndGameStateYieldPlanUpdatesAndNotices) {
  REQUIRE_SERVER();
  auto c = Start(BaseConfig(g_server->address()));
  ASSERT_TRUE(c);
  const sw_format f = c->format();
  AudioPump pump(c->c, f.channels, f.sample_rate);
  EXPECT_EQ(sw_client_set_parameter(c->c, "tension", 0.8f), SW_OK);
  EXPECT_EQ(sw_client_set_state(c->c, "weather", "storm"), SW_OK);
  EXPECT_EQ(sw_client_set_switch(c->c, "surface", "water"), SW_OK);
  ASSERT_EQ(sw_client_send_cue(c->c, "chase-1",
                               "Mystery chase: footsteps splashing in water, thunder roaring, and a door slamming shut",
                               -1),
            SW_OK);
  ASSERT_EQ(sw_client_send_cue(c->c, "later-1", "a dog barks in the distance", 2.0), SW_OK);
  // A cue far over any sane size limit is rejected with a notice, and the session goes on.
  ASSERT_EQ(sw_client_send_cue(c->c, "huge-1", std::string(50000, 'a').c_str(), -1), SW_OK);

  Polled p;
  const bool got = WaitFor(
      [&] {
        Drain(c->c, &p);
        return Contains(p.plan_cue_ids, "chase-1") && Contains(p.plan_cue_ids, "later-1") &&
               Contains(p.notice_cue_ids, "huge-1");
      },
      20s);
  EXPECT_TRUE(got) << "plan cue ids seen: " << p.plan_cue_ids.size() << ", notices: " << p.notice_codes.size();
  EXPECT_TRUE(Contains(p.plan_cue_ids, "chase-1"));
  EXPECT_TRUE(Contains(p.plan_cue_ids, "later-1"));
  EXPECT_TRUE(Contains(p.notice_cue_ids, "huge-1"));
  EXPECT_GT(p.plan_events, 0u);
  for (size_t i = 1; i < p.plan_revisions.size(); ++i) EXPECT_GE(p.plan_revisions[i], p.plan_revisions[i - 1]);
  for (size_t i = 0; i < p.notice_codes.size(); ++i)
    if (p.notice_cue_ids[i] != "huge-1") EXPECT_NE(p.notice_levels[i], SW_NOTICE_ERROR) << p.notice_codes[i];
  EXPECT_GE(c->stats().plan_revision, 1u);
  EXPECT_EQ(sw_client_get_state(c->c), SW_STATE_STREAMING);
}

namespace {
struct CallbackLog {
  std::mutex mutex;
  std::vector<std::thread::id> threads;
  std::vector<int> types;
  std::vector<std::string> cue_ids;
};
void SW_CALL OnEvent(const sw_event* e, void* user) {
  auto* log = static_cast<CallbackLog*>(user);
  std::lock_guard<std::mutex> lock(log->mutex);
  log->threads.push_back(std::this_thread::get_id());
  log->types.push_back(e->type);
  if (e->type == SW_EVENT_PLAN) log->cue_ids.push_back(e->plan->cue_id);
}
}  // namespace

TEST(Live, CallbackDeliversEventsOnTheStreamThread) {
  REQUIRE_SERVER();
  sw_config cfg = BaseConfig(g_server->address());
  auto c = std::make_unique<Client>();
  ASSERT_EQ(sw_client_create(&cfg, &c->c), SW_OK);
  CallbackLog log;
  ASSERT_EQ(sw_client_set_event_callback(c->c, &OnEvent, &log), SW_OK);
  ASSERT_EQ(sw_client_start(c->c, 30000), SW_OK) << sw_last_error();
  ASSERT_EQ(sw_client_send_cue(c->c, "cb-1", "glass shatters", -1), SW_OK);
  const bool got = WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(log.mutex);
        for (auto& id : log.cue_ids)
          if (id == "cb-1") return true;
        return false;
      },
      20s);
  EXPECT_TRUE(got);
  sw_event e;
  EXPECT_EQ(sw_client_poll_event(c->c, &e), SW_ERR_NO_EVENT);  // callback instead of the queue
  std::lock_guard<std::mutex> lock(log.mutex);
  ASSERT_FALSE(log.threads.empty());
  for (auto& t : log.threads) EXPECT_NE(t, std::this_thread::get_id());
  bool saw_streaming = false;
  for (int t : log.types) saw_streaming |= (t == SW_EVENT_CONNECTION);
  EXPECT_TRUE(saw_streaming);
}

TEST(Live, UnderrunFillsSilenceCountsAndRecovers) {
  REQUIRE_SERVER();
  sw_config cfg = BaseConfig(g_server->address());
  cfg.lookahead_ms = 200;
  cfg.prebuffer_ms = 60;
  auto c = Start(cfg);
  ASSERT_TRUE(c);
  const sw_format f = c->format();
  ASSERT_EQ(sw_client_send_cue(c->c, "rain-1", "steady rain on a tin roof", -1), SW_OK);
  ASSERT_TRUE(WaitFor([&] { return sw_client_buffered_frames(c->c) >= f.sample_rate / 10; }, 20s));

  // An audio thread that wants far more than real time: the buffer runs dry.
  const size_t block = f.sample_rate / 100;
  std::vector<float> buf(block * f.channels);
  size_t short_reads = 0;
  for (int i = 0; i < 200; ++i) {  // 2 s of audio asked for in a few milliseconds
    std::fill(buf.begin(), buf.end(), 42.0f);
    const size_t n = sw_client_read(c->c, buf.data(), block);
    ASSERT_LE(n, block);
    if (n < block) {
      ++short_reads;
      for (size_t k = n * f.channels; k < buf.size(); ++k) ASSERT_EQ(buf[k], 0.0f) << "underrun not silent";
    }
  }
  EXPECT_GT(short_reads, 0u);
  sw_stats s = c->stats();
  EXPECT_GE(s.underruns, 1u);
  EXPECT_GT(s.underrun_frames, 0u);
  const uint64_t played_before = s.frames_played;

  // Back to real time: audio flows again (after re-buffering), and the acks carry the count.
  {
    AudioPump pump(c->c, f.channels, f.sample_rate);
    EXPECT_TRUE(WaitFor([&] { return pump.frames_read() > f.sample_rate / 2; }, 20s));
  }
  s = c->stats();
  EXPECT_GT(s.frames_played, played_before);
  EXPECT_EQ(s.gap_frames, 0u);
  EXPECT_EQ(s.overlap_frames, 0u);
  EXPECT_EQ(s.state, SW_STATE_STREAMING);
}

// A network failure between client and server (the server stays up): the client reconnects and
// resumes from the first frame it does not hold: no gap, no repeat, twice.
TEST(Live, ReconnectResumesWithoutGapOrRepeat) {
  REQUIRE_SERVER();
  swtest::TcpProxy proxy(g_server->port());
  sw_config cfg = BaseConfig(proxy.address());
  cfg.narrative = "night in the forest: wind in the trees, an owl, distant thunder";
  auto c = Start(cfg);
  ASSERT_TRUE(c);
  const sw_format f = c->format();
  AudioPump pump(c->c, f.channels, f.sample_rate);

  for (int cut = 1; cut <= 2; ++cut) {
    std::this_thread::sleep_for(1s);
    const uint64_t received_before = c->stats().frames_received;
    proxy.cut();
    ASSERT_TRUE(WaitFor([&] { return c->stats().reconnects >= static_cast<uint64_t>(cut); }, 30s))
        << "no resume after cut " << cut << "; state " << sw_state_string(sw_client_get_state(c->c));
    ASSERT_TRUE(WaitFor([&] { return c->stats().frames_received > received_before + f.sample_rate / 2; }, 30s))
        << "audio did not continue after cut " << cut;
    ASSERT_EQ(sw_client_get_state(c->c), SW_STATE_STREAMING);
  }
  pump.stop();
  const sw_stats s = c->stats();
  EXPECT_EQ(s.gap_frames, 0u) << "the server resumed after the frame asked for";
  EXPECT_EQ(s.overlap_frames, 0u) << "the server re-sent frames the client held";
  EXPECT_GE(s.reconnects, 2u);
  EXPECT_EQ(proxy.connections_cut(), 2);
  ::testing::Test::RecordProperty("gap_repairs", static_cast<int>(s.gap_repairs));
  if (s.gap_repairs) std::printf("[ note     ] the server skipped frames %llu time(s); repaired by resuming\n",
                                 static_cast<unsigned long long>(s.gap_repairs));

  Polled p;
  Drain(c->c, &p);
  size_t reconnecting = 0, resumed = 0;
  for (size_t i = 0; i < p.connection_states.size(); ++i) {
    if (p.connection_states[i] == SW_STATE_RECONNECTING) ++reconnecting;
    if (p.connection_states[i] == SW_STATE_STREAMING && p.resume_frames[i] > 0) ++resumed;
  }
  EXPECT_GE(reconnecting, 2u);
  EXPECT_GE(resumed, 2u);
  EXPECT_EQ(sw_client_end(c->c, "done", 15000), SW_OK) << sw_last_error();
}

// A half-open connection (the path goes silent, no RST): the client notices that audio stopped
// while its buffer ran dry, drops the stream and resumes on a new connection.
TEST(Live, SilentConnectionIsDetectedAndResumed) {
  REQUIRE_SERVER();
  swtest::TcpProxy proxy(g_server->port());
  sw_config cfg = BaseConfig(proxy.address());
  cfg.lookahead_ms = 200;
  auto c = Start(cfg);
  ASSERT_TRUE(c);
  const sw_format f = c->format();
  AudioPump pump(c->c, f.channels, f.sample_rate);
  std::this_thread::sleep_for(700ms);
  proxy.freeze();
  ASSERT_TRUE(WaitFor([&] { return c->stats().reconnects >= 1; }, 30s))
      << "state " << sw_state_string(sw_client_get_state(c->c));
  const uint64_t received = c->stats().frames_received;
  ASSERT_TRUE(WaitFor([&] { return c->stats().frames_received > received + f.sample_rate / 2; }, 30s));
  pump.stop();
  const sw_stats s = c->stats();
  EXPECT_EQ(s.gap_frames, 0u);
  EXPECT_EQ(s.overlap_frames, 0u);
  EXPECT_GE(s.underruns, 1u);  // two seconds of silence before the watchdog fires
  Polled p;
  Drain(c->c, &p);
  EXPECT_EQ(sw_client_get_state(c->c), SW_STATE_STREAMING);
}

// Content check of resume: emitted audio is immutable and the server keeps the last seconds of a
// session. A client broken twice records what it played; a second client then resumes the same
// session from frame 0 and gets the server's own record of those frames: they must be identical,
// sample for sample, across both cut points (no gap, no repeat, no shifted audio).
TEST(Live, ResumedAudioMatchesTheServersRecord) {
  REQUIRE_SERVER();
  swtest::TcpProxy proxy(g_server->port());
  sw_config cfg = BaseConfig(proxy.address());
  cfg.seed = 1234;
  cfg.narrative = "a calm beach: waves rolling in, gulls overhead";
  auto c = Start(cfg);
  ASSERT_TRUE(c);
  const sw_format f = c->format();
  const std::string id = c->session_id();
  const size_t frames = 3 * f.sample_rate;  // well inside the server's resume buffer
  std::vector<float> played;
  {
    AudioPump pump(c->c, f.channels, f.sample_rate, frames);
    std::this_thread::sleep_for(800ms);
    proxy.cut();
    ASSERT_TRUE(WaitFor([&] { return c->stats().reconnects >= 1; }, 30s));
    std::this_thread::sleep_for(700ms);
    proxy.cut();
    ASSERT_TRUE(WaitFor([&] { return c->stats().reconnects >= 2; }, 30s));
    ASSERT_TRUE(WaitFor([&] { return pump.frames_read() >= frames; }, 60s));
    pump.stop();
    played = pump.recording();
  }
  const sw_stats s = c->stats();
  EXPECT_EQ(s.gap_frames, 0u);
  EXPECT_EQ(s.overlap_frames, 0u);
  c.reset();  // let go of the session (the server keeps it for its resume window)

  sw_config vcfg = BaseConfig(g_server->address());
  Client v;
  ASSERT_EQ(sw_client_create(&vcfg, &v.c), SW_OK);
  ASSERT_EQ(sw_client_resume(v.c, id.c_str(), 0, 20000), SW_OK) << sw_last_error();
  std::vector<float> record;
  {
    AudioPump pump(v.c, f.channels, f.sample_rate, frames, /*realtime=*/false);
    ASSERT_TRUE(WaitFor([&] { return pump.frames_read() >= frames; }, 60s));
    pump.stop();
    record = pump.recording();
  }
  ASSERT_EQ(played.size(), frames * f.channels);
  ASSERT_EQ(record.size(), played.size());
  size_t first_diff = played.size();
  for (size_t i = 0; i < played.size(); ++i)
    if (played[i] != record[i]) {
      first_diff = i;
      break;
    }
  EXPECT_EQ(first_diff, played.size()) << "what the client played differs from the server's record from frame "
                                       << first_diff / f.channels;
  float peak = 0;
  for (float x : played) peak = std::max(peak, std::fabs(x));
  EXPECT_GT(peak, 1e-3f) << "the compared audio is silent: the check proves little";
  sw_client_end(v.c, "done", 10000);
}

TEST(Live, ProcessRestartResumesBySessionId) {
  REQUIRE_SERVER();
  std::string id;
  uint64_t held = 0;
  {
    auto c = Start(BaseConfig(g_server->address()));
    ASSERT_TRUE(c);
    ASSERT_TRUE(WaitFor([&] { return c->stats().frames_received > 4800; }, 20s));
    id = c->session_id();
    c.reset();  // the game crashes: the call is cancelled, the server keeps the session a while
    // (frames_received of a destroyed client is gone; take what the server has surely sent)
  }
  held = 4800;
  ASSERT_FALSE(id.empty());

  // A frame past anything sent: OUT_OF_RANGE with a message.
  {
    sw_config cfg = BaseConfig(g_server->address());
    Client c;
    ASSERT_EQ(sw_client_create(&cfg, &c.c), SW_OK);
    EXPECT_EQ(sw_client_resume(c.c, id.c_str(), 1000000000000ull, 20000), SW_ERR_OUT_OF_RANGE) << sw_last_error();
    EXPECT_NE(std::string(sw_last_error()).size(), 0u);
    EXPECT_EQ(sw_client_get_state(c.c), SW_STATE_FAILED);
  }
  // A frame inside the window: the session continues from exactly there.
  {
    sw_config cfg = BaseConfig(g_server->address());
    Client c;
    ASSERT_EQ(sw_client_create(&cfg, &c.c), SW_OK);
    ASSERT_EQ(sw_client_resume(c.c, id.c_str(), held, 20000), SW_OK) << sw_last_error();
    EXPECT_EQ(c.session_id(), id);
    EXPECT_EQ(c.format().start_frame, held);
    ASSERT_TRUE(WaitFor([&] { return c.stats().frames_received > 4800; }, 20s));
    const sw_stats s = c.stats();
    EXPECT_EQ(s.gap_frames, 0u);
    EXPECT_EQ(s.overlap_frames, 0u);
    EXPECT_EQ(s.played_frame, held);  // nothing read yet: playback position is the resume frame
    EXPECT_EQ(sw_client_end(c.c, "done", 15000), SW_OK) << sw_last_error();
  }
}

TEST(Live, ResumeOfUnknownSessionFailsWithNotFound) {
  REQUIRE_SERVER();
  sw_config cfg = BaseConfig(g_server->address());
  Client c;
  ASSERT_EQ(sw_client_create(&cfg, &c.c), SW_OK);
  EXPECT_EQ(sw_client_resume(c.c, "no-such-session", 0, 20000), SW_ERR_NOT_FOUND);
  const std::string msg = sw_last_error();
  EXPECT_NE(msg.find("no-such-session"), std::string::npos) << msg;
  char buf[512];
  EXPECT_EQ(sw_client_copy_error(c.c, buf, sizeof buf), SW_ERR_NOT_FOUND);
  EXPECT_EQ(sw_client_get_state(c.c), SW_STATE_FAILED);
}

TEST(Live, InvalidFormatIsRejectedWithAMessage) {
  REQUIRE_SERVER();
  sw_config cfg = BaseConfig(g_server->address());
  cfg.sample_rate = 8000;  // below the server's 16 kHz minimum
  Client c;
  ASSERT_EQ(sw_client_create(&cfg, &c.c), SW_OK);
  EXPECT_EQ(sw_client_start(c.c, 20000), SW_ERR_REJECTED);
  EXPECT_NE(std::string(sw_last_error()).find("8000"), std::string::npos) << sw_last_error();
}

TEST(Live, S16WireIsConvertedToFloat) {
  REQUIRE_SERVER();
  sw_config cfg = BaseConfig(g_server->address());
  cfg.encoding = SW_ENCODING_PCM_S16LE;
  cfg.channels = 1;
  cfg.sample_rate = 24000;
  cfg.narrative = "a campfire crackles";
  auto c = Start(cfg);
  ASSERT_TRUE(c);
  const sw_format f = c->format();
  EXPECT_EQ(f.wire_encoding, SW_ENCODING_PCM_S16LE);
  EXPECT_EQ(f.channels, 1u);
  EXPECT_EQ(f.sample_rate, 24000u);
  AudioPump pump(c->c, f.channels, f.sample_rate, f.sample_rate);
  ASSERT_TRUE(WaitFor([&] { return pump.frames_read() >= f.sample_rate; }, 30s));
  pump.stop();
  EXPECT_TRUE(pump.all_finite());
  EXPECT_LE(pump.peak(), 1.0f);
  bool on_grid = true;  // s16 -> float gives multiples of 1/32768 exactly
  for (float v : pump.recording()) on_grid &= (v * 32768.0f == std::round(v * 32768.0f));
  EXPECT_TRUE(on_grid);
}

TEST(Live, ManyClientsAtOnce) {
  REQUIRE_SERVER();
  constexpr int kClients = 4;
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::unique_ptr<AudioPump>> pumps;
  for (int i = 0; i < kClients; ++i) {
    sw_config cfg = BaseConfig(g_server->address());
    cfg.seed = 100 + i;
    clients.push_back(Start(cfg));
    ASSERT_TRUE(clients.back());
    pumps.push_back(std::make_unique<AudioPump>(clients.back()->c, 2, 48000));
  }
  std::this_thread::sleep_for(2s);
  for (auto& p : pumps) p->stop();
  for (auto& c : clients) {
    const sw_stats s = c->stats();
    EXPECT_GT(s.frames_played, 48000u / 2);
    EXPECT_EQ(s.gap_frames, 0u);
    EXPECT_EQ(sw_client_end(c->c, "bye", 15000), SW_OK) << sw_last_error();
  }
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new ServerEnvironment);
  return RUN_ALL_TESTS();
}
