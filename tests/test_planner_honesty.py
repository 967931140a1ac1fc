"""Honesty: a sound the engines cannot render is never planned as a sure match of another class.

The lexicon marks stand-ins (``?phrase``: "?elephant" under dog_bark, the nearest the engine has);
a match by one gets ``class_score`` under the server's miss threshold (0.5), so the event is
reported as a miss rather than silently played as something else. These captions were written for
this test (not taken from the lexicon): (a) sounds no class in models/sound_classes.py makes,
(b) sounds the classes do make, which must stay sure. Among (a) are sources known only by a
class's sound verb ("a kangaroo thumps", "the banjo twangs"): the verb says how it sounds, not
what sounds (``rules.unknown_source``).
"""
from __future__ import annotations

import pytest

from soundweaver.models.planner import RulePlanner, plan_narrative

PLANNER = RulePlanner(use_embeddings=False)
MISS_THRESHOLD = 0.5  # the server's: a class_score under it is reported as no_match


# (a) Sounds absent from the classes: animals, instruments, machines, household, nature.
# (caption, the word naming the source: the events whose caption holds it are that sound; a clause
# such as "across the lake" may add a sure bed of its own, which is not a substitution).
UNRENDERABLE = [
    ("an elephant trumpets", "elephant"),
    ("a pig oinks in its pen", "pig"),
    ("the toilet flushes", "toilet"),
    ("bagpipes drone across the glen", "bagpipes"),
    ("a vacuum cleaner roars in the hallway", "vacuum"),
    ("a dolphin clicks and whistles", "dolphin"),
    ("the cash register rings", "register"),
    ("a violin plays a slow melody", "violin"),
    ("the printer whirs", "printer"),
    ("a hair dryer blows", "dryer"),
    ("monkeys chatter in the canopy", "monkeys"),
    ("a donkey brays", "donkey"),
    ("a bear growls", "bear"),
    ("a gorilla beats its chest", "gorilla"),
    ("a saxophone wails in a smoky club", "saxophone"),
    ("an accordion wheezes out a tune", "accordion"),
    ("a choir sings in the nave", "choir"),
    ("a flute trills", "flute"),
    ("a harmonica plays the blues", "harmonica"),
    ("a lawnmower drones in the garden", "lawnmower"),
    ("a rattlesnake rattles", "rattlesnake"),
    ("the blender whirs", "blender"),
    ("a referee's whistle blows", "whistle"),
    ("a giraffe munches leaves", "giraffe"),
    ("a zebra snorts", "zebra"),
    ("a pig squeals", "pig"),
    ("a kangaroo thumps the ground", "kangaroo"),
    ("the washing machine spins", "washing"),
    ("a sewing machine stitches", "sewing"),
    ("an electric toothbrush buzzes", "toothbrush"),
    ("a jackhammer pounds the pavement", "jackhammer"),
    ("a power drill screams into the wall", "drill"),
    ("a dinosaur bellows", "dinosaur"),
    ("some strange animal calls", "animal"),
    ("a monster lurks in the shadows", "monster"),
    ("a beast snuffles at the door", "beast"),
    ("a creature skitters in the dark", "creature"),
    ("the banjo twangs", "banjo"),
    ("a drum kit pounds out a rhythm", "drum"),
    ("a camera flash pops", "camera"),
    ("an escalator hums", "escalator"),
    ("a deer bellows in the glade", "deer"),
    ("the squirrel chatters", "squirrel"),
    ("a moose calls across the lake", "moose"),
    ("a tambourine shakes", "tambourine"),
    ("a trumpeting elephant charges", "elephant"),
    ("a hippo grunts in the river", "hippo"),
]

# (b) Sounds the classes render: (caption, expected class).
RENDERABLE = [
    ("a dog barks", "dog_bark"),
    ("rain falls", "rain_light"),
    ("a door slams", "door_slam"),
    ("a horse gallops", "horse_gallop"),
    ("a church bell tolls", "church_bell"),
    ("a phone rings", "phone_ring"),
    ("thunder rolls", "thunder_distant"),
    ("footsteps on gravel", "footsteps_gravel"),
    ("thunder roars", "thunder_near"),
    ("the jet engine roars", "engine_roar"),
    ("a car engine starts", "car_engine"),
    ("a chainsaw buzzes through the trunk", "chainsaw"),
    ("a cat meows", "cat_meow"),
    ("a cow moos", "cow_moo"),
    ("a rooster crows at dawn", "rooster_crow"),
    ("a wolf howls at the moon", "wolf_howl"),
    ("crows caw", "crow_caw"),
    ("seagulls cry", "seagull"),
    ("geese honk overhead", "goose_honk"),
    ("bees buzz around the hive", "bees_buzz"),
    ("a lion roars", "lion_roar"),
    ("an owl hoots", "owl"),
    ("crickets chirp", "crickets"),
    ("frogs croak", "frogs"),
    ("birds sing", "birdsong"),
    ("an eagle screeches", "eagle_cry"),
    ("a whale sings", "whale_song"),
    ("bats flap their wings in the dark", "wing_flap"),
    ("a pigeon takes off", "wing_flap"),
    ("a baby cries", "baby_cry"),
    ("people laugh", "laughter"),
    ("the crowd cheers", "cheering"),
    ("a glass shatters", "glass_shatter"),
    ("glasses clink", "glass_clink"),
    ("a twig snaps", "twig_snap"),
    ("swords clash", "sword_clash"),
    ("a gunshot", "gunshot"),
    ("machine gun fire", "automatic_fire"),
    ("an arrow whizzes past", "bow_arrow"),
    ("a punch lands", "punch"),
    ("a helicopter flies over", "helicopter"),
    ("a motorcycle revs", "motorcycle"),
    ("a plane flies overhead", "airplane"),
    ("a foghorn sounds", "ship_horn"),
    ("someone knocks on the door", "knock"),
    ("the kettle whistles", "kettle_whistle"),
    ("bacon sizzles in the pan", "frying"),
    ("someone types on a keyboard", "typing"),
    ("a car horn honks", "car_horn"),
    ("tires screech", "tire_skid"),
    ("a train passes", "train_passing"),
    ("a clock ticks", "clock_tick"),
    ("the doorbell rings", "doorbell"),
    ("keys jingle", "keys_jingle"),
    ("a rusty gate squeaks", "gate_squeak"),
    ("the door creaks open", "door_creak"),
    ("a heart beats", "heartbeat"),
    ("a man coughs", "cough"),
    ("a woman screams", "scream"),
    ("an explosion", "explosion"),
    ("a campfire crackles", "campfire"),
    ("waves crash on the shore", "waves"),
    ("a stream babbles", "stream"),
    ("steam hisses", "steam_hiss"),
    ("a laser fires", "laser"),
    ("computers beep", "computer_beeps"),
    ("the fluorescent lights buzz", "electrical_hum"),
    ("a robot arm whirs", "servo_whir"),
    ("a horse neighs", "horse_neigh"),
    ("a cat purrs", "cat_purr"),
    ("a sheep bleats", "sheep_bleat"),
    ("a fox barks", "dog_bark"),
    ("wind howls", "wind_howling"),
    ("soft music plays", "music_bed"),
    ("a piano plays softly", "music_bed"),
    ("a triumphant fanfare", "music_stinger"),
    ("my ears ring after the blast", "tinnitus_ring"),
    ("a hand bell rings", "handbell"),
    ("the clock chimes midnight", "clock_chime"),
    ("rain water runs down the gutter", "stream"),  # water runs: not footsteps in water
    ("a man runs through the water", "footsteps_water"),
]


def _events(text: str):
    return plan_narrative(text, None, 0, PLANNER).events


@pytest.mark.parametrize("text,source", UNRENDERABLE)
def test_unrenderable_sound_is_not_a_sure_match(text, source):
    events = [e for e in _events(text) if source in e.caption.lower()]
    assert events, f"{text!r}: no event for {source!r}"
    sure = [(e.sound_class, round(e.class_score, 2)) for e in events if e.class_score >= MISS_THRESHOLD]
    assert not sure, f"{text!r} silently planned as {sure}"


@pytest.mark.parametrize("text,cls", RENDERABLE)
def test_renderable_sound_stays_sure(text, cls):
    events = _events(text)
    got = [(e.sound_class, round(e.class_score, 2)) for e in events]
    assert any(e.sound_class == cls and e.class_score >= MISS_THRESHOLD for e in events), f"{text!r}: {got}"
    assert all(e.class_score >= MISS_THRESHOLD for e in events), f"{text!r}: {got}"


def test_case_counts():
    assert len(UNRENDERABLE) >= 40 and len(RENDERABLE) >= 40


@pytest.mark.parametrize("text", ["the fluorescent lights buzz", "the old fridge hums", "a dog barks", "the door creaks"])
def test_a_known_source_keeps_its_sound_verb_sure(text):
    ev = _events(text)[0]
    assert ev.class_score >= MISS_THRESHOLD, (text, ev.sound_class, ev.class_score)


@pytest.mark.parametrize("text", ["an elephent", "the lawnmowr", "a generatr"])
def test_a_typo_that_lands_on_a_stand_in_stays_unsure(text):
    """"elephent" is corrected to the stand-in "elephant" (under dog_bark): still a guess."""
    ev = _events(text)[0]
    assert ev.class_score < MISS_THRESHOLD, (text, ev.sound_class, ev.class_score)


def test_a_sound_after_as_far_away_is_planned():
    classes = [e.sound_class for e in _events("Heavy rain pours on the roof as far away a wolf howls")]
    assert "wolf_howl" in classes and "rain_heavy" in classes
