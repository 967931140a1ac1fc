// Wire PCM -> float32 conversion (little-endian on the wire, whatever the host).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace soundweaver {

inline bool host_is_little_endian() {
  const uint16_t probe = 1;
  unsigned char first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

// samples = frames * channels. src holds samples * 2 bytes.
inline void s16le_to_float(const unsigned char* src, float* dst, size_t samples) {
  for (size_t i = 0; i < samples; ++i) {
    const int16_t v = static_cast<int16_t>(static_cast<uint16_t>(src[2 * i]) |
                                           (static_cast<uint16_t>(src[2 * i + 1]) << 8));
    dst[i] = static_cast<float>(v) * (1.0f / 32768.0f);
  }
}

// samples = frames * channels. src holds samples * 4 bytes.
inline void f32le_to_float(const unsigned char* src, float* dst, size_t samples) {
  if (host_is_little_endian()) {
    std::memcpy(dst, src, samples * sizeof(float));
    return;
  }
  for (size_t i = 0; i < samples; ++i) {
    const uint32_t bits = static_cast<uint32_t>(src[4 * i]) |
                          (static_cast<uint32_t>(src[4 * i + 1]) << 8) |
                          (static_cast<uint32_t>(src[4 * i + 2]) << 16) |
                          (static_cast<uint32_t>(src[4 * i + 3]) << 24);
    std::memcpy(&dst[i], &bits, sizeof(float));
  }
}

}  // namespace soundweaver
