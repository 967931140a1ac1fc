#!/usr/bin/env bash
# Build and test the engine bindings against a real server:
#   1. Debian packages (idempotent: apt only runs when something is missing)
#   2. bindings/native: configure + build (libsoundweaver.so, tests, swplay)
#   3. ctest: GoogleTest unit tests + live tests (they start `soundweaver serve --port 0`)
#   4. bindings/unity under Mono: compile the package against a UnityEngine stub, run the live test
#   5. (SW_CI_PYTEST=1) tests/test_bindings_ctypes.py
# Exits non-zero on the first failure. Needs the `soundweaver` package installed (pip install -e .).
#
# Environment: SW_BUILD_DIR (default bindings/native/build), SW_SKIP_APT=1 (no apt at all),
# SW_CI_PYTEST=1 (also run the ctypes pytest), SW_JOBS (default 2).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${SW_BUILD_DIR:-$ROOT/bindings/native/build}"
JOBS="${SW_JOBS:-2}"
t0=$SECONDS
step() { printf '\n=== bindings: %s (%ds)\n' "$*" $((SECONDS - t0)); }

# mono-mcs + mono-runtime are the compiler and runtime parts of mono-devel, without its tools.
PACKAGES=(cmake g++ make pkg-config libgrpc++-dev libprotobuf-dev protobuf-compiler
          protobuf-compiler-grpc libgtest-dev mono-mcs mono-runtime)

if [ "${SW_SKIP_APT:-0}" != 1 ]; then
  step "Debian packages"
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  else
    echo "all present"
  fi
fi

# The live tests start the real server. Prefer the installed command; else the module.
if [ -z "${SOUNDWEAVER_SERVER_CMD:-}" ] && ! command -v soundweaver >/dev/null; then
  PY="$(command -v python3 || command -v python)"
  if "$PY" -c "import soundweaver.middleware.cli" 2>/dev/null; then
    export SOUNDWEAVER_SERVER_CMD="$PY -m soundweaver.middleware.cli serve --host 127.0.0.1 --port 0"
  else
    echo "bindings/ci.sh: no \`soundweaver\` command and the package is not importable (pip install -e .)" >&2
    exit 1
  fi
fi
export SOUNDWEAVER_REQUIRE_SERVER=1  # live tests fail, not skip, without a server

step "configure + build (-j$JOBS)"
cmake -S "$ROOT/bindings/native" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j "$JOBS"

step "ctest (GoogleTest: unit + live)"
ctest --test-dir "$BUILD" --output-on-failure --timeout 600

step "Unity package under Mono (live)"
"$ROOT/bindings/unity/Tests~/Mono/run.sh" "$BUILD"

if [ "${SW_CI_PYTEST:-0}" = 1 ]; then
  step "ctypes test of the C ABI"
  (cd "$ROOT" && python3 -m pytest -q tests/test_bindings_ctypes.py)
fi

step "all binding tests passed"
