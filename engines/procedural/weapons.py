"""Weapons and blows.

``gunshot``         the muzzle blast: a near-instant pressure step (a very bright crack), a noise
                    body decaying in tens of ms and darkening, a low thump, and the outdoor
                    echo: a diffuse tail reflecting off terrain for a second or so.
``automatic_fire``  the same shot at the weapon's cyclic rate (10-15 rounds/s) in bursts, every
                    round a little different, their tails piling up into a roll; casings tinkle.
``bow_arrow``       the bowstring released (a low plucked string and the limbs' thwack), the
                    arrow's whoosh (band noise sweeping down as it passes: Doppler), and the
                    thunk into a wooden target (low board modes struck hard).
``sword_draw``      a blade drawn from its scabbard: the edge scraping through the steel throat
                    (friction noise through the blade's modes, climbing in pitch and brightness
                    as the blade slides out and speeds up), the "shing" as the tip clears and the
                    blade rings free (thin steel: high, bright, inharmonic, long), then the
                    whoosh of the swing (broad band noise, its peak rising and falling with the
                    blade's speed).
``punch``           the swing's short whoosh, then the blow: a meaty low thud (a heavy damped
                    mass) with the slap of skin and cloth on top.
"""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def _shot(rng, sr: int, m: int, calibre: float = 1.0) -> np.ndarray:
    """One round: crack, blast body, thump (mono, ``m`` samples)."""
    t = dsp.times(m, sr)
    crack = dsp.highpass(dsp.white(rng, m), 2000.0, sr) * dsp.exp_decay(m, 0.008, sr) * F32(1.5)
    body_lp = dsp.lowpass(dsp.white(rng, m), 2500.0 / calibre, sr, order=2)
    body = body_lp * dsp.attack_decay(m, 0.0003, 0.12 * calibre, sr) * F32(2.0)
    thump = dsp.sine(dsp.phase(50.0 + 90.0 * np.exp(-t / F32(0.02)), m, sr)) * dsp.attack_decay(m, 0.001, 0.15, sr)
    return (crack + body + thump * F32(0.4)).astype(F32)


@dsp.rendered_at_low_rate
def gunshot(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    a = int(rng.uniform(0.01, 0.03) * sr)
    m = min(n - a, int(0.5 * sr))
    dry = np.zeros(n, dtype=F32)
    dry[a:a + m] = _shot(rng, sr, m, rng.uniform(0.8, 1.3))
    # Outdoors the blast comes back off hills and buildings: a dark diffuse tail.
    return dsp.reverb_tail(rng, dry, sr, rng.uniform(1.0, 1.6), 1.2, 0.03, 4000.0)


@dsp.rendered_at_low_rate
def automatic_fire(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    rate = rng.uniform(10.0, 15.0)
    m = int(0.25 * sr)
    shots = [_shot(rng, sr, m, rng.uniform(0.7, 1.0)) for _ in range(4)]
    dry = np.zeros(n, dtype=F32)
    t = rng.uniform(0.01, 0.05)
    while t < p.duration - 0.2:
        burst = rng.uniform(0.5, 1.4)
        end = min(t + burst, p.duration - 0.15)
        while t < end:
            dsp.add_at(dry, int(t * sr), shots[int(rng.integers(0, 4))] * F32(rng.uniform(0.75, 1.0)))
            t += (1.0 / rate) * rng.normal(1.0, 0.03)
        t += rng.uniform(0.2, 0.6)
    out = dsp.reverb_tail(rng, dry, sr, 1.0, 0.5, 0.04, 3000.0)
    # Spent casings tinkling on the ground.
    pos = dsp.poisson_times(rng, rate * 0.6 * (np.abs(dry) > 0.05).astype(F32), n, sr)
    if pos.size:
        f = rng.uniform(3000, 6000, pos.size)
        tink = dsp.ring_events(n, sr, pos + int(0.3 * sr), rng.uniform(0.02, 0.06, pos.size),
                               np.stack([f, f * 2.7], 1), np.full((pos.size, 2), 0.05), (1.0, 0.4))
        out += tink[:, None]
    return out


def bow_arrow(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    a = int(rng.uniform(0.02, 0.05) * sr)
    # Release: the string (a low plucked tone with a few harmonics, quickly damped by the
    # archer's arm guard and the limbs) and the limbs' thwack.
    sm = int(0.35 * sr)
    f = rng.uniform(90, 160)
    string = dsp.modal_ring(sm, sr, f * np.array([1.0, 2.0, 3.0, 4.0, 5.0]), (0.25, 0.18, 0.12, 0.08, 0.06),
                            (1.0, 0.6, 0.4, 0.25, 0.15), rng)
    thwack = dsp.bandpass(dsp.white(rng, sm), 300.0, 3000.0, sr) * dsp.exp_decay(sm, 0.015, sr) * F32(1.2)
    dsp.add_at(out, a, string + thwack)
    # Flight: the fletching's whoosh, rising as it nears, falling as it passes.
    fly = rng.uniform(0.25, 0.45)
    fm = int(fly * sr)
    k = np.linspace(0.0, 1.0, fm)
    centre = rng.uniform(1500, 2500) * (1.3 - 0.6 * k)
    whoosh = dsp.narrowband_noise(rng, centre, 800.0, fm, sr) + dsp.bandpass(dsp.white(rng, fm), 500.0, 5000.0, sr) * F32(0.5)
    whoosh *= (np.exp(-((k - 0.55) / 0.2) ** 2)).astype(F32) * F32(0.8)
    dsp.add_at(out, a + int(0.03 * sr), whoosh)
    # Impact: the point buries itself in wood with a dull thunk and a quiver of the shaft.
    ia = a + int((0.03 + fly) * sr)
    im = int(0.4 * sr)
    hit = dsp.white(rng, im) * dsp.attack_decay(im, 0.0005, 0.01, sr)
    thunk = dsp.modal_bank(hit, rng.uniform(120, 300) * np.array([1.0, 1.7, 2.8]), (0.08, 0.06, 0.04), (1.0, 0.6, 0.3), sr)
    quiver = dsp.modal_ring(im, sr, [rng.uniform(25, 45) * 8.0], (0.3,), (0.15,), rng) * \
        (F32(1.0) + np.sin(F32(dsp.TAU * 30.0) * dsp.times(im, sr)))
    dsp.add_at(out, ia, thunk * F32(1.5) + hit * F32(0.5) + quiver)
    return dsp.widen(rng, out, sr, 0.003)


def punch(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    sw = int(rng.uniform(0.08, 0.15) * sr)
    k = np.linspace(0.0, 1.0, sw)
    swing = dsp.bandpass(dsp.white(rng, sw), 300.0, 2500.0, sr) * (k ** 2).astype(F32) * F32(0.3)
    a = int(0.02 * sr)
    out[a:a + sw] += swing
    hm = min(n - a - sw, int(0.35 * sr))
    hit = dsp.white(rng, hm) * dsp.attack_decay(hm, 0.001, 0.05, sr)
    thud = dsp.lowpass(hit, 250.0, sr, order=4) * F32(5.0) + dsp.resonator(hit, rng.uniform(70, 110), 0.08, sr) * F32(0.3)
    slap = dsp.bandpass(dsp.white(rng, hm) * dsp.exp_decay(hm, 0.012, sr), 800.0, 5000.0, sr) * F32(1.0)
    out[a + sw:a + sw + hm] += thud + slap
    return dsp.widen(rng, out, sr, 0.002)


def sword_draw(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros(n, dtype=F32)
    a = int(rng.uniform(0.02, 0.05) * sr)
    # The draw: friction noise (fluttering at the stick-slip rate) excites the blade's modes; the
    # scrape climbs as the blade slides out (the contact moves towards the thin tip, which rings
    # higher) and brightens with speed.
    # A slow draw (a longer event) is a longer scrape; the ring and the swing follow it.
    dm = int(float(np.clip(rng.uniform(0.33, 0.53) * p.duration, 0.3, 1.6)) * sr)
    k = np.linspace(0.0, 1.0, dm).astype(F32)
    speed = np.maximum(np.sin(np.pi * np.clip(k * 1.05, 0.0, 1.0)), 0.0) ** F32(0.5) * (F32(0.6) + F32(0.4) * k)
    rough = dsp.smooth_random(rng, dm, 120.0, sr, 0.3, 1.0) * speed
    f0 = rng.uniform(2200, 3200)
    centre = f0 * (0.8 + 0.5 * k)
    # Steel on steel is a broadband, rough hiss coloured by the blade's dense modes, with a
    # climbing edge tone on top.
    fric = dsp.white(rng, dm) * rough
    scrape = dsp.bandpass(fric, 1500.0, 12000.0, sr) * F32(1.5)
    scrape += dsp.modal_bank(fric, f0 * np.array([0.61, 1.0, 1.37, 1.9, 2.45]), (0.05,) * 5, (0.5, 1.0, 0.7, 0.5, 0.4), sr) * F32(0.05)
    scrape += dsp.narrowband_noise(rng, centre, 300.0, dm, sr) * rough * F32(0.4)
    dsp.add_at(out, a, scrape * F32(0.5))
    # The tip clears the throat: the blade rings free.
    b = a + dm - int(0.02 * sr)
    ratios = np.array([1.0, 1.52, 2.61, 3.7, 4.93, 1.004, 2.63])
    ring = dsp.modal_ring(n - b, sr, f0 * 1.25 * ratios * rng.uniform(0.99, 1.01, ratios.size),
                          rng.uniform(0.5, 1.0, ratios.size), (1.0, 0.6, 0.8, 0.4, 0.3, 0.8, 0.5), rng)
    dsp.add_at(out, b, ring * F32(0.3))
    # The swing: air torn by the blade, a broad band whose peak follows the blade's speed.
    wa = b + int(rng.uniform(0.05, 0.12) * sr)
    wm = int(rng.uniform(0.3, 0.45) * sr)
    kk = np.linspace(0.0, 1.0, wm)
    wc = rng.uniform(400, 700) * (1.0 + 2.0 * np.sin(np.pi * kk))
    whoosh = dsp.narrowband_noise(rng, wc, 600.0, wm, sr) + dsp.bandpass(dsp.white(rng, wm), 200.0, 4000.0, sr) * F32(0.5)
    whoosh *= np.exp(-((kk - 0.45) / 0.22) ** 2).astype(F32)
    dsp.add_at(out, wa, whoosh * F32(8.0))
    return dsp.widen(rng, out, sr, 0.003)


GENERATORS = {"gunshot": gunshot, "automatic_fire": automatic_fire, "bow_arrow": bow_arrow, "punch": punch,
              "sword_draw": sword_draw}
