"""The library engine: the studio's own recordings, chosen by caption, shaped to the event.

Choosing a take (a random container, as game audio tools have them)
    The caption (and class) is searched in the index (``search.LibraryIndex``). Every hit within
    ``TAKE_WINDOW`` (0.1) of the best score is a candidate take; one is drawn with probability
    proportional to its score, from ``np.random.default_rng`` seeded by the event seed and the
    caption. No repeats: the take last played for a caption by this engine instance is left out
    of the draw while another candidate exists. That rule depends on call history, so it is the
    one exception to "same request, same samples": a fresh engine (or one that has not rendered
    that caption yet) gives the same take for the same seed every time; the state is per caption
    and per instance (not shared across processes).

Shaping (all randomness from the event seed)
    - one-shots (classes without ``bed``, non-ambience layers) play from the start; a file
      longer than the event is cut and faded out over ``min(0.25 s, a quarter of the event)``;
      a shorter one is followed by silence.
    - beds (``bed`` classes, ambience and music layers) loop: a file with a loop region (a WAV
      ``smpl`` chunk, read at index time) cycles that region as marked, without a crossfade;
      any other is made into a seamless cycle by crossfading its tail into its head (equal
      power; 20 ms for files the index flags as loops, up to 0.5 s otherwise). Either is played
      from a seeded offset into the cycle for the event's length.
    - pitch: ±``PITCH_CENTS`` cents, by resampling (the recording plays faster or slower), and
      the sample-rate conversion to the request's rate happen in one soxr call.
    - level: ``procedural.levels.finish`` (the procedural engine's own stage): DC block, the
      loudness of the active part set to ``REFERENCE_LUFS`` at intensity 1 and distance 0 (lower
      with intensity), distance attenuation and air-absorption low-pass, edge fades, peak limit;
      plus a seeded gain variation of ±``GAIN_DB`` dB.
    Output: float32 (frames, 2) at the request's rate. A caption nothing in the library matches
    renders silence with ``meta["placeholder"] = True`` (``match`` scores it 0 first).

Pinned cues (``pins``): an event carrying a cue sheet pin draws its take from the pinned files
only, all equally likely (no-repeat as usual), and ``match`` answers 1.0 (0 when they are gone).
"""
from __future__ import annotations

import math
import os
import threading
import time
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

import numpy as np

from ...models import sound_classes
from ...models.plan import Layer, SoundEvent
from ..base import INTENSITY_RANGE_DB, Clip, Engine, EngineInfo, Match, RenderRequest
from ..procedural import levels
from . import pins
from .search import CLASS_WEIGHT, Hit, LibraryIndex, open_index

TAKE_WINDOW = 0.1  # candidates: hits within this of the best score
MIN_SCORE = 0.05  # below this a hit is not a candidate at all
SEARCH_K = 24
PITCH_CENTS = 50.0
GAIN_DB = 1.5
LOOP_XFADE_S = 0.5  # crossfade of a file that was not made to loop
SEAMLESS_XFADE_S = 0.02  # ... of one the index flags as a loop
ONESHOT_FADE_S = 0.25
CACHE_FILES = 64  # decoded recordings kept in memory


def is_bed(event: SoundEvent) -> bool:
    try:
        if sound_classes.get(event.sound_class).bed:
            return True
    except KeyError:
        pass
    return event.layer in (Layer.AMBIENCE, Layer.MUSIC)


def seamless_cycle(x: np.ndarray, xfade: int) -> np.ndarray:
    """``x`` (n, c) as a cycle of n - xfade frames whose end runs into its start: the last
    ``xfade`` frames are crossfaded (equal power) into the first ones."""
    n = len(x)
    xfade = max(0, min(xfade, n // 3))
    if xfade < 2:
        return x
    t = np.linspace(0.0, 1.0, xfade, dtype=np.float32)[:, None]
    cyc = x[: n - xfade].copy()
    cyc[:xfade] = x[:xfade] * np.sin(0.5 * np.pi * t) + x[n - xfade:] * np.cos(0.5 * np.pi * t)
    return cyc


def loop_to(x: np.ndarray, n: int, xfade: int, start: int = 0) -> np.ndarray:
    """``n`` frames of ``x`` looped seamlessly, from ``start`` frames into the cycle."""
    cyc = seamless_cycle(x, xfade)
    idx = (start + np.arange(n)) % len(cyc)
    return cyc[idx]


class LibraryEngine(Engine):
    """Recordings from a sound library, chosen by caption (soundweaver library index DIR)."""

    name = "library"
    # One instance keeps the no-repeat state of every caption; rendering is a decode, a resample
    # and the level stage (milliseconds), so it stays in the server's threads.
    runs_in_processes = False

    def __init__(self, index: "str | os.PathLike | LibraryIndex", *, min_score: float = MIN_SCORE,
                 pitch_cents: float = PITCH_CENTS, gain_db: float = GAIN_DB, embed: bool = False):
        self.embed = bool(embed)  # also match captions by meaning (the embed extra; loads MiniLM)
        try:
            self.index = open_index(index, embed=self.embed)
        except (OSError, ValueError) as exc:
            raise ValueError(f"engine 'library': {exc}") from exc
        self._source = index
        self.min_score = min_score
        self.pitch_cents = pitch_cents
        self.gain_db = gain_db
        self._last: dict[str, str] = {}  # caption key -> path of the take played last
        self._lock = threading.Lock()
        self._audio: OrderedDict[str, tuple[np.ndarray, int]] = OrderedDict()
        self._audio_lock = threading.Lock()

    def refresh(self) -> bool:
        """Pick up a re-indexed library (the index file changed): True when it was reloaded. A
        file that cannot be read right now keeps the index in use (OSError, ValueError say why)."""
        if isinstance(self._source, LibraryIndex):
            return False
        index = open_index(self._source, embed=self.embed)
        if index is self.index:
            return False
        self.index = index
        return True

    # ------------------------------------------------------------------ matching
    def _search(self, event: SoundEvent, k: int) -> list[Hit]:
        # the planner's class helps as much as the planner is sure of it (a stand-in: less)
        weight = min(CLASS_WEIGHT, max(0.0, float(event.class_score)))
        return self.index.search(event.caption, event.sound_class or None, k, weight)

    def pinned_hits(self, event: SoundEvent) -> list[Hit] | None:
        """For an event of a pinned cue: its pinned files as equal candidates; else None."""
        pin = pins.pin_of(event)
        if pin is None:
            return None
        why = (f"pinned: {pin.describe()}",)
        return [Hit(self.index.entries[i].path, 1.0, why, self.index.entries[i]) for i in pins.pinned(self.index, pin)]

    def candidates(self, event: SoundEvent) -> list[Hit]:
        got = self.pinned_hits(event)
        if got is not None:
            return got
        hits = [h for h in self._search(event, SEARCH_K)
                if h.score >= self.min_score]
        if not hits:
            return []
        best = hits[0].score
        return [h for h in hits if h.score >= best - TAKE_WINDOW - 1e-9]

    def match(self, event: SoundEvent) -> Match:
        got = self.pinned_hits(event)
        if got is not None:  # the designer chose the files: sure when they exist, nothing if not
            return Match(self.name, 1.0, got[0].path) if got else Match(self.name, 0.0, "")
        hits = self._search(event, 1)
        if not hits or hits[0].score < self.min_score:
            return Match(self.name, 0.0, "")
        return Match(self.name, round(hits[0].score, 4), hits[0].path)

    @staticmethod
    def _caption_key(event: SoundEvent) -> str:
        return " ".join(event.caption.lower().split()) + "|" + (event.sound_class or "")

    def choose(self, event: SoundEvent) -> Hit | None:
        """The take for ``event`` (see the module docstring); records it as the last take."""
        cands = self.candidates(event)
        if not cands:
            return None
        key = self._caption_key(event)
        rng = np.random.default_rng([event.seed & 0xFFFFFFFF, zlib.crc32(key.encode()), 1])
        with self._lock:
            last = self._last.get(key)
            pool = [h for h in cands if h.path != last] if len(cands) > 1 else cands
            w = np.array([h.score for h in pool], np.float64)
            hit = pool[int(rng.choice(len(pool), p=w / w.sum()))]
            self._last[key] = hit.path
        return hit

    # ------------------------------------------------------------------ audio
    def _load(self, path: str) -> tuple[np.ndarray, int]:
        with self._audio_lock:
            got = self._audio.get(path)
            if got is not None:
                self._audio.move_to_end(path)
                return got
        import soundfile as sf
        x, sr = sf.read(path, dtype="float32", always_2d=True)
        if x.shape[1] > 2:
            x = x[:, :2]
        x.setflags(write=False)
        with self._audio_lock:
            self._audio[path] = (x, sr)
            while len(self._audio) > CACHE_FILES:
                self._audio.popitem(last=False)
        return x, sr

    def render_hit(self, req: RenderRequest, hit: Hit) -> tuple[np.ndarray, dict]:
        import soxr
        ev = req.event
        sr = req.sample_rate
        n = req.frames
        x, src_sr = self._load(hit.path)
        rng = np.random.default_rng([ev.seed & 0xFFFFFFFF, 0x11B7A7])
        cents = float(rng.uniform(-self.pitch_cents, self.pitch_cents))
        gain_db = float(rng.uniform(-self.gain_db, self.gain_db))
        ratio = 2.0 ** (cents / 1200.0)
        play_sr = src_sr * ratio  # the recording read as if sampled at this rate: pitch moves by ratio
        need = int(math.ceil(n * play_sr / sr)) + 32  # source frames for n output frames
        bed = is_bed(ev)
        region = hit.entry.loop_region
        if bed and region and region[1] <= len(x):  # a loop marked in the file: its maker's seam
            cyc = x[region[0]:region[1]]
            src = loop_to(cyc, need, 0, int(rng.integers(0, len(cyc))))
        elif bed:
            xf = int((SEAMLESS_XFADE_S if hit.entry.loops else LOOP_XFADE_S) * src_sr)
            start = int(rng.integers(0, max(1, len(x))))
            src = loop_to(x, need, xf, start)
        else:
            src = np.zeros((need, x.shape[1]), np.float32)
            m = min(need, len(x))
            src[:m] = x[:m]
            if len(x) > need:  # cut: fade out over the end of what is kept
                f = min(int(ONESHOT_FADE_S * play_sr), need // 4)
                if f > 1:
                    src[need - 32 - f: need - 32] *= np.linspace(1.0, 0.0, f, dtype=np.float32)[:, None]
                    src[need - 32:] = 0.0
        y = soxr.resample(src, play_sr, sr, quality="HQ") if abs(play_sr - sr) > 1e-6 else src
        if len(y) < n:
            y = np.concatenate([y, np.zeros((n - len(y), y.shape[1]), np.float32)])
        y = y[:n]
        if y.shape[1] == 1:
            y = y[:, 0]
        # gain variation through the level stage, so its limiter sees it: a shift of intensity
        intensity = ev.intensity + gain_db / INTENSITY_RANGE_DB
        out = levels.finish(y, sr, intensity, ev.distance, bed)
        meta = {"file": hit.path, "score": round(hit.score, 4), "why": list(hit.why), "bed": bed,
                "pitch_cents": round(cents, 2), "gain_db": round(gain_db, 2), "sound_class": ev.sound_class}
        return out, meta

    def render(self, requests: Sequence[RenderRequest]) -> list[Clip]:
        clips = []
        for req in requests:
            t0 = time.perf_counter()
            hit = self.choose(req.event)
            if hit is None:
                samples = np.zeros((req.frames, 2), np.float32)
                meta = {"placeholder": True, "sound_class": req.event.sound_class}
            else:
                try:
                    samples, meta = self.render_hit(req, hit)
                except Exception as exc:  # noqa: BLE001  a file changed or vanished since indexing
                    samples = np.zeros((req.frames, 2), np.float32)
                    meta = {"placeholder": True, "error": f"{Path(hit.path).name}: {exc}"}
            clips.append(Clip(samples=np.ascontiguousarray(samples, dtype=np.float32), sample_rate=req.sample_rate,
                              engine=self.name, render_s=time.perf_counter() - t0, meta=meta))
        return clips

    def info(self) -> EngineInfo:
        return EngineInfo(self.name, bool(len(self.index)),
                          f"{len(self.index)} recordings from {self.index.path or 'memory'}")
