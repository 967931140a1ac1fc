"""The neural engine on a tiny random Stable Audio Open model, on this machine's CPU.

The model is built from configs (a T5 tokenizer trained offline from a Unigram model), saved with
save_pretrained and loaded back by path: nothing is downloaded. Runtimes are compared with asserted
parity numbers; CUDA graphs and TensorRT run where CUDA / tensorrt exist and skip elsewhere.
"""
from __future__ import annotations

import argparse
import threading

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the neural extra is not installed (torch)")
pytest.importorskip("diffusers", reason="the neural extra is not installed (diffusers)")
pytest.importorskip("transformers", reason="the neural extra is not installed (transformers)")

from soundweaver.engines.base import RenderRequest  # noqa: E402
from soundweaver.engines.neural import NeuralEngine, available_runtimes  # noqa: E402
from soundweaver.engines.neural.runtimes import SampleInputs  # noqa: E402
from soundweaver.engines.procedural import dsp  # noqa: E402
from soundweaver.models.bridge import session_context  # noqa: E402
from soundweaver.models.decoders.random_model import save_model  # noqa: E402
from soundweaver.models.plan import Layer, SoundEvent  # noqa: E402

pytestmark = pytest.mark.neural
STEPS = 6
HAS_ORT = "onnx" in available_runtimes()
CUDA = torch.cuda.is_available()


def rel(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def request(session: str, caption: str, duration: float, seed: int = 1, layer: Layer = Layer.FOLEY,
            rate: int = 48000, intensity: float = 1.0, distance: float = 0.0, style: int = 7) -> RenderRequest:
    ev = SoundEvent(id=f"{session}-{seed}", caption=caption, sound_class="impact", layer=layer, start_s=0.0,
                    duration_s=duration, seed=seed, intensity=intensity, distance=distance)
    return RenderRequest(ev, session_context(style, session_id=session), rate)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return save_model(tmp_path_factory.mktemp("tiny-sao") / "model", "tiny", seed=0)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("engine-cache")


def make(model_dir, cache_dir, runtime="torch", **kw):
    return NeuralEngine.from_pretrained(model_dir, runtime=runtime, device="cpu", cache_dir=cache_dir,
                                        steps=kw.pop("steps", STEPS), **kw)


@pytest.fixture(scope="module")
def eager(model_dir, cache_dir):
    return make(model_dir, cache_dir)


def test_tiny_model_loads_by_path_and_renders_a_clip(eager, model_dir):
    info = eager.info()
    assert info.name == "neural" and info.available and "torch" in info.runtimes
    assert str(model_dir) in info.description
    clip = eager.render([request("s-render", "thunder roaring over the hills", 0.8, rate=24000)])[0]
    assert clip.engine == "neural" and clip.sample_rate == 24000
    assert clip.samples.dtype == np.float32 and clip.samples.shape == (int(0.8 * 24000), 2)
    assert np.isfinite(clip.samples).all() and np.abs(clip.samples).max() <= 0.99
    assert clip.meta["runtime"] == "torch" and clip.meta["steps"] == STEPS
    # level convention: intensity 1, distance 0 sits near the reference loudness (-20 LUFS)
    assert dsp.loudness_lufs(clip.samples, 24000) == pytest.approx(-20.0, abs=1.5)
    quiet = eager.render([request("s-quiet", "thunder roaring over the hills", 0.8, rate=24000, intensity=0.5,
                                  distance=0.5)])[0]
    assert dsp.loudness_lufs(quiet.samples, 24000) < -20.0 - 0.5 * 18 - 0.5 * 20 + 3


@pytest.mark.skipif(not HAS_ORT, reason="onnx / onnxruntime not installed")
def test_torch_and_onnx_runtime_agree(eager, model_dir, cache_dir):
    ort_engine = make(model_dir, cache_dir, runtime="onnx")
    assert ort_engine.runtime_name == "onnx" and ort_engine.runtime.provider == "CPUExecutionProvider"
    # the runtimes' own outputs: latents after the whole sampling loop, and the decoded audio
    g = torch.Generator().manual_seed(0)
    frames, b = 48, 2
    prefix = torch.zeros(b, 8, frames)
    prefix[1, :, :10] = torch.randn(8, 10, generator=g)
    mask = torch.zeros(b, 1, frames)
    mask[1, :, :10] = 1.0
    text, glob = eager.captions.conditioning(["rain on a tin roof", "a heavy door"], [0.0, 0.0], [0.7, 0.7])
    inp = SampleInputs(torch.randn(b, 8, frames, generator=g), prefix, mask, text, glob, torch.full((b,), 7.0))
    lat_t, lat_o = eager.runtime.sample(inp), ort_engine.runtime.sample(inp)
    audio_t, audio_o = eager.runtime.decode(lat_t), ort_engine.runtime.decode(lat_t)
    latent_err, audio_err = rel(lat_o, lat_t), rel(audio_o, audio_t)
    # finished clips, through the whole engine (fresh sessions on both)
    reqs = [request("p1", "thunder roaring", 1.0, 1), request("p2", "footsteps splashing", 0.5, 2)]
    clip_errs = [rel(o.samples, t.samples) for o, t in zip(ort_engine.render(reqs), eager.render(reqs))]
    print(f"torch vs onnx (float32): latents {latent_err:.2e}, VAE audio {audio_err:.2e}, "
          f"clips {max(clip_errs):.2e}")
    assert latent_err < 1e-3 and audio_err < 1e-3 and max(clip_errs) < 1e-3
    assert torch.equal(lat_o[1, :, :10], prefix[1, :, :10])  # the prefix is imposed exactly


def test_batched_render_matches_one_at_a_time(model_dir, cache_dir):
    reqs = [request("b1", "rain on a tin roof", 0.6, 1), request("b2", "a heavy door slamming shut", 1.3, 2),
            request("b3", "wind howling", 0.6, 3, layer=Layer.AMBIENCE)]
    batched = make(model_dir, cache_dir).render(reqs)
    single = make(model_dir, cache_dir)
    alone = [single.render([r])[0] for r in reqs]
    assert [c.meta["batch"] for c in batched] == [2, 1, 2]  # b1 and b3 share a bucket
    assert batched[0].meta["bucket_frames"] == batched[2].meta["bucket_frames"] != batched[1].meta["bucket_frames"]
    for a, b in zip(batched, alone):
        assert rel(a.samples, b.samples) < 1e-4


def test_same_request_same_samples_and_sessions_have_their_own_style(model_dir, cache_dir):
    a = make(model_dir, cache_dir).render([request("d", "a crackling campfire", 0.5, 5)])[0]
    b = make(model_dir, cache_dir).render([request("d", "a crackling campfire", 0.5, 5)])[0]
    c = make(model_dir, cache_dir).render([request("d", "a crackling campfire", 0.5, 5, style=8)])[0]
    assert np.array_equal(a.samples, b.samples)
    assert rel(c.samples, a.samples) > 1e-2


def test_next_clip_continues_the_previous_clips_latent_tail(model_dir, cache_dir):
    eng = make(model_dir, cache_dir, max_sessions=2)
    first = eng.render([request("c", "rain on a tin roof", 0.8, 1)])[0]
    assert not first.meta["continued"]
    tail = eng.session_tail("c", "foley")
    assert tail is not None and tail.shape == (8, 31)  # 0.5 s of latents at 62.5 frames/s
    # two more clips of the session in one call: rendered in order, each continuing the one before
    second, third = eng.render([request("c", "rain on a tin roof", 0.8, 2), request("c", "thunder", 0.8, 3)])
    assert second.meta["continued"] and third.meta["continued"] and second.meta["prefix_frames"] == 31
    assert not torch.equal(eng.session_tail("c", "foley"), tail)
    # another layer of the same session is its own thread; other sessions start fresh
    bed = eng.render([request("c", "wind", 0.8, 4, layer=Layer.AMBIENCE), request("x", "wind", 0.8, 5)])
    assert not bed[0].meta["continued"] and not bed[1].meta["continued"]
    eng.render([request("y", "wind", 0.5, 6)])  # a third session: the least recent ("c") is forgotten
    assert eng.session_tail("c", "foley") is None and eng.details()["sessions"] == 2


def test_events_longer_than_the_window_loop_to_length(eager):
    clip = eager.render([request("long", "rain on a tin roof", eager.max_clip_s + 1.5, rate=16000)])[0]
    assert clip.samples.shape == (int(round((eager.max_clip_s + 1.5) * 16000)), 2)
    assert np.isfinite(clip.samples).all() and np.abs(clip.samples[-16000:]).max() > 0


def test_render_is_thread_safe(model_dir, cache_dir):
    eng = make(model_dir, cache_dir)
    reqs = [[request(f"t{i}", f"caption {i}", 0.4, i)] for i in range(4)]
    out: dict[int, np.ndarray] = {}

    def work(i):
        out[i] = eng.render(reqs[i])[0].samples
    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ref = make(model_dir, cache_dir)
    for i in range(4):
        assert rel(out[i], ref.render(reqs[i])[0].samples) < 1e-4


def test_runtime_choice(model_dir, cache_dir, tmp_path):
    with pytest.raises(ValueError, match="unknown runtime"):
        make(model_dir, cache_dir, runtime="vulkan")
    with pytest.raises(ValueError, match="needs a CUDA device"):
        make(model_dir, cache_dir, runtime="cuda_graphs")
    assert make(model_dir, cache_dir, runtime="eager").runtime_name == "torch"
    # auto on a CPU: ONNX Runtime once its exports are in the cache, eager torch before
    fresh = tmp_path / "cache"
    assert make(model_dir, fresh, runtime="auto").runtime_name == "torch"
    if HAS_ORT:
        make(model_dir, fresh, runtime="onnx")
        assert make(model_dir, fresh, runtime="auto").runtime_name == "onnx"


@pytest.mark.skipif(not HAS_ORT, reason="onnx / onnxruntime not installed")
def test_build_engines_builds_then_reuses_the_cache(model_dir, tmp_path, capsys):
    from soundweaver.middleware import commands_neural
    ap = argparse.ArgumentParser()
    commands_neural.register(ap.add_subparsers())
    argv = ["build-engines", "--model", str(model_dir), "--runtime", "onnx", "--device", "cpu",
            "--engine-cache", str(tmp_path)]
    args = ap.parse_args(argv)
    assert args.func(args) == 0
    first = capsys.readouterr().out
    assert "onnx denoiser step" in first and "built in" in first and str(tmp_path) in first
    assert list(tmp_path.rglob("denoiser.onnx")) and list(tmp_path.rglob("vae_decoder.onnx.data"))
    args = ap.parse_args(argv)
    assert args.func(args) == 0
    assert "reused from cache" in capsys.readouterr().out
    if "tensorrt" not in available_runtimes():
        args = ap.parse_args(argv[:4] + ["tensorrt", "--device", "cpu", "--engine-cache", str(tmp_path)])
        assert args.func(args) == 2
        assert "tensorrt" in capsys.readouterr().err


@pytest.mark.skipif(not CUDA, reason="needs a CUDA device (the cuda_graphs runtime captures CUDA graphs)")
def test_cuda_graphs_match_eager_on_gpu(model_dir, cache_dir):
    kw = dict(device="cuda", cache_dir=cache_dir, steps=STEPS, dtype="float32")
    graphs = NeuralEngine.from_pretrained(model_dir, runtime="cuda_graphs", **kw)
    eager_gpu = NeuralEngine.from_pretrained(model_dir, runtime="torch", **kw)
    reqs = [request("g1", "thunder roaring", 1.0, 1), request("g2", "rain", 0.4, 2), request("g3", "door", 1.0, 3)]
    a, b = graphs.render(reqs), eager_gpu.render(reqs)
    assert max(rel(x.samples, y.samples) for x, y in zip(a, b)) < 1e-3
    assert graphs.details()["graphs"]  # captured per bucket
    again = graphs.render(reqs)  # continuing clips replay the captured buckets
    assert all(c.meta["continued"] for c in again)


@pytest.mark.skipif(not (CUDA and "tensorrt" in available_runtimes()),
                    reason="needs CUDA and the tensorrt package (TensorRT plans are built per GPU)")
def test_tensorrt_matches_eager_on_gpu(model_dir, cache_dir):
    trt_engine = NeuralEngine.from_pretrained(model_dir, runtime="tensorrt", device="cuda", cache_dir=cache_dir,
                                              steps=STEPS)
    eager_gpu = NeuralEngine.from_pretrained(model_dir, runtime="torch", device="cuda", cache_dir=cache_dir,
                                             steps=STEPS)
    reqs = [request("r1", "thunder roaring", 1.0, 1)]
    err = rel(trt_engine.render(reqs)[0].samples, eager_gpu.render(reqs)[0].samples)
    assert err < 5e-2  # fp16 plans against the fp16 eager reference
    assert any(r.path.suffix == ".plan" for r in trt_engine.runtime.records)


# --- TensorRT build and execution calls, against a stand-in for the tensorrt module ----------------
# TensorRT cannot be installed here; this checks what the runtime asks of its documented Python API
# (network flags, parser, profile shapes against the exported ONNX inputs, plan caching, IO-tensor
# execution calls), not TensorRT itself.

class _FakeTensorRT:
    __version__ = "10.99.0"

    class Logger:
        WARNING = 2

        def __init__(self, severity=None):
            pass

    class NetworkDefinitionCreationFlag:
        STRONGLY_TYPED = 1

    class BuilderFlag:
        FP16 = "FP16"

    class MemoryPoolType:
        WORKSPACE = "WORKSPACE"

    class TensorIOMode:
        INPUT, OUTPUT = "input", "output"

    class DataType:
        FLOAT, HALF, INT32 = "float", "half", "int32"

    def __init__(self, weak_fp16=True):
        if not weak_fp16:
            self.BuilderFlag = type("BuilderFlag", (), {})
        self.builds = []
        fake = self

        class Network:
            def __init__(self, flags):
                self.flags, self.inputs, self.outputs = flags, [], []

            @property
            def num_inputs(self):
                return len(self.inputs)

            def get_input(self, i):
                return type("Input", (), {"name": self.inputs[i][0]})

        class OnnxParser:
            num_errors = 0

            def __init__(self, network, logger):
                self.network = network

            def parse_from_file(self, path):
                import onnx
                m = onnx.load(path, load_external_data=False)
                for i in m.graph.input:
                    dims = [d.dim_value if d.HasField("dim_value") else -1 for d in i.type.tensor_type.shape.dim]
                    self.network.inputs.append((i.name, dims, i.type.tensor_type.elem_type))
                self.network.outputs = [o.name for o in m.graph.output]
                return True

        class Profile:
            def __init__(self):
                self.shapes = {}

            def set_shape(self, name, lo, opt, hi):
                self.shapes[name] = (tuple(lo), tuple(opt), tuple(hi))

        class Config:
            def __init__(self):
                self.flags, self.pools, self.profiles = [], {}, []

            def set_memory_pool_limit(self, pool, size):
                self.pools[pool] = size

            def set_flag(self, flag):
                self.flags.append(flag)

            def add_optimization_profile(self, profile):
                self.profiles.append(profile)

        class Builder:
            def __init__(self, logger):
                pass

            def create_network(self, flags=0):
                return Network(flags)

            def create_builder_config(self):
                return Config()

            def create_optimization_profile(self):
                return Profile()

            def build_serialized_network(self, network, config):
                fake.builds.append((network, config))
                import json
                half = "HALF" if 10 in {t for _, _, t in network.inputs} else "FLOAT"
                return json.dumps({"inputs": [n for n, _, _ in network.inputs], "outputs": network.outputs,
                                   "io_type": half}).encode()

        class Context:
            def __init__(self, plan):
                self.plan, self.shapes, self.addresses, self.executed = plan, {}, {}, []

            def set_input_shape(self, name, shape):
                self.shapes[name] = tuple(shape)
                return True

            def set_tensor_address(self, name, ptr):
                self.addresses[name] = ptr
                return True

            def get_tensor_shape(self, name):
                if "latents" in self.shapes:  # VAE: (batch, channels, frames * hop), as the tiny model's
                    b, _, t = self.shapes["latents"]
                    return (b, 2, t * 256)
                return self.shapes["x"]

            def execute_async_v3(self, stream_handle):
                self.executed.append(stream_handle)
                return True

        class Engine:
            def __init__(self, plan):
                self.plan = plan
                self.names = plan["inputs"] + plan["outputs"]
                self.context = None

            @property
            def num_io_tensors(self):
                return len(self.names)

            def get_tensor_name(self, i):
                return self.names[i]

            def get_tensor_mode(self, name):
                return fake.TensorIOMode.INPUT if name in self.plan["inputs"] else fake.TensorIOMode.OUTPUT

            def get_tensor_dtype(self, name):
                return fake.DataType.FLOAT

            def create_execution_context(self):
                self.context = Context(self.plan)
                return self.context

        class Runtime:
            def __init__(self, logger):
                pass

            def deserialize_cuda_engine(self, data):
                import json
                return Engine(json.loads(bytes(data)))

        self.Builder, self.OnnxParser, self.Runtime = Builder, OnnxParser, Runtime


@pytest.mark.skipif(not HAS_ORT, reason="onnx / onnxruntime not installed (the plans are built from ONNX exports)")
@pytest.mark.parametrize("weak_fp16", [True, False], ids=["tensorrt10-fp16-flag", "strongly-typed-fp16-export"])
def test_tensorrt_build_and_run_calls(eager, tmp_path, monkeypatch, weak_fp16):
    from types import SimpleNamespace

    from soundweaver.engines.neural import tensorrt_runtime as trt_rt
    from soundweaver.engines.neural.cache import EngineCache
    fake = _FakeTensorRT(weak_fp16)
    monkeypatch.setitem(__import__("sys").modules, "tensorrt", fake)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *a: "NVIDIA Fake GPU")
    cache = EngineCache(tmp_path, "model-key")
    records = trt_rt.build_plans(eager.c, eager.profile, cache)
    plans = [r for r in records if r.path.suffix == ".plan"]
    assert len(plans) == 2 and all(r.path.is_file() and not r.cached for r in plans)
    assert all(f"nvidia-fake-gpu-trt10.99.0/{eager.profile.key}" in str(r.path) for r in plans)
    for network, config in fake.builds:
        assert len(config.profiles) == 1 and (("FP16" in config.flags) == weak_fp16)
        assert network.flags == (0 if weak_fp16 else 2)  # 1 << STRONGLY_TYPED without the FP16 flag
        shapes = config.profiles[0].shapes
        assert set(shapes) == {n for n, _, _ in network.inputs}  # every ONNX input has a profile
        for name, dims, elem in network.inputs:
            lo, opt, hi = shapes[name]
            assert len(lo) == len(dims) == len(opt) == len(hi), name
            for d, a, b, c in zip(dims, lo, opt, hi):
                assert a <= b <= c and (d == -1 or a == b == c == d), (name, dims, lo, opt, hi)
        if not weak_fp16 and "text" in shapes:
            assert dict((n, t) for n, _, t in network.inputs)["text"] == 10  # float16 export
    again = trt_rt.build_plans(eager.c, eager.profile, cache)
    assert all(r.cached for r in again)
    # execution: shapes and addresses of every IO tensor, then execute_async_v3 on the given stream
    plan = trt_rt._Plan(plans[0].path)
    frames = 32
    cos, sin = eager.runtime.rope(frames)
    text, glob = eager.captions.conditioning(["rain"], [0.0], [1.0])
    feeds = dict(x=torch.randn(1, 8, frames), sigma=torch.ones(1), text=text, glob=glob, rope_cos=cos,
                 rope_sin=sin, guidance=torch.full((1,), 7.0))
    out = plan.run(feeds, SimpleNamespace(cuda_stream=1234))
    ctx = plan.engine.context
    assert out.shape == (1, 8, frames) and ctx.executed == [1234]
    assert ctx.shapes["rope_cos"] == (frames + 1, eager.c.rotary_dim) and set(ctx.addresses) == set(plan.engine.names)
