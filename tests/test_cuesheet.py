"""Cue sheets: TOML designer scripting, templates, game-state mappings, errors with line and reason."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from soundweaver.models.plan import Cue, GameState
from soundweaver.models.planner import CueSheetError, CueSheetWatcher, RulePlanner, load_cue_sheet, make_timeline
from soundweaver.models.planner.curves import DEFAULT_CURVES, Curve, evaluate

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PLANNER = RulePlanner(use_embeddings=False)

GOOD = '''
[defaults]
weather = "rain"

[cues.arrive]
text = "{weather} at the {location}: footsteps approach"
defaults = { location = "harbor" }

[cues.door]
text = "a door slams"

[[curves]]
parameter = "tension"
target = "music.intensity"
points = [[0.0, 0.1], [1.0, 1.0]]

[states.weather.acid_rain]
scene = "open_air"
beds = [{ class = "rain_heavy", caption = "acid rain sizzling", intensity = 0.6 }]
recurring = [{ class = "steam_hiss", caption = "acid hissing", every = [3.0, 6.0] }]

[switches.surface]
carpet = "footsteps_wood"
'''


def write(tmp_path, text, name="cues.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_every_example_cue_sheet_loads_and_expands():
    files = sorted(EXAMPLES.glob("*.toml"))
    assert files, "examples/*.toml missing"
    for f in files:
        sheet = load_cue_sheet(f)
        assert sheet.cues
        for name in sheet.cues:
            text = sheet.expand(Cue(script=name), GameState(states={"weather": "storm", "location": "crypt"}))
            assert "{" not in text
            assert PLANNER.decompose(text).events


def test_template_values_come_from_args_defaults_state_and_sheet(tmp_path):
    sheet = load_cue_sheet(write(tmp_path, GOOD))
    assert sheet.expand(Cue(script="arrive"), GameState()) == "rain at the harbor: footsteps approach"
    st = GameState(states={"weather": "storm", "location": "cave"})
    assert sheet.expand(Cue(script="arrive"), st) == "storm at the harbor: footsteps approach"  # cue default
    assert sheet.expand(Cue(script="arrive", args={"location": "old_bridge"}), st) == \
        "storm at the old bridge: footsteps approach"


def test_unknown_cue_and_missing_value_raise_keyerror_with_a_clear_message(tmp_path):
    sheet = load_cue_sheet(write(tmp_path, GOOD + '\n[cues.odd]\ntext = "{creature} growls"\n'))
    with pytest.raises(KeyError, match="unknown scripted cue 'nope'.*known: arrive, door, odd"):
        sheet.expand(Cue(script="nope"), GameState())
    with pytest.raises(KeyError, match="creature"):
        sheet.expand(Cue(script="odd"), GameState())


def test_curves_states_and_switches_reach_the_timeline(tmp_path):
    sheet = load_cue_sheet(write(tmp_path, GOOD))
    assert sheet.curves[0] == Curve("tension", "music.intensity", ((0.0, 0.1), (1.0, 1.0)))
    tl = make_timeline(PLANNER, 1, GameState({"tension": 1.0}, {"weather": "acid_rain"}, {"surface": "carpet"}),
                       cue_sheet=sheet)
    ch = tl.advance(0.0)
    assert any(e.sound_class == "rain_heavy" and e.caption == "acid rain sizzling" for e in ch.added)
    music = [e for e in ch.added if e.sound_class == "music_bed"]
    assert music and music[0].intensity == pytest.approx(1.0)  # the sheet's curve beats the default
    for t in range(1, 20):
        tl.advance(float(t))
    assert any(e.caption == "acid hissing" for e in tl.plan.events)
    ch = tl.apply_cue(Cue(script="arrive", cue_id="a"), 20.0)
    assert any(e.sound_class == "footsteps_wood" for e in ch.added)  # switch carpet -> wood
    ch = tl.apply_cue(Cue(script="missing", cue_id="m"), 21.0)
    assert ch.notices[0].code == "cue_rejected" and "missing" in ch.notices[0].message


@pytest.mark.parametrize("text,line,reason", [
    ('[cues.a]\ntext = "x"\n\n[cues.b\ntext = "y"\n', 4, "TOML syntax error"),
    ('[cues.a]\ntext = "unterminated\n', 2, "TOML syntax error"),
    ('[cues.a]\ntext = ""\n', 2, "non-empty text"),
    ('[cues.a]\ntext = "ok"\ncolour = "red"\n', 3, "unknown key 'colour'"),
    ('[cues.a]\ntext = "bad {field"\n', 2, "bad template"),
    ('[cues.a]\ntext = "{0} x"\n', 2, "plain name"),
    ('\n[[curves]]\nparameter = "tension"\ntarget = "music.loudness"\npoints = [[0, 0]]\n', 4, "unknown curve target"),
    ('[[curves]]\nparameter = "t"\ntarget = "music.intensity"\npoints = [[1, 0], [0, 1]]\n', 4, "sorted"),
    ('[[curves]]\nparameter = "t"\ntarget = "music.intensity"\npoints = "steep"\n', 4, "number pairs"),
    ('[[curves]]\ntarget = "music.intensity"\npoints = [[0, 1]]\n', 1, "needs 'parameter'"),
    ('[[curves]]\nparameter = "t"\ntarget = "class.unicorn.presence"\npoints = [[0, 1]]\n', 3, "unicorn"),
    ('[states.weather.storm]\nbeds = [{ class = "rain_purple" }]\n', 2, "unknown bed class 'rain_purple'"),
    ('[states.weather.storm]\nscene = "moon"\n', 2, "unknown scene 'moon'"),
    ('[states.weather.storm]\nrecurring = [{ class = "owl", every = [5, 1] }]\n', 2, "every must be"),
    ('[switches.surface]\nsnow = "footsteps_sand"\n', 2, "unknown sound class 'footsteps_sand'"),
    ('[cuez.a]\ntext = "x"\n', 1, "unknown section [cuez]"),
])
def test_malformed_files_fail_with_file_line_and_reason(tmp_path, text, line, reason):
    p = write(tmp_path, text)
    with pytest.raises(CueSheetError) as info:
        load_cue_sheet(p)
    err = info.value
    assert err.path == str(p) and err.line == line, str(err)
    assert reason in str(err)
    assert str(err).startswith(f"{p}:{line}: ")


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(CueSheetError, match="cannot read"):
        load_cue_sheet(tmp_path / "nope.toml")
    p = tmp_path / "bin.toml"
    p.write_bytes(b'[cues.a]\ntext = "caf\xe9"\n')
    with pytest.raises(CueSheetError, match="UTF-8") as info:
        load_cue_sheet(p)
    assert info.value.line == 2


def test_watcher_reloads_on_change_and_keeps_the_last_good_sheet(tmp_path):
    p = write(tmp_path, GOOD)
    w = CueSheetWatcher(p)
    assert w.poll() is False and "door" in w.sheet.cues
    p.write_text(GOOD + '\n[cues.extra]\ntext = "a scream"\n')
    os.utime(p, ns=(1, w.sheet.mtime_ns + 10_000_000))
    assert w.poll() is True and "extra" in w.sheet.cues and w.error is None
    p.write_text("[cues.broken\n")
    os.utime(p, ns=(1, w.sheet.mtime_ns + 20_000_000))
    assert w.poll() is False
    assert w.error is not None and w.error.line == 1
    assert "extra" in w.sheet.cues  # last good sheet still in use


def test_default_curves():
    assert evaluate(DEFAULT_CURVES, {"tension": 1.0}, "music.intensity") == pytest.approx(0.9)
    assert evaluate(DEFAULT_CURVES, {"tension": 0.0}, "music.presence") == 0.0
    assert evaluate(DEFAULT_CURVES, {}, "music.presence") is None  # only when the game sends it
    assert evaluate(DEFAULT_CURVES, {"tension": 0.75}, "stinger.probability") == pytest.approx(0.4)
