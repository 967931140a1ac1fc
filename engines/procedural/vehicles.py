"""Vehicles: engines as firing-rate pulse trains through exhaust resonances following an rpm
curve, tyre squeal as a jittery tonal friction band over road noise, horns as two detuned buzzy
tones, a train as rumble plus rail clacks with a Doppler pass-by, traffic as passing swells."""
from __future__ import annotations

import numpy as np

from . import dsp
from .params import Params

F32 = dsp.F32


PIPE, GAS, MECH = 0.2, 2.0, 0.6


def engine_tone(rng, fire: np.ndarray, sr: int, roughness: float = 0.3, load=None, diesel: bool = False,
                cylinders: int = 4) -> np.ndarray:
    """A combustion engine at firing rate ``fire`` (Hz, per sample): each firing is a sharp
    exhaust pulse, a burst of hot turbulent gas, so the sound is noise gated at the firing rate
    as much as a tone; the cylinders fire a little unevenly (the half- and 1/cylinders-order
    burble), every cycle a little different; the exhaust system clips the pulses into a rasp
    and rings at its pipe and box resonances. ``load`` (0..1) opens the throttle: louder,
    noisier gas. A diesel adds its knock: a hard, clattering tick at every firing, 1-4 kHz."""
    n = len(fire)
    load = np.full(n, 0.5, dtype=F32) if load is None else np.asarray(load, dtype=F32)
    fire = np.asarray(fire, dtype=F32) * dsp.jitter(rng, n, sr, 0.006, 40.0).astype(F32)
    ph = dsp.phase(fire, n, sr)
    pulses = dsp.table_osc(dsp.pulse_table(20.0), ph)
    # Uneven cylinders: the engine's cycle (cylinders firings) repeats with one firing stronger.
    cyc = dsp.table_osc(dsp.harmonic_table((1.0, 0.4)), ph / float(cylinders))
    pulses *= F32(1.0) + F32(roughness) * cyc
    scatter = F32(1.0) + F32(0.6) * dsp.lowpass(dsp.white(rng, n), 60.0, sr)
    gas = dsp.highpass(dsp.white(rng, n), 250.0, sr)
    drive = F32(1.5) + F32(2.0) * load
    buzz = np.tanh((pulses + gas * (pulses + F32(0.2)) * F32(GAS) * (F32(0.4) + F32(0.6) * load)) * scatter * drive).astype(F32)
    pipe = dsp.modal_bank(buzz, (rng.uniform(90, 140), rng.uniform(250, 350), rng.uniform(600, 900)),
                          (0.02, 0.015, 0.01), (PIPE, PIPE, PIPE), sr)
    # Under the bonnet: valves, chains and belts, a busy mechanical rattle ticking at the
    # firing rate, whatever the load.
    mech = dsp.bandpass(dsp.white(rng, n), 700.0, 5000.0, sr) * (F32(0.5) + F32(0.5) * dsp.table_osc(dsp.pulse_table(4.0), ph * 2.0))
    x = buzz + pipe + mech * F32(MECH)
    if diesel:
        ticks = dsp.table_osc(dsp.pulse_table(200.0), ph + 0.3)
        knock = dsp.bandpass(dsp.white(rng, n), 1200.0, 4000.0, sr) * ticks * F32(0.8)
        x = x + knock
    return dsp.lowpass(x, 6000.0, sr).astype(F32)


def _drive_by(rng, n: int, sr: int, dur: float):
    """A vehicle passing on a road (a tractor, a car in a lane): ``_flyover`` at 8-16 m/s, 4-10 m."""
    t_pass = rng.uniform(0.45, 0.6) * dur
    speed = rng.uniform(8.0, 16.0)
    d0 = rng.uniform(4.0, 10.0)
    return _flyover(n, sr, dur, t_pass, speed, d0, pan_span=2.5)


@dsp.rendered_at_low_rate
def car_engine(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    # Petrol four (firing rate = rpm/30: ~27 Hz idling, 80-130 Hz driving) or a diesel (a
    # truck, a tractor: lower, 20-60 Hz, with its knock). One take in two drives past (Doppler,
    # level swelling to the pass and falling away), the other idles, revs, pulls away.
    diesel = rng.random() < 0.4
    idle = rng.uniform(700, 900)
    if rng.random() < 0.5:
        rpm_drive = rng.uniform(1100, 1700) if diesel else rng.uniform(1500, 2400)
        rpm = rpm_drive * dsp.smooth_random(rng, n, 0.5, sr, 0.95, 1.05)
        gain, doppler, pan = _drive_by(rng, n, sr, dur)
        load = np.full(n, 0.5 + 0.3 * p.intensity, dtype=F32)
        x = engine_tone(rng, rpm / F32(30.0) * doppler, sr, 0.35 if diesel else 0.2, load, diesel)
        tyres = dsp.bandpass(dsp.white(rng, n), 300.0, 3000.0, sr) * F32(0.15)
        x = (x + tyres) * (F32(0.08) + gain)
        return dsp.pan_moving(x.astype(F32), pan)
    peak = (rng.uniform(2200, 3000) if diesel else rng.uniform(3000, 4500)) * (0.7 + 0.4 * p.intensity)
    # Idle, a rev or two, then pull away through the gears.
    pts = [(0.0, idle), (0.15 * dur, idle)]
    rev_t = rng.uniform(0.18, 0.25) * dur
    pts += [(rev_t, idle), (rev_t + 0.12 * dur, peak * 0.8), (rev_t + 0.22 * dur, idle * 1.1)]
    t = rev_t + 0.3 * dur
    pts.append((t, idle * 1.2))
    gear_len = (dur - t) / 2.0
    for g in range(2):
        pts.append((t + gear_len * 0.9, peak * (0.85 + 0.1 * g)))
        pts.append((t + gear_len, peak * 0.55))
        t += gear_len
    rpm = dsp.one_pole_lp(dsp.segment_env(n, pts, sr), 4.0, sr)
    load = np.clip(np.gradient(rpm) * F32(sr / 3000.0), 0.0, 1.0).astype(F32)  # throttle open while revving up
    load = dsp.one_pole_lp(F32(0.2) + F32(0.8) * load, 8.0, sr)
    x = engine_tone(rng, rpm / F32(30.0), sr, 0.35 if diesel else 0.2, load, diesel)
    level = dsp.segment_env(n, [(0, 0.6), (0.8 * dur, 1.0), (dur, 0.8)], sr) * (F32(0.6) + F32(0.4) * load)
    # Mono, one source in front: a delayed copy for width would comb the engine's harmonics
    # into a metallic, musical ring wherever the channels are summed.
    return (x * level).astype(F32)


def tire_skid(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    # A locked tyre sliding on asphalt: the tread blocks stick and slip thousands of times a
    # second, and the rubber rings at a strong, narrow-band squeal near 1 kHz (with its octave).
    # The slip never locks to one rate, so the squeal is a narrow band of noise (~100 Hz wide)
    # with only a trace of a clean tone, wandering fast in pitch, roughened as the grip
    # chatters, falling as the car slows. Two tyres squeal at once, each at its own pitch, over
    # the roar of rubber on the road.
    f = rng.uniform(900, 1500) * dsp.segment_env(n, [(0, 1.05), (dur, rng.uniform(0.75, 0.9))], sr)
    squeal = np.zeros(n, dtype=F32)
    for k in range(2):
        fk = f * (1.0 if k == 0 else rng.uniform(0.85, 1.15)) * dsp.smooth_random(rng, n, 14.0, sr, 0.97, 1.03)
        sq = dsp.narrowband_noise(rng, fk, 120.0, n, sr) + dsp.narrowband_noise(rng, 2.0 * fk, 240.0, n, sr) * F32(0.8)
        sq += dsp.table_osc(dsp.harmonic_table((1.0, 0.3)), dsp.phase(fk, n, sr)) * F32(0.15)
        squeal += sq * F32(1.0 if k == 0 else rng.uniform(0.4, 0.8))
    chatter = F32(0.5) + F32(0.5) * dsp.smooth_random(rng, n, 40.0, sr, 0.0, 1.0)
    road = dsp.bandpass(dsp.pink(rng, n), 200.0, 5000.0, sr) * F32(0.6)
    rumble = dsp.lowpass(dsp.brown(rng, n, sr), 150.0, sr) * F32(0.4)
    attack = rng.uniform(0.03, 0.08)
    env = dsp.segment_env(n, [(0, 0), (attack, 1.0), (0.7 * dur, 0.9), (dur - 0.05, 0.0), (dur, 0.0)], sr)
    x = (squeal * chatter * F32(0.6 + 0.4 * p.intensity) + road + rumble) * env
    return dsp.widen(rng, x.astype(F32), sr, 0.007)


def car_horn(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    # Car horns are two electromagnetic diaphragm horns sounding together, a second to a major
    # third apart (e.g. 335 + 420 Hz). The diaphragm slaps its contact, so each horn is a
    # narrow pulse train driven into saturation (rich in harmonics up to ~10 kHz), and it
    # starts flat: the pitch settles from ~10 % low over the first tens of ms.
    f1 = rng.uniform(300, 380)
    f2 = f1 * rng.choice([1.12, 1.2, 1.25])
    out = np.zeros(n, dtype=F32)
    honks = [(0.02, dur - 0.08)] if rng.random() < 0.5 else [(0.02, 0.3 * dur), (0.42 * dur, dur - 0.08)]
    for a, b in honks:
        m = int((b - a) * sr)
        if m <= 0:
            continue
        settle = 1.0 - 0.1 * np.exp(-dsp.times(m, sr) / F32(0.03))
        tone = np.zeros(m, dtype=F32)
        for f in (f1, f2):
            tone += dsp.table_osc(dsp.pulse_table(16.0), dsp.phase(f * rng.uniform(0.998, 1.002) * settle, m, sr))
        tone = np.tanh(tone * F32(6.0)).astype(F32)
        # The flared projector resonates around 2-3 kHz.
        tone = dsp.modal_bank(tone, [rng.uniform(1900, 2500), 3300.0], (0.01, 0.01), (0.3, 0.2), sr) + tone
        env = dsp.segment_env(m, [(0, 0), (0.015, 1), (m / sr - 0.02, 1), (m / sr, 0)], sr)
        dsp.add_at(out, int(a * sr), tone * env)
    return dsp.bandpass(out, 250.0, 10000.0, sr)


def train_passing(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    t = dsp.times(n, sr)
    t_pass = rng.uniform(0.4, 0.6) * dur
    speed = rng.uniform(20, 35)  # m/s
    d0 = rng.uniform(8, 20)  # closest distance, m
    x_pos = speed * (t - F32(t_pass))
    r = np.sqrt(x_pos * x_pos + F32(d0 * d0))
    gain = F32(d0) / r
    radial = x_pos / r * F32(speed)  # approaching: negative
    doppler = F32(343.0) / (F32(343.0) + radial)
    # Rumble of the locomotive and wagons.
    rumble = dsp.lowpass(dsp.brown(rng, n, sr), 250.0, sr) + dsp.bandpass(dsp.pink(rng, n), 300.0, 2500.0, sr) * F32(0.3)
    motor = dsp.table_osc(dsp.harmonic_table((1.0, 0.5, 0.3, 0.2)), dsp.phase(rng.uniform(70, 110) * doppler, n, sr)) * F32(0.3)
    # Clacks: each bogie crosses a rail joint; pairs of hits at wagon spacing.
    wagon = rng.uniform(14, 20) / speed
    times_c = []
    k = 0.0
    train_len = rng.uniform(0.5, 0.8) * dur
    start = t_pass - train_len * 0.4
    while k < train_len:
        times_c += [start + k, start + k + 2.5 / speed]
        k += wagon
    pos = (np.array(times_c) * sr).astype(np.int64)
    clacks = dsp.impulse_train(n, pos, rng.uniform(0.6, 1.0, pos.size))
    clacks = dsp.modal_bank(clacks, [rng.uniform(250, 400), rng.uniform(900, 1400), rng.uniform(2000, 3000)], (0.08, 0.05, 0.03), (1.0, 0.6, 0.3), sr)
    body = rumble + motor + clacks * F32(1.5)
    # Near the pass the highs open up (less ground absorption, more direct sound).
    bright = dsp.highpass(body, 1500.0, sr) * (gain * gain)
    x = (body + bright) * gain
    return dsp.pan_moving(x.astype(F32), np.clip(x_pos / 40.0, -0.8, 0.8).astype(F32))


@dsp.rendered_at_low_rate
def traffic(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    out = np.zeros((n, 2), dtype=F32)
    # The city's distant roar: the unresolved mass of engines and tyres, bass-heavy.
    hum = dsp.lowpass(dsp.white(rng, n), 300.0, sr) * F32(0.4) + dsp.lowpass(dsp.pink(rng, n), 1200.0, sr) * F32(0.1)
    out += np.stack([hum, np.roll(hum, int(0.05 * sr))], axis=1)
    # Cars passing close: each an engine (firing 40-90 Hz, Doppler-shifted as it passes) and the
    # hiss of its tyres, swelling and panning across (wrapped so the bed loops).
    rate = 0.3 + 0.4 * p.intensity
    count = max(1, rng.poisson(rate * p.duration))
    for _ in range(count):
        tc = rng.uniform(0, p.duration)
        w = rng.uniform(0.8, 1.6)
        dirn = rng.choice([-1.0, 1.0])
        g = rng.uniform(0.3, 1.0)
        # Only the +-3 widths around the pass matter: the Gaussian swell is nil beyond.
        a, b = max(0, int((tc - 3 * w) * sr)), min(n, int((tc + 3 * w) * sr))
        if b - a < 64:
            continue
        m = b - a
        u = (np.arange(a, b, dtype=F32) / F32(sr) - F32(tc)) / F32(w)
        e = np.exp(-u * u) * F32(g)
        doppler = F32(1.0) - F32(0.04) * np.tanh(u * F32(2.0))  # ~15 m/s: +-4 % pitch
        fire = F32(rng.uniform(1300, 2800) / 30.0) * doppler
        car = engine_tone(rng, fire, sr, 0.2, np.full(m, 0.5, dtype=F32), rng.random() < 0.2)
        car = car * F32(1.0 / (np.std(car) + 1e-9)) + dsp.bandpass(dsp.pink(rng, m), 300.0, 4000.0, sr) * F32(0.15)
        pan = np.clip(F32(dirn) * u, -1, 1)
        out[a:b, 0] += car * e * (F32(0.5) - F32(0.5) * pan)
        out[a:b, 1] += car * e * (F32(0.5) + F32(0.5) * pan)
    if rng.random() < 0.5 * p.intensity + 0.2:  # a far-off horn
        a = rng.uniform(0.1, 0.8) * p.duration
        m = int(rng.uniform(0.2, 0.5) * sr)
        f = rng.uniform(350, 450)
        h = dsp.table_osc(dsp.harmonic_table(dsp.square_amps(f, sr, 8)), dsp.phase(f, m, sr)) * np.hanning(m).astype(F32)
        h = dsp.lowpass(h, 1500.0, sr) * F32(0.08)
        dsp.add_at(out, int(a * sr), dsp.pan(h, rng.uniform(-0.7, 0.7)))
    return out


def engine_roar(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    # Jet: broadband turbulent roar (pink, bass heavy) + a turbine whine, spooling up.
    spool = dsp.segment_env(n, [(0, 0.2), (0.5 * dur, 1.0), (dur, 0.9)], sr)
    roar_l = dsp.lowpass(dsp.pink(rng, n), 1500.0 + 2000 * p.intensity, sr) + dsp.lowpass(dsp.brown(rng, n, sr), 120.0, sr)
    roar_r = dsp.lowpass(dsp.pink(rng, n), 1500.0 + 2000 * p.intensity, sr) + dsp.lowpass(dsp.brown(rng, n, sr), 120.0, sr)
    cpos = dsp.poisson_times(rng, 300 * spool, n, sr)
    crackle = dsp.highpass(dsp.impulse_train(n, cpos, rng.standard_normal(cpos.size)), 1000.0, sr)
    whine_f = rng.uniform(2500, 4500) * (F32(0.5) + F32(0.5) * spool)
    whine = dsp.narrowband_noise(rng, whine_f, 60.0, n, sr) * F32(0.15) + dsp.table_osc(
        dsp.harmonic_table((1.0, 0.3)), dsp.phase(whine_f * 0.5, n, sr)) * F32(0.05)
    env = spool * dsp.smooth_random(rng, n, 3.0, sr, 0.85, 1.0)
    l = (roar_l + whine + crackle * F32(0.5)) * env
    r = (roar_r + whine + crackle * F32(0.5)) * env
    return np.stack([l, r], axis=1).astype(F32)


def helicopter(p: Params) -> np.ndarray:
    # Rotor slaps and turbine: everything YAMNet and the ear key on sits under 7 kHz.
    return dsp.at_low_rate(_helicopter, p)


def _flyover(n: int, sr: int, dur: float, t_pass: float, speed: float, d0: float, pan_span: float = 3.0):
    """Geometry of a straight pass at ``speed`` m/s, ``d0`` m from the listener at ``t_pass``:
    (gain, Doppler factor, pan) per sample; the pan is full ``pan_span`` closest distances away."""
    t = dsp.times(n, sr)
    x = F32(speed) * (t - F32(t_pass))
    r = np.sqrt(x * x + F32(d0 * d0))
    gain = F32(d0) / r
    doppler = F32(343.0) / (F32(343.0) + x / r * F32(speed))
    return gain, doppler, np.clip(x / F32(pan_span * d0), -0.9, 0.9).astype(F32)


def _helicopter(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    gain, doppler, pan = _flyover(n, sr, dur, rng.uniform(0.45, 0.6) * dur, rng.uniform(25, 45), rng.uniform(30, 60))
    # Main rotor: 2-5 blades at ~4-6 rev/s; each blade passing slaps the air (blade-vortex
    # interaction): a train of short low-passed noise bursts at the blade-pass rate.
    bpf = rng.uniform(14.0, 22.0) * doppler
    ph = dsp.phase(bpf, n, sr)
    slap_env = dsp.pulse_wave(ph, 30.0) + F32(0.05)
    slaps = dsp.lowpass(dsp.white(rng, n), 1200.0, sr) * slap_env * F32(3.0)
    thump = dsp.lowpass(dsp.pulse_wave(ph, 12.0), 150.0, sr) * F32(0.8)
    # Tail rotor: a faster buzz (~5x the main blade rate), and the turboshaft's whine.
    tail = dsp.table_osc(dsp.harmonic_table(dsp.saw_amps(100.0, sr, 0.8, 20)), dsp.phase(bpf * rng.uniform(4.5, 6.0), n, sr)) * F32(0.15)
    whine = dsp.narrowband_noise(rng, rng.uniform(2500, 4000) * doppler, 80.0, n, sr) * F32(0.05)
    turb = dsp.bandpass(dsp.white(rng, n), 200.0, 3000.0, sr) * F32(0.2)
    x = (slaps + thump + tail + whine + turb) * (F32(0.15) + gain)
    return dsp.pan_moving(x.astype(F32), pan)


@dsp.rendered_at_low_rate
def motorcycle(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    # A bike revs higher and changes gear faster than a car: idle, a couple of blips of the
    # throttle, then it pulls away through three gears, each shift a dip in rpm.
    idle = rng.uniform(1000, 1400)
    peak = rng.uniform(6000, 9000) * (0.7 + 0.4 * p.intensity)
    pts = [(0.0, idle), (0.1 * dur, idle)]
    t = 0.12 * dur
    for b in range(int(rng.integers(1, 3))):
        pts += [(t, idle), (t + 0.05 * dur, peak * 0.7), (t + 0.12 * dur, idle * 1.1)]
        t += 0.15 * dur
    gear_len = (dur - t) / 3.0
    for g in range(3):
        pts += [(t + 0.05, peak * (0.5 - 0.05 * g)), (t + gear_len * 0.9, peak * (0.9 + 0.03 * g))]
        t += gear_len
    rpm = dsp.one_pole_lp(dsp.segment_env(n, pts, sr), 6.0, sr)
    twin = rng.random() < 0.5
    cyl = 2 if twin else 4
    load = np.clip(np.gradient(rpm) * F32(sr / 6000.0), 0.0, 1.0).astype(F32)
    load = dsp.one_pole_lp(F32(0.3) + F32(0.7) * load, 8.0, sr)
    x = engine_tone(rng, rpm / F32(60.0) * F32(cyl / 2.0), sr, 0.6 if twin else 0.2, load, cylinders=cyl)
    # A bike's exhaust is open and close to the ear: bright, rasping.
    rasp = dsp.bandpass(x, 800.0, 5000.0, sr) * F32(0.8)
    level = dsp.segment_env(n, [(0, 0.5), (0.3 * dur, 0.8), (dur, 1.0)], sr) * (F32(0.6) + F32(0.4) * load)
    return ((x + rasp) * level).astype(F32)  # mono: a widened copy would comb the harmonics


def airplane(p: Params) -> np.ndarray:
    return dsp.at_low_rate(_airplane, p)


def _airplane(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    gain, doppler, pan = _flyover(n, sr, dur, rng.uniform(0.45, 0.55) * dur, rng.uniform(70, 110), rng.uniform(150, 300))
    # A jet or prop airliner overhead: broadband roar (its low end carrying far), the fan's
    # tone shifting down as it passes, and the ground reflection combing the spectrum: a
    # notch series sweeping as the path difference changes (the "phasing" of a flyover).
    roar = dsp.lowpass(dsp.pink(rng, n), 2500.0, sr) + dsp.lowpass(dsp.brown(rng, n, sr), 200.0, sr) * F32(0.8)
    fan = dsp.narrowband_noise(rng, rng.uniform(700, 1200) * doppler, 60.0, n, sr) * F32(0.25)
    prop = np.zeros(n, dtype=F32)
    if rng.random() < 0.4:  # a propeller plane: a buzzy blade-pass tone
        prop = dsp.table_osc(dsp.harmonic_table(dsp.saw_amps(90.0, sr, 0.85, 30)), dsp.phase(rng.uniform(70, 110) * doppler, n, sr)) * F32(0.4)
    x = roar + fan + prop
    delay = (F32(0.0004) + F32(0.004) * (F32(1.0) - gain)) * F32(sr)  # samples, changing
    idx = np.clip(np.arange(n) - delay.astype(np.int64), 0, n - 1)
    x = x + x[idx] * F32(0.7)
    # Far away only the low roar arrives; overhead the highs open up.
    bright = dsp.highpass(x, 1200.0, sr) * gain
    return dsp.pan_moving(((x * F32(0.6) + bright) * (F32(0.1) + gain)).astype(F32), pan)


def ship_horn(p: Params) -> np.ndarray:
    return dsp.at_low_rate(_ship_horn, p)


def _ship_horn(p: Params) -> np.ndarray:
    rng, n, sr = p.rng, p.n, p.sr
    dur = p.duration
    # A ship's air horn or steam whistle: a big diaphragm driving a long trumpet, very low
    # (70-180 Hz), rich in harmonics, slow to speak, often two pitches a fifth apart.
    f0 = rng.uniform(70, 160)
    blast = min(dur - 0.5, rng.uniform(2.0, 3.2))
    m = int(blast * sr)
    t = dsp.times(m, sr)
    settle = 1.0 - 0.04 * np.exp(-t / F32(0.15))
    tone = np.zeros(m, dtype=F32)
    for f, g in ((f0, 1.0), (f0 * 1.5, 0.5 if rng.random() < 0.5 else 0.0)):
        if g:
            ph = dsp.phase(f * settle * (1.0 + 0.002 * np.sin(F32(dsp.TAU * 5.0) * t)), m, sr)
            tone += dsp.table_osc(dsp.pulse_table(10.0), ph) * F32(g)
    tone = np.tanh(tone * F32(2.5)).astype(F32)
    tone = dsp.formants(tone, (rng.uniform(300, 500), rng.uniform(900, 1300)), (150.0, 250.0), (1.0, 0.4), sr) + tone * F32(0.3)
    env = dsp.segment_env(m, [(0, 0), (0.25, 1.0), (blast - 0.3, 1.0), (blast, 0.0)], sr)
    out = np.zeros(n, dtype=F32)
    out[int(0.02 * sr):int(0.02 * sr) + m] = (tone * env)[: n - int(0.02 * sr)]
    # It carries over water and comes back from the shore: a long tail.
    return dsp.reverb_tail(rng, out, sr, 2.0, 0.5, 0.08, 2000.0)


GENERATORS = {"helicopter": helicopter, "motorcycle": motorcycle, "airplane": airplane, "ship_horn": ship_horn}
