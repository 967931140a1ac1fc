"""An LLM planner backend (the ``neural`` extra): a local Hugging Face causal LM, prompted with the
narrative and game state, decoding constrained by xgrammar to the plan's JSON schema.

The grammar enforces the schema exactly: class names, scenes and emotions are enums; times,
intensities and distances have numeric bounds (xgrammar enforces minimum/maximum, and bounded
numbers have a bounded number of digits); captions have a maximum length; the event list has a
maximum size; whitespace is fixed. So even a randomly initialised model produces a plan that
parses and validates, and generation always terminates within ``max_new_tokens``.

Generation has a time budget (``max_time``); a late, failing or unloadable model falls back to the
rule planner, with a Notice saying why. ``decompose`` blocks: the server runs it off the event loop
(``await asyncio.to_thread(planner.decompose, ...)`` or ``decompose_async``).

torch, transformers and xgrammar are imported lazily, never by ``soundweaver.models.planner``.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import time

from .. import sound_classes
from ..bridge import stable_hash
from ..plan import EMOTIONS, SCENES, GameState, Notice, SoundEvent
from .base import Decomposition, Planner

MAX_START_S = 300.0
MAX_DURATION_S = 120.0
MIN_DURATION_S = 0.2
CAPTION_CHARS = 60
# Captions are plain text: xgrammar's maxLength strings admit raw control characters, which JSON
# forbids, so the caption is a pattern over printable ASCII instead.
CAPTION_PATTERN = "^[A-Za-z0-9 ,.;:!?'()-]{1,%d}$" % CAPTION_CHARS


def plan_schema(max_events: int = 12) -> dict:
    """The JSON schema every LLM output must satisfy (and does, by construction)."""
    return {
        "type": "object",
        "properties": {
            "scene": {"type": "string", "enum": list(SCENES)},
            "emotion": {"type": "string", "enum": list(EMOTIONS)},
            "events": {
                "type": "array",
                "minItems": 1,
                "maxItems": int(max_events),
                "items": {
                    "type": "object",
                    "properties": {
                        "caption": {"type": "string", "pattern": CAPTION_PATTERN},
                        "sound_class": {"type": "string", "enum": list(sound_classes.NAMES)},
                        "start_s": {"type": "number", "minimum": 0, "maximum": MAX_START_S},
                        "duration_s": {"type": "number", "minimum": MIN_DURATION_S, "maximum": MAX_DURATION_S},
                        "intensity": {"type": "number", "minimum": 0, "maximum": 1},
                        "distance": {"type": "number", "minimum": 0, "maximum": 1},
                    },
                    "required": ["caption", "sound_class", "start_s", "duration_s", "intensity", "distance"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["scene", "emotion", "events"],
        "additionalProperties": False,
    }


def validate_plan_json(data) -> list[str]:
    """Problems with a decoded plan (empty when valid); independent of xgrammar, for tests and
    as a last check before the plan is used."""
    problems = []
    if not isinstance(data, dict):
        return ["plan is not a JSON object"]
    if set(data) != {"scene", "emotion", "events"}:
        problems.append(f"plan keys are {sorted(data)}")
    if data.get("scene") not in SCENES:
        problems.append(f"scene {data.get('scene')!r} is not one of {SCENES}")
    if data.get("emotion") not in EMOTIONS:
        problems.append(f"emotion {data.get('emotion')!r} is not one of {EMOTIONS}")
    evs = data.get("events")
    if not isinstance(evs, list) or not evs:
        return problems + ["events must be a non-empty list"]
    bounds = {"start_s": (0.0, MAX_START_S), "duration_s": (MIN_DURATION_S, MAX_DURATION_S),
              "intensity": (0.0, 1.0), "distance": (0.0, 1.0)}
    for i, e in enumerate(evs):
        if not isinstance(e, dict):
            problems.append(f"event {i} is not an object")
            continue
        if e.get("sound_class") not in sound_classes.BY_NAME:
            problems.append(f"event {i}: unknown sound class {e.get('sound_class')!r}")
        cap = e.get("caption")
        if not isinstance(cap, str) or not re.fullmatch(CAPTION_PATTERN.strip("^$"), cap):
            problems.append(f"event {i}: caption must be 1..{CAPTION_CHARS} plain characters")
        for k, (lo, hi) in bounds.items():
            v = e.get(k)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not lo <= v <= hi:
                problems.append(f"event {i}: {k}={v!r} outside {lo}..{hi}")
    return problems


def build_prompt(text: str, state: GameState | None) -> str:
    state = state or GameState()
    parts = [f"{k}={v:g}" for k, v in sorted(state.parameters.items())]
    parts += [f"{k}={v}" for k, v in sorted(state.states.items())]
    parts += [f"{k}={v}" for k, v in sorted(state.switches.items())]
    classes = ", ".join(sound_classes.NAMES)
    return ("You are a game sound designer. Break the narrative into timed sound events.\n"
            "Ambience beds start at 0 and span the scene; one-shots follow the narrative order with "
            "small overlaps; 'while' and 'as' overlap.\n"
            f"Sound classes: {classes}.\n"
            f"Scenes: {', '.join(SCENES)}. Emotions: {', '.join(EMOTIONS)}.\n"
            f"Game state: {'; '.join(parts) or 'none'}.\n"
            f"Narrative: {text.strip()}\n"
            "Answer with the plan as JSON.\n")


class LLMPlanner(Planner):
    """Planner backed by a local causal LM; falls back to ``fallback`` when late or failing."""

    name = "llm"

    def __init__(self, model_path, time_budget_s: float = 2.0, fallback: Planner | None = None,
                 max_events: int = 12, max_new_tokens: int | None = None, device: str | None = None,
                 temperature: float = 0.0):
        if fallback is None:
            from .rules import RulePlanner
            fallback = RulePlanner()
        self.model_path = os.fspath(model_path)
        self.time_budget_s = float(time_budget_s)
        self.fallback = fallback
        self.max_events = int(max_events)
        # Worst case per event: ~CAPTION_CHARS + class + numbers + keys, one token per char at worst.
        self.max_new_tokens = int(max_new_tokens or 64 + self.max_events * (CAPTION_CHARS + 150))
        self.device = device
        self.temperature = float(temperature)
        self._lock = threading.Lock()
        self._loaded = False
        self._load_error: Exception | None = None
        self.last_used_fallback = False
        self.last_reason = ""

    # -- loading ------------------------------------------------------------------------------
    def load(self) -> None:
        """Load model, tokenizer and the compiled grammar (the server may call this at startup)."""
        with self._lock:
            if self._loaded:
                return
            import torch
            import xgrammar as xgr
            from transformers import AutoModelForCausalLM, AutoTokenizer

            device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
            tok = AutoTokenizer.from_pretrained(self.model_path, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(self.model_path, local_files_only=True)
            model = model.to(device).eval()
            if tok.pad_token_id is None:
                tok.pad_token = tok.eos_token
            vocab_size = getattr(model.config, "vocab_size", None) or len(tok)
            info = xgr.TokenizerInfo.from_huggingface(tok, vocab_size=vocab_size)
            compiler = xgr.GrammarCompiler(info)
            self._compiled = compiler.compile_json_schema(json.dumps(plan_schema(self.max_events)),
                                                          any_whitespace=False, strict_mode=True)
            self._torch, self._xgr = torch, xgr
            self._tok, self._model, self._device = tok, model, device
            self._loaded = True

    # -- planning -----------------------------------------------------------------------------
    def decompose(self, text: str, state: GameState | None = None, seed: int = 0) -> Decomposition:
        t0 = time.monotonic()
        if not isinstance(text, str) or not text.strip():
            return self.fallback.decompose(text, state, seed)
        try:
            if not self._loaded:
                self.load()
            budget = max(0.01, self.time_budget_s - (time.monotonic() - t0))
            t_gen = time.monotonic()
            raw = self.generate_json(text, state, seed, max_time=budget)
            try:
                data = json.loads(raw, strict=False)
            except json.JSONDecodeError:
                if time.monotonic() - t_gen >= budget * 0.95:
                    raise TimeoutError(f"generation ran out of its {self.time_budget_s:.2f} s budget") from None
                raise
            problems = validate_plan_json(data)
            if problems:
                raise ValueError("; ".join(problems[:3]))
            d = self.to_decomposition(data, seed)
            if time.monotonic() - t0 > self.time_budget_s * 1.5:
                raise TimeoutError(f"took {time.monotonic() - t0:.2f} s, budget {self.time_budget_s:.2f} s")
            self.last_used_fallback, self.last_reason = False, ""
            return d
        except Exception as exc:  # late, failing or unloadable: the rules plan instead
            reason = f"{type(exc).__name__}: {exc}"[:300]
            self.last_used_fallback, self.last_reason = True, reason
            d = self.fallback.decompose(text, state, seed)
            d.notices.append(Notice("planner_fallback", f"LLM planner fell back to {self.fallback.name}: {reason}",
                                    "info"))
            return d

    async def decompose_async(self, text: str, state: GameState | None = None, seed: int = 0) -> Decomposition:
        return await asyncio.to_thread(self.decompose, text, state, seed)

    def generate_json(self, text: str, state: GameState | None, seed: int, max_time: float | None = None) -> str:
        """Constrained generation; returns the decoded JSON text (raises when it did not finish)."""
        torch = self._torch
        from xgrammar.contrib.hf import LogitsProcessor

        tok, model = self._tok, self._model
        prompt = build_prompt(text, state)
        if getattr(tok, "chat_template", None):
            try:
                prompt = tok.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                                 add_generation_prompt=True)
            except Exception:
                pass
        enc = tok(prompt, return_tensors="pt").to(self._device)
        processor = LogitsProcessor(self._compiled)
        kwargs = dict(max_new_tokens=self.max_new_tokens, logits_processor=[processor],
                      pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
        if max_time is not None:
            kwargs["max_time"] = float(max_time)
        if self.temperature > 0:
            torch.manual_seed(stable_hash("llm", seed, text) & 0xFFFFFFFF)
            kwargs.update(do_sample=True, temperature=self.temperature)
        else:
            kwargs.update(do_sample=False)
        with self._lock, torch.inference_mode():
            out = model.generate(**enc, **kwargs)
        new = out[0, enc["input_ids"].shape[1]:]
        return tok.decode(new, skip_special_tokens=True).strip()

    def to_decomposition(self, data: dict, seed: int) -> Decomposition:
        events = []
        for e in data["events"]:
            sc = sound_classes.get(e["sound_class"])
            events.append(SoundEvent(id="", caption=e["caption"].strip() or sc.description, sound_class=sc.name,
                                     layer=sc.layer, start_s=float(e["start_s"]),
                                     duration_s=max(MIN_DURATION_S, float(e["duration_s"])),
                                     emotion=data["emotion"], scene=data["scene"],
                                     intensity=float(e["intensity"]), distance=float(e["distance"])))
        events.sort(key=lambda e: (e.start_s, e.sound_class))
        for i, e in enumerate(events, 1):
            e.id = f"e{i}"
            e.seed = stable_hash(seed, e.id)
        return Decomposition(events, scene=data["scene"], emotion=data["emotion"])
