"""The bridge: event + session context -> conditioning for a decoder.

AudioStory splits what a decoder needs into two parts:
- semantic: what this event is (caption, class, intensity, distance, emotion);
- residual: what must stay continuous across the events of one session (scene acoustics, the
  emotional arc, key and tempo of music, a session style seed; for neural decoders also the tail
  of the previous clip's latent, which the neural engine keeps per session).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from .plan import GameState, SoundEvent

# Keys (tonic pitch class, 0 = C) and tempi per emotion; the session seed picks among them so
# two sessions differ while every cue inside one session shares key and tempo.
_KEYS = {"neutral": (0, 2, 7, 9), "tense": (2, 4, 9), "calm": (0, 5, 7), "sad": (2, 9, 4),
         "triumphant": (0, 7, 10), "horror": (1, 6, 11), "mystery": (4, 9, 11)}
_TEMPI = {"neutral": (90, 100), "tense": (120, 140), "calm": (66, 80), "sad": (60, 72),
          "triumphant": (108, 124), "horror": (56, 70), "mystery": (76, 92)}
_MINOR = {"tense", "sad", "horror", "mystery"}


def stable_hash(*parts: object) -> int:
    """A 63-bit hash that is the same in every process (Python's hash() is salted)."""
    h = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(h, "little") & ((1 << 63) - 1)


@dataclass(frozen=True)
class SessionContext:
    """Residual conditioning: what stays continuous across one session's events."""

    scene: str = "open_air"
    emotion: str = "neutral"
    key: int = 0  # tonic pitch class, 0 = C
    minor: bool = False
    tempo_bpm: float = 96.0
    style_seed: int = 0
    tension: float = 0.3  # 0..1, from the game's "tension" parameter
    session_id: str = ""

    def with_emotion(self, emotion: str) -> "SessionContext":
        """Same session, new emotional colour; key and tempo stay put unless the mode must change."""
        return replace(self, emotion=emotion, minor=emotion in _MINOR)


def session_context(seed: int, scene: str = "open_air", emotion: str = "neutral",
                    state: GameState | None = None, session_id: str = "") -> SessionContext:
    """The residual context a session starts with; same seed, same key and tempo."""
    keys = _KEYS.get(emotion, _KEYS["neutral"])
    lo, hi = _TEMPI.get(emotion, _TEMPI["neutral"])
    h = stable_hash("session", seed)
    tension = float((state.parameters.get("tension", 0.3)) if state else 0.3)
    return SessionContext(scene=scene, emotion=emotion, key=keys[h % len(keys)],
                          minor=emotion in _MINOR, tempo_bpm=float(lo + (h >> 8) % (hi - lo + 1)),
                          style_seed=h >> 16, tension=min(1.0, max(0.0, tension)),
                          session_id=session_id)


@dataclass(frozen=True)
class Semantic:
    """What one event is."""

    caption: str
    sound_class: str
    intensity: float
    distance: float
    emotion: str
    variant: str = ""


@dataclass(frozen=True)
class Conditioning:
    semantic: Semantic
    residual: SessionContext


def condition(event: SoundEvent, context: SessionContext) -> Conditioning:
    """Split an event and its session context into semantic and residual conditioning."""
    semantic = Semantic(event.caption, event.sound_class, event.intensity, event.distance,
                        event.emotion, event.variant)
    residual = context if context.scene == event.scene else replace(context, scene=event.scene)
    return Conditioning(semantic, residual)


# --- Neural decoders (issue 7) ------------------------------------------------------------------
# What a neural decoder (engines.neural) takes from an event and its session. Pure Python like the
# rest of this module: the text encoder, its per-caption cache and the per-session latent tails live
# in the engine, which owns the model.

@dataclass(frozen=True)
class NeuralConditioning:
    """Semantic and residual conditioning for a latent-diffusion decoder (Stable Audio Open layout)."""

    caption: str  # semantic: the prompt for the model's text encoder (embedding cached per caption)
    duration_s: float
    intensity: float
    distance: float
    session_id: str  # residual: whose previous clip this one continues ("" = no continuation)
    continuation_key: str  # residual: which thread of the session it continues (its mix layer)
    style_seed: int  # residual: per-session noise component shared by every clip of the session
    noise_seed: int  # the event's own noise: same request, same samples


def neural_caption(event: SoundEvent) -> str:
    """The text prompt for an event: its caption, else its sound class in words."""
    caption = " ".join(event.caption.split())
    if caption:
        return caption
    words = event.sound_class.replace("_", " ").replace(".", " ").strip()
    return f"{words}, {event.variant}" if event.variant else words


def neural_conditioning(event: SoundEvent, context: SessionContext) -> NeuralConditioning:
    """Split an event and its session into what the neural engine conditions on."""
    layer = getattr(event.layer, "value", event.layer)
    caption = neural_caption(event)
    return NeuralConditioning(
        caption=caption, duration_s=float(event.duration_s), intensity=float(event.intensity),
        distance=float(event.distance), session_id=context.session_id,
        continuation_key=str(layer) if context.session_id else "",
        style_seed=stable_hash("neural-style", context.style_seed),
        noise_seed=stable_hash("neural-event", event.seed, caption, event.sound_class, event.variant))
