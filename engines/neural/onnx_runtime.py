"""ONNX export of the denoiser step and the VAE decoder, and the ONNX Runtime runtime (``onnx``).

The export is float32 with dynamic batch and latent length (and is what the TensorRT runtime builds
its plans from). Weight norm is already folded into the VAE's convolutions when the model loads
(``stable_audio.prepare_components``); the exporter sees plain Conv1d / ConvTranspose1d.
Weights always go to one external-data file next to the graph (``<name>.onnx.data``), which keeps
models over protobuf's 2 GB limit working the same way as small ones.
"""
from __future__ import annotations

import copy
import logging
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from ...models.decoders.stable_audio import Denoiser, StableAudioComponents, VaeDecoder, rotary_embedding
from .cache import BuildRecord, EngineCache, ShapeProfile, artefact_size
from .runtimes import Runtime

log = logging.getLogger(__name__)

OPSET = 17
DENOISER_INPUTS = ("x", "sigma", "text", "glob", "rope_cos", "rope_sin", "guidance")
DENOISER_FILE = "denoiser.onnx"
VAE_FILE = "vae_decoder.onnx"


def _save_with_external_data(src: Path, dst: Path) -> None:
    import onnx
    model = onnx.load(str(src), load_external_data=True)
    tmp = dst.with_name(dst.name + f".{os.getpid()}.tmp")
    onnx.save_model(model, str(tmp), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=dst.name + ".data", size_threshold=1024)
    # the .data file was written under its final name next to tmp; the graph is renamed last
    os.replace(tmp, dst)


def export_onnx(components: StableAudioComponents, profile: ShapeProfile, out_dir: Path,
                sigma_data: float = 1.0, prediction_type: str = "v_prediction",
                dtype: torch.dtype = torch.float32) -> list[BuildRecord]:
    """Export (or reuse) ``denoiser.onnx`` and ``vae_decoder.onnx`` under ``out_dir``.

    float32 (the default) traces float32 copies on the CPU: what ONNX Runtime runs and TensorRT 10
    builds with its FP16 flag. float16 keeps the serving mixed precision (DiT and VAE in float16,
    preconditioning and sampler in float32) for strongly typed TensorRT builds; it traces on the
    model's CUDA device when there is one.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    den_path, vae_path = out_dir / DENOISER_FILE, out_dir / VAE_FILE
    records = []
    need_den, need_vae = not den_path.is_file(), not vae_path.is_file()
    dev = components.device if (dtype != torch.float32 and components.device.type == "cuda") else torch.device("cpu")
    precision = str(dtype).replace("torch.", "")
    transformer = vae = None
    if need_den:
        transformer = _export_copy(components, "transformer", dev, dtype)
    if need_vae:
        vae = _export_copy(components, "vae", dev, dtype)
    with tempfile.TemporaryDirectory(prefix="soundweaver-onnx-") as tmp:
        tmp = Path(tmp)
        if need_den:
            t0 = time.perf_counter()
            den = Denoiser(transformer, sigma_data, prediction_type, cfg=profile.cfg).eval()
            b, t = 2, min(profile.max_frames, max(profile.min_frames, 32))
            ch = int(transformer.config.in_channels)
            s, d = profile.text_tokens, int(transformer.config.cross_attention_input_dim)
            g = int(transformer.config.global_states_input_dim)
            cos, sin = rotary_embedding(components, t, dev)
            f32 = dict(device=dev, dtype=torch.float32)
            args = (torch.randn(b, ch, t, **f32), torch.full((b,), 2.0, **f32),
                    torch.randn(b, s, d, device=dev, dtype=dtype), torch.randn(b, 1, g, device=dev, dtype=dtype),
                    cos, sin, torch.full((b,), 5.0, **f32))
            dyn = {"x": {0: "batch", 2: "frames"}, "sigma": {0: "batch"}, "text": {0: "batch"},
                   "glob": {0: "batch"}, "rope_cos": {0: "tokens"}, "rope_sin": {0: "tokens"},
                   "guidance": {0: "batch"}, "denoised": {0: "batch", 2: "frames"}}
            _export(den, args, tmp / DENOISER_FILE, list(DENOISER_INPUTS), ["denoised"], dyn)
            _save_with_external_data(tmp / DENOISER_FILE, den_path)
            records.append(BuildRecord(f"onnx denoiser step (DiT + EDM preconditioning + CFG, {precision})", den_path,
                                       time.perf_counter() - t0, False, artefact_size(den_path)))
            del den, transformer
        else:
            records.append(BuildRecord("onnx denoiser step", den_path, 0.0, True, artefact_size(den_path)))
        if need_vae:
            t0 = time.perf_counter()
            dec = VaeDecoder(vae).eval()
            ch = int(vae.config.decoder_input_channels)
            _export(dec, (torch.randn(1, ch, 16, device=dev),), tmp / VAE_FILE, ["latents"], ["audio"],
                    {"latents": {0: "batch", 2: "frames"}, "audio": {0: "batch", 2: "samples"}})
            _save_with_external_data(tmp / VAE_FILE, vae_path)
            records.append(BuildRecord(f"onnx VAE decoder (Oobleck, weight norm removed, {precision})", vae_path,
                                       time.perf_counter() - t0, False, artefact_size(vae_path)))
            del dec, vae
        else:
            records.append(BuildRecord("onnx VAE decoder", vae_path, 0.0, True, artefact_size(vae_path)))
    if any(not r.cached for r in records):
        EngineCache.write_manifest(out_dir, {
            "profile": profile.__dict__, "opset": OPSET, "torch": torch.__version__, "precision": precision,
            "exports": {r.path.name: {"seconds": round(r.seconds, 3), "bytes": r.size_bytes}
                        for r in records if not r.cached}})
    return records


def _export_copy(components: StableAudioComponents, part: str, device, dtype):
    """A copy of the transformer or VAE to trace. A float32 export of a model served in float16
    re-reads the float32 weights from its folder, so the cached export does not depend on the
    precision the server that built it happened to use."""
    module = getattr(components, part)
    if dtype == torch.float32 and components.dtype != torch.float32 and components.folder is not None:
        from diffusers import AutoencoderOobleck, StableAudioDiTModel

        from ...models.decoders.stable_audio import remove_weight_norm
        cls = StableAudioDiTModel if part == "transformer" else AutoencoderOobleck
        fresh = cls.from_pretrained(str(components.folder.component(part)), local_files_only=True).eval()
        fresh.requires_grad_(False)
        remove_weight_norm(fresh)
        return fresh.to(device, dtype)
    return copy.deepcopy(module).to(device, dtype)


def _export(module, args, path: Path, inputs, outputs, dynamic_axes) -> None:
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about python branches on shapes (all static here)
        torch.onnx.export(module, args, str(path), dynamo=False, opset_version=OPSET, input_names=inputs,
                          output_names=outputs, dynamic_axes=dynamic_axes, do_constant_folding=True)


_NP = {"tensor(float)": np.float32, "tensor(float16)": np.float16}
_TORCH = {"tensor(float)": torch.float32, "tensor(float16)": torch.float16}


class _Session:
    """One ONNX Runtime session fed with torch tensors (IO binding on the CUDA provider)."""

    def __init__(self, path: Path, providers: list, threads: int | None):
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        if threads:
            opts.intra_op_num_threads = int(threads)
        self.sess = ort.InferenceSession(str(path), sess_options=opts, providers=providers)
        self.types = {i.name: i.type for i in self.sess.get_inputs()}
        self.output = self.sess.get_outputs()[0].name
        self.cuda = self.sess.get_providers()[0] == "CUDAExecutionProvider"

    def run(self, feeds: dict[str, torch.Tensor], out_shape, device: torch.device) -> torch.Tensor:
        if not self.cuda:
            arrays = {k: v.detach().to("cpu", _TORCH[self.types[k]]).contiguous().numpy() for k, v in feeds.items()}
            return torch.from_numpy(self.sess.run([self.output], arrays)[0]).to(device)
        binding = self.sess.io_binding()
        keep = []
        for k, v in feeds.items():
            v = v.detach().to(device, _TORCH[self.types[k]]).contiguous()
            keep.append(v)
            binding.bind_input(k, "cuda", device.index or 0, _NP[self.types[k]], tuple(v.shape), v.data_ptr())
        out = torch.empty(tuple(out_shape), device=device, dtype=torch.float32)
        binding.bind_output(self.output, "cuda", device.index or 0, np.float32, tuple(out.shape), out.data_ptr())
        torch.cuda.current_stream(device).synchronize()
        self.sess.run_with_iobinding(binding)
        return out


class OnnxRuntime(Runtime):
    """ONNX Runtime on the CPU or the CUDA execution provider; the sampler loop stays in torch."""

    name = "onnx"

    def __init__(self, components: StableAudioComponents, steps: int, guidance_cfg: bool, cache: EngineCache,
                 profile: ShapeProfile, threads: int | None = None):
        super().__init__(components, steps, guidance_cfg)
        import onnxruntime as ort
        t0 = time.perf_counter()
        sched = components.scheduler_config
        self.records = export_onnx(components, profile, cache.onnx_dir(profile), sched.get("sigma_data", 1.0),
                                   sched.get("prediction_type", "v_prediction"))
        providers = ["CPUExecutionProvider"]
        if self.device.type == "cuda" and "CUDAExecutionProvider" in ort.get_available_providers():
            providers = [("CUDAExecutionProvider", {"device_id": self.device.index or 0}), "CPUExecutionProvider"]
        elif self.device.type == "cuda":
            log.warning("onnxruntime has no CUDA provider here: the onnx runtime runs on the CPU")
        out = cache.onnx_dir(profile)
        self.den = _Session(out / DENOISER_FILE, providers, threads)
        self.vae = _Session(out / VAE_FILE, providers, threads)
        self.provider = self.den.sess.get_providers()[0]
        self.build_s = time.perf_counter() - t0

    def denoise(self, x, sigma, text, glob, rope_cos, rope_sin, guidance):
        feeds = dict(zip(DENOISER_INPUTS, (x, sigma, text, glob, rope_cos, rope_sin, guidance)))
        return self.den.run(feeds, x.shape, x.device)

    @torch.no_grad()
    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        b, _, t = latents.shape
        return self.vae.run({"latents": latents}, (b, self.c.audio_channels, t * self.c.hop_length), latents.device)

    def info(self) -> dict:
        return {**super().info(), "provider": self.provider,
                "artefacts": [str(r.path) for r in self.records]}


def remove_exports(cache: EngineCache, profile: ShapeProfile) -> None:
    shutil.rmtree(cache.onnx_dir(profile), ignore_errors=True)
