"""The model folder: a diffusers-format Stable Audio Open layout on local disk, checked before load.

Layout (what ``StableAudioPipeline.save_pretrained`` writes, and what stabilityai/stable-audio-open-1.0
ships)::

    model_index.json
    transformer/       config.json (StableAudioDiTModel)        + diffusion_pytorch_model*.safetensors|.bin
    vae/               config.json (AutoencoderOobleck)         + diffusion_pytorch_model*.safetensors|.bin
    text_encoder/      config.json (T5EncoderModel)             + model*.safetensors|pytorch_model*.bin
    projection_model/  config.json (StableAudioProjectionModel) + diffusion_pytorch_model*.safetensors|.bin
    tokenizer/         tokenizer.json or spiece.model, tokenizer_config.json
    scheduler/         scheduler_config.json (sigma_min, sigma_max, sigma_data, prediction_type)

Everything here is plain Python and JSON (no torch): a server checks a folder at start and fails with
a message that names each missing or malformed part, long before any weights are read.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path


class ModelFolderError(ValueError):
    """A model folder is missing, incomplete or malformed; the message names every problem found."""

    def __init__(self, path: str | os.PathLike, problems: list[str]):
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"model folder {self.path} is not a usable Stable Audio Open model:\n{lines}")


# component -> (accepted config _class_name / architectures, config file name, weight file stems)
COMPONENTS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "transformer": (("StableAudioDiTModel",), "config.json", ("diffusion_pytorch_model",)),
    "vae": (("AutoencoderOobleck",), "config.json", ("diffusion_pytorch_model",)),
    "text_encoder": (("T5EncoderModel",), "config.json", ("model", "pytorch_model")),
    "projection_model": (("StableAudioProjectionModel",), "config.json", ("diffusion_pytorch_model",)),
    "scheduler": (("CosineDPMSolverMultistepScheduler", "EDMDPMSolverMultistepScheduler",
                   "EDMEulerScheduler"), "scheduler_config.json", ()),
    "tokenizer": ((), "tokenizer_config.json", ()),
}

# Keys the loader and the runtimes read from each config; missing ones are reported by name. (A
# transformer config may leave keys out: diffusers' defaults, the Stable Audio Open sizes, apply.)
REQUIRED_KEYS = {
    "vae": ("downsampling_ratios", "decoder_input_channels", "audio_channels", "sampling_rate"),
    "text_encoder": ("d_model",),
    "projection_model": ("text_encoder_dim", "conditioning_dim", "min_value", "max_value"),
    "scheduler": ("sigma_min", "sigma_max"),
}

# diffusers' defaults (the Stable Audio Open 1.0 sizes) for keys a transformer config leaves out
TRANSFORMER_DEFAULTS = dict(sample_size=1024, in_channels=64, num_layers=24, attention_head_dim=64,
                            num_attention_heads=24, num_key_value_attention_heads=12, out_channels=64,
                            cross_attention_dim=768, time_proj_dim=256, global_states_input_dim=1536,
                            cross_attention_input_dim=768)

_WEIGHT_SUFFIXES = (".safetensors", ".bin")


@dataclass(frozen=True)
class ModelFolder:
    """A checked model folder: paths and parsed configs, ready for the torch loader."""

    path: Path
    configs: dict[str, dict]
    weights: dict[str, tuple[Path, ...]] = field(default_factory=dict)

    @property
    def transformer(self) -> dict:
        return self.configs["transformer"]

    @property
    def vae(self) -> dict:
        return self.configs["vae"]

    @property
    def scheduler(self) -> dict:
        return self.configs["scheduler"]

    @property
    def hop_length(self) -> int:
        hop = 1
        for r in self.vae["downsampling_ratios"]:
            hop *= int(r)
        return hop

    @property
    def sample_rate(self) -> int:
        return int(self.vae["sampling_rate"])

    @property
    def latent_rate(self) -> float:
        """Latent frames per second of audio."""
        return self.sample_rate / self.hop_length

    @property
    def max_latent_frames(self) -> int:
        """The longest window the DiT was built for (``transformer.sample_size``)."""
        return int(self.transformer["sample_size"])

    def component(self, name: str) -> Path:
        return self.path / name


def _read_json(path: Path, what: str, problems: list[str]) -> dict | None:
    if not path.is_file():
        problems.append(f"{what}: {path.name} is missing")
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{what}: {path.name} is not valid JSON ({exc})")
        return None
    if not isinstance(data, dict):
        problems.append(f"{what}: {path.name} is not a JSON object")
        return None
    return data


def _weight_files(folder: Path, stems: tuple[str, ...]) -> tuple[Path, ...]:
    """Weight files for a component: single files, shards (via an index) or fp16 variants."""
    found = []
    for stem in stems:
        for suffix in _WEIGHT_SUFFIXES:
            index = folder / f"{stem}{suffix}.index.json"
            if index.is_file():
                try:
                    shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
                    found += [folder / s for s in shards]
                except (OSError, ValueError, KeyError, TypeError):
                    found.append(index)  # reported as unreadable by the loader
            for name in (f"{stem}{suffix}", f"{stem}.fp16{suffix}"):
                if (folder / name).is_file():
                    found.append(folder / name)
        if found:
            break
    return tuple(found)


def inspect_model_folder(path: str | os.PathLike) -> ModelFolder:
    """Check a model folder's layout and configs; raise ``ModelFolderError`` naming every problem."""
    root = Path(path).expanduser()
    problems: list[str] = []
    if not root.exists():
        raise ModelFolderError(root, ["the folder does not exist"])
    if not root.is_dir():
        raise ModelFolderError(root, ["the path is not a folder"])
    index = _read_json(root / "model_index.json", "model_index.json", problems)
    if index is not None and index.get("_class_name") not in (None, "StableAudioPipeline"):
        problems.append(f"model_index.json: _class_name is {index.get('_class_name')!r}, "
                        "expected 'StableAudioPipeline'")
    configs: dict[str, dict] = {}
    weights: dict[str, tuple[Path, ...]] = {}
    for name, (classes, config_name, stems) in COMPONENTS.items():
        folder = root / name
        if not folder.is_dir():
            problems.append(f"{name}: the folder {name}/ is missing")
            continue
        if name == "tokenizer":
            if not any((folder / f).is_file() for f in ("tokenizer.json", "spiece.model")):
                problems.append("tokenizer: neither tokenizer.json nor spiece.model is present")
            cfg = _read_json(folder / config_name, "tokenizer", problems)
            if cfg is not None:
                configs[name] = cfg
            continue
        cfg = _read_json(folder / config_name, name, problems)
        if cfg is None:
            continue
        cls = cfg.get("_class_name") or next(iter(cfg.get("architectures") or []), None)
        if classes and cls not in classes:
            problems.append(f"{name}: {config_name} describes {cls!r}, expected one of {', '.join(classes)}")
        missing = [k for k in REQUIRED_KEYS.get(name, ()) if k not in cfg]
        if missing:
            problems.append(f"{name}: {config_name} lacks {', '.join(missing)}")
        configs[name] = cfg
        if stems:
            files = _weight_files(folder, stems)
            if not files:
                expected = " or ".join(f"{stems[0]}{s}" for s in _WEIGHT_SUFFIXES)
                problems.append(f"{name}: no weights (expected {expected})")
            elif not all(f.is_file() and f.stat().st_size > 0 for f in files):
                bad = [f.name for f in files if not f.is_file() or f.stat().st_size == 0]
                problems.append(f"{name}: weight files missing or empty: {', '.join(bad)}")
            weights[name] = files
    if "transformer" in configs:
        configs["transformer"] = {**TRANSFORMER_DEFAULTS, **configs["transformer"]}
    if not problems:
        problems += _consistency(configs)
    if problems:
        raise ModelFolderError(root, problems)
    return ModelFolder(root, configs, weights)


def _consistency(c: dict[str, dict]) -> list[str]:
    """Shapes that must agree between components (a mixed-up folder fails here, not mid-render)."""
    out = []
    t, v, p, te = c["transformer"], c["vae"], c["projection_model"], c["text_encoder"]
    if t["in_channels"] != v.get("decoder_input_channels"):
        out.append(f"transformer.in_channels ({t['in_channels']}) != "
                   f"vae.decoder_input_channels ({v.get('decoder_input_channels')})")
    if p.get("text_encoder_dim") != te.get("d_model"):
        out.append(f"projection_model.text_encoder_dim ({p.get('text_encoder_dim')}) != "
                   f"text_encoder.d_model ({te.get('d_model')})")
    if t["cross_attention_input_dim"] != p.get("conditioning_dim"):
        out.append(f"transformer.cross_attention_input_dim ({t['cross_attention_input_dim']}) != "
                   f"projection_model.conditioning_dim ({p.get('conditioning_dim')})")
    if t["global_states_input_dim"] != 2 * int(p.get("conditioning_dim") or 0):
        out.append(f"transformer.global_states_input_dim ({t['global_states_input_dim']}) != "
                   f"2 x projection_model.conditioning_dim ({p.get('conditioning_dim')})")
    pred = c["scheduler"].get("prediction_type", "v_prediction")
    if pred not in ("v_prediction", "epsilon"):
        out.append(f"scheduler.prediction_type {pred!r} is not supported (v_prediction or epsilon)")
    return out


def model_hash(folder: ModelFolder, memo_path: str | os.PathLike | None = None) -> str:
    """A content hash of the configs and the transformer and VAE weights (what compiled engines embed).

    Hashing a 1B-parameter model reads gigabytes, so the digest of each weight file is memoised in
    ``memo_path`` (JSON) keyed by path, size and modification time.
    """
    memo: dict = {}
    if memo_path and os.path.isfile(memo_path):
        try:
            memo = json.loads(Path(memo_path).read_text())
        except (OSError, ValueError):
            memo = {}
    h = hashlib.blake2b(digest_size=16)
    for name in ("transformer", "vae", "scheduler"):
        h.update(json.dumps(folder.configs[name], sort_keys=True).encode())
    for name in ("transformer", "vae"):
        for f in folder.weights.get(name, ()):
            st = f.stat()
            key = f"{f.resolve()}:{st.st_size}:{st.st_mtime_ns}"
            digest = memo.get(key)
            if digest is None:
                fh = hashlib.blake2b(digest_size=16)
                with open(f, "rb") as fp:
                    for block in iter(lambda: fp.read(1 << 22), b""):
                        fh.update(block)
                digest = memo[key] = fh.hexdigest()
            h.update(digest.encode())
    if memo_path:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(memo_path)), exist_ok=True)
            tmp = f"{memo_path}.{os.getpid()}.tmp"
            Path(tmp).write_text(json.dumps(memo, indent=1))
            os.replace(tmp, memo_path)
        except OSError:
            pass
    return h.hexdigest()
