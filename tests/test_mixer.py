"""Mixer, limiter, reverb and format conversion, on synthetic signals with known answers."""
from __future__ import annotations

import numpy as np
import pytest

from soundweaver.engines import pcm
from soundweaver.engines.base import Clip
from soundweaver.engines.limiter import Limiter, true_peak_dbfs
from soundweaver.engines.base import clip_lufs
from soundweaver.engines.mixer import (BED_FADE_S, FOREGROUND_MARGIN_LU, LAYER_GAIN_DB, MAX_DUCK_DB, URGENT_DUCK_DB, Mixer,
                                       StreamMixer, bed_duck_db, equal_power_fade)
from soundweaver.engines.reverb import SceneReverb
from soundweaver.models.plan import AudioFormat, Encoding, Layer, SoundEvent

SR = 24000


def _event(eid, layer=Layer.FOLEY, start=0.0, dur=1.0, intensity=0.8, distance=0.0):
    return SoundEvent(eid, eid, "test", layer, start, dur, intensity=intensity, distance=distance)


def _clip(x):
    x = np.asarray(x, np.float32)
    return Clip(np.stack([x, x], 1) if x.ndim == 1 else x, SR, "test")


def _stream(mixer: Mixer, seconds: float, block: int = 480) -> np.ndarray:
    n = int(seconds * SR)
    return np.concatenate([mixer.mix(block) for _ in range(0, n, block)])


def _dry_mixer():
    m = Mixer(SR, "open_air")
    m.reverb.process = lambda send: np.zeros_like(send)  # isolate the dry path
    return m


def test_equal_power_fades_sum_to_unit_power():
    n = 1000
    p = equal_power_fade(n, True) ** 2 + equal_power_fade(n, False) ** 2
    assert np.allclose(p, 1.0)


def test_placement_is_sample_accurate():
    m = _dry_mixer()
    imp = np.zeros(400)
    imp[200] = 0.5
    m.add(_event("a"), _clip(imp), 1234)
    out = _stream(m, 0.2)
    assert int(np.argmax(np.abs(out[:, 0]))) == 1234 + 200


def test_stream_mixer_emits_frame_f_as_session_frame_f():
    sm = StreamMixer(AudioFormat(SR, 2, Encoding.PCM_F32LE))
    sm.mixer.reverb.process = lambda send: np.zeros_like(send)
    imp = np.zeros(100)
    imp[50] = 0.5
    sm.mixer.add(_event("a"), _clip(imp), 3000)
    out = np.concatenate([sm.next_chunk(480) for _ in range(20)])
    assert int(np.argmax(np.abs(out[:, 0]))) == 3050


def test_bed_crossfade_keeps_level_and_has_no_jump():
    """Two segments of one noise bed overlapping by BED_FADE_S: the join is inaudible."""
    rng = np.random.default_rng(0)
    seg = int(4 * SR)
    noise = rng.standard_normal(2 * seg).astype(np.float32) * 0.1  # two independent renders
    m = _dry_mixer()
    overlap = int(BED_FADE_S * SR)
    m.add(_event("b1", Layer.AMBIENCE, dur=4), _clip(noise[:seg]), 0)
    m.add(_event("b2", Layer.AMBIENCE, dur=4), _clip(noise[seg:]), seg - overlap)
    out = _stream(m, 7.0)[:, 0]
    win = SR // 10
    # level in 100 ms windows through the middle (excluding the fade-in and fade-out) stays within 1.5 dB
    rms = [np.sqrt(np.mean(out[i: i + win] ** 2)) for i in range(overlap + win, 2 * seg - 2 * overlap - win, win)]
    ref = 0.1 * 10 ** (LAYER_GAIN_DB[Layer.AMBIENCE] / 20)
    assert max(abs(20 * np.log10(r / ref)) for r in rms) < 1.5
    # no sample-to-sample jump larger than the noise's own
    assert np.abs(np.diff(out)).max() < 1.2 * np.abs(np.diff(noise)).max()


def test_foreground_event_ducks_beds_smoothly_to_the_margin():
    """A bed at the convention's level for intensity 0.8 (-23.6 LUFS, -27.6 after its bus gain)
    and a foley event at intensity 0.5 (-29 LUFS): beds go FOREGROUND_MARGIN_LU under the event."""
    m = _dry_mixer()
    bed = np.full(int(5 * SR), 0.1, np.float32)
    m.add(_event("bed", Layer.AMBIENCE, dur=5), _clip(bed), 0)
    m.add(_event("hit", Layer.FOLEY, start=1.5, dur=0.5, intensity=0.5), _clip(np.zeros(int(0.5 * SR))),
          int(1.5 * SR))
    out = _stream(m, 3.0)[:, 0]
    before = out[int(1.2 * SR): int(1.4 * SR)].mean()
    during = out[int(1.6 * SR): int(1.95 * SR)].mean()
    want = bed_duck_db([clip_lufs(0.5, 0.0)], [clip_lufs(0.8, 0.0) + LAYER_GAIN_DB[Layer.AMBIENCE]], urgent=True)
    assert want == pytest.approx(-29.0 - FOREGROUND_MARGIN_LU + 27.6)
    assert 20 * np.log10(during / before) == pytest.approx(want, abs=0.1)
    onset = out[int(1.5 * SR) - 2: int(1.5 * SR) + 2].mean()  # the duck starts before the onset ...
    assert 20 * np.log10(onset / before) < want + 1.0
    assert np.abs(np.diff(out[int(1.3 * SR): int(2.9 * SR)])).max() < 0.002  # ... as a ramp, not a step
    assert out[int(2.8 * SR): int(2.9 * SR)].mean() == pytest.approx(before, rel=0.02)  # and recovers


def test_bed_duck_db_follows_the_quietest_event_within_bounds():
    assert bed_duck_db([], [-30.0]) == 0.0 and bed_duck_db([-20.0], []) == 0.0
    assert bed_duck_db([-20.0], [-40.0]) == 0.0  # already far enough under
    assert bed_duck_db([-20.0, -26.0], [-30.0]) == pytest.approx(-26.0 - FOREGROUND_MARGIN_LU + 30.0)
    two_beds = -30.0 + 10 * np.log10(2)  # beds add as powers
    assert bed_duck_db([-30.0], [-30.0, -30.0]) == pytest.approx(-30.0 - FOREGROUND_MARGIN_LU - two_beds)
    assert bed_duck_db([-60.0], [-20.0]) == MAX_DUCK_DB
    assert bed_duck_db([-20.0], [-40.0], urgent=True) == URGENT_DUCK_DB  # a sidechain dip regardless
    assert bed_duck_db([-20.0], [-18.0], urgent=True) == pytest.approx(-20.0 - FOREGROUND_MARGIN_LU + 18.0)


def test_stop_fades_out_instead_of_cutting():
    m = _dry_mixer()
    m.add(_event("tone"), _clip(0.3 * np.sin(2 * np.pi * 200 * np.arange(SR) / SR)), 0)
    first = m.mix(4800)
    m.stop("tone")
    rest = _stream(m, 0.2)[:, 0]
    assert np.abs(rest[:100]).max() > 0.05  # still sounding right after stop ...
    assert np.abs(rest[int(0.06 * SR):]).max() == 0.0  # ... and silent after the fade
    assert np.abs(np.diff(np.concatenate([first[:, 0], rest]))).max() < 0.05


def test_limiter_keeps_true_peak_below_ceiling():
    t = np.arange(2 * SR) / SR
    x = np.stack([1.8 * np.sin(2 * np.pi * 997 * t), 0.4 * np.sin(2 * np.pi * 3001 * t)], 1)
    x[SR // 2: SR // 2 + 50] *= 2.5  # a transient on top
    lim = Limiter(SR, 2, ceiling_db=-1.0)
    out = np.concatenate([lim.process(x[i: i + 480]) for i in range(0, len(x), 480)])
    assert true_peak_dbfs(out) <= -0.95
    assert np.isfinite(out).all()


def test_limiter_is_transparent_below_threshold():
    t = np.arange(SR) / SR
    x = np.stack([0.3 * np.sin(2 * np.pi * 440 * t)] * 2, 1)
    lim = Limiter(SR, 2)
    out = np.concatenate([lim.process(x[i: i + 480]) for i in range(0, len(x), 480)])
    assert np.abs(out[lim.latency:] - x[: -lim.latency]).max() < 1e-6


def test_reverb_tail_decays_and_blocks_any_size():
    rv = SceneReverb(SR, "hall")
    imp = np.zeros((3 * SR, 2))
    imp[0] = 1.0
    a = np.concatenate([rv.process(imp[i: i + 480]) for i in range(0, len(imp), 480)])
    rv2 = SceneReverb(SR, "hall")
    b = rv2.process(imp)  # one big block is split internally; same result
    assert np.allclose(a, b, atol=1e-9)
    early = np.mean(a[int(0.1 * SR): int(0.3 * SR)] ** 2)
    late = np.mean(a[int(2.0 * SR): int(2.2 * SR)] ** 2)
    assert 10 * np.log10(early / late) > 30  # hall rt60 2.2 s: about 50 dB in 1.9 s
    assert np.corrcoef(a[:, 0], a[:, 1])[0, 1] < 0.5  # decorrelated stereo


@pytest.mark.parametrize("encoding", list(Encoding))
@pytest.mark.parametrize("channels", [1, 2])
def test_format_conversion_round_trip(encoding, channels):
    rng = np.random.default_rng(1)
    x = (rng.uniform(-0.6, 0.6, (480, 2))).astype(np.float32)  # mono sum stays in range
    y = pcm.downmix(x, channels)
    data = pcm.encode(y, encoding)
    assert len(data) == 480 * channels * encoding.bytes_per_sample
    back = pcm.decode(data, encoding, channels)
    assert back.shape == (480, channels)
    assert np.abs(back - y).max() < (1e-7 if encoding is Encoding.PCM_F32LE else 1 / 32767 + 1e-6)


def test_s16_clips_instead_of_wrapping():
    data = pcm.encode(np.array([[1.5], [-1.5]], np.float32), Encoding.PCM_S16LE)
    assert list(np.frombuffer(data, "<i2")) == [32767, -32768]


def test_true_peak_skips_only_tiles_that_cannot_reach_the_floor():
    from soundweaver.engines.limiter import true_peak, true_peak_above
    rng = np.random.default_rng(3)
    x = rng.standard_normal((20_000, 2)) * 0.05
    x[7_000:7_300] = 0.9 * np.sin(np.arange(300) * 2.0 + 0.4)[:, None]  # peaks fall between samples
    full, fast = true_peak(x), true_peak_above(x, 0.4)
    hot = full >= 0.4
    assert np.allclose(fast[hot], full[hot])
    assert fast.max() == full.max() > np.abs(x).max() + 0.01  # the peak between samples is found
    assert np.all(fast[~hot] < 0.4)


def test_limiter_releases_through_quiet_blocks():
    """A loud block, then quiet ones while the gain is still recovering (the soak found a crash
    here): output stays finite, under the ceiling, and returns to unity gain."""
    lim = Limiter(SR, 2)
    t = np.arange(480) / SR
    loud = np.stack([1.5 * np.sin(2 * np.pi * 300 * t)] * 2, 1)
    quiet = np.stack([0.01 * np.sin(2 * np.pi * 300 * t)] * 2, 1)
    out = [lim.process(loud)] + [lim.process(quiet) for _ in range(60)]
    y = np.concatenate(out)
    assert np.isfinite(y).all() and true_peak_dbfs(y) <= -0.95
    assert np.abs(out[-1]).max() == pytest.approx(0.01, rel=0.02)  # released
