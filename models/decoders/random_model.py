"""Randomly initialised models in the Stable Audio Open layout, built offline from configs.

For tests and benchmarks: nothing is downloaded. The T5 tokenizer is a tokenizers Unigram model
trained on a few sentences; the weights are torch's default initialisation from a seed.

Presets:
- ``tiny``: a few thousand parameters per part, 16 kHz VAE; renders in milliseconds on a CPU.
- ``sao``: the Stable Audio Open 1.0 sizes (1.06B-parameter DiT, 44.1 kHz Oobleck VAE, T5-base);
  for GPU benchmarks (``scripts/gpu_check.py``), usually built in memory on the GPU, not saved.
"""
from __future__ import annotations

import json
from pathlib import Path

PRESETS = {
    "tiny": dict(
        transformer=dict(sample_size=256, in_channels=8, num_layers=2, attention_head_dim=8, num_attention_heads=4,
                         num_key_value_attention_heads=2, out_channels=8, cross_attention_dim=16, time_proj_dim=16,
                         global_states_input_dim=32, cross_attention_input_dim=16),
        vae=dict(encoder_hidden_size=16, downsampling_ratios=[2, 4, 4, 8], channel_multiples=[1, 2, 2, 4],
                 decoder_channels=8, decoder_input_channels=8, audio_channels=2, sampling_rate=16000),
        text_encoder=dict(d_model=16, d_kv=8, d_ff=32, num_layers=1, num_heads=2, relative_attention_num_buckets=8,
                          relative_attention_max_distance=32, feed_forward_proj="relu", dropout_rate=0.0),
        projection=dict(text_encoder_dim=16, conditioning_dim=16, min_value=0, max_value=512),
        max_length=16,
    ),
    "sao": dict(
        transformer=dict(sample_size=1024, in_channels=64, num_layers=24, attention_head_dim=64,
                         num_attention_heads=24, num_key_value_attention_heads=12, out_channels=64,
                         cross_attention_dim=768, time_proj_dim=256, global_states_input_dim=1536,
                         cross_attention_input_dim=768),
        vae=dict(encoder_hidden_size=128, downsampling_ratios=[2, 4, 4, 8, 8], channel_multiples=[1, 2, 4, 8, 16],
                 decoder_channels=128, decoder_input_channels=64, audio_channels=2, sampling_rate=44100),
        text_encoder=dict(d_model=768, d_kv=64, d_ff=3072, num_layers=12, num_heads=12,
                          relative_attention_num_buckets=32, relative_attention_max_distance=128,
                          feed_forward_proj="relu", dropout_rate=0.0),
        projection=dict(text_encoder_dim=768, conditioning_dim=768, min_value=0, max_value=512),
        max_length=128,
    ),
}

# Stable Audio Open 1.0's scheduler_config.json
SCHEDULER_CONFIG = {
    "_class_name": "CosineDPMSolverMultistepScheduler",
    "sigma_min": 0.3, "sigma_max": 500.0, "sigma_data": 1.0, "sigma_schedule": "exponential",
    "num_train_timesteps": 1000, "solver_order": 2, "prediction_type": "v_prediction", "rho": 7.0,
    "solver_type": "midpoint", "lower_order_final": True, "euler_at_final": False, "final_sigmas_type": "zero",
}

_SENTENCES = [
    "thunder roaring over the hills", "footsteps splashing in water", "a heavy door slamming shut",
    "car tires skidding on a wet road", "rain drumming on a tin roof", "wind howling through a narrow cave",
    "a crackling campfire at night", "crowd murmuring in a large hall", "sword clashing against a shield",
    "a tense orchestral stinger", "birds singing in a quiet forest", "an engine revving and fading away",
]


def build_tokenizer(max_length: int, vocab_size: int = 200):
    """A T5 tokenizer trained offline (Unigram over a few sentences): pad 0, eos 1, unk 2, as T5's."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import T5TokenizerFast

    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=["<pad>", "</s>", "<unk>"],
                                      unk_token="<unk>", show_progress=False)
    tok.train_from_iterator(_SENTENCES * 4, trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", tok.token_to_id("</s>"))])
    return T5TokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                           model_max_length=int(max_length), extra_ids=0)


def build_parts(preset: str = "tiny", seed: int = 0, device=None):
    """Random (transformer, vae, text_encoder, projection, tokenizer, scheduler_config) in float32.

    ``device`` (e.g. "cuda") builds the parameters there directly: a 1B model initialises in seconds.
    """
    import torch
    from diffusers import AutoencoderOobleck, StableAudioDiTModel
    from diffusers.pipelines.stable_audio.modeling_stable_audio import StableAudioProjectionModel
    from transformers import T5Config, T5EncoderModel

    p = PRESETS[preset]
    tokenizer = build_tokenizer(p["max_length"])
    torch.manual_seed(seed)
    if device is not None and torch.device(device).type == "cuda":
        torch.cuda.manual_seed_all(seed)
    with torch.device(device or "cpu"):
        transformer = StableAudioDiTModel(**p["transformer"])
        vae = AutoencoderOobleck(**p["vae"])
        te_cfg = T5Config(vocab_size=max(len(tokenizer), 32), pad_token_id=0, eos_token_id=1,
                          decoder_start_token_id=0, **p["text_encoder"])
        text_encoder = T5EncoderModel(te_cfg)
        projection = StableAudioProjectionModel(**p["projection"])
    return transformer, vae, text_encoder, projection, tokenizer, dict(SCHEDULER_CONFIG)


def save_model(folder: str | Path, preset: str = "tiny", seed: int = 0) -> Path:
    """Build a random model and save it in the diffusers layout (save_pretrained per part)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    transformer, vae, text_encoder, projection, tokenizer, scheduler = build_parts(preset, seed)
    transformer.save_pretrained(folder / "transformer")
    vae.save_pretrained(folder / "vae")
    text_encoder.save_pretrained(folder / "text_encoder")
    projection.save_pretrained(folder / "projection_model")
    tokenizer.save_pretrained(folder / "tokenizer")
    (folder / "scheduler").mkdir(exist_ok=True)
    (folder / "scheduler" / "scheduler_config.json").write_text(json.dumps(scheduler, indent=2))
    index = {
        "_class_name": "StableAudioPipeline",
        "projection_model": ["stable_audio", "StableAudioProjectionModel"],
        "scheduler": ["diffusers", "CosineDPMSolverMultistepScheduler"],
        "text_encoder": ["transformers", "T5EncoderModel"],
        "tokenizer": ["transformers", type(tokenizer).__name__],
        "transformer": ["diffusers", "StableAudioDiTModel"],
        "vae": ["diffusers", "AutoencoderOobleck"],
    }
    (folder / "model_index.json").write_text(json.dumps(index, indent=2))
    return folder


def parameter_counts(parts) -> dict[str, int]:
    names = ("transformer", "vae", "text_encoder", "projection_model")
    return {n: sum(p.numel() for p in m.parameters()) for n, m in zip(names, parts[:4])}
