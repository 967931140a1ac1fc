"""Which AudioSet labels (YAMNet's 521 display names) count as hearing each sound class.

A class's hit labels are the AudioSet classes a listener would accept for it: the specific label
(``Dog``, ``Bark``), its synonyms and children in the AudioSet ontology (``Bow-wow``, ``Yip``), and a
parent only where the parent is still that sound (``Bird`` for an owl, ``Water`` for a stream).
Acoustic-scene labels (``Outside, urban``), ``Sound effect`` and ``Noise`` never count.

Classes with no AudioSet counterpart map to an empty set: they are skipped in agreement and
listed as skipped in every report (``NO_COUNTERPART``).
"""
from __future__ import annotations

from ...models import sound_classes

WALK = ("Walk, footsteps", "Run", "Shuffle")
RAIN = ("Rain", "Raindrop", "Rain on surface")
THUNDER = ("Thunder", "Thunderstorm")
WIND = ("Wind", "Wind noise (microphone)")
FIRE = ("Fire", "Crackle")
BIRD = ("Bird", "Bird vocalization, bird call, bird song", "Chirp, tweet")
ENGINE = ("Engine", "Vehicle", "Motor vehicle (road)", "Car", "Accelerating, revving, vroom", "Idling",
          "Engine starting", "Light engine (high frequency)", "Medium engine (mid frequency)",
          "Heavy engine (low frequency)", "Race car, auto racing", "Engine knocking")
SIRENS = ("Alarm", "Siren", "Civil defense siren", "Buzzer", "Smoke detector, smoke alarm", "Fire alarm",
          "Car alarm", "Emergency vehicle", "Police car (siren)", "Ambulance (siren)",
          "Fire engine, fire truck (siren)", "Alarm clock", "Foghorn")

# Music: the whole Music branch of AudioSet (instruments, genres, moods), as YAMNet orders it
# between "Music" and "Scary music"; resolved against the class map in ``music_labels``.
MUSIC_FIRST, MUSIC_LAST = "Music", "Scary music"

HIT_LABELS: dict[str, tuple[str, ...]] = {
    # weather
    "rain_light": RAIN, "rain_heavy": RAIN,
    "thunder_near": THUNDER, "thunder_distant": THUNDER,
    "wind_gusts": WIND, "wind_howling": WIND,
    # water
    "stream": ("Stream", "Waterfall", "Trickle, dribble", "Gurgling", "Water", "Pour"),
    "splash": ("Splash, splatter", "Slosh", "Water", "Liquid", "Plop"),
    "waterfall": ("Waterfall", "Stream", "Rain on surface", "Water", "Pour", "Gush"),
    "cave_drips": ("Drip", "Plop", "Trickle, dribble", "Water", "Liquid"),
    "waves": ("Waves, surf", "Ocean", "Water"),
    "underwater_bubbles": ("Gurgling", "Boiling", "Liquid", "Water", "Fill (with liquid)", "Pump (liquid)"),
    "water_lapping": ("Water", "Slosh", "Waves, surf", "Ocean", "Liquid", "Splash, splatter"),
    # footsteps
    "footsteps_stone": WALK, "footsteps_wood": WALK,
    "footsteps_gravel": WALK + ("Crunch",),
    "footsteps_water": WALK + ("Splash, splatter", "Slosh"),
    "footsteps_metal": WALK,
    "footsteps_snow": WALK + ("Crunch",),
    # impacts
    "glass_shatter": ("Glass", "Shatter", "Breaking", "Smash, crash"),
    "wood_break": ("Wood", "Crack", "Splinter", "Breaking", "Chop"),
    "metal_clang": ("Clang", "Ding", "Ping", "Hammer", "Chink, clink"),
    "body_fall": ("Thump, thud", "Thunk"),
    "explosion": ("Explosion", "Boom", "Eruption", "Artillery fire", "Burst, pop"),
    "debris": ("Clatter", "Smash, crash", "Breaking", "Crushing"),
    "rock_rumble": ("Rumble",),
    "twig_snap": ("Crack", "Wood", "Breaking", "Splinter"),
    "wood_creak": ("Creak", "Squeak", "Wood"),
    "pop": ("Burst, pop", "Bang"),
    "sword_draw": ("Whoosh, swoosh, swish", "Clang", "Chink, clink", "Scrape"),
    "sword_clash": ("Clang", "Ding", "Zing", "Chink, clink", "Ping"),
    "glass_clink": ("Chink, clink", "Glass", "Ding", "Jingle, tinkle"),
    # doors and mechanisms
    "door_creak": ("Creak", "Door", "Squeak"),
    "door_slam": ("Slam", "Door", "Bang", "Thump, thud"),
    "gate_squeak": ("Squeak", "Creak", "Squeal"),
    "keys_jingle": ("Keys jangling", "Jingle, tinkle", "Chink, clink"),
    "valve_clank": ("Clang", "Mechanisms", "Clatter", "Knock", "Thunk"),
    "clock_tick": ("Clock", "Tick", "Tick-tock", "Mechanisms"),
    # vehicles
    "car_engine": ENGINE,
    "tire_skid": ("Skidding", "Tire squeal", "Squeal", "Race car, auto racing", "Car"),
    "car_horn": ("Vehicle horn, car horn, honking", "Toot", "Air horn, truck horn"),
    "train_passing": ("Train", "Rail transport", "Railroad car, train wagon", "Train wheels squealing",
                      "Train horn", "Train whistle", "Subway, metro, underground", "Clickety-clack"),
    "traffic": ("Traffic noise, roadway noise", "Car passing by", "Vehicle", "Motor vehicle (road)", "Car",
                "Truck", "Bus"),
    "engine_roar": ("Jet engine", "Aircraft engine", "Aircraft", "Fixed-wing aircraft, airplane", "Engine",
                    "Heavy engine (low frequency)"),
    # fire
    "campfire": FIRE, "blaze": FIRE,
    # creatures and crowds
    "birdsong": BIRD,
    "owl": ("Owl", "Hoot") + BIRD,
    "crickets": ("Cricket", "Insect"),
    "frogs": ("Frog", "Croak"),
    "dog_bark": ("Dog", "Bark", "Bow-wow", "Yip", "Canidae, dogs, wolves"),
    "wing_flap": ("Bird flight, flapping wings", "Flap"),
    "eagle_cry": BIRD + ("Squawk",),
    "whale_song": ("Whale vocalization",),
    "crowd_murmur": ("Chatter", "Crowd", "Hubbub, speech noise, speech babble", "Conversation"),
    "cheering": ("Cheering", "Applause", "Crowd", "Clapping"),
    # machinery
    "electrical_hum": ("Hum", "Mains hum", "Buzz"),
    "power_up": ("Hum", "Whir"),
    "alarm": SIRENS,
    "computer_beeps": ("Beep, bleep", "Ping", "Ding"),
    "laser": (),  # a sci-fi sound: AudioSet has no laser
    "steam_hiss": ("Steam", "Hiss", "Spray"),
    "servo_whir": ("Whir", "Mechanisms", "Gears", "Power windows, electric windows"),
    "chainsaw": ("Chainsaw", "Power tool", "Engine", "Light engine (high frequency)", "Medium engine (mid frequency)",
                 "Lawn mower", "Accelerating, revving, vroom", "Idling"),
    # body
    "heartbeat": ("Heart sounds, heartbeat", "Heart murmur"),
    "breathing": ("Breathing", "Pant", "Gasp", "Wheeze", "Sigh"),
    "voice_grunt": ("Grunt", "Groan"),
    "scream": ("Screaming", "Yell", "Shout", "Whoop", "Bellow"),
    "cough": ("Cough", "Throat clearing"),
    "tinnitus_ring": ("Sine wave", "Tuning fork"),
    # animals
    "horse_gallop": ("Horse", "Clip-clop", "Livestock, farm animals, working animals"),
    "horse_neigh": ("Horse", "Neigh, whinny", "Livestock, farm animals, working animals"),
    "cat_meow": ("Cat", "Meow", "Caterwaul"),
    "cat_purr": ("Cat", "Purr"),
    "cow_moo": ("Cattle, bovinae", "Moo", "Livestock, farm animals, working animals"),
    "sheep_bleat": ("Sheep", "Bleat", "Goat", "Livestock, farm animals, working animals"),
    "rooster_crow": ("Chicken, rooster", "Crowing, cock-a-doodle-doo", "Fowl"),
    "wolf_howl": ("Howl", "Canidae, dogs, wolves"),
    "crow_caw": ("Crow", "Caw") + BIRD,
    "seagull": BIRD + ("Squawk",),
    "goose_honk": ("Goose", "Honk", "Fowl", "Duck", "Quack"),
    "bees_buzz": ("Bee, wasp, etc.", "Insect", "Buzz", "Fly, housefly", "Mosquito"),
    "lion_roar": ("Roaring cats (lions, tigers)", "Roar", "Growling"),
    # bells
    "church_bell": ("Church bell", "Bell", "Change ringing (campanology)", "Tubular bells", "Gong", "Chime"),
    "handbell": ("Bell", "Church bell", "Jingle bell", "Bicycle bell", "Chime", "Ding", "Tubular bells"),
    "doorbell": ("Doorbell", "Ding-dong", "Ding", "Chime", "Bell"),
    "clock_chime": ("Clock", "Chime", "Tubular bells", "Bell", "Church bell", "Glockenspiel"),
    "wind_chime": ("Wind chime", "Chime", "Jingle, tinkle", "Tubular bells", "Glockenspiel"),
    "phone_ring": ("Telephone", "Telephone bell ringing", "Ringtone", "Alarm clock", "Bicycle bell"),
    # household
    "typing": ("Typing", "Computer keyboard", "Typewriter", "Clicking"),
    "knock": ("Knock", "Door", "Tap", "Thump, thud"),
    "kettle_whistle": ("Whistle", "Steam whistle", "Boiling", "Steam"),
    "frying": ("Frying (food)", "Sizzle", "Crackle"),
    "chopping": ("Chopping (food)", "Chop", "Wood block"),
    "water_tap": ("Water tap, faucet", "Sink (filling or washing)", "Bathtub (filling or washing)", "Pour",
                  "Trickle, dribble", "Fill (with liquid)", "Water", "Liquid"),
    # weapons
    "gunshot": ("Gunshot, gunfire", "Cap gun", "Fusillade", "Artillery fire", "Machine gun"),
    "automatic_fire": ("Machine gun", "Gunshot, gunfire", "Fusillade", "Cap gun"),
    "bow_arrow": ("Arrow", "Whoosh, swoosh, swish", "Thunk", "Whip"),
    "punch": ("Slap, smack", "Whack, thwack", "Thump, thud", "Thunk"),
    # more vehicles
    "helicopter": ("Helicopter", "Aircraft", "Propeller, airscrew", "Aircraft engine"),
    "motorcycle": ("Motorcycle", "Accelerating, revving, vroom") + ENGINE,
    "airplane": ("Fixed-wing aircraft, airplane", "Aircraft", "Aircraft engine", "Jet engine", "Propeller, airscrew"),
    "ship_horn": ("Foghorn", "Ship", "Boat, Water vehicle", "Air horn, truck horn", "Vehicle horn, car horn, honking"),
    # more crowds and voices
    "applause": ("Applause", "Clapping", "Cheering", "Crowd"),
    "laughter": ("Laughter", "Giggle", "Snicker", "Belly laugh", "Chuckle, chortle", "Baby laughter"),
    "baby_cry": ("Baby cry, infant cry", "Crying, sobbing", "Whimper"),
    # music: filled in from the class map (the Music branch)
    "music_bed": (), "music_stinger": (),
}
MUSIC_CLASSES = ("music_bed", "music_stinger")


def music_labels(class_names: tuple[str, ...]) -> tuple[str, ...]:
    """The Music branch of AudioSet in YAMNet's class map ("Music" .. "Scary music")."""
    lo, hi = class_names.index(MUSIC_FIRST), class_names.index(MUSIC_LAST)
    return tuple(class_names[lo: hi + 1])


def hit_labels(sound_class: str, class_names: tuple[str, ...] | None = None) -> frozenset[str]:
    """AudioSet labels that count as hearing ``sound_class`` (empty: no counterpart)."""
    if sound_class in MUSIC_CLASSES:
        return frozenset(music_labels(class_names) if class_names else (MUSIC_FIRST,))
    return frozenset(HIT_LABELS.get(sound_class, ()))


NO_COUNTERPART = tuple(n for n in sound_classes.NAMES if n not in MUSIC_CLASSES and not HIT_LABELS.get(n))
