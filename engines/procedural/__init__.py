"""The procedural engine: physically inspired DSP for every class of the sound taxonomy.

The embedded default renderer: CPU only, deterministic, far faster than real time (every class
above 100x real time at 48 kHz stereo on one core: scripts/bench_procedural.py, BENCHMARKS.md),
and the mixer's fallback when another engine's clip is late.

Classes and how they are made
    Every name in ``models.sound_classes.NAMES`` has a generator in ``registry.GENERATORS``; the
    families live in modules named for them, over the pure signal functions of ``dsp``:
    ``weather``   rain: Poisson drop impulses ringing short resonances over a hiss bed; thunder:
                  a crack, a sub boom and rolling swells of low-passed noise; wind: noise bands
                  and a whistle whose balance and pitch follow a random gust envelope.
    ``water``     bubbles (Minnaert: decaying sines with rising pitch) in populations for
                  streams, splashes, underwater; drips; waves as swells breaking into fizz.
    ``footsteps`` a humanised step clock; per surface a step model (heel + toe): modal ticks
                  (stone), board modes (wood), granular crunch (gravel, snow), splash + bubbles
                  (water), ringing grate + rattle (metal).
    ``impacts``   modal objects struck by noise ticks; showers of fragments each with its own
                  modes (glass, debris); low-passed noise bodies (falls, explosions, rumble).
    ``mechanisms`` stick-slip friction impulse trains through wood or metal modes (creaks,
                  squeaks), slams, jingles, clanks, escapement ticks.
    ``vehicles``  engines as firing-rate pulses along an rpm curve; tyre squeal; two-tone horns;
                  a Doppler train pass-by with rail clacks; traffic swells; jet roar and whine;
                  motorcycles; helicopter rotor blade-pass slaps; airplane flyovers (Doppler,
                  ground-reflection comb); ship horns.
    ``fire``      flickering low roar, noise-burst crackle, ringing pops.
    ``creatures`` swept whistles (birds), hoots, gated carriers (crickets), pulsed formant buzz
                  (frogs), barks through a vocal tract, raptor screeches, whale glides.
    ``crowds``    babble (glottal buzz, syllable gates, vowel formants), applause, cheers,
                  laughter ("ha" runs: aspirated onsets, falling voiced bursts, in-breaths).
    ``machinery`` mains hum, motors, sirens, beeps, FM laser chirps, steam hiss, servos.
    ``body``      lub-dub heartbeats, breaths, voiced grunts/screams/coughs, tinnitus, baby cries.
    ``animals``   hooves as damped hollow knocks in gait rhythms (surface flags ``wood``, ``dirt``...);
                  calls as a voiced source through moving formants (``dsp.formant_voice``) with
                  per-species pitch contours, tremolo, jitter, shimmer and subharmonics.
    ``bells``     modal bells with inharmonic partial sets and long decays (church, hand, door,
                  clock chimes, wind chimes), an electromechanical phone ringer in its cadence.
    ``household`` keystrokes, door knocks, kettle edge tones, frying spits, chopping, a running tap.
    ``weapons``   muzzle blasts with an outdoor tail, automatic fire, bow release + arrow + thunk, punches.
    ``music``     beds and stingers per emotion on the session's key, mode and tempo grid.

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
                      Requests shorter than ``MIN_RENDER_S`` render that much and keep the head.
    event.variant     switch-picked flags and numbers: ``run`` (footsteps), ``pace=2.4`` (steps/s),
                      ``bpm=120`` (heartbeat, clock), ``rate=30`` (breaths/min), ``gallop``/``trot``/
                      ``walk`` and ``wood``/``stone``/``dirt`` (hooves), ``count=3`` (knocks),
                      ``mobile``/``single`` (phone ring); see
                      ``params.parse_variant``.
    event.emotion     music: mode, progression and orchestration (neutral, tense, calm, sad,
                      triumphant, horror, mystery); falls back to the context's emotion.
    event.start_s     music beds lay their bar grid on session time so segments continue.
    context           key/minor/tempo_bpm/style_seed for music (shared by every cue of a session);
                      tension sets the heart rate when no ``bpm`` is given.

Level conventions (``levels.finish``, after engines/base.py)
    dry stereo float32 (frames, 2) at the request's rate (rendered directly at 16..48 kHz);
    gated K-weighted loudness (BS.1770) of the active part = ``REFERENCE_LUFS`` at intensity 1
    and distance 0 (very peaky one-shots may sit a little under, held by the limiter); DC
    blocked at 20 Hz; raised-cosine edge fades (2/20 ms one-shots, 30/50 ms beds); peaks held
    under 0.9 by a look-ahead limiter. Unknown class names render a neutral noise placeholder
    (``meta["placeholder"]``) rather than failing a live session.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Sequence

import numpy as np

from ...models import sound_classes
from ...models.plan import SoundEvent
from ..base import Clip, Engine, Match, RenderRequest
from . import levels
from .params import Params
from .registry import GENERATORS, generator_for, placeholder

__all__ = ["ProceduralEngine", "render_one", "GENERATORS"]

MIN_RENDER_S = 1.0  # shorter requests render this much and keep the head


def render_one(req: RenderRequest) -> tuple[np.ndarray, dict]:
    """Render one request to (samples (frames, 2) float32, meta)."""
    p = Params.from_request(req)
    meta = {"sound_class": p.sound_class}
    n = p.n
    if n < MIN_RENDER_S * p.sr:
        # Generators place their action in time (a run-up, a latch after the slam); a very short
        # request renders the first second and keeps its head, so every length is safe.
        m = int(MIN_RENDER_S * p.sr)
        p = replace(p, n=m, duration=m / p.sr)
    try:
        gen = generator_for(p.sound_class)
        bed = sound_classes.get(p.sound_class).bed
    except KeyError:
        gen, bed = placeholder, True
        meta["placeholder"] = True
    raw = np.asarray(gen(p), dtype=np.float32)
    if raw.shape[0] != n:  # a short request, or a generator that is not exact
        fixed = np.zeros((n,) + raw.shape[1:], dtype=np.float32)
        fixed[: min(n, raw.shape[0])] = raw[:n]
        raw = fixed
    out = levels.finish(raw, p.sr, p.intensity, p.distance, bed)
    return out, meta


class ProceduralEngine(Engine):
    """Procedural DSP synthesis of the whole sound taxonomy, on the CPU, faster than real time."""

    name = "procedural"
    runs_in_processes = True  # cheap to build, CPU-bound: the server renders it in worker processes

    def match(self, event: SoundEvent) -> Match:
        """The planner's confidence that the event's class is what its caption names: every class
        of the taxonomy has a generator, so the class is what this engine would use."""
        if event.sound_class not in sound_classes.BY_NAME:
            return Match(self.name, 0.0, event.sound_class)
        return Match(self.name, max(0.0, min(1.0, event.class_score)), event.sound_class)

    def render(self, requests: Sequence[RenderRequest]) -> list[Clip]:
        clips = []
        for req in requests:
            t0 = time.perf_counter()
            samples, meta = render_one(req)
            clips.append(Clip(samples=samples, sample_rate=req.sample_rate, engine=self.name,
                              render_s=time.perf_counter() - t0, meta=meta))
        return clips
