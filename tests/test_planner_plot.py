"""``plot_plan``: the plan as a timeline image (one lane per layer, events labelled)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from soundweaver.models.plan import Cue, EventState, GameState
from soundweaver.models.planner import RulePlanner, make_timeline, plan_narrative

pytest.importorskip("matplotlib", reason="plots need the plot extra (matplotlib)")


def test_plot_plan_writes_a_png(tmp_path):
    from soundweaver.middleware.plots import plot_plan
    p = plan_narrative("Mystery chase: footsteps splashing in water, thunder roaring, car skidding, "
                       "and a door slamming shut. The total duration is 20 seconds.",
                       planner=RulePlanner(use_embeddings=False))
    out = tmp_path / "sub" / "timeline.png"
    plot_plan(p, out)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_plot_handles_empty_cancelled_and_svg(tmp_path):
    from soundweaver.middleware.plots import plot_plan
    plot_plan(plan_narrative("", planner=RulePlanner(use_embeddings=False)), tmp_path / "empty.png")
    tl = make_timeline(RulePlanner(use_embeddings=False), 1, GameState(states={"weather": "storm"}))
    for t in range(0, 21):
        tl.advance(float(t))
    ch = tl.apply_state(GameState(states={"weather": "clear"}), 20.0)
    plan = tl.plan
    plan.events += ch.cancelled
    assert any(e.state == EventState.CANCELLED for e in plan.events)
    tl.apply_cue(Cue("a door slams"), 21.0)
    plot_plan(plan, tmp_path / "live.svg")
    assert (tmp_path / "live.svg").read_text().lstrip().startswith("<?xml")


def test_importing_plots_does_not_import_matplotlib():
    code = "import sys; import soundweaver.middleware.plots; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
