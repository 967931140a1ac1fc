// The jitter buffer (SPSC ring), PCM conversion and event views: no server needed.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "events.h"
#include "pcm.h"
#include "ring_buffer.h"

using soundweaver::Event;
using soundweaver::EventQueue;
using soundweaver::FrameRing;

TEST(FrameRing, RoundsCapacityUpToPowerOfTwo) {
  FrameRing r(1000, 2);
  EXPECT_EQ(r.capacity(), 1024u);
  EXPECT_EQ(r.channels(), 2u);
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.free_space(), 1024u);
}

TEST(FrameRing, WritesAndReadsInterleavedFrames) {
  FrameRing r(8, 2);
  const float in[] = {1, -1, 2, -2, 3, -3};
  EXPECT_EQ(r.write(in, 3), 3u);
  EXPECT_EQ(r.available(), 3u);
  float out[6] = {};
  EXPECT_EQ(r.read(out, 2), 2u);
  EXPECT_FLOAT_EQ(out[0], 1);
  EXPECT_FLOAT_EQ(out[1], -1);
  EXPECT_FLOAT_EQ(out[3], -2);
  EXPECT_EQ(r.read(out, 5), 1u);  // only what is there
  EXPECT_FLOAT_EQ(out[0], 3);
  EXPECT_FLOAT_EQ(out[1], -3);
  EXPECT_EQ(r.read(out, 1), 0u);  // empty
  EXPECT_EQ(r.total_written(), 3u);
  EXPECT_EQ(r.total_read(), 3u);
}

TEST(FrameRing, StopsAtCapacityAndWrapsAround) {
  FrameRing r(4, 1);
  std::vector<float> in = {0, 1, 2, 3, 4, 5};
  EXPECT_EQ(r.write(in.data(), 6), 4u);  // full after 4
  EXPECT_EQ(r.free_space(), 0u);
  float out[8];
  EXPECT_EQ(r.read(out, 3), 3u);
  EXPECT_EQ(r.write(in.data() + 4, 2), 2u);  // wraps
  EXPECT_EQ(r.read(out, 8), 3u);
  EXPECT_FLOAT_EQ(out[0], 3);
  EXPECT_FLOAT_EQ(out[1], 4);
  EXPECT_FLOAT_EQ(out[2], 5);
}

TEST(FrameRing, WritesSilence) {
  FrameRing r(8, 2);
  const float ones[] = {1, 1, 1, 1};
  r.write(ones, 2);
  float out[16];
  r.read(out, 2);
  EXPECT_EQ(r.write_silence(5), 5u);
  for (float& v : out) v = 7;
  EXPECT_EQ(r.read(out, 8), 5u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(out[i], 0.0f) << i;
}

// One producer, one consumer, odd block sizes, many wraps: every frame arrives once, in order.
TEST(FrameRing, ConcurrentProducerConsumerKeepsOrder) {
  constexpr uint64_t kFrames = 400000;
  FrameRing r(256, 2);
  std::atomic<bool> bad{false};
  std::thread producer([&] {
    std::vector<float> block(2 * 37);
    uint64_t next = 0;
    while (next < kFrames) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(37, kFrames - next));
      for (size_t i = 0; i < n; ++i) {
        block[2 * i] = static_cast<float>(next + i);
        block[2 * i + 1] = -static_cast<float>(next + i);
      }
      size_t done = 0;
      while (done < n) {
        done += r.write(block.data() + 2 * done, n - done);
        if (done < n) std::this_thread::yield();
      }
      next += n;
    }
  });
  uint64_t expect = 0;
  std::vector<float> out(2 * 53);
  while (expect < kFrames) {
    const size_t n = r.read(out.data(), 53);
    for (size_t i = 0; i < n; ++i) {
      if (out[2 * i] != static_cast<float>(expect) || out[2 * i + 1] != -static_cast<float>(expect)) {
        bad.store(true);
      }
      ++expect;
    }
    if (n == 0) std::this_thread::yield();
  }
  producer.join();
  EXPECT_FALSE(bad.load());
  EXPECT_EQ(r.total_read(), kFrames);
  EXPECT_EQ(r.size(), 0u);
}

TEST(Pcm, S16ToFloat) {
  const unsigned char bytes[] = {0x00, 0x00, 0xff, 0x7f, 0x00, 0x80, 0x00, 0x40};
  float out[4];
  soundweaver::s16le_to_float(bytes, out, 4);
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_NEAR(out[1], 1.0f, 1e-4);
  EXPECT_FLOAT_EQ(out[2], -1.0f);
  EXPECT_FLOAT_EQ(out[3], 0.5f);
}

TEST(Pcm, F32ToFloat) {
  const float values[] = {0.25f, -0.75f, 1.0f};
  unsigned char bytes[12];
  for (int i = 0; i < 3; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    for (int b = 0; b < 4; ++b) bytes[4 * i + b] = static_cast<unsigned char>(bits >> (8 * b));
  }
  float out[3];
  soundweaver::f32le_to_float(bytes, out, 3);
  for (int i = 0; i < 3; ++i) EXPECT_FLOAT_EQ(out[i], values[i]);
}

TEST(Events, PlanViewPointsIntoOwnedStrings) {
  auto e = std::make_unique<Event>();
  e->type = SW_EVENT_PLAN;
  e->revision = 3;
  e->reason = "cue";
  e->cue_id = "c1";
  Event::Sound s;
  s.id = "e1";
  s.caption = "thunder rolls";
  s.sound_class = "thunder";
  s.start_s = 1.5;
  s.layer = SW_LAYER_AMBIENCE;
  e->sounds.push_back(s);
  e->finalize();
  ASSERT_EQ(e->view.type, SW_EVENT_PLAN);
  ASSERT_NE(e->view.plan, nullptr);
  EXPECT_EQ(e->view.notice, nullptr);
  EXPECT_EQ(e->view.plan->revision, 3u);
  EXPECT_STREQ(e->view.plan->reason, "cue");
  EXPECT_STREQ(e->view.plan->scene, "");  // never NULL
  ASSERT_EQ(e->view.plan->event_count, 1u);
  EXPECT_STREQ(e->view.plan->events[0].caption, "thunder rolls");
  EXPECT_DOUBLE_EQ(e->view.plan->events[0].start_s, 1.5);
  EXPECT_EQ(e->view.plan->events[0].layer, SW_LAYER_AMBIENCE);
}

TEST(Events, QueueDropsOldestWhenFull) {
  EventQueue q(2);
  for (int i = 0; i < 3; ++i) {
    auto e = std::make_unique<Event>();
    e->type = SW_EVENT_NOTICE;
    e->code = "n" + std::to_string(i);
    e->finalize();
    q.push(std::move(e));
  }
  EXPECT_EQ(q.dropped(), 1u);
  EXPECT_EQ(q.pop()->code, "n1");
  EXPECT_EQ(q.pop()->code, "n2");
  EXPECT_EQ(q.pop(), nullptr);
}
