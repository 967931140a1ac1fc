// Plan updates, notices and connection changes, owned on the C++ side and viewed through the
// plain-C structs of soundweaver.h. An Event is built once on the stream thread, then either
// handed to the callback or queued for polling; its C view points into its own strings and stays
// valid for as long as the Event lives (it is never moved: always held by unique_ptr).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "soundweaver.h"

namespace soundweaver {

struct Event {
  struct Sound {
    std::string id, caption, sound_class, emotion, scene, cue_id, variant, engine;
    double start_s = 0, duration_s = 0;
    float intensity = 0, distance = 0;
    int32_t layer = 0, state = 0, late = 0;
  };

  sw_event_type type = SW_EVENT_NONE;
  // SW_EVENT_PLAN
  uint64_t revision = 0;
  std::string reason, cue_id, scene, emotion;
  std::vector<Sound> sounds;
  // SW_EVENT_NOTICE
  int32_t level = 0;
  std::string code, message;  // message is shared with SW_EVENT_CONNECTION
  // SW_EVENT_CONNECTION
  int32_t state = 0, result = 0;
  uint64_t resume_frame = 0;

  // The C view; valid after finalize() until the Event is destroyed.
  sw_event view{};

  void finalize() {
    view = sw_event{};
    view.type = type;
    switch (type) {
      case SW_EVENT_PLAN: {
        c_sounds_.resize(sounds.size());
        for (size_t i = 0; i < sounds.size(); ++i) {
          const Sound& s = sounds[i];
          sw_sound_event& c = c_sounds_[i];
          c.id = s.id.c_str();
          c.caption = s.caption.c_str();
          c.sound_class = s.sound_class.c_str();
          c.emotion = s.emotion.c_str();
          c.scene = s.scene.c_str();
          c.cue_id = s.cue_id.c_str();
          c.variant = s.variant.c_str();
          c.engine = s.engine.c_str();
          c.start_s = s.start_s;
          c.duration_s = s.duration_s;
          c.intensity = s.intensity;
          c.distance = s.distance;
          c.layer = s.layer;
          c.state = s.state;
          c.late = s.late;
          c.reserved = 0;
        }
        c_plan_.revision = revision;
        c_plan_.reason = reason.c_str();
        c_plan_.cue_id = cue_id.c_str();
        c_plan_.scene = scene.c_str();
        c_plan_.emotion = emotion.c_str();
        c_plan_.events = c_sounds_.empty() ? nullptr : c_sounds_.data();
        c_plan_.event_count = c_sounds_.size();
        view.plan = &c_plan_;
        break;
      }
      case SW_EVENT_NOTICE:
        c_notice_.level = level;
        c_notice_.code = code.c_str();
        c_notice_.message = message.c_str();
        c_notice_.cue_id = cue_id.c_str();
        view.notice = &c_notice_;
        break;
      case SW_EVENT_CONNECTION:
        c_connection_.state = state;
        c_connection_.result = result;
        c_connection_.message = message.c_str();
        c_connection_.resume_frame = resume_frame;
        view.connection = &c_connection_;
        break;
      default:
        break;
    }
  }

 private:
  std::vector<sw_sound_event> c_sounds_;
  sw_plan c_plan_{};
  sw_notice c_notice_{};
  sw_connection_event c_connection_{};
};

// Bounded multi-producer queue for polling (not on the audio path: a mutex is fine here).
// When full, the oldest event is dropped and counted.
class EventQueue {
 public:
  explicit EventQueue(size_t capacity) : capacity_(capacity == 0 ? 256 : capacity) {}

  void push(std::unique_ptr<Event> e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(std::move(e));
  }

  std::unique_ptr<Event> pop() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.empty()) return nullptr;
    std::unique_ptr<Event> e = std::move(queue_.front());
    queue_.pop_front();
    return e;
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
  }

  uint64_t dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
  }

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<std::unique_ptr<Event>> queue_;
  uint64_t dropped_ = 0;
};

}  // namespace soundweaver
