// The C ABI (soundweaver.h) over soundweaver::Client. Every entry point catches C++ exceptions:
// nothing C++ crosses the boundary.
#include <algorithm>
#include <cstring>
#include <memory>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "client.h"
#include "soundweaver.h"

using soundweaver::Client;
using soundweaver::ClientConfig;
using soundweaver::Result;

struct sw_client {
  std::unique_ptr<Client> impl;
  std::unique_ptr<soundweaver::Event> polled;  // keeps the last polled event alive
};

namespace {

thread_local std::string t_last_error;

sw_result Fail(sw_result code, const std::string& message) {
  try {
    t_last_error = message;
  } catch (...) {
  }
  return code;
}

sw_result Report(const Result& r) {
  if (r.ok()) return SW_OK;
  return Fail(r.code, r.message);
}

sw_result Internal(const char* where) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return Fail(SW_ERR_INTERNAL, std::string(where) + ": out of memory");
  } catch (const std::exception& e) {
    return Fail(SW_ERR_INTERNAL, std::string(where) + ": " + e.what());
  } catch (...) {
    return Fail(SW_ERR_INTERNAL, std::string(where) + ": unknown exception");
  }
}

#define SW_REQUIRE_CLIENT(c)                                                         \
  do {                                                                               \
    if (!(c) || !(c)->impl) return Fail(SW_ERR_INVALID_ARGUMENT, "client is NULL"); \
  } while (0)

std::string Str(const char* s) { return s ? std::string(s) : std::string(); }

sw_result CopyString(const std::string& s, char* buf, size_t capacity) {
  if (!buf || capacity == 0) return Fail(SW_ERR_INVALID_ARGUMENT, "buffer is NULL or empty");
  const size_t n = std::min(s.size(), capacity - 1);
  std::memcpy(buf, s.data(), n);
  buf[n] = '\0';
  return SW_OK;
}

}  // namespace

extern "C" {

SW_API const char* SW_CALL sw_result_string(sw_result result) {
  switch (result) {
    case SW_OK: return "SW_OK";
    case SW_ERR_INVALID_ARGUMENT: return "SW_ERR_INVALID_ARGUMENT";
    case SW_ERR_INVALID_STATE: return "SW_ERR_INVALID_STATE";
    case SW_ERR_UNAVAILABLE: return "SW_ERR_UNAVAILABLE";
    case SW_ERR_TIMEOUT: return "SW_ERR_TIMEOUT";
    case SW_ERR_UNAUTHENTICATED: return "SW_ERR_UNAUTHENTICATED";
    case SW_ERR_PERMISSION_DENIED: return "SW_ERR_PERMISSION_DENIED";
    case SW_ERR_NOT_FOUND: return "SW_ERR_NOT_FOUND";
    case SW_ERR_OUT_OF_RANGE: return "SW_ERR_OUT_OF_RANGE";
    case SW_ERR_REJECTED: return "SW_ERR_REJECTED";
    case SW_ERR_RESOURCE_EXHAUSTED: return "SW_ERR_RESOURCE_EXHAUSTED";
    case SW_ERR_SERVER: return "SW_ERR_SERVER";
    case SW_ERR_ENDED: return "SW_ERR_ENDED";
    case SW_ERR_NO_EVENT: return "SW_ERR_NO_EVENT";
    case SW_ERR_INTERNAL: return "SW_ERR_INTERNAL";
  }
  return "SW_ERR_UNKNOWN";
}

SW_API const char* SW_CALL sw_state_string(sw_state state) {
  switch (state) {
    case SW_STATE_IDLE: return "idle";
    case SW_STATE_CONNECTING: return "connecting";
    case SW_STATE_STREAMING: return "streaming";
    case SW_STATE_RECONNECTING: return "reconnecting";
    case SW_STATE_ENDED: return "ended";
    case SW_STATE_FAILED: return "failed";
  }
  return "unknown";
}

SW_API const char* SW_CALL sw_last_error(void) { return t_last_error.c_str(); }

SW_API uint32_t SW_CALL sw_version(void) { return SW_VERSION; }

SW_API void SW_CALL sw_config_init(sw_config* config) {
  if (!config) return;
  std::memset(config, 0, sizeof(*config));
  config->struct_size = sizeof(sw_config);
  config->auto_reconnect = 1;
}

SW_API sw_result SW_CALL sw_client_create(const sw_config* config, sw_client** out_client) {
  if (!out_client) return Fail(SW_ERR_INVALID_ARGUMENT, "out_client is NULL");
  *out_client = nullptr;
  if (!config) return Fail(SW_ERR_INVALID_ARGUMENT, "config is NULL");
  try {
    ClientConfig cfg;
    Result r = ClientConfig::FromC(*config, &cfg);
    if (!r.ok()) return Report(r);
    auto c = std::make_unique<sw_client>();
    c->impl = std::make_unique<Client>(std::move(cfg));
    *out_client = c.release();
    return SW_OK;
  } catch (...) {
    return Internal("sw_client_create");
  }
}

SW_API void SW_CALL sw_client_destroy(sw_client* client) {
  try {
    delete client;
  } catch (...) {
  }
}

SW_API sw_result SW_CALL sw_client_start(sw_client* client, uint32_t timeout_ms) {
  SW_REQUIRE_CLIENT(client);
  try {
    return Report(client->impl->start(timeout_ms));
  } catch (...) {
    return Internal("sw_client_start");
  }
}

SW_API sw_result SW_CALL sw_client_resume(sw_client* client, const char* session_id, uint64_t from_frame,
                                          uint32_t timeout_ms) {
  SW_REQUIRE_CLIENT(client);
  try {
    return Report(client->impl->resume(Str(session_id), from_frame, timeout_ms));
  } catch (...) {
    return Internal("sw_client_resume");
  }
}

SW_API sw_result SW_CALL sw_client_end(sw_client* client, const char* reason, uint32_t timeout_ms) {
  SW_REQUIRE_CLIENT(client);
  try {
    return Report(client->impl->end(Str(reason), timeout_ms));
  } catch (...) {
    return Internal("sw_client_end");
  }
}

SW_API sw_state SW_CALL sw_client_get_state(const sw_client* client) {
  if (!client || !client->impl) return SW_STATE_IDLE;
  return client->impl->state();
}

SW_API sw_result SW_CALL sw_client_copy_session_id(const sw_client* client, char* buf, size_t capacity) {
  SW_REQUIRE_CLIENT(client);
  try {
    std::string id;
    Result r = client->impl->session_id(&id);
    if (!r.ok()) return Report(r);
    return CopyString(id, buf, capacity);
  } catch (...) {
    return Internal("sw_client_copy_session_id");
  }
}

SW_API sw_result SW_CALL sw_client_copy_error(const sw_client* client, char* buf, size_t capacity) {
  SW_REQUIRE_CLIENT(client);
  try {
    Result r = client->impl->error();
    if (buf && capacity) CopyString(r.message, buf, capacity);
    return r.code;
  } catch (...) {
    return Internal("sw_client_copy_error");
  }
}

SW_API sw_result SW_CALL sw_client_get_format(const sw_client* client, sw_format* out_format) {
  SW_REQUIRE_CLIENT(client);
  if (!out_format) return Fail(SW_ERR_INVALID_ARGUMENT, "out_format is NULL");
  try {
    return Report(client->impl->format(out_format));
  } catch (...) {
    return Internal("sw_client_get_format");
  }
}

SW_API sw_result SW_CALL sw_client_send_cue(sw_client* client, const char* cue_id, const char* text, double at_s) {
  SW_REQUIRE_CLIENT(client);
  if (!text || !*text) return Fail(SW_ERR_INVALID_ARGUMENT, "cue text is NULL or empty");
  try {
    return Report(client->impl->send_cue(Str(cue_id), text, std::string(), {}, at_s));
  } catch (...) {
    return Internal("sw_client_send_cue");
  }
}

SW_API sw_result SW_CALL sw_client_send_script_cue(sw_client* client, const char* cue_id, const char* script,
                                                   const char* const* arg_keys, const char* const* arg_values,
                                                   size_t n_args, double at_s) {
  SW_REQUIRE_CLIENT(client);
  if (!script || !*script) return Fail(SW_ERR_INVALID_ARGUMENT, "script name is NULL or empty");
  if (n_args > 0 && (!arg_keys || !arg_values))
    return Fail(SW_ERR_INVALID_ARGUMENT, "n_args > 0 but arg_keys or arg_values is NULL");
  try {
    std::vector<std::pair<std::string, std::string>> args;
    args.reserve(n_args);
    for (size_t i = 0; i < n_args; ++i) {
      if (!arg_keys[i] || !*arg_keys[i])
        return Fail(SW_ERR_INVALID_ARGUMENT, "argument key " + std::to_string(i) + " is NULL or empty");
      args.emplace_back(arg_keys[i], Str(arg_values[i]));
    }
    return Report(client->impl->send_cue(Str(cue_id), std::string(), script, args, at_s));
  } catch (...) {
    return Internal("sw_client_send_script_cue");
  }
}

SW_API sw_result SW_CALL sw_client_set_parameter(sw_client* client, const char* name, float value) {
  SW_REQUIRE_CLIENT(client);
  if (!name) return Fail(SW_ERR_INVALID_ARGUMENT, "parameter name is NULL");
  try {
    return Report(client->impl->set_parameter(name, value));
  } catch (...) {
    return Internal("sw_client_set_parameter");
  }
}

SW_API sw_result SW_CALL sw_client_set_state(sw_client* client, const char* name, const char* value) {
  SW_REQUIRE_CLIENT(client);
  if (!name) return Fail(SW_ERR_INVALID_ARGUMENT, "state name is NULL");
  try {
    return Report(client->impl->set_state(name, Str(value)));
  } catch (...) {
    return Internal("sw_client_set_state");
  }
}

SW_API sw_result SW_CALL sw_client_set_switch(sw_client* client, const char* name, const char* value) {
  SW_REQUIRE_CLIENT(client);
  if (!name) return Fail(SW_ERR_INVALID_ARGUMENT, "switch name is NULL");
  try {
    return Report(client->impl->set_switch(name, Str(value)));
  } catch (...) {
    return Internal("sw_client_set_switch");
  }
}

SW_API size_t SW_CALL sw_client_read(sw_client* client, float* out, size_t frames) {
  if (!client || !out) return 0;
  return client->impl->read(out, frames);  // noexcept in practice: no allocation, no throw
}

SW_API uint64_t SW_CALL sw_client_buffered_frames(const sw_client* client) {
  if (!client || !client->impl) return 0;
  return client->impl->buffered_frames();
}

SW_API sw_result SW_CALL sw_client_get_stats(const sw_client* client, sw_stats* out_stats) {
  SW_REQUIRE_CLIENT(client);
  if (!out_stats) return Fail(SW_ERR_INVALID_ARGUMENT, "out_stats is NULL");
  const uint32_t size = out_stats->struct_size;
  if (size < sizeof(uint32_t) * 2)
    return Fail(SW_ERR_INVALID_ARGUMENT, "sw_stats.struct_size is not set (set it to sizeof(sw_stats))");
  sw_stats s;
  client->impl->stats(&s);
  // An older caller with a shorter struct gets the fields it knows.
  std::memcpy(out_stats, &s, std::min<size_t>(size, sizeof(s)));
  out_stats->struct_size = size;
  return SW_OK;
}

SW_API sw_result SW_CALL sw_client_poll_event(sw_client* client, sw_event* out_event) {
  SW_REQUIRE_CLIENT(client);
  if (!out_event) return Fail(SW_ERR_INVALID_ARGUMENT, "out_event is NULL");
  try {
    const sw_event* e = client->impl->poll(&client->polled);
    if (!e) {
      std::memset(out_event, 0, sizeof(*out_event));
      return SW_ERR_NO_EVENT;  // not a failure: sw_last_error is left alone
    }
    *out_event = *e;
    return SW_OK;
  } catch (...) {
    return Internal("sw_client_poll_event");
  }
}

SW_API sw_result SW_CALL sw_client_set_event_callback(sw_client* client, sw_event_callback callback,
                                                      void* user_data) {
  SW_REQUIRE_CLIENT(client);
  client->impl->set_callback(callback, user_data);
  return SW_OK;
}

SW_API sw_result SW_CALL sw_client_drop_connection(sw_client* client) {
  SW_REQUIRE_CLIENT(client);
  try {
    return Report(client->impl->drop_connection());
  } catch (...) {
    return Internal("sw_client_drop_connection");
  }
}

}  // extern "C"
