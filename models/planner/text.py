"""Text helpers for the rule planner: normalising, tokenising, stemming, spelled-out numbers.

The stemmer is deliberately small and symmetric: the lexicon's phrases go through the same
function as the narrative, so "crackles", "crackling" and "crackle" all meet at "crackl".
"""
from __future__ import annotations

import re
import unicodedata

_PUNCT_MAP = {
    "\u2014": ", ", "\u2013": ", ", "\u2012": ", ", "\u2015": ", ",  # dashes join clauses
    "\u2026": ". ", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
    "&": " and ", "+": " and ",
}

_IRREGULAR = {
    "fell": "fall", "fallen": "fall", "rang": "ring", "rung": "ring", "sang": "sing", "sung": "sing",
    "broke": "break", "broken": "break", "shook": "shake", "shaken": "shake", "blew": "blow",
    "blown": "blow", "flew": "fly", "flown": "fly", "struck": "strike", "shot": "shoot",
    "rose": "rise", "risen": "rise", "ran": "run", "swung": "swing", "slid": "slide", "tore": "tear",
    "torn": "tear", "bit": "bite", "froze": "freeze", "frozen": "freeze", "drove": "drive",
    "driven": "drive", "feet": "foot", "wolves": "wolf", "leaves": "leaf", "knives": "knife",
    "thieves": "thief", "men": "man", "women": "woman", "people": "person", "children": "child",
    "geese": "goose", "mice": "mouse", "teeth": "tooth", "began": "begin", "begun": "begin",
    "grew": "grow", "grown": "grow", "threw": "throw", "thrown": "throw", "hit": "hit",
    "split": "split", "burnt": "burn", "spun": "spin", "stung": "sting", "clung": "cling",
    "sprang": "spring", "sprung": "spring", "crept": "creep", "wept": "weep", "swept": "sweep",
    "hung": "hang", "fought": "fight", "caught": "catch", "bled": "bleed", "led": "lead",
    "left": "left", "sped": "speed", "spat": "spit", "burst": "burst", "blast": "blast",
    "woke": "wake", "shut": "shut", "beat": "beat", "lit": "light",
    "ground": "ground", "underground": "underground", "sounds": "sound", "tyre": "tire",
    "tyres": "tire", "thundering": "thunder", "thundered": "thunder", "thunders": "thunder",
    "thunderous": "thunderous", "chatter": "chatter", "chattering": "chatter", "shimmer": "shimmer",
    "footfalls": "footstep", "footfall": "footstep", "footsteps": "footstep", "footstep": "footstep",
    "steps": "step", "whispering": "whisper", "whispers": "whisper", "whispered": "whisper",
    "gravel": "gravel", "crunchy": "crunch", "rumbling": "rumbl", "rumbles": "rumbl",
    "rumbled": "rumbl", "rumble": "rumbl", "colour": "color", "armour": "armor", "metre": "meter",
    "siren": "siren", "sirens": "siren", "pattering": "patter", "patters": "patter",
    "hovering": "hover", "hovers": "hover", "shattering": "shatter", "shatters": "shatter",
    "shattered": "shatter", "clattering": "clatter", "clatters": "clatter", "clattered": "clatter",
    "flickering": "flicker", "flickers": "flicker", "glimmering": "glimmer", "murmuring": "murmur",
    "murmurs": "murmur", "muttering": "mutter", "mutters": "mutter", "whimpering": "whimper",
    "whimpers": "whimper", "chittering": "chitter", "twittering": "twitter", "twitters": "twitter",
    "roaring": "roar", "roars": "roar", "roared": "roar", "clanging": "clang", "clangs": "clang",
    "buzzing": "buzz", "buzzes": "buzz", "fizzing": "fizz", "hissing": "hiss", "hisses": "hiss",
    "hissed": "hiss", "sizzling": "sizzl", "sizzles": "sizzl", "sizzle": "sizzl",
    "news": "news", "series": "series", "bus": "bus", "buses": "bus", "busses": "bus", "gas": "gas",
    "glass": "glass", "grass": "grass", "brass": "brass", "bass": "bass", "moss": "moss",
    "dusk": "dusk", "dawn": "dawn", "is": "is", "was": "was", "has": "has", "this": "this",
    "his": "his", "its": "its", "us": "us", "as": "as", "always": "always", "towards": "toward",
    "upstairs": "upstairs", "downstairs": "downstairs", "outdoors": "outdoor", "indoors": "indoor",
    "sometimes": "sometimes", "whirring": "whir", "whirs": "whir", "whirred": "whir",
    "stirring": "stir", "purring": "purr", "purrs": "purr", "during": "during", "thing": "thing",
    "string": "string", "strings": "string", "spring": "spring", "evening": "evening",
    "morning": "morning", "ceiling": "ceiling", "building": "building", "buildings": "building",
    "king": "king", "wing": "wing", "wings": "wing", "ring": "ring", "rings": "ring",
    "ringing": "ring", "bring": "bring", "swing": "swing", "swings": "swing", "sing": "sing",
    "sings": "sing", "singing": "sing", "sting": "sting", "stings": "sting", "stinger": "sting",
    "stingers": "sting", "wring": "wring", "ceilings": "ceiling", "railing": "railing",
    "railings": "railing", "clothing": "cloth", "nothing": "nothing", "something": "something",
    "lightning": "lightning", "bells": "bell", "horses": "horse", "hooves": "hoof",
    "ceased": "cease", "pause": "pause", "paused": "pause", "pauses": "pause",
}

_STEM_CACHE: dict[str, str] = {}
_VOWELS = set("aeiouy")


def stem(word: str) -> str:
    """A light suffix stripper, the same for lexicon and narrative (see module doc)."""
    cached = _STEM_CACHE.get(word)
    if cached is not None:
        return cached
    w = word.lower().strip("'")
    if w.endswith("'s"):
        w = w[:-2]
    if w in _IRREGULAR:
        out = _IRREGULAR[w]
        if len(out) > 3 and out.endswith("e") and not out.endswith("ee"):
            out = out[:-1]  # same final step as the rules: "horses" -> "horse" -> "hors" = stem("horse")
    else:
        out = w
        if len(out) > 4 and out.endswith("ies"):
            out = out[:-3] + "y"
        elif len(out) > 5 and out.endswith("ing"):
            out = out[:-3]
        elif len(out) > 4 and out.endswith("ied"):
            out = out[:-3] + "y"
        elif len(out) > 4 and out.endswith("ed"):
            out = out[:-2]
        elif len(out) > 4 and out.endswith(("ches", "shes", "sses", "xes", "zes")):
            out = out[:-2]
        elif len(out) > 4 and out.endswith("es"):
            out = out[:-1]  # "crackles" -> "crackle" -> (e-strip below) "crackl"
        elif len(out) > 3 and out.endswith("s") and not out.endswith(("ss", "us", "is")):
            out = out[:-1]
        elif len(out) > 5 and out.endswith("ly"):
            out = out[:-2]
        if len(out) > 3 and out[-1] == out[-2] and out[-1] not in "lsz" and out[-1] not in _VOWELS:
            out = out[:-1]  # snapp -> snap, slamm -> slam
        if len(out) > 3 and out.endswith("e") and not out.endswith("ee"):
            out = out[:-1]
    _STEM_CACHE[word] = out
    return out


def normalize(text: str) -> str:
    """NFKC, typographic punctuation folded, control characters dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", str(text))
    text = "".join(_PUNCT_MAP.get(ch, ch) for ch in text)
    text = "".join(ch if (ch.isprintable() or ch == " ") else " " for ch in text)
    return re.sub(r"\s+", " ", text).strip()


_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?(?:-[^\W_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-case words (hyphenated compounds split into their parts)."""
    out = []
    for m in _WORD_RE.finditer(text.lower()):
        out.extend(p for p in m.group(0).split("-") if p)
    return out


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


NUMBER_WORDS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "ninety": 90, "half": 0.5, "couple": 2, "few": 3, "several": 4, "dozen": 12,
}

NUMBER_RE = (r"(?:\d+(?:\.\d+)?|(?:a |an )?(?:half|couple(?: of)?|few|several|dozen|zero|one|two|three|"
             r"four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
             r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|ninety)"
             r"(?:[ -](?:one|two|three|four|five|six|seven|eight|nine|and a half))?|a|an)")


def parse_number(text: str) -> float | None:
    """'10', '2.5', 'ten', 'twenty-five', 'a few', 'a couple of', 'one and a half' -> a number."""
    t = text.strip().lower().replace("-", " ")
    try:
        return float(t)
    except ValueError:
        pass
    total, seen = 0.0, False
    for w in t.split():
        if w in ("of", "and"):
            continue
        if w in ("a", "an") and not seen:
            continue
        if w == "half" and seen:
            total += 0.5
            continue
        if w in NUMBER_WORDS:
            total += NUMBER_WORDS[w]
            seen = True
        else:
            return None
    if not seen:
        return 1.0 if t in ("a", "an") else None
    return total


def seconds_of(number: str, unit: str) -> float | None:
    n = parse_number(number)
    if n is None:
        return None
    u = unit.lower()
    if u.startswith("min"):
        return n * 60.0
    if u.startswith(("ms", "milli")):
        return n / 1000.0
    return n
