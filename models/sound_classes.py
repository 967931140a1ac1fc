"""The sound taxonomy shared by planner and engines.

Every class here must be renderable by the procedural engine (tests enforce it), and the planner
may only emit classes listed here. Per-class words that map text to classes live in the planner's
lexicon; how a class sounds lives in ``engines.procedural``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .plan import Layer


@dataclass(frozen=True)
class SoundClass:
    name: str
    family: str
    layer: Layer
    default_duration_s: float
    bed: bool = False  # a continuous texture that can be extended (ambience or music bed)
    description: str = ""


def _c(name, family, layer, dur, bed=False, desc=""):
    return SoundClass(name, family, layer, dur, bed, desc)


A, F, M, S, V = Layer.AMBIENCE, Layer.FOLEY, Layer.MUSIC, Layer.STINGER, Layer.VOICE

SOUND_CLASSES: tuple[SoundClass, ...] = (
    # weather
    _c("rain_light", "weather", A, 12.0, True, "light rain, soft patter"),
    _c("rain_heavy", "weather", A, 12.0, True, "heavy rain, downpour"),
    _c("thunder_near", "weather", F, 4.0, False, "close thunder crack and roar"),
    _c("thunder_distant", "weather", F, 6.0, False, "distant rolling thunder"),
    _c("wind_gusts", "weather", A, 12.0, True, "gusting wind"),
    _c("wind_howling", "weather", A, 12.0, True, "howling wind, blizzard"),
    # water
    _c("stream", "water", A, 12.0, True, "stream or brook trickling"),
    _c("splash", "water", F, 1.2, False, "splash into water"),
    _c("cave_drips", "water", A, 10.0, True, "water drips in a cave"),
    _c("waves", "water", A, 12.0, True, "waves on a shore"),
    _c("underwater_bubbles", "water", A, 8.0, True, "bubbles, underwater"),
    _c("water_lapping", "water", A, 10.0, True, "water lapping against a hull or dock"),
    _c("waterfall", "water", A, 12.0, True, "a waterfall roaring, rapids"),
    # footsteps (variant "run" for running)
    _c("footsteps_stone", "footsteps", F, 3.0, False, "footsteps on stone"),
    _c("footsteps_wood", "footsteps", F, 3.0, False, "footsteps on wooden floorboards"),
    _c("footsteps_gravel", "footsteps", F, 3.0, False, "footsteps on gravel"),
    _c("footsteps_water", "footsteps", F, 3.0, False, "footsteps splashing through water and puddles"),
    _c("footsteps_metal", "footsteps", F, 3.0, False, "footsteps on metal grating"),
    _c("footsteps_snow", "footsteps", F, 3.0, False, "footsteps crunching in snow"),
    # impacts and breaks
    _c("glass_shatter", "impacts", F, 1.5, False, "glass shattering"),
    _c("wood_break", "impacts", F, 1.2, False, "wood cracking and breaking"),
    _c("metal_clang", "impacts", F, 1.5, False, "metal clang"),
    _c("body_fall", "impacts", F, 1.0, False, "a body falling to the floor"),
    _c("explosion", "impacts", F, 4.0, False, "explosion"),
    _c("debris", "impacts", F, 3.0, False, "debris and rubble falling"),
    _c("rock_rumble", "impacts", F, 4.0, False, "rocks rumbling, earthquake"),
    _c("twig_snap", "impacts", F, 0.5, False, "a twig snapping"),
    _c("sword_clash", "impacts", F, 2.0, False, "metal blades clashing"),
    _c("glass_clink", "impacts", F, 1.5, False, "glasses clinking"),
    _c("pop", "impacts", F, 1.0, False, "a balloon or cork popping"),
    # doors and mechanisms
    _c("door_creak", "doors", F, 2.5, False, "door creaking open"),
    _c("door_slam", "doors", F, 1.2, False, "door slamming shut"),
    _c("gate_squeak", "doors", F, 2.0, False, "gate hinge squeaking"),
    _c("keys_jingle", "doors", F, 1.5, False, "keys jingling"),
    _c("valve_clank", "doors", F, 1.5, False, "valve or pipe clanking"),
    _c("clock_tick", "doors", A, 8.0, True, "clock ticking"),
    _c("wood_creak", "doors", F, 5.0, False, "timbers, ropes or floorboards creaking under load"),
    # vehicles
    _c("car_engine", "vehicles", F, 5.0, False, "car engine running, revving, pulling away"),
    _c("tire_skid", "vehicles", F, 1.8, False, "tires skidding, brakes screeching"),
    _c("car_horn", "vehicles", F, 1.0, False, "car horn"),
    _c("train_passing", "vehicles", F, 8.0, False, "train passing"),
    _c("traffic", "vehicles", A, 12.0, True, "city traffic"),
    _c("engine_roar", "vehicles", F, 4.0, False, "jet or rocket engine roar"),
    # fire
    _c("campfire", "fire", A, 10.0, True, "campfire crackling"),
    _c("blaze", "fire", A, 10.0, True, "large fire roaring"),
    # creatures and crowds
    _c("birdsong", "creatures", A, 10.0, True, "birds singing"),
    _c("owl", "creatures", F, 2.5, False, "an owl hooting"),
    _c("crickets", "creatures", A, 10.0, True, "crickets chirping"),
    _c("frogs", "creatures", A, 10.0, True, "frogs croaking"),
    _c("dog_bark", "creatures", F, 1.5, False, "a dog barking"),
    _c("eagle_cry", "creatures", F, 2.0, False, "an eagle or hawk crying"),
    _c("whale_song", "creatures", A, 8.0, True, "whale song, far away"),
    _c("wing_flap", "creatures", F, 2.0, False, "wings flapping: birds or bats taking off"),
    _c("crowd_murmur", "crowds", A, 10.0, True, "crowd chatter and murmur"),
    _c("cheering", "crowds", F, 4.0, False, "a crowd cheering and applauding"),
    # machinery and sci-fi
    _c("electrical_hum", "machinery", A, 8.0, True, "electrical hum"),
    _c("power_up", "machinery", F, 3.0, False, "a machine powering up, rising hum"),
    _c("alarm", "machinery", F, 4.0, False, "alarm or siren blaring"),
    _c("computer_beeps", "machinery", F, 2.0, False, "computer beeps"),
    _c("laser", "machinery", F, 0.8, False, "laser shot"),
    _c("steam_hiss", "machinery", F, 2.0, False, "steam hissing"),
    _c("servo_whir", "machinery", F, 1.5, False, "servo motor whirring"),
    _c("chainsaw", "machinery", F, 5.0, False, "a chainsaw revving and cutting into wood"),
    # body and tension
    _c("heartbeat", "body", F, 6.0, False, "a heartbeat"),
    _c("breathing", "body", V, 6.0, False, "breathing"),
    _c("voice_grunt", "body", V, 1.0, False, "grunts of effort"),
    _c("scream", "body", V, 1.5, False, "a scream"),
    _c("cough", "body", V, 1.0, False, "a cough"),
    _c("tinnitus_ring", "body", F, 4.0, False, "high ringing after a blast"),
    # animals (calls: a voiced source through moving formants; hooves: struck shells in a gait)
    _c("horse_gallop", "animals", F, 4.0, False, "a horse galloping, hooves clip-clopping"),
    _c("horse_neigh", "animals", F, 2.0, False, "a horse neighing, whinnying"),
    _c("cat_meow", "animals", F, 1.5, False, "a cat meowing"),
    _c("cat_purr", "animals", F, 4.0, False, "a cat purring"),
    _c("cow_moo", "animals", F, 2.5, False, "a cow mooing"),
    _c("sheep_bleat", "animals", F, 2.0, False, "a sheep or goat bleating"),
    _c("rooster_crow", "animals", F, 2.5, False, "a rooster crowing"),
    _c("wolf_howl", "animals", F, 3.5, False, "a wolf howling"),
    _c("crow_caw", "animals", F, 2.0, False, "a crow or raven cawing"),
    _c("seagull", "animals", F, 3.0, False, "seagulls crying"),
    _c("goose_honk", "animals", F, 3.0, False, "geese honking"),
    _c("bees_buzz", "animals", A, 8.0, True, "bees buzzing, a swarm"),
    _c("lion_roar", "animals", F, 3.0, False, "a lion or great beast roaring"),
    # bells (modal resonators: inharmonic partials, long decays)
    _c("church_bell", "bells", F, 5.0, False, "a church bell tolling once"),
    _c("handbell", "bells", F, 2.5, False, "a hand bell ringing"),
    _c("doorbell", "bells", F, 2.5, False, "a doorbell, ding-dong"),
    _c("clock_chime", "bells", F, 6.0, False, "a clock chiming"),
    _c("wind_chime", "bells", A, 8.0, True, "wind chimes tinkling"),
    _c("phone_ring", "bells", F, 4.0, False, "a telephone ringing"),
    # household
    _c("typing", "household", F, 4.0, False, "typing on a keyboard"),
    _c("knock", "household", F, 1.5, False, "knocking on a door"),
    _c("kettle_whistle", "household", F, 5.0, False, "a kettle whistling"),
    _c("frying", "household", A, 8.0, True, "food frying, sizzling"),
    _c("chopping", "household", F, 3.0, False, "a knife chopping on a board"),
    _c("water_tap", "household", A, 6.0, True, "water running from a tap"),
    # weapons
    _c("gunshot", "weapons", F, 1.0, False, "a gunshot"),
    _c("automatic_fire", "weapons", F, 3.0, False, "machine-gun fire"),
    _c("bow_arrow", "weapons", F, 1.5, False, "a bowstring, an arrow whizzing and thunking home"),
    _c("punch", "weapons", F, 1.0, False, "a punch landing"),
    _c("sword_draw", "weapons", F, 1.5, False, "a sword drawn from its scabbard"),
    # more vehicles
    _c("helicopter", "vehicles", F, 6.0, False, "a helicopter flying over"),
    _c("motorcycle", "vehicles", F, 5.0, False, "a motorcycle revving and riding off"),
    _c("airplane", "vehicles", F, 8.0, False, "an airplane flying over"),
    _c("ship_horn", "vehicles", F, 4.0, False, "a ship's horn, foghorn"),
    # more crowds and voices
    _c("applause", "crowds", F, 4.0, False, "people applauding, clapping"),
    _c("laughter", "crowds", V, 2.5, False, "people laughing"),
    _c("baby_cry", "body", V, 3.0, False, "a baby crying"),
    # music (emotion picks the mode, harmony and orchestration; key and tempo come from the session)
    _c("music_bed", "music", M, 16.0, True, "music bed in the session's key and tempo"),
    _c("music_stinger", "music", S, 3.0, False, "short music stinger (fanfare, hit, sting)"),
)

BY_NAME: dict[str, SoundClass] = {c.name: c for c in SOUND_CLASSES}
NAMES: tuple[str, ...] = tuple(c.name for c in SOUND_CLASSES)


def get(name: str) -> SoundClass:
    """The class called ``name``; KeyError names the unknown class."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown sound class {name!r}") from None
