"""`soundweaver bench` end to end at small N: well-formed JSON and PNG, capacity line last.
(No timing thresholds: speed is measured by the benchmark, not asserted by tests.)"""
from __future__ import annotations

import json
import subprocess
import sys


def test_bench_runs_end_to_end(tmp_path):
    out_json, out_png = tmp_path / "bench.json", tmp_path / "bench.png"
    run = subprocess.run([sys.executable, "-m", "soundweaver.middleware.cli", "bench", "--sessions", "1,2",
                          "--seconds", "1.5", "--cue-every", "0.5", "--find-capacity", "--capacity-max", "2",
                          "--json", str(out_json), "--plot", str(out_png)],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[-1].startswith("capacity=") and lines[-1].split("=")[1].isdigit()
    assert "cue p50" in run.stdout and "floor" in run.stdout
    doc = json.loads(out_json.read_text())
    assert [r["server"]["sessions"] for r in doc["runs"]] == [1, 2]
    for r in doc["runs"]:
        s, b = r["server"], r["baseline"]
        assert s["cues"] >= 1 and s["cue_latency_ms"]["n"] >= 1 and s["cue_latency_ms"]["p50"] > 0
        assert b["cue_latency_ms"]["n"] >= 1
        assert s["server_peak_rss_mb"] > 0 and s["server_cpu_pct"] > 0
        assert set(r["ratios"]) == {"cue_p50", "cue_p99", "cpu"}
    assert doc["capacity"] == int(lines[-1].split("=")[1])
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out_png.stat().st_size > 10_000
