"""Neural decoders: a Stable Audio Open (diffusers layout) model behind the Engine interface.

Runtimes (``--runtime``; default ``auto`` = the fastest available): ``torch`` (eager, the reference),
``cuda_graphs`` (captured step and VAE decode per shape bucket), ``onnx`` (ONNX Runtime, CPU or CUDA
provider) and ``tensorrt`` (fp16 plans built from the ONNX exports, cached per model, shape profile,
GPU and TensorRT version). See docs/neural.md.

Importing this package needs neither torch nor diffusers: they load when an engine is built.
"""
from ...models.decoders.folder import ModelFolderError, inspect_model_folder
from .engine import RUNTIMES, NeuralEngine, available_runtimes, missing_requirements

__all__ = ["NeuralEngine", "ModelFolderError", "available_runtimes", "missing_requirements", "RUNTIMES",
           "inspect_model_folder"]
