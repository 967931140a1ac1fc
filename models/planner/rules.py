"""The rule planner: narrative text -> timed events, through a curated lexicon and real parsing.

Pipeline (all pure functions of text, game state and seed):
1. normalise; pull out a total ("The total duration is 30 seconds.") and a scene prefix
   ("Mystery chase:", "Inside a tavern:");
2. split sentences, then clauses on sequence words (",", "and", "then", "followed by", "before",
   "after", "finally"), overlap words ("while", "as", "with", "meanwhile", "amid") and
   transitions ("grows into", "turns into", "gives way to", "until");
3. map each clause to a sound class through the lexicon (bag of stemmed words, best phrase wins),
   with modifiers (soft, distant, heavy, twice, "for 10 seconds", running);
4. lay the clauses out on a timeline as a sound designer would: beds start at 0 and span the
   narrative, one-shots follow each other with small overlaps ("then": a short gap after the end),
   overlaps start together, transitions crossfade; then scale to the requested total.

Music: a ``music_bed`` is planned when the text asks for music, when the narrative states a strong
mood explicitly ("Mystery chase:", "Horror corridor:", "Victory!", "a tense standoff"), or when the
game's ``tension`` parameter is high (>= 0.6). Calm and neutral narratives get no implied music:
their ambience carries them.
"""
from __future__ import annotations

import dataclasses
import difflib
import math
import os
import random
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from .. import sound_classes
from ..bridge import stable_hash
from ..plan import EMOTIONS, SCENES, GameState, Notice, SoundEvent
from . import lexicon as lx
from .base import Decomposition, Planner
from .text import NUMBER_RE, normalize, parse_number, seconds_of, stem, stems, words

SEQ, THEN, OVERLAP, TRANSITION = "seq", "then", "overlap", "transition"
_EMBED_LOCK = threading.Lock()

UNIT_RE = r"(?:seconds?|secs?|s|minutes?|mins?|ms|milliseconds?)"
_TOTAL_PATTERNS = [
    re.compile(r"\b(?:the\s+)?(?:total|overall|whole|entire|full)\s+(?:duration|length|runtime|running\s+time|"
               r"time|scene|clip|sequence|piece|soundscape|cue|narrative|track)?\s*(?:is|of|should\s+be|will\s+be|"
               r"=|:|lasts?|runs?|spans?)?\s*(?:about|around|roughly|approximately|approx\.?|exactly|~)?\s*"
               rf"(?P<n>{NUMBER_RE})\s*(?P<u>{UNIT_RE})\b(?:\s+(?:long|total|in\s+total|overall))?", re.I),
    re.compile(r"\b(?:lasting|lasts|runs?\s+for|running|spanning|spans|over|in)\s+(?:about|around|roughly|exactly)?\s*"
               rf"(?P<n>{NUMBER_RE})\s*(?P<u>{UNIT_RE})\s+(?:in\s+total|total|overall|altogether|long)\b", re.I),
    re.compile(rf"\b(?:a|an)?\s*(?P<n>{NUMBER_RE})[\s-](?P<u>seconds?|minutes?|secs?|mins?)[\s-](?:long\s+)?"
               r"(?:scene|clip|sequence|soundscape|cue|loop|piece|track|ambience|narrative|moment)\b", re.I),
    re.compile(rf"\b(?:duration|length)\s*(?:is|of|:|=)\s*(?:about|around)?\s*(?P<n>{NUMBER_RE})\s*(?P<u>{UNIT_RE})\b", re.I),
]
_FOR_RE = re.compile(rf"\b(?:for|lasting|lasts|over|during)\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|a\s+good\s+)?"
                     rf"(?P<n>{NUMBER_RE})\s*(?P<u>{UNIT_RE})\b", re.I)
_FOR_WORD_RE = re.compile(r"\bfor\s+(?:a\s+)?(?:(?P<short>moment|second|beat|bit|little\s+while)|"
                          r"(?P<long>while|long\s+time|long\s+while|ages|minute))\b", re.I)
_GAP_RE = re.compile(rf"\b(?:after|following)\s+(?:about\s+|around\s+)?(?P<n>{NUMBER_RE})\s*(?P<u>{UNIT_RE})\b|"
                     rf"\b(?P<n2>{NUMBER_RE})\s*(?P<u2>{UNIT_RE})\s+(?:later|after(?:wards?)?|pass(?:es)?|go\s+by)\b", re.I)
_PAUSE_RE = re.compile(r"\b(?:after\s+)?(?:a|an)?\s*(?P<size>short|brief|long|little|tense|quiet|silent)?\s*"
                       r"(?:pause|beat|moment|while|silence|lull|wait)s?(?:\s+of\s+silence)?(?:\s+later)?\b", re.I)
_REPEAT_RE = re.compile(r"\b(?:(?P<word>once|twice|thrice)|(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten|"
                        r"a\s+few|a\s+couple\s+of|several)\s+times|(?P<again>again\s+and\s+again|over\s+and\s+over|"
                        r"repeatedly|again|several|multiple\s+times))\b", re.I)

_COUNT_RE = re.compile(r"^\s*(?:the\s+)?(?P<count>two|three|four|five|six|a\s+few|a\s+couple\s+of|several|\d+)\s+"
                       r"(?!seconds?|minutes?|times?)\w", re.I)
_PREPOSITIONS = {"in", "on", "under", "through", "by", "amid", "amidst", "against", "into", "over", "beneath",
                 "across", "outside", "inside", "near", "beside", "behind", "from", "past", "around", "during",
                 "with", "among", "down", "along", "toward", "towards", "onto", "above", "below"}


def _after_preposition(stem_list: list[str], tokens) -> bool:
    """Whether some word of ``tokens`` sits in a prepositional phrase ("barking in the rain")."""
    for i, s in enumerate(stem_list):
        if s in tokens and any(w in _PREPOSITIONS for w in stem_list[max(0, i - 3):i]):
            return True
    return False


# Connectors, longest first; each splits a sentence and says how the next clause relates.
_TRANSITION_VERBS = (r"grows?|growing|grew|swells?|swelling|swelled|builds?|building|built|turns?|turning|turned|"
                     r"rises?|rising|rose|intensif(?:y|ies|ying|ied)|escalat(?:es?|ing|ed)|fades?|fading|faded|"
                     r"changes?|changing|changed|morphs?|morphing|morphed|melts?|melting|melted|dissolves?|dissolving|"
                     r"dissolved|transitions?|transitioning|transitioned|gives?\s+way|giving\s+way|gave\s+way|"
                     r"erupts?|erupting|erupted|bursts?|bursting|breaks?|breaking|broke|develops?|developing|"
                     r"evolves?|evolving|evolved|shifts?|shifting|shifted|segues?|segueing|blends?|blending|"
                     r"leads?|leading|led|crescendos?|crescendoing")
_CONNECTORS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?:,\s*|\s+)(?:and\s+)?(?:then\s+)?(?:(?:it|they|that|this|which|all)\s+)?(?:slowly\s+|gradually\s+|quickly\s+|"
                r"suddenly\s+|eventually\s+|soon\s+)?(?:" + _TRANSITION_VERBS + r")\s+(?:up\s+|back\s+|out\s+|down\s+|over\s+)?"
                r"(?:in)?to\b|(?:,\s*|\s+)(?:and\s+)?(?:(?:it|they|which)\s+)?(?:becom(?:es|ing|e)|became)\b|"
                r"(?:,\s*|\s+)(?:and\s+)?until\b", re.I), TRANSITION),
    (re.compile(r"(?:,\s*|\s+)(?:and\s+)?(?:then|followed\s+(?:closely\s+|shortly\s+|soon\s+|quickly\s+)?by|after\s+that|"
                r"afterwards?|before|finally|eventually|at\s+last|in\s+the\s+end|soon\s+after|shortly\s+after(?:wards?)?|"
                r"moments?\s+later|a\s+moment\s+later|seconds?\s+later|later)\b", re.I), THEN),
    (re.compile(r"(?:,\s*|\s+)(?:and\s+)?(?:while|whilst|meanwhile|as\s+well\s+as|along\s+with|together\s+with|"
                r"accompanied\s+by|alongside|amid|amidst|with|as(?!\s+(?:if|though|well|soon|much|many|long|loud|quiet|"
                r"far\s+as|ever|usual|always|a\s+result|one|before|it\s+was))|when|whenever|over\s+which|during|beneath\s+which)\b",
                re.I), OVERLAP),
    (re.compile(r"(?:,\s*|\s+)after\b", re.I), "after"),
    (re.compile(r"(?:,\s*|\s+)(?:and|but|plus|or|also)\b|,", re.I), SEQ),
]
_FIRST_WORD_RELATION = {"then": THEN, "finally": THEN, "later": THEN, "afterwards": THEN, "next": THEN,
                        "eventually": THEN, "while": OVERLAP, "meanwhile": OVERLAP, "as": OVERLAP,
                        "with": OVERLAP, "amid": OVERLAP, "during": OVERLAP}
_LEADING_JUNK = re.compile(r"^(?:[\s,;:]+|and\b|then\b|but\b|so\b|also\b|plus\b|meanwhile\b|finally\b|"
                           r"suddenly\b|next\b|now\b)+", re.I)
_START_VERBS = {stem(w) for w in ("begin", "begins", "starts", "start", "starting", "beginning", "kicks",
                                  "comes", "arrives", "erupts", "breaks", "rolls", "sets", "picks", "emerges")}
_SLOW_WORDS = {stem(w) for w in ("slow", "slowly", "steady", "calm", "faint", "sluggish")}
_FAST_WORDS = {stem(w) for w in ("fast", "racing", "rapid", "pounding", "frantic", "quick", "quickening", "thumping")}
_SILENCE = {stem(w) for w in ("silence", "silent", "pause", "beat", "moment", "nothing", "quiet", "stillness",
                              "lull", "hush", "wait", "waiting", "void", "calm")}
_MODIFIER_ONLY = {stem(w) for w in (lx.SOFT_WORDS + lx.LOUD_WORDS + lx.LOUDER_WORDS + lx.SOFTER_WORDS
                                    + lx.DISTANT_WORDS + lx.NEAR_WORDS + lx.LONG_WORDS + lx.SHORT_WORDS
                                    + ["away", "out", "up", "down", "off", "more", "less", "and", "stop", "stops",
                                       "ends", "end", "cease", "ceases", "gradually", "slowly", "steadily",
                                       "continue", "continues", "again", "still", "in", "time", "over", "fade",
                                       "loud", "it", "they", "all", "bit", "little", "much", "even", "then",
                                       "louder", "closer", "nearer", "getting", "gets", "get", "becoming"])}

MIN_EVENT_S = 0.2
MAX_TEXT_CHARS = 20_000
MAX_ITEMS = 128  # sounds per narrative (repeats included up to 12 each)
BED_TRANSITION_S = 5.0  # how long a bed plays before "grows into" hands over to the next one
STRONG_EMOTIONS = ("tense", "horror", "mystery", "triumphant", "sad")


@dataclass
class Clause:
    text: str  # the designer's words for this clause (caption material)
    relation: str = SEQ  # to the previous clause
    sentence: int = 0
    gap_s: float = 0.0  # extra silence before this clause
    context: bool = False  # a scene prefix: sets scene, mood, environment beds; no one-shots
    connector: str = ""  # the words that joined it to the previous clause ("and", "then", ",")

    @property
    def stems(self) -> list[str]:
        return stems(self.text)


@dataclass
class Item:
    """One clause resolved to sound: a class, its modifiers, and how it joins the previous item."""

    clause: Clause
    sound_class: str
    caption: str
    intensity: float
    distance: float
    duration_s: float | None  # explicit ("for 10 seconds")
    duration_scale: float = 1.0
    repeats: int = 1
    variant: str = ""
    emotion: str = ""
    bed: bool = False
    bounded: bool = False  # a bed that hands over (transition) or has an explicit length
    start_verb: bool = False
    class_score: float = 1.0  # how surely ``sound_class`` is what the words name (SoundEvent.class_score)
    events: list[SoundEvent] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Parsing


def extract_total(text: str) -> tuple[str, float | None]:
    """Remove a total-duration statement; return (rest, seconds or None)."""
    for pat in _TOTAL_PATTERNS:
        m = pat.search(text)
        if m:
            secs = seconds_of(m.group("n"), m.group("u"))
            if secs is not None and secs > 0:
                rest = (text[:m.start()] + " " + text[m.end():]).strip()
                rest = re.sub(r"\s*([.!?;,])\s*([.!?;,]\s*)+", r"\1 ", rest)
                rest = re.sub(r"^\s*[.!?;,]\s*", "", rest).strip()
                return rest, min(float(secs), 3600.0)
    return text, None


def split_prefix(text: str) -> tuple[str, str]:
    """A scene prefix is a short phrase before the first colon: 'Mystery chase: ...'."""
    m = re.match(r"^\s*([^:.!?;]{1,80}?)\s*:\s*(.*)$", text, re.S)
    if m and len(words(m.group(1))) <= 8 and m.group(2).strip():
        return m.group(1).strip(), m.group(2).strip()
    return "", text


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<!\d)[.!?;\n]+(?!\d)|[.!?;]+(?=\s)", text)
    return [p.strip() for p in parts if p and p.strip(" ,.")]


def split_clauses(sentence: str, index: int) -> list[Clause]:
    """Split one sentence on connectors; each clause remembers how it joins the previous one."""
    spans: list[tuple[int, int, str]] = []
    for pat, rel in _CONNECTORS:
        for m in pat.finditer(sentence):
            if any(not (m.end() <= s or m.start() >= e) for s, e, _ in spans):
                continue
            spans.append((m.start(), m.end(), rel))
    spans.sort()
    clauses: list[Clause] = []
    pos, rel = 0, SEQ
    pending_after: list[int] = []
    conn = ""
    for s, e, r in spans + [(len(sentence), len(sentence), SEQ)]:
        piece = sentence[pos:s]
        if piece.strip(" ,"):
            clauses.append(Clause(piece.strip(" ,"), rel, index, connector=conn))
            conn = sentence[s:e].strip(" ,").lower()
            if rel == "after":
                pending_after.append(len(clauses) - 1)
            rel = r
        elif r != SEQ or rel == SEQ:
            rel = _stronger(rel, r)
            conn = (conn + " " + sentence[s:e].strip(" ,").lower()).strip()
        pos = e
    if clauses and clauses[0].relation == "after":
        clauses[0].relation = THEN
        pending_after = [i for i in pending_after if i != 0]
    # "A dog barks after the door slams": the after-clause happens first.
    for i in pending_after:
        if i >= 1:
            before, after = clauses[i - 1], clauses[i]
            after.relation, before.relation = before.relation, THEN
            clauses[i - 1], clauses[i] = after, before
    for c in clauses:
        if c.relation == "after":
            c.relation = THEN
        first = words(c.text)[:1]
        if first and first[0] in _FIRST_WORD_RELATION and c.relation == SEQ:
            c.relation = _FIRST_WORD_RELATION[first[0]]
    return clauses


def _stronger(a: str, b: str) -> str:
    order = {SEQ: 0, OVERLAP: 1, "after": 2, THEN: 3, TRANSITION: 4}
    return a if order.get(a, 0) >= order.get(b, 0) else b


# ---------------------------------------------------------------------------------------------
# Matching


@dataclass
class Match:
    sound_class: str
    score: float
    position: int
    tokens: frozenset[str]
    proxy: bool = False  # the best phrase is a stand-in for the sound (lexicon ``?phrase``)


SPELLING_CONFIDENCE = 0.8  # a lexicon phrase found after correcting a typo
WEAK_CONFIDENCE = 0.6  # only weak context words matched ("car" for an engine)
PROXY_CONFIDENCE = 0.3  # a stand-in ("?elephant" under dog_bark): under the miss threshold


def class_confidence(m: Match) -> float:
    """How surely a lexicon match names the sound: a phrase scoring a full point or more (a word
    of the class's own) is sure; weak context words alone are not; a stand-in is a guess."""
    if m.proxy:
        return PROXY_CONFIDENCE
    return 1.0 if m.score >= 1.0 else WEAK_CONFIDENCE


def unknown_source(stem_list: list[str], matches: list[Match]) -> bool:
    """Whether the best match is only a bare sound verb ("thumps", "buzzes") while the clause's
    subject, before that verb, is a source the lexicon does not know, or knows only as a
    stand-in ("a kangaroo thumps", "a chainsaw buzzes"): the verb names how it sounds, not what
    sounds, so the class is a guess. A known or scene word as subject keeps it sure ("the old
    lights buzz")."""
    best = matches[0]
    if len(best.tokens) != 1 or not best.tokens <= lx.SOUND_WORDS:
        return False
    verb_at = best.position
    if any(m.proxy and not (m.tokens & best.tokens) and m.position < verb_at for m in matches[1:]):
        return True
    known = _known_words()
    return any(s not in known and s.isalpha() and len(s) > 2 for s in stem_list[:verb_at])


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Every stem the planner understands: lexicon, scene and emotion words, modifiers, stop words."""
    return lx.vocabulary() | _context_words() | _MODIFIER_ONLY | lx.STOPWORD_STEMS | frozenset(lx.STOPWORDS)


def _in_order(stem_list: list[str], tokens: tuple[str, ...]) -> bool:
    """Whether ``tokens`` occur in ``stem_list`` in this order (not necessarily adjacent)."""
    it = iter(stem_list)
    return all(any(s == t for s in it) for t in tokens)


def match_classes(stem_list: list[str]) -> list[Match]:
    """Every class some lexicon phrase matches in this clause, best first."""
    present = set(stem_list)
    first_pos: dict[str, int] = {}
    for i, s in enumerate(stem_list):
        first_pos.setdefault(s, i)
    best: dict[str, Match] = {}
    hits: dict[str, list] = {}
    index = lx.by_first_token()
    for s in present:
        for entry in index.get(s, ()):
            if not all(t in present for t in entry.tokens):
                continue
            if entry.ordered and not _in_order(stem_list, entry.tokens):
                continue
            pos = min(first_pos[t] for t in entry.tokens)
            hits.setdefault(entry.sound_class, []).append(entry)
            cur = best.get(entry.sound_class)
            if cur is None or entry.weight > cur.score or (entry.weight == cur.score and pos < cur.position):
                best[entry.sound_class] = Match(entry.sound_class, entry.weight, pos, frozenset(entry.tokens),
                                                entry.proxy)
    out = []
    for cls, m in best.items():
        # The best phrase decides; other phrases of the class that add new words add a little.
        tokens = set(m.tokens)
        bonus = 0.0
        for e in sorted(hits[cls], key=lambda e: -e.weight):
            if not set(e.tokens) <= tokens:
                bonus += 0.3 * e.weight
                tokens.update(e.tokens)
        # Context: other words of the clause that this class's phrases also use.
        vocab = lx.class_vocabulary().get(cls, frozenset())
        context = sum(0.2 for t in present if t not in tokens and t in vocab and t not in lx.STOPWORD_STEMS)
        out.append(Match(cls, m.score + min(bonus, 0.9) + min(context, 0.6), m.position, frozenset(tokens), m.proxy))
    out.sort(key=lambda m: (-m.score, m.position, m.sound_class))
    return out


def _contains_phrase(stem_list: list[str], phrase: tuple[str, ...]) -> int:
    """Index where ``phrase`` occurs contiguously in ``stem_list``, or -1."""
    n = len(phrase)
    for i in range(len(stem_list) - n + 1):
        if tuple(stem_list[i:i + n]) == phrase:
            return i
    return -1


def _has_any(stem_list: list[str], table: str) -> bool:
    """Whether a phrase of the named lexicon word table occurs in the clause."""
    return any(_contains_phrase(stem_list, p) >= 0 for p in lx.stemmed_words(table))


@lru_cache(maxsize=64)
def _stemmed_phrases(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(stems(p)) for p in phrases)


def _first_of(stem_list: list[str], table: dict[str, list[str]]) -> tuple[str, int] | None:
    best = None
    for key, phrases in table.items():
        for ph in _stemmed_phrases(tuple(phrases)):
            i = _contains_phrase(stem_list, ph)
            if i >= 0 and (best is None or i < best[1]):
                best = (key, i)
    return best


def detect_emotion(prefix_stems: list[str], body_stems: list[str]) -> tuple[str, float]:
    """(emotion, strength): explicit mood words weigh 2, situations 1, the scene prefix double."""
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    for weight_mult, st, offset in ((2.0, prefix_stems, 0), (1.0, body_stems, 10_000)):
        for emo, (explicit, situational) in lx.EMOTION_WORDS.items():
            for ph, base in ([(x, 2.0) for x in _stemmed_phrases(tuple(explicit))]
                             + [(x, 1.0) for x in _stemmed_phrases(tuple(situational))]):
                i = _contains_phrase(st, ph)
                if i >= 0:
                    scores[emo] = scores.get(emo, 0.0) + base * weight_mult
                    first[emo] = min(first.get(emo, 1 << 30), offset + i)
    if not scores:
        return "neutral", 0.0
    emo = max(scores, key=lambda e: (scores[e], -first[e]))
    return emo, scores[emo]


def detect_scene(prefix_stems: list[str], body_stems: list[str]) -> str:
    for st in (prefix_stems, body_stems):
        hit = _first_of(st, lx.SCENE_WORDS)
        if hit:
            return hit[0]
    return ""


def detect_environments(stem_list: list[str]) -> list[tuple[str, str]]:
    """('weather'|'location', key) for environment words in a context phrase."""
    out = []
    for kind, table, aliases in (("weather", lx.WEATHER, lx.WEATHER_ALIASES),
                                 ("location", lx.LOCATION, lx.LOCATION_ALIASES)):
        names = tuple(list(table) + list(aliases))
        for name, ph in zip(names, _stemmed_phrases(tuple(n.replace("_", " ") for n in names))):
            if _contains_phrase(stem_list, ph) >= 0:
                key = aliases.get(name, name)
                if key in table and (kind, key) not in out:
                    out.append((kind, key))
    return out


def environment_for(kind: str, value: str) -> lx.Environment | None:
    v = (value or "").strip().lower().replace("-", "_")
    if kind == "weather":
        v = lx.WEATHER_ALIASES.get(v, lx.WEATHER_ALIASES.get(v.replace("_", " "), v))
        return lx.WEATHER.get(v)
    v = lx.LOCATION_ALIASES.get(v, v)
    return lx.LOCATION.get(v)


def surface_class(value: str) -> str | None:
    """A surface switch value ('snow', 'wood', 'metal grate') -> its footsteps class."""
    if value in sound_classes.BY_NAME and value.startswith("footsteps_"):
        return value
    st = stems(value.replace("_", " "))
    for cls, ws in lx.SURFACES.items():
        for w in ws:
            if _contains_phrase(st, tuple(stems(w))) >= 0:
                return cls
    name = "footsteps_" + value.strip().lower()
    return name if name in sound_classes.BY_NAME else None


@lru_cache(maxsize=1)
def _context_words() -> frozenset[str]:
    known = set()
    for table in (lx.SCENE_WORDS,):
        for ps in table.values():
            for p in ps:
                known.update(stems(p))
    for explicit, situational in lx.EMOTION_WORDS.values():
        for p in explicit + situational:
            known.update(stems(p))
    for w in ("night", "day", "dusk", "dawn", "evening", "morning", "midnight", "noon", "afternoon",
              "fall", "falls", "come", "comes", "arrive", "arrives", "scene", "moment", "time",
              "late", "early", "old", "dark", "darkness", "light", "empty", "abandoned", "deserted",
              "everything", "everyone", "nobody", "player", "hero", "enter", "enters", "exit", "exits",
              "total", "complete", "utter", "pitch", "black", "blackness", "gloom", "fills", "air",
              "look", "looks", "see", "sees", "open", "opens", "wait", "waits", "stand", "stands"):
        known.add(stem(w))
    return frozenset(known)


_SCENE_SURFACE = {"cave": "footsteps_stone", "hall": "footsteps_stone", "small_room": "footsteps_wood",
                  "forest": "footsteps_gravel", "underwater": "footsteps_water", "open_air": "footsteps_stone"}


# ---------------------------------------------------------------------------------------------
# The planner


class RulePlanner(Planner):
    """Lexicon + parsing; the default planner (pure Python, no model)."""

    name = "rules"

    def __init__(self, use_embeddings: bool | None = None, embed_threshold: float = 0.4):
        # None: use the embedding extra when it is installed (SOUNDWEAVER_EMBEDDINGS=off|on overrides
        # the auto-detection); True: require it; False: never.
        if use_embeddings is None:
            env = os.environ.get("SOUNDWEAVER_EMBEDDINGS", "").strip().lower()
            use_embeddings = {"0": False, "off": False, "false": False, "no": False,
                              "1": True, "on": True, "true": True, "yes": True}.get(env)
        self._use_embeddings = use_embeddings
        self._embed_threshold = embed_threshold
        self._mapper = None
        self._mapper_tried = False

    # -- optional meaning-based mapping ------------------------------------------------------
    def _embedder(self):
        if self._use_embeddings is False:
            return None
        with _EMBED_LOCK:
            if not self._mapper_tried:
                self._mapper_tried = True
                try:
                    from .embed import EmbeddingMapper, available
                    if self._use_embeddings is None and not available():
                        raise ImportError("embed extra not installed")
                    self._mapper = EmbeddingMapper()
                except Exception:  # the extra is optional: missing package or weights
                    if self._use_embeddings:
                        raise
                    self._mapper = None
        return self._mapper

    @property
    def uses_embeddings(self) -> bool:
        return self._embedder() is not None

    def warm_up(self) -> bool:
        """Load the embedding model now (it loads lazily on the first phrase the lexicon misses,
        which takes seconds); True when mapping by meaning is available."""
        return self.uses_embeddings

    # -- main entry ---------------------------------------------------------------------------
    def decompose(self, text: str, state: GameState | None = None, seed: int = 0) -> Decomposition:
        try:
            return self._decompose(text, state or GameState(), seed)
        except Exception as exc:  # never raise on odd text; say what happened instead
            return Decomposition([], notices=[Notice("planner_error", f"could not plan narrative: {exc!r}",
                                                     "error")])

    def _decompose(self, text: str, state: GameState, seed: int) -> Decomposition:
        raw = normalize(text if isinstance(text, str) else str(text or ""))
        notices: list[Notice] = []
        if len(raw) > MAX_TEXT_CHARS:
            notices.append(Notice("narrative_truncated", f"the narrative has {len(raw)} characters; planned the "
                                  f"first {MAX_TEXT_CHARS}", "warning"))
            raw = raw[:MAX_TEXT_CHARS]
        if not raw or not words(raw):
            return Decomposition([], notices=[Notice("empty_narrative", "the narrative is empty: nothing to plan",
                                                     "info")])
        rest, total = extract_total(raw)
        prefix, body = split_prefix(rest)
        # A short exclamation before the first sentence works as a prefix too ("Victory! ...").
        if not prefix:
            m = re.match(r"^\s*([^.!?;,:]{1,40})!\s+(\S.*)$", body, re.S)
            if m and len(words(m.group(1))) <= 3 and not match_classes(stems(m.group(1))):
                prefix, body = m.group(1), m.group(2)
        prefix_stems = stems(prefix)
        body_stems = stems(body)
        emotion, _ = detect_emotion(prefix_stems, body_stems)
        # Music is implied only by a mood stated up front (the prefix), not by one nervous cough.
        prefix_emotion, emo_strength = detect_emotion(prefix_stems, [])
        if prefix_emotion != emotion:
            emo_strength = 0.0
        if emotion == "neutral":
            mood = (state.states.get("mood") or "").lower()
            emotion = mood if mood in EMOTIONS else "neutral"
        scene = detect_scene(prefix_stems, body_stems)
        envs = detect_environments(prefix_stems)
        if not scene:
            for kind, key in envs:
                env = environment_for(kind, key)
                if env and env.scene:
                    scene = env.scene
                    break
        if not scene:
            loc = environment_for("location", state.states.get("location", ""))
            scene = loc.scene if loc and loc.scene else ""
        scene = scene if scene in SCENES else "open_air"

        clauses: list[Clause] = []
        for i, sentence in enumerate(split_sentences(body)):
            clauses.extend(split_clauses(sentence, i))
        rng = random.Random(stable_hash("decompose", seed, raw))
        items = self._resolve(clauses, prefix, scene, emotion, state, body_stems, notices, envs)

        # Implied music (see module doc).
        try:
            tension = float(state.parameters.get("tension", 0.0) or 0.0)
        except (TypeError, ValueError):
            tension = 0.0
        tension = min(1.0, max(0.0, tension)) if math.isfinite(tension) else 0.0
        asks_music = any(it.sound_class == "music_bed" for it in items)
        strong = emotion in STRONG_EMOTIONS and emo_strength >= 2.0
        if not asks_music and (strong or tension >= 0.6):
            mood = emotion if emotion != "neutral" else "tense"
            items.insert(0, Item(Clause(f"{mood} music underscore", SEQ, -1, context=True), "music_bed",
                                 f"{mood} underscore", 0.3 + 0.5 * max(tension, 0.4 if strong else 0.0), 0.3,
                                 None, emotion=mood, bed=True, variant="underscore"))
        if len(items) > MAX_ITEMS:
            notices.append(Notice("narrative_truncated", f"the narrative names {len(items)} sounds; "
                                  f"planned the first {MAX_ITEMS}", "warning"))
            items = items[:MAX_ITEMS]
        events = self._layout(items, total, rng)
        if not events:
            notices.append(Notice("empty_narrative", "the narrative names no sound: nothing to plan", "info"))
        return self._finish(events, scene, emotion, notices, seed, envs)

    # -- clause -> items ----------------------------------------------------------------------
    def _resolve(self, clauses: list[Clause], prefix: str, scene: str, emotion: str, state: GameState,
                 body_stems: list[str], notices: list[Notice], envs) -> list[Item]:
        items: list[Item] = []
        pending_gap = 0.0
        pending_rel: str | None = None
        last_primary: Item | None = None
        forward_mods: list[str] = []
        for clause in clauses:
            text = clause.text
            gap = 0.0
            m = _GAP_RE.search(text)
            if m:
                n, u = (m.group("n"), m.group("u")) if m.group("n") else (m.group("n2"), m.group("u2"))
                g = seconds_of(n, u)
                if g is not None:
                    gap = min(g, 600.0)
                    text = (text[:m.start()] + " " + text[m.end():]).strip(" ,")
            st = stems(text)
            content = [s for s in st if s not in lx.STOPWORDS]
            if not content or all(s in _SILENCE or s in _MODIFIER_ONLY for s in content):
                if content and any(s in _SILENCE for s in content):
                    pm = _PAUSE_RE.search(text)
                    size = (pm.group("size") or "").lower() if pm else ""
                    gap += {"short": 0.6, "brief": 0.6, "little": 0.8, "long": 3.0}.get(size, 1.5)
                elif self._has_modifier(st) and (
                        st[0] in _PREPOSITIONS or clause is clauses[0]
                        or clause.sentence != (last_primary.clause.sentence if last_primary else -1)):
                    forward_mods.append(text)  # "Then, from far off, church bells": for the next sound
                elif self._has_modifier(st) and last_primary is not None:  # "growing louder", "far away"
                    self._apply_modifiers(last_primary, st, text, modify_only=True)
                pending_gap += gap
                if clause.relation in (THEN, TRANSITION) or gap or (st and st[0] in ("then", "final", "later")):
                    pending_rel = THEN
                continue
            matches = match_classes(st)
            confidence = class_confidence(matches[0]) if matches else 1.0
            if matches and confidence == 1.0 and unknown_source(st, matches):
                confidence = PROXY_CONFIDENCE  # "a kangaroo thumps": a thump, but not the kangaroo's
            if not matches:
                if self._context_only(content):
                    envs.extend(e for e in detect_environments(st) if e not in envs)
                    pending_gap += gap
                    continue
                if items and clause.relation in (OVERLAP, TRANSITION) and clause.sentence == items[-1].clause.sentence:
                    if clause.relation == OVERLAP:  # "the door creaks as it swings open": one sound
                        items[-1].caption = f"{items[-1].caption} {self._connector_word(clause)} {text}".strip()
                        continue
                matches, confidence = self._fallback(text, st, notices)
            primary = matches[0]
            cls = self._specialise(primary.sound_class, st, body_stems, scene, state)
            item = self._make_item(clause, text, cls, st, emotion)
            item.class_score = confidence
            if forward_mods:
                for mt in forward_mods:
                    self._apply_modifiers(item, stems(mt), mt, modify_only=True)
                forward_mods = []
            # A gap or a "then" carried over from a clause that made no sound ("..., silence, then ...").
            relation = (pending_rel or clause.relation) if clause.relation == SEQ else clause.relation
            if pending_gap or gap or relation != clause.relation:
                item.clause = dataclasses.replace(clause, relation=relation, gap_s=pending_gap + gap)
            pending_gap, pending_rel = 0.0, None
            # Same sound continued by an overlap word ("a door opens with a creak", "servos whine with
            # every step"): merge into the sound it accompanies.
            if item.clause.relation == OVERLAP:
                few_words = len([w for w in content if w not in _MODIFIER_ONLY]) <= 2
                same = next((it for it in reversed(items) if it.sound_class == item.sound_class
                             and it.clause.sentence == clause.sentence), None) if few_words else None
                prev = items[-1] if items else None
                if same is None and prev is not None and prev.clause.sentence == clause.sentence and not prev.bed:
                    # "a train pulls in with a long whistle": a word of the train's own sound
                    vocab = lx.class_vocabulary().get(prev.sound_class, frozenset())
                    words_ = set(primary.tokens) - lx.STOPWORD_STEMS
                    if words_ and words_ <= vocab:
                        same = prev
                if same is not None:
                    if len(same.caption) < 120:
                        same.caption = f"{same.caption} {self._connector_word(clause)} {text}".strip()
                    continue
            # "a chain swings and clanks": one sound described by two verbs.
            if (items and clause.connector == "and" and items[-1].sound_class == item.sound_class
                    and items[-1].clause.sentence == clause.sentence and len(content) <= 2 and not item.bed
                    and words(text)[:1] not in (["the"], ["a"], ["an"], ["his"], ["her"], ["its"], ["their"],
                                                ["another"], ["some"], ["my"], ["your"], ["our"])):
                items[-1].caption = f"{items[-1].caption} and {text}".strip()
                continue
            # The same bed named twice ("a log fire pops and crackles"): one bed.
            if item.bed and not item.clause.relation == TRANSITION:
                same = next((it for it in items if it.bed and it.sound_class == item.sound_class), None)
                if same is not None:
                    if len(same.caption) + len(item.caption) < 120:
                        same.caption = f"{same.caption} and {item.caption}"
                    continue
            items.append(item)
            last_primary = item
            # A bed named in passing ("a dog barking in the rain").
            if not item.bed:
                for sec in matches[1:]:
                    sc = sound_classes.BY_NAME.get(sec.sound_class)
                    if (sc and sc.bed and sec.score >= 1.0 and not (sec.tokens & primary.tokens)
                            and sec.sound_class != "music_bed" and _after_preposition(st, sec.tokens)):
                        bed_item = self._make_item(Clause(text, OVERLAP, clause.sentence), text, sec.sound_class,
                                                   st, emotion)
                        bed_item.caption = self._bed_caption(text, sec.tokens) or text
                        items.append(bed_item)
                        break
        # The prefix contributes beds the body does not already have, and environments.
        if prefix:
            pst = stems(prefix)
            present = {it.sound_class for it in items}
            for mt in match_classes(pst):
                sc = sound_classes.BY_NAME.get(mt.sound_class)
                if sc and sc.bed and mt.sound_class not in present and mt.sound_class != "music_bed" \
                        and mt.score >= 1.0:
                    it = self._make_item(Clause(prefix, SEQ, -1, context=True), prefix, mt.sound_class, pst, emotion)
                    items.insert(0, it)
                    present.add(mt.sound_class)
                    break
            for kind, key in envs:
                env = environment_for(kind, key)
                for cls, caption, inten in (env.beds if env else ()):
                    if cls not in present and not any(
                            sound_classes.get(p).family == sound_classes.get(cls).family and sound_classes.get(p).bed
                            for p in present):
                        it = self._make_item(Clause(caption, SEQ, -1, context=True), caption, cls, [], emotion)
                        it.intensity = inten
                        items.insert(0, it)
                        present.add(cls)
        return items

    @staticmethod
    def _has_modifier(st: list[str]) -> bool:
        return any(_has_any(st, t) for t in ("SOFT_WORDS", "LOUD_WORDS", "LOUDER_WORDS", "SOFTER_WORDS",
                                              "DISTANT_WORDS", "OCCLUDED_WORDS", "NEAR_WORDS", "LONG_WORDS",
                                              "SHORT_WORDS"))

    @staticmethod
    def _connector_word(clause: Clause) -> str:
        return {OVERLAP: "with", TRANSITION: "into"}.get(clause.relation, "and")

    @staticmethod
    def _bed_caption(text: str, tokens: frozenset[str]) -> str:
        ws = words(text)
        keep = [w for w in ws if stem(w) in tokens]
        return " ".join(keep)

    @staticmethod
    def _context_only(content: list[str]) -> bool:
        """Clauses that only set the scene ("night falls", "in the old mansion")."""
        known = _context_words()
        return all(s in known or s in _MODIFIER_ONLY for s in content)

    def _fallback(self, text: str, st: list[str], notices: list[Notice]) -> tuple[list[Match], float]:
        """No lexicon phrase matched: fix typos, then ask the embedding mapper, then substitute.
        Returns the matches and how surely they name the sound (``SPELLING_CONFIDENCE``, the
        embedding's similarity, or 0 for the generic fallback)."""
        vocab = lx.vocabulary()
        fixed = []
        for s in st:
            if s in lx.STOPWORDS or len(s) < 4:
                fixed.append(s)
                continue
            close = difflib.get_close_matches(s, vocab, n=1, cutoff=0.84)
            fixed.append(close[0] if close else s)
        matches = match_classes(fixed) if fixed != st else []
        how = "a close spelling in the lexicon"
        # A corrected word is only as sure as the phrase it lands on: a stand-in stays a guess.
        confidence = min(SPELLING_CONFIDENCE, class_confidence(matches[0])) if matches else SPELLING_CONFIDENCE
        if not matches:
            mapper = self._embedder()
            if mapper is not None:
                cls, score = mapper.nearest(text)
                if cls and score >= self._embed_threshold:
                    matches = [Match(cls, 1.0, 0, frozenset())]
                    how = f"meaning (similarity {score:.2f})"
                    confidence = max(0.0, min(1.0, float(score)))
        if not matches:
            matches = [Match("debris", 0.0, 0, frozenset())]
            how = "the generic fallback"
            confidence = 0.0
        cls = matches[0].sound_class
        shown = "footsteps" if cls == "@footsteps" else cls
        notices.append(Notice("class_substituted",
                              f"no sound class matches {text!r}; substituted {shown!r} (by {how})", "warning"))
        return matches, confidence

    def _specialise(self, cls: str, st: list[str], body_stems: list[str], scene: str, state: GameState) -> str:
        if cls != "@footsteps":
            return cls
        sw = state.switches.get("surface", "") if state else ""
        if sw:
            c = surface_class(sw)
            if c:
                return c
        hit = _first_of(body_stems, lx.SURFACES)
        if hit:
            return hit[0]
        return _SCENE_SURFACE.get(scene, "footsteps_stone")

    def _make_item(self, clause: Clause, text: str, cls: str, st: list[str], emotion: str) -> Item:
        sc = sound_classes.get(cls)
        caption = _LEADING_JUNK.sub("", text).strip(" ,.;:") or text.strip()
        item = Item(clause, cls, caption, 0.5 if sc.bed else 0.7, 0.4 if sc.bed else 0.2, None,
                    emotion=emotion, bed=sc.bed)
        self._apply_modifiers(item, st, text)
        if clause.relation == TRANSITION and sc.bed:
            item.intensity = max(item.intensity, 0.6)
        return item

    def _apply_modifiers(self, item: Item, st: list[str], text: str, modify_only: bool = False) -> None:
        low = text.lower()
        if _has_any(st, "SOFT_WORDS"):
            item.intensity = 0.3 if item.bed else 0.35
        if _has_any(st, "LOUD_WORDS"):
            item.intensity = 0.9
        if _has_any(st, "LOUDER_WORDS"):
            item.intensity = min(1.0, item.intensity + 0.2)
        if _has_any(st, "SOFTER_WORDS"):
            item.intensity = max(0.1, item.intensity - 0.25)
        if _has_any(st, "DISTANT_WORDS"):
            item.distance = 0.8
        elif _has_any(st, "OCCLUDED_WORDS"):
            item.distance = 0.6
        elif _has_any(st, "NEAR_WORDS"):
            item.distance = 0.1
        if _has_any(st, "LONG_WORDS"):
            item.duration_scale = 1.6
        elif _has_any(st, "SHORT_WORDS"):
            item.duration_scale = 0.6
        m = _FOR_RE.search(low)
        if m:
            secs = seconds_of(m.group("n"), m.group("u"))
            if secs and secs > 0:
                item.duration_s = min(float(secs), 600.0)
                item.bounded = True
        else:
            m2 = _FOR_WORD_RE.search(low)
            if m2:
                item.duration_scale = 0.6 if m2.group("short") else 2.0
        m = _REPEAT_RE.search(low) or _COUNT_RE.match(low)
        if m:
            n = 1
            g = m.groupdict()
            if g.get("word"):
                n = {"once": 1, "twice": 2, "thrice": 3}[m.group("word").lower()]
            elif g.get("n"):
                n = int(parse_number(m.group("n")) or 1)
            elif m.groupdict().get("count"):
                n = int(parse_number(m.group("count")) or 1)
            elif g.get("again"):
                n = 2 if g["again"].lower() == "again" else 3
            if not item.bed:
                item.repeats = max(1, min(int(n), 12))
        if item.sound_class.startswith("footsteps") and _has_any(st, "RUN_WORDS"):
            item.variant = "run"
        if item.sound_class == "heartbeat":  # the engine takes a rate; words give one
            if any(s in _SLOW_WORDS for s in st):
                item.variant = "bpm=52"
            elif any(s in _FAST_WORDS for s in st):
                item.variant = "bpm=132"
        if not modify_only:
            for emo, (explicit, _situational) in lx.EMOTION_WORDS.items():
                if any(_contains_phrase(st, ph) >= 0 for ph in _stemmed_phrases(tuple(explicit))):
                    item.emotion = emo
                    break
            item.start_verb = any(s in _START_VERBS for s in st)

    # -- layout -------------------------------------------------------------------------------
    def _layout(self, items: list[Item], total: float | None, rng: random.Random) -> list[SoundEvent]:
        has_beds = any(it.bed for it in items)
        lead_in = 1.0 if has_beds else 0.0
        seq_cursor = lead_in  # where the next sequential one-shot starts
        then_cursor = lead_in  # where a "then" one-shot starts (after the group ends)
        group_end = 0.0
        prev: Item | None = None
        prev_start = 0.0
        prev_first = False  # whether prev was the first content item
        first_content = True
        seen_one_shot = False
        for it in items:
            sc = sound_classes.get(it.sound_class)
            rel = it.clause.relation
            gap = it.clause.gap_s
            if it.bed:
                dur = it.duration_s if it.duration_s else None
                if it.clause.context or (rel in (SEQ, OVERLAP) and not gap and not seen_one_shot
                                         and not (it.start_verb and not first_content)):
                    start = 0.0  # beds named before any one-shot set the scene: from the start
                elif rel == OVERLAP and prev is not None and not prev.bed and prev.events:
                    start = 0.0 if prev_first else prev.events[0].start_s
                elif rel == TRANSITION and prev is not None and prev.bed and prev.events:
                    p = prev.events[-1]
                    if not prev.bounded:
                        p.duration_s = max(2.0, min(BED_TRANSITION_S, max(then_cursor, p.start_s + 2.0) - p.start_s)
                                           if then_cursor > p.start_s + 2.0 else BED_TRANSITION_S)
                        prev.bounded = True
                    start = max(0.0, p.end_s - 1.0)
                elif rel == TRANSITION and prev is not None and prev.events:
                    start = max(0.0, prev.events[-1].end_s - 0.5)
                else:
                    start = max(seq_cursor if rel == SEQ else then_cursor, 0.0) + gap
                it.events = [self._event(it, start, dur if dur else 0.0)]
                if not it.clause.context:
                    if it.duration_s:  # "rain for 10 seconds, then thunder": then waits for it
                        then_cursor = max(then_cursor, start + it.duration_s + rng.uniform(0.15, 0.5))
                    if start > 0.0:
                        seq_cursor = max(seq_cursor, start + 1.0)
                        then_cursor = max(then_cursor, start + 1.0)
                    first_content = False
                prev_first = first_content and not it.clause.context
                prev, prev_start = it, start
                continue
            dur = it.duration_s if it.duration_s else sc.default_duration_s * it.duration_scale
            dur = max(MIN_EVENT_S, dur)
            if rel == OVERLAP and prev is not None and not first_content:
                # overlap the previous sound; after a bed laid at 0, overlap where the sequence stands
                anchor = min(seq_cursor, then_cursor) if (prev.bed and prev_start == 0.0) else prev_start
                start = max(anchor, lead_in if prev.bed else 0.0) + rng.uniform(0.1, 0.4) + gap
            elif rel == TRANSITION and prev is not None and prev.events and not prev.bed:
                p = prev.events[-1]
                start = max(p.start_s + 0.3, p.end_s - min(0.5, p.duration_s * 0.3)) + gap
            elif rel in (THEN, TRANSITION):
                start = max(then_cursor, group_end + rng.uniform(0.15, 0.5) if group_end else then_cursor) + gap
            else:
                start = seq_cursor + gap
            if first_content:
                start = max(start, lead_in)
            spacing = min(max(dur * 0.8, 0.4), 3.0)
            it.events = []
            t = start
            for k in range(it.repeats):
                it.events.append(self._event(it, t, dur))
                t += spacing * rng.uniform(0.9, 1.2)
            last = it.events[-1]
            step = min(last.duration_s, 2.5) * rng.uniform(0.85, 1.0)
            if rel == OVERLAP and not first_content:
                group_end = max(group_end, last.end_s)
                seq_cursor = max(seq_cursor, last.start_s + step * 0.5)
                then_cursor = max(then_cursor, group_end + rng.uniform(0.15, 0.5))
            else:
                group_end = last.end_s
                seq_cursor = last.start_s + step
                then_cursor = last.end_s + rng.uniform(0.15, 0.5)
            prev_first = first_content
            first_content = False
            seen_one_shot = True
            prev, prev_start = it, start
        events = [e for it in items for e in it.events]
        one_shots = [e for it in items if not it.bed for e in it.events]
        if one_shots:
            natural_end = max(max(e.end_s for e in one_shots) + 1.5, 8.0 if has_beds else 0.0)
        else:
            natural_end = max((sound_classes.get(e.sound_class).default_duration_s for e in events), default=0.0)
        bed_events = [e for it in items if it.bed for e in it.events]
        natural_end = max([natural_end] + [e.start_s + 4.0 for e in bed_events])
        if total:
            factor = total / natural_end if natural_end > 0 else 1.0
            for it in items:
                for e in it.events:
                    e.start_s *= factor
                    if it.bed:
                        if it.bounded or it.duration_s:
                            e.duration_s = (it.duration_s if it.duration_s and not it.clause.context
                                            else e.duration_s * factor)
                    elif it.duration_s:
                        pass
                    elif factor < 1.0:
                        e.duration_s = max(MIN_EVENT_S, e.duration_s * factor)
                    elif self._sustained(e.sound_class):
                        cap = sound_classes.get(e.sound_class).default_duration_s * 3.0
                        e.duration_s = min(e.duration_s * factor, max(cap, e.duration_s))
            end = total
        else:
            end = natural_end
        for it in items:
            if it.bed:
                for e in it.events:
                    if not it.bounded:
                        e.duration_s = max(MIN_EVENT_S, end - e.start_s)
        if total:
            for e in events:
                if e.start_s >= total:
                    e.start_s = max(0.0, total - MIN_EVENT_S)
                e.duration_s = max(MIN_EVENT_S, min(e.duration_s, total - e.start_s))
        return events

    @staticmethod
    def _sustained(cls: str) -> bool:
        fam = sound_classes.get(cls).family
        return fam in ("footsteps", "body", "crowds", "music", "machinery") or cls in (
            "car_engine", "train_passing", "engine_roar", "rock_rumble", "debris", "alarm")

    @staticmethod
    def _event(it: Item, start: float, dur: float) -> SoundEvent:
        sc = sound_classes.get(it.sound_class)
        return SoundEvent(id="", caption=it.caption, sound_class=it.sound_class, layer=sc.layer,
                          start_s=round(max(0.0, start), 4), duration_s=max(MIN_EVENT_S, dur),
                          emotion=it.emotion or "neutral", intensity=_clamp01(it.intensity),
                          distance=_clamp01(it.distance), variant=it.variant, class_score=it.class_score)

    @staticmethod
    def _finish(events: list[SoundEvent], scene: str, emotion: str, notices: list[Notice], seed: int,
                envs) -> Decomposition:
        events.sort(key=lambda e: (e.start_s, e.layer.value != "music", e.sound_class))
        for i, e in enumerate(events, 1):
            e.id = f"e{i}"
            e.seed = stable_hash(seed, e.id)
            e.scene = scene
            e.duration_s = round(e.duration_s, 4)
            if e.emotion not in EMOTIONS:
                e.emotion = emotion
        d = Decomposition(events, scene=scene, emotion=emotion, notices=notices)
        d.environments = [f"{k}:{v}" for k, v in envs]
        return d


def _clamp01(x: float) -> float:
    return float(min(1.0, max(0.0, x)))
