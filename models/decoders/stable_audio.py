"""Stable Audio Open decoder in torch: load a checked folder, and the two functions every runtime runs.

- ``Denoiser``: one denoising evaluation. EDM preconditioning (the scheduler config's sigma_data and
  prediction type) around the DiT, classifier-free guidance inside (the unconditional half uses zero
  text, as diffusers' StableAudioPipeline does without a negative prompt). This is the module the
  CUDA-graph runtime captures and the ONNX / TensorRT runtimes export.
- ``VaeDecoder``: Oobleck latents -> waveform, weight norm removed (folded into plain convolutions).
- ``sampler_table`` + ``denoise_step``: a deterministic DPM-Solver++(2M) over the scheduler config's
  sigma schedule, with fixed-prefix inpainting (the residual continuation): before each evaluation
  the prefix frames are reset to the known latent at the current noise level. The per-step numbers
  live in a small table so a captured step graph serves every step.

diffusers' CosineDPMSolverMultistepScheduler (the folder's scheduler) samples an SDE through torchsde
with a Brownian tree; here the same sigmas and preconditioning drive an ODE solver instead: it needs
no torchsde, is deterministic per seed on every runtime, and runs inside a CUDA graph.

torch, diffusers and transformers are imported by this module: import it only where they are wanted.
"""
from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import torch
from torch import nn

from .folder import ModelFolder, ModelFolderError, inspect_model_folder

# A decoder needs nothing from the network: make sure nothing in diffusers / transformers tries.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


@dataclass
class StableAudioComponents:
    """The loaded parts of a Stable Audio Open model, on one device."""

    transformer: nn.Module
    vae: nn.Module
    text_encoder: nn.Module
    projection: nn.Module
    tokenizer: object
    scheduler_config: dict
    folder: ModelFolder | None = None  # None for models built in memory (gpu_check)
    dtype: torch.dtype = torch.float32  # transformer and VAE; text encoder and projection stay float32

    @property
    def device(self) -> torch.device:
        return next(self.transformer.parameters()).device

    @property
    def hop_length(self) -> int:
        return int(self.vae.hop_length)

    @property
    def sample_rate(self) -> int:
        return int(self.vae.config.sampling_rate)

    @property
    def latent_channels(self) -> int:
        return int(self.transformer.config.in_channels)

    @property
    def max_latent_frames(self) -> int:
        return int(self.transformer.config.sample_size)

    @property
    def audio_channels(self) -> int:
        return int(self.vae.config.audio_channels)

    @property
    def rotary_dim(self) -> int:
        return int(self.transformer.config.attention_head_dim) // 2


def remove_weight_norm(module: nn.Module) -> int:
    """Fold weight norm (old hook style or parametrizations) into plain weights; returns how many."""
    n = 0
    for m in module.modules():
        params = getattr(m, "parametrizations", None)
        if params is not None and "weight" in params:
            torch.nn.utils.parametrize.remove_parametrizations(m, "weight", leave_parametrized=True)
            n += 1
        elif hasattr(m, "weight_g") and hasattr(m, "weight_v"):
            torch.nn.utils.remove_weight_norm(m)
            n += 1
    return n


def prepare_components(transformer, vae, text_encoder, projection, tokenizer, scheduler_config: dict,
                       device: torch.device | str, dtype: torch.dtype, folder: ModelFolder | None = None
                       ) -> StableAudioComponents:
    """Put freshly built or loaded parts in inference form: eval, no grad, weight norm folded, placed."""
    device = torch.device(device)
    for m in (transformer, vae, text_encoder, projection):
        m.eval()
        m.requires_grad_(False)
    remove_weight_norm(vae)  # in float32, before any cast
    transformer.to(device=device, dtype=dtype)
    vae.to(device=device, dtype=dtype)
    text_encoder.to(device=device, dtype=torch.float32)  # T5 overflows in float16; it runs once per caption
    projection.to(device=device, dtype=torch.float32)
    return StableAudioComponents(transformer, vae, text_encoder, projection, tokenizer, dict(scheduler_config),
                                 folder, dtype)


def load_components(path_or_folder, device: torch.device | str = "cpu",
                    dtype: torch.dtype = torch.float32) -> StableAudioComponents:
    """Load a checked model folder from local disk only; a part that fails to load is named."""
    folder = path_or_folder if isinstance(path_or_folder, ModelFolder) else inspect_model_folder(path_or_folder)
    from diffusers import AutoencoderOobleck, StableAudioDiTModel
    from diffusers.pipelines.stable_audio.modeling_stable_audio import StableAudioProjectionModel
    from transformers import AutoTokenizer, T5EncoderModel

    def load(name, fn):
        try:
            return fn(str(folder.component(name)))
        except Exception as exc:  # noqa: BLE001 - any failure here is a bad folder, said with its part
            raise ModelFolderError(folder.path, [f"{name}: could not be loaded ({type(exc).__name__}: {exc})"]) from exc

    kw = dict(local_files_only=True)
    transformer = load("transformer", lambda p: StableAudioDiTModel.from_pretrained(p, **kw))
    vae = load("vae", lambda p: AutoencoderOobleck.from_pretrained(p, **kw))
    projection = load("projection_model", lambda p: StableAudioProjectionModel.from_pretrained(p, **kw))
    text_encoder = load("text_encoder", lambda p: T5EncoderModel.from_pretrained(p, local_files_only=True))
    tokenizer = load("tokenizer", lambda p: AutoTokenizer.from_pretrained(p, local_files_only=True))
    if not getattr(tokenizer, "model_max_length", None) or tokenizer.model_max_length > 4096:
        raise ModelFolderError(folder.path, ["tokenizer: tokenizer_config.json must set model_max_length "
                                             "(the text sequence the DiT cross-attends to)"])
    return prepare_components(transformer, vae, text_encoder, projection, tokenizer, folder.scheduler,
                              device, dtype, folder)


def rotary_embedding(components: StableAudioComponents, frames: int, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """RoPE cos/sin for ``frames`` latent frames plus the prepended global token (float32)."""
    from diffusers.models.embeddings import get_1d_rotary_pos_embed
    cos, sin = get_1d_rotary_pos_embed(components.rotary_dim, frames + 1, use_real=True,
                                       repeat_interleave_real=False)
    device = device or components.device
    return cos.to(device).contiguous(), sin.to(device).contiguous()


class Denoiser(nn.Module):
    """One denoising evaluation: EDM-preconditioned DiT with classifier-free guidance.

    Inputs: ``x`` (B, C, T) float32 noisy latents at noise level ``sigma`` (B,) float32; ``text`` (B, S, D)
    projected caption + seconds embeddings and ``glob`` (B, 1, G) seconds embeddings, in the model
    dtype; ``rope_cos``/``rope_sin`` (T+1, R) float32; ``guidance`` (B,) float32. Output: the denoised
    latents (B, C, T) float32.
    """

    def __init__(self, transformer: nn.Module, sigma_data: float = 1.0, prediction_type: str = "v_prediction",
                 cfg: bool = True):
        super().__init__()
        self.transformer = transformer
        self.sigma_data = float(sigma_data)
        self.v_prediction = prediction_type == "v_prediction"
        self.cfg = bool(cfg)

    def forward(self, x, sigma, text, glob, rope_cos, rope_sin, guidance):
        sd2 = self.sigma_data ** 2
        s = sigma.to(torch.float32).reshape(-1, 1, 1)
        s2 = s * s + sd2
        c_in = torch.rsqrt(s2)
        c_skip = sd2 / s2
        c_out = s * self.sigma_data * c_in
        if self.v_prediction:
            c_out = -c_out
        t = torch.atan(sigma.to(torch.float32)) * (2.0 / math.pi)
        dtype = text.dtype
        xin = (x * c_in).to(dtype)
        if self.cfg:
            xin = torch.cat([xin, xin])
            t = torch.cat([t, t])
            text = torch.cat([torch.zeros_like(text), text])
            glob = torch.cat([glob, glob])
        out = self.transformer(xin, t, encoder_hidden_states=text, global_hidden_states=glob,
                               rotary_embedding=(rope_cos, rope_sin), return_dict=False)[0].to(torch.float32)
        if self.cfg:
            uncond, cond = out.chunk(2)
            out = uncond + guidance.to(torch.float32).reshape(-1, 1, 1) * (cond - uncond)
        return c_skip * x + c_out * out


class VaeDecoder(nn.Module):
    """Oobleck decoder: latents (B, C, T) float32 -> audio (B, channels, T * hop) float32."""

    def __init__(self, vae: nn.Module):
        super().__init__()
        self.decoder = vae.decoder
        self.dtype = next(vae.parameters()).dtype

    def forward(self, latents):
        return self.decoder(latents.to(self.dtype)).to(torch.float32)


# --- the sampler -------------------------------------------------------------------------------------

def sigma_schedule(config: dict, steps: int) -> list[float]:
    """The scheduler config's noise levels for ``steps`` evaluations, then 0 (as diffusers computes them)."""
    smin, smax = float(config.get("sigma_min", 0.3)), float(config.get("sigma_max", 500.0))
    steps = max(1, int(steps))
    if config.get("sigma_schedule", "exponential") == "karras":
        rho = float(config.get("rho", 7.0))
        ramp = [i / max(1, steps - 1) for i in range(steps)]
        lo, hi = smin ** (1 / rho), smax ** (1 / rho)
        sigmas = [(hi + r * (lo - hi)) ** rho for r in ramp]
    else:
        if steps == 1:
            sigmas = [smax]
        else:
            a, b = math.log(smin), math.log(smax)
            sigmas = [math.exp(b + (a - b) * i / (steps - 1)) for i in range(steps)]
    return sigmas + [0.0]


# columns of the per-step table: sigma, x coefficient, denoised coefficient, c0, c1 (2M correction)
TABLE_COLUMNS = 5


def sampler_table(sigmas: list[float]) -> torch.Tensor:
    """Per-step coefficients of DPM-Solver++(2M) (k-diffusion's sample_dpmpp_2m), float64 -> float32.

    x_next = a * x + b * (c0 * denoised - c1 * previous_denoised), a = sigma_next / sigma, b = 1 - a.
    The first step, and the last (to sigma 0), are first order (c1 = 0).
    """
    rows = []
    for i in range(len(sigmas) - 1):
        s, s_next = sigmas[i], sigmas[i + 1]
        a = s_next / s
        b = 1.0 - a
        c0, c1 = 1.0, 0.0
        if i > 0 and s_next > 0:
            h = math.log(s / s_next)
            h_last = math.log(sigmas[i - 1] / s)
            r = h_last / h
            c0, c1 = 1.0 + 1.0 / (2.0 * r), 1.0 / (2.0 * r)
        rows.append((s, a, b, c0, c1))
    return torch.tensor(rows, dtype=torch.float64).to(torch.float32)


def denoise_step(denoise, x, previous, coef, noise, prefix, mask, text, glob, rope_cos, rope_sin, guidance):
    """One sampler step; returns (x_next, denoised). ``coef`` is one row of ``sampler_table`` (a tensor,
    so a captured graph reads the current step's numbers from memory).

    Fixed-prefix inpainting: where ``mask`` is 1 the latents are reset to ``prefix`` noised to the
    current level with the clip's own noise, so the new frames are denoised in the context of the
    previous clip's tail.
    """
    sigma = coef[0]
    x = torch.where(mask > 0.5, prefix + sigma * noise, x)
    sig = sigma.reshape(1).expand(x.shape[0])
    den = denoise(x, sig, text, glob, rope_cos, rope_sin, guidance)
    d = coef[3] * den - coef[4] * previous
    return coef[1] * x + coef[2] * d, den


def finish(x, prefix, mask):
    """The final latents: the prefix frames are exactly the previous clip's tail."""
    return torch.where(mask > 0.5, prefix, x)


# --- semantic conditioning ---------------------------------------------------------------------------

class CaptionEncoder:
    """Caption -> projected text embeddings through the model's T5 encoder, cached per caption (LRU).

    Also projects the seconds conditioning. Thread-safe; runs in float32 and hands out the model dtype.
    """

    def __init__(self, components: StableAudioComponents, cache_size: int = 1024):
        self.c = components
        self.cache_size = int(cache_size)
        self._cache: OrderedDict[str, torch.Tensor] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def max_length(self) -> int:
        return int(self.c.tokenizer.model_max_length)

    @torch.no_grad()
    def _encode(self, captions: list[str]) -> torch.Tensor:
        tok = self.c.tokenizer(captions, padding="max_length", max_length=self.max_length, truncation=True,
                               return_tensors="pt")
        dev = self.c.text_encoder.device
        ids, mask = tok.input_ids.to(dev), tok.attention_mask.to(dev)
        hidden = self.c.text_encoder(ids, attention_mask=mask)[0]
        proj = self.c.projection(text_hidden_states=hidden).text_hidden_states
        return proj * mask.unsqueeze(-1).to(proj.dtype)

    def text(self, captions: list[str]) -> torch.Tensor:
        """(B, S, D) projected caption embeddings in the model dtype, on the model device."""
        with self._lock:
            missing = list(dict.fromkeys(c for c in captions if c not in self._cache))
            self.hits += len(captions) - sum(1 for c in captions if c in missing)
            self.misses += len(missing)
            if missing:
                emb = self._encode(missing)
                for cap, e in zip(missing, emb):
                    self._cache[cap] = e.to(device=self.c.device, dtype=self.c.dtype)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            out = []
            for cap in captions:
                if cap in self._cache:
                    self._cache.move_to_end(cap)
                    out.append(self._cache[cap])
                else:  # evicted within this call (cache smaller than the batch)
                    out.append(self._encode([cap])[0].to(device=self.c.device, dtype=self.c.dtype))
            return torch.stack(out)

    @torch.no_grad()
    def seconds(self, start_s: list[float], end_s: list[float]) -> tuple[torch.Tensor, torch.Tensor]:
        """Seconds conditioning: (B, 2, D) tokens appended to the text and the (B, 1, 2D) global vector."""
        dev = self.c.text_encoder.device
        out = self.c.projection(start_seconds=torch.tensor(start_s, dtype=torch.float32, device=dev),
                                end_seconds=torch.tensor(end_s, dtype=torch.float32, device=dev))
        a, b = out.seconds_start_hidden_states, out.seconds_end_hidden_states
        tokens = torch.cat([a, b], dim=1).to(device=self.c.device, dtype=self.c.dtype)
        glob = torch.cat([a, b], dim=2).to(device=self.c.device, dtype=self.c.dtype)
        return tokens, glob

    def conditioning(self, captions: list[str], start_s: list[float], end_s: list[float]):
        """(text (B, S+2, D), glob (B, 1, 2D)) as StableAudioPipeline builds them."""
        text = self.text(captions)
        tokens, glob = self.seconds(start_s, end_s)
        return torch.cat([text, tokens], dim=1), glob
