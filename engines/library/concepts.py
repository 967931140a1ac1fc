"""What a caption or a file is about, beyond its words: the planner's sound classes and AudioSet labels.

Two vocabularies the project already keeps are reused here, so that a caption and a file that use
different words for the same sound still meet:

- the planner's lexicon (``models/planner/lexicon.py``): phrases -> sound class. A text *has* a
  class when every word of one of the class's phrases occurs in it ("tnt explode" and "an
  explosion" both have ``explosion``). Stand-ins (``?elephant`` under dog_bark) and weak context
  words (``~car`` under an engine) are not synonyms and are left out.
- the evaluator's hit labels (``engines/evaluation/labels.py``): class -> the AudioSet labels a
  listener accepts for it. A file *sounds like* a class by YAMNet's mean score on those labels
  (``Horse``, ``Clip-clop`` -> horse_gallop), which is how ``SFX_0042.wav`` is found for "horse
  gallop".

Everything here is a table built once (``functools.lru_cache``) from those modules: no model, no
torch. The optional embedding mapper (``models/planner/embed.py``) can add classes for a caption
the lexicon does not cover (``caption_classes_by_meaning``); it is imported only when asked for.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Mapping

from ...models.planner import lexicon as lx
from ...models.planner.text import stems

EMBED_MIN_SIMILARITY = 0.55  # a class by meaning counts from this cosine similarity
EMBED_MAX_CLASSES = 2


@lru_cache(maxsize=1)
def _sure_phrases() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """first stem -> ((class, stems of the phrase), ...): the lexicon's index without stand-ins,
    weak context words and the footsteps family (not synonyms of anything)."""
    return {k: tuple(dict.fromkeys((e.sound_class, e.tokens) for e in v
                                   if not (e.proxy or e.weak or e.sound_class.startswith("@"))))
            for k, v in lx.by_first_token().items()}


def classes_of(words: Iterable[str]) -> dict[str, frozenset[str]]:
    """The lexicon classes a text (its stems) has -> the content stems its phrases cover."""
    have = set(words)
    out: dict[str, set[str]] = {}
    for s in have:
        for cls, toks in _sure_phrases().get(s, ()):
            if all(t in have for t in toks):
                out.setdefault(cls, set()).update(t for t in toks if t not in lx.STOPWORD_STEMS)
    return {c: frozenset(v) for c, v in out.items()}


def text_classes(text: str) -> dict[str, frozenset[str]]:
    return classes_of(stems(text.replace("_", " ")))


@lru_cache(maxsize=1)
def siblings() -> dict[str, tuple[str, ...]]:
    """class -> the classes a listener hears as the same sound (identical hit labels: rain_light
    and rain_heavy, thunder near and distant)."""
    by_labels: dict[tuple[str, ...], list[str]] = {}
    for c, labels in hit_labels().items():
        by_labels.setdefault(tuple(sorted(labels)), []).append(c)
    return {c: tuple(x for x in group if x != c) for group in by_labels.values() for c in group if len(group) > 1}


@lru_cache(maxsize=65536)
def compound_parts(word: str) -> tuple[str, ...]:
    """The stems of a run-together filename word made of two lexicon words ("blackcat" -> black,
    cat; "firetruck" -> fire, truck); () when it is a word of its own or not two known ones."""
    vocab = lx.vocabulary()
    if len(word) < 6 or not word.isalpha() or all(s in vocab for s in stems(word)):
        return ()
    for i in range(3, len(word) - 2):
        a, b = stems(word[:i]), stems(word[i:])
        if len(a) == 1 and len(b) == 1 and a[0] in vocab and b[0] in vocab:
            return a[0], b[0]
    return ()


def caption_classes_by_meaning(caption: str, terms: Iterable[str]) -> dict[str, tuple[frozenset[str], float]]:
    """Classes near ``caption`` by meaning (the ``embed`` extra) -> (every content term, similarity)."""
    sims = _mapper().similarities(caption)
    best = sorted(((s, c) for c, s in sims.items() if not c.startswith("@") and s >= EMBED_MIN_SIMILARITY),
                  reverse=True)[:EMBED_MAX_CLASSES]
    every = frozenset(terms)
    return {c: (every, float(s)) for s, c in best}


@lru_cache(maxsize=1)
def _mapper():
    from ...models.planner.embed import EmbeddingMapper
    return EmbeddingMapper()


def embedding_available() -> bool:
    from ...models.planner import embed
    return embed.available()


@lru_cache(maxsize=1)
def hit_labels() -> Mapping[str, tuple[str, ...]]:
    """class -> the AudioSet labels that count as hearing it (the evaluator's table)."""
    from ..evaluation import labels
    return {c: tuple(v) for c, v in labels.HIT_LABELS.items() if v}


def label_words(label: str) -> list[str]:
    """The content stems of an AudioSet label name ("Walk, footsteps" -> walk, footstep)."""
    return [s for s in stems(label.replace(",", " ")) if s not in lx.STOPWORD_STEMS]
