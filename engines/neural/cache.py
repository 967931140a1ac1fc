"""The compiled-engine cache on disk: ONNX exports and TensorRT plans, built once and reused.

Layout under the cache root (``--engine-cache``, ``$SOUNDWEAVER_ENGINE_CACHE`` or
``~/.cache/soundweaver/engines``)::

    hashes.json                                     memoised weight-file digests
    <model-hash>/onnx/<profile>/denoiser.onnx       (+ .data for weights over 2 GB), vae_decoder.onnx
    <model-hash>/tensorrt/<gpu>-trt<version>/<profile>/denoiser.plan, vae_decoder.plan
    .../manifest.json                               what was built, when, from what, in how long

A TensorRT plan is only valid for the model, the shape profile, the GPU and the TensorRT version it
was built with: all four are in its path, so a changed one builds anew instead of failing at load.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path


def default_cache_dir() -> Path:
    env = os.environ.get("SOUNDWEAVER_ENGINE_CACHE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "soundweaver" / "engines"


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-").lower() or "x"


@dataclass(frozen=True)
class ShapeProfile:
    """The shapes a compiled engine accepts: batch 1..max_batch, latent frames min..max (opt typical)."""

    max_batch: int
    min_frames: int
    opt_frames: int
    max_frames: int
    text_tokens: int
    cfg: bool
    opt_batch: int = 1

    @property
    def key(self) -> str:
        return (f"b{self.opt_batch}-{self.max_batch}_t{self.min_frames}-{self.opt_frames}-{self.max_frames}"
                f"_s{self.text_tokens}_{'cfg' if self.cfg else 'nocfg'}")


@dataclass
class BuildRecord:
    """One artefact: what it is, where it lives, how long it took (0 and cached=True when reused)."""

    what: str
    path: Path
    seconds: float
    cached: bool
    size_bytes: int = 0

    def line(self) -> str:
        size = f"{self.size_bytes / 1e6:.1f} MB" if self.size_bytes else "?"
        how = "reused from cache" if self.cached else f"built in {self.seconds:.1f} s"
        return f"{self.what}: {self.path} ({size}, {how})"


def artefact_size(path: Path) -> int:
    """Bytes of a file plus its external-data sidecar, if any."""
    total = path.stat().st_size if path.is_file() else 0
    data = path.with_name(path.name + ".data")
    if data.is_file():
        total += data.stat().st_size
    return total


class EngineCache:
    def __init__(self, root: str | os.PathLike | None, model_key: str):
        self.root = Path(root).expanduser() if root else default_cache_dir()
        self.model_key = model_key

    @property
    def model_dir(self) -> Path:
        return self.root / self.model_key

    def onnx_dir(self, profile: ShapeProfile) -> Path:
        return self.model_dir / "onnx" / profile.key

    def tensorrt_dir(self, profile: ShapeProfile, gpu_name: str, trt_version: str) -> Path:
        return self.model_dir / "tensorrt" / f"{slug(gpu_name)}-trt{slug(trt_version)}" / profile.key

    @staticmethod
    def write_manifest(folder: Path, entries: dict) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "manifest.json"
        old = {}
        if path.is_file():
            try:
                old = json.loads(path.read_text())
            except ValueError:
                old = {}
        old.update(entries)
        old["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(old, indent=2, default=str))
        os.replace(tmp, path)


def memory_model_key(components) -> str:
    """A key for a model built in memory (no folder): its configs and a sample of its weights."""
    h = hashlib.blake2b(digest_size=16)
    for m in (components.transformer, components.vae):
        h.update(json.dumps(dict(m.config), sort_keys=True, default=str).encode())
        for i, p in enumerate(m.parameters()):
            if i % 16 == 0:
                h.update(p.detach().flatten()[:64].float().cpu().numpy().tobytes())
    return "mem-" + h.hexdigest()
