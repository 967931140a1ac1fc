"""Neural engine pieces that need no torch: model-folder checks, the bridge, buckets, the CLI's
lazy imports. These run on the default install."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from soundweaver.engines.neural.buckets import batch_bucket, content_frames, latent_bucket, latent_buckets
from soundweaver.models.bridge import neural_conditioning, session_context
from soundweaver.models.decoders.folder import ModelFolderError, inspect_model_folder
from soundweaver.models.decoders.random_model import PRESETS, SCHEDULER_CONFIG
from soundweaver.models.plan import Layer, SoundEvent


def write_folder(root: Path, preset: str = "tiny") -> Path:
    """A model folder with real configs and placeholder weight files (enough for the layout check)."""
    p = PRESETS[preset]
    parts = {
        "transformer": ({"_class_name": "StableAudioDiTModel", **p["transformer"]}, "diffusion_pytorch_model.safetensors"),
        "vae": ({"_class_name": "AutoencoderOobleck", **p["vae"]}, "diffusion_pytorch_model.safetensors"),
        "text_encoder": ({"architectures": ["T5EncoderModel"], **p["text_encoder"]}, "model.safetensors"),
        "projection_model": ({"_class_name": "StableAudioProjectionModel", **p["projection"]},
                             "diffusion_pytorch_model.safetensors"),
    }
    for name, (cfg, weights) in parts.items():
        (root / name).mkdir(parents=True)
        (root / name / "config.json").write_text(json.dumps(cfg))
        (root / name / weights).write_bytes(b"\0" * 8)
    (root / "scheduler").mkdir()
    (root / "scheduler" / "scheduler_config.json").write_text(json.dumps(SCHEDULER_CONFIG))
    (root / "tokenizer").mkdir()
    (root / "tokenizer" / "tokenizer.json").write_text("{}")
    (root / "tokenizer" / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 16}))
    (root / "model_index.json").write_text(json.dumps({"_class_name": "StableAudioPipeline"}))
    return root


def test_a_complete_folder_passes_with_its_shapes(tmp_path):
    folder = inspect_model_folder(write_folder(tmp_path / "m"))
    assert folder.hop_length == 256 and folder.sample_rate == 16000
    assert folder.max_latent_frames == 256 and folder.latent_rate == pytest.approx(62.5)


@pytest.mark.parametrize("break_it, named", [
    (lambda r: __import__("shutil").rmtree(r / "vae"), "vae: the folder vae/ is missing"),
    (lambda r: (r / "transformer" / "config.json").write_text("{not json"), "transformer: config.json is not valid JSON"),
    (lambda r: (r / "text_encoder" / "model.safetensors").unlink(), "text_encoder: no weights"),
    (lambda r: (r / "tokenizer" / "tokenizer.json").unlink(), "tokenizer: neither tokenizer.json nor spiece.model"),
    (lambda r: (r / "scheduler" / "scheduler_config.json").unlink(), "scheduler: scheduler_config.json is missing"),
    (lambda r: (r / "model_index.json").unlink(), "model_index.json is missing"),
    (lambda r: (r / "projection_model" / "diffusion_pytorch_model.safetensors").write_bytes(b""),
     "projection_model: weight files missing or empty"),
])
def test_a_broken_folder_fails_naming_what_is_wrong(tmp_path, break_it, named):
    root = write_folder(tmp_path / "m")
    break_it(root)
    with pytest.raises(ModelFolderError) as err:
        inspect_model_folder(root)
    assert isinstance(err.value, ValueError)
    assert named in str(err.value)
    assert str(root) in str(err.value)


def test_mismatched_parts_are_reported_together(tmp_path):
    root = write_folder(tmp_path / "m")
    cfg = json.loads((root / "vae" / "config.json").read_text())
    cfg["decoder_input_channels"] = 64
    (root / "vae" / "config.json").write_text(json.dumps(cfg))
    cfg = json.loads((root / "projection_model" / "config.json").read_text())
    cfg["text_encoder_dim"] = 99
    (root / "projection_model" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelFolderError) as err:
        inspect_model_folder(root)
    assert len(err.value.problems) == 2
    assert "vae.decoder_input_channels (64)" in str(err.value)
    assert "text_encoder.d_model (16)" in str(err.value)


def test_missing_path_and_wrong_pipeline(tmp_path):
    with pytest.raises(ModelFolderError, match="does not exist"):
        inspect_model_folder(tmp_path / "nowhere")
    root = write_folder(tmp_path / "m")
    (root / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionPipeline"}))
    with pytest.raises(ModelFolderError, match="expected 'StableAudioPipeline'"):
        inspect_model_folder(root)


def test_engine_rejects_a_bad_folder_before_loading_anything(tmp_path):
    from soundweaver.engines.neural import NeuralEngine
    with pytest.raises(ModelFolderError, match="transformer"):
        NeuralEngine.from_pretrained(write_folder(tmp_path / "m") / "vae")  # a part, not the model


def test_neural_modules_import_without_torch():
    code = ("import sys; import soundweaver.engines.neural, soundweaver.middleware.commands_neural, "
            "soundweaver.models.decoders; assert 'torch' not in sys.modules, 'torch imported'; "
            "assert 'diffusers' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_build_engines_on_a_bad_folder_says_what_is_missing(tmp_path, capsys):
    from soundweaver.middleware import commands_neural
    ap = argparse.ArgumentParser()
    commands_neural.register(ap.add_subparsers())
    root = write_folder(tmp_path / "m")
    (root / "transformer" / "config.json").unlink()
    args = ap.parse_args(["build-engines", "--model", str(root), "--runtime", "onnx"])
    assert args.func(args) == 2
    assert "transformer: config.json is missing" in capsys.readouterr().err


def test_neural_conditioning_splits_semantic_and_residual():
    ev = SoundEvent(id="e1", caption="  thunder   roaring ", sound_class="thunder_near", layer=Layer.AMBIENCE,
                    start_s=0.0, duration_s=2.0, seed=3)
    a = neural_conditioning(ev, session_context(1, session_id="s1"))
    b = neural_conditioning(ev, session_context(2, session_id="s2"))
    assert a.caption == "thunder roaring" and a.continuation_key == "ambience"
    assert a.noise_seed == b.noise_seed  # the event's own noise does not depend on the session
    assert a.style_seed != b.style_seed  # the session's style does
    anon = neural_conditioning(ev.replace(caption=""), session_context(1))
    assert anon.caption == "thunder near" and anon.continuation_key == ""  # no session, no continuation


def test_shape_buckets():
    assert latent_buckets(1024)[-1] == 1024 and latent_buckets(100)[-1] == 100
    assert latent_bucket(22, latent_buckets(1024)) == 24
    assert latent_bucket(5000, latent_buckets(1024)) == 1024
    assert [batch_bucket(n, 16) for n in (1, 2, 3, 5, 9, 16)] == [1, 2, 4, 8, 16, 16]
    assert content_frames(1.0, 44100, 2048) == 22
