"""Neural runtimes behind one interface: sample latents for a bucket, decode them to audio.

- ``TorchRuntime`` (``torch``): eager PyTorch, the reference.
- ``CudaGraphRuntime`` (``cuda_graphs``): the same modules; per shape bucket (batch, latent frames)
  one CUDA graph captures a whole sampler step (inpainting blend, guided DiT evaluation, solver
  update, in place) and another the VAE decode. A step replays the graph after one tiny copy of
  that step's coefficients, so the CPU launches two things per step instead of ~900 kernels.
- ``OnnxRuntime`` and ``TensorRTRuntime`` live in their own modules and reuse ``Runtime.sample``
  with their exported denoiser and VAE decoder.

The caller (``NeuralEngine``) serialises calls; runtimes are not re-entrant.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

import torch

from ...models.decoders.stable_audio import (Denoiser, StableAudioComponents, VaeDecoder, denoise_step, finish,
                                             rotary_embedding, sampler_table, sigma_schedule)


@dataclass
class SampleInputs:
    """One batch of one bucket, on the runtime's device. B rows, T latent frames."""

    noise: torch.Tensor  # (B, C, T) float32, unit variance
    prefix: torch.Tensor  # (B, C, T) float32, the previous clip's tail in the first frames, else 0
    mask: torch.Tensor  # (B, 1, T) float32, 1 over the prefix frames
    text: torch.Tensor  # (B, S, D) model dtype
    glob: torch.Tensor  # (B, 1, G) model dtype
    guidance: torch.Tensor  # (B,) float32

    @property
    def batch(self) -> int:
        return int(self.noise.shape[0])

    @property
    def frames(self) -> int:
        return int(self.noise.shape[2])


class Runtime:
    """Eager reference loop; subclasses replace ``denoise`` / ``decode`` or the whole ``sample``."""

    name = "runtime"

    def __init__(self, components: StableAudioComponents, steps: int, guidance_cfg: bool = True,
                 compile: bool = False):
        self.c = components
        self.device = components.device
        self.steps = int(steps)
        self.cfg = bool(guidance_cfg)
        sched = components.scheduler_config
        self.sigmas = sigma_schedule(sched, self.steps)
        self.table = sampler_table(self.sigmas).to(self.device)
        self.denoiser = Denoiser(components.transformer, sched.get("sigma_data", 1.0),
                                 sched.get("prediction_type", "v_prediction"), cfg=self.cfg).eval()
        self.vae_decoder = VaeDecoder(components.vae).eval()
        self._denoise_fn = self.denoiser
        self.compiled = bool(compile)
        if self.compiled:
            # Inductor fuses the DiT's elementwise work (RoPE, norms, casts, guidance) into fewer
            # kernels. dynamic=True: one compilation (tens of seconds for the 1B model) serves every
            # shape bucket; the CUDA graphs then capture the compiled kernels per bucket.
            import torch._dynamo
            torch._dynamo.config.cache_size_limit = max(64, torch._dynamo.config.cache_size_limit)
            self._denoise_fn = torch.compile(self.denoiser, dynamic=True)
        self._rope: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
        self.build_s = 0.0

    def rope(self, frames: int) -> tuple[torch.Tensor, torch.Tensor]:
        if frames not in self._rope:
            self._rope[frames] = rotary_embedding(self.c, frames, self.device)
        return self._rope[frames]

    def denoise(self, x, sigma, text, glob, rope_cos, rope_sin, guidance):
        return self._denoise_fn(x, sigma, text, glob, rope_cos, rope_sin, guidance)

    @torch.no_grad()
    def sample(self, inp: SampleInputs) -> torch.Tensor:
        """Final latents (B, C, T) float32."""
        cos, sin = self.rope(inp.frames)
        x = inp.noise * self.sigmas[0]
        previous = torch.zeros_like(x)
        for i in range(self.steps):
            x, previous = denoise_step(self.denoise, x, previous, self.table[i], inp.noise, inp.prefix, inp.mask,
                                       inp.text, inp.glob, cos, sin, inp.guidance)
        return finish(x, inp.prefix, inp.mask)

    @torch.no_grad()
    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """Audio (B, channels, T * hop) float32."""
        return self.vae_decoder(latents)

    def warmup(self, shapes: list[tuple[int, int]]) -> float:
        """Prepare (batch, frames) shapes ahead of traffic; returns seconds spent."""
        return 0.0

    def info(self) -> dict:
        return {"runtime": self.name, "device": str(self.device), "dtype": str(self.c.dtype).replace("torch.", ""),
                "steps": self.steps, "cfg": self.cfg, "compiled": self.compiled}

    def close(self) -> None:
        self._rope.clear()


class TorchRuntime(Runtime):
    """Eager PyTorch: the reference every other runtime is compared with."""

    name = "torch"


class _BucketGraph:
    """Static buffers and the captured step + decode graphs of one (batch, frames) bucket."""

    def __init__(self, rt: "CudaGraphRuntime", batch: int, frames: int):
        c, dev = rt.c, rt.device
        ch = c.latent_channels
        s, d = rt.text_shape
        self.batch, self.frames = batch, frames
        z = lambda *shape, dtype=torch.float32: torch.zeros(*shape, device=dev, dtype=dtype)  # noqa: E731
        self.x, self.previous = z(batch, ch, frames), z(batch, ch, frames)
        self.noise, self.prefix, self.mask = z(batch, ch, frames), z(batch, ch, frames), z(batch, 1, frames)
        self.text, self.glob = z(batch, s, d, dtype=c.dtype), z(batch, 1, rt.glob_dim, dtype=c.dtype)
        self.guidance = z(batch)
        self.coef = rt.table[0].clone()
        self.cos, self.sin = rt.rope(frames)
        self.latents = z(batch, ch, frames)  # decode input
        t0 = time.perf_counter()
        self.step_graph, _ = rt.capture(lambda: self._step(rt))
        self.decode_graph, self.audio = rt.capture(lambda: rt.vae_decoder(self.latents))
        self.capture_s = time.perf_counter() - t0

    def _step(self, rt: "CudaGraphRuntime") -> None:
        """x <- step(x) in place: what the step graph replays."""
        xn, den = denoise_step(rt.denoise, self.x, self.previous, self.coef, self.noise, self.prefix, self.mask,
                               self.text, self.glob, self.cos, self.sin, self.guidance)
        self.x.copy_(xn)
        self.previous.copy_(den)


class CudaGraphRuntime(Runtime):
    """CUDA graphs per shape bucket: one sampler step and one VAE decode, captured then replayed."""

    name = "cuda_graphs"

    def __init__(self, components: StableAudioComponents, steps: int, guidance_cfg: bool = True,
                 max_batch: int = 16, compile: bool = False, max_graphs: int = 48):
        super().__init__(components, steps, guidance_cfg, compile)
        if self.device.type != "cuda":
            raise ValueError("the cuda_graphs runtime needs a CUDA device")
        self.max_batch = int(max_batch)
        self.text_shape = (int(components.tokenizer.model_max_length) + 2,
                           int(components.transformer.config.cross_attention_input_dim))
        self.glob_dim = int(components.transformer.config.global_states_input_dim)
        # Each bucket's graphs hold their activations in a private memory pool: keep the most recently
        # used ``max_graphs`` buckets, so a server seeing every length x batch size stays bounded.
        self.max_graphs = max(1, int(max_graphs))
        self._graphs: OrderedDict[tuple[int, int], _BucketGraph] = OrderedDict()
        self.captures = 0
        self.evictions = 0

    def capture(self, fn):
        """Warm ``fn`` up on a side stream, then capture it (PyTorch's recipe); returns (graph, output)."""
        side = torch.cuda.Stream(self.device)
        side.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(side):
            for _ in range(2):
                fn()
        torch.cuda.current_stream(self.device).wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        # thread_local: other threads of the server may touch CUDA while this one captures
        with torch.cuda.graph(graph, capture_error_mode="thread_local"):
            out = fn()
        self.captures += 1
        return graph, out

    def bucket(self, batch: int, frames: int) -> _BucketGraph:
        key = (batch, frames)
        g = self._graphs.get(key)
        if g is None:
            while len(self._graphs) >= self.max_graphs:
                self._graphs.popitem(last=False)
                self.evictions += 1
            t0 = time.perf_counter()
            with torch.no_grad():
                g = self._graphs[key] = _BucketGraph(self, batch, frames)
            self.build_s += time.perf_counter() - t0
        else:
            self._graphs.move_to_end(key)
        return g

    @torch.no_grad()
    def sample(self, inp: SampleInputs) -> torch.Tensor:
        from .buckets import batch_bucket
        b = inp.batch
        g = self.bucket(batch_bucket(b, self.max_batch), inp.frames)
        for name in ("noise", "prefix", "mask", "text", "glob", "guidance"):
            dst = getattr(g, name)
            dst[:b].copy_(getattr(inp, name))
            if b < g.batch:
                dst[b:].zero_()
        g.x.copy_(g.noise).mul_(self.sigmas[0])
        g.previous.zero_()
        for i in range(self.steps):
            g.coef.copy_(self.table[i])
            g.step_graph.replay()
        return finish(g.x[:b], g.prefix[:b], g.mask[:b]).clone()

    @torch.no_grad()
    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        from .buckets import batch_bucket
        b, _, frames = latents.shape
        g = self.bucket(batch_bucket(b, self.max_batch), frames)
        g.latents[:b].copy_(latents)
        if b < g.batch:
            g.latents[b:].zero_()
        g.decode_graph.replay()
        return g.audio[:b].clone()

    def warmup(self, shapes: list[tuple[int, int]]) -> float:
        from .buckets import batch_bucket
        t0 = time.perf_counter()
        for batch, frames in shapes:
            self.bucket(batch_bucket(batch, self.max_batch), frames)
        torch.cuda.synchronize(self.device)
        return time.perf_counter() - t0

    def info(self) -> dict:
        return {**super().info(), "graphs": sorted(self._graphs), "capture_s": round(self.build_s, 3),
                "graph_evictions": self.evictions}

    def close(self) -> None:
        self._graphs.clear()
        super().close()
