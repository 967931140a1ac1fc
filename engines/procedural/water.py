"""Water: bubbles are the voice of water (Minnaert resonance: a decaying sine whose pitch rises
as the bubble nears the surface).

    stream              flow noise (pink + brown) under a dense bubble mass (~900/s, 400-2500 Hz)
    waterfall           the same roar denser (~1400/s), a 150 Hz plunge rumble, spray hiss that
                        fades with distance; body rendered at ~16 kHz
    splash              a noise burst plus a bubble cloud
    cave_drips          a few periodic sources dropping 450-1500 Hz plops into pools
    waves               breakers every 6-12 s: a <500 Hz roar swelling over a brown floor, a
                        300-2000 Hz crash, a grainy foam wash receding for seconds
    underwater_bubbles  bursts of low, long bubbles over a muffled hum
    water_lapping       soft sloshing swells, the gurgle of trapped bubbles, a hollow hull knock
"""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


def bubble(sr: int, f0: float, length_s: float, rise: float = 3.0, decay_frac: float = 0.35) -> np.ndarray:
    """One bubble: sin with exponentially decaying amplitude and a pitch rising by ``rise`` per
    second (relative), the Minnaert model used by van den Doel for liquid sounds."""
    m = max(8, int(length_s * sr))
    t = dsp.times(m, sr)
    ph = dsp.TAU * f0 * (t + 0.5 * rise * t * t)
    env = np.exp(-t / F32(max(1e-3, length_s * decay_frac)))
    att = np.minimum(t / F32(0.0005), 1.0)
    return (np.sin(ph) * env * att).astype(F32)


def bubble_events(rng: np.random.Generator, n: int, sr: int, positions, f_lo: float, f_hi: float,
                  length_s=(0.01, 0.05), rise=(1.0, 8.0), amps=None) -> np.ndarray:
    """Many bubbles, each with its own pitch (log-uniform in [f_lo, f_hi]), length and rise,
    synthesised together as one (events x samples) matrix and overlap-added."""
    pos = np.asarray(positions, dtype=np.int64)
    m = pos.size
    if m == 0:
        return np.zeros(n, dtype=F32)
    L = max(8, int(length_s[1] * sr))
    # float32 throughout: a grain's phase stays small, and float32 sin/exp are SIMD-fast.
    f0 = np.exp(rng.uniform(np.log(f_lo), np.log(f_hi), m)).astype(F32)[:, None]
    tau = (rng.uniform(*length_s, m) * 0.3).astype(F32)[:, None]
    rs = rng.uniform(*rise, m).astype(F32)[:, None]
    t = (np.arange(L, dtype=F32) / F32(sr))[None, :]
    a = np.ones(m, dtype=F32) if amps is None else np.asarray(amps, dtype=F32)
    grains = np.sin(F32(dsp.TAU) * f0 * (t + F32(0.5) * rs * t * t)) * np.exp(-t / tau) * a[:, None]
    grains[:, : int(0.0005 * sr)] *= np.linspace(0, 1, int(0.0005 * sr), dtype=F32)
    return dsp.overlap_add(n, pos, grains)


def bubble_bed(p: Params, rate, f_lo: float, f_hi: float, length_s=(0.01, 0.05), rise=(1.0, 8.0),
               rng=None) -> np.ndarray:
    """Stereo population of bubbles at a (possibly time-varying) rate per channel."""
    rng = rng or p.rng
    chans = []
    for _ in range(2):
        pos = dsp.poisson_times(rng, rate, p.n, p.sr)
        amps = rng.pareto(2.0, pos.size).clip(0, 5) + 0.1
        chans.append(bubble_events(rng, p.n, p.sr, pos, f_lo, f_hi, length_s, rise, amps))
    return np.stack(chans, axis=1)


def _bubble_mass(p: Params, rate, f_lo: float, f_hi: float, length_s=(0.004, 0.015)) -> np.ndarray:
    """A dense, unresolved mass of bubbles (mono, unit RMS): hundreds to thousands a second,
    what gives running water its liquid texture over the noise of the flow. Rendered at ~16 kHz
    (the bubbles sit under 4 kHz) and upsampled."""
    k = dsp.low_rate_factor(p.sr)
    q = p.at_rate(k)
    r = rate if np.ndim(rate) == 0 else np.asarray(rate, dtype=F32)[::k][: q.n]
    if np.ndim(r) and r.size < q.n:
        r = np.pad(r, (0, q.n - r.size), mode="edge")
    pos = dsp.poisson_times(p.rng, r, q.n, q.sr)
    amps = p.rng.pareto(2.0, pos.size).clip(0, 5) + 0.1
    x = bubble_events(p.rng, q.n, q.sr, pos, f_lo, f_hi, length_s, (1.0, 8.0), amps)
    x = dsp.upsample(x, k, p.n, p.sr)
    return (x * F32(1.0 / (np.std(x) + 1e-9))).astype(F32)


def _flow_noise(p: Params) -> np.ndarray:
    """The noise of turbulent flow, stereo, unit RMS per part: pink (full band) plus a brown
    rumble of the water's weight."""
    rng, n, sr = p.rng, p.n, p.sr
    pk = dsp.pink(rng, 2 * n).reshape(n, 2)
    br = np.stack([dsp.brown(rng, n, sr, 100.0) for _ in range(2)], axis=1)
    return pk * F32(1.0 / (np.std(pk) + 1e-9)), br * F32(1.0 / (np.std(br) + 1e-9))


def stream(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    # A brook: the water tumbling over stones traps bubbles by the hundred (the babble), over
    # the broadband hiss of the flow; the babble comes and goes as eddies shift.
    rate = (600 + 500 * p.intensity) * dsp.smooth_random(rng, n, 0.5, sr, 0.8, 1.2)
    bub = _bubble_mass(p, rate, 400, 2500, (0.004, 0.015))
    pk, br = _flow_noise(p)
    flow = pk + br
    flow *= dsp.smooth_random(rng, n, 0.4, sr, 0.8, 1.0)[:, None]
    return flow + np.stack([bub, np.roll(bub, int(0.009 * sr))], axis=1) * F32(0.8)


def waterfall(p: Params) -> np.ndarray:
    # A waterfall: a sheet of water breaking up as it falls and plunging into its pool, a
    # dense roar of broadband noise and thousands of bubbles a second, over the low thunder of
    # the plunge. Close to it the spray hisses bright; from afar the highs are gone and the
    # roar and rumble remain (distance tilts the balance; the mixer's air absorption adds).
    # The roar and bubbles are rendered at ~16 kHz, the spray at the full rate.
    body = dsp.at_low_rate(_falls_body, p)
    rng, n, sr = p.rng, p.n, p.sr
    spray = dsp.highpass(dsp.white(rng, n), 3000.0, sr) * F32(0.3 * (1.0 - p.distance))
    return body + np.stack([spray, np.roll(spray, int(0.29 * sr))], axis=1)


def _falls_body(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    rate = (900 + 700 * p.intensity) * dsp.smooth_random(rng, n, 0.3, sr, 0.85, 1.15)
    pos = dsp.poisson_times(rng, rate, n, sr)
    bub = bubble_events(rng, n, sr, pos, 400, 2500, (0.004, 0.01), (1.0, 8.0), rng.pareto(2.0, pos.size).clip(0, 5) + 0.1)
    bub *= F32(0.7 / (np.std(bub) + 1e-9))
    pk, br = _flow_noise(p)
    plunge = dsp.lowpass(dsp.white(rng, n), 150.0, sr)
    plunge *= F32(0.5 / (np.std(plunge) + 1e-9))
    flow = pk + br + plunge[:, None]
    flow *= dsp.smooth_random(rng, n, 0.3, sr, 0.9, 1.0)[:, None]  # the flow surges a little
    return flow + np.stack([bub, np.roll(bub, int(0.013 * sr))], axis=1)


def underwater_bubbles(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    # Bursts of bubbles rising in streams (a diver's exhale, a vent), lower and fuller than a brook.
    bursts = dsp.smooth_random(rng, n, 0.6, sr, 0.0, 1.0) ** F32(3.0)
    bubbles = bubble_bed(p, (15 + 120 * p.intensity) * bursts + 4, 120, 900, (0.03, 0.07), (2.0, 6.0))
    hum = np.stack([dsp.lowpass(dsp.brown(rng, n, sr), 250.0, sr) for _ in range(2)], axis=1) * F32(0.4)
    return dsp.lowpass(bubbles * F32(0.5) + hum, 2500.0, sr)


def cave_drips(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    # A few drip sources, each with its own pitch and slowly varying period. A drop falling from
    # a cave roof into a pool traps a bubble a few mm across: a plop at 450-1500 Hz whose pitch
    # rises as it nears the surface (small drops on wet rock ping higher, but the pools carry).
    for s in range(int(rng.integers(2, 5))):
        period = rng.uniform(0.6, 2.5) / (0.6 + 0.8 * p.intensity)
        f0 = np.exp(rng.uniform(np.log(450.0), np.log(1500.0)))
        pan = rng.uniform(-0.8, 0.8)
        level = rng.uniform(0.3, 1.0)
        t = rng.uniform(0, period)
        while t < p.duration - 0.15:
            d = bubble(sr, f0 * rng.uniform(0.93, 1.07), rng.uniform(0.04, 0.09), rng.uniform(6.0, 14.0), 0.3)
            click = dsp.highpass(dsp.white(rng, 32) * np.hanning(32).astype(F32), 2000.0, sr) * F32(0.3)
            d[:32] += click
            dsp.add_at(out, int(t * sr), dsp.pan(d * F32(level * rng.uniform(0.7, 1.0)), pan))
            t += period * rng.uniform(0.8, 1.25)
    return out + np.stack([dsp.lowpass(dsp.brown(rng, n, sr), 120.0, sr) for _ in range(2)], axis=1) * F32(0.01)


def splash(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    t0 = rng.uniform(0.01, 0.04)
    a = int(t0 * sr)
    m = n - a
    big = 0.6 + 0.8 * p.intensity
    out = np.zeros((n, 2), dtype=F32)
    # The plunge: a low "plop" (the cavity), then the sheet of water breaking up (noise burst).
    plop = bubble(sr, rng.uniform(120, 220), 0.12 * big, -2.0, 0.4)
    burst = dsp.bandpass(dsp.white(rng, m), 400.0, 6000.0, sr) * dsp.attack_decay(m, 0.005, 0.35 * big, sr)
    wash = dsp.lowpass(dsp.white(rng, m), 700.0, sr) * dsp.attack_decay(m, 0.02, 0.5 * big, sr) * F32(0.8)
    mono = burst + wash
    dsp.add_at(mono, 0, plop * F32(1.5))
    out[a:] += dsp.widen(rng, mono, sr, 0.006)
    # The cloud of bubbles and falling droplets afterwards.
    t = dsp.times(n, sr)
    rate = np.where(t > t0 + 0.03, 250 * big * np.exp(-(t - F32(t0)) / F32(0.25 * big)), 0.0).astype(F32)
    out += bubble_bed(p, rate, 500, 3000, (0.008, 0.03)) * F32(0.25)
    return out


def _crackle(rng, n: int, sr: int, rate_hz: float) -> np.ndarray:
    """A grainy amplitude envelope (mean ~1): squared low-passed noise, so the level comes in
    random spits ``rate_hz`` wide, the sound of many small splashes and bursting bubbles."""
    g = dsp.lowpass(dsp.white(rng, n), rate_hz, sr, order=1)
    g = g * g
    return (g * F32(1.0 / (np.mean(g) + 1e-9))).astype(F32)


def _breakers(p: Params) -> list:
    """When the breakers of a surf clip crash: (time, gain, rise, fall, wash fall) per wave, one
    every 6-12 s, the first one's wash still receding as the clip starts."""
    rng, dur = p.rng, p.duration
    period = rng.uniform(6.0, 12.0) / (0.85 + 0.3 * p.intensity)
    tc = rng.uniform(0.1, 0.45) * period - period
    out = []
    while tc < dur + 3.0:
        out.append((tc, rng.uniform(0.6, 1.0), rng.uniform(0.8, 1.5), rng.uniform(1.5, 2.5), rng.uniform(2.5, 4.0)))
        tc += period * rng.uniform(0.8, 1.2)
    return out


def _surf_envelopes(breakers, n: int, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """(swell, wash) envelopes at rate ``sr``: each swell builds over ~1 s to the crash and falls
    away; the wash follows 0.3 s later and recedes for several seconds."""
    t = dsp.times(n, sr)
    swell = np.zeros(n, dtype=F32)
    wash = np.zeros(n, dtype=F32)
    for tc, g, rise, fall, wash_fall in breakers:
        d = t - F32(tc)
        swell += np.where(d < 0, np.exp(-(d / F32(rise)) ** 2), np.exp(-d / F32(fall))).astype(F32) * F32(g)
        dw = d - F32(0.3)
        wash += np.where(dw < 0, np.exp(-(dw / F32(0.6)) ** 2), np.exp(-dw / F32(wash_fall))).astype(F32) * F32(g)
    return swell, wash


def waves(p: Params) -> np.ndarray:
    # Surf, one breaker every 6-12 s, over the steady roar of the breakers all along the beach
    # (the sea never falls silent). Surf is bass-heavy: the roar falls ~6 dB/oct (brown) and
    # swells as the wave steepens; the lip plunges in a broadband crash (300-2000 Hz) that
    # swells over a second and falls away; then the broken water runs up the beach as a wash of
    # bursting foam, a bright, faintly grainy fizz that recedes for several seconds. Roar and
    # crash (under 2 kHz) are rendered at ~16 kHz, the foam at the full rate.
    breakers = _breakers(p)
    body = dsp.at_low_rate(lambda q: _surf_body(q, breakers), p)
    rng, n, sr = p.rng, p.n, p.sr
    _, wash = _surf_envelopes(breakers, n, sr)
    foam = dsp.highpass(dsp.white(rng, 2 * n).reshape(n, 2), 2000.0, sr)
    grain = F32(0.3) + F32(0.7) * _crackle(rng, n, sr, 300.0)
    foam *= np.stack([grain, np.roll(grain, int(0.37 * sr))], axis=1)
    foam *= F32(0.15 / (np.std(foam) + 1e-9))
    return body + foam * (wash * wash)[:, None]


def _surf_body(p: Params, breakers) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    swell, _ = _surf_envelopes(breakers, n, sr)
    chans = []
    for _ in range(2):
        # The roar lives under 500 Hz (12 dB/oct above), loud even between breakers, over a
        # brown floor of the whole beach reaching up into the hiss; the crash adds the "shh"
        # of the mid band.
        roar = dsp.lowpass(dsp.white(rng, n), 500.0, sr)
        roar *= F32(1.0 / (np.std(roar) + 1e-9))
        floor = dsp.brown(rng, n, sr, 100.0)
        floor *= F32(0.5 / (np.std(floor) + 1e-9))
        crash = dsp.bandpass(dsp.white(rng, n), 300.0, 2000.0, sr)
        crash *= F32(0.7 / (np.std(crash) + 1e-9))
        chans.append(roar * (F32(0.75) + F32(0.5) * swell) + floor * F32(0.6) + crash * swell * swell)
    return np.stack(chans, axis=1)


def water_lapping(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    t = dsp.times(n, sr)
    # Small waves against a hull or a dock, one every second or two: each lap a soft swell of
    # sloshing water (broadband, not a hit: it builds over ~0.1 s), a gurgle of the bubbles it
    # traps as it falls back, and a hollow knock of the hull or the cavity under the boards.
    lap = np.zeros(n, dtype=F32)
    knocks = []
    tl = rng.uniform(0.05, 0.6)
    while tl < dur:
        g = rng.uniform(0.5, 1.0)
        d = t - F32(tl)
        lap += np.where(d < 0, np.exp(-(d / F32(rng.uniform(0.06, 0.15))) ** 2),
                        np.exp(-d / F32(rng.uniform(0.25, 0.5)))).astype(F32) * F32(g)
        knocks.append((tl, g))
        tl += rng.uniform(0.9, 2.0) / (0.7 + 0.6 * p.intensity)
    slosh = dsp.bandpass(dsp.pink(rng, n), 150.0, 3000.0, sr)
    slosh *= F32(1.0 / (np.std(slosh) + 1e-9))
    gurgle = _bubble_mass(p, F32(30.0) + F32(900.0) * np.roll(lap, int(0.08 * sr)), 250, 1500, (0.008, 0.03))
    knock = np.zeros(n, dtype=F32)
    f_hull = rng.uniform(140, 260)
    for tk, g in knocks:
        dsp.add_at(knock, int(tk * sr), bubble(sr, f_hull * rng.uniform(0.9, 1.1), 0.12, -1.0, 0.3) * F32(g))
    mono = slosh * lap + gurgle * F32(0.6) + knock * F32(0.6)
    wash = dsp.lowpass(dsp.pink(rng, 2 * n).reshape(n, 2), 800.0, sr) * F32(0.15)
    return dsp.pan(mono, rng.uniform(-0.3, 0.3)) + wash


GENERATORS = {"stream": stream, "waterfall": waterfall, "splash": splash, "cave_drips": cave_drips, "waves": waves,
              "underwater_bubbles": underwater_bubbles, "water_lapping": water_lapping}
