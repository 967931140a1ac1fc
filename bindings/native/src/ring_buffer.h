// Single-producer single-consumer ring of interleaved float frames: the jitter buffer.
//
// The producer (the stream's reader thread) writes decoded chunks; the consumer (the engine's
// audio thread) reads. Positions are monotonically increasing 64-bit frame counters (they never
// wrap in practice), so "buffered = written - read" needs no extra flag to tell full from empty.
// Each side owns one counter and only loads the other: one acquire load and one release store per
// call, no locks, no allocation, no system calls. The consumer side is wait-free.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace soundweaver {

class FrameRing {
 public:
  // capacity_frames is rounded up to a power of two so the index is a mask.
  FrameRing(size_t capacity_frames, unsigned channels)
      : channels_(channels == 0 ? 1 : channels),
        capacity_(round_up_pow2(std::max<size_t>(capacity_frames, 2))),
        mask_(capacity_ - 1),
        data_(new float[capacity_ * channels_]()) {}

  FrameRing(const FrameRing&) = delete;
  FrameRing& operator=(const FrameRing&) = delete;

  unsigned channels() const { return channels_; }
  size_t capacity() const { return capacity_; }

  // Any thread: a snapshot (exact from the producer or the consumer, approximate elsewhere).
  size_t size() const {
    const uint64_t w = write_.load(std::memory_order_acquire);
    const uint64_t r = read_.load(std::memory_order_acquire);
    return static_cast<size_t>(w - r);
  }
  uint64_t total_written() const { return write_.load(std::memory_order_acquire); }
  uint64_t total_read() const { return read_.load(std::memory_order_acquire); }

  // ---- producer side ------------------------------------------------------------------------
  size_t free_space() const {
    const uint64_t w = write_.load(std::memory_order_relaxed);
    const uint64_t r = read_.load(std::memory_order_acquire);
    return capacity_ - static_cast<size_t>(w - r);
  }

  // Writes up to `frames` frames; returns how many fit.
  size_t write(const float* src, size_t frames) {
    const uint64_t w = write_.load(std::memory_order_relaxed);
    const uint64_t r = read_.load(std::memory_order_acquire);
    const size_t n = std::min(frames, capacity_ - static_cast<size_t>(w - r));
    copy_in(w, src, n);
    write_.store(w + n, std::memory_order_release);
    return n;
  }

  // Writes up to `frames` frames of silence; returns how many fit.
  size_t write_silence(size_t frames) {
    const uint64_t w = write_.load(std::memory_order_relaxed);
    const uint64_t r = read_.load(std::memory_order_acquire);
    const size_t n = std::min(frames, capacity_ - static_cast<size_t>(w - r));
    size_t done = 0;
    while (done < n) {
      const size_t idx = static_cast<size_t>((w + done) & mask_);
      const size_t run = std::min(n - done, capacity_ - idx);
      std::memset(data_.get() + idx * channels_, 0, run * channels_ * sizeof(float));
      done += run;
    }
    write_.store(w + n, std::memory_order_release);
    return n;
  }

  // ---- consumer side (wait-free) ------------------------------------------------------------
  size_t available() const {
    const uint64_t w = write_.load(std::memory_order_acquire);
    const uint64_t r = read_.load(std::memory_order_relaxed);
    return static_cast<size_t>(w - r);
  }

  // Reads up to `frames` frames into dst; returns how many were read.
  size_t read(float* dst, size_t frames) {
    const uint64_t r = read_.load(std::memory_order_relaxed);
    const uint64_t w = write_.load(std::memory_order_acquire);
    const size_t n = std::min(frames, static_cast<size_t>(w - r));
    size_t done = 0;
    while (done < n) {
      const size_t idx = static_cast<size_t>((r + done) & mask_);
      const size_t run = std::min(n - done, capacity_ - idx);
      std::memcpy(dst + done * channels_, data_.get() + idx * channels_,
                  run * channels_ * sizeof(float));
      done += run;
    }
    read_.store(r + n, std::memory_order_release);
    return n;
  }

 private:
  static size_t round_up_pow2(size_t v) {
    size_t p = 1;
    while (p < v) p <<= 1;
    return p;
  }

  void copy_in(uint64_t w, const float* src, size_t n) {
    size_t done = 0;
    while (done < n) {
      const size_t idx = static_cast<size_t>((w + done) & mask_);
      const size_t run = std::min(n - done, capacity_ - idx);
      std::memcpy(data_.get() + idx * channels_, src + done * channels_,
                  run * channels_ * sizeof(float));
      done += run;
    }
  }

  const unsigned channels_;
  const size_t capacity_;
  const size_t mask_;
  std::unique_ptr<float[]> data_;
  // Each counter on its own cache line: the two threads do not false-share.
  alignas(64) std::atomic<uint64_t> write_{0};
  alignas(64) std::atomic<uint64_t> read_{0};
};

}  // namespace soundweaver
