// The C ABI's contract without a server: arguments, states, error codes and messages.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <string>
#include <vector>

#include "soundweaver.h"

namespace {

struct ClientPtr {
  sw_client* c = nullptr;
  ~ClientPtr() { sw_client_destroy(c); }
};

sw_config Config(const char* server) {
  sw_config cfg;
  sw_config_init(&cfg);
  cfg.server = server;
  return cfg;
}

}  // namespace

TEST(CApi, VersionAndNames) {
  EXPECT_EQ(sw_version(), static_cast<uint32_t>(SW_VERSION));
  EXPECT_STREQ(sw_result_string(SW_OK), "SW_OK");
  EXPECT_STREQ(sw_result_string(SW_ERR_NOT_FOUND), "SW_ERR_NOT_FOUND");
  EXPECT_STREQ(sw_result_string(static_cast<sw_result>(999)), "SW_ERR_UNKNOWN");
  EXPECT_STREQ(sw_state_string(SW_STATE_RECONNECTING), "reconnecting");
  EXPECT_NE(sw_last_error(), nullptr);
}

TEST(CApi, ConfigInitSetsDefaults) {
  sw_config cfg;
  std::memset(&cfg, 0xAB, sizeof cfg);
  sw_config_init(&cfg);
  EXPECT_EQ(cfg.struct_size, sizeof(sw_config));
  EXPECT_EQ(cfg.server, nullptr);
  EXPECT_EQ(cfg.auto_reconnect, 1);
  EXPECT_EQ(cfg.sample_rate, 0u);
}

TEST(CApi, CreateRejectsBadArguments) {
  sw_client* c = reinterpret_cast<sw_client*>(0x1);
  EXPECT_EQ(sw_client_create(nullptr, &c), SW_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(c, nullptr);
  sw_config cfg = Config(nullptr);
  EXPECT_EQ(sw_client_create(&cfg, &c), SW_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(sw_last_error()).find("server"), std::string::npos) << sw_last_error();
  cfg = Config("127.0.0.1:1");
  cfg.struct_size = 8;
  EXPECT_EQ(sw_client_create(&cfg, &c), SW_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(sw_last_error()).find("sw_config_init"), std::string::npos) << sw_last_error();
  cfg = Config("127.0.0.1:1");
  cfg.channels = 9;
  EXPECT_EQ(sw_client_create(&cfg, &c), SW_ERR_INVALID_ARGUMENT);
  cfg = Config("127.0.0.1:1");
  cfg.encoding = 7;
  EXPECT_EQ(sw_client_create(&cfg, &c), SW_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(sw_client_create(&cfg, nullptr), SW_ERR_INVALID_ARGUMENT);
}

TEST(CApi, NullHandlesAreSafe) {
  sw_client_destroy(nullptr);
  EXPECT_EQ(sw_client_start(nullptr, 0), SW_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(sw_client_send_cue(nullptr, nullptr, "x", -1), SW_ERR_INVALID_ARGUMENT);
  float buf[4] = {1, 1, 1, 1};
  EXPECT_EQ(sw_client_read(nullptr, buf, 2), 0u);
  EXPECT_EQ(buf[0], 1.0f);  // untouched
  EXPECT_EQ(sw_client_get_state(nullptr), SW_STATE_IDLE);
  EXPECT_EQ(sw_client_buffered_frames(nullptr), 0u);
  sw_event e;
  EXPECT_EQ(sw_client_poll_event(nullptr, &e), SW_ERR_INVALID_ARGUMENT);
}

TEST(CApi, IdleClientContract) {
  sw_config cfg = Config("127.0.0.1:1");
  cfg.channels = 2;
  ClientPtr p;
  ASSERT_EQ(sw_client_create(&cfg, &p.c), SW_OK) << sw_last_error();
  EXPECT_EQ(sw_client_get_state(p.c), SW_STATE_IDLE);

  // Before start: read gives silence for config.channels, nothing counted.
  std::vector<float> buf(2 * 64, 5.0f);
  EXPECT_EQ(sw_client_read(p.c, buf.data(), 64), 0u);
  for (float v : buf) ASSERT_EQ(v, 0.0f);

  sw_format fmt;
  EXPECT_EQ(sw_client_get_format(p.c, &fmt), SW_ERR_INVALID_STATE);
  char id[64];
  EXPECT_EQ(sw_client_copy_session_id(p.c, id, sizeof id), SW_ERR_INVALID_STATE);
  EXPECT_EQ(sw_client_end(p.c, "x", 0), SW_ERR_INVALID_STATE);
  sw_event e;
  EXPECT_EQ(sw_client_poll_event(p.c, &e), SW_ERR_NO_EVENT);
  EXPECT_EQ(e.type, SW_EVENT_NONE);

  EXPECT_EQ(sw_client_send_cue(p.c, "c", "", -1), SW_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(sw_client_send_script_cue(p.c, "c", "chase", nullptr, nullptr, 1, -1), SW_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(sw_client_set_parameter(p.c, "", 1.0f), SW_ERR_INVALID_ARGUMENT);
  // Queued until the session starts (cues and state set up front are sent right after start).
  EXPECT_EQ(sw_client_set_parameter(p.c, "tension", 0.5f), SW_OK);

  sw_stats st;
  st.struct_size = 0;
  EXPECT_EQ(sw_client_get_stats(p.c, &st), SW_ERR_INVALID_ARGUMENT);
  st.struct_size = sizeof st;
  ASSERT_EQ(sw_client_get_stats(p.c, &st), SW_OK);
  EXPECT_EQ(st.state, SW_STATE_IDLE);
  EXPECT_EQ(st.frames_received, 0u);
  EXPECT_EQ(st.underruns, 0u);
}

TEST(CApi, UnreachableServerFailsWithAMessage) {
  sw_config cfg = Config("127.0.0.1:1");  // nothing listens on port 1
  cfg.connect_timeout_ms = 500;
  ClientPtr p;
  ASSERT_EQ(sw_client_create(&cfg, &p.c), SW_OK);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(sw_client_start(p.c, 20000), SW_ERR_UNAVAILABLE);
  const std::string msg = sw_last_error();
  EXPECT_NE(msg.find("127.0.0.1:1"), std::string::npos) << msg;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(15));
  EXPECT_EQ(sw_client_get_state(p.c), SW_STATE_FAILED);
  char buf[256];
  EXPECT_EQ(sw_client_copy_error(p.c, buf, sizeof buf), SW_ERR_UNAVAILABLE);
  EXPECT_GT(std::strlen(buf), 0u);
  EXPECT_EQ(sw_client_start(p.c, 0), SW_ERR_INVALID_STATE);  // once per client
  EXPECT_EQ(sw_client_send_cue(p.c, nullptr, "thunder", -1), SW_ERR_INVALID_STATE);
  // Connection events were queued for polling: connecting, then failed.
  sw_event e;
  std::vector<int> states;
  while (sw_client_poll_event(p.c, &e) == SW_OK) {
    ASSERT_EQ(e.type, SW_EVENT_CONNECTION);
    ASSERT_NE(e.connection, nullptr);
    states.push_back(e.connection->state);
  }
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.front(), SW_STATE_CONNECTING);
  EXPECT_EQ(states.back(), SW_STATE_FAILED);
}

TEST(CApi, DestroyWhileConnectingReturnsPromptly) {
  sw_config cfg = Config("127.0.0.1:1");
  cfg.connect_timeout_ms = 60000;
  sw_client* c = nullptr;
  ASSERT_EQ(sw_client_create(&cfg, &c), SW_OK);
  ASSERT_EQ(sw_client_start(c, 0), SW_OK);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto t0 = std::chrono::steady_clock::now();
  sw_client_destroy(c);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}
