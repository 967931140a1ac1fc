#!/usr/bin/env python3
"""GPU check of the neural engine: one prepared run on a lent GPU (or --tiny on a CPU to rehearse).

Builds a randomly initialised model of Stable Audio Open size (1.06B-parameter DiT, Oobleck VAE,
T5-base) in memory on the GPU, then measures, writing JSON after every stage (a run cut short still
reports what it finished):

1. memory ceiling: device-to-device copy bandwidth (bytes read + written / time);
2. one denoising step over 1 s of latents, batch 1, fp16: eager vs CUDA-graph replay, against the
   weight-read floor (DiT bytes / measured bandwidth); with and without classifier-free guidance;
   graph-vs-eager and fp16-vs-fp32 parity;
3. VAE decode of 1 s: eager vs graph, parity;
4. the engine end to end (NeuralEngine, torch vs cuda_graphs runtimes): per-clip latency, time to
   first audio of a new event (uncached caption), clip parity between runtimes;
5. batching across sessions: batch 1..N of continuing 2 s clips from N sessions; real-time
   sessions one GPU sustains;
6. TensorRT where installed (plans built from the ONNX exports; else recorded as absent).

Usage: python scripts/gpu_check.py --out results.json [--tiny] [--steps 50] [--budget-s 400]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RESULTS: dict = {"stages": {}, "errors": {}}
T_START = time.perf_counter()


def elapsed() -> float:
    return time.perf_counter() - T_START


def save(path: Path) -> None:
    RESULTS["elapsed_s"] = round(elapsed(), 2)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(RESULTS, indent=2, default=str))
    os.replace(tmp, path)


def stage(name: str, out: Path, budget: float, need_s: float = 0.0):
    """Decorator-ish runner: skip when the budget is short, record errors, save after."""
    def run(fn):
        if elapsed() + need_s > budget:
            RESULTS["stages"][name] = {"skipped": f"time budget ({elapsed():.0f} s used of {budget:.0f} s)"}
            print(f"[{elapsed():6.1f}s] {name}: skipped (budget)", flush=True)
            save(out)
            return None
        t0 = time.perf_counter()
        print(f"[{elapsed():6.1f}s] {name} ...", flush=True)
        try:
            res = fn()
            RESULTS["stages"][name] = {**(res or {}), "stage_s": round(time.perf_counter() - t0, 2)}
            print(f"[{elapsed():6.1f}s] {name}: {json.dumps(res, default=str)[:600]}", flush=True)
        except Exception as exc:  # noqa: BLE001 - keep going, record
            RESULTS["errors"][name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-2500:]}"
            print(f"[{elapsed():6.1f}s] {name}: FAILED {type(exc).__name__}: {exc}", flush=True)
            res = None
        save(out)
        return res
    return run


def _importable_from_checkout() -> None:
    """Make ``soundweaver.models`` / ``.engines`` importable from a plain checkout (the device machine
    gets the working tree, not an install): the repo keeps them at the top, the install maps them."""
    try:
        import soundweaver.engines.neural  # noqa: F401
        return
    except ImportError:
        pass
    sys.path.insert(0, str(ROOT))
    import soundweaver
    if str(ROOT) not in soundweaver.__path__:
        soundweaver.__path__.append(str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="JSON results file")
    ap.add_argument("--tiny", action="store_true", help="tiny model (rehearsal on a CPU)")
    ap.add_argument("--steps", type=int, default=50, help="denoising steps per clip (engine stages)")
    ap.add_argument("--budget-s", type=float, default=400.0, help="stop starting stages after this")
    ap.add_argument("--max-batch", type=int, default=32)
    ap.add_argument("--clip-s", type=float, default=2.0, help="clip length for the batching sweep")
    ap.add_argument("--stages", default="all",
                    help="comma list of stages to run (env, bandwidth and build_model always run): dit_step_1s, "
                         "vae_decode_1s, engine_end_to_end, batching_sweep, tensorrt, compiled_step, "
                         "compiled_engine; 'all' = every stage except the compiled ones")
    args = ap.parse_args()
    default = {"dit_step_1s", "vae_decode_1s", "engine_end_to_end", "batching_sweep", "tensorrt"}
    wanted = default if args.stages == "all" else set(args.stages.split(","))

    def want(name: str) -> bool:
        return name in wanted
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _importable_from_checkout()

    import numpy as np
    import torch
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    cuda = torch.cuda.is_available()
    dev = torch.device("cuda" if cuda else "cpu")
    dtype = torch.float16 if cuda else torch.float32
    preset = "tiny" if args.tiny else "sao"
    budget = args.budget_s

    def env():
        import diffusers
        import transformers
        info = {"python": platform.python_version(), "torch": torch.__version__, "cuda": torch.version.cuda,
                "diffusers": diffusers.__version__, "transformers": transformers.__version__,
                "device": torch.cuda.get_device_name(0) if cuda else platform.processor() or "cpu",
                "preset": preset, "dtype": str(dtype), "steps": args.steps,
                "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
        if cuda:
            p = torch.cuda.get_device_properties(0)
            info.update(sm=p.multi_processor_count, memory_gib=round(p.total_memory / 2**30, 1),
                        capability=f"{p.major}.{p.minor}")
        try:
            import tensorrt
            info["tensorrt"] = tensorrt.__version__
        except ImportError:
            info["tensorrt"] = None
        try:
            import onnxruntime
            info["onnxruntime"] = onnxruntime.__version__
            info["ort_providers"] = onnxruntime.get_available_providers()
        except ImportError:
            info["onnxruntime"] = None
        return info
    RESULTS["env"] = stage("env", out, budget)(env)

    def timed(fn, reps: int, warmup: int = 2) -> dict:
        """Median and spread of ``fn`` in ms (CUDA events on a GPU, perf_counter on a CPU)."""
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(reps):
            if cuda:
                a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                a.record()
                fn()
                b.record()
                b.synchronize()
                times.append(a.elapsed_time(b))
            else:
                t0 = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t0) * 1e3)
        times.sort()
        return {"median_ms": round(statistics.median(times), 4), "min_ms": round(times[0], 4),
                "p90_ms": round(times[int(0.9 * (len(times) - 1))], 4), "reps": reps}

    def rel(a, b) -> float:
        a, b = a.double(), b.double()
        return float((a - b).norm() / b.norm().clamp_min(1e-30))

    # 1. memory ceiling -------------------------------------------------------------------------------
    def bandwidth():
        n = (1 << 30) if cuda else (1 << 26)
        src = torch.empty(n // 2, dtype=torch.float16, device=dev).normal_()
        dst = torch.empty_like(src)
        t = timed(lambda: dst.copy_(src), reps=10)
        gbs = 2 * src.numel() * 2 / (t["median_ms"] / 1e3) / 1e9
        del src, dst
        return {"copy_bytes": n, **t, "gb_per_s_read_plus_write": round(gbs, 1)}
    bw = stage("bandwidth", out, budget)(bandwidth) or {"gb_per_s_read_plus_write": float("nan")}

    # 2. the model ------------------------------------------------------------------------------------
    from soundweaver.models.decoders import random_model
    from soundweaver.models.decoders.stable_audio import (Denoiser, VaeDecoder, prepare_components,
                                                          rotary_embedding)
    state = {}

    def build():
        t0 = time.perf_counter()
        parts = random_model.build_parts(preset, seed=0, device=dev)
        counts = random_model.parameter_counts(parts)
        comp = prepare_components(*parts, device=dev, dtype=dtype)
        if cuda:
            torch.cuda.synchronize()
        state["c"] = comp
        weight_bytes = sum(p.numel() * p.element_size() for p in comp.transformer.parameters())
        state["weight_bytes"] = weight_bytes
        return {"params": counts, "dit_weight_bytes": weight_bytes, "build_s": round(time.perf_counter() - t0, 2),
                "latent_rate_hz": comp.sample_rate / comp.hop_length, "vae_rate": comp.sample_rate,
                "text_tokens": comp.tokenizer.model_max_length}
    if stage("build_model", out, budget)(build) is None:
        return 1
    c = state["c"]
    frames_1s = int(math.ceil(c.sample_rate / c.hop_length))  # 22 for Stable Audio Open
    s_tokens = c.tokenizer.model_max_length + 2
    d_text = int(c.transformer.config.cross_attention_input_dim)
    g_dim = int(c.transformer.config.global_states_input_dim)

    def step_inputs(b, frames, gen):
        x = torch.randn(b, c.latent_channels, frames, generator=gen).to(dev) * 3.0
        sigma = torch.full((b,), 2.5, device=dev)
        text = (torch.randn(b, s_tokens, d_text, generator=gen) * 0.5).to(dev, dtype)
        glob = (torch.randn(b, 1, g_dim, generator=gen) * 0.5).to(dev, dtype)
        cos, sin = rotary_embedding(c, frames, dev)
        return [x, sigma, text, glob, cos, sin, torch.full((b,), 7.0, device=dev)]

    def graph_of(fn, static_args):
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side), torch.no_grad():
            for _ in range(2):
                fn(*static_args)
        torch.cuda.current_stream().wait_stream(side)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g), torch.no_grad():
            out_ = fn(*static_args)
        return g, out_

    # 3. per-step latency -----------------------------------------------------------------------------
    def per_step():
        res = {"frames": frames_1s, "floor_ms": None}
        gbs = bw.get("gb_per_s_read_plus_write", float("nan"))
        if cuda and gbs == gbs:
            res["floor_ms"] = round(state["weight_bytes"] / (gbs * 1e9) * 1e3, 4)
        gen = torch.Generator().manual_seed(1)
        for cfg in (False, True):
            den = Denoiser(c.transformer, 1.0, "v_prediction", cfg=cfg).eval()
            args_ = step_inputs(1, frames_1s, gen)
            key = "cfg" if cfg else "no_cfg"
            with torch.no_grad():
                eager = timed(lambda: den(*args_), reps=20 if cuda else 3)
                ref = den(*args_).clone()
            res[f"eager_{key}"] = eager
            if cuda:
                g, static_out = graph_of(den, args_)
                graph = timed(g.replay, reps=100)
                g.replay()
                torch.cuda.synchronize()
                res[f"graph_{key}"] = graph
                res[f"graph_vs_eager_rel_err_{key}"] = rel(static_out, ref)
                res[f"speedup_{key}"] = round(eager["median_ms"] / graph["median_ms"], 2)
                if res["floor_ms"]:
                    res[f"graph_over_floor_{key}"] = round(graph["median_ms"] / res["floor_ms"], 2)
                del g
        if cuda:  # precision: the fp16 step against a float32 copy of the same weights
            import copy
            t32 = copy.deepcopy(c.transformer).float()
            den32 = Denoiser(t32, 1.0, "v_prediction", cfg=True).eval()
            den16 = Denoiser(c.transformer, 1.0, "v_prediction", cfg=True).eval()
            a = step_inputs(1, frames_1s, torch.Generator().manual_seed(2))
            a32 = [t.float() if t.dtype == torch.float16 else t for t in a]
            with torch.no_grad():
                res["fp16_vs_fp32_rel_err"] = rel(den16(*a), den32(*a32))
            del t32, den32
            torch.cuda.empty_cache()
        return res
    if want("dit_step_1s"):
        stage("dit_step_1s", out, budget, need_s=30)(per_step)

    # 4. VAE decode -----------------------------------------------------------------------------------
    def vae():
        dec = VaeDecoder(c.vae).eval()
        lat = torch.randn(1, c.latent_channels, frames_1s, generator=torch.Generator().manual_seed(3)).to(dev)
        with torch.no_grad():
            eager = timed(lambda: dec(lat), reps=20 if cuda else 3)
            ref = dec(lat).clone()
        res = {"frames": frames_1s, "audio_samples": int(ref.shape[-1]), "eager": eager}
        if cuda:
            g, static_out = graph_of(dec, [lat])
            res["graph"] = timed(g.replay, reps=50)
            g.replay()
            torch.cuda.synchronize()
            res["graph_vs_eager_rel_err"] = rel(static_out, ref)
            res["speedup"] = round(eager["median_ms"] / res["graph"]["median_ms"], 2)
        return res
    if want("vae_decode_1s"):
        stage("vae_decode_1s", out, budget, need_s=20)(vae)

    # 5. the engine end to end ------------------------------------------------------------------------
    from soundweaver.engines.base import RenderRequest
    from soundweaver.engines.neural import NeuralEngine
    from soundweaver.models.bridge import session_context
    from soundweaver.models.plan import Layer, SoundEvent

    def request(sid: str, caption: str, dur: float, seed: int) -> RenderRequest:
        ev = SoundEvent(id=f"{sid}-{seed}", caption=caption, sound_class="ambience", layer=Layer.FOLEY,
                        start_s=0.0, duration_s=dur, seed=seed)
        return RenderRequest(ev, session_context(hash(sid) & 0xFFFF, session_id=sid), 48000)

    def sync():
        if cuda:
            torch.cuda.synchronize()

    def wall(fn) -> float:
        sync()
        t0 = time.perf_counter()
        r = fn()
        sync()
        return (time.perf_counter() - t0), r

    engines = {}

    def engine_e2e():
        res = {"steps": args.steps, "clip_s": args.clip_s}
        rts = ["torch"] + (["cuda_graphs"] if cuda else [])
        clips = {}
        for rt in rts:
            eng = NeuralEngine.from_components(c, runtime=rt, steps=args.steps, max_batch=args.max_batch,
                                               cache_dir="/tmp/sw-engine-cache")
            engines[rt] = eng
            r = {}
            r["cold_first_render_s"] = round(wall(lambda: eng.render([request("warm", "warm up", args.clip_s, 1)]))[0], 4)
            per_clip = []
            for i in range(3):
                per_clip.append(wall(lambda: eng.render([request(f"p{i}", "warm up", args.clip_s, 2 + i)]))[0])
            r["per_clip_s_median"] = round(statistics.median(per_clip), 4)
            ttfa = []
            for i in range(3):  # new event, new caption (text encoder runs), warmed shapes
                ttfa.append(wall(lambda: eng.render([request(f"n{i}", f"a new sound number {i} {rt}", args.clip_s,
                                                             10 + i)]))[0])
            r["time_to_first_audio_s_median"] = round(statistics.median(ttfa), 4)
            r["time_to_first_audio_s_all"] = [round(t, 4) for t in ttfa]
            # continuation: a second clip in the same session continues the first
            wall(lambda: eng.render([request("cont", "rain on a roof", args.clip_s, 20)]))
            dt, cl = wall(lambda: eng.render([request("cont", "rain on a roof", args.clip_s, 21)]))
            r["continued_clip_s"] = round(dt, 4)
            r["continued"] = bool(cl[0].meta["continued"])
            clips[rt] = eng.render([request("parity", "thunder roaring over the hills", args.clip_s, 99)])[0]
            r["clip_finite"] = bool(np.isfinite(clips[rt].samples).all())
            r["clip_peak"] = float(np.abs(clips[rt].samples).max())
            r["details"] = {k: v for k, v in eng.details().items() if k in ("graphs", "capture_s", "buckets", "dtype")}
            res[rt] = r
        if len(clips) == 2:
            a, b = clips["cuda_graphs"].samples, clips["torch"].samples
            res["clip_rel_err_graphs_vs_torch"] = float(np.linalg.norm(a - b) / max(1e-30, np.linalg.norm(b)))
        return res
    if want("engine_end_to_end"):
        stage("engine_end_to_end", out, budget, need_s=60)(engine_e2e)

    # 6. batching across sessions ---------------------------------------------------------------------
    def sweep():
        rt = "cuda_graphs" if cuda else "torch"
        eng = engines.get(rt)
        res = {"runtime": rt, "steps": args.steps, "clip_s": args.clip_s,
               "assumption": "every session needs one continuous stream of clip_s clips; a batch must finish "
                             "within clip_s", "batches": {}}
        sizes = [b for b in (1, 2, 4, 8, 16, 32, 64) if b <= args.max_batch]
        if not cuda:
            sizes = [1, 2]
        best = 0.0
        for b in sizes:
            if elapsed() > budget - 15:
                res["stopped_at_batch"] = b
                break
            reqs = lambda k: [request(f"s{b}-{j}", f"sweep caption {j % 7}", args.clip_s, 1000 * k + j)  # noqa: E731
                              for j in range(b)]
            eng.render(reqs(0))  # first clip of each session; also captures the bucket
            eng.render(reqs(1))  # continuing clips: the steady state (prefix + new frames)
            times = [wall(lambda: eng.render(reqs(2 + k)))[0] for k in range(2)]
            t = statistics.median(times)
            sessions = b * args.clip_s / t if t <= args.clip_s else 0.0
            best = max(best, sessions)
            res["batches"][b] = {"render_s": round(t, 4), "audio_s_per_wall_s": round(b * args.clip_s / t, 2),
                                 "realtime_sessions_at_this_batch": round(sessions, 1)}
        res["sessions_sustained"] = round(best, 1)
        return res
    if want("batching_sweep"):
        stage("batching_sweep", out, budget, need_s=20)(sweep)

    # 7. TensorRT -------------------------------------------------------------------------------------
    def trt():
        if not RESULTS.get("env", {}).get("tensorrt"):
            return {"status": "tensorrt not installed on this machine: the TensorRT path is not measured here"}
        eng = NeuralEngine.from_components(c, runtime="tensorrt", steps=args.steps, max_batch=8,
                                           cache_dir="/tmp/sw-engine-cache")
        r = {"build": [r.line() for r in eng.runtime.records]}
        r["per_clip_s"] = round(wall(lambda: eng.render([request("trt", "warm up", args.clip_s, 2)]))[0], 4)
        return r
    if want("tensorrt"):
        stage("tensorrt", out, budget, need_s=60)(trt)

    # 8. experiment: torch.compile (Inductor fusion) under the CUDA graph ---------------------------
    def compiled_step():
        if not cuda:
            return {"status": "needs CUDA"}
        den = Denoiser(c.transformer, 1.0, "v_prediction", cfg=True).eval()
        den_c = torch.compile(den)
        args_ = step_inputs(1, frames_1s, torch.Generator().manual_seed(4))
        with torch.no_grad():
            t0 = time.perf_counter()
            den_c(*args_)
            torch.cuda.synchronize()
            compile_s = time.perf_counter() - t0
            ref = den(*args_).clone()
            eager_c = timed(lambda: den_c(*args_), reps=20)
        g, static_out = graph_of(den_c, args_)
        graph = timed(g.replay, reps=100)
        g.replay()
        torch.cuda.synchronize()
        res = {"frames": frames_1s, "compile_s": round(compile_s, 1), "compiled_eager_cfg": eager_c,
               "compiled_graph_cfg": graph, "compiled_graph_vs_eager_rel_err": rel(static_out, ref)}
        floor = (RESULTS["stages"].get("dit_step_1s") or {}).get("floor_ms")
        base = ((RESULTS["stages"].get("dit_step_1s") or {}).get("graph_cfg") or {}).get("median_ms")
        if floor:
            res["compiled_graph_over_floor"] = round(graph["median_ms"] / floor, 2)
        if base:
            res["speedup_over_plain_graph"] = round(base / graph["median_ms"], 2)
        return res
    if want("compiled_step"):
        stage("compiled_step", out, budget, need_s=120)(compiled_step)

    def compiled_engine():
        if not cuda:
            return {"status": "needs CUDA"}
        eng = NeuralEngine.from_components(c, runtime="cuda_graphs", compile=True, steps=args.steps,
                                           max_batch=args.max_batch, cache_dir="/tmp/sw-engine-cache")
        r = {"steps": args.steps, "clip_s": args.clip_s}
        r["cold_first_render_s"] = round(wall(lambda: eng.render([request("cw", "warm up", args.clip_s, 1)]))[0], 2)
        r["per_clip_s_median"] = round(statistics.median(
            [wall(lambda: eng.render([request(f"cp{i}", "warm up", args.clip_s, 2 + i)]))[0] for i in range(3)]), 4)
        r["time_to_first_audio_s_median"] = round(statistics.median(
            [wall(lambda: eng.render([request(f"cn{i}", f"another new sound {i}", args.clip_s, 10 + i)]))[0]
             for i in range(3)]), 4)
        ref = engines.get("cuda_graphs") or NeuralEngine.from_components(
            c, runtime="cuda_graphs", steps=args.steps, max_batch=args.max_batch, cache_dir="/tmp/sw-engine-cache")
        if ref is not None:
            a = eng.render([request("cparity", "thunder roaring over the hills", args.clip_s, 99)])[0].samples
            b = ref.render([request("cparity", "thunder roaring over the hills", args.clip_s, 99)])[0].samples
            r["clip_rel_err_vs_plain_graphs"] = float(np.linalg.norm(a - b) / max(1e-30, np.linalg.norm(b)))
        for b in (16,):
            if elapsed() > budget - 60:
                r["stopped_before_batch"] = b
                break
            reqs = lambda k: [request(f"cs{b}-{j}", f"sweep caption {j % 7}", args.clip_s, 1000 * k + j)  # noqa: E731
                              for j in range(b)]
            t0 = time.perf_counter()
            eng.render(reqs(0))
            eng.render(reqs(1))
            r[f"batch{b}_first_two_renders_s"] = round(time.perf_counter() - t0, 2)
            t = statistics.median([wall(lambda: eng.render(reqs(2 + k)))[0] for k in range(2)])
            r[f"batch{b}_render_s"] = round(t, 4)
            r[f"batch{b}_realtime_sessions"] = round(b * args.clip_s / t, 1) if t <= args.clip_s else 0.0
        return r
    if want("compiled_engine"):
        stage("compiled_engine", out, budget, need_s=150)(compiled_engine)

    print("\nsummary", flush=True)
    s = RESULTS["stages"]
    for k in ("dit_step_1s", "vae_decode_1s"):
        print(k, json.dumps({kk: vv for kk, vv in (s.get(k) or {}).items()
                             if not isinstance(vv, dict) or "median_ms" in vv}, default=str)[:800])
    for k in ("engine_end_to_end", "batching_sweep", "compiled_step", "compiled_engine"):
        print(k, json.dumps(s.get(k), default=str)[:1200])
    print("errors:", list(RESULTS["errors"]) or "none")
    save(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
