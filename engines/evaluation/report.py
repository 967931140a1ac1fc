"""The evaluation report: ``report.json``, a terminal table, one PNG per narrative, and the
summary line (printed last): ``plan_recall=X order=Y agreement_top1=Z agreement_top5=W``.

matplotlib is imported inside ``plot_narrative`` (Agg backend), only when PNGs are written.
"""
from __future__ import annotations

import json
import pathlib
from typing import Sequence

import numpy as np

from ...models.plan import Layer

_LAYER_ORDER = [Layer.MUSIC, Layer.STINGER, Layer.AMBIENCE, Layer.FOLEY, Layer.VOICE]


def summary_line(summary: dict) -> str:
    line = (f"plan_recall={summary['plan_recall']:.3f} order={summary['order']:.3f} "
            f"agreement_top1={summary['agreement_top1']:.3f} agreement_top5={summary['agreement_top5']:.3f}")
    if summary.get("heard") is not None:
        n = summary["narrated_sounds"]
        line += f" heard={summary['heard']:.3f} ({round(summary['heard'] * n)}/{n})"
    return line


def write_json(path, summary: dict, results: Sequence, meta: dict | None = None) -> pathlib.Path:
    path = pathlib.Path(path)
    doc = {"meta": meta or {}, "summary": summary, "narratives": [r.as_dict() for r in results]}
    path.write_text(json.dumps(doc, indent=1, default=_json_default))
    return path


def _json_default(o):
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(type(o).__name__)


def _fmt(x, spec=".2f", none="-"):
    return none if x is None else format(x, spec)


def table(results: Sequence, summary: dict) -> str:
    """Per narrative one row, then agreement per class; plain text for a terminal."""
    head = (f"{'id':<10}{'ev':>4}{'recall':>8}{'order':>7}{'top1':>6}{'top5':>6}{'iso5':>6}"
            f"{'LRA':>6}{'disc':>5}{'gap s':>7}{'onset ms':>9}{'on50':>6}")
    lines = [head, "-" * len(head)]
    for r in results:
        d = r.as_dict()
        ag, f, co, ti = d["agreement"], d["plan_fidelity"], d["coherence"], d["timing"]
        order = "-" if f["order_ok"] is None else ("ok" if f["order_ok"] else "WRONG")
        lines.append(
            f"{r.case.id[:10]:<10}{len(r.plan.events):>4}{f['found']:>5}/{f['expected']:<2}{order:>7}"
            f"{_fmt(ag['top1']):>6}{_fmt(ag['top5']):>6}{_fmt(ag['isolated_top5']):>6}"
            f"{_fmt(co['loudness']['lra_lu'], '.1f'):>6}{co['discontinuities']:>5}{co['unplanned_silence_s']:>7.2f}"
            f"{_fmt(ti['median_abs_error_ms'], '.0f'):>9}{_fmt(ti['within_50ms']):>6}")
    lines.append("")
    lines.append(f"{'class':<20}{'events':>7}{'top1':>7}{'top5':>7}")
    for name, c in summary["per_class"].items():
        lines.append(f"{name:<20}{c['events']:>7}{c['top1']:>7.2f}{c['top5']:>7.2f}")
    if summary["skipped_classes"]:
        lines.append(f"not scored (no AudioSet counterpart): {', '.join(summary['skipped_classes'])}")
    lines.append("")
    lines.append(
        f"events {summary['events']} (scored {summary['scored_events']}); isolated clips: "
        f"top1 {_fmt(summary['agreement_isolated_top1'], '.3f')} top5 {_fmt(summary['agreement_isolated_top5'], '.3f')}; "
        f"discontinuities {summary['discontinuities']}/{summary['boundaries']} boundaries "
        f"(clicks {summary['clicks']}, flux spikes {summary['flux_spikes']}); "
        f"unplanned silence {summary['unplanned_silence_s']:.2f} s; LRA median {_fmt(summary['lra_lu_median'], '.1f')} LU; "
        f"onsets {summary['onsets_detected']}/{summary['timed_events']} detected, median |error| "
        f"{_fmt(summary['onset_median_abs_error_ms'], '.0f')} ms, within 50 ms {_fmt(summary['onsets_within_50ms'])}; "
        f"audible/requested duration median {_fmt(summary['duration_ratio_median'])}, cut off {summary['events_cut_off']}")
    return "\n".join(lines)


def lane_rows(events) -> list:
    """Greedy rows so overlapping events do not hide each other: [(event, row index)]."""
    rows: list[float] = []  # end time of the last event in each row
    out = []
    for e in sorted(events, key=lambda e: (e.start_s, -e.duration_s)):
        for i, end in enumerate(rows):
            if e.start_s >= end - 1e-6:
                rows[i] = e.end_s
                out.append((e, i))
                break
        else:
            rows.append(e.end_s)
            out.append((e, len(rows) - 1))
    return out


def plot_narrative(result, path) -> pathlib.Path:
    """Log-mel spectrogram of the track over the plan: one bar per event in lanes per layer,
    green = heard (top-1), amber = heard in top-5, red = missed, grey = not scored; each bar is
    labelled with its class and YAMNet's top-1 label; ticks mark detected onsets of one-shots."""
    import matplotlib
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from . import yamnet

    path = pathlib.Path(path)
    ag = {a["id"]: a for a in result.agreement}
    tm = {t["id"]: t for t in result.timing["events"]}
    events = result.plan.events
    layers = [l for l in _LAYER_ORDER if any(e.layer == l for e in events)]
    placed = {l: lane_rows([e for e in events if e.layer == l]) for l in layers}
    n_rows = sum(max([row for _, row in placed[l]] + [0]) + 1 for l in layers) or 1
    dur = len(result.track) / result.sample_rate
    fig, (ax_s, ax_p) = plt.subplots(2, 1, sharex=True, figsize=(max(9.0, min(24.0, 3.0 + 0.45 * dur)), 4.0 + 0.38 * n_rows),
                                     gridspec_kw={"height_ratios": [3.0, max(1.2, 0.38 * n_rows)]})
    lm = result.logmel
    ax_s.imshow(lm.T, origin="lower", aspect="auto", cmap="magma", extent=(0, len(lm) * yamnet.FRAME_S, 0, yamnet.MEL_BANDS),
                vmin=np.log(yamnet.LOG_OFFSET), vmax=max(float(lm.max()), np.log(yamnet.LOG_OFFSET) + 1))
    ax_s.set_ylabel("mel band (125 Hz - 7.5 kHz)")
    f = result.fidelity
    ax_s.set_title(f"{result.case.id}: {result.case.text[:110]}\nplan {f['found']}/{f['expected']} found"
                   + ("" if f["order_ok"] is None else (", order ok" if f["order_ok"] else ", order WRONG"))
                   + f"; {result.coherence['discontinuities']} discontinuities; LRA "
                   + f"{_fmt(result.coherence['loudness']['lra_lu'], '.1f')} LU", fontsize=9, loc="left")
    for e in events:
        ax_s.axvline(e.start_s, color="white", lw=0.5, alpha=0.5)
    colours = {"top1": "#3b8b5a", "top5": "#e3a72f", "miss": "#d1495b", "none": "#9a9a9a"}
    y = 0
    yt, yl = [], []
    for l in reversed(layers):
        rows = max(row for _, row in placed[l]) + 1
        for e, row in placed[l]:
            a = ag.get(e.id, {})
            key = "none" if not a.get("scored") else "top1" if a["hit_top1"] else "top5" if a["hit_top5"] else "miss"
            yy = y + (rows - 1 - row)
            ax_p.barh(yy + 0.5, e.duration_s, left=e.start_s, height=0.8, color=colours[key], edgecolor="black", lw=0.5)
            heard = a.get("top5", [["?", 0]])[0][0]
            ax_p.text(e.start_s + 0.05, yy + 0.5, f"{e.sound_class} -> {heard}", va="center", fontsize=7, clip_on=True)
            t = tm.get(e.id)
            if t and t["onset_s"] is not None:
                ax_p.plot([t["onset_s"]] * 2, [yy + 0.1, yy + 0.9], color="black", lw=1.2)
        yt.append(y + rows / 2)
        yl.append(l.value)
        y += rows
    ax_p.set_yticks(yt, yl)
    ax_p.set_ylim(0, max(1, y))
    ax_p.set_xlim(0, dur)
    ax_p.set_xlabel("seconds")
    ax_p.legend(handles=[Patch(color=colours["top1"], label="heard (top-1)"), Patch(color=colours["top5"], label="heard (top-5)"),
                         Patch(color=colours["miss"], label="missed"), Patch(color=colours["none"], label="not scored")],
                loc="upper right", fontsize=7, ncol=4)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
