"""The mixer: turns rendered clips into one continuous stream, chunk by chunk.

Per chunk it places the clips active in the window sample-accurately, crossfades bed segments
with equal-power curves, ducks ambience and music so that every foreground event is heard above
them, feeds a per-session scene reverb through a send, and hands the master bus to the output
stage (limiter, channel layout, sample encoding). Everything here is vectorised numpy; nothing
blocks.

The mix rule: in every foreground event's window (foley, voice, stinger), the beds together
(ambience and music, after their bus gains) sit at least ``FOREGROUND_MARGIN_LU`` under the
event, as far as ducking by ``MAX_DUCK_DB`` allows; under a close, not quiet event they dip at
least ``URGENT_DUCK_DB`` even when they are already that far under (a sidechain duck). Loudness comes from the engines' level
convention (``base.clip_lufs``: every engine calibrates a clip's active part to it), so the rule
costs nothing per chunk; tests/test_mix_rule.py measures it on rendered mixes (BS.1770). The duck
starts ``DUCK_ATTACK_S`` before the event, so its onset is not masked either.

Timeline: the mixer's frames are session frames. ``OutputStage`` delays audio by its limiter
look-ahead; ``StreamMixer`` hides that by mixing that many frames ahead of what it emits.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from ..models.plan import AudioFormat, Layer, SoundEvent
from . import pcm
from .base import Clip, clip_lufs
from .limiter import Limiter
from .reverb import SceneReverb, scene_preset, send_gain

# Bus gains keep beds under foreground events (engines calibrate clips to one reference level).
LAYER_GAIN_DB = {Layer.AMBIENCE: -4.0, Layer.MUSIC: -12.0, Layer.FOLEY: 0.0, Layer.STINGER: -2.0,
                 Layer.VOICE: 0.0}
DUCKED_LAYERS = frozenset({Layer.AMBIENCE, Layer.MUSIC})
BED_FADE_S = 1.0  # beds fade in and out over this; planners overlap bed segments by as much
EDGE_FADE_S = 0.004  # every other clip gets at least this, so a cut never clicks
STOP_FADE_S = 0.05  # a cancelled clip that is already sounding fades out over this
FOREGROUND_MARGIN_LU = 10.0  # beds under a foreground event, at least (a listener hears it clearly)
URGENT_DUCK_DB = -7.0  # under a close, not quiet event the beds dip at least this far (a sidechain duck)
MAX_DUCK_DB = -18.0  # ducking never takes the beds lower than this (they stay a scene, not a gap)
DUCK_ATTACK_S = 0.04
DUCK_RELEASE_S = 0.5


def equal_power_fade(n: int, fade_in: bool) -> np.ndarray:
    """sin/cos quarter-wave ramps: a fade-out plus a fade-in sum to constant power."""
    t = (np.arange(n) + 0.5) / max(n, 1)
    return np.sin(0.5 * np.pi * t) if fade_in else np.cos(0.5 * np.pi * t)


def is_urgent(event: SoundEvent) -> bool:
    """Foreground events the beds always dip under: close, not quiet, not beds themselves."""
    return event.layer not in DUCKED_LAYERS and event.intensity >= 0.5 and event.distance <= 0.6


def bed_duck_db(foreground_lufs, bed_lufs, urgent: bool = False) -> float:
    """Gain (dB, <= 0) for the beds: ``FOREGROUND_MARGIN_LU`` under the quietest foreground voice
    and at least ``URGENT_DUCK_DB`` under an urgent one, never below ``MAX_DUCK_DB``; 0 without
    foreground or beds. Loudnesses are of voices as mixed (bus gain included); beds add as powers."""
    if not foreground_lufs or not bed_lufs:
        return 0.0
    beds = 10 * np.log10(sum(10 ** (b / 10) for b in bed_lufs))
    need = min(foreground_lufs) - FOREGROUND_MARGIN_LU - beds
    return float(np.clip(min(need, URGENT_DUCK_DB if urgent else 0.0), MAX_DUCK_DB, 0.0))


@dataclass
class Voice:
    event_id: str
    start: int
    samples: np.ndarray  # (frames, 2) float32, fades and bus gain applied
    ducked: bool  # a bed (ambience, music): ducked under foreground voices
    urgent: bool
    lufs: float  # loudness of its active part as mixed: the convention's level plus the bus gain
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
        bus_db = LAYER_GAIN_DB.get(event.layer, 0.0)
        x = x * np.float32(10 ** (bus_db / 20))
        if fade:
            x[:fade] *= equal_power_fade(fade, True)[:, None].astype(np.float32)
            x[-fade:] *= equal_power_fade(fade, False)[:, None].astype(np.float32)
        if start_frame < self.position:  # never rewrite the past: drop what is already mixed
            x = x[self.position - start_frame:]
            start_frame = self.position
        self.voices[event.id] = Voice(event.id, start_frame, x, bed, is_urgent(event),
                                      clip_lufs(event.intensity, event.distance) + bus_db,
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
        fore, beds, send = self.mix_layers(frames)
        master = fore + beds
        master += self.reverb.process(send).astype(np.float32)
        return self._finish(master)

    def mix_layers(self, frames: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The next ``frames`` as (foreground, ducked beds, reverb send), before the reverb and the
        scene filter; advances ``position``. ``mix`` sums them; tests measure the mix rule on them."""
        lo, hi = self.position, self.position + frames
        beds = np.zeros((frames, 2), np.float32)
        fore = np.zeros((frames, 2), np.float32)
        send = np.zeros((frames, 2), np.float32)
        ahead = hi + int(DUCK_ATTACK_S * self.sample_rate)  # duck before an onset, not after it
        fore_lufs, bed_lufs, urgent = [], [], False
        for v in list(self.voices.values()):
            if v.start < (hi if v.ducked else ahead) and v.end > lo:
                (bed_lufs if v.ducked else fore_lufs).append(v.lufs)
                urgent = urgent or v.urgent
            a, b = max(lo, v.start), min(hi, v.end)
            if a < b:
                seg = v.samples[a - v.start: b - v.start]
                (beds if v.ducked else fore)[a - lo: b - lo] += seg
                send[a - lo: b - lo] += seg * np.float32(v.send)
            if v.end <= hi:
                del self.voices[v.event_id]
        duck = self._duck_ramp(10 ** (bed_duck_db(fore_lufs, bed_lufs, urgent) / 20), frames)
        beds *= duck[:, None] if np.ndim(duck) else duck
        self.position = hi
        return fore, beds, send

    def _finish(self, master: np.ndarray) -> np.ndarray:
        if self._dry_sos is not None:  # scene-wide muffling (underwater)
            master, self._dry_zi = signal.sosfilt(self._dry_sos, master, axis=0, zi=self._dry_zi)
        return master.astype(np.float32, copy=False)

    def _duck_ramp(self, target: float, frames: int) -> np.ndarray | np.float32:
        """The beds' gain over the next ``frames``: a linear ramp towards ``target``, down at the
        attack rate and back up at the release rate (full depth in DUCK_ATTACK_S/DUCK_RELEASE_S)."""
        if abs(self._duck - target) < 1e-6:
            self._duck = target
            return np.float32(target)
        span = 1.0 - 10 ** (MAX_DUCK_DB / 20)
        rate = span / ((DUCK_ATTACK_S if target < self._duck else DUCK_RELEASE_S) * self.sample_rate)
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
