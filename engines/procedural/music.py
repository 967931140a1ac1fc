"""Music beds and stingers in the session's key and tempo; the emotion picks mode, progression and
orchestration.

Beds are laid on the *session's* bar grid (``Params.start_s``): bar k starts at k bars after
session time 0, and the chord of bar k depends only on the session's style seed and the emotion,
so consecutive bed segments continue the same progression and the pad voices match across a
crossfade. Melodic embellishments (arpeggios, melody notes) draw on the event seed, so different
seeds give different takes over the same harmony.

Instruments are cheap wavetable voices (band-limited harmonic tables read at a phase), with
two-table "decay" models for plucked and struck strings (bright table decaying fast, dark table
decaying slowly), so a 16 s bed costs a few milliseconds per second.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32

MODES = {
    "major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10), "harmonic": (0, 2, 3, 5, 7, 8, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10), "phrygian": (0, 1, 3, 5, 7, 8, 10), "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
}


@dataclass(frozen=True)
class Style:
    mode: str
    progressions: tuple  # alternatives, each a tuple of scale degrees (0-based) one per chord
    bars_per_chord: int
    pad: str  # "pad" | "strings" | "brass"
    lead: str  # "pluck" | "piano" | "bell" | "brass" | "none"
    pulse: str  # "none" | "soft" | "ostinato" | "march"


STYLES = {
    "neutral": Style("major", ((0, 4, 5, 3), (0, 3, 4, 0), (0, 5, 3, 4)), 1, "pad", "pluck", "soft"),
    "calm": Style("lydian", ((0, 3, 0, 4), (0, 5, 3, 4), (0, 3, 5, 4)), 2, "pad", "pluck", "none"),
    "sad": Style("minor", ((0, 5, 2, 6), (0, 3, 5, 4), (0, 5, 3, 4)), 2, "strings", "piano", "none"),
    "tense": Style("harmonic", ((0, 0, 5, 4), (0, 1, 0, 4), (0, 5, 1, 4)), 1, "strings", "none", "ostinato"),
    "triumphant": Style("major", ((0, 3, 4, 0), (0, 5, 3, 4), (0, 3, 0, 4)), 1, "brass", "brass", "march"),
    "horror": Style("phrygian", ((0, 1, 0, 4), (0, 0, 1, 1)), 2, "strings", "none", "none"),
    "mystery": Style("dorian", ((0, 5, 0, 1), (0, 3, 0, 5), (0, 1, 5, 0)), 2, "pad", "bell", "none"),
}


def style_for(emotion: str, minor: bool) -> Style:
    s = STYLES.get(emotion, STYLES["neutral"])
    if emotion == "neutral" and minor:
        s = Style("minor", ((0, 5, 2, 6), (0, 3, 4, 0)), 1, "pad", "pluck", "soft")
    return s


def midi_hz(m: float) -> float:
    return 440.0 * 2.0 ** ((m - 69.0) / 12.0)


def chord_notes(key: int, mode: str, degree: int, octave: int, size: int = 3) -> list[int]:
    """MIDI notes of the diatonic chord on ``degree`` (stacked thirds) of the key's mode."""
    scale = MODES[mode]
    base = 12 * (octave + 1) + key
    out = []
    for k in range(size):
        d = degree + 2 * k
        out.append(base + scale[d % 7] + 12 * (d // 7))
    return out


# ------------------------------------------------------------------------------ voices
Voice = Callable[[np.ndarray, float, float, float], np.ndarray]  # (t, hz, length, velocity)


def _release(t: np.ndarray, length: float, rel: float) -> np.ndarray:
    return np.clip(F32(1.0) - (t - F32(length)) * F32(1.0 / rel), F32(0.0), F32(1.0))


def _rise(t: np.ndarray, attack: float) -> np.ndarray:
    return np.minimum(t * F32(1.0 / attack), F32(1.0))


def _decay(t: np.ndarray, tau: float) -> np.ndarray:
    return np.exp(t * F32(-1.0 / tau))


def _vibrato_offset(t32, rate, depth, fade_in):
    """Time offset whose derivative is depth*sin(2 pi rate t): added to t it bends the pitch
    by +-depth (fading in over ``fade_in`` s, as players start vibrato after the attack)."""
    w = dsp.TAU * rate
    return (F32(depth / w) * _rise(t32, fade_in) * (F32(1.0) - np.cos(F32(w) * t32))).astype(np.float64)


# Voices take note-local time t (float64, for phase accuracy over long notes), frequency, note
# length, velocity and the sample rate; envelopes are computed in float32 (t32) for speed.

def pad_voice(t, f, length, vel, sr=48000):
    """Soft detuned saw pad: slow attack and release, dark spectrum."""
    t32 = t.astype(F32)
    tab = dsp.harmonic_table(dsp.saw_amps(f, sr, 0.6, 12))
    x = dsp.table_osc(tab, dsp.TAU * f * 1.003 * t) + dsp.table_osc(tab, dsp.TAU * f * 0.997 * t + 1.0)
    return x * (_rise(t32, 0.6) * _release(t32, length, 0.8) * F32(vel * 0.5))


def strings_voice(t, f, length, vel, sr=48000):
    """Section strings: brighter saws with vibrato and a bowed attack."""
    t32 = t.astype(F32)
    tab = dsp.harmonic_table(dsp.saw_amps(f, sr, 0.8, 18))
    ph = dsp.TAU * f * (t + _vibrato_offset(t32, 5.3, 0.004, 0.5))
    x = dsp.table_osc(tab, ph) + dsp.table_osc(tab, ph * 1.004 + 2.0) + dsp.table_osc(tab, ph * 0.996 + 4.0)
    return x * (_rise(t32, 0.35) * _release(t32, length, 0.5) * F32(vel * 0.33))


def brass_voice(t, f, length, vel, sr=48000):
    """Brass: brightness grows with loudness, so crossfade a dark and a bright table by the envelope."""
    t32 = t.astype(F32)
    env = _rise(t32, 0.06) * (F32(0.85) + F32(0.15) * _decay(t32, 0.25)) * _release(t32, length, 0.15)
    ph = dsp.TAU * f * (t + _vibrato_offset(t32, 5.0, 0.003, 0.6))
    nh = max(2, min(24, int(0.45 * sr / f)))
    bright = dsp.table_osc(dsp.harmonic_table(tuple(round(1.0 / h ** 0.7, 4) for h in range(1, nh + 1))), ph)
    dark = dsp.table_osc(dsp.harmonic_table((1.0, 0.6, 0.35, 0.2, 0.1)), ph)
    b = np.clip(env * F32(vel), F32(0.0), F32(1.0)) ** F32(1.5)
    return (bright * b + dark * (F32(1.0) - b)) * env * F32(vel * 0.5)


def pluck_voice(t, f, length, vel, sr=48000):
    """Harp/guitar-like pluck: bright partials die fast, the fundamental rings."""
    t32 = t.astype(F32)
    bright = dsp.table_osc(dsp.harmonic_table(dsp.saw_amps(f, sr, 0.85, 16)), dsp.TAU * f * t)
    dark = dsp.table_osc(dsp.harmonic_table((1.0, 0.25, 0.08)), dsp.TAU * f * t)
    env = _decay(t32, 0.9) * _release(t32, length + 0.6, 0.3) * _rise(t32, 0.003)
    return (bright * _decay(t32, 0.12) * F32(0.6) + dark) * env * F32(vel * 0.5)


def piano_voice(t, f, length, vel, sr=48000):
    """Piano-ish: a struck string with a bright onset and a long, dark ring."""
    t32 = t.astype(F32)
    nh = max(1, min(13, int(0.45 * sr / f)))
    bright = dsp.table_osc(dsp.harmonic_table(tuple(round(1.0 / h ** 1.2, 4) for h in range(1, nh + 1))), dsp.TAU * f * t)
    dark = dsp.table_osc(dsp.harmonic_table((1.0, 0.4, 0.15, 0.05)), dsp.TAU * f * 1.0005 * t)
    env = _decay(t32, 2.0) * _release(t32, length + 0.3, 0.4) * _rise(t32, 0.004)
    return (bright * _decay(t32, 0.25) * F32(0.7) + dark) * env * F32(vel * 0.5)


def bell_voice(t, f, length, vel, sr=48000):
    """Celesta/bell: inharmonic partials (struck bar), each with its own decay."""
    x = np.zeros(len(t), dtype=F32)
    t32 = t.astype(F32)
    for ratio, amp, tau in ((1.0, 1.0, 1.4), (2.756, 0.35, 0.5), (5.404, 0.18, 0.25), (0.5, 0.15, 2.0)):
        if f * ratio < 0.45 * sr:
            x += F32(amp) * dsp.sine(dsp.TAU * f * ratio * t) * _decay(t32, tau)
    return x * (_rise(t32, 0.002) * _release(t32, length + 1.0, 0.5) * F32(vel * 0.45))


def bass_voice(t, f, length, vel, sr=48000):
    t32 = t.astype(F32)
    tab = dsp.harmonic_table((1.0, 0.5, 0.25, 0.1))
    env = _rise(t32, 0.01) * (F32(0.7) + F32(0.3) * _decay(t32, 0.2)) * _release(t32, length, 0.08)
    return dsp.table_osc(tab, dsp.TAU * f * t) * env * F32(vel * 0.8)


VOICES: dict[str, Voice] = {"pad": pad_voice, "strings": strings_voice, "brass": brass_voice, "pluck": pluck_voice,
                            "piano": piano_voice, "bell": bell_voice, "bass": bass_voice}


class Score:
    """A segment of session time [t0, t0 + n/sr) into which notes and hits are rendered.

    Notes may start before the segment (their tail still sounds) or run past its end: only the
    overlapping samples are computed, from the note's own local time, so the same note rendered
    in two consecutive segments is the same waveform on both sides of the join.
    """

    def __init__(self, n: int, sr: int, t0: float = 0.0, humanise: np.random.Generator | None = None):
        self.n, self.sr, self.t0 = n, sr, t0
        self.out = np.zeros(n, dtype=F32)
        self.humanise = humanise  # players: a few ms early or late, a little louder or softer

    def note(self, voice: Voice, start: float, midi: float, length: float, vel: float, tail: float = 1.0) -> None:
        if self.humanise is not None:
            start = max(0.0, start + float(self.humanise.normal(0.0, 0.008))) if start >= 0 else start
            vel *= float(self.humanise.uniform(0.85, 1.1))
            midi += float(self.humanise.normal(0.0, 0.03))  # a few cents out: no two takes alike
        a = int(math.floor((start - self.t0) * self.sr))
        b = a + int((length + tail) * self.sr)
        lo, hi = max(a, 0), min(b, self.n)
        if hi <= lo:
            return
        t = (np.arange(lo, hi, dtype=np.float64) - a) / self.sr
        self.out[lo:hi] += voice(t, midi_hz(midi), length, vel, self.sr)

    def add(self, start: float, sig: np.ndarray) -> None:
        dsp.add_at(self.out, int(math.floor((start - self.t0) * self.sr)), sig)


def _kick(rng, sr, vel):
    m = int(0.35 * sr)
    t = dsp.times(m, sr)
    f = 45.0 + 90.0 * np.exp(-t / 0.03)
    x = dsp.sine(dsp.phase(f, m, sr)) * dsp.exp_decay(m, 0.35, sr)
    return x * F32(vel)


def _hat(rng, sr, vel):
    m = int(0.06 * sr)
    return dsp.highpass(dsp.white(rng, m), 7000.0, sr) * dsp.exp_decay(m, 0.04, sr) * F32(0.3 * vel)


def _timpani(rng, sr, hz, vel, length=1.6):
    m = int(length * sr)
    exc = dsp.white(rng, m) * dsp.exp_decay(m, 0.01, sr)
    x = dsp.modal_bank(exc, hz * np.array([1.0, 1.5, 1.98, 2.44]), (1.4, 0.9, 0.6, 0.4), (1.0, 0.5, 0.3, 0.2), sr)
    return x * F32(2.0 * vel)


def _boom(rng, sr, vel, length=2.5):
    m = int(length * sr)
    t = dsp.times(m, sr)
    x = dsp.sine(dsp.phase(35.0 + 30.0 * np.exp(-t / 0.2), m, sr)) * dsp.exp_decay(m, length * 0.9, sr)
    x += dsp.lowpass(dsp.white(rng, m), 200.0, sr, order=4) * dsp.exp_decay(m, 1.0, sr) * F32(2.0)
    return x * F32(vel)


def _cymbal(rng, sr, vel, length=2.0):
    m = int(length * sr)
    x = dsp.bandpass(dsp.white(rng, m), 3000.0, 12000.0, sr) * dsp.attack_decay(m, 0.002, length, sr)
    return x * F32(0.25 * vel)


def music_bed(p: Params) -> np.ndarray:
    ctx = p.context
    sr = p.sr
    style = style_for(p.emotion, ctx.minor)
    key = int(ctx.key) % 12
    beat = 60.0 / max(30.0, float(ctx.tempo_bpm or 96.0))
    bar = 4 * beat
    t0 = p.start_s
    sc = Score(p.n, sr, t0)
    harmony = np.random.default_rng([ctx.style_seed & 0xFFFFFFFF, sum(map(ord, p.emotion))])
    prog = style.progressions[int(harmony.integers(0, len(style.progressions)))]
    first = int(math.floor((t0 - 2.0) / bar))
    last = int(math.ceil((t0 + p.duration) / bar))
    hits = p.child_rng("hits")
    for b in range(max(first, -1), last + 1):
        if b < 0:
            continue
        bt = b * bar
        ci = (b // style.bars_per_chord) % len(prog)
        degree = prog[ci]
        chord = chord_notes(key, style.mode, degree, 3, 3)
        chord_start = (b // style.bars_per_chord) * style.bars_per_chord * bar
        if b % style.bars_per_chord == 0:
            # Harmony: depends on the session and the bar only (continuous across segments).
            clen = style.bars_per_chord * bar
            for m in chord:
                sc.note(VOICES[style.pad], chord_start, m, clen, 0.35)
            if p.emotion == "horror":
                # Dissonant cluster above the drone: a semitone rub and a tritone.
                for m in (chord[0] + 13, chord[0] + 18):
                    sc.note(strings_voice, chord_start, m + 12, clen, 0.12)
        bass_root = chord[0] - 12
        brng = np.random.default_rng([p.seed & 0xFFFFFFFF, b, 7])  # embellishment: event seed
        if style.pulse == "ostinato":
            for i in range(8):
                sc.note(bass_voice, bt + i * beat / 2, bass_root + (0 if i % 4 else 0), beat * 0.35, 0.6 + 0.2 * (i % 2 == 0), 0.15)
            for i in range(16):
                sc.add(bt + i * beat / 4, _hat(hits, sr, 0.5 + 0.5 * (i % 4 == 0)))
            for i in range(4):
                sc.add(bt + i * beat, _kick(hits, sr, 0.5))
        elif style.pulse == "march":
            sc.note(bass_voice, bt, bass_root, 2 * beat, 0.7, 0.2)
            sc.note(bass_voice, bt + 2 * beat, bass_root + 7, 2 * beat, 0.6, 0.2)
            sc.add(bt, _timpani(hits, sr, midi_hz(bass_root), 0.7))
            sc.add(bt + 2.5 * beat, _timpani(hits, sr, midi_hz(bass_root + 7 - 12), 0.4))
            for i in (1, 3):
                sc.add(bt + i * beat, _hat(hits, sr, 1.0))
        elif style.pulse == "soft":
            sc.note(bass_voice, bt, bass_root, 2 * beat, 0.5, 0.2)
            sc.note(bass_voice, bt + 2 * beat, bass_root + (7 if brng.random() < 0.5 else 0), 2 * beat, 0.45, 0.2)
            sc.add(bt, _kick(hits, sr, 0.35))
            sc.add(bt + 2 * beat, _kick(hits, sr, 0.25))
        elif p.emotion == "horror":
            if b % 2 == 0:
                sc.note(bass_voice, bt, bass_root - 12, 2 * bar, 0.6, 0.5)
            if brng.random() < 0.35:
                sc.add(bt + beat * int(brng.integers(0, 4)), _boom(hits, sr, 0.5))
        else:
            if b % style.bars_per_chord == 0:
                sc.note(bass_voice, bt, bass_root, style.bars_per_chord * bar, 0.45, 0.4)
        # Lead/embellishment: arpeggios over the chord, varied by the event seed.
        if style.lead == "pluck":
            step = beat / 2 if p.emotion != "calm" else beat / 2
            pattern = brng.permutation([0, 1, 2, 1, 2, 0, 1, 2])
            for i in range(8):
                if brng.random() < (0.85 if p.emotion == "calm" else 0.6):
                    m = chord[pattern[i] % 3] + 12 * (1 + (i >= 4 and brng.random() < 0.4))
                    sc.note(pluck_voice, bt + i * step, m, step, 0.35 + 0.15 * brng.random(), 1.5)
        elif style.lead == "piano":
            scale = MODES[style.mode]
            for i in range(0, 4, int(brng.choice([1, 2]))):
                deg = degree + int(brng.choice([0, 2, 4, 1, -1]))
                m = 12 * 5 + key + scale[deg % 7] + 12 * (deg // 7)
                sc.note(piano_voice, bt + i * beat, m, beat * 1.5, 0.45 + 0.1 * brng.random(), 2.5)
        elif style.lead == "bell":
            for i in range(4):
                if brng.random() < 0.45:
                    m = chord[int(brng.integers(0, 3))] + 24 + int(brng.choice([0, 0, 6]))  # a tritone now and then
                    sc.note(bell_voice, bt + i * beat + beat * 0.5 * brng.integers(0, 2), m, beat, 0.5, 3.0)
        elif style.lead == "brass" and b % 2 == 1:
            rhythm = (0.0, 0.75, 1.0, 2.0)
            for j, off in enumerate(rhythm):
                m = chord[int(brng.integers(0, 3))] + 12
                sc.note(brass_voice, bt + off * beat, m, beat * (0.6 if j < 3 else 1.8), 0.5, 0.3)
    x = sc.out
    return dsp.widen(p.rng, dsp.highpass(x, 30.0, sr), sr, 0.013)


# ------------------------------------------------------------------------------ stingers
def music_stinger(p: Params) -> np.ndarray:
    ctx = p.context
    sr, rng = p.sr, p.rng
    key = int(ctx.key) % 12
    beat = 60.0 / max(30.0, float(ctx.tempo_bpm or 96.0))
    dur = p.duration
    sc = Score(p.n, sr, 0.0, humanise=p.child_rng("players"))
    e = p.emotion
    style = style_for(e, ctx.minor)
    tonic = 12 * 4 + key  # octave 3
    end = max(0.3, dur - 0.1)
    if e == "triumphant":
        # Fanfare: three quick pickups on the dominant, then the tonic major chord held, over
        # timpani and a cymbal: "da-da-da-DAAA".
        fifth = tonic + 7
        pick = min(beat / 3, 0.16)
        t_main = 0.05 + 3 * pick
        for i in range(3):
            for m, v in ((fifth, 0.9), (fifth - 12, 0.7), (fifth - 5, 0.6)):  # trumpets, horns
                sc.note(brass_voice, 0.05 + i * pick, m, pick * 0.75, v, 0.1)
        hold = max(0.2, end - t_main - 0.35)
        top = [tonic, tonic + 4, tonic + 7, tonic + 12] if rng.random() < 0.6 else [tonic, tonic + 7, tonic + 12, tonic + 16]
        for m in top:
            sc.note(brass_voice, t_main, m, hold, 0.9, 0.35)
            sc.note(brass_voice, t_main + 0.01, m - 12, hold, 0.6, 0.35)
        sc.add(t_main, _timpani(rng, sr, midi_hz(tonic - 12), 1.0, min(2.0, dur)))
        sc.add(t_main, _cymbal(rng, sr, 1.0, min(2.5, dur)))
        sc.add(0.05, _timpani(rng, sr, midi_hz(tonic - 5), 0.3, 0.6))
    elif e == "tense":
        # Rising string cluster into a hit.
        hit_t = min(end * 0.7, 2 * beat + rng.uniform(0, beat))
        for off in (0, 1, 6):
            m0 = tonic + 12 + off
            n_rise = int(hit_t * sr)
            t = np.arange(n_rise) / sr
            f = midi_hz(m0) * 2 ** (t / hit_t * rng.uniform(0.6, 1.0))
            x = dsp.table_osc(dsp.harmonic_table(dsp.saw_amps(midi_hz(m0), sr, 0.85, 14)), dsp.phase(f, n_rise, sr))
            trem = 0.6 + 0.4 * np.sin(dsp.TAU * 12.0 * t)
            sc.add(0.0, (x * (t / hit_t) ** 2 * trem * 0.25).astype(F32))
        sc.add(hit_t, _boom(rng, sr, 1.0, min(2.0, dur)))
        for m in chord_notes(key, "harmonic", 0, 2, 3) + [tonic + 1]:
            sc.note(brass_voice, hit_t, m, 0.25, 0.9, 0.3)
    elif e == "horror":
        # The stab: a shrieking high cluster with wild vibrato over a low boom.
        for off in (0, 1, 6, 7):
            m = tonic + 24 + off
            n_s = int(min(end, 1.6) * sr)
            t = np.arange(n_s) / sr
            f = midi_hz(m) * (1.0 + 0.012 * np.sin(dsp.TAU * rng.uniform(6, 9) * t + rng.uniform(0, 6)))
            x = dsp.table_osc(dsp.harmonic_table(dsp.saw_amps(midi_hz(m), sr, 0.9, 12)), dsp.phase(f, n_s, sr))
            sc.add(0.02, (x * np.exp(-t / 0.7) * np.minimum(t / 0.01, 1.0) * 0.22).astype(F32))
        sc.add(0.02, _boom(rng, sr, 1.2, min(3.0, dur)))
        sc.note(strings_voice, 0.02, tonic - 12, end, 0.4, 0.4)
        sc.note(strings_voice, 0.02, tonic - 12 + 6, end, 0.3, 0.4)
    elif e == "sad":
        scale = MODES["minor"]
        for m in chord_notes(key, "minor", 0, 3, 3):
            sc.note(strings_voice, 0.05, m, end - 0.5, 0.3, 0.5)
        degs = [[4, 3, 2, 0], [2, 1, 0, -2], [4, 2, 1, 0], [5, 4, 2, 0]][int(rng.integers(0, 4))]
        for i, d in enumerate(degs):
            m = 12 * 6 + key + scale[d % 7] + 12 * (d // 7)
            sc.note(piano_voice, 0.05 + i * beat * 0.75, m, beat, 0.55, 2.0)
    elif e == "calm":
        # A harp glissando up the pentatonic scale, then a soft chord.
        penta = (0, 2, 4, 7, 9)
        count = int(rng.integers(8, 13))
        for i in range(count):
            m = 12 * 4 + key + penta[i % 5] + 12 * (i // 5)
            sc.note(pluck_voice, 0.03 + i * 0.06, m, 0.3, 0.5, 2.0)
        for m in chord_notes(key, "major", 0, 3, 3):
            sc.note(pad_voice, 0.03 + count * 0.06, m, end - count * 0.06 - 0.5, 0.5, 0.8)
    elif e == "mystery":
        motif = [[0, 3, 6, 11], [0, 6, 3, 8], [7, 6, 3, 0], [0, 2, 3, 6]][int(rng.integers(0, 4))]
        for i, iv in enumerate(motif):
            sc.note(bell_voice, 0.03 + i * beat * 0.5, 12 * 6 + key + iv, beat, 0.6, 2.5)
        sc.note(pad_voice, 0.03, tonic - 12, end, 0.5, 0.5)
        sc.note(pad_voice, 0.03, tonic - 12 + 6, end, 0.3, 0.5)
    else:
        chord = chord_notes(key, style.mode, 0, 3, 3)
        arp = chord + [chord[0] + 12]
        order = [arp, arp[::-1], [arp[0], arp[2], arp[1], arp[3]], [arp[3], arp[1], arp[2], arp[0]]][int(rng.integers(0, 4))]
        step = beat / float(rng.choice([3.0, 4.0, 6.0]))
        for i, m in enumerate(order):
            sc.note(pluck_voice, 0.03 + i * step, m + 12, beat, 0.6, 1.5)
        for m in chord:
            sc.note(pad_voice, 0.03, m, end - 0.4, 0.4, 0.4)
        sc.add(0.03, _kick(rng, sr, 0.5))
    x = sc.out
    return dsp.widen(rng, dsp.highpass(x, 30.0, sr), sr, 0.013)
