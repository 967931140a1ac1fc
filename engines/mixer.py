"""The mixer: turns rendered clips into one continuous stream, chunk by chunk.

Per chunk it places the clips active in the window sample-accurately, crossfades bed segments
with equal-power curves, ducks ambience and music under urgent events, feeds a per-session
scene reverb through a send, and hands the master bus to the output stage (limiter, channel
layout, sample encoding). Everything here is vectorised numpy; nothing blocks.

Timeline: the mixer's frames are session frames. ``OutputStage`` delays audio by its limiter
look-ahead; ``StreamMixer`` hides that by mixing that many frames ahead of what it emits.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from ..models.plan import AudioFormat, Layer, SoundEvent
from . import pcm
from .base import Clip
from .limiter import Limiter
from .reverb import SceneReverb, scene_preset, send_gain

# Bus gains keep beds under foreground events (engines calibrate clips to one reference level).
LAYER_GAIN_DB = {Layer.AMBIENCE: -4.0, Layer.MUSIC: -7.0, Layer.FOLEY: 0.0, Layer.STINGER: -2.0,
                 Layer.VOICE: 0.0}
DUCKED_LAYERS = frozenset({Layer.AMBIENCE, Layer.MUSIC})
BED_FADE_S = 1.0  # beds fade in and out over this; planners overlap bed segments by as much
EDGE_FADE_S = 0.004  # every other clip gets at least this, so a cut never clicks
STOP_FADE_S = 0.05  # a cancelled clip that is already sounding fades out over this
DUCK_DB = -7.0
DUCK_ATTACK_S = 0.04
DUCK_RELEASE_S = 0.5


def equal_power_fade(n: int, fade_in: bool) -> np.ndarray:
    """sin/cos quarter-wave ramps: a fade-out plus a fade-in sum to constant power."""
    t = (np.arange(n) + 0.5) / max(n, 1)
    return np.sin(0.5 * np.pi * t) if fade_in else np.cos(0.5 * np.pi * t)


def is_urgent(event: SoundEvent) -> bool:
    """Foreground events that beds duck under: close, not quiet, not beds themselves."""
    return event.layer not in DUCKED_LAYERS and event.intensity >= 0.5 and event.distance <= 0.6


@dataclass
class Voice:
    event_id: str
    start: int
    samples: np.ndarray  # (frames, 2) float32, fades and bus gain applied
    ducked: bool
    urgent: bool
    send: float

    @property
    def end(self) -> int:
        return self.start + len(self.samples)


class Mixer:
    """Sums voices into a stereo master; call ``mix`` with consecutive windows."""

    def __init__(self, sample_rate: int, scene: str = "open_air"):
        self.sample_rate = sample_rate
        self.position = 0
        self.voices: dict[str, Voice] = {}
        self.reverb = SceneReverb(sample_rate, scene)
        self._duck = 1.0
        self._dry_sos = None
        self._dry_zi = None
        self.set_scene(scene)

    @property
    def scene(self) -> str:
        return self.reverb.preset.name

    def set_scene(self, name: str) -> None:
        self.reverb.set_scene(name)
        cutoff = scene_preset(name).dry_lowpass_hz
        if cutoff:
            self._dry_sos = signal.butter(4, cutoff, fs=self.sample_rate, output="sos")
            self._dry_zi = np.zeros((self._dry_sos.shape[0], 2, 2))
        else:
            self._dry_sos = self._dry_zi = None

    def has(self, event_id: str) -> bool:
        return event_id in self.voices

    def add(self, event: SoundEvent, clip: Clip, start_frame: int) -> None:
        """Place a clip at ``start_frame`` (session frames); replaces a voice with the same id."""
        x = np.asarray(clip.samples, dtype=np.float32)
        if x.ndim == 1:
            x = np.repeat(x[:, None], 2, axis=1)
        bed = event.layer in DUCKED_LAYERS
        fade = int((BED_FADE_S if bed else EDGE_FADE_S) * self.sample_rate)
        fade = min(fade, len(x) // 2)
        x = x * np.float32(10 ** (LAYER_GAIN_DB.get(event.layer, 0.0) / 20))
        if fade:
            x[:fade] *= equal_power_fade(fade, True)[:, None].astype(np.float32)
            x[-fade:] *= equal_power_fade(fade, False)[:, None].astype(np.float32)
        if start_frame < self.position:  # never rewrite the past: drop what is already mixed
            x = x[self.position - start_frame:]
            start_frame = self.position
        self.voices[event.id] = Voice(event.id, start_frame, x, bed, is_urgent(event),
                                      send_gain(self.reverb.preset, event.distance))

    def stop(self, event_id: str, fade_s: float = STOP_FADE_S) -> None:
        """Remove a voice; if it is sounding, fade it out from the current position."""
        v = self.voices.get(event_id)
        if v is None:
            return
        if v.start >= self.position:
            del self.voices[event_id]
            return
        keep = self.position - v.start
        n = min(int(fade_s * self.sample_rate), len(v.samples) - keep)
        tail = v.samples[: keep + n].copy()
        tail[keep:] *= equal_power_fade(n, False)[:, None].astype(np.float32)
        v.samples = tail

    def mix(self, frames: int) -> np.ndarray:
        """The next ``frames`` of the stereo master bus, from ``position`` on."""
        lo, hi = self.position, self.position + frames
        if not any(v.start < hi for v in self.voices.values()):  # nothing sounding: only the tail
            self.position = hi
            return self._finish(self.reverb.process(np.zeros((frames, 2), np.float32)).astype(np.float32))
        beds = np.zeros((frames, 2), np.float32)
        fore = np.zeros((frames, 2), np.float32)
        send = np.zeros((frames, 2), np.float32)
        urgent = False
        for v in list(self.voices.values()):
            a, b = max(lo, v.start), min(hi, v.end)
            if a < b:
                seg = v.samples[a - v.start: b - v.start]
                (beds if v.ducked else fore)[a - lo: b - lo] += seg
                send[a - lo: b - lo] += seg * np.float32(v.send)
                urgent = urgent or v.urgent
            if v.end <= hi:
                del self.voices[v.event_id]
        duck = self._duck_ramp(urgent, frames)
        master = fore + beds * (duck[:, None] if np.ndim(duck) else duck)
        master += self.reverb.process(send).astype(np.float32)
        self.position = hi
        return self._finish(master)

    def _finish(self, master: np.ndarray) -> np.ndarray:
        if self._dry_sos is not None:  # scene-wide muffling (underwater)
            master, self._dry_zi = signal.sosfilt(self._dry_sos, master, axis=0, zi=self._dry_zi)
        return master.astype(np.float32, copy=False)

    def _duck_ramp(self, urgent: bool, frames: int) -> np.ndarray | np.float32:
        target = 10 ** (DUCK_DB / 20) if urgent else 1.0
        if self._duck == target:
            return np.float32(target)
        span = 1.0 - 10 ** (DUCK_DB / 20)
        rate = span / ((DUCK_ATTACK_S if urgent else DUCK_RELEASE_S) * self.sample_rate)
        step = float(np.clip(target - self._duck, -rate * frames, rate * frames))
        ramp = np.linspace(self._duck, self._duck + step, frames, endpoint=False, dtype=np.float32)
        self._duck += step
        return ramp


class OutputStage:
    """Master bus -> session format: channel layout, true-peak limiter, sample encoding."""

    def __init__(self, fmt: AudioFormat, ceiling_db: float = -1.0):
        self.format = fmt
        self.limiter = Limiter(fmt.sample_rate, fmt.channels, ceiling_db=ceiling_db)

    @property
    def latency(self) -> int:
        return self.limiter.latency

    def process(self, master: np.ndarray) -> np.ndarray:
        """Limited float samples, (frames, channels), delayed by ``latency`` frames."""
        return self.limiter.process(pcm.downmix(master, self.format.channels)).astype(np.float32)

    def encode(self, samples: np.ndarray) -> bytes:
        return pcm.encode(samples, self.format.encoding)


class StreamMixer:
    """Mixer + output stage for a live stream, aligned so emitted frame f is session frame f."""

    def __init__(self, fmt: AudioFormat, scene: str = "open_air"):
        self.mixer = Mixer(fmt.sample_rate, scene)
        self.output = OutputStage(fmt)
        self.output.process(self.mixer.mix(self.output.latency))  # prime the look-ahead

    @property
    def mix_position(self) -> int:
        """Session frame the mixer needs next (clips due before it must be placed by now)."""
        return self.mixer.position

    def next_chunk(self, frames: int) -> np.ndarray:
        return self.output.process(self.mixer.mix(frames))
