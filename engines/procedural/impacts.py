"""Impacts and breaks: modal resonators struck by short noise bursts (glass, metal, wood, stone),
granular showers of fragments whose rate decays (shatter, debris), and low-passed noise bodies for
heavy, soft or huge things (body fall, explosion, rumble).

``metal_clang``  hammer on steel (an anvil): blows damped by the workpiece, each followed by 1-2
                 rebound taps ringing freely; dense inharmonic modes 1-8 kHz, a sharp bright click.
``wood_break``   cracks, splintering, then the crash of the mass landing (a tree, a door, a crate)
                 and the pieces bouncing.
``pop``          a balloon or cork bursting: an N-shaped pressure pulse (~1 ms), tens of ms of rushing
                 air, the rubber's low flutter and a short room tail.
"""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def strike(rng, m: int, sr: int, freqs, t60s, gains, strike_t60: float = 0.002) -> np.ndarray:
    """One hit on a modal object: its modes ringing plus the contact tick (a short noise burst)."""
    x = dsp.modal_ring(m, sr, freqs, t60s, gains, rng)
    k = min(m, max(16, int(strike_t60 * 3 * sr)))
    tick = dsp.white(rng, k) * dsp.exp_decay(k, strike_t60, sr) * F32(0.5 * max(gains))
    x[:k] += tick
    return x


def shower(p: Params, t_start: float, rate0: float, decay_s: float, f_range, t60_range, count_scale: float = 1.0,
           amp_decay: float = 0.5, modes=(1.0, 2.3, 3.9)) -> np.ndarray:
    """Fragments landing after a break: Poisson hits whose rate and loudness decay; every fragment
    rings with its own pitch (inharmonic modes of a small chip or shard), spread in stereo."""
    rng, n, sr = p.rng, p.n, p.sr
    t = dsp.times(n, sr)
    after = np.maximum(t - F32(t_start), 0.0)
    rate = np.where(t >= t_start, rate0 * count_scale * np.exp(-after / F32(decay_s)), 0.0).astype(F32)
    pos = dsp.poisson_times(rng, rate, n, sr)
    m = pos.size
    amps = rng.uniform(0.2, 1.0, m) * np.exp(-(pos / sr - t_start) / max(1e-3, decay_s * amp_decay * 2)) * rng.choice([-1.0, 1.0], m)
    f0 = np.exp(rng.uniform(np.log(f_range[0]), np.log(f_range[1]), m))
    freqs = f0[:, None] * np.asarray(modes)[None, :] * rng.uniform(0.97, 1.03, (m, len(modes)))
    t60 = rng.uniform(*t60_range, m)[:, None] * (1.0 / np.arange(1, len(modes) + 1))[None, :]
    gains = [1.0 / (1 + k) for k in range(len(modes))]
    ch = rng.integers(0, 2, m)
    out = np.zeros((n, 2), dtype=F32)
    for c in range(2):
        sel = ch == c
        out[:, c] = dsp.ring_events(n, sr, pos[sel], amps[sel], freqs[sel], t60[sel], gains)
    return out


def glass_shatter(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    t0 = rng.uniform(0.01, 0.04)
    out = np.zeros((n, 2), dtype=F32)
    m = min(n, int(0.8 * sr))
    # The break: a bright crack plus the pane's own ring.
    crack = strike(rng, m, sr, rng.uniform(1500, 6000, 5), rng.uniform(0.1, 0.4, 5), rng.uniform(0.3, 1.0, 5), 0.004)
    crack += dsp.highpass(dsp.white(rng, m) * dsp.exp_decay(m, 0.06, sr), 1500.0, sr) * F32(1.5)
    dsp.add_at(out, int(t0 * sr), dsp.pan(crack, 0.0))
    # Shards tinkling as they fall and bounce: high, short, many.
    out += shower(p, t0 + 0.02, 140 + 140 * p.intensity, rng.uniform(0.35, 0.6), (2500, 8000), (0.03, 0.1)) * F32(1.2)
    return out


def glass_clink(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    # Two glasses: each rings near-harmonically with long decay (a wine glass's bell modes).
    f1, f2 = rng.uniform(1200, 2200), rng.uniform(1300, 2600)
    ratios = np.array([1.0, 2.32, 4.25, 6.63])
    clinks = int(rng.integers(1, 4))
    for k in range(clinks):
        a = int((0.02 + k * rng.uniform(0.15, 0.35)) * sr)
        m = n - a
        if m < int(0.05 * sr):
            break
        x = strike(rng, m, sr, f1 * ratios, (1.2, 0.6, 0.3, 0.15), (1.0, 0.35, 0.15, 0.08), 0.0008)
        x += strike(rng, m, sr, f2 * ratios, (1.0, 0.5, 0.25, 0.12), (0.8, 0.3, 0.12, 0.06), 0.0008)
        dsp.add_at(out, a, x * F32(1.0 / (1 + 0.5 * k)))
    return dsp.widen(rng, out, sr, 0.003)


def metal_clang(p: Params) -> np.ndarray:
    """Steel struck by a hammer, as on an anvil: a blow, the hammer's rebound taps on the face, the
    next blow, in a smith's loose rhythm (about two blows a second, each followed by 1-2 taps).

    A steel block rings brightly: dozens of modes, densely and irregularly spaced between ~1 and
    8 kHz (a thick block's bending and torsion modes: no pitch, a clang rather than a bell), each
    split into a beating pair; the contact is a very sharp, bright click. A blow on the workpiece
    is damped by it (a shorter ring and the thump of hammer and bar), a tap on the bare face
    rings about twice as long."""
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    f = np.sort(np.exp(rng.uniform(np.log(1000.0), np.log(8000.0), 24)))
    gains = (f / f[0]) ** -0.3 * rng.uniform(0.5, 1.0, f.size)
    t60_free = rng.uniform(0.16, 0.28) * (f / f[0]) ** -0.5
    freqs = np.concatenate([f, f * 1.004])
    gains2 = np.concatenate([gains, gains * 0.6]) * 0.3

    def hit(damp: float) -> np.ndarray:
        m = int((t60_free.max() * damp + 0.02) * sr)  # until rung out 60 dB
        x = dsp.modal_ring(m, sr, freqs * rng.uniform(0.998, 1.002), np.tile(t60_free * damp, 2), gains2, rng)
        k = min(m, int(0.01 * sr))
        x[:k] += dsp.highpass(dsp.white(rng, k), 2000.0, sr) * dsp.exp_decay(k, 0.003, sr) * F32(4.0)
        return x

    # The same anvil struck at (nearly) the same spots: two takes of each kind of hit, reused.
    blows = []
    for _ in range(2):
        x = hit(0.5)
        tm = min(x.size, int(0.12 * sr))
        x[:tm] += dsp.lowpass(dsp.white(rng, tm) * dsp.attack_decay(tm, 0.0005, 0.04, sr), 900.0, sr) * F32(1.2)
        blows.append(x)
    taps = [hit(1.0) for _ in range(2)]
    period = rng.uniform(0.42, 0.6)
    t = rng.uniform(0.01, 0.03)
    while t < p.duration - 0.1:
        # The blow on the workpiece: damped ring plus the thump of hammer and bar.
        dsp.add_at(out, int(t * sr), blows[int(rng.integers(0, 2))] * F32(rng.uniform(0.85, 1.0)))
        # Rebound taps: the hammer bounced on the bare face, ringing freely.
        tt = t
        for k in range(int(rng.integers(1, 3))):
            tt += rng.uniform(0.1, 0.17)
            b = int(tt * sr)
            if b < n - int(0.05 * sr):
                dsp.add_at(out, b, taps[int(rng.integers(0, 2))] * F32(rng.uniform(0.3, 0.5) / (1 + k)))
        t += period * rng.uniform(0.6, 1.4)
    return dsp.widen(rng, out, sr, 0.002)


def sword_clash(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    hits = int(rng.integers(1, 4))
    t = 0.02
    for k in range(hits):
        a = int(t * sr)
        m = n - a
        if m < int(0.1 * sr):
            break
        f0 = rng.uniform(900, 1600)
        # A thin blade: high, bright, long-ringing modes; then the scrape ("shing") of edge on edge.
        freqs = f0 * np.array([1.0, 2.61, 4.93, 7.6, 1.004, 2.63])
        x = strike(rng, m, sr, freqs, rng.uniform(0.6, 1.4, 6), (1.0, 0.8, 0.5, 0.3, 0.8, 0.6), 0.001)
        sm = min(m, int(rng.uniform(0.15, 0.35) * sr))
        scrape = dsp.narrowband_noise(rng, np.linspace(rng.uniform(3000, 5000), rng.uniform(5000, 8000), sm), 900.0, sm, sr)
        x[:sm] += scrape * np.hanning(sm).astype(F32) * F32(0.5)
        dsp.add_at(out, a, x * F32(1.0 / (1 + 0.3 * k)))
        t += rng.uniform(0.25, 0.6)
    return dsp.widen(rng, out, sr, 0.004)


def wood_break(p: Params) -> np.ndarray:
    """Wood giving way (a falling tree, a door or crate smashed): the fibres crack a few times in
    quick succession (broadband snaps ringing the wood's low modes), splinter (a dense rip of tiny
    snaps), then the mass crashes down: a heavy hit (a thud under the burst of everything breaking
    at once, rough as branches and pieces give one after another) and the pieces bouncing."""
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    t = 0.02
    m = int(0.3 * sr)
    for k in range(int(rng.integers(2, 4))):
        crack = strike(rng, m, sr, rng.uniform(200, 1500, 5), rng.uniform(0.03, 0.1, 5), rng.uniform(0.3, 1.0, 5), 0.002)
        crack += dsp.bandpass(dsp.white(rng, m) * dsp.exp_decay(m, 0.02, sr), 600.0, 7000.0, sr) * F32(2.0)
        dsp.add_at(out, int(t * sr), dsp.pan(crack * F32(rng.uniform(0.5, 1.0)), rng.uniform(-0.3, 0.3)))
        t += rng.uniform(0.03, 0.1)
    out += shower(p, t, 300, 0.1, (1500, 5000), (0.01, 0.03)) * F32(2.0)
    land = min(p.duration - 0.4, t + rng.uniform(0.15, 0.3))
    a = int(land * sr)
    cm = n - a
    hit = dsp.white(rng, cm) * dsp.attack_decay(cm, 0.002, 0.35, sr)
    crash = dsp.lowpass(hit, 250.0, sr) * F32(3.0) + dsp.bandpass(hit, 300.0, 6000.0, sr) * F32(1.5)
    crash = crash * dsp.smooth_random(rng, cm, 30.0, sr, 0.4, 1.0)
    dsp.add_at(out, a, dsp.widen(rng, crash, sr, 0.004))
    out += shower(p, land + 0.01, 120, 0.3, (250, 2500), (0.02, 0.06), modes=(1.0, 1.7, 2.9)) * F32(1.5)
    return out


def twig_snap(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    t = rng.uniform(0.02, 0.08)
    m = int(0.15 * sr)
    for k in range(int(rng.integers(1, 3))):
        x = strike(rng, m, sr, rng.uniform(1500, 4500, 3), (0.02, 0.015, 0.01), (1.0, 0.7, 0.5), 0.0008)
        x += dsp.highpass(dsp.white(rng, m) * dsp.exp_decay(m, 0.008, sr), 2000.0, sr)
        dsp.add_at(out, int(t * sr), x * F32(1.0 if k == 0 else 0.5))
        t += rng.uniform(0.02, 0.06)
    rustle = dsp.bandpass(dsp.white(rng, n), 2000.0, 8000.0, sr) * dsp.attack_decay(n, 0.02, 0.3, sr) * F32(0.03)
    return out + np.roll(rustle, int(t * sr))


def body_fall(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    t0 = rng.uniform(0.05, 0.15)
    # Cloth swish, the heavy soft thud of the torso, then limbs flopping down.
    sw = int(t0 * sr)
    out[:sw] += dsp.bandpass(dsp.white(rng, sw), 800.0, 5000.0, sr) * np.linspace(0, 1, sw, dtype=F32) ** 2 * F32(0.05)
    m = min(n - sw, int(0.6 * sr))
    hit = dsp.white(rng, m) * dsp.attack_decay(m, 0.004, 0.12, sr)
    thud = dsp.lowpass(hit, 180.0, sr, order=4) * F32(6.0) + dsp.resonator(hit, rng.uniform(55, 80), 0.15, sr) * F32(0.2)
    thud += dsp.bandpass(hit, 300.0, 2000.0, sr) * F32(0.3)
    out[sw:sw + m] += thud
    for k in range(int(rng.integers(1, 4))):
        lm = int(0.15 * sr)
        limb = dsp.lowpass(dsp.white(rng, lm) * dsp.attack_decay(lm, 0.003, 0.06, sr), 600.0, sr)
        dsp.add_at(out, sw + int(rng.uniform(0.08, 0.4) * sr), limb * F32(rng.uniform(0.3, 0.8)))
    return dsp.widen(rng, out, sr, 0.002)


def explosion(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    t0 = rng.uniform(0.01, 0.05)
    a = int(t0 * sr)
    m = n - a
    t = dsp.times(m, sr)
    # Blast: broadband burst whose brightness collapses fast (the shock front passing).
    burst = dsp.white(rng, m) * dsp.attack_decay(m, 0.002, 0.4, sr)
    bright = dsp.highpass(burst, 1500.0, sr) * F32(0.5)
    # Body: the roar of the blast itself, most of the energy, reaching up to ~1.5 kHz and
    # dying over a couple of seconds.
    body = dsp.lowpass(dsp.white(rng, m), 1500.0, sr) * dsp.attack_decay(m, 0.005, 2.0, sr)
    # Sub boom: a falling sine, the chest-punch (felt more than heard: under the body).
    boom = dsp.sine(dsp.phase(30.0 + 70.0 * np.exp(-t / 0.15), m, sr)) * dsp.attack_decay(m, 0.005, 1.5, sr)
    # Rumble tail: brown noise up to ~500 Hz rolling off the surroundings for seconds.
    tail_env = dsp.attack_decay(m, 0.2, max(1.5, dur * 1.5), sr) * dsp.smooth_random(rng, m, 4.0, sr, 0.4, 1.0)
    tail = dsp.lowpass(dsp.brown(rng, m, sr), 500.0, sr) * tail_env
    mono = bright + body * F32(3.0) + boom * F32(0.4) + tail * F32(1.5)
    out = np.zeros((n, 2), dtype=F32)
    out[a:] = dsp.widen(rng, mono, sr, 0.009)
    # Debris raining down after.
    out += shower(p, t0 + 0.3, 60 * (0.5 + p.intensity), 0.8, (400, 3000), (0.03, 0.07)) * F32(0.2)
    return out


def debris(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    # Rubble: stones of many sizes landing over a couple of seconds, over a low slide.
    out = shower(p, 0.02, 60 + 60 * p.intensity, p.duration * 0.5, (300, 3500), (0.03, 0.09), amp_decay=1.5,
                 modes=(1.0, 1.7, 2.9))
    slide = dsp.lowpass(dsp.brown(rng, n, sr), 300.0, sr) * dsp.attack_decay(n, 0.05, p.duration, sr) * F32(0.5)
    grit = dsp.bandpass(dsp.white(rng, n), 1000.0, 6000.0, sr) * dsp.attack_decay(n, 0.05, p.duration * 0.6, sr) * F32(0.04)
    return out + dsp.widen(rng, slide + grit, sr, 0.01)


def rock_rumble(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    env = dsp.segment_env(n, [(0, 0), (0.3 * dur, 1.0), (0.7 * dur, 0.8), (dur, 0.0)], sr)
    env *= dsp.smooth_random(rng, n, 4.0, sr, 0.5, 1.0)
    l = dsp.lowpass(dsp.brown(rng, n, sr, 10.0), 120.0, sr, order=4)
    r = dsp.lowpass(dsp.brown(rng, n, sr, 10.0), 120.0, sr, order=4)
    grind = dsp.bandpass(dsp.white(rng, n), 150.0, 800.0, sr) * dsp.smooth_random(rng, n, 12.0, sr, 0.0, 1.0) * F32(0.08)
    out = np.stack([(l + grind) * env, (r + grind) * env], axis=1)
    knocks = shower(p, 0.1 * dur, 8, dur, (200, 900), (0.06, 0.1), amp_decay=3.0, modes=(1.0, 1.6))
    return out + knocks * F32(0.3) * env[:, None]


def pop(p: Params) -> np.ndarray:
    """A balloon (or a cork, a bubble of wrap) bursting: the skin tears faster than the air can
    follow, so the stored overpressure leaves as one sharp N-shaped pressure pulse (~1 ms; a
    broadband bang, its energy peaking 1-4 kHz for a party balloon), the torn rubber slaps (a
    short low flutter), and the room answers with a short bright tail."""
    rng, n, sr = p.rng, p.n, p.sr
    a = int(rng.uniform(0.02, 0.06) * sr)
    m = min(n - a, int(0.3 * sr))
    dry = np.zeros(n, dtype=F32)
    # The N-wave: a jump to the overpressure, a linear fall through zero to the suction, a jump back.
    w = max(4, int(rng.uniform(0.0006, 0.0015) * sr))
    nwave = np.linspace(1.0, -1.0, w, dtype=F32)
    x = np.zeros(m, dtype=F32)
    x[:w] = nwave * F32(1.5)
    # The burst itself is rough: turbulent noise as the air rushes out and the skin shreds (tens of ms).
    x += dsp.bandpass(dsp.white(rng, m), 700.0, 9000.0, sr) * dsp.attack_decay(m, 0.0002, rng.uniform(0.08, 0.14), sr) * F32(1.0)
    # Rubber flaps snapping back: a brief low flutter.
    x += dsp.bandpass(dsp.white(rng, m), 150.0, 700.0, sr) * dsp.attack_decay(m, 0.001, 0.04, sr) * F32(0.6)
    dry[a:a + m] = x
    out = dsp.reverb_tail(rng, dry, sr, rng.uniform(0.6, 1.0), 0.6, 0.01, 5000.0)
    return out


GENERATORS = {
    "glass_shatter": glass_shatter, "wood_break": wood_break, "metal_clang": metal_clang, "body_fall": body_fall,
    "explosion": explosion, "debris": debris, "rock_rumble": rock_rumble, "twig_snap": twig_snap,
    "sword_clash": sword_clash, "glass_clink": glass_clink, "pop": pop,
}
