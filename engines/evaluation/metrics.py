"""Scores of one rendered narrative: plan fidelity, audio-event agreement, coherence, timing.

Pure functions over numpy arrays and domain types; the tagger is passed in. Times are track
seconds; the log-mel spectrogram is YAMNet's (16 kHz, 10 ms frames), computed once per track
and shared by agreement (patches), timing (spectral-flux onsets) and coherence (flux spikes).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ...models import sound_classes
from ...models.plan import SoundEvent
from ..loudness import integrated_lufs, short_term_lufs
from . import yamnet
from .labels import hit_labels

TOP_K = 5


# ---------------------------------------------------------------------------- plan fidelity
def match_expected(events: Sequence[SoundEvent], expect: Sequence[Sequence[str]]) -> list[SoundEvent | None]:
    """The usual plan-scoring rule: for each expected group in order, the earliest
    (by start) unused event whose caption or sound class contains one of its keywords."""
    used: set[int] = set()
    found: list[SoundEvent | None] = []
    ordered = sorted(enumerate(events), key=lambda ie: ie[1].start_s)
    for group in expect:
        hit = None
        for i, ev in ordered:
            text = f"{ev.caption} {ev.sound_class}".lower()
            if i not in used and any(k.lower() in text for k in group):
                hit = ev
                used.add(i)
                break
        found.append(hit)
    return found


def audible_span_s(clip: np.ndarray, sr: int, floor_db: float = 40.0, hop_s: float = 0.01) -> float:
    """Seconds from the first to the last 10 ms frame within ``floor_db`` of the clip's loudest."""
    x = np.asarray(clip, dtype=np.float64)
    x = x.mean(axis=1) if x.ndim == 2 else x
    h = max(1, int(hop_s * sr))
    k = len(x) // h
    if k == 0:
        return 0.0
    e = 10 * np.log10((x[: k * h].reshape(k, h) ** 2).mean(axis=1) + 1e-20)
    on = np.flatnonzero(e > e.max() - floor_db)
    return float((on[-1] - on[0] + 1) * h / sr) if len(on) else 0.0


def still_sounding_at_end(clip: np.ndarray, sr: int, within_db: float = 20.0) -> bool:
    """True when the clip's last 50 ms (before its fade-out) is within ``within_db`` of its
    loudest 50 ms: the sound was cut off by the end of its window rather than ending."""
    x = np.asarray(clip, dtype=np.float64)
    x = x.mean(axis=1) if x.ndim == 2 else x
    h = int(0.05 * sr)
    k = len(x) // h
    if k < 3:
        return False
    e = 10 * np.log10((x[: k * h].reshape(k, h) ** 2).mean(axis=1) + 1e-20)
    return bool(e[-2] > e.max() - within_db)


def plan_fidelity(events: Sequence[SoundEvent], expect: Sequence[Sequence[str]], ordered: bool,
                  clips: dict[str, np.ndarray] | None = None, sr: int = 48_000) -> dict:
    """Expected events found (and in order, when the narrative says so), and for each planned
    event the rendered clip's audible span against the duration the plan requested."""
    found = match_expected(events, expect)
    n_hit = sum(f is not None for f in found)
    starts = [f.start_s for f in found if f is not None]
    order_ok = (n_hit == len(found) and all(a <= b for a, b in zip(starts, starts[1:]))) if ordered else None
    durations = []
    for e in events:
        d = {"id": e.id, "requested_s": round(e.duration_s, 3)}
        if clips and e.id in clips:
            span = audible_span_s(clips[e.id], sr)
            d.update(audible_s=round(span, 3), ratio=round(span / max(e.duration_s, 1e-9), 3),
                     cut_off=(not sound_classes.BY_NAME.get(e.sound_class, _BED).bed)
                     and still_sounding_at_end(clips[e.id], sr))
        durations.append(d)
    ratios = [d["ratio"] for d in durations if "ratio" in d]
    return {
        "expected": len(found), "found": n_hit, "recall": n_hit / len(found) if found else 1.0,
        "ordered": bool(ordered), "order_ok": order_ok,
        "matches": [{"expect": list(g), "event": f.id if f else None, "class": f.sound_class if f else None}
                    for g, f in zip(expect, found)],
        "missing": [g[0] for g, f in zip(expect, found) if f is None],
        "durations": durations,
        "duration_ratio_median": float(np.median(ratios)) if ratios else None,
        "events_cut_off": sum(bool(d.get("cut_off")) for d in durations),
    }


class _Bed:
    bed = True


_BED = _Bed()


# ---------------------------------------------------------------------------- agreement
def window_patches(logmel: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    """YAMNet patches covering [start_s, end_s] of a track's log-mel: every 0.48 s from the start,
    one more flush with the end when over a quarter patch is left, and for windows shorter than
    0.96 s one patch centred on the window (clamped to the track)."""
    n = len(logmel)
    if n < yamnet.PATCH_FRAMES:
        logmel = np.pad(logmel, ((0, yamnet.PATCH_FRAMES - n), (0, 0)), constant_values=np.log(yamnet.LOG_OFFSET))
        n = len(logmel)
    f0 = int(round(start_s / yamnet.FRAME_S))
    f1 = int(round(end_s / yamnet.FRAME_S))
    last = n - yamnet.PATCH_FRAMES
    if f1 - f0 <= yamnet.PATCH_FRAMES:
        starts = [(f0 + f1) // 2 - yamnet.PATCH_FRAMES // 2]
    else:
        starts = list(range(f0, f1 - yamnet.PATCH_FRAMES + 1, yamnet.PATCH_HOP_FRAMES))
        if f1 - (starts[-1] + yamnet.PATCH_FRAMES) > yamnet.PATCH_FRAMES // 4:
            starts.append(f1 - yamnet.PATCH_FRAMES)
    starts = sorted({min(max(0, s), last) for s in starts})
    return np.stack([logmel[s: s + yamnet.PATCH_FRAMES] for s in starts])


@dataclass
class Verdict:
    """What the tagger heard in one window, against what was intended."""

    sound_class: str
    top: list[tuple[str, float]]  # top-5 AudioSet labels with mean scores
    scored: bool  # False: the class has no AudioSet counterpart
    hit_top1: bool
    hit_top5: bool
    best_hit: tuple[str, float] | None  # the best-scoring hit label (anywhere in 521)

    def as_dict(self) -> dict:
        return {"class": self.sound_class, "scored": self.scored, "hit_top1": self.hit_top1,
                "hit_top5": self.hit_top5, "top5": [[l, round(s, 4)] for l, s in self.top],
                "best_hit_label": list(self.best_hit) if self.best_hit else None}


MIN_HIT_SCORE = 0.01  # a hit label scoring under this is never a hit, whatever its rank


def verdict(tagger, mean_scores: np.ndarray, sound_class: str) -> Verdict:
    """Top-1 (top-5) hit: fewer than 1 (5) labels score strictly above the best hit label.

    Ties count for the hit: the quantised YAMNet outputs logits in steps of 0.76, so a child
    (``Dog``) often ties with its parents (``Animal``, ``Domestic animals, pets``), which come
    first in AudioSet's order; a plain argsort would then always hand top-1 to the parent."""
    hits = hit_labels(sound_class, tagger.labels)
    top = tagger.top(mean_scores, TOP_K)
    if not hits:
        return Verdict(sound_class, top, False, False, False, None)
    idx = [tagger.index[h] for h in hits]
    b = idx[int(np.argmax(mean_scores[idx]))]
    best = float(mean_scores[b])
    rank = int((mean_scores > best).sum())
    ok = best >= MIN_HIT_SCORE
    return Verdict(sound_class, top, True, ok and rank == 0, ok and rank < TOP_K, (tagger.labels[b], best))


def window_verdict(tagger, logmel: np.ndarray, start_s: float, end_s: float, sound_class: str) -> Verdict:
    return verdict(tagger, tagger.scores(window_patches(logmel, start_s, end_s)).mean(axis=0), sound_class)


def clip_verdict(tagger, clip: np.ndarray, sr: int, sound_class: str) -> Verdict:
    """Tag a clip in isolation as an event window of its own length (the library measurement):
    patches every 0.48 s over the clip, or one patch for a clip under 0.96 s (silence-padded)."""
    lm = yamnet.log_mel(yamnet.to_16k_mono(clip, sr))
    return window_verdict(tagger, lm, 0.0, len(clip) / sr, sound_class)


def heard(tagger, logmel: np.ndarray, groups: Sequence[Sequence[str]], k: int = 5) -> list[dict]:
    """Plan-blind: for each narrated sound (a group of AudioSet labels, any of which names it),
    whether one of its labels is in YAMNet's top ``k`` for some patch of the whole track (0.96 s
    patches every 0.48 s), and where first. Never looks at the plan: a sound the planner dropped
    or substituted counts as unheard. Labels the tagger does not know raise ValueError."""
    unknown = sorted({lab for g in groups for lab in g if lab not in tagger.index})
    if unknown:
        raise ValueError(f"not AudioSet labels of the tagger: {', '.join(map(repr, unknown))}")
    scores = tagger.scores(yamnet.patches(logmel)) if len(groups) else np.zeros((0, 0))
    tops = np.argsort(-scores, axis=1, kind="stable")[:, :k] if len(scores) else np.zeros((0, k), int)
    out = []
    for g in groups:
        ids = np.array([tagger.index[lab] for lab in g])
        where = np.flatnonzero(np.isin(tops, ids).any(axis=1))
        out.append({"labels": list(g), "heard": bool(len(where)),
                    "first_s": round(float(where[0]) * yamnet.PATCH_HOP_S, 2) if len(where) else None})
    return out


# ---------------------------------------------------------------------------- onsets, flux
def spectral_flux(logmel: np.ndarray) -> np.ndarray:
    """Positive log-mel flux per 10 ms frame (frame t compares t with t-1; frame 0 is 0)."""
    d = np.diff(logmel, axis=0, prepend=logmel[:1])
    return np.maximum(d, 0.0).sum(axis=1)


def spectral_change(logmel: np.ndarray) -> np.ndarray:
    """Absolute log-mel change per frame (rises and falls): what an abrupt cut shows as well."""
    return np.abs(np.diff(logmel, axis=0, prepend=logmel[:1])).sum(axis=1)


def detect_onsets(logmel: np.ndarray, min_gap_s: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """(onset times in s, strengths): peaks of the spectral flux that are the largest within
    ``min_gap_s`` and stand above the local median (±0.5 s) by a robust margin."""
    flux = spectral_flux(logmel)
    if len(flux) < 3:
        return np.zeros(0), np.zeros(0)
    from scipy.ndimage import maximum_filter1d, median_filter
    w = max(1, int(round(min_gap_s / yamnet.FRAME_S)))
    local_max = maximum_filter1d(flux, size=2 * w + 1, mode="nearest")
    med = median_filter(flux, size=101, mode="nearest")
    mad = median_filter(np.abs(flux - med), size=101, mode="nearest")
    floor = 0.05 * np.percentile(flux, 99) + 1e-9
    peaks = np.flatnonzero((flux == local_max) & (flux > med + 4.0 * 1.4826 * mad + floor))
    return peaks * yamnet.FRAME_S, flux[peaks]


def timing(events: Sequence[SoundEvent], onsets: np.ndarray, strengths: np.ndarray,
           before_s: float = 0.1, after_s: float = 0.5) -> dict:
    """Planned starts of one-shot events against detected onsets: the strongest onset within
    [start - before_s, start + after_s] is the event's onset (beds fade in: not timed)."""
    rows = []
    for e in events:
        c = sound_classes.BY_NAME.get(e.sound_class)
        if c is None or c.bed:
            continue
        sel = np.flatnonzero((onsets >= e.start_s - before_s) & (onsets <= e.start_s + after_s))
        if len(sel):
            t = float(onsets[sel[np.argmax(strengths[sel])]])
            rows.append({"id": e.id, "class": e.sound_class, "planned_s": round(e.start_s, 3),
                         "onset_s": round(t, 3), "error_ms": round(1000 * (t - e.start_s), 1)})
        else:
            rows.append({"id": e.id, "class": e.sound_class, "planned_s": round(e.start_s, 3),
                         "onset_s": None, "error_ms": None})
    errs = np.array([abs(r["error_ms"]) for r in rows if r["error_ms"] is not None])
    n = len(rows)
    return {
        "events": rows, "timed": n, "detected": int(len(errs)),
        "median_abs_error_ms": float(np.median(errs)) if len(errs) else None,
        "within_50ms": float((errs <= 50).sum() / n) if n else None,
        "within_100ms": float((errs <= 100).sum() / n) if n else None,
    }


# ---------------------------------------------------------------------------- coherence
JUMP_RATIO = 2.0  # a boundary sample jump this many times the neighbourhood's 99.9th percentile
JUMP_FLOOR = 0.02  # ... and at least this large (full scale 1): a click, not noise-floor wiggle
FLUX_Z = 8.0  # a boundary spectral change this many robust deviations above its neighbourhood
GAP_DBFS = -60.0  # 50 ms RMS below this is silence
GAP_MIN_S = 0.3  # silence at least this long inside the planned events is an unplanned gap


def boundaries(events: Sequence[SoundEvent], track_s: float) -> list[dict]:
    """Event starts and ends inside the track; a one-shot's start is an intended onset."""
    out = []
    for e in events:
        bed = sound_classes.BY_NAME.get(e.sound_class, _BED).bed
        for kind, t in (("start", e.start_s), ("end", e.end_s)):
            if 0.02 < t < track_s - 0.02:
                out.append({"id": e.id, "class": e.sound_class, "kind": kind, "t": round(t, 3),
                            "intended_onset": kind == "start" and not bed})
    return out


def sample_jumps(track: np.ndarray, sr: int, t: float, half_s: float = 0.5) -> tuple[float, float]:
    """(largest |x[n]-x[n-1]| within 2 ms of t, 99.9th percentile of it in ±half_s outside ±10 ms)."""
    x = np.asarray(track, dtype=np.float32)
    x = x[:, None] if x.ndim == 1 else x
    c = int(round(t * sr))
    lo, hi = max(1, c - int(half_s * sr)), min(len(x), c + int(half_s * sr))
    d = np.abs(np.diff(x[lo - 1: hi], axis=0)).max(axis=1)
    rel = np.arange(lo, hi) - c
    near = np.abs(rel) <= int(0.002 * sr)
    away = np.abs(rel) > int(0.010 * sr)
    jump = float(d[near].max()) if near.any() else 0.0
    ref = float(np.percentile(d[away], 99.9)) if away.any() else 0.0
    return jump, ref


def flux_z(change: np.ndarray, t: float, half_s: float = 1.0) -> float:
    """How far the spectral change within 20 ms of t stands above its ±half_s neighbourhood
    (outside ±50 ms), in robust standard deviations."""
    c = int(round(t / yamnet.FRAME_S))
    h = int(half_s / yamnet.FRAME_S)
    lo, hi = max(0, c - h), min(len(change), c + h + 1)
    if hi - lo < 10:
        return 0.0
    seg = change[lo:hi]
    rel = np.arange(lo, hi) - c
    near, away = seg[np.abs(rel) <= 2], seg[np.abs(rel) > 5]
    if not len(near) or not len(away):
        return 0.0
    med = float(np.median(away))
    spread = 1.4826 * float(np.median(np.abs(away - med))) + 0.05 * med + 1e-6
    return float((near.max() - med) / spread)


def silence_gaps(track: np.ndarray, sr: int, events: Sequence[SoundEvent]) -> list[tuple[float, float]]:
    """Runs of silence (50 ms RMS under GAP_DBFS) of at least GAP_MIN_S that lie inside the
    union of the planned events' windows: silence the plan did not ask for."""
    x = np.asarray(track, dtype=np.float64)
    x = x.mean(axis=1) if x.ndim == 2 else x
    hop, win = int(0.01 * sr), int(0.05 * sr)
    k = max(0, 1 + (len(x) - win) // hop)
    if k == 0:
        return []
    c2 = np.concatenate([[0.0], np.cumsum(x ** 2)])
    idx = np.arange(k) * hop
    rms_db = 10 * np.log10((c2[idx + win] - c2[idx]) / win + 1e-20)
    t = (idx + win / 2) / sr
    covered = np.zeros(k, bool)
    for e in events:
        covered |= (t >= e.start_s) & (t <= e.end_s)
    silent = (rms_db < GAP_DBFS) & covered
    gaps, i = [], 0
    while i < k:
        if silent[i]:
            j = i
            while j + 1 < k and silent[j + 1]:
                j += 1
            if (j - i + 1) * hop / sr >= GAP_MIN_S:
                gaps.append((round(float(t[i]), 3), round(float(t[j]), 3)))
            i = j + 1
        else:
            i += 1
    return gaps


def loudness_consistency(track: np.ndarray, sr: int) -> dict:
    """Short-term loudness (3 s windows, 1 s hop) along the track: its range as EBU LRA measures
    it (10th to 95th percentile after the -70 LUFS absolute and -20 LU relative gates)."""
    st = short_term_lufs(track, sr)
    st = st[np.isfinite(st) & (st > -70.0)]
    integrated = integrated_lufs(track, sr)
    if not len(st):
        return {"integrated_lufs": None, "short_term_min": None, "short_term_max": None, "lra_lu": None}
    gated = st[st > integrated - 20.0] if np.isfinite(integrated) else st
    gated = gated if len(gated) else st
    return {"integrated_lufs": round(float(integrated), 2), "short_term_min": round(float(st.min()), 2),
            "short_term_max": round(float(st.max()), 2),
            "lra_lu": round(float(np.percentile(gated, 95) - np.percentile(gated, 10)), 2)}


def coherence(track: np.ndarray, sr: int, events: Sequence[SoundEvent], logmel: np.ndarray) -> dict:
    """Boundary discontinuities, loudness consistency and unplanned silence of a mastered track."""
    track_s = len(track) / sr
    change = spectral_change(logmel)
    rows, clicks, spikes = [], 0, 0
    for b in boundaries(events, track_s):
        jump, ref = sample_jumps(track, sr, b["t"])
        z = flux_z(change, b["t"])
        click = jump > JUMP_FLOOR and jump > JUMP_RATIO * ref
        # A one-shot's start is meant to be heard: its spectral rise is an onset, not a seam.
        spike = (not b["intended_onset"]) and z > FLUX_Z
        clicks += click
        spikes += spike
        rows.append({**b, "jump": round(jump, 4), "jump_ref": round(ref, 4), "flux_z": round(z, 2),
                     "click": bool(click), "flux_spike": bool(spike)})
    gaps = silence_gaps(track, sr, events)
    return {"boundaries": rows, "n_boundaries": len(rows), "clicks": int(clicks), "flux_spikes": int(spikes),
            "discontinuities": int(sum(r["click"] or r["flux_spike"] for r in rows)),
            "loudness": loudness_consistency(track, sr),
            "unplanned_gaps": [list(g) for g in gaps],
            "unplanned_silence_s": round(sum(b - a + 0.05 for a, b in gaps), 3)}
