"""Animals: hooves as struck hollow shells on a surface in gait rhythms, and calls as a voiced
source through moving formants (``dsp.formant_voice``), each species by its pitch contour,
tract shape and roughness:

``horse_gallop``  four-beat full gallop, ~2.5 strides/s (or ``canter``/``trot``/``walk``): every
                  hoof a noisy knock on a hollow horn shell (0.8-3.5 kHz, ~40 ms) with a heel-toe
                  flam 8-20 ms later, a faint shoe clink, a soft thump; ``wood`` rings deck
                  boards (a bridge), ``dirt``/``grass`` muffles the clop, default is cobbles.
``horse_neigh``   a whinny: a high start falling in steps, shaken by a fast 12-18 Hz quaver, nasal
                  formants, ending in a snort (noise through the nostrils).
``cat_meow``      "mi-a-ow": pitch arching 500-800 Hz while the tract opens (i -> a) and rounds (u),
                  formants ~1.5x a person's (a short tract): F1 0.75-1.65 kHz, F2 3.5 -> 1.35 kHz.
``cat_purr``      laryngeal muscle twitches at 25-30 Hz: pulsed low noise on both breath phases.
``cow_moo``       100-160 Hz, "mmm" (closed, nasal) opening to "oo-aa", long, with a slow fall.
``sheep_bleat``   "baa" at 250-450 Hz with a fast bleating tremolo (the voice breaking 8-12 Hz).
``rooster_crow``  "cock-a-doodle-doo": short harsh syllables then a long held one, very harmonic.
``wolf_howl``     nearly pure tones gliding up to a long held note and falling, a wolf or a pack.
``crow_caw``      hoarse "caw": a rough, noisy buzz with subharmonics, 2-5 times.
``seagull``       herring gull long call: "kyow" glides and a run of laughing "ha-ha" notes.
``goose_honk``    nasal brassy honks from a flock, short and overlapping.
``bees_buzz``     a swarm: wingbeat buzzes (~220 Hz sawtooth-like) drifting in pitch and Doppler.
``lion_roar``     a deep, rough roar 120-250 Hz through a long tract, then grunting moans.
Calls render at ~16 kHz (they have little above 7 kHz) and are upsampled.
"""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def _arch(m: int, lo: float, peak: float, end: float, peak_at: float = 0.3) -> np.ndarray:
    """A pitch contour rising from lo to peak (at ``peak_at`` of the way) then falling to end."""
    k = np.linspace(0.0, 1.0, m)
    up = lo + (peak - lo) * np.sin(0.5 * np.pi * np.minimum(k / peak_at, 1.0))
    down = peak + (end - peak) * np.clip((k - peak_at) / (1.0 - peak_at), 0.0, 1.0) ** 1.3
    return np.where(k < peak_at, up, down)


def _env(m: int, sr: int, attack: float, release: float) -> np.ndarray:
    t = np.arange(m) / sr
    d = m / sr
    return (np.minimum(t / max(attack, 1e-3), 1.0) * np.clip((d - t) / max(release, 1e-3), 0.0, 1.0)).astype(F32)


def _rough(rng, v: np.ndarray, sr: int, shimmer: float, sub: float = 0.0, f0=None) -> np.ndarray:
    """An animal voice is never a clean oscillator: shimmer (fast random amplitude flutter of the
    folds) and, for harsh calls, a subharmonic (the folds vibrating in alternate strong and weak
    cycles: period doubling), which is what separates a caw or a crow from a synth tone."""
    m = len(v)
    if shimmer:
        v = v * (F32(1.0) + F32(shimmer) * dsp.lowpass(dsp.white(rng, m), 120.0, sr) * F32(3.0))
    if sub and f0 is not None:
        v = v * (F32(1.0) + F32(sub) * dsp.sine(dsp.phase(np.asarray(f0) * 0.5, m, sr)))
    return v.astype(F32)


def _lin(m: int, *pts) -> np.ndarray:
    """A track through evenly spaced values (formant movements)."""
    return np.interp(np.linspace(0.0, 1.0, m), np.linspace(0.0, 1.0, len(pts)), pts)


# ----------------------------------------------------------------------------------- hooves
GAITS = {  # (strides per second, beat offsets within a stride as fractions, beat accents)
    "walk": (0.9, (0.0, 0.25, 0.5, 0.75), (1.0, 0.7, 0.9, 0.7)),
    "trot": (1.4, (0.0, 0.5), (1.0, 0.9)),
    "canter": (1.7, (0.0, 0.22, 0.34), (0.8, 1.0, 0.9)),
    "gallop": (2.5, (0.0, 0.12, 0.3, 0.42), (0.8, 0.9, 1.0, 0.9)),
}


def _hoof(rng, sr: int, surface: str, accent: float, pitch: float = 1.0) -> np.ndarray:
    """One hoof landing. On a hard surface the hoof wall, a hollow horn shell (the coconut shells
    of foley), is knocked into a woody "clop": a short noisy impact (horn on grit, never a clean
    click, so no two clops are alike) ringing shell modes near 0.8-3.5 kHz for ~40 ms. The hoof
    rolls heel to toe, so a second, softer knock follows 8-20 ms later (the "clip-clop" flam
    that separates a hoof from a knuckle on a door). The iron shoe adds a faint metallic clink
    and skid, the horse's weight only a soft low thump."""
    m = int(0.2 * sr)
    thud = dsp.lowpass(dsp.white(rng, m) * dsp.attack_decay(m, 0.004, 0.05, sr), 220.0, sr) * F32(0.5)
    if surface in ("dirt", "grass", "sand", "mud"):
        # Soft ground: no ring, the thud and a scatter of grit.
        grit = dsp.bandpass(dsp.white(rng, m), 600.0, 3000.0, sr) * dsp.attack_decay(m, 0.003, 0.04, sr) * F32(0.4)
        return (thud * F32(4.0) + grit) * F32(accent)
    f = rng.uniform(800, 1200) * pitch
    burst = dsp.white(rng, m) * dsp.attack_decay(m, 0.0008, 0.04, sr)
    shell = dsp.formants(burst, (f, f * rng.uniform(1.6, 2.0), f * rng.uniform(2.6, 3.2)), (150.0, 250.0, 400.0),
                         (1.0, 0.7, 0.4), sr)
    shell *= F32(1.0 / (float(np.abs(shell).max()) + 1e-9))
    g = rng.uniform(2300, 3000)
    clink = dsp.modal_ring(m, sr, (g, g * 1.37, g * 1.83), (0.03, 0.02, 0.015), (0.35, 0.25, 0.15), rng) * F32(0.2)
    skid = dsp.bandpass(dsp.white(rng, m), 1200.0, 6000.0, sr) * dsp.attack_decay(m, 0.002, 0.025, sr) * F32(0.05)
    x = shell + clink * F32(0.5 if surface == "wood" else 1.0) + skid + thud
    d = int(rng.uniform(0.008, 0.02) * sr)  # heel, then toe
    x[d:] += x[:-d] * F32(0.6)
    if surface == "wood":
        # Deck boards of a bridge ring low and hollow under each hoof.
        boards = dsp.modal_ring(m, sr, rng.uniform(140, 420, 4), (0.12, 0.1, 0.08, 0.06), (1.0, 0.8, 0.6, 0.4), rng)
        x = x * F32(0.7) + boards * F32(1.0)
    return x * F32(accent)


def _horse_gallop(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    flags = p.variant_flags
    gait = next((g for g in GAITS if g in flags), "gallop")
    surface = next((s for s in ("wood", "stone", "dirt", "grass", "sand", "mud") if s in flags), "stone")
    rate, offs, accents = GAITS[gait]
    rate = p.number("pace", rate * rng.uniform(0.9, 1.1))
    out = np.zeros((n, 2), dtype=F32)
    t = rng.uniform(0.02, 0.15)
    place = rng.uniform(-0.3, 0.3)
    # Four shoes, each landing a couple of ways; fore and hind hooves differ (the "clip" and the
    # "clop"), so alternate beats draw from different sets.
    hooves = [_hoof(rng, sr, surface, 1.0, 1.0 if k < 4 else 0.8) for k in range(8)]
    while t < p.duration - 0.05:
        for i, (o, a) in enumerate(zip(offs, accents)):
            when = t + o / rate + rng.normal(0.0, 0.006)
            if 0.0 <= when < p.duration - 0.05:
                # Each hoof lands a little left or right of the horse's centre (no comb-filtering
                # stereo trick: a mono mix must stay a clean clop).
                hoof = hooves[(i % 2) * 4 + int(rng.integers(0, 4))] * F32(a * rng.uniform(0.75, 1.0))
                dsp.add_at(out, int(when * sr), dsp.pan(hoof, place + (0.15 if i % 2 else -0.15)))
        t += (1.0 / rate) * rng.normal(1.0, 0.03)
    # The horse's breath, snorted in time with the stride, and the rider's tack jingling.
    breath = dsp.bandpass(dsp.white(rng, n), 300.0, 1500.0, sr) * F32(0.03) * \
        (F32(0.3) + F32(0.7) * np.sin(F32(dsp.TAU * rate * 0.5) * dsp.times(n, sr)) ** 8)
    return out + dsp.pan(breath, place)


# ----------------------------------------------------------------------------------- voices
def _horse_neigh(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    a = int(rng.uniform(0.03, 0.1) * sr)
    length = min(rng.uniform(1.2, 1.6), p.duration - 0.45)
    m = max(16, int(length * sr))
    k = np.linspace(0.0, 1.0, m)
    # The whinny: a high squeal (~900-1200 Hz) stepping down to a low nicker (~350 Hz), with a
    # fast, deep quaver (the larynx trembling) that widens as the pitch falls.
    top = rng.uniform(850, 1200)
    f0 = top * (1.0 - 0.62 * k ** 0.8)
    quaver = 1.0 + (0.04 + 0.1 * k) * np.sin(dsp.TAU * rng.uniform(12, 18) * k * length)
    f0 = f0 * quaver * dsp.jitter(rng, m, sr, 0.03, 150.0)
    F1, F2, F3 = _lin(m, 900, 800, 600), _lin(m, 1900, 1700, 1400), 3000.0
    voice = dsp.formant_voice(f0, sr, (F1, F2, F3), (250, 300, 500), (1.0, 0.7, 0.3), tilt=0.6)
    voice = _rough(rng, voice, sr, 0.25, 0.3, f0)
    breath = dsp.bandpass(dsp.white(rng, m), 1000.0, 5000.0, sr) * F32(0.5 * float(np.std(voice)))  # breath under the voice
    env = _env(m, sr, 0.05, 0.3) * (F32(1.0) - F32(0.4) * k.astype(F32))
    dsp.add_at(out, a, (voice + breath) * env)
    # The snort: a burst of air through the nostrils, flapping (a low flutter).
    s = int(rng.uniform(0.25, 0.4) * sr)
    st = a + m + int(rng.uniform(0.05, 0.15) * sr)
    flutter = F32(0.6) + F32(0.4) * np.sin(F32(dsp.TAU * rng.uniform(25, 40)) * dsp.times(s, sr))
    snort = dsp.bandpass(dsp.white(rng, s), 200.0, 2500.0, sr) * dsp.attack_decay(s, 0.01, 0.3, sr) * flutter
    dsp.add_at(out, st, snort * F32(0.5))
    return out


def _cat_meow(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.03, 0.1)
    while t < p.duration - 0.3:
        length = min(rng.uniform(0.55, 0.9), p.duration - t - 0.05)
        if length < 0.2:
            break
        m = int(length * sr)
        f0 = _arch(m, rng.uniform(450, 550), rng.uniform(650, 850), rng.uniform(400, 500), 0.35)
        f0 = f0 * (1.0 + 0.015 * np.sin(dsp.TAU * 6.0 * np.arange(m) / sr)) * dsp.jitter(rng, m, sr, 0.02, 120.0)
        # "m-i-a-o-w": the mouth opens from a spread i (F1 low, F2 high) to a wide a, then rounds.
        # A cat's vocal tract is far shorter than a person's, so every formant sits ~1.5x higher
        # than the same vowel in a human voice (human formants here give a groan or a wail).
        F1 = _lin(m, 750, 1350, 1650, 1350, 900)
        F2 = _lin(m, 3450, 2850, 2400, 1800, 1350)
        F3 = np.minimum(_lin(m, 4950, 4650, 4500, 4200, 3900), 0.45 * sr)
        v = dsp.formant_voice(f0, sr, (F1, F2, F3), (150, 200, 300), (1.0, 0.8, 0.35), tilt=0.9)
        v = _rough(rng, v, sr, 0.15)
        v += dsp.bandpass(dsp.white(rng, m), 2000.0, 6000.0, sr) * F32(0.1 * float(np.std(v)) / 0.1)
        v *= _env(m, sr, 0.06, 0.15)
        dsp.add_at(out, int(t * sr), v * F32(rng.uniform(0.8, 1.0)))
        t += length + rng.uniform(0.15, 0.4)
    return out


def _cat_purr(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    tt = dsp.times(n, sr)
    # Each twitch of the laryngeal muscles opens the glottis with a pop: a 25-30 Hz train of
    # short low bursts; breathing in and out (about 2 s a cycle) changes pitch and strength.
    breath_hz = rng.uniform(0.4, 0.6)
    cyc = np.sin(F32(dsp.TAU * breath_hz) * tt + F32(rng.uniform(0, 6.28)))
    rate = rng.uniform(24, 30) * (1.0 + 0.06 * cyc)
    ph = dsp.phase(rate, n, sr)
    pulses = dsp.pulse_wave(ph, 14.0) + F32(0.3)
    noise = dsp.lowpass(dsp.white(rng, n), 900.0, sr)
    tone = dsp.formant_voice(rate * 1.0, sr, (180.0, 600.0), (200.0, 400.0), (1.0, 0.4), tilt=0.6, max_harmonics=30)
    body = (noise * F32(0.5) + tone) * pulses
    swell = F32(0.65) + F32(0.35) * np.abs(cyc)
    return dsp.widen(rng, body * swell, sr, 0.003)


def _cow_moo(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    a = int(rng.uniform(0.03, 0.12) * sr)
    length = min(rng.uniform(1.4, 2.2), p.duration - 0.15)
    m = max(16, int(length * sr))
    k = np.linspace(0.0, 1.0, m)
    f0 = _arch(m, rng.uniform(95, 120), rng.uniform(140, 180), rng.uniform(90, 110), 0.25)
    f0 = f0 * dsp.jitter(rng, m, sr, 0.012, 30.0)
    # "mmm" (lips closed: only a low nasal resonance) opening into "oo-aa" and closing again.
    opening = np.clip(np.minimum(k / 0.3, (1.0 - k) / 0.25), 0.0, 1.0)
    F1 = 250 + 450 * opening
    F2 = 900 + 400 * opening
    F3 = 2200.0
    v = dsp.formant_voice(f0, sr, (F1, F2, F3), (120, 180, 300), (1.0, 0.7 * opening + 0.1, 0.25), tilt=0.7,
                          max_harmonics=60)
    breath = dsp.bandpass(dsp.white(rng, m), 300.0, 2500.0, sr) * F32(0.03)
    dsp.add_at(out, a, (v + breath) * _env(m, sr, 0.12, 0.35))
    return out


def _sheep_bleat(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.03, 0.1)
    while t < p.duration - 0.3:
        length = min(rng.uniform(0.6, 1.0), p.duration - t - 0.05)
        if length < 0.25:
            break
        m = int(length * sr)
        k = np.linspace(0.0, 1.0, m)
        f0 = _arch(m, rng.uniform(280, 340), rng.uniform(360, 450), rng.uniform(260, 320), 0.2)
        # The bleat's tremble: the voice breaks 8-12 times a second in pitch and loudness.
        trem_hz = rng.uniform(8, 12)
        trem = np.sin(dsp.TAU * trem_hz * k * length)
        f0 = f0 * (1.0 + 0.06 * trem) * dsp.jitter(rng, m, sr, 0.015, 80.0)
        F1, F2 = _lin(m, 600, 850, 800), _lin(m, 1500, 1800, 1700)
        v = dsp.formant_voice(f0, sr, (F1, F2, 2700.0), (180, 220, 350), (1.0, 0.8, 0.3), tilt=0.7, max_harmonics=60)
        v = _rough(rng, v, sr, 0.15)
        v *= (F32(0.55) + F32(0.45) * trem.astype(F32)) * _env(m, sr, 0.04, 0.2)
        nasal = dsp.resonator(v, 250.0, 0.02, sr) * F32(0.2)
        dsp.add_at(out, int(t * sr), v + nasal)
        t += length + rng.uniform(0.2, 0.5)
    return out


def _rooster_crow(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    scale = min(1.0, (p.duration - 0.2) / 1.8)
    # cock - a - doodle - doo: short, short, medium, long; the pitch climbs then holds.
    sylls = [(0.16, 1.0, 0.04), (0.1, 1.1, 0.03), (0.28, 1.2, 0.05), (1.0, 1.15, 0.0)]
    base = rng.uniform(500, 700)
    t = rng.uniform(0.03, 0.1)
    for i, (length, rel, gap) in enumerate(sylls):
        m = int(length * scale * sr)
        if m < 32 or t * sr + m > n:
            break
        k = np.linspace(0.0, 1.0, m)
        if i == len(sylls) - 1:
            f0 = base * rel * (1.0 + 0.12 * np.sin(np.pi * np.minimum(k / 0.3, 1.0) * 0.5) - 0.3 * k ** 2)
        else:
            f0 = base * rel * (0.9 + 0.15 * np.sin(np.pi * k))
        f0 = f0 * dsp.jitter(rng, m, sr, 0.04, 200.0)
        v = dsp.formant_voice(f0, sr, (1400.0, 2600.0, 3800.0), (500, 600, 800), (1.0, 0.8, 0.4), tilt=0.5)
        v = _rough(rng, v, sr, 0.3, 0.5, f0)
        rasp = dsp.bandpass(dsp.white(rng, m), 1000.0, 5000.0, sr) * F32(0.3 * float(np.std(v)))  # a rasp under the voice, not over it
        dsp.add_at(out, int(t * sr), (v + rasp) * _env(m, sr, 0.015, 0.06 if i < 3 else 0.3))
        t += length * scale + gap * scale
    return out


def _wolf_howl(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    wolves = 1 if rng.random() < 0.3 else int(rng.integers(2, 4))
    for w in range(wolves):
        t = rng.uniform(0.05, 0.2) + w * rng.uniform(0.3, 0.9)
        length = min(rng.uniform(2.0, 3.2), p.duration - t - 0.05)
        if length < 0.5:
            continue
        m = int(length * sr)
        k = np.linspace(0.0, 1.0, m)
        lo, hi = rng.uniform(280, 380), rng.uniform(450, 750)
        # A quick scoop up to the held note, a slow sag, and a falling end.
        f0 = np.where(k < 0.15, lo + (hi - lo) * np.sin(0.5 * np.pi * k / 0.15),
                      hi * (1.0 - 0.05 * (k - 0.15)) - np.maximum(k - 0.75, 0.0) / 0.25 * (hi - lo) * 0.8)
        f0 = f0 * (1.0 + 0.008 * np.sin(dsp.TAU * rng.uniform(4, 6) * k * length)) * dsp.jitter(rng, m, sr, 0.003)
        v = dsp.formant_voice(f0, sr, (700.0, 1400.0), (600, 800), (1.0, 0.4), tilt=1.4, max_harmonics=12)
        v = _rough(rng, v, sr, 0.12)
        v += dsp.bandpass(dsp.white(rng, m), 400.0, 2000.0, sr) * F32(0.12 * float(np.std(v)) / 0.1)
        v *= _env(m, sr, 0.15, 0.5)
        dsp.add_at(out, int(t * sr), dsp.pan(v * F32(1.0 / (1 + 0.3 * w)), rng.uniform(-0.6, 0.6)))
    return out


def _crow_caw(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.03, 0.1)
    base = rng.uniform(450, 650)
    while True:
        length = rng.uniform(0.25, 0.38)
        if t + length > p.duration - 0.05:
            break
        m = int(length * sr)
        k = np.linspace(0.0, 1.0, m)
        f0 = base * (1.0 + 0.12 * np.sin(np.pi * k) - 0.15 * k) * dsp.jitter(rng, m, sr, 0.04, 150.0)
        # A hoarse syrinx: a subharmonic (period doubling) and noise in the formant band.
        F1 = _lin(m, 900, 1300, 1100)
        v = dsp.formant_voice(f0, sr, (F1, 1800.0, 2900.0), (300, 400, 600), (1.0, 0.9, 0.4), tilt=0.4)
        v = _rough(rng, v, sr, 0.3, 0.7, f0)
        hoarse = dsp.bandpass(dsp.white(rng, m), 900.0, 3500.0, sr) * F32(0.3 * float(np.std(v)))  # hoarse, not drowned
        dsp.add_at(out, int(t * sr), (v + hoarse) * _env(m, sr, 0.02, 0.1))
        t += length + rng.uniform(0.12, 0.3)
    return out


def _seagull(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    for g in range(int(rng.integers(2, 4))):
        pan = rng.uniform(-0.7, 0.7)
        t = rng.uniform(0.03, 0.3) + g * rng.uniform(0.3, 1.0)
        base = rng.uniform(800, 1200)
        # The long call: one or two long "kyow" glides, then a run of short laughing notes.
        notes = [(rng.uniform(0.35, 0.5), True)] * int(rng.integers(1, 3)) + \
                [(rng.uniform(0.1, 0.16), False)] * int(rng.integers(3, 7))
        for length, glide in notes:
            m = int(length * sr)
            if t * sr + m > n - int(0.05 * sr):
                break
            k = np.linspace(0.0, 1.0, m)
            if glide:
                f0 = base * (1.0 + 0.45 * np.sin(np.pi * np.minimum(k / 0.35, 1.0) * 0.5) - 0.55 * np.maximum(k - 0.35, 0) / 0.65)
            else:
                f0 = base * 1.15 * (1.0 + 0.2 * np.sin(np.pi * k))
            f0 = f0 * dsp.jitter(rng, m, sr, 0.01)
            v = dsp.formant_voice(f0, sr, (1800.0, 3000.0), (800, 1200), (1.0, 0.6), tilt=0.7, max_harmonics=8)
            # A gull's syrinx is clean and whistly (not a larynx): little roughness, a breath of air.
            v = _rough(rng, v, sr, 0.05)
            v += dsp.bandpass(dsp.white(rng, m), 1500.0, 4000.0, sr) * F32(0.02)
            dsp.add_at(out, int(t * sr), dsp.pan(v * _env(m, sr, 0.02, 0.08), pan))
            t += length + (rng.uniform(0.1, 0.2) if glide else rng.uniform(0.04, 0.08))
    waves = dsp.lowpass(dsp.pink(rng, n), 800.0, sr) * F32(0.01)
    return out + dsp.pan(waves, 0.0)


def _goose_honk(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    geese = int(rng.integers(2, 6))
    for g in range(geese):
        base = rng.uniform(300, 480)
        pan = rng.uniform(-0.8, 0.8)
        t = rng.uniform(0.02, 0.6)
        while t < p.duration - 0.3:
            length = rng.uniform(0.13, 0.25)
            m = int(length * sr)
            k = np.linspace(0.0, 1.0, m)
            f0 = base * (1.0 + 0.25 * np.sin(np.pi * np.minimum(k / 0.3, 1.0) * 0.5) - 0.2 * k)
            f0 = f0 * dsp.jitter(rng, m, sr, 0.03, 150.0)
            # "Ahonk": a nasal, brassy call; strong high harmonics through a narrow nasal tract,
            # the voice pressed (period doubling) into a honk rather than a cry.
            v = dsp.formant_voice(f0, sr, (1100.0, 2200.0, 3300.0), (300, 350, 450), (0.6, 1.0, 0.8), tilt=0.15,
                                  max_harmonics=16, hop=64)
            v = _rough(rng, v, sr, 0.3, 0.8, f0)
            dsp.add_at(out, int(t * sr), dsp.pan(v * _env(m, sr, 0.01, 0.06) * F32(rng.uniform(0.4, 1.0)), pan))
            t += length + rng.uniform(0.15, 0.8)
    return out


def _bees_buzz(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    # Each bee's wings beat ~200-250 times a second: a buzzy, sawtooth-rich tone; flying about,
    # each drifts in pitch (Doppler, effort) and loudness (distance).
    wobble = dsp.lowpass(dsp.white(rng, n), 40.0, sr) * F32(0.06)  # wingbeat irregularity, shared
    for b in range(int(rng.integers(6, 10))):
        f = rng.uniform(170, 280) * dsp.smooth_random(rng, n, rng.uniform(1.0, 3.0), sr, 0.9, 1.1)
        f = f * (F32(1.0) + np.roll(wobble, int(rng.integers(0, n))))
        ph = dsp.phase(f, n, sr)
        tone = dsp.table_osc(dsp.harmonic_table(dsp.saw_amps(280.0, sr, 0.93, 24)), ph)
        amp = dsp.smooth_random(rng, n, rng.uniform(0.4, 1.2), sr, 0.1, 1.0)
        out += dsp.pan(tone * amp, rng.uniform(-0.8, 0.8))
    # The wings' turbulence: noise pulsed at the wingbeat.
    air = dsp.bandpass(dsp.white(rng, n), 1500.0, 6000.0, sr) * F32(0.15 * float(np.std(out)))
    out = dsp.bandpass(out, 150.0, 6000.0, sr) + np.stack([air, air[::-1]], axis=1)
    return out


def _lion_roar(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.03, 0.1)
    # The roar: a long vocal tract and huge folds, 150-250 Hz with rough, chaotic vibration,
    # swelling then falling; then a few grunting moans, each lower and shorter.
    calls = [(min(rng.uniform(1.2, 1.8), p.duration - 0.3), 1.0)] + [(rng.uniform(0.3, 0.5), 0.7 - 0.1 * i) for i in range(3)]
    for i, (length, g) in enumerate(calls):
        m = int(length * sr)
        if m < 32 or t * sr + m > n - int(0.05 * sr):
            break
        f0 = _arch(m, rng.uniform(130, 160), rng.uniform(200, 260), rng.uniform(100, 130), 0.3) * (1.0 - 0.2 * (i > 0))
        f0 = f0 * dsp.jitter(rng, m, sr, 0.05, 80.0)
        k = np.linspace(0.0, 1.0, m)
        F1, F2 = _lin(m, 500, 800, 600), _lin(m, 1000, 1300, 1000)
        v = dsp.formant_voice(f0, sr, (F1, F2, 2000.0), (250, 300, 500), (1.0, 0.6, 0.2), tilt=0.6, max_harmonics=30)
        v *= F32(1.0) + F32(0.6) * dsp.sine(dsp.phase(f0 * 0.5, m, sr))
        v = _rough(rng, v, sr, 0.3)
        rough = dsp.bandpass(dsp.white(rng, m), 300.0, 2000.0, sr) * F32(0.08 * float(np.std(v)) / 0.1)
        env = _env(m, sr, 0.15 if i == 0 else 0.05, 0.4 if i == 0 else 0.15) * (1.0 - 0.3 * k).astype(F32)
        dsp.add_at(out, int(t * sr), (v + rough) * env * F32(g))
        t += length + rng.uniform(0.2, 0.4)
    return out


horse_gallop = dsp.rendered_at_low_rate(_horse_gallop)
horse_neigh = dsp.rendered_at_low_rate(_horse_neigh)
cat_meow = dsp.rendered_at_low_rate(_cat_meow)
cat_purr = dsp.rendered_at_low_rate(_cat_purr)
cow_moo = dsp.rendered_at_low_rate(_cow_moo)
sheep_bleat = dsp.rendered_at_low_rate(_sheep_bleat)
rooster_crow = dsp.rendered_at_low_rate(_rooster_crow)
wolf_howl = dsp.rendered_at_low_rate(_wolf_howl)
crow_caw = dsp.rendered_at_low_rate(_crow_caw)
seagull = dsp.rendered_at_low_rate(_seagull)
goose_honk = dsp.rendered_at_low_rate(_goose_honk)
bees_buzz = dsp.rendered_at_low_rate(_bees_buzz)
lion_roar = dsp.rendered_at_low_rate(_lion_roar)

GENERATORS = {
    "horse_gallop": horse_gallop, "horse_neigh": horse_neigh, "cat_meow": cat_meow, "cat_purr": cat_purr,
    "cow_moo": cow_moo, "sheep_bleat": sheep_bleat, "rooster_crow": rooster_crow, "wolf_howl": wolf_howl,
    "crow_caw": crow_caw, "seagull": seagull, "goose_honk": goose_honk, "bees_buzz": bees_buzz,
    "lion_roar": lion_roar,
}
