"""Neural decoders: Stable Audio Open (diffusers layout) folders, loaders and the sampler.

- ``folder``: check a model folder (pure Python, JSON only) -> ``ModelFolder`` or ``ModelFolderError``.
- ``stable_audio``: load the parts with torch; the denoiser step, VAE decoder, sampler and caption encoder.
- ``random_model``: randomly initialised models of the same layout, built offline (tests, benchmarks).

Only ``folder`` is imported here; the torch modules load when asked for.
"""
from .folder import ModelFolder, ModelFolderError, inspect_model_folder

__all__ = ["ModelFolder", "ModelFolderError", "inspect_model_folder"]
