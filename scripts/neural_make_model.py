#!/usr/bin/env python3
"""Write a randomly initialised model in the Stable Audio Open layout (offline; nothing downloaded).

    python scripts/neural_make_model.py OUT_DIR [--preset tiny|sao] [--seed N]

``tiny`` renders in milliseconds on a CPU (tests, demos of the pipeline: the audio is noise-like);
``sao`` has Stable Audio Open 1.0's sizes (1.06B-parameter DiT; about 5 GB on disk in float32).
Then: ``soundweaver serve --engine neural --model OUT_DIR`` or ``soundweaver build-engines``.
"""
from __future__ import annotations

import argparse
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="folder to create")
    ap.add_argument("--preset", default="tiny", choices=("tiny", "sao"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from soundweaver.models.decoders.random_model import save_model
    from soundweaver.models.decoders.folder import inspect_model_folder
    t0 = time.perf_counter()
    path = save_model(args.out, args.preset, args.seed)
    folder = inspect_model_folder(path)
    print(f"wrote {args.preset} model to {path} in {time.perf_counter() - t0:.1f} s "
          f"({folder.sample_rate} Hz VAE, {folder.latent_rate:.1f} latent frames/s, "
          f"window {folder.max_latent_frames / folder.latent_rate:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
