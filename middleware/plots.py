"""Plots for designers: the plan as a timeline (``soundweaver plan TEXT --plot timeline.png``).

matplotlib is imported inside the function (the ``plot`` extra), with the Agg backend, so the
server never pays for it. Commands that plot call ``plotting_problem`` first, before their work,
so a missing matplotlib ends them at once with the line to install it.
"""
from __future__ import annotations

import os

from ..engines.evaluation.report import lane_rows
from ..models.plan import EventState, Layer, Plan

_LAYER_ORDER = [Layer.MUSIC, Layer.STINGER, Layer.AMBIENCE, Layer.FOLEY, Layer.VOICE]
_LAYER_COLOURS = {Layer.MUSIC: "#7b5ea7", Layer.STINGER: "#d1495b", Layer.AMBIENCE: "#2e86ab",
                  Layer.FOLEY: "#e3a72f", Layer.VOICE: "#3b8b5a"}


def plotting_problem(what: str, extra: str = "plot") -> str | None:
    """None when matplotlib imports; otherwise what cannot be drawn and the install line."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        why = "which is not installed" if getattr(exc, "name", None) in (None, "matplotlib") else f"which fails ({exc})"
        return f"{what} needs matplotlib, {why}: pip install 'soundweaver[{extra}]'"
    return None


def _lanes(events):
    placed = lane_rows(events)
    return placed, max([row + 1 for _, row in placed], default=1)


def plot_plan(plan: Plan, path, title: str | None = None) -> None:
    """Draw ``plan`` as a timeline: one lane per layer (sub-rows where events overlap), each event a
    labelled bar; cancelled events are hatched outlines. Writes an image to ``path`` (format from
    the extension: png, svg, pdf)."""
    import matplotlib
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    layers = [l for l in _LAYER_ORDER if any(e.layer == l for e in plan.events)] or [Layer.FOLEY]
    placed = {l: _lanes([e for e in plan.events if e.layer == l]) for l in layers}
    heights = {l: placed[l][1] for l in layers}
    total_rows = sum(heights.values())
    end = max(plan.duration_s, 1.0)
    fig_h = min(2.0 + 0.42 * total_rows + 0.3 * len(layers), 40.0)
    fig, ax = plt.subplots(figsize=(max(8.0, min(24.0, 4.0 + end * 0.5)), fig_h))
    y = 0.0
    yticks, ylabels = [], []
    for l in reversed(layers):
        events, rows = placed[l]
        colour = _LAYER_COLOURS.get(l, "#888888")
        for e, row in events:
            yy = y + (rows - 1 - row)
            cancelled = e.state == EventState.CANCELLED
            ax.barh(yy + 0.5, e.duration_s, left=e.start_s, height=0.8,
                    color="none" if cancelled else colour, alpha=0.85 if not cancelled else 1.0,
                    edgecolor=colour if cancelled else "black", linewidth=0.6,
                    hatch="//" if cancelled else None)
            label = e.caption if len(e.caption) <= 48 else e.caption[:46] + "…"
            ax.text(e.start_s + 0.05, yy + 0.5, f"{label}  [{e.sound_class}]", va="center", ha="left",
                    fontsize=7, clip_on=True, color="black")
        yticks.append(y + rows / 2.0)
        ylabels.append(l.value)
        y += rows
        ax.axhline(y, color="#cccccc", linewidth=0.6)
    ax.set_yticks(yticks)
    ax.set_yticklabels(ylabels)
    ax.set_ylim(0, max(y, 1.0))
    ax.set_xlim(0, end * 1.02)
    ax.set_xlabel("time (s)")
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    ax.set_title(title or f"plan r{plan.revision}: {len(plan.events)} events, scene {plan.scene}, "
                          f"emotion {plan.emotion}", fontsize=10)
    ax.legend(handles=[Patch(color=_LAYER_COLOURS[l], label=l.value) for l in layers],
              loc="upper right", fontsize=7, framealpha=0.8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(os.fspath(path))), exist_ok=True)
    fig.savefig(os.fspath(path), dpi=120)
    plt.close(fig)
