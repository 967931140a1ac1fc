"""The rule planner's curated lexicon: words designers use, per sound class.

Entries are phrases; a phrase matches a clause when every one of its words (after stemming, in
any order) occurs in the clause. A phrase scores one point per word, so "door slam" (2) beats
"door" (1); ``~phrase`` is weak (half points: context words such as "car" for an engine);
``phrase@W`` sets the score explicitly; ``?phrase`` (first, before ``~``: ``"?~x"``, ``"?x@2"``) is a
stand-in: the class does not make that sound, it is only the nearest the engine has ("?elephant"
under dog_bark). A match whose best phrase is a stand-in is not sure (``rules.PROXY_CONFIDENCE``,
under the miss threshold), so the plan says so instead of substituting silently. Mark a phrase
``?`` when the class's generator does not model that source or sound (another animal, instrument,
machine or material; category words such as "animal", "machine"); synonyms and the class's own
sound words stay sure. The best-scoring class wins; ties go to the class whose
words come first in the clause. Keep phrases short and general: the dev narratives are a sample,
not the target.

Besides the classes, this module holds the words for modifiers, emotions, scenes (acoustics),
surfaces (footsteps switch) and environments (what a weather or location state implies).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .text import stems

# ---------------------------------------------------------------------------------------------
# Classes. "@footsteps" is a pseudo-class resolved to a footsteps_<surface> class by surface words,
# the "surface" switch, or the scene.
LEXICON: dict[str, list[str]] = {
    # weather
    "rain_light": [
        "sleet", "light shower@2", "spitting rain@2", "rain pitter@2",
        "rain", "raining", "rainy", "rainfall", "drizzle", "drizzling", "sprinkle", "sprinkling",
        "light rain", "soft rain", "gentle rain", "rain patter", "patter", "pitter patter",
        "raindrop", "drop on window", "rain on roof", "rain on window", "shower", "mist",
        "rain tapping", "rain start", "spit of rain", "soft rain", "rain on tent", "rain on leaf",
        "drops tapping", "wet", "~storm",
    ],
    "rain_heavy": [
        "pour rain@2.5", "rain pour@2.5", "pouring down@2.5", "rain pound@2.5", "rain hammer@2.5", "rain lash@2.5", "rain batter@2.5",
        "heavy rain", "downpour", "pouring rain", "torrential", "torrent",
        "deluge", "cloudburst", "rainstorm", "monsoon", "storm", "stormy", "thunderstorm",
        "hard rain", "driving rain", "lashing rain", "rain lash", "pelting rain", "rain pelt",
        "rain hammer", "hail", "hailstorm", "hailstone", "squall", "tempest", "hurricane",
        "typhoon", "rain pound", "pounding rain", "sheets of rain", "heavy shower", "bucketing",
        "rain drum", "drumming rain", "loud rain", "intense rain",
    ],
    "thunder_near": [
        "thunder", "thunderclap", "thunder clap", "thunder crack", "crack of thunder",
        "thunder roar", "roar thunder", "thunder boom", "thunderbolt", "lightning",
        "lightning strike", "lightning crack", "thunder crash", "loud thunder", "thunder rumbl@1",
        "thunderous", "thunder overhead", "booming thunder", "sharp thunder", "close thunder",
    ],
    "thunder_distant": [
        "distant thunder", "far thunder", "faraway thunder", "far away thunder",
        "thunder in the distance", "rolling thunder", "thunder roll@2.5", "rumble of thunder",
        "thunder rumbl@2.5", "low thunder", "faint thunder", "soft thunder", "thunder far",
        "muffled thunder", "thunder grumbl",
    ],
    "wind_gusts": [
        "?candle blow@2.5", "?candles blow@2.5", "?blow out@2", "?blown out@2",
        "?flag flap@2.5", "whoosh past@2",
        "snow fall@2", "snowfall@1.5", "falling snow@2", "snowflake@1.5",
        "wind", "windy", "breeze", "breezy", "gust", "gusty", "gusting", "draft", "draught",
        "airflow", "wind blow", "blowing wind", "wind whistl", "whistling wind", "wind rustl",
        "rustling leaf", "leaf rustl", "rustl@0.8", "wind through tree", "wind through grass",
        "?flapping", "?flag flap", "?sail flap", "?canvas flap", "~windswept", "windswept",
        "gale", "wind whoosh", "whoosh of wind", "wind sigh", "sighing wind", "breath of wind",
    ],
    "wind_howling": [
        "howling wind", "wind howl", "blizzard", "snowstorm", "strong wind", "fierce wind",
        "gale force", "roaring wind", "wind roar", "wind shriek", "wind wail", "wailing wind",
        "wind moan", "moaning wind", "wind scream", "sandstorm", "dust storm", "whiteout",
        "arctic wind", "icy wind", "wind tear", "tornado", "cyclone", "heavy wind",
        "mountain wind", "wind buffet", "buffeting wind", "bitter wind", "wind batter",
        "howl@0.9",
    ],
    # water
    "stream": [
        "stream", "brook", "creek", "river", "trickl", "babbl", "babbling brook", "rivulet",
        "burbl", "gurgl", "running water", "flowing water",
        "water flow", "water run", "fountain", "spring", "canal",
        "~water", "sewer water", "water rush", "rushing water", "torrent of water", "drain",
    ],
    "waterfall": [
        "waterfall", "cascade", "cascading", "falls roar", "roaring falls", "rapids", "white water",
        "whitewater", "weir", "plunge pool", "thundering falls", "torrent",
    ],
    "splash": [
        "splash", "splosh", "plop", "plunk", "dive into water", "jump into water", "fall into water",
        "into the water@2", "into the lake", "into the river", "into the pool", "dunk", "slosh",
        "sloshing", "douse", "dousing", "bucket of water", "water splash", "fish jump",
        "paddle", "paddling", "oar", "rowing", "row a boat", "swim", "swimming", "stroke water",
    ],
    "cave_drips": [
        "drip", "drop", "dripping water", "water drip", "droplet", "drip from ceiling",
        "leak", "leaky", "leaking", "cave drip", "stalactite", "dripping", "plink", "drip echo",
        "condensation", "trickle of drip",
    ],
    "waves": [
        "wave", "surf", "shore", "seashore", "beach", "breaker", "ocean", "sea", "tide",
        "crashing wave", "wave crash", "wave lapping on shore", "coast", "coastline", "seaside",
        "surf pound", "swell", "sea spray", "crashing surf", "~sand",
    ],
    "underwater_bubbles": [
        "boil", "boiling", "bubbling pot@2.5", "simmer", "simmering", "cauldron", "bubbling", "percolat",
        "bubbl", "underwater", "under water", "submerged", "beneath the surface", "air bubble",
        "scuba", "diver", "diving", "deep sea", "undersea", "aquarium", "fizz",
        "fizzing", "effervescent", "submarine", "below the waves", "ocean floor", "seabed",
        "gurgling bubble", "blub",
    ],
    "water_lapping": [
        "lapping", "lap against", "water lapping", "lapping water", "hull", "dock", "pier",
        "jetty", "harbor", "harbour", "marina", "boat", "rowboat", "moored", "mooring",
        "wharf", "lake", "pond", "lagoon", "water against", "gentle water", "calm water",
        "ripple", "rippling", "canal boat", "ferry",
    ],
    # footsteps (generic words; see SURFACES)
    "@footsteps": [
        "shambl", "shambling", "lurch", "lurching", "stagger", "staggering", "plod", "plodding",
        "footstep", "step", "walk", "walking", "walker", "stroll", "strolling", "tread",
        "treading", "pace", "pacing", "stride", "striding", "march", "marching", "stomp",
        "stomping", "trudge", "trudging", "tiptoe", "tiptoeing", "shuffl", "sneak", "sneaking",
        "creep", "creeping", "run", "running", "runner", "sprint", "sprinting", "jog", "jogging",
        "boot", "heel", "sneaker", "shoe", "feet", "foot", "footfall", "hobble", "limp",
        "limping", "stumbl", "scurry", "scurrying", "dash", "flee", "fleeing", "chase", "~chasing",
        "approach", "approaching", "pursuer", "someone coming", "climb stair", "stair",
        "staircase", "ladder", "wade", "wading",
    ],
    "footsteps_wood": ["floorboard@1.5", "floorboard creak@2.5", "creaking floor@2.5", "floor creak@2.5",
                       "creaky floor@2.5", "stair creak@2.5", "creaking stair@2.5", "plank creak@2.5"],
    "footsteps_snow": ["?skate@1.2", "?skating@1.2", "?skater@1.2", "?skaters@1.2", "?ice skate@2.5", "crunch on ice@2.5",
                       "snow crunch@2.5", "crunch snow@2.5", "crunching snow@2.5"],
    "footsteps_water": ["squelch@1.2", "squelching@1.2", "slosh through@2.5", "wade through@2.5"],
    "footsteps_gravel": ["gravel crunch@2.5", "crunch gravel@2.5", "crunching gravel@2.5", "crunch leaf@2.2"],
    # impacts and breaks
    # Ceramics (plate, porcelain, crockery) stay sure: vitreous shards ringing like glass.
    "glass_shatter": [
        "shatter", "glass break", "breaking glass", "glass shatter", "smash window",
        "window smash", "window break", "window shatter", "bottle smash", "bottle break",
        "broken glass", "glass crash", "glass explod", "shard", "mirror shatter",
        "mirror break", "crystal shatter", "smash glass", "vase smash", "plate smash",
        "plate shatter", "ceramic", "porcelain", "pottery break", "crockery", "dish smash",
        "dish break", "window crash", "pane",
    ],
    "wood_break": [
        "splinter@1.3", "gate splinter@2.5", "door splinter@2.5", "smash through@2.5", "shatter wood@2.5", "crack wood@2.5", "break open@2",
        "wood break", "wood crack", "wood snap", "splinter", "splintering", "crate break",
        "crate smash", "barrel break", "barrel smash", "plank break", "board break",
        "door break", "door smash", "kick door", "door kick", "door burst", "break down door",
        "furniture break", "chair break", "table break", "timber", "tree fall", "falling tree",
        "branch break", "beam crack", "axe", "hack", "wood chop",
        "log split", "splitting log", "crack@0.9", "~wood", "~wooden", "barricade",
        "smash@0.9", "crash through", "crate",
        "fell tree@2.5", "fells tree@2.5", "felled tree@2.5", "tree crash@2.5", "tree falls@2.5", "oak falls@2.5",
        "tree crashes@2.5", "tree topples@2.5", "tree crash ground@3.5", "fells@2", "felled@2", "tree come down@2.5",
    ],
    "metal_clang": [
        "shell casing@2.5", "casing@1.5", "casings@1.5", "brass casing@2.5", "bullet casing@2.5",
        "pickaxe", "pick axe", "chisel", "mining", "miner", "?cart", "?wagon", "?wheelbarrow", "trolley rattle@2",
        "metal", "metallic", "clang", "clank", "clank of metal", "clatter", "anvil", "hammer",
        "hammering", "forge", "blacksmith", "pipe hit", "bang on metal", "pot", "pan", "pots and pans",
        "cutlery", "tool drop", "wrench", "chain", "chains", "rattl", "shackle", "shackles",
        "manacle", "armor", "armour", "shield", "ring of metal", "iron", "steel", "tin can",
        "can", "locker", "trash can", "dumpster", "bin lid", "lid", "ricochet", "clink of metal",
        "cage", "bars", "prison bar", "portcullis", "grate", "grating",
    ],
    "body_fall": [
        "crash to the floor@3", "crash to the ground@3", "crashes to the floor@3", "topples over@2",
        "thunk", "thwack", "whack", "thock", "clonk", "bonk", "thud into@2",
        "body fall", "fall to the floor@3", "fall to the ground@3", "fall down", "collapse",
        "crumpl", "slump", "thud", "thump", "body hit", "hit the floor", "hit the ground",
        "drop to the floor", "drop dead", "fall over", "topple", "tumble", "tumbling",
        "keel over", "land", "landing", "knock down", "knocked out", "falls@0.9", "fall@0.9",
        "kick", "?blow", "?slap", "smack", "wallop", "impact", "heavy object",
        "sack", "bag drop", "dropped", "drop@0.6", "bump",
        "tackl",
    ],
    "explosion": [
        "blast@1.2",
        "explosion", "explod", "blast", "blow up", "detonat", "detonation", "bomb", "grenade",
        "mine", "dynamite", "tnt", "boom", "kaboom", "kablam", "burst", "blast wave",
        "artillery", "shell", "shelling", "mortar", "cannon", "cannonfire", "cannon fire",
        "missile", "rocket hit", "airstrike", "bombard", "barrage", "firework", "fireworks",
        "bang", "eruption", "erupt", "volcano",
        "?blow",
    ],
    "debris": [
        "rain down@0.9", "debris rain@2.5", "crash@0.9", "crashing down@1.5",
        "rock tumbl@2.5", "rocks tumbl@2.5", "stones tumbl@2.5", "boulders tumbl@2.5", "rocks fall@2.5",
        "debris", "rubble", "gravel fall", "falling rock", "dust", "crumbl", "collapse of",
        "building collapse", "wall collapse", "ceiling collapse", "shower of",
        "brick", "rock fall", "rockfall", "rockslide", "landslide", "avalanche", "scatter",
        "scattering", "rain of", "pebble", "falling debris", "masonry", "plaster", "junk",
        "clutter", "rummag", "rummaging", "scrap", "?shuffle paper", "?paper", "?rustl of paper",
        "?page", "?book", "?cloth", "?fabric", "?clothes", "?scrape", "?scraping", "?scratch",
        "?scratching", "?drag", "?dragging", "?slide", "?sliding", "shovel", "dig", "digging",
        "sand", "~object",
    ],
    "rock_rumble": [
        "rumbl", "earthquake", "quake", "tremor", "tremble", "trembling", "ground shake",
        "shaking ground", "rock grind", "grinding stone", "stone grind", "boulder", "rolling boulder",
        "rock", "rocks", "cave in", "cave-in", "collapsing tunnel", "subterranean", "seismic",
        "stone door", "stone slab", "slab", "sarcophagus", "tomb open", "shake@0.5", "shaking",
        "vibration", "vibrat", "low rumble", "deep rumble", "grind", "grinding", "stomp of giant",
        "giant", "golem", "stampede",
    ],
    "twig_snap": [
        "?snip", "?snipping", "?scissors", "?shears", "?wire cut@2.5", "?cut the wire@3", "?clip@0.6",
        "twig", "twig snap", "snap", "snapping twig", "branch snap", "stick snap", "crunch of leaf",
        "crack of a twig", "broken twig", "dry leaf", "leaves crunch", "crunch", "crackle underfoot",
        "stick", "branch", "brush", "undergrowth", "bush", "bushes", "rustle in the bush@3",
        "rustling in the undergrowth@3",
    ],
    "sword_clash": [
        "?whip", "?whip crack@2.5", "?lash",
        "sword", "blade", "blades clash", "sword clash", "clash", "clashing", "steel on steel",
        "swordfight", "sword fight", "duel", "dueling", "fencing", "parry", "parrying",
        "swing sword", "dagger", "knife",
        "machete", "katana", "rapier", "saber", "sabre", "slash", "slashing", "stab",
        "stabbing", "cut", "slice", "spear", "axe clash", "weapon clash", "weapons clash",
        "melee", "combat", "battle", "fight", "fighting", "skirmish", "swish", "whoosh",
        "swoosh", "zip",
    ],
    "sword_draw": [
        "draw sword@2.5", "draws sword@2.5", "drew sword@2.5", "sword drawn@2.5", "draw blade@2.5", "blade drawn@2.5",
        "draw steel@2.5", "draws steel@2.5", "drew steel@2.5", "draw weapon@2", "unsheath@2.5", "unsheathe@2.5",
        "unsheathes@2.5", "unsheathed@2.5", "sheath", "scabbard", "pull sword from@2.5", "sword from scabbard@3",
        "draw knife@2.5", "draw dagger@2.5", "shing",
    ],
    "pop": [
        "pop", "pops", "popping", "popped", "balloon", "balloons", "balloon pop@2.5", "balloon burst@2.5",
        "balloon bursts@2.5", "cork pop@2.5", "cork", "uncork", "champagne cork@2.5", "bubble wrap@2.5",
        "popgun", "pop gun",
    ],
    "glass_clink": [
        "champagne", "ice clink@2.5", "ice cubes@2",
        "clink", "clinking", "glasses clink", "toast", "cheers@0.6", "tinkl", "tinkling",
        "glass", "glasses", "mug", "mugs", "tankard", "tankards", "cup", "cups", "teacup",
        "wine glass", "bottle", "bottles", "pour drink", "pouring drink", "pour a drink",
        "ice cube", "cocktail", "spoon", "stir", "stirring", "saucer", "crockery clink",
        "dish", "dishes", "plates", "?clink of coin", "?coin", "?coins", "?jingle of coin", "chalice",
    ],
    # doors and mechanisms
    "door_creak": [
        "~groan", "door groan@2", "hinge groan@2", "?door slide@2", "?doors slide@2", "?sliding door@2",
        "door", "door creak", "creaking door", "creak", "creaky", "creaking", "door open",
        "open door", "door swing", "groan of a door", "hinge", "hinges", "squeaky door",
        "door ajar", "trapdoor", "hatch", "cellar door", "wardrobe", "cupboard", "cabinet",
        "chest open", "lid creak", "drawer", "shutter", "shutters",
        "coffin", "crypt door", "old door", "wooden door",
    ],
    "wood_creak": [
        "hull groan@2.5", "hull creak@2.5", "rope creak@2.5", "ropes creak@2.5", "timber creak@2.5", "timbers creak@2.5",
        "mast creak@2.5", "ship creak@2.5", "boat creak@2.5", "rigging creak@2.5", "rigging@1.5", "deck creak@2.5",
        "beam creak@2.5", "floorboards creak@3", "floorboard creak@3", "creaking floorboards@3", "plank creak@2.5",
        "rope under load@3", "taut rope@2", "timbers groan@2.5", "creaking timber@2.5", "creaking ship@2.5",
        "creaking hull@2.5", "ship groan@2.5", "rope strain@2.5", "ropes strain@2.5",
    ],
    "door_slam": [
        "door slam", "slam", "slamming", "slammed", "slam shut", "door shut", "shut",
        "door close", "close door", "door closing", "door bang", "bang shut", "door crash",
        "door thud", "front door", "car door", "locker slam", "gate slam", "gate clang",
        "door click", "latch", "lock", "locking", "unlock", "unlocking", "bolt", "deadbolt",
        "?click", "?clicking", "?switch", "?flick", "knob", "doorknob", "handle", "door handle",
    ],
    "gate_squeak": [
        "gate", "gate squeak", "squeak", "squeaky", "squeaking", "?squeal", "rusty hinge",
        "gate open", "iron gate", "wrought iron", "garden gate", "fence gate", "rusty",
        "rusted", "screech of hinge", "swing set", "swing", "rocking chair", "seesaw",
        "?mouse", "?mice", "?rat", "?rats", "hinge squeal@2.5",
    ],
    "keys_jingle": [
        "key", "keys", "keyring", "key ring", "jingl", "jangle", "jangling", "bunch of keys",
        "jingle of keys", "keychain", "lockpick", "lock pick", "picking a lock", "key turn",
        "turn the key", "?bell jingl", "?sleigh bell", "coin purse", 
    ],
    "valve_clank": [
        "valve", "pipe", "pipes", "pipe clank", "clanking pipe", "radiator", "boiler",
        "plumbing", "lever", "crank", "cranking", "wheel turn", "ratchet", "pump", "piston",
        "pistons", "gear", "gears", "cog", "cogs", "mechanism", "?machinery", "?machine",
        "industrial", "factory", "?conveyor", "press", "?elevator", "?lift", "winch", "pulley",
        "chain hoist", "clockwork", "contraption", "trap", "trap spring", "lock mechanism",
    ],
    "clock_tick": [
        "clock", "tick", "ticking", "tick tock", "tock", "grandfather clock", "pocket watch",
        "watch", "timer", "countdown", "metronome", "stopwatch", "time bomb", "bomb tick",
    ],
    # vehicles
    # Combustion engines in vehicles (trucks, tractors, boats) stay sure; tools with an engine
    # (chainsaw, lawnmower, generator) and vehicles known by another sound are stand-ins.
    "car_engine": [
        "bulldozer", "excavator", "digger", "forklift", "crane engine@2", "tank engine@2", "?tank treads@2", "snowmobile", "quad bike", "atv", "?golf cart", "?ice cream truck@2", "engine start@2", "engine starts@2", "putter", "puttering",
        "car", "engine", "car engine", "motor", "truck",
        "lorry", "van", "bus", "jeep", "tractor", "vehicle", "rev", "revving", "engine rev",
        "idle", "idling", "engine idle", "start the engine", "ignition", "accelerat",
        "pull away", "pulling away", "drive", "driving", "drive off", "drive by", "drive past",
        "pass by", "passing car", "car pass", "speed", "speeding", "zoom", "vroom", "getaway",
        "taxi", "cab", "limo", "sedan", "race car", "racecar", "go-kart", "?lawnmower", "?generator", "outboard", "motorboat", "speedboat", "jet ski",
    ],
    "tire_skid": [
        "skid", "skidding", "screech", "screeching", "screeching tire", "tire screech",
        "tire squeal", "squealing tire", "brake", "brakes", "braking", "slam on the brakes",
        "screeching brakes", "handbrake", "drift", "drifting", "burnout", "peel out",
        "tire", "tires", "wheel spin", "swerve", "swerving", "skid to a halt", "screech to a halt",
        "rubber", "tire squeal@3", "car skid", "brake squeal@2.5", "brakes squeal@2.5",
    ],
    "car_horn": [
        "horn", "car horn", "honk", "honking", "beep the horn", "hoot the horn", "klaxon",
        "air horn", "?bike bell", "?bicycle bell", "toot", "tooting",
        "horn blare", "blaring horn", "truck horn", 
    ],
    "train_passing": [
        "train", "railway", "railroad", "locomotive", "steam train", "subway", "metro",
        "tram", "trolley", "freight", "carriage", "rail", "rails", "track", "tracks",
        "train whistle", "train horn", "choo", "clickety", "clickety clack", "platform",
        "station", "underground train", "monorail", "rollercoaster", "roller coaster",
    ],
    "traffic": [
        "~street", "~streets", "~road", "~city", "~town",
        "traffic", "city traffic", "highway", "motorway",
        "freeway", "rush hour", "busy street", "city street", "downtown", "intersection",
        "crossroad", "avenue", "boulevard", "urban", "cars passing",
        "passing cars", "traffic jam", "gridlock", "parking lot", "car park", "commute",
        "~busy", "cityscape", "metropolis",
    ],
    "engine_roar": [
        "jet", "jet engine", "rocket", "rocket launch", "liftoff", "lift off", "blast off",
        "blastoff", "thruster", "thrusters", "engine roar", "roar of engine", "roaring engine",
        "engines roar", "afterburner", "turbine", "fighter jet", "spaceship", "starship",
        "spacecraft", "shuttle", "hyperdrive", "warp", "takeoff", "take off", "hover", "hovercraft", "?drone", "ufo",
        "booster", "launch", "?roar@0.6",
    ],
    # fire
    "campfire": [
        "?cigarette", "?cigar", "?light a cigarette@2.5", "?lights a cigarette@2.5", "?zippo", "?flick a lighter@2.5",
        "?match strike@2", "?strike match@2", "?struck match@2", "?light a match@2", "fire pop@2", "log pop@2", "crackle and pop@2",
        "campfire", "camp fire", "fire", "fireplace", "hearth", "crackl", "crackling fire",
        "fire crackl", "log fire", "bonfire", "embers", "ember", "stove", "wood stove",
        "brazier", "torch", "torches", "candle", "candles", "flame", "flames", "flicker",
        "flickering", "burn@0.8", "burning", "smolder", "smoulder", "kindling", "?match strike",
        "?strike a match", "?lighter", "fire pit", "firepit", "?cooking", 
    ],
    "blaze": [
        "fire erupt@2.5", "burst into flame@3", "flames erupt@2.5", "catch fire@2.5", "go up in flames@3", "fire burst@2.5", "ignite@0.8",
        "blaze", "blazing", "inferno", "wildfire", "forest fire", "bushfire", "house fire",
        "building on fire", "roaring fire", "fire roar", "raging fire", "fire rage", "flames roar",
        "burning building", "firestorm", "conflagration", "engulf", "engulfed", "big fire",
        "huge fire", "large fire", "fire spread", "flamethrower", "dragon fire", "fire breath",
        "dragon breath", "burning wreck", "burning car", "wreckage burn", "furnace", "kiln",
        "lava", "magma",
    ],
    # creatures and crowds
    "birdsong": [
        "?pelican", "?heron", "?stork", "?flamingo", "?swan", "?peacock", "?hummingbird", "songbirds", "?squawk", "?squawking", "twitter of birds@2",
        "?parrot screech@2.5", "bird cry@2.5", "birds cry@2.5", "bird", "birds", "birdsong", "bird song", "birdcall", "bird call", "chirp", "chirping",
        "tweet", "tweeting", "twitter", "warbl", "songbird", "dawn chorus", "robin", "sparrow",
        "blackbird", "nightingale", "lark", "finch", "thrush", "wren", "cuckoo", "?pigeon",
        "?dove", "?coo", "?cooing", "?parrot", "canary", "starling",
        "magpie", "?woodpecker", "?peck", "?pecking",
        "birds sing@3", "jungle", "rainforest", "forest@0.6", "woods@0.6", "meadow",
    ],
    "wing_flap": [
        "flap their wings@3", "flaps its wings@3", "flapping its wings@3", "flapping their wings@3", "wings flap@3",
        "wings flapping@3", "flapping wings@3", "wings flutter@3", "fluttering wings@3", "wings fluttering@3",
        "wing beat@2.5", "wingbeat@2.5", "wings beating@2.5", "beating wings@2.5", "flutter of wings@3",
        "bats flap@3", "bats flutter@3", "bats fly@2.5", "bats swarm@2.5", "bats@1.2", "flutter", "fluttering",
        "pigeon takes off@3", "pigeons take off@3", "birds take off@3",
        "bird takes off@3", "flock takes off@3", "pigeons scatter@3", "birds scatter@3", "flurry of wings@3",
    ],
    "owl": [
        "owl", "hoot", "hooting", "hoo", "night bird", "barn owl", "tawny owl", "who who",
        "?nightjar", "?loon", "screech owl",
    ],
    "crickets": [
        "insects hum@2.5", "insects buzz@2.5",
        "cricket", "crickets", "cicada", "cicadas", "insect", "insects", "chirping insect",
        "grasshopper", "katydid", "bug", "bugs", "buzz of insect", "?fly", "?flies", "?buzzing fly",
        "?mosquito", "summer night",
        "night insect", "night@0.6", "nighttime@0.6", "locust", "?beetle",
    ],
    "frogs": [
        "frog", "frogs", "croak", "croaking", "toad", "toads", "bullfrog", "ribbit", "swamp",
        "marsh", "bog", "bayou", "wetland", "pond life", "tree frog", "peeper",
    ],
    # Barks only (the generator): other animals, growls, whines and snorts are stand-ins. Fox, coyote
    # and jackal stay sure: canid barks, a harmonic bark through a vocal tract at another pitch.
    "dog_bark": [
        "?squirrel", "?chipmunk", "?raccoon", "?badger", "?otter", "?giraffe", "?zebra", "?camel", "?llama", "?kangaroo", "?monkey", "?monkeys", "?ape", "?gorilla", "?chimp", "?chimpanzee", "?baboon", "?monkey chatter@2.5", "?elephant", "?trumpeting elephant@2.5", "?rhino", "?boar", "?deer", "?stag", "?elk", "?moose", "?hyena", "?dinosaur", "?t-rex", "dog", "bark", "barking", "woof", "?growl", "?growling", "?snarl", "?snarling",
        "hound", "hounds", "puppy", "pup", "yelp", "yelping", "yap", "yapping", "?whimper",
        "?whine", "?whining", "bay", "baying", "coyote", "fox", "jackal", "?beast", "?monster", "?creature",
        "?animal", "?bear",
        "?pig", "?oink", "guard dog", "hellhound",
        "?snort",
    ],
    "eagle_cry": [
        "~circling overhead", "~cry overhead",
        "eagle", "hawk", "falcon", "kestrel", "buzzard", "vulture", "condor", "bird of prey",
        "raptor", "eagle cry", "hawk screech", "screech of a hawk", "soar",
        "soaring", "kite", "osprey", "?pterodactyl", "?griffin", "screech@0.6",
    ],
    "whale_song": [
        "whale", "whale song", "whalesong", "humpback", "?orca", "?dolphin", "?dolphins",
        "cetacean", "?sea creature", "leviathan", "deep call", "moan of a whale",
    ],
    "crowd_murmur": [
        "?tv", "?television", "?tv murmur@2.5", "?radio voice@2",
        "?announcement", "?announcer", "?loudspeaker", "?intercom", "?tannoy", "?public address", "?pa system", "?radio chatter@2",
        "crowd", "crowds", "chatter", "chattering", "murmur", "murmuring", "mutter", "muttering",
        "talk", "talking", "conversation", "conversations", "voices", "voice", "babble",
        "hubbub", "din", "bustle", "bustling", "people", "patrons", "customers", "audience",
        "market", "marketplace", "bazaar", "tavern", "pub", "inn", "bar", "cafe", "restaurant",
        "diner", "party", "gathering", "throng", "mob", "busy room", "?whisper", "?whispering",
        "gossip", "banter", "classroom",
        "cafeteria", "lobby", "terminal", "concourse", "mall", "festival", "fair", "feast",
        "banquet", "court", "courtroom", "townsfolk", "villagers", "army", "troops",
    ],
    "cheering": [
        "cheer@1.5", "cheering@1.5", "cheer", "cheering", "cheers",
        "crowd applaud@2.6", "audience applaud@2.6", "thunderous applause@2.6", "crowd clap@2.6", "roaring applause@2.6",
        "ovation", "standing ovation", "crowd cheer", "hooray", "hurrah", "huzzah", "roar of the crowd",
        "crowd roar", "crowd goes wild", "celebrat", "celebration", "whoop", "whooping",
        "chant", "chanting", "stadium", "arena", "victory cheer", "jubilant", "rejoic",
    ],
    # machinery and sci-fi
    "electrical_hum": [
        "lights flicker@2.5", "light flicker@2.5", "flickering light@2.5", "flickering lights@2.5", "bulb", "light bulb", "lamp buzz@2.5", "power hum@2",
        "hum", "humming", "electrical hum", "electric hum", "buzz", "buzzing", "drone@0.8",
        "droning", "electricity", "electric", "power line", "transformer", "fluorescent",
        "neon", "generator hum", "server room", "server", "servers", "fan", "fans",
        "air conditioning", "aircon", "ventilation", "vent", "vents", "refrigerator", "fridge",
        "spaceship interior", "bridge of the ship", "reactor", "force field", "forcefield",
        "energy field", "crackle of electricity", "sparks", "spark", "sparking", "arc",
        "tesla coil", "?static", "?hiss of static", "?radio static", "?white noise", "?tv static",
        "engine room", "ship's engine", "machine hum", "low hum",
    ],
    "power_up": [
        "power up", "powering up", "powers up", "power on", "boot up", "booting up",
        "charge up", "charging", "charge", "warm up", "spin up", "spinning up", "rising hum",
        "rising whine", "whine", "whining", "energize", "energise", "activate", "activation",
        "turn on", "switch on", "come to life", "comes online", "online", "ignite", "ignition sequence",
        "start up", "startup", "power surge", "surge", "charging up", "power down@2",
        "powering down", "power down", "shut down", "shutdown", "wind down", "teleport",
        "teleporter", "portal", "?magic", "?spell", "?spellcast", "?cast a spell", "?enchant",
        "shimmer", "shimmering", "sparkl", "sparkle", "glow", "glowing", "levitat", "hologram",
        "transform", "transformation", "whoosh@0.5",
    ],
    "alarm": [
        "alarm", "alarms", "siren", "sirens", "alert", "alarm bell", "fire alarm", "air raid",
        "klaxons", "warning siren", "blare", "blaring", "wail of siren", "police", "police siren",
        "ambulance", "fire engine", "fire truck", "emergency", "lockdown", "evacuat", "intruder alert",
        "red alert", "beeping alarm", "car alarm", "buzzer", "wail@0.6",
    ],
    "computer_beeps": [
        "droid", "droids", "droid chirp@2.5", "droid beep@2.5", "robot beep@2.5", "r2",
        "sonar", "sonar ping@2.5", "ping@1.2", "?hang up@2", "?receiver",
        "~radio",
        "beep", "beeps", "beeping", "bleep", "blip", "blips", "computer", "computers",
        "terminal beep", "console", "keypad", "button",
        "buttons", "button press", "interface", "ui", "menu", "notification", "ping", "pinging",
        "chirp of a device", "device", "scanner", "scan", "scanning", "radar", "monitor",
        "heart monitor", "data", "download", "upload", "robot voice", "text message",
        "elevator ding", "microwave", "code", "hacking", "hack@0.5", "?printer", "?fax",
        "modem", "walkie talkie",
    ],
    "laser": [
        "laser", "lasers", "blaster", "blasters", "phaser", "pew", "zap", "zapping",
        "ray gun", "raygun", "plasma", "plasma gun", "energy weapon", "laser fire", "laser beam",
        "beam", "photon", "ion cannon", "pulse rifle", "railgun", "energy bolt", "bolt of energy",
        "shoot laser", "shots fired@0.5",
    ],
    "steam_hiss": [
        "door hiss@2.5", "doors hiss@2.5", "hatch hiss@2.5",
        "steam", "hiss", "hissing", "steam vent", "vent steam", "pressure release",
        "release pressure", "air release", "pneumatic", "hydraulic", "hydraulics", "airlock",
        "air lock", "decompress", "decompression", "geyser",
        "spray", "spraying", "aerosol", "gas leak", "leaking gas", "snake", "serpent", "fuse",
        "burning fuse", "hot iron", "quench", "steaming",
    ],
    # A servo (robot joint, actuator, lens): household appliances and power tools are stand-ins,
    # and so is a bare "whir" (fans, printers, drives: most whirs are not servos).
    "chainsaw": [
        "chainsaw", "chain saw", "chainsaws", "chainsaw buzz", "chainsaw whine", "chainsaw roar",
        "chainsaw snarl", "chainsaw rev", "saw through log@3", "saw into log@3", "saw log@2.5",
        "saw tree@2.5", "fell tree@2", "felling", "lumberjack", "logger", "logging", "?~saw",
    ],
    "servo_whir": [
        "?jackhammer", "?power drill", "?nail gun", "?sewing machine", "?electric toothbrush", "?hair dryer", "?hairdryer", "?garage door@2", "?escalator", "?3d printer",
        "servo", "servos", "?whir", "?whirr", "?whirring", "motor whir", "robot", "robotic",
        "robot arm", "robotic arm", "mech", "mecha", "android", "cyborg", "drone whir",
        "?camera", "?camera shutter", "zoom lens", "?shutter click", "turret", "turret turn",
        "rotate", "rotating", "gimbal", "actuator", "automaton", "animatronic", "mechanical arm",
        "exoskeleton", "power armor", "?drill", "?drilling", "?saw", "?electric saw", "?blender",
        "?vacuum", "?zipper", "?zip up", "?reload", "?reloading", "?cock the gun",
    ],
    # body and tension
    "heartbeat": [
        "heartbeat", "heart beat", "heart", "pulse", "pulsing", "throb", "throbbing",
        "thump of heart", "heart pound", "pounding heart", "heart racing", "racing heart",
        "heart thump", "lub dub", "blood rushing", "blood pounding",
    ],
    "breathing": [
        "breath", "breathing", "breathe", "breathes", "pant", "panting", "gasp", "gasping",
        "heavy breathing", "out of breath", "wheez", "wheezing", "sigh", "sighing", "inhale",
        "exhale", "snore", "snoring", "sniff", "sniffing", "sniffle", "sob", "sobbing",
        "weep", "weeping", "cry@0.6", "crying", "whimpering", "hyperventilat", "huff",
        "puff", "respirator", "breathing mask", "darth",
    ],
    "voice_grunt": [
        "zombie", "zombies", "?whistl@0.8", "?whistling@0.8", "?sing@0.8", "?singing@0.8", "?hum a song@2", "?humming to himself@2.5", "?humming to herself@2.5",
        "~man", "~woman", "~soldier", "~guard", "~prisoner", "~someone", "~child", "~boy", "~girl", "~he", "~she", "~merchant", "~vendor",
        "grunt", "grunts", "grunting", "effort", "groan of effort", "straining", "strain",
        "exertion", "oof", "ugh", "pain", "moan", "moaning", "groan", "groaning", "yell",
        "yelling", "shout", "shouting", "battle cry", "war cry", "roar of a warrior",
        "warrior", "hey", "call out", "calls out", "voice", "?speak", "?speaking", "?says",
        "?said", "?whisper@0.6", "mumble", "mumbling", "?hum a tune", "?humming a tune", "ouch", "cry of pain", "wince", "hurt",
        "injured", "wounded", "struggle", "struggling", "wrestl", "hmm", "huh", "grumbl",
        "zombie moan", "zombie groan", "orc", "ogre", "troll", "goblin",
    ],
    "scream": [
        "scream", "screams", "screaming", "shriek", "shrieking", "shriek of terror",
        "screech of terror", "wail", "wailing", "howl of pain", "cry out", "cries out",
        "bloodcurdling", "blood curdling", "yelp of terror", "terrified cry", "banshee",
        "ghost wail", "ghostly wail", "screamer", "panic", "panicked", "horror scream",
    ],
    "cough": [
        "cough", "coughs", "coughing", "clears throat", "clear throat", "throat clear",
        "ahem", "hack@0.8", "hacking cough", "splutter", "sputter", "choke", "choking",
        "sneeze", "sneezing", "achoo", "hiccup", "?gulp", "?swallow", "sick", "illness",
        "guard@0.5", "sentry@0.5",
    ],
    # A bare "ring" is phones, bells, tills, steel: only ears ring here.
    "tinnitus_ring": [
        "?ring", "?ringing", "tinnitus", "ringing ears", "ears ring", "ringing in ears",
        "?high pitch", "?high pitched", "?high-pitched", "whine in ears", "shell shock",
        "shellshock", "deafen", "deafened", "deafening silence", "muffled hearing",
        "disorient", "disoriented", "dazed", "concuss", "concussion", "flashbang",
        "stun", "stunned", "ringing silence@3", "beep of a flatline", "flatline",
    ],
    # animals
    "horse_gallop": [
        "horse", "horses", "horseback", "on horseback@2", "ride in@1.5", "rides in@1.5", "rider", "riders", "cavalry",
        "knight rides@2.5", "mounted", "steed", "stallion", "mare", "pony", "hoof", "hooves", "hoofbeat", "hoofbeats",
        "gallop", "galloping", "clop", "clip clop@2", "clopping", "trot", "trotting", "canter", "cantering",
        "horse drawn@2.5", "hooves thunder@2.5", "stampede@1.2", "carriage horse@2.5", "horse and cart@2.5",
    ],
    "horse_neigh": [
        "neigh", "neighs", "neighing", "whinny", "whinnies", "whinnying", "nicker", "horse snort@2.5",
        "horse neigh@2.5", "horse whinn@2.5", "horse scream@2.5",
    ],
    "cat_meow": [
        "cat", "cats", "kitten", "kitty", "meow", "meows", "meowing", "miaow", "mew", "mewing", "yowl", "caterwaul",
        "?hiss of a cat", "?cat hiss@2.5", "tomcat",
    ],
    "cat_purr": ["purr", "purrs", "purring", "cat purr@2.5", "purring cat@2.5"],
    "cow_moo": ["cow", "cows", "cattle", "moo", "moos", "mooing", "bull", "ox", "oxen", "calf", "herd of cattle@2", "low of cattle@2"],
    "sheep_bleat": ["sheep", "lamb", "lambs", "ewe", "flock of sheep@2", "bleat", "bleats", "bleating", "baa", "goat", "goats"],
    "rooster_crow": ["rooster", "roosters", "cockerel", "cock crow@2.5", "crowing", "rooster crow@2.5", "cock-a-doodle-doo",
                     "cock a doodle doo@2", "?chicken", "?chickens", "?hen", "?hens", "?cluck", "?clucking", "farmyard"],
    "wolf_howl": ["wolf", "wolves", "wolf howl@2.5", "howling wolf@2.5", "wolf pack@2.5", "pack of wolves@2.5", "werewolf",
                  "coyote howl@2.5", "howl at the moon@3", "dog howl@2.5", "howl of a dog@2.5", "hound howl@2.5"],
    "crow_caw": ["crow", "crows", "raven", "ravens", "rook", "jackdaw", "caw", "caws", "cawing", "crow caw@2.5",
                 "raven croak@2.5", "ravens croak@2.5", "murder of crows@3"],
    "seagull": ["seagull", "seagulls", "gull", "gulls", "seabird", "seabirds", "gull cry@3", "gulls cry@3", "seagull cry@3",
                "gulls call@3", "seagulls call@3", "?albatross", "tern", "gulls wheel@3"],
    # Ducks stay sure: nasal anatid calls, the generator's brassy honk is their kin.
    "goose_honk": ["goose", "geese", "honking geese@2.5", "geese honk@2.5", "goose honk@2.5", "flock of geese@2.5", "duck", "ducks",
                   "quack", "quacks", "quacking", "gander"],
    "bees_buzz": ["bee", "bees", "bumblebee", "wasp", "wasps", "hornet", "hornets", "beehive", "hive", "swarm", "bees hum@2.5",
                  "humming bee@2.5", "bee buzz@2.5", "buzzing bee@2.5", "hum of bees@2.5", "bees buzz@2.5", "apiary"],
    "lion_roar": ["lion", "lions", "lioness", "tiger", "tigers", "roar of a lion@3", "lion roar@2.5", "big cat@2", "panther",
                  "leopard", "jaguar", "dragon roar@2.5", "dragon@0.8", "beast roar@2.5", "monster roar@2.5", "creature roar@2.5",
                  "bear roar@2.5", "?t-rex", "?dinosaur"],
    # bells
    "church_bell": ["church bell@2.5", "church bells@2.5", "bell toll@2.5", "bells toll@2.5", "toll", "tolls", "tolling",
                    "bell tower@2.5", "belfry", "carillon", "cathedral bell@2.5", "funeral bell@2.5", "ship's bell@2.5",
                    "big ben@2", "chapel bell@2.5", "temple bell@2.5", "?gong", "bells ring out@2.5", "bells peal@2.5", "peal"],
    "handbell": ["bell", "bells", "bell ring@2", "bells ring@2", "ring a bell@2.5", "handbell", "hand bell",
                 "school bell@2.5", "dinner bell@2.5", "cowbell", "bell tinkl@2.5", "bells tinkl@2.5", "tinkle of bell@2.5",
                 "shop bell@2.5", "service bell@2.5", "ding", "dinging"],
    "doorbell": ["doorbell", "door bell", "doorbell ring@3", "ding dong", "ding-dong", "ring the doorbell@3", "?buzz at the door@2.5"],
    "clock_chime": ["clock chime@2.5", "clock chimes@2.5", "chiming clock@2.5", "clock strike@2.5", "clock strikes@2.5",
                    "strikes midnight@2.5", "strikes noon@2.5", "chime", "chimes", "chiming", "westminster",
                    "grandfather clock chime@3", "clock tower@2"],
    "wind_chime": ["wind chime@2.5", "wind chimes@2.5", "windchime", "windchimes", "chimes tinkl@2.5",
                   "chimes in the breeze@3", "chimes in the wind@3"],
    "phone_ring": ["phone", "phones", "telephone", "cellphone", "cell phone", "mobile phone", "smartphone", "phone ring@2.5",
                   "ringing phone@2.5", "telephone ring@2.5", "ringtone", "?phone buzz@2.5", "payphone",
                   "phone booth", "rotary phone", "landline"],
    # household
    "typing": ["typing", "types", "typist", "keyboard", "keyboards", "keystroke", "keystrokes", "?typewriter",
               "clack", "clacking", "key tap@2", "keys clatter@2", "tapping keys@2.5", "hacker type@2.5",
               "type furiously@2.5"],
    "knock": ["knock", "knocks", "knocking", "knock on door@3", "pound on door@3", "bang on door@3",
              "door knock@3", "rap on door@3", "rapping", "knuckles", "tap on the window@3", "tap at the door@3"],
    "kettle_whistle": ["kettle", "kettles", "kettle whistl@2.5", "whistling kettle@2.5", "teakettle", "tea kettle",
                       "kettle boil@2.5", "kettle sing@2.5", "?steam whistle@2.5"],
    "frying": ["fry", "frying", "fryer", "sizzl", "sizzle", "sizzling", "grill", "grilling",
               "bacon", "pan sizzl@2.5", "skillet", "griddle", "deep fry@2", "frying pan@2.5", "sizzling fat@2.5",
               "sear", "searing"],
    "chopping": ["chop", "chopping", "chop vegetable@2.5", "chopping board@2.5", "cutting board@2.5",
                 "?dice", "dicing", "mince", "mincing", "cleaver", "knife on board@3", "slice vegetable@2.5", "kitchen knife@2.5"],
    "water_tap": ["faucet", "tap running@2.5", "running tap@2.5", "water tap@2.5", "tap water@2.5", "turn on the tap@3", "sink", "basin",
                  "washbasin", "water running into@2.5", "fill the sink@2.5", "wash hands@2", "washing dishes@2", "washing up@2",
                  "shower running@2.5", "bathtub", "bath fill@2.5"],
    # weapons
    "gunshot": ["gunshot", "gun", "shot", "shoot", "shooting", "rifle", "pistol",
                "revolver", "handgun", "sniper", "musket", "shotgun", "gun blast@2.5", "fire a gun@3", "crack of a rifle@3",
                "gunfire", "bullet", "shots ring out@3", "gunshots ring out@3", "rifle crack@3",
                "gunfight", "shootout", "firing squad"],
    "automatic_fire": ["machine gun", "machinegun", "automatic fire@2.5", "automatic weapon@2.5",
                       "submachine gun", "assault rifle@2.5", "gatling", "minigun", "burst of fire@2.5", "strafing",
                       "machine gun rattl@3", "volley", "hail of bullets@3", "gunfire rattl@2.5", "guns rattl@2.5",
                       "rapid fire@2.5", "firefight@1.5"],
    "bow_arrow": ["arrow", "bow", "bowstring", "archer", "archery", "crossbow", "longbow",
                  "twang", "twanging", "arrow whistl@2.5", "arrow fly@2.5", "arrow whizz@2.5",
                  "arrow thunk@2.5", "volley of arrows@3", "bolt fly@2", "whizz", "whiz"],
    "punch": ["punch", "punching", "jab", "uppercut", "fist", "fistfight",
              "brawl", "brawling", "boxing", "boxer", "knockout", "punch to the face@3", "throw a punch@3", "gut punch@2.5",
              "pummel"],
    # aircraft, motorcycles, ships
    "helicopter": ["helicopter", "chopper", "rotor", "rotor blade@2.5", "heli",
                   "gunship", "medevac", "blades thumping@2.5", "helipad"],
    "motorcycle": ["motorcycle", "motorbike", "biker", "dirt bike@2", "harley",
                   "scooter", "moped", "motorcycle rev@2.5", "bike rev@2.5", "bike@0.8"],
    "airplane": ["airplane", "aeroplane", "plane", "aircraft", "airliner", "jetliner", "jumbo",
                 "biplane", "propeller", "prop plane@2", "fly by", "flyby", "~flying overhead", "overhead plane",
                 "plane fly@2.5", "plane pass@2.5", "planes overhead@2.5", "bomber", "airport", "runway",
                 "plane take off@3"],
    "ship_horn": ["ship horn@2.5", "ship's horn@2.5", "foghorn", "fog horn", "ship whistle@2.5", "steamship", "ocean liner",
                  "liner", "freighter", "tugboat", "ferry horn@2.5", "boat horn@2.5", "horn of a ship@3"],
    # crowds and voices
    "applause": ["applause", "applaud", "applauding", "clap", "clapping", "clap hands@2", "hand clap@2",
                 "polite applause@2.5", "applaud polite@2.8", "slow clap@2.5", "round of applause@3", "audience clap@2.5"],
    "laughter": ["laugh", "laughing", "laughter", "chuckle", "chuckling", "giggle", "giggling",
                 "cackl", "cackle", "cackling", "evil laugh@2.5", "guffaw", "snicker", "chortle", "titter",
                 "children laugh@2.5", "laughing children@2.5", "burst out laughing@3", "belly laugh@2.5"],
    "baby_cry": ["baby", "infant", "newborn", "toddler", "baby cry@2.5", "baby crying@2.5",
                 "crying baby@2.5", "baby wail@2.5", "baby scream@2.5", "baby bawl@2.5", "bawl", "bawling",
                 "nursery", "cradle", "crib"],
    # music
    # The bed plays music in the emotion's style with its own voices (pad, strings, brass, piano,
    # plucked harp/guitar, struck bars, bass, timpani): instruments it has no voice for, solo
    # bowed strings and genres it cannot play are stand-ins; the words for music itself are sure.
    "music_bed": [
        "?clarinet", "?saxophone", "?sax", "trombone", "xylophone", "marimba", "?banjo", "?harmonica", "ukulele", "mandolin", "?sitar", "synthesizer pad@2", "?tambourine", "glockenspiel", "celesta", "?oboe", "?bassoon", "french horn@2", "harpsichord",
        "radio play@2", "?play jazz@2", "plays music@2", "music play@2", "?soft jazz@2", "music plays@2",
        "music", "musical", "score", "soundtrack", "melody", "tune", "song", "theme",
        "background music", "ambient music", "orchestra", "orchestral", "strings", "?violin",
        "violins", "?cello", "piano", "guitar", "lute", "harp", "?flute", "?choir", "chant@0.5",
        "synth", "synthesizer", "pad", "drone music", "?drums", "?drumbeat", "drum", "beat@0.6",
        "percussion", "bass", "bassline", "?organ", "music box", "?jazz", "band", "bard",
        "minstrel", "?fiddle", "?accordion", "?bagpipe", "?bagpipes", "ballad", "lullaby",
        "hymn", "waltz", "march music", "anthem", "requiem", "melancholy music", "sad music",
        "tense music", "battle music", "music swell", "swelling music", "music build",
        "underscore", "ostinato", "arpeggio", "chord", "chords", "playing music", "radio music",
        "jukebox", "?dj", "?dance music", "?techno", "?rock music", "orchestra swell",
    ],
    "music_stinger": [
        "stinger", "sting", "music sting", "music stinger", "fanfare", "trumpet", "trumpets",
        "brass", "horn fanfare", "victory fanfare", "triumphant fanfare", "jingle@0.6",
        "musical hit", "orchestral hit", "orchestra hit", "music hit", "stab", "musical stab",
        "brass stab", "dramatic hit", "dramatic chord", "dun dun", "jump scare", "jumpscare",
        "scare chord", "shock chord", "reveal", "discovery", "level up", "achievement",
        "quest complete", "game over", "victory jingle", "success", "cymbal crash", "cymbal",
        "gong hit", "timpani", "drum roll", "drumroll", "bugle", "horn call", "ta-da", "tada",
        "power chord", "riser", "whoosh hit", "impact hit", "boom hit", "braam", "sting of music",
    ],
}

# Words that pick the footsteps surface; the first group that appears in the clause wins.
SURFACES: dict[str, list[str]] = {
    "footsteps_water": ["water", "puddle", "puddles", "splash", "splashing", "splosh", "wet",
                        "wade", "wading", "stream", "river", "shallows", "mud", "muddy", "bog",
                        "marsh", "swamp", "sewer", "flood", "flooded", "rain", "slush", "soggy"],
    "footsteps_gravel": ["gravel", "pebble", "pebbles", "dirt", "path", "trail", "ground", "earth",
                         "forest floor", "leaves", "grass", "sand", "sandy", "crunch", "crunchy",
                         "rock", "rocky", "stones", "scree", "rubble", "soil", "field", "road",
                         "driveway", "desert", "beach", "forest", "woods", "undergrowth"],
    "footsteps_wood": ["wood", "wooden", "floorboard", "floorboards", "plank", "planks", "deck",
                       "boards", "board", "stairs", "staircase", "attic", "cabin", "porch",
                       "bridge", "parquet", "creak", "creaking", "creaky", "tavern", "ship",
                       "barn", "house", "stage", "dock", "pier", "boardwalk"],
    "footsteps_metal": ["metal", "metallic", "clank", "clanking", "robot", "robotic", "mech", "clang", "steel", "iron", "grating", "grate", "grille", "catwalk",
                        "gantry", "walkway", "ladder", "vent", "duct", "hull", "spaceship",
                        "ship's", "corridor of the ship", "station", "bunker", "tin", "fire escape",
                        "scaffold", "scaffolding", "factory", "industrial"],
    "footsteps_snow": ["snow", "snowy", "ice", "icy", "frost", "frozen", "frosty", "slush",
                       "powder", "blizzard", "tundra", "glacier", "crunching snow", "winter"],
    "footsteps_stone": ["stone", "stones", "marble", "tile", "tiles", "tiled", "concrete",
                        "pavement", "sidewalk", "cobble", "cobbles", "cobblestone", "cobblestones",
                        "asphalt", "floor", "hall", "hallway", "corridor", "cathedral", "church",
                        "castle", "dungeon", "crypt", "cave", "cavern", "tunnel", "temple",
                        "street", "alley", "courtyard", "stairwell", "granite", "brick", "city"],
}

# ---------------------------------------------------------------------------------------------
# Emotions. Explicit mood words weigh more than situations ("Mystery chase" -> mystery).
EMOTION_WORDS: dict[str, tuple[list[str], list[str]]] = {
    # emotion: (explicit mood words, situational words)
    "tense": (["tense", "tension", "suspense", "suspenseful", "urgent", "anxious", "nervous",
               "frantic", "thrilling", "action", "intense", "danger", "dangerous", "menacing"],
              ["chase", "chasing", "pursuit", "pursued", "escape", "fleeing", "flee", "fight",
               "battle", "combat", "ambush", "attack", "stealth", "sneak", "sneaking", "heist",
               "race", "racing", "hunt", "hunted", "standoff", "showdown", "alarm", "siren",
               "war", "warzone", "gunfight", "shootout", "bomb", "countdown", "sword", "duel",
               "raid", "infiltrat", "firefight", "skirmish", "siege", "boss"]),
    "horror": (["horror", "horrifying", "terrifying", "terror", "scary", "creepy", "eerie",
                "spooky", "sinister", "dread", "nightmare", "macabre", "ghastly", "gruesome",
                "frightening", "haunting", "chilling", "uncanny"],
               ["haunted", "ghost", "ghosts", "ghostly", "zombie", "zombies", "monster",
                "demon", "demonic", "possessed", "asylum", "morgue", "crypt", "graveyard",
                "cemetery", "blood", "bloody", "corpse", "undead", "vampire", "werewolf",
                "slasher", "scream", "ritual", "cult", "abandoned", "witch"]),
    "mystery": (["mystery", "mysterious", "enigmatic", "puzzling", "strange", "curious",
                 "cryptic", "intrigue", "intriguing", "uneasy", "ominous", "noir", "secret",
                 "secretive", "unknown", "arcane"],
                ["investigation", "investigate", "detective", "clue", "clues", "puzzle",
                 "riddle", "ruins", "ancient", "tomb", "relic", "artifact", "shadow", "shadows",
                 "fog", "foggy", "mist", "misty", "labyrinth", "hidden", "search", "searching",
                 "explore", "exploring", "exploration", "dungeon"]),
    "calm": (["calm", "peaceful", "serene", "tranquil", "quiet", "gentle", "relaxing", "relaxed",
              "soothing", "cozy", "cosy", "idyllic", "lazy", "restful", "meditative", "placid",
              "still", "sleepy", "dreamy", "pastoral", "warm"],
             ["dawn", "sunrise", "morning", "meadow", "garden", "picnic", "village", "farm",
              "cottage", "lullaby", "sleep", "sleeping", "rest", "resting", "campfire",
              "beach", "spa", "library", "reading", "breeze", "summer", "brook", "stream"]),
    "sad": (["sad", "sadness", "sorrow", "sorrowful", "mournful", "melancholy", "melancholic",
             "grief", "grieving", "tragic", "loneliness", "somber", "sombre",
             "bittersweet", "heartbroken", "despair", "forlorn", "desolate", "bleak", "gloomy"],
            ["funeral", "mourning", "mourn", "farewell", "goodbye", "loss", "death", "dying",
             "grave", "tears", "weeping", "sobbing", "rainy", "aftermath", "ruined", "empty",
             "memorial", "wake"]),
    "triumphant": (["triumphant", "triumph", "victory", "victorious", "glorious", "glory",
                    "heroic", "epic", "jubilant", "celebratory", "majestic", "proud", "joyful",
                    "joyous", "exultant"],
                   ["win", "winning", "won", "champion", "celebration", "celebrate", "hero",
                    "coronation", "parade", "fanfare", "medal", "trophy", "finale", "success",
                    "cheer", "cheers", "cheering", "rescue", "rescued", "reunion", "wedding",
                    "festival", "level up", "achievement"]),
}

# Scene acoustics. Order matters for ties: more specific first.
SCENE_WORDS: dict[str, list[str]] = {
    "underwater": ["underwater", "under water", "submerged", "beneath the surface", "below the surface",
                   "ocean floor", "seabed", "sea floor", "deep sea", "undersea", "scuba", "diving",
                   "beneath the waves", "below the waves", "sunken", "reef", "abyss"],
    "cave": ["cave", "caves", "cavern", "caverns", "grotto", "tunnel", "tunnels", "mine", "mines",
             "mineshaft", "sewer", "sewers", "catacomb", "catacombs", "crypt", "dungeon",
             "underground", "subterranean", "burrow", "lair", "pit", "well", "bunker", "vault",
             "cistern", "tomb"],
    "hall": ["hall", "great hall", "hallway", "corridor", "corridors", "cathedral", "church",
             "chapel", "temple", "palace", "throne room", "castle", "warehouse", "hangar",
             "station", "terminal", "gymnasium", "gym", "museum", "atrium", "lobby", "ballroom",
             "auditorium", "theater", "theatre", "arena", "stadium", "factory", "parking garage",
             "stairwell", "mansion", "manor", "library", "mall", "concourse", "opera", "hall of"],
    "small_room": ["room", "bedroom", "office", "kitchen", "bathroom", "closet", "cupboard",
                   "attic", "basement", "cellar", "cabin", "hut", "shack", "tent", "tavern",
                   "inn", "pub", "bar", "cafe", "shop", "store", "apartment", "flat", "house",
                   "home", "cockpit", "cabin of", "car interior", "inside the car", "elevator",
                   "lift", "cell", "prison cell", "study", "den", "lab", "laboratory", "workshop",
                   "garage", "classroom", "interior", "indoors", "inside", "spaceship", "starship",
                   "ship's bridge", "submarine", "wagon", "carriage", "train car", "saloon",
                   "diner", "restaurant", "clinic", "hospital room", "ward"],
    "forest": ["forest", "forests", "wood", "woods", "woodland", "woodlands", "jungle",
               "rainforest", "grove", "thicket", "glade", "clearing", "trees", "pine", "pines",
               "undergrowth", "orchard", "swamp", "bayou", "marsh", "taiga"],
    "open_air": ["outside", "outdoors", "open air", "field", "fields", "meadow", "plain", "plains",
                 "desert", "beach", "coast", "shore", "mountain", "mountains", "pass", "valley",
                 "hill", "hills", "street", "streets", "city", "town", "village", "square",
                 "plaza", "market", "harbor", "harbour", "dock", "docks", "rooftop", "roof",
                 "battlefield", "sky", "bridge", "park", "garden", "farm", "highway", "road",
                 "cliff", "canyon", "tundra", "island", "lake", "river", "prairie", "savanna"],
}

# ---------------------------------------------------------------------------------------------
# Modifiers: intensity, distance, duration, tempo. Values are applied in order of appearance.
SOFT_WORDS = ["soft", "softly", "gentle", "gently", "quiet", "quietly", "faint", "faintly",
              "light", "lightly", "subtle", "subtly", "muffled", "muted", "low", "hushed",
              "delicate", "delicately", "weak", "weakly", "slight", "slightly", "barely",
              "whispered", "dull", "calm", "mild", "little", "small", "tiny", "careful",
              "carefully", "cautious", "cautiously", "tentative", "slow", "slowly", "lazy",
              "lazily", "peaceful", "tiptoe", "tiptoeing", "sneaking", "stealthy", "stealthily"]
LOUD_WORDS = ["loud", "loudly", "heavy", "heavily", "hard", "violent", "violently", "massive",
              "huge", "enormous", "giant", "powerful", "deafening", "thunderous", "booming",
              "roaring", "fierce", "fiercely", "intense", "strong", "big", "great", "mighty",
              "sharp", "sudden", "suddenly", "abrupt", "abruptly", "explosive", "frantic",
              "frantically", "furious", "furiously", "wild", "wildly", "blaring", "raging",
              "pounding", "crashing", "brutal", "savage", "terrible", "tremendous", "ear-splitting"]
LOUDER_WORDS = ["louder", "stronger", "harder", "heavier", "intensif", "intensifies", "swells",
                "swelling", "builds", "building", "rising", "rises", "grows", "growing", "crescendo"]
SOFTER_WORDS = ["softer", "quieter", "fades", "fading", "fade", "dies", "dying", "subsides",
                "subsiding", "recedes", "receding", "weaker", "calms", "settles", "trails off",
                "dwindles", "ebbs", "diminishes", "tapers"]
DISTANT_WORDS = ["distant", "distance", "far", "faraway", "afar", "remote", "far-off", "far off",
                 "far away", "faintly", "echoing", "echoes", "beyond", "across the valley",
                 "on the horizon", "horizon", "miles", "somewhere"]
OCCLUDED_WORDS = ["outside", "next door", "upstairs", "downstairs", "behind the wall",
                  "through the wall", "behind the door", "below", "above", "other room",
                  "another room", "down the hall", "down the corridor", "muffled", "overhead"]
NEAR_WORDS = ["near", "nearby", "close", "closer", "close by", "right next", "beside",
              "behind you", "right behind", "in front", "up close", "next to", "at your feet",
              "right here", "inches", "whisper", "whispered", "in your ear", "approaching",
              "approaches"]
LONG_WORDS = ["long", "lengthy", "lingering", "lingers", "sustained", "prolonged", "endless",
              "continuous", "constant", "steady", "steadily", "ongoing", "slow", "slowly",
              "drawn-out", "extended", "relentless", "persistent", "incessant", "keeps"]
SHORT_WORDS = ["short", "brief", "briefly", "quick", "quickly", "single", "sharp", "sudden",
               "suddenly", "instant", "momentary", "abrupt", "abruptly", "staccato", "rapid", "snappy"]
RUN_WORDS = ["run", "running", "runs", "ran", "sprint", "sprinting", "sprints", "dash", "dashing",
             "rush", "rushing", "hurry", "hurried", "hurrying", "flee", "fleeing", "flees",
             "chase", "chasing", "race", "racing", "jog", "jogging", "bolt", "bolting", "scurry",
             "scurrying", "scramble", "scrambling", "frantic", "pursuit", "pursue", "pursuing"]

# ---------------------------------------------------------------------------------------------
# Environments: what a weather or location state (or a scene) implies while it lasts.


@dataclass(frozen=True)
class Recurring:
    """A one-shot that recurs at seeded intervals while its environment lasts."""

    sound_class: str
    caption: str
    every_s: tuple[float, float]  # min, max seconds between onsets
    distance: tuple[float, float] = (0.5, 0.9)
    intensity: tuple[float, float] = (0.4, 0.8)
    duration_s: float | None = None


@dataclass(frozen=True)
class Environment:
    beds: tuple[tuple[str, str, float], ...] = ()  # (class, caption, intensity)
    recurring: tuple[Recurring, ...] = ()
    scene: str = ""  # scene acoustics it implies ("" leaves the scene alone)
    emotion: str = ""


_STORM = Environment(
    beds=(("rain_heavy", "storm rain", 0.7), ("wind_gusts", "storm wind", 0.5)),
    recurring=(Recurring("thunder_distant", "distant thunder rolling", (12.0, 28.0), (0.6, 0.95)),
               Recurring("thunder_near", "thunder crack", (30.0, 70.0), (0.1, 0.35), (0.7, 1.0))))

WEATHER: dict[str, Environment] = {
    "storm": _STORM, "thunderstorm": _STORM, "stormy": _STORM, "tempest": _STORM,
    "rain": Environment(beds=(("rain_light", "rain", 0.5),)),
    "rainy": Environment(beds=(("rain_light", "rain", 0.5),)),
    "drizzle": Environment(beds=(("rain_light", "light drizzle", 0.35),)),
    "heavy_rain": Environment(beds=(("rain_heavy", "heavy rain", 0.7),)),
    "downpour": Environment(beds=(("rain_heavy", "downpour", 0.8),)),
    "wind": Environment(beds=(("wind_gusts", "wind", 0.5),)),
    "windy": Environment(beds=(("wind_gusts", "gusting wind", 0.55),)),
    "blizzard": Environment(beds=(("wind_howling", "blizzard wind howling", 0.8),)),
    "snow": Environment(beds=(("wind_gusts", "soft wind over snow", 0.3),)),
    "snowstorm": Environment(beds=(("wind_howling", "snowstorm wind", 0.75),)),
    "sandstorm": Environment(beds=(("wind_howling", "sandstorm wind", 0.8),)),
    "hail": Environment(beds=(("rain_heavy", "hail hammering", 0.8),)),
    "fog": Environment(), "clear": Environment(), "sunny": Environment(), "cloudy": Environment(),
    "calm": Environment(), "none": Environment(),
}

LOCATION: dict[str, Environment] = {
    "forest": Environment(beds=(("birdsong", "forest birds", 0.4),),
                          recurring=(Recurring("birdsong", "a bird calling", (6.0, 16.0), (0.3, 0.8),
                                               (0.3, 0.6), 3.0),), scene="forest"),
    "woods": Environment(beds=(("birdsong", "woodland birds", 0.4),),
                         recurring=(Recurring("birdsong", "a bird calling", (6.0, 16.0), (0.3, 0.8),
                                              (0.3, 0.6), 3.0),), scene="forest"),
    "jungle": Environment(beds=(("birdsong", "jungle birds", 0.55), ("crickets", "jungle insects", 0.4)),
                          recurring=(Recurring("birdsong", "an exotic bird call", (5.0, 14.0), (0.3, 0.8),
                                               (0.4, 0.7), 3.0),), scene="forest"),
    "night_forest": Environment(beds=(("crickets", "night crickets", 0.4),),
                                recurring=(Recurring("owl", "an owl hooting", (15.0, 40.0), (0.4, 0.9)),),
                                scene="forest"),
    "city": Environment(beds=(("traffic", "city traffic", 0.5),),
                        recurring=(Recurring("car_horn", "a distant car horn", (15.0, 45.0), (0.6, 0.9)),
                                   Recurring("car_engine", "a car passing in the distance", (10.0, 30.0),
                                             (0.5, 0.85), (0.4, 0.7), 5.0)), scene="open_air"),
    "street": Environment(beds=(("traffic", "street traffic", 0.55),),
                          recurring=(Recurring("car_horn", "a car horn down the street", (15.0, 45.0), (0.5, 0.85)),),
                          scene="open_air"),
    "cave": Environment(beds=(("cave_drips", "water dripping in the cave", 0.4),), scene="cave"),
    "dungeon": Environment(beds=(("cave_drips", "dungeon drips", 0.35),),
                           recurring=(Recurring("metal_clang", "chains rattling far off", (20.0, 50.0), (0.6, 0.9),
                                                (0.3, 0.5)),), scene="cave"),
    "sewer": Environment(beds=(("stream", "sewer water running", 0.4), ("cave_drips", "sewer drips", 0.3)),
                         scene="cave"),
    "tavern": Environment(beds=(("crowd_murmur", "tavern chatter", 0.5), ("campfire", "hearth fire", 0.35)),
                          recurring=(Recurring("glass_clink", "mugs clinking", (8.0, 20.0), (0.3, 0.7), (0.3, 0.6)),),
                          scene="small_room"),
    "inn": Environment(beds=(("crowd_murmur", "inn chatter", 0.45),), scene="small_room"),
    "beach": Environment(beds=(("waves", "waves on the shore", 0.55),),
                         recurring=(Recurring("seagull", "seagulls crying", (12.0, 30.0), (0.4, 0.8), (0.3, 0.6), 3.0),),
                         scene="open_air"),
    "coast": Environment(beds=(("waves", "waves on the coast", 0.55),), scene="open_air"),
    "harbor": Environment(beds=(("water_lapping", "water lapping at the dock", 0.45),),
                          recurring=(Recurring("ship_horn", "a ship horn far off", (40.0, 90.0), (0.7, 0.95)),),
                          scene="open_air"),
    "harbour": Environment(beds=(("water_lapping", "water lapping at the dock", 0.45),), scene="open_air"),
    "river": Environment(beds=(("stream", "river flowing", 0.5),), scene="open_air"),
    "underwater": Environment(beds=(("underwater_bubbles", "underwater bubbles", 0.45),),
                              recurring=(Recurring("whale_song", "whale song far away", (30.0, 70.0), (0.8, 1.0),
                                                   (0.3, 0.5), 8.0),), scene="underwater"),
    "swamp": Environment(beds=(("frogs", "frogs croaking", 0.5), ("crickets", "swamp insects", 0.35)),
                         scene="forest"),
    "mountain": Environment(beds=(("wind_gusts", "mountain wind", 0.55),),
                            recurring=(Recurring("eagle_cry", "an eagle crying overhead", (25.0, 60.0), (0.5, 0.9)),),
                            scene="open_air"),
    "desert": Environment(beds=(("wind_gusts", "desert wind", 0.4),), scene="open_air"),
    "spaceship": Environment(beds=(("electrical_hum", "ship engine hum", 0.4),),
                             recurring=(Recurring("computer_beeps", "console beeps", (10.0, 25.0), (0.3, 0.7),
                                                  (0.3, 0.5)),), scene="small_room"),
    "station": Environment(beds=(("electrical_hum", "station hum", 0.4),), scene="hall"),
    "lab": Environment(beds=(("electrical_hum", "lab equipment hum", 0.35),),
                       recurring=(Recurring("computer_beeps", "equipment beeps", (8.0, 20.0), (0.3, 0.6), (0.3, 0.5)),),
                       scene="small_room"),
    "factory": Environment(beds=(("electrical_hum", "factory machine hum", 0.55),),
                           recurring=(Recurring("steam_hiss", "steam venting", (10.0, 25.0), (0.3, 0.7)),
                                      Recurring("valve_clank", "pipes clanking", (8.0, 20.0), (0.3, 0.7))),
                           scene="hall"),
    "castle": Environment(scene="hall"), "hall": Environment(scene="hall"),
    "cathedral": Environment(scene="hall"), "church": Environment(scene="hall"),
    "corridor": Environment(scene="hall"),
    "house": Environment(beds=(("clock_tick", "a clock ticking", 0.25),), scene="small_room"),
    "room": Environment(scene="small_room"), "office": Environment(beds=(("electrical_hum", "office hum", 0.25),),
                                                                 scene="small_room"),
    "camp": Environment(beds=(("campfire", "campfire crackling", 0.45),), scene="open_air"),
    "campsite": Environment(beds=(("campfire", "campfire crackling", 0.45),), scene="open_air"),
    "meadow": Environment(beds=(("birdsong", "meadow birds", 0.35), ("wind_gusts", "breeze", 0.25)),
                          scene="open_air"),
    "field": Environment(beds=(("wind_gusts", "wind over the field", 0.3),), scene="open_air"),
    "battlefield": Environment(beds=(("crowd_murmur", "distant battle", 0.4),),
                               recurring=(Recurring("explosion", "a distant explosion", (12.0, 35.0), (0.7, 0.95)),
                                          Recurring("sword_clash", "blades clashing nearby", (6.0, 18.0), (0.3, 0.6))),
                               scene="open_air"),
    "market": Environment(beds=(("crowd_murmur", "market crowd", 0.5),), scene="open_air"),
    "stadium": Environment(beds=(("crowd_murmur", "stadium crowd", 0.6),), scene="hall"),
    "train_station": Environment(beds=(("crowd_murmur", "station crowd", 0.45),),
                                 recurring=(Recurring("train_passing", "a train passing", (40.0, 90.0), (0.3, 0.7)),),
                                 scene="hall"),
    "arctic": Environment(beds=(("wind_howling", "arctic wind", 0.6),), scene="open_air"),
}

# Location words (text or state values) -> an LOCATION key.
LOCATION_ALIASES: dict[str, str] = {
    "woodland": "woods", "forests": "forest", "grove": "forest", "rainforest": "jungle",
    "town": "city", "downtown": "city", "metropolis": "city", "urban": "city", "alley": "street",
    "road": "street", "highway": "street", "cavern": "cave", "caves": "cave", "mine": "cave",
    "tunnel": "cave", "grotto": "cave", "crypt": "dungeon", "catacombs": "dungeon",
    "pub": "tavern", "bar": "tavern", "saloon": "tavern", "shore": "beach", "seaside": "beach",
    "ocean": "beach", "sea": "beach", "dock": "harbor", "docks": "harbor", "pier": "harbor",
    "port": "harbor", "stream": "river", "brook": "river", "creek": "river", "marsh": "swamp",
    "bayou": "swamp", "bog": "swamp", "mountains": "mountain", "peak": "mountain",
    "pass": "mountain", "cliff": "mountain", "spaceship": "spaceship", "starship": "spaceship",
    "spacecraft": "spaceship", "space_station": "station", "laboratory": "lab",
    "workshop": "factory", "warehouse": "factory", "palace": "castle", "temple": "cathedral",
    "chapel": "church", "hallway": "corridor", "home": "house", "apartment": "house",
    "cabin": "house", "bedroom": "room", "kitchen": "room", "plains": "field", "farm": "field",
    "warzone": "battlefield", "bazaar": "market", "arena": "stadium",
    "tundra": "arctic", "glacier": "arctic", "underwater": "underwater", "sea_floor": "underwater",
    "seabed": "underwater", "reef": "underwater", "camp": "camp", "subway": "train_station",
}

WEATHER_ALIASES: dict[str, str] = {
    "thunder": "storm", "lightning": "storm", "rainstorm": "storm", "raining": "rain",
    "showers": "rain", "heavy rain": "heavy_rain", "pouring": "downpour", "torrential": "downpour",
    "gale": "windy", "breezy": "wind", "gusty": "windy", "snowing": "snow", "snowfall": "snow",
    "foggy": "fog", "misty": "fog", "sun": "sunny", "overcast": "cloudy", "dry": "clear",
}

STOPWORDS = set("""
a an the and or but of to in on at by for with from into onto over under up down out off as
is are was were be been being it its this that these those there here then than so too very
just now while when where which who whom whose what how all any some each every no not only
own same such can will would should could may might must shall do does did done has have had
having i me my we our you your he him his she her they them their itself himself herself
themselves one once again also still even ever yet soon later first next finally suddenly
begin begins began start starts started starting continue continues continued keep keeps
slowly quickly gently softly loudly somewhere something someone someone's around through
across along toward towards behind beside between above below near nearby far away back
about against amid amidst among upon within without during until till after before
sound sounds sounding noise noises heard hear hearing can't cannot
""".split())


# Particles make phrasal verbs ("power up", "pull away"): they count when they are in a phrase.
STOPWORD_STEMS = frozenset(stems(" ".join(sorted(STOPWORDS - {"up", "down", "out", "off", "away", "over"}))))

# Words that name the sound itself (mostly verbs) outrank the word for its source when they tie:
# "a taxi honks" is a horn, "the crowd applauds" is applause.
SOUND_WORDS = frozenset(stems(
    "honk beep bark creak squeak slam clink clang clank shatter splinter crackle hiss whir buzz hum "
    "rumble boom bang thud thump snap crunch splash drip trickle patter chirp tweet hoot croak growl "
    "moo neigh purr meow cough sneeze scream shriek grunt gasp pant whisper murmur chatter "
    "cheer applaud clap tick jingle jangle rattle screech squeal skid whoosh zap ping blare whistle "
    "sizzle fizz gurgle babble yelp yip caw quack clop bleat chime toll knock rustle swish twang "
    "thunk snarl sob wheeze squelch gallop clatter whinny bawl caw honk laugh giggle type sizzle tap "
    "whizz"))
SOUND_WORD_BONUS = 0.15


def _parse_entry(entry: str) -> tuple[tuple[str, ...], float]:
    entry = entry.lstrip("?")  # a stand-in: see ``is_proxy``
    weak = entry.startswith("~")
    if weak:
        entry = entry[1:]
    weight = None
    if "@" in entry:
        entry, w = entry.rsplit("@", 1)
        weight = float(w)
    toks = tuple(dict.fromkeys(stems(entry)))  # unique, ordered
    if weight is None:  # stop words must be present but do not score ("rain on roof" scores 2)
        content = [t for t in toks if t not in STOPWORD_STEMS] or list(toks)
        weight = float(len(content)) * (0.5 if weak else 1.0)
        if not weak and len(content) == 1 and content[0] in SOUND_WORDS:
            weight += SOUND_WORD_BONUS
    return toks, weight


def is_proxy(entry: str) -> bool:
    """``?phrase``: the class stands in for a sound it does not make ("?elephant" under dog_bark:
    the nearest the engine has, not an elephant). A match by a stand-in is not sure: the plan says
    so (``class_score``), and the server reports the event as a miss unless an engine (the
    studio's library) renders the caption itself."""
    return entry.startswith("?")


@dataclass(frozen=True)
class Entry:
    tokens: tuple[str, ...]
    weight: float
    sound_class: str
    proxy: bool = False
    weak: bool = False  # ``~phrase``: context words of the class, not a name for its sound
    ordered: bool = False  # the tokens must occur in this order ("runs through water", not "water runs")


# Footsteps words that water and paths also do: "water runs", "the trail runs north" are not steps.
_FLOWING_VERBS = frozenset(stems("run runs running"))


@lru_cache(maxsize=1)
def compiled() -> tuple[Entry, ...]:
    """All lexicon entries, footsteps surface combinations included, stemmed once."""
    out: list[Entry] = []
    for cls, phrases in LEXICON.items():
        for p in phrases:
            toks, w = _parse_entry(p)
            if toks:
                out.append(Entry(toks, w, cls, is_proxy(p), p.lstrip("?").startswith("~")))
    # footsteps on a surface: any generic footsteps word + any surface word (scores 2+)
    generic = [_parse_entry(p)[0] for p in LEXICON["@footsteps"] if not p.lstrip("?").startswith("~")]
    for cls, surface_words in SURFACES.items():
        for sw in surface_words:
            st = tuple(stems(sw))
            for g in generic:
                if len(g) == 1:
                    toks = tuple(dict.fromkeys(g + st))
                    out.append(Entry(toks, float(len(toks)) + 0.25, cls, ordered=g[0] in _FLOWING_VERBS))
    return tuple(out)


@lru_cache(maxsize=1)
def by_first_token() -> dict[str, tuple[Entry, ...]]:
    idx: dict[str, list[Entry]] = {}
    for e in compiled():
        idx.setdefault(e.tokens[0], []).append(e)
    return {k: tuple(v) for k, v in idx.items()}


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Every stem the lexicon knows (for fuzzy matching of typos)."""
    return frozenset(t for e in compiled() for t in e.tokens)


def _stem_set(words_: list[str]) -> list[tuple[str, ...]]:
    return [tuple(stems(w)) for w in words_]


@lru_cache(maxsize=None)
def stemmed_words(name: str) -> tuple[tuple[str, ...], ...]:
    """Stemmed phrase lists for the word tables above, by table name."""
    return tuple(_stem_set(globals()[name]))


@lru_cache(maxsize=1)
def class_vocabulary() -> dict[str, frozenset[str]]:
    """Every content stem each class's phrases use (for context: "cicadas buzz" - buzz is an
    insect word too)."""
    out: dict[str, set[str]] = {}
    for e in compiled():
        out.setdefault(e.sound_class, set()).update(t for t in e.tokens if t not in STOPWORD_STEMS)
    return {k: frozenset(v) for k, v in out.items()}
