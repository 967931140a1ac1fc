"""The rule planner: narrative text -> timed events (decomposition, parsing, modifiers, robustness)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from soundweaver.models import sound_classes
from soundweaver.models.bridge import stable_hash
from soundweaver.models.plan import EMOTIONS, SCENES, GameState, Layer
from soundweaver.models.planner import RulePlanner, plan_narrative, plan_to_dict
from soundweaver.models.planner.text import parse_number, stem

PLANNER = RulePlanner(use_embeddings=False)
# A development set of narratives in the plan scorer's format ({"text", "expect", "ordered"}), if
# the team's is at hand: SOUNDWEAVER_DEV_NARRATIVES=PATH. The held-out cases always run.
DEV = Path(os.environ.get("SOUNDWEAVER_DEV_NARRATIVES", "/nonexistent/narratives_dev.jsonl"))


def plan(text, state=None, seed=0):
    return plan_narrative(text, state, seed, PLANNER)


def classes(p):
    return [e.sound_class for e in p.events]


def first(p, cls):
    return next(e for e in p.events if e.sound_class == cls)


# -- the contract --------------------------------------------------------------------------------

def test_events_are_complete_and_valid():
    p = plan("Mystery chase: footsteps splashing in water, thunder roaring, car skidding, and a door slamming shut")
    assert [e.id for e in p.events] == [f"e{i}" for i in range(1, len(p.events) + 1)]
    assert [e.start_s for e in p.events] == sorted(e.start_s for e in p.events)
    for e in p.events:
        sc = sound_classes.get(e.sound_class)
        assert e.layer == sc.layer
        assert e.seed == stable_hash(0, e.id)
        assert e.emotion in EMOTIONS and e.scene in SCENES
        assert 0.0 <= e.intensity <= 1.0 and 0.0 <= e.distance <= 1.0
        assert e.duration_s > 0 and e.start_s >= 0
    assert {"footsteps_water", "thunder_near", "tire_skid", "door_slam"} <= set(classes(p))
    assert p.emotion == "mystery"
    assert first(p, "footsteps_water").caption == "footsteps splashing in water"  # the designer's words


def test_same_input_same_plan_and_seed_changes_seeds_only_in_a_stable_way():
    text = "Inside a tavern: crowd chatter, glasses clinking, a fire crackling in the hearth"
    a, b = plan_to_dict(plan(text, seed=3)), plan_to_dict(plan(text, seed=3))
    assert a == b
    c = plan(text, seed=4)
    assert classes(c) == [e["sound_class"] for e in a["events"]]
    assert [e.seed for e in c.events] == [stable_hash(4, e.id) for e in c.events]


def test_only_taxonomy_classes_are_emitted():
    texts = ["a goblin sneezes on the trampoline", "zzz", "Pirate ship: cannons boom, gulls cry",
             "Thunderstorm over the city: lightning cracks, car alarms wail, rain pours down"]
    for t in texts:
        for e in plan(t).events:
            assert e.sound_class in sound_classes.BY_NAME


# -- sequence, overlap, beds ---------------------------------------------------------------------

def test_sequence_follows_with_small_gaps_or_overlaps():
    p = plan("Footsteps on gravel, a gate squeaks open, a dog barks")
    steps, gate, dog = (first(p, c) for c in ("footsteps_gravel", "gate_squeak", "dog_bark"))
    assert steps.start_s < gate.start_s < dog.start_s
    # a designer overlaps a little or leaves a short gap, never a long silence
    assert gate.start_s - steps.start_s <= steps.duration_s + 0.6
    assert dog.start_s - gate.end_s <= 0.6


def test_then_waits_for_the_end():
    p = plan("A door creaks open, then a scream")
    door, scream = first(p, "door_creak"), first(p, "scream")
    assert door.end_s <= scream.start_s <= door.end_s + 0.8


@pytest.mark.parametrize("word", ["while", "as", "with"])
def test_overlap_words_overlap(word):
    p = plan(f"A dog barks {word} a car horn blares")
    dog, horn = first(p, "dog_bark"), first(p, "car_horn")
    assert abs(horn.start_s - dog.start_s) < 0.6
    assert horn.start_s < dog.end_s


def test_beds_start_at_zero_and_span_the_narrative():
    p = plan("Rain falls on the roof, a door slams, footsteps on wood, then a dog barks")
    rain = first(p, "rain_light")
    assert rain.start_s == 0.0
    assert rain.end_s >= max(e.end_s for e in p.events) - 1e-6
    assert rain.layer == Layer.AMBIENCE


def test_grows_into_is_a_crossfaded_sequence():
    p = plan("Rain starts softly, grows into a downpour, and distant thunder rolls in")
    light, heavy, thunder = first(p, "rain_light"), first(p, "rain_heavy"), first(p, "thunder_distant")
    assert light.start_s == 0.0 and light.intensity < 0.5
    assert light.start_s < heavy.start_s < light.end_s  # overlapping hand-over
    assert thunder.start_s >= heavy.start_s
    assert thunder.distance >= 0.7


def test_after_reorders():
    p = plan("A dog barks after the door slams")
    assert first(p, "door_slam").start_s < first(p, "dog_bark").start_s


def test_sentences_and_semicolons_sequence():
    p = plan("A wolf howls. The wind picks up; a twig snaps.")
    assert first(p, "wolf_howl").start_s < first(p, "twig_snap").start_s


def test_silence_leaves_a_gap():
    with_gap = plan("A door slams, silence, then a scream")
    without = plan("A door slams, then a scream")
    assert first(with_gap, "scream").start_s > first(without, "scream").start_s + 0.5


# -- modifiers -----------------------------------------------------------------------------------

def test_soft_loud_distant_near():
    soft, loud = plan("soft footsteps on stone"), plan("heavy footsteps on stone")
    assert soft.events[0].intensity < 0.5 < loud.events[0].intensity
    far, near = plan("a dog barks in the distance"), plan("a dog barks right next to you")
    assert first(far, "dog_bark").distance >= 0.7 > 0.3 >= first(near, "dog_bark").distance


@pytest.mark.parametrize("text,n", [("a dog barks twice", 2), ("a dog barks three times", 3),
                                    ("a dog barks once", 1), ("knock 4 times on the door", 4),
                                    ("two gunshots ring out", 2)])
def test_repeats(text, n):
    p = plan(text)
    assert len(p.events) == n
    starts = [e.start_s for e in p.events]
    assert all(b - a >= 0.3 for a, b in zip(starts, starts[1:]))
    assert len({e.id for e in p.events}) == n


def test_explicit_duration_and_total():
    p = plan("An alarm blares for 10 seconds, then an explosion")
    alarm = first(p, "alarm")
    assert alarm.duration_s == pytest.approx(10.0)
    assert first(p, "explosion").start_s >= alarm.end_s - 1e-6
    t = plan("Rain on a tent, an owl hoots, then a twig snaps. The total duration is 30 seconds.")
    assert t.duration_s == pytest.approx(30.0, abs=0.01)
    assert first(t, "rain_light").duration_s == pytest.approx(30.0, abs=0.01)
    assert first(t, "twig_snap").start_s > 10.0  # the sequence is spread over the total
    short = plan("footsteps, a door creaks, a door slams, a scream. Total length: 4 seconds")
    assert short.duration_s <= 4.0 + 1e-6
    assert all(e.end_s <= 4.0 + 1e-6 for e in short.events)


def test_running_footsteps_get_the_run_variant_and_surface_comes_from_words_switch_or_scene():
    assert plan("someone running on gravel").events[0].variant == "run"
    assert classes(plan("footsteps in the puddles")) == ["footsteps_water"]
    assert classes(plan("footsteps", GameState(switches={"surface": "snow"}))) == ["footsteps_snow"]
    assert "footsteps_stone" in classes(plan("Cave: footsteps echo"))
    assert "footsteps_wood" in classes(plan("Inside the cabin: footsteps"))


def test_scene_prefix_sets_scene_emotion_and_environment():
    p = plan("Inside a tavern: a glass shatters")
    assert p.scene == "small_room"
    assert "crowd_murmur" in classes(p)  # the tavern's ambience, implied by the prefix
    assert plan("Underwater: a whale song").scene == "underwater"
    assert plan("Horror corridor: a door creaks").emotion == "horror"
    assert plan("Victory! The crowd cheers").emotion == "triumphant"
    assert plan("A quiet forest at dawn: birds sing").emotion == "calm"


def test_music_policy():
    # a strong mood stated up front gets an underscore; calm ambience does not; asking for music does
    assert "music_bed" in classes(plan("Horror corridor: a slow heartbeat"))
    assert "music_bed" not in classes(plan("A quiet forest at dawn: birds singing, a twig snaps"))
    assert "music_bed" in classes(plan("soft piano music plays while rain falls"))
    assert "music_bed" not in classes(plan("a dog barks, then a nervous cough"))
    assert "music_bed" in classes(plan("a dog barks", GameState(parameters={"tension": 0.9})))


# -- lexicon breadth (designer wording) ----------------------------------------------------------

@pytest.mark.parametrize("text,cls", [
    ("screeching brakes", "tire_skid"), ("puddles underfoot as she walks", "footsteps_water"),
    ("a downpour", "rain_heavy"), ("drizzle", "rain_light"), ("the brook babbles", "stream"),
    ("a twig cracks", "twig_snap"), ("a hawk screeches", "eagle_cry"), ("the crowd applauds", "cheering"),
    ("glasses clink", "glass_clink"), ("a window smashes", "glass_shatter"), ("a bomb detonates", "explosion"),
    ("rubble falls", "debris"), ("an earthquake rumbles", "rock_rumble"), ("a sword is drawn", "sword_draw"),
    ("the hinges creak", "door_creak"), ("the door slams shut", "door_slam"), ("a rusty gate", "gate_squeak"),
    ("a bunch of keys jangles", "keys_jingle"), ("pipes clank", "valve_clank"), ("a grandfather clock", "clock_tick"),
    ("a truck revs", "car_engine"), ("a taxi honks", "car_horn"), ("a freight train rumbles past", "train_passing"),
    ("rush hour traffic", "traffic"), ("a rocket launches", "engine_roar"), ("embers crackle", "campfire"),
    ("the inferno rages", "blaze"), ("a nightingale sings", "birdsong"), ("an owl hoots", "owl"),
    ("cicadas buzz", "crickets"), ("bullfrogs croak", "frogs"), ("a hound growls", "dog_bark"),
    ("a humpback whale calls", "whale_song"), ("a room full of chatter", "crowd_murmur"),
    ("a fluorescent light buzzes", "electrical_hum"), ("the generator powers up", "power_up"),
    ("a siren wails", "alarm"), ("the console beeps", "computer_beeps"), ("blasters fire", "laser"),
    ("steam hisses from a vent", "steam_hiss"), ("a robot arm whirs", "servo_whir"),
    ("her heart pounds", "heartbeat"), ("he pants, out of breath", "breathing"), ("grunts of effort", "voice_grunt"),
    ("a bloodcurdling shriek", "scream"), ("the old man coughs", "cough"), ("ears ringing after the blast", "tinnitus_ring"),
    ("an orchestral score swells", "music_bed"), ("a brass fanfare", "music_stinger"), ("tyres squeal", "tire_skid"),
    ("the floorboards creak", "wood_creak"), ("boots crunch through snow", "footsteps_snow"),
    ("footfalls on a metal catwalk", "footsteps_metal"), ("water drips in the cave", "cave_drips"),
    ("waves crash on the shore", "waves"), ("bubbles rise", "underwater_bubbles"), ("water laps at the dock", "water_lapping"),
    ("a splash", "splash"), ("the howling blizzard", "wind_howling"), ("a gust of wind", "wind_gusts"),
    ("thunder cracks overhead", "thunder_near"), ("thunder rumbles far away", "thunder_distant"),
    ("a body hits the floor", "body_fall"), ("a metal pipe clangs", "metal_clang"), ("a crate splinters", "wood_break"),
    # sounds the library once substituted (a horse as a dog, a phone as beeps, a bell as a clang)
    ("a horse gallops across a wooden bridge", "horse_gallop"), ("hooves clip-clop on the cobbles", "horse_gallop"),
    ("the horse neighs", "horse_neigh"), ("a whinny", "horse_neigh"), ("a cat meows", "cat_meow"),
    ("a cat purrs", "cat_purr"), ("cows moo", "cow_moo"), ("a sheep bleats", "sheep_bleat"),
    ("a rooster crows", "rooster_crow"), ("a wolf howls", "wolf_howl"), ("crows caw", "crow_caw"),
    ("seagulls cry", "seagull"), ("geese honk", "goose_honk"), ("bees buzz", "bees_buzz"), ("a lion roars", "lion_roar"),
    ("a church bell tolls", "church_bell"), ("the doorbell rings", "doorbell"), ("a bell rings", "handbell"),
    ("the clock chimes", "clock_chime"), ("wind chimes tinkle", "wind_chime"), ("a phone rings", "phone_ring"),
    ("the ringing phone", "phone_ring"), ("typing on a keyboard", "typing"), ("someone knocks on the door", "knock"),
    ("the kettle whistles", "kettle_whistle"), ("bacon sizzling", "frying"), ("chopping vegetables", "chopping"),
    ("the tap is running", "water_tap"), ("a gunshot", "gunshot"), ("gunfire", "gunshot"),
    ("a machine gun rattles", "automatic_fire"), ("an arrow whizzes past", "bow_arrow"), ("the bowstring twangs", "bow_arrow"),
    ("he punches the guard", "punch"), ("a helicopter flies overhead", "helicopter"), ("the chopper's rotor", "helicopter"),
    ("a motorcycle revs", "motorcycle"), ("an airplane flies over", "airplane"), ("the foghorn", "ship_horn"),
    ("polite applause", "applause"), ("she laughs", "laughter"), ("a baby cries", "baby_cry"),
    ("the baby is crying", "baby_cry"), ("a baby wails", "baby_cry"),
])
def test_lexicon(text, cls):
    assert cls in classes(plan(text)), (text, classes(plan(text)))


def test_counts_repeat_new_one_shots():
    """ "tolls three times" counts like "thunder three times": one toll per event."""
    assert classes(plan("a church bell tolls three times")) == ["church_bell"] * 3
    assert classes(plan("someone knocks twice")) == ["knock"] * 2


def test_stemmer_joins_inflections():
    assert stem("crackles") == stem("crackling") == stem("crackle")
    assert stem("slammed") == stem("slams") == stem("slam")
    assert stem("horses") == stem("horse")
    assert stem("busy") != stem("bus")
    assert parse_number("twenty-five") == 25 and parse_number("a couple of") == 2


# -- robustness ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "\n\t", ":::", "...", "then and while"])
def test_empty_text_is_an_empty_plan_with_a_notice(text):
    p = plan(text)
    assert p.events == []
    assert p.notices and p.notices[0].code == "empty_narrative"


def test_unmatched_phrase_is_substituted_with_a_notice():
    p = plan("a flurgle wibbles, then a door slams")
    assert "door_slam" in classes(p)
    subs = [n for n in p.notices if n.code == "class_substituted"]
    assert len(subs) == 1 and "flurgle" in subs[0].message
    assert any(cls in subs[0].message for cls in sound_classes.NAMES)


@pytest.mark.parametrize("text", ["日本語の雨の音", "ЗВУК ДОЖДЯ и гром", "🌧️⚡🚗💥", "\x00\x01\u200b\ufeff",
                                  "Ω≈ç√∫˜µ≤≥÷", "a" * 20000, "rain, " * 500, "\ud800 lone surrogate",
                                  "for 99999999999999999999 seconds", "The total duration is 0 seconds.",
                                  "twice " * 50, "door slams 1000000 times", "((((((", "{\"events\": []}"])
def test_arbitrary_text_never_crashes(text):
    p = plan(text)
    assert not [n for n in p.notices if n.code == "planner_error"], p.notices
    assert len(p.events) <= 1600
    for e in p.events:
        assert e.sound_class in sound_classes.BY_NAME and e.duration_s > 0
    json.dumps(plan_to_dict(p))


def test_plan_to_dict_has_exactly_the_cli_fields():
    d = plan_to_dict(plan("a door slams"))
    assert list(d) == ["events"]
    assert set(d["events"][0]) == {"id", "caption", "sound_class", "layer", "start_s", "duration_s", "emotion",
                                   "scene", "intensity", "distance", "class_score",
                                   "engine", "match", "match_score", "miss"}  # the last four: once routed
    assert d["events"][0]["layer"] == "foley"


def test_module_cli_prints_json():
    out = subprocess.run([sys.executable, "-m", "soundweaver.models.planner", "--json", "a door slams, then a scream"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    events = json.loads(out.stdout)["events"]
    assert [e["sound_class"] for e in events] == ["door_slam", "scream"]


def test_default_path_does_not_import_torch():
    code = ("import sys; from soundweaver.models.planner import plan_narrative, RulePlanner, make_timeline;"
            "from soundweaver.models.plan import Cue, GameState;"
            "plan_narrative('Mystery chase: footsteps splashing in water, thunder roaring');"
            "plan_narrative('a flurgle wibbles', planner=RulePlanner(use_embeddings=False));"
            "tl = make_timeline(RulePlanner(use_embeddings=False), 1, GameState(states={'weather': 'storm'}));"
            "tl.advance(0); tl.apply_cue(Cue('a door slams'), 1.0); tl.advance(30.0);"
            "heavy = [m for m in ('torch', 'transformers', 'diffusers', 'xgrammar', 'sentence_transformers',"
            "'matplotlib') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# -- a development set (the quality bar) ------------------------------------------------------

def score(cases, planner=PLANNER):
    """recall and order as the plan scorer computes them, in process."""
    from test_planner_heldout import match
    total = hit = ordered_n = ordered_ok = 0
    misses = []
    for case in cases:
        events = plan_to_dict(plan_narrative(case["text"], None, 0, planner))["events"]
        found = match(events, case["expect"])
        total += len(found)
        hit += sum(f is not None for f in found)
        if case.get("ordered"):
            ordered_n += 1
            starts = [f[1] for f in found if f is not None]
            ok = all(f is not None for f in found) and all(x <= y for x, y in zip(starts, starts[1:]))
            ordered_ok += ok
            if not ok:
                misses.append((case["text"], "order"))
        misses += [(case["text"], case["expect"][i]) for i, f in enumerate(found) if f is None]
    return hit / max(total, 1), (ordered_ok / ordered_n if ordered_n else 1.0), misses


def test_dev_set_meets_the_quality_bar():
    if not DEV.exists():
        pytest.skip("no development set: SOUNDWEAVER_DEV_NARRATIVES=PATH runs it")
    cases = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    recall, order, misses = score(cases)
    assert recall >= 0.95 and order >= 0.95, misses
