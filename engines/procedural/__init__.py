"""The procedural engine: physically inspired DSP for every class of the sound taxonomy.

The embedded default renderer: CPU only, deterministic, far faster than real time, and the
mixer's fallback when another engine's clip is late.

Classes
    Every name in ``models.sound_classes.NAMES`` (65 classes) has a generator in
    ``registry.GENERATORS``; the families live in modules named for them:
    ``weather`` (rain, thunder, wind), ``water`` (stream, splash, drips, waves, bubbles, lapping),
    ``footsteps`` (stone, wood, gravel, water, metal, snow; walking or running),
    ``impacts`` (glass, wood, metal, body fall, explosion, debris, rock, twig, swords, clinks),
    ``mechanisms`` (doors, gate, keys, valve, clock), ``vehicles`` (engine, skid, horn, train,
    traffic, jet), ``fire`` (campfire, blaze), ``creatures`` (birds, owl, crickets, frogs, dog,
    eagle, whale), ``crowds`` (murmur, cheering), ``machinery`` (hum, power-up, alarm, beeps,
    laser, steam, servo), ``body`` (heartbeat, breathing, grunt, scream, cough, tinnitus),
    ``music`` (beds and stingers per emotion). ``dsp`` holds the pure signal functions they share.

Parameters (all from the ``RenderRequest``; nothing else influences the samples)
    event.seed        the take: same seed, same samples; another seed, another take (timing,
                      pitch, spectra are drawn from ``np.random.default_rng`` seeded by
                      (seed, class, variant), never from global state).
    event.intensity   0..1: level (up to ``INTENSITY_RANGE_DB`` quieter at 0) and character
                      (denser rain, harder steps, bigger splashes, higher revs).
    event.distance    0..1: up to ``DISTANCE_RANGE_DB`` quieter and an air-absorption low-pass
                      from ~18 kHz down to ~1.5 kHz. Scene reverb is the mixer's send, not ours.
    event.duration_s  the clip length; one-shots place their action inside it, beds (classes with
                      ``bed=True``) are stationary textures of any length, joinable by crossfade.
    event.variant     switch-picked flags and numbers: ``run`` (footsteps), ``pace=2.4`` (steps/s),
                      ``bpm=120`` (heartbeat, clock), see ``params.parse_variant``.
    event.emotion     music: mode, progression and orchestration (neutral, tense, calm, sad,
                      triumphant, horror, mystery).
    event.start_s     music beds lay their bar grid on session time so segments continue.
    context           key/minor/tempo_bpm/style_seed for music (shared by every cue of a session);
                      tension sets the heart rate when no ``bpm`` is given.

Level conventions (``levels.finish``, after engines/base.py)
    dry stereo float32 (frames, 2) at the request's rate (rendered directly at 16..48 kHz);
    gated K-weighted loudness of the active part = ``REFERENCE_LUFS`` at intensity 1 and
    distance 0; DC removed; raised-cosine edge fades; peaks held under 0.9 by a look-ahead
    limiter. Unknown class names render a neutral noise placeholder (``meta["placeholder"]``)
    rather than failing a live session.
"""
from __future__ import annotations

import time
from typing import Sequence

import numpy as np

from ...models import sound_classes
from ..base import Clip, Engine, RenderRequest
from . import levels
from .params import Params
from .registry import GENERATORS, generator_for, placeholder

__all__ = ["ProceduralEngine", "render_one", "GENERATORS"]


def render_one(req: RenderRequest) -> tuple[np.ndarray, dict]:
    """Render one request to (samples (frames, 2) float32, meta)."""
    p = Params.from_request(req)
    meta = {"sound_class": p.sound_class}
    try:
        gen = generator_for(p.sound_class)
        bed = sound_classes.get(p.sound_class).bed
    except KeyError:
        gen, bed = placeholder, True
        meta["placeholder"] = True
    raw = np.asarray(gen(p), dtype=np.float32)
    if raw.shape[0] != p.n:  # generators are exact; this guards a future one that is not
        fixed = np.zeros((p.n,) + raw.shape[1:], dtype=np.float32)
        fixed[: min(p.n, raw.shape[0])] = raw[: p.n]
        raw = fixed
    out = levels.finish(raw, p.sr, p.intensity, p.distance, bed)
    return out, meta


class ProceduralEngine(Engine):
    """Procedural DSP synthesis of the whole sound taxonomy, on the CPU, faster than real time."""

    name = "procedural"
    runs_in_processes = True  # cheap to build, CPU-bound: the server renders it in worker processes

    def render(self, requests: Sequence[RenderRequest]) -> list[Clip]:
        clips = []
        for req in requests:
            t0 = time.perf_counter()
            samples, meta = render_one(req)
            clips.append(Clip(samples=samples, sample_rate=req.sample_rate, engine=self.name,
                              render_s=time.perf_counter() - t0, meta=meta))
        return clips
