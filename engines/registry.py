"""Engines by name. Heavy engines import lazily, so the default path never loads torch."""
from __future__ import annotations

from .base import Engine, EngineInfo

KNOWN = ("procedural", "neural", "library")


def create_engine(name: str, **options) -> Engine:
    """Build an engine; ValueError names what is wrong (unknown engine, bad model folder, ...)."""
    if name == "procedural":
        from .procedural import ProceduralEngine
        return ProceduralEngine()
    if name == "neural":
        try:
            from .neural import NeuralEngine
        except ImportError as exc:
            raise ValueError(f"engine 'neural' needs the neural extra (pip install 'soundweaver[neural]'): {exc}") from exc
        options = dict(options)
        model = options.pop("model", None)
        if not model:
            raise ValueError("engine 'neural' needs --model PATH (a diffusers Stable Audio Open folder)")
        return NeuralEngine.from_pretrained(model, **options)
    if name == "library":
        options = dict(options)
        index = options.pop("index", None) or options.pop("library", None)
        if not index:
            raise ValueError("engine 'library' needs index=PATH (an index file, or a folder indexed with "
                             "'soundweaver library index DIR')")
        from .library.engine import LibraryEngine  # ValueError when the index is missing or unreadable
        return LibraryEngine(index, **options)
    raise ValueError(f"unknown engine {name!r}; known engines: {', '.join(KNOWN)}")


def unavailable(name: str, why: str) -> EngineInfo:
    return EngineInfo(name, False, why)
