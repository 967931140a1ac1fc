/* swplay: stream a Soundweaver session to a WAV file through the C ABI.
 *
 *   swplay HOST:PORT SECONDS "narrative cue" out.wav [api-key]
 *
 * A plain C99 program: it plays the role of an engine's audio thread (a 10 ms read loop paced by
 * the wall clock), prints plan updates and notices as they arrive, and writes 16-bit PCM. */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soundweaver.h"

static void put_u32(FILE* f, uint32_t v) {
  unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  fwrite(b, 1, 4, f);
}
static void put_u16(FILE* f, uint16_t v) {
  unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
  fwrite(b, 1, 2, f);
}

static void print_events(sw_client* c) {
  sw_event e;
  while (sw_client_poll_event(c, &e) == SW_OK) {
    if (e.type == SW_EVENT_PLAN) {
      printf("plan r%llu (%s) scene=%s emotion=%s events=%zu\n", (unsigned long long)e.plan->revision,
             e.plan->reason, e.plan->scene, e.plan->emotion, e.plan->event_count);
      for (size_t i = 0; i < e.plan->event_count && i < 8; ++i)
        printf("  %7.2fs %-14s %s\n", e.plan->events[i].start_s, e.plan->events[i].sound_class,
               e.plan->events[i].caption);
    } else if (e.type == SW_EVENT_NOTICE) {
      printf("notice [%s] %s\n", e.notice->code, e.notice->message);
    } else if (e.type == SW_EVENT_CONNECTION) {
      printf("connection: %s (%s)\n", sw_state_string((sw_state)e.connection->state), e.connection->message);
    }
  }
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s HOST:PORT SECONDS \"cue text\" out.wav [api-key]\n", argv[0]);
    return 2;
  }
  sw_config cfg;
  sw_config_init(&cfg);
  cfg.server = argv[1];
  cfg.api_key = argc > 5 ? argv[5] : NULL;
  cfg.lookahead_ms = 200;
  sw_client* c = NULL;
  if (sw_client_create(&cfg, &c) != SW_OK || sw_client_start(c, 10000) != SW_OK) {
    fprintf(stderr, "swplay: %s\n", sw_last_error());
    sw_client_destroy(c);
    return 1;
  }
  sw_format fmt;
  sw_client_get_format(c, &fmt);
  sw_client_send_cue(c, "cue-1", argv[3], -1.0);

  const double seconds = atof(argv[2]);
  const size_t block = fmt.sample_rate / 100; /* 10 ms */
  const size_t blocks = (size_t)(seconds * 100.0);
  float* buf = (float*)malloc(block * fmt.channels * sizeof(float));
  FILE* f = fopen(argv[4], "wb");
  if (!buf || !f) {
    fprintf(stderr, "swplay: cannot open %s\n", argv[4]);
    return 1;
  }
  const uint32_t data_bytes = (uint32_t)(blocks * block * fmt.channels * 2);
  fwrite("RIFF", 1, 4, f); put_u32(f, 36 + data_bytes); fwrite("WAVEfmt ", 1, 8, f);
  put_u32(f, 16); put_u16(f, 1); put_u16(f, (uint16_t)fmt.channels); put_u32(f, fmt.sample_rate);
  put_u32(f, fmt.sample_rate * fmt.channels * 2); put_u16(f, (uint16_t)(fmt.channels * 2)); put_u16(f, 16);
  fwrite("data", 1, 4, f); put_u32(f, data_bytes);

  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (size_t b = 0; b < blocks; ++b) {
    sw_client_read(c, buf, block);
    for (size_t i = 0; i < block * fmt.channels; ++i) {
      float v = buf[i] < -1.f ? -1.f : (buf[i] > 1.f ? 1.f : buf[i]);
      put_u16(f, (uint16_t)(int16_t)(v * 32767.f));
    }
    print_events(c);
    next.tv_nsec += 10 * 1000 * 1000;
    if (next.tv_nsec >= 1000000000L) { next.tv_nsec -= 1000000000L; next.tv_sec += 1; }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
  }
  fclose(f);
  free(buf);
  sw_client_end(c, "done", 5000);
  print_events(c);
  sw_stats st;
  st.struct_size = sizeof st;
  sw_client_get_stats(c, &st);
  printf("played %llu frames, %llu underruns (%llu frames), %llu acks, %llu chunks\n",
         (unsigned long long)st.frames_played, (unsigned long long)st.underruns,
         (unsigned long long)st.underrun_frames, (unsigned long long)st.acks_sent,
         (unsigned long long)st.chunks_received);
  sw_client_destroy(c);
  return 0;
}
