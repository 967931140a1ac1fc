"""The gallery: every class rendered to WAV, a few variants, and one spectrogram contact sheet.

``render_gallery(out_dir)`` writes
- ``out_dir/<class>.wav`` at the class's default duration, intensity 0.7, distance 0.2, seed;
- ``out_dir/variants/<class>__<label>.wav``: quiet (intensity 0.3), far (distance 0.8) and one
  class-specific variant (running footsteps, music in other emotions);
- ``out_dir/gallery.png``: log-frequency spectrograms, one panel per class, labelled.
"""
from __future__ import annotations

import pathlib
from typing import Callable, Iterable

import numpy as np

from ...models import sound_classes
from ...models.bridge import session_context
from ...models.plan import SoundEvent
from ..base import RenderRequest
from . import render_one

VARIANTS = (("quiet", dict(intensity=0.3)), ("far", dict(distance=0.8)))


def _request(name: str, sr: int, seed: int, emotion: str = "neutral", **changes) -> RenderRequest:
    c = sound_classes.get(name)
    ev = SoundEvent(id=f"gallery-{name}", caption=c.description, sound_class=name, layer=c.layer, start_s=0.0,
                    duration_s=c.default_duration_s, emotion=emotion, seed=seed)
    ev = ev.replace(**changes)
    ctx = session_context(seed, emotion=emotion if name.startswith("music") else "neutral")
    return RenderRequest(ev, ctx, sr)


def _extra_variants(name: str) -> list[tuple[str, dict]]:
    family = sound_classes.get(name).family
    if family == "footsteps":
        return [("run", dict(variant="run"))]
    if family == "music":
        return [(e, dict(emotion=e)) for e in ("tense", "calm", "sad", "triumphant", "horror", "mystery")]
    if name == "heartbeat":
        return [("bpm120", dict(variant="bpm=120"))]
    return []


def spectrogram_db(x: np.ndarray, sr: int, n_fft: int = 1024) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, freqs, dB) magnitude spectrogram of the mono mix."""
    from scipy import signal

    mono = x.mean(axis=1) if x.ndim == 2 else x
    f, t, s = signal.spectrogram(mono, fs=sr, nperseg=n_fft, noverlap=n_fft * 3 // 4, mode="magnitude")
    return t, f, 20 * np.log10(s + 1e-7)


def render_gallery(out_dir: pathlib.Path, sample_rate: int = 48000, seed: int = 0,
                   classes: Iterable[str] | None = None, variants: bool = True,
                   progress: Callable[[int, int, str], None] | None = None) -> list[pathlib.Path]:
    """Render the gallery into ``out_dir``; returns every file written (WAVs, then the PNG).

    ``progress(i, n, name)`` is called before each class (i from 1 to n) and once more with
    ``name == ""`` before the contact sheet is drawn."""
    import soundfile as sf

    out_dir = pathlib.Path(out_dir)
    (out_dir / "variants").mkdir(parents=True, exist_ok=True)
    names = list(classes) if classes is not None else list(sound_classes.NAMES)
    written: list[pathlib.Path] = []
    sheets = []
    for i, name in enumerate(names, 1):
        if progress is not None:
            progress(i, len(names), name)
        emotion = "triumphant" if name == "music_stinger" else "neutral"
        x, _ = render_one(_request(name, sample_rate, seed, emotion))
        path = out_dir / f"{name}.wav"
        sf.write(path, x, sample_rate, subtype="PCM_16")
        written.append(path)
        sheets.append((name, x))
        if variants:
            for label, changes in list(VARIANTS) + _extra_variants(name):
                changes = dict(changes)
                emo = changes.pop("emotion", emotion)
                xv, _ = render_one(_request(name, sample_rate, seed, emo, **changes))
                vp = out_dir / "variants" / f"{name}__{label}.wav"
                sf.write(vp, xv, sample_rate, subtype="PCM_16")
                written.append(vp)
    png = out_dir / "gallery.png"
    if progress is not None:
        progress(len(names), len(names), "")
    contact_sheet(sheets, sample_rate, png)
    written.append(png)
    return written


def contact_sheet(items: list[tuple[str, np.ndarray]], sr: int, path: pathlib.Path, cols: int = 6) -> None:
    """One PNG of labelled spectrograms (log frequency, 60 dB range)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rows = max(1, -(-len(items) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 3.0, rows * 2.1), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, (name, x) in zip(axes.flat, items):
        t, f, s = spectrogram_db(x, sr)
        top = s.max() if s.size else 0.0
        ax.set_axis_on()
        ax.pcolormesh(t, np.maximum(f, 20.0), s, vmin=top - 60, vmax=top, shading="auto", cmap="magma",
                      rasterized=True)
        ax.set_yscale("log")
        ax.set_ylim(40, sr / 2)
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
