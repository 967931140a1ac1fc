"""Weather: rain (drop impulses ringing small resonances over a hiss bed), thunder (a crack and
rolling low-passed brown noise, heard with the storm's air: its rain hissing far off between the
rolls), wind (noise bands whose balance and whistle pitch follow gusts)."""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def _rain(p: Params, heavy: bool) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    # Drop rate breathes slowly so the bed is alive but has no start/end event of its own.
    base = (250 + 500 * p.intensity) if not heavy else (1200 + 2000 * p.intensity)
    rate = base * dsp.smooth_random(rng, n, 0.25, sr, 0.75, 1.25)
    pos = dsp.poisson_times(rng, rate, n, sr)
    m = pos.size
    # Pareto amplitudes: mostly faint drops, a few close fat ones.
    amps = np.minimum(rng.pareto(2.5, m) + 0.2, 6.0) * rng.choice([-1.0, 1.0], m)
    ch = rng.integers(0, 2, m)
    # Short, well-damped resonances: drops on leaves, stone, puddles; crisp ticks (1-4 ms), not
    # pitched pings.
    k = 4
    freqs = rng.uniform(1500, 6000, (k, 2)) if not heavy else rng.uniform(900, 4500, (k, 2))
    t60s = rng.uniform(0.001, 0.004, k)
    ring, ticks = dsp.routed_resonators(n, sr, pos, amps, ch, rng.integers(0, k, m), freqs, t60s)
    # Hiss bed: the unresolved mass of distant drops; it shares the ticks' high-pass (one pass).
    bed = dsp.white(rng, 2 * n).reshape(n, 2)
    if heavy:
        swell = dsp.smooth_random(rng, n, 0.15, sr, 0.7, 1.0)[:, None]
        hiss = dsp.highpass(ticks * F32(0.25) + bed * swell * F32(0.35), 500.0, sr, order=1)
        wash = dsp.lowpass(dsp.white(rng, 2 * n).reshape(n, 2), 500.0, sr) * F32(2.0)
        return (ring * F32(0.5) + hiss + wash * F32(0.25)).astype(F32)
    # The hiss of the many unresolved drops reaches down to ~800 Hz even in light rain.
    hiss = dsp.highpass(ticks * F32(0.5) + bed * F32(0.2), 800.0, sr)
    # Light rain still has body: the patter on ground and leaves reaches down to a few hundred Hz.
    patter = dsp.bandpass(ticks, 300.0, 1500.0, sr, order=1) * F32(0.6)
    return (ring * F32(0.5) + hiss + patter).astype(F32)


def rain_light(p: Params) -> np.ndarray:
    return _rain(p, heavy=False)


def rain_heavy(p: Params) -> np.ndarray:
    return _rain(p, heavy=True)


def _rolls(p: Params, count: int, spread: float, attack: float, t60: float, t0: float) -> np.ndarray:
    """Envelope of rolling thunder: overlapping swells (echoes from a long, kinked lightning path)."""
    rng, n, sr = p.rng, p.n, p.sr
    env = np.zeros(n, dtype=F32)
    dur = p.duration
    for i in range(count):
        start = t0 + (0.0 if i == 0 else rng.uniform(0.05, spread) * dur)
        a = int(start * sr)
        if a >= n:
            continue
        g = 1.0 if i == 0 else rng.uniform(0.3, 0.9)
        length = n - a
        e = dsp.attack_decay(length, attack * rng.uniform(0.6, 1.6), t60 * rng.uniform(0.7, 1.2), sr) * F32(g)
        env[a:] += e
    return env


def _storm_air(p: Params, ref: np.ndarray, rel: float) -> np.ndarray:
    """The air of the storm under the thunder, stereo: the hiss of its rain far off (1.5-5 kHz,
    the unresolved mass of drops), breathing slowly, ``rel`` times the RMS of ``ref`` (the roll). Between the rolls the sky
    is never silent; without it a lone low rumble is just an explosion."""
    rng, n, sr = p.rng, p.n, p.sr
    air = dsp.bandpass(dsp.white(rng, 2 * n).reshape(n, 2), 1500.0, 5000.0, sr)
    air *= F32(rel * float(np.sqrt(np.mean(ref * ref))) / (np.std(air) + 1e-9))
    return air * dsp.smooth_random(rng, n, 0.2, sr, 0.7, 1.0)[:, None]


def thunder_near(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    t0 = rng.uniform(0.03, 0.12)
    dur = p.duration
    # Crack: a short, tearing burst of clicks (the channel itself, close by).
    crack_len = int(min(0.35, dur * 0.3) * sr)
    crack = dsp.white(rng, crack_len)
    crack *= dsp.attack_decay(crack_len, 0.003, 0.25, sr)
    tear = (rng.random(crack_len) < 0.02).astype(F32) * rng.standard_normal(crack_len).astype(F32) * F32(4.0)
    crack = dsp.bandpass(crack + tear, 300.0, 5000.0, sr) * F32(0.35 + 0.25 * p.intensity)
    out = np.zeros(n, dtype=F32)
    dsp.add_at(out, int(t0 * sr), crack)
    # Roar and rolls: several swells from the kinks of a long channel, each rolling on for
    # seconds. The roar is pinker than brown noise: besides the sub-bass boom, close thunder has
    # much of its rumble at 60-400 Hz (what the ear hears as the growl).
    env = _rolls(p, int(rng.integers(3, 6)), 0.45, 0.04, max(3.0, dur * 2.5), t0)
    env *= dsp.smooth_random(rng, n, 5.0, sr, 0.4, 1.0)  # the rolling: echoes arriving in bunches
    rumble = dsp.highpass(dsp.lowpass(dsp.pink(rng, n), 420.0 + 60 * p.intensity, sr, order=4), 30.0, sr)
    rumble *= F32(1.0 / (np.std(rumble) + 1e-9))
    mid = dsp.bandpass(dsp.white(rng, n), 150.0, 900.0, sr)
    mid *= F32(0.1 / (np.std(mid) + 1e-9))
    # The channel's branches keep crackling inside the roll: a faint tearing on top of it.
    tearing = dsp.bandpass(dsp.white(rng, n), 800.0, 6000.0, sr) * F32(0.03)
    roar = rumble + mid + tearing
    # Sub boom right after the crack: the pressure wave.
    boom_len = int(min(1.2, dur) * sr)
    boom = dsp.lowpass(dsp.white(rng, boom_len), 70.0, sr, order=4) * dsp.attack_decay(boom_len, 0.01, 0.9, sr)
    boom *= F32(1.5 / (np.std(boom) + 1e-9))
    dsp.add_at(out, int(t0 * sr), boom)
    # Close thunder means the storm is overhead: its rain hisses under the roll (the mass of
    # unresolved drops, 1.5-5 kHz).
    rain = dsp.bandpass(dsp.white(rng, 2 * n).reshape(n, 2), 1500.0, 5000.0, sr) * F32(0.03)
    rain *= dsp.smooth_random(rng, n, 0.3, sr, 0.7, 1.0)[:, None]
    # Slightly different roll per side: a wide, enveloping sky.
    left = out + roar * env
    right = out + roar * np.roll(env, int(0.013 * sr))
    x = np.stack([left, right], axis=1)
    return (x + rain + _storm_air(p, x, 0.04)).astype(F32)


def thunder_distant(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    env = _rolls(p, int(rng.integers(8, 14)), 0.8, rng.uniform(0.1, 0.3), max(2.0, dur * 1.5), rng.uniform(0.05, 0.3))
    env = dsp.one_pole_lp(env, 6.0, sr)  # no sharp edges far away: the highs are gone
    env *= dsp.smooth_random(rng, n, 4.0, sr, 0.1, 1.0) ** F32(1.5)  # the rolling grumble: rolls in bunches
    # Far away the highs are gone, but the rumble still reaches a few hundred Hz.
    l = dsp.lowpass(dsp.brown(rng, n, sr, 12.0), 250.0, sr, order=2)
    r = dsp.lowpass(dsp.brown(rng, n, sr, 12.0), 250.0, sr, order=2)
    growl = dsp.bandpass(dsp.white(rng, n), 90.0, 600.0, sr) * F32(0.15)
    roll = np.stack([(l + growl) * env, (r + growl) * env], axis=1).astype(F32)
    return (roll + _storm_air(p, roll, 0.016)).astype(F32)


def _gusts(p: Params, rate: float, depth: float) -> np.ndarray:
    g = dsp.smooth_random(p.rng, p.n, rate, p.sr, 0.0, 1.0)
    g = g ** F32(1.6)  # gusts are peaks over a calmer base, not a symmetric wobble
    return (F32(1.0 - depth) + F32(depth) * g).astype(F32)


def wind_gusts(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    g = _gusts(p, 0.35 + 0.3 * p.intensity, 0.85)
    chans = []
    # The whistle (wind over edges) is one source, heard a little later on the far side.
    whistle = dsp.narrowband_noise(rng, 250.0 + 700.0 * g, 120.0, n, sr) * g ** 3 * F32(0.25)
    noise = dsp.white(rng, 2 * n).reshape(n, 2)
    low = dsp.lowpass(noise, 350.0, sr, order=2) * F32(2.0)
    high = dsp.bandpass(noise, 500.0, 3500.0, sr, order=1)
    for side in range(2):
        gs = np.roll(g, int(side * 0.15 * sr))  # the gust reaches one ear first
        chans.append(low[:, side] * (F32(0.5) + gs) + high[:, side] * gs * gs * F32(0.5) + np.roll(whistle, int(side * 0.011 * sr)))
    return np.stack(chans, axis=1).astype(F32)


def wind_howling(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    g = _gusts(p, 0.5 + 0.5 * p.intensity, 0.6)
    base = rng.uniform(380, 620)
    # The howl: a few narrow resonant bands (wind across edges and openings) gliding with gusts;
    # rendered once and placed slightly differently in each ear.
    howl = np.zeros(n, dtype=F32)
    for h, ratio in enumerate((1.0, 1.52)):
        glide = dsp.smooth_random(rng, n, 0.4, sr, 0.85, 1.2)
        howl += dsp.narrowband_noise(rng, base * ratio * glide * (F32(0.8) + F32(0.4) * g), 35.0 + 15 * h, n, sr) / F32(1 + h)
    howl *= g * g * F32(0.9)
    chans = []
    for side in range(2):
        gs = np.roll(g, int(side * 0.21 * sr))
        roar = dsp.lowpass(dsp.white(rng, n), 500.0, sr) * (F32(0.4) + gs) * F32(1.5)
        hiss = dsp.bandpass(dsp.white(rng, n), 2500.0, 9000.0, sr, order=1) * gs * F32(0.12)  # blown snow
        chans.append(roar + hiss + np.roll(howl, int(side * 0.017 * sr)) * F32(1.0 - 0.3 * side))
    return np.stack(chans, axis=1).astype(F32)
