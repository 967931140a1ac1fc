"""CLI for the neural engine: ``soundweaver build-engines`` (and serve options the server can add).

``register(subparsers)`` adds the subcommand; the CLI calls it for every ``commands_*.py`` module.
Nothing heavy is imported here: torch and diffusers load inside the command, so ``soundweaver
--help`` works on the default install.
"""
from __future__ import annotations

import argparse
import sys
import time


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "build-engines",
        help="build the neural engine's compiled runtimes (ONNX exports, TensorRT plans) ahead of time",
        description="Export the denoiser step and VAE decoder of a Stable Audio Open model folder to ONNX "
                    "and, for --runtime tensorrt, build fp16 TensorRT plans from them. Artefacts go to the "
                    "engine cache (keyed by model hash, shape profile, GPU and TensorRT version), where "
                    "'soundweaver serve --engine neural' finds and reuses them.")
    p.add_argument("--model", required=True, metavar="PATH", help="local diffusers-format model folder")
    p.add_argument("--runtime", required=True, choices=("onnx", "tensorrt"), help="what to build")
    add_neural_options(p, include_model=False, include_runtime=False)
    p.set_defaults(func=build_engines_command)
    return p


def add_neural_options(parser: argparse.ArgumentParser, include_model: bool = True,
                       include_runtime: bool = True) -> None:
    """Options shared by build-engines and ``serve --engine neural`` (the server may add these)."""
    g = parser.add_argument_group("neural engine")
    if include_model:
        g.add_argument("--model", metavar="PATH", help="local diffusers-format Stable Audio Open folder")
    if include_runtime:
        g.add_argument("--runtime", default="auto",
                       choices=("auto", "torch", "cuda_graphs", "onnx", "tensorrt"),
                       help="neural runtime (default: the fastest available)")
    g.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N (default: auto)")
    g.add_argument("--engine-cache", metavar="DIR", default=None,
                   help="compiled-engine cache (default: $SOUNDWEAVER_ENGINE_CACHE or ~/.cache/soundweaver/engines)")
    g.add_argument("--neural-steps", type=int, default=None, metavar="N", help="denoising steps per clip (default 50)")
    g.add_argument("--neural-max-batch", type=int, default=16, metavar="N",
                   help="most clips rendered in one batch (default 16)")
    g.add_argument("--neural-dtype", default="auto", choices=("auto", "float32", "float16", "bfloat16"),
                   help="DiT and VAE precision (auto: float16 on CUDA, float32 on CPU)")
    g.add_argument("--neural-compile", action="store_true",
                   help="torch.compile the denoiser under the CUDA graphs (1.5x faster steps on an H100; "
                        "minutes of compilation at start)")


def engine_options(args: argparse.Namespace) -> dict:
    """Keyword arguments for ``NeuralEngine.from_pretrained`` from parsed options."""
    from ..engines.neural.engine import DEFAULT_STEPS
    return dict(runtime=getattr(args, "runtime", "auto") or "auto", device=args.device,
                cache_dir=args.engine_cache, steps=args.neural_steps or DEFAULT_STEPS,
                max_batch=args.neural_max_batch, dtype=args.neural_dtype,
                compile=bool(getattr(args, "neural_compile", False)))


def build_engines_command(args: argparse.Namespace) -> int:
    from ..engines.neural import ModelFolderError, inspect_model_folder, missing_requirements
    try:
        inspect_model_folder(args.model)
    except ModelFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    missing = missing_requirements()
    if missing:
        print(f"error: build-engines needs {', '.join(missing)} (pip install 'soundweaver[neural]')", file=sys.stderr)
        return 2
    from ..engines.neural import NeuralEngine
    t0 = time.perf_counter()
    try:
        engine = NeuralEngine.from_pretrained(args.model, **engine_options(args))
    except (ValueError, ImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    records = getattr(engine.runtime, "records", [])
    details = engine.details()
    print(f"model:   {args.model}")
    print(f"runtime: {engine.runtime_name} on {details['device']} ({details.get('provider', details['dtype'])})")
    print(f"profile: {engine.profile.key} (batch 1..{engine.profile.max_batch}, latent frames "
          f"{engine.profile.min_frames}..{engine.profile.max_frames}, up to {engine.max_clip_s:.1f} s per clip)")
    print(f"cache:   {engine.cache.model_dir}")
    for r in records:
        print(f"  {r.line()}")
    built = sum(r.seconds for r in records if not r.cached)
    print(f"built {sum(1 for r in records if not r.cached)} of {len(records)} artefacts in {built:.1f} s "
          f"({time.perf_counter() - t0:.1f} s with model load)")
    engine.close()
    return 0
