"""NeuralEngine: a Stable Audio Open model behind the batched Engine interface.

One ``render(requests)`` call may hold events of many sessions. The engine
1. turns each event into conditioning (``models.bridge.neural_conditioning``): the caption's text
   embedding (cached per caption), seconds, the session's style seed, its own noise seed;
2. looks up the session's residual state: the latent tail of the previous clip on the same layer,
   which the new clip continues (fixed-prefix inpainting);
3. groups the requests into shape buckets (latent length rounded up to a bucket; batch rounded up to
   a power of two for compiled runtimes) and runs each bucket batched through the runtime;
4. decodes with the VAE, keeps the new tail, resamples once to the session rate and sets the level
   (engines/base.py conventions).
Requests of one session and layer inside a single call render in order (in waves), so each still
continues the one before it.

torch is imported lazily: importing this module costs nothing without the neural extra.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Sequence


from ...models.bridge import NeuralConditioning, neural_conditioning
from ...models.decoders.folder import ModelFolderError, inspect_model_folder
from ..base import Clip, Engine, EngineInfo, RenderRequest
from .buckets import batch_bucket, content_frames, latent_bucket, latent_buckets
from .post import finish_clip

log = logging.getLogger(__name__)

RUNTIMES = ("torch", "cuda_graphs", "onnx", "tensorrt")
DEFAULT_STEPS = 50
DEFAULT_GUIDANCE = 7.0


def _has(module: str) -> bool:
    import importlib.util
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _cuda_available() -> bool:
    if not _has("torch"):
        return False
    import torch
    return bool(torch.cuda.is_available())


def available_runtimes() -> list[str]:
    """Runtimes usable here, fastest first (empty without torch and diffusers)."""
    if not (_has("torch") and _has("diffusers") and _has("transformers")):
        return []
    cuda = _cuda_available()
    out = []
    if cuda and _has("tensorrt") and _has("onnx"):
        out.append("tensorrt")
    if cuda:
        out.append("cuda_graphs")
    if _has("onnxruntime") and _has("onnx"):
        out.append("onnx")
    out.append("torch")
    return out


def missing_requirements() -> list[str]:
    return [m for m in ("torch", "diffusers", "transformers", "tokenizers") if not _has(m)]


@dataclass
class _Item:
    """One request inside a render call: its conditioning and its place in the latent window."""

    index: int
    request: RenderRequest
    cond: NeuralConditioning
    content: int  # latent frames of new audio
    prefix: object = None  # torch tensor (C, P) of the previous clip's tail, or None
    bucket: int = 0

    @property
    def prefix_frames(self) -> int:
        return 0 if self.prefix is None else int(self.prefix.shape[1])


class NeuralEngine(Engine):
    """Stable Audio Open (diffusers layout) latent DiT + VAE, batched across sessions."""

    name = "neural"

    def __init__(self, components, runtime: str = "auto", steps: int = DEFAULT_STEPS,
                 guidance: float = DEFAULT_GUIDANCE, max_batch: int = 16, cache_dir=None,
                 prefix_s: float = 0.5, style_weight: float = 0.3, max_sessions: int = 1024,
                 caption_cache: int = 1024, model_key: str | None = None, threads: int | None = None,
                 compile: bool = False):
        import torch

        from ...models.decoders.stable_audio import CaptionEncoder
        from .cache import ShapeProfile
        self.c = components
        self.device = components.device
        self.steps = int(steps)
        self.guidance = float(guidance)
        self.max_batch = max(1, int(max_batch))
        self.prefix_s = float(prefix_s)
        self.style_weight = min(1.0, max(0.0, float(style_weight)))
        self.max_sessions = max(1, int(max_sessions))
        self.buckets = latent_buckets(components.max_latent_frames)
        self.captions = CaptionEncoder(components, caption_cache)
        self._lock = threading.RLock()
        self._tails: OrderedDict[str, dict[str, torch.Tensor]] = OrderedDict()
        self.stats = {"renders": 0, "clips": 0, "batches": 0, "continued": 0, "render_s": 0.0}
        self.profile = ShapeProfile(max_batch=self.max_batch, min_frames=self.buckets[0],
                                    opt_frames=latent_bucket(int(round(2.0 * self.latent_rate)), self.buckets),
                                    max_frames=self.buckets[-1], text_tokens=self.captions.max_length + 2,
                                    cfg=self.guidance > 1.0)
        self._cache_dir = cache_dir
        self._model_key = model_key
        self._cache = None
        self.runtime_name = self._resolve_runtime(runtime)
        if compile and self.runtime_name not in ("torch", "cuda_graphs"):
            raise ValueError(f"compile applies to the torch and cuda_graphs runtimes, not {self.runtime_name!r}")
        self.compile = bool(compile)
        self.runtime = self._make_runtime(self.runtime_name, threads)

    # --- construction -----------------------------------------------------------------------------

    @classmethod
    def from_pretrained(cls, path, runtime: str = "auto", device: str = "auto", cache_dir=None,
                        steps: int = DEFAULT_STEPS, dtype: str = "auto", **kwargs) -> "NeuralEngine":
        """Load a local diffusers-format Stable Audio Open folder. Raises ``ModelFolderError`` (a
        ValueError naming each missing or malformed part) for a bad folder, ``ValueError`` for a runtime
        or device that is not available here, ``ImportError`` without the neural extra."""
        folder = inspect_model_folder(path)  # before importing torch: a bad folder fails fast
        missing = missing_requirements()
        if missing:
            raise ImportError(f"the neural engine needs {', '.join(missing)} (pip install 'soundweaver[neural]')")

        from ...models.decoders.stable_audio import load_components
        _quiet_libraries()
        dev = _resolve_device(device)
        torch_dtype = _resolve_dtype(dtype, dev)
        components = load_components(folder, dev, torch_dtype)
        return cls(components, runtime=runtime, steps=steps, cache_dir=cache_dir, **kwargs)

    @classmethod
    def from_components(cls, components, **kwargs) -> "NeuralEngine":
        """An engine over parts built in memory (``models.decoders.random_model``), e.g. benchmarks."""
        return cls(components, **kwargs)

    def _resolve_runtime(self, runtime: str) -> str:
        runtime = (runtime or "auto").lower().replace("-", "_")
        runtime = {"eager": "torch", "graphs": "cuda_graphs", "cudagraphs": "cuda_graphs", "trt": "tensorrt",
                   "onnxruntime": "onnx", "ort": "onnx"}.get(runtime, runtime)
        avail = available_runtimes()
        cuda = self.device.type == "cuda"
        if runtime == "auto":
            if cuda and "tensorrt" in avail:
                return "tensorrt"
            if cuda:
                return "cuda_graphs"
            # on a CPU, ONNX Runtime when its exports are already in the cache (build-engines), else eager
            from .onnx_runtime import DENOISER_FILE, VAE_FILE
            out = self.cache.onnx_dir(self.profile)
            if "onnx" in avail and (out / DENOISER_FILE).is_file() and (out / VAE_FILE).is_file():
                return "onnx"
            return "torch"
        if runtime not in RUNTIMES:
            raise ValueError(f"unknown runtime {runtime!r} (choose from auto, {', '.join(RUNTIMES)})")
        if runtime in ("cuda_graphs", "tensorrt") and not cuda:
            raise ValueError(f"runtime {runtime!r} needs a CUDA device; this engine runs on {self.device}")
        if runtime not in avail:
            need = {"tensorrt": "the tensorrt and onnx packages", "onnx": "the onnx and onnxruntime packages"}
            raise ValueError(f"runtime {runtime!r} is not available here: it needs {need.get(runtime, 'CUDA')} "
                             f"(available: {', '.join(avail) or 'none'})")
        return runtime

    def _make_runtime(self, name: str, threads: int | None):
        from . import runtimes
        cfg = self.guidance > 1.0
        if name == "torch":
            return runtimes.TorchRuntime(self.c, self.steps, cfg, compile=self.compile)
        if name == "cuda_graphs":
            return runtimes.CudaGraphRuntime(self.c, self.steps, cfg, max_batch=self.max_batch, compile=self.compile)
        if name == "onnx":
            from .onnx_runtime import OnnxRuntime
            return OnnxRuntime(self.c, self.steps, cfg, self.cache, self.profile, threads=threads)
        if name == "tensorrt":
            from .tensorrt_runtime import TensorRTRuntime
            return TensorRTRuntime(self.c, self.steps, cfg, self.cache, self.profile)
        raise ValueError(name)

    # --- properties ---------------------------------------------------------------------------------

    @property
    def cache(self):
        """The compiled-engine cache for this model (hashing the weights the first time it is needed:
        only the onnx and tensorrt runtimes, and ``auto`` on a CPU, need it)."""
        if self._cache is None:
            from .cache import EngineCache, memory_model_key
            key = self._model_key
            if key is None:
                if self.c.folder is not None:
                    from ...models.decoders.folder import model_hash
                    key = model_hash(self.c.folder, EngineCache(self._cache_dir, "").root / "hashes.json")
                else:
                    key = memory_model_key(self.c)
            self._cache = EngineCache(self._cache_dir, key)
        return self._cache

    @property
    def latent_rate(self) -> float:
        return self.c.sample_rate / self.c.hop_length

    @property
    def max_clip_s(self) -> float:
        """Longest clip one window renders; longer events loop with a crossfade."""
        return self.buckets[-1] / self.latent_rate

    def info(self) -> EngineInfo:
        where = self.c.folder.path if self.c.folder is not None else "an in-memory model"
        desc = (f"Stable Audio Open latent DiT + Oobleck VAE from {where}; runtime {self.runtime_name} on "
                f"{self.device}, {self.steps} steps, batches up to {self.max_batch}")
        return EngineInfo(self.name, True, desc, tuple(available_runtimes()))

    def details(self) -> dict:
        """Runtime, buckets, caches and counters (for GetServerInfo, logs and benchmarks)."""
        with self._lock:
            return {**self.runtime.info(), "buckets": list(self.buckets), "max_batch": self.max_batch,
                    "sessions": len(self._tails), "caption_cache": {"hits": self.captions.hits,
                                                                    "misses": self.captions.misses},
                    "model_key": self._cache.model_key if self._cache else None,
                    "sample_rate": self.c.sample_rate, **self.stats}

    # --- residual state -------------------------------------------------------------------------------

    def session_tail(self, session_id: str, key: str):
        with self._lock:
            return (self._tails.get(session_id) or {}).get(key)

    def forget_session(self, session_id: str) -> None:
        with self._lock:
            self._tails.pop(session_id, None)

    def _store_tail(self, session_id: str, key: str, tail) -> None:
        entry = self._tails.get(session_id)
        if entry is None:
            entry = self._tails[session_id] = {}
        entry[key] = tail
        self._tails.move_to_end(session_id)
        while len(self._tails) > self.max_sessions:
            self._tails.popitem(last=False)

    # --- rendering -----------------------------------------------------------------------------------

    def warmup(self, durations_s: Sequence[float] = (1.0, 2.0, 4.0), batches: Sequence[int] = (1,)) -> float:
        """Prepare compiled shapes (CUDA graphs) for typical clip lengths ahead of traffic; seconds spent."""
        prefix = max(1, int(round(self.prefix_s * self.latent_rate)))
        shapes = sorted({(b, latent_bucket(content_frames(d, self.c.sample_rate, self.c.hop_length) + prefix,
                                           self.buckets)) for d in durations_s for b in batches})
        with self._lock:
            return self.runtime.warmup(shapes)

    def render(self, requests: Sequence[RenderRequest]) -> list[Clip]:
        if not requests:
            return []
        import torch
        with self._lock, torch.no_grad():
            t0 = time.perf_counter()
            items = [_Item(i, r, neural_conditioning(r.event, r.context), 0) for i, r in enumerate(requests)]
            clips: list[Clip | None] = [None] * len(items)
            for wave in self._waves(items):
                self._render_wave(wave, clips)
            self.stats["renders"] += 1
            self.stats["clips"] += len(items)
            self.stats["render_s"] += time.perf_counter() - t0
            return clips  # type: ignore[return-value]

    @staticmethod
    def _waves(items: list[_Item]) -> list[list[_Item]]:
        """Split so that each (session, layer) appears at most once per wave, in request order."""
        seen: dict[tuple[str, str], int] = {}
        waves: list[list[_Item]] = []
        for it in items:
            key = (it.cond.session_id, it.cond.continuation_key)
            w = seen.get(key, -1) + 1 if it.cond.session_id else 0
            if it.cond.session_id:
                seen[key] = w
            while len(waves) <= w:
                waves.append([])
            waves[w].append(it)
        return waves

    def _render_wave(self, wave: list[_Item], clips: list) -> None:
        max_frames = self.buckets[-1]
        want_prefix = max(1, int(round(self.prefix_s * self.latent_rate)))
        for it in wave:
            it.content = min(content_frames(it.cond.duration_s, self.c.sample_rate, self.c.hop_length), max_frames)
            tail = self.session_tail(it.cond.session_id, it.cond.continuation_key) if it.cond.session_id else None
            if tail is not None and self.prefix_s > 0:
                p = min(int(tail.shape[1]), want_prefix, max_frames - 1)
                if p > 0:
                    it.content = min(it.content, max_frames - p)
                    it.prefix = tail[:, tail.shape[1] - p:]
            it.bucket = latent_bucket(it.content + it.prefix_frames, self.buckets)
        groups: dict[int, list[_Item]] = {}
        for it in wave:
            groups.setdefault(it.bucket, []).append(it)
        for frames, group in sorted(groups.items()):
            for start in range(0, len(group), self.max_batch):
                self._render_batch(group[start:start + self.max_batch], frames, clips)

    def _noise(self, cond: NeuralConditioning, frames: int):
        """Unit-variance noise (C, frames): the event's own, mixed with the session's style noise.
        Drawn time-major, so the first frames are the same whatever the bucket length."""
        import torch
        ch = self.c.latent_channels
        g = torch.Generator().manual_seed(cond.noise_seed)
        noise = torch.randn(frames, ch, generator=g).T
        if self.style_weight > 0:
            gs = torch.Generator().manual_seed(cond.style_seed)
            style = torch.randn(frames, ch, generator=gs).T
            noise = math.sqrt(1 - self.style_weight) * noise + math.sqrt(self.style_weight) * style
        return noise

    def _render_batch(self, batch: list[_Item], frames: int, clips: list) -> None:
        import torch

        from .runtimes import SampleInputs
        t0 = time.perf_counter()
        dev, ch, b = self.device, self.c.latent_channels, len(batch)
        noise = torch.stack([self._noise(it.cond, frames) for it in batch]).to(dev)
        prefix = torch.zeros(b, ch, frames, device=dev)
        mask = torch.zeros(b, 1, frames, device=dev)
        for j, it in enumerate(batch):
            if it.prefix is not None:
                p = it.prefix_frames
                prefix[j, :, :p] = it.prefix
                mask[j, :, :p] = 1.0
        window_s = [(it.prefix_frames + it.content) / self.latent_rate for it in batch]
        text, glob = self.captions.conditioning([it.cond.caption for it in batch], [0.0] * b, window_s)
        guidance = torch.full((b,), self.guidance, device=dev)
        latents = self.runtime.sample(SampleInputs(noise, prefix, mask, text, glob, guidance))
        audio = self.runtime.decode(latents)
        for j, it in enumerate(batch):
            end = it.prefix_frames + it.content
            keep = max(1, int(round(self.prefix_s * self.latent_rate)))
            if it.cond.session_id:
                self._store_tail(it.cond.session_id, it.cond.continuation_key,
                                 latents[j, :, max(0, end - keep):end].clone())
        hop = self.c.hop_length
        audio_np = audio.float().cpu().numpy()
        render_s = time.perf_counter() - t0
        self.stats["batches"] += 1
        for j, it in enumerate(batch):
            start = it.prefix_frames * hop
            need = int(math.ceil(it.cond.duration_s * self.c.sample_rate))
            seg = audio_np[j, :, start:start + need].T
            samples, level = finish_clip(seg, self.c.sample_rate, it.request.sample_rate, it.request.frames,
                                         it.cond.intensity, it.cond.distance,
                                         bed=it.cond.continuation_key in ("ambience", "music")
                                         or str(getattr(it.request.event.layer, "value", "")) in ("ambience", "music"))
            if it.prefix is not None:
                self.stats["continued"] += 1
            clips[it.index] = Clip(samples, it.request.sample_rate, self.name, render_s, {
                "runtime": self.runtime_name, "bucket_frames": frames,
                "batch": b, "batch_bucket": batch_bucket(b, self.max_batch), "steps": self.steps,
                "continued": it.prefix is not None, "prefix_frames": it.prefix_frames,
                "latent_frames": it.content, "caption": it.cond.caption, **level})

    def close(self) -> None:
        with self._lock:
            self._tails.clear()
            self.runtime.close()
            if self.device.type == "cuda":
                import torch
                torch.cuda.empty_cache()


def _resolve_device(device: str):
    import torch
    if device in (None, "", "auto"):
        want_cuda = torch.cuda.is_available()
        return torch.device("cuda" if want_cuda else "cpu")
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but torch sees no CUDA device here")
    return dev


def _resolve_dtype(dtype, device):
    import torch
    if dtype in (None, "", "auto"):
        return torch.float16 if device.type == "cuda" else torch.float32
    table = {"float32": torch.float32, "fp32": torch.float32, "float16": torch.float16, "fp16": torch.float16,
             "bfloat16": torch.bfloat16, "bf16": torch.bfloat16}
    if isinstance(dtype, str):
        if dtype not in table:
            raise ValueError(f"unknown dtype {dtype!r} (float32, float16, bfloat16)")
        return table[dtype]
    return dtype


def _quiet_libraries() -> None:
    """diffusers / transformers chatter (progress bars, cast notes) stays out of a server's log."""
    try:
        from diffusers.utils import logging as dlog
        dlog.set_verbosity_error()
        dlog.disable_progress_bar()
    except Exception:  # noqa: BLE001
        pass
    try:
        from transformers.utils import logging as tlog
        tlog.set_verbosity_error()
        tlog.disable_progress_bar()
    except Exception:  # noqa: BLE001
        pass
    import warnings
    warnings.filterwarnings("ignore", message=".*weight_norm.*")


__all__ = ["NeuralEngine", "ModelFolderError", "available_runtimes", "RUNTIMES"]
