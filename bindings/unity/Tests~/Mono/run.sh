#!/usr/bin/env bash
# Compile the Unity package with Mono against a UnityEngine stub and run the live console test.
#   bindings/unity/Tests~/Mono/run.sh [native-build-dir]     (default: bindings/native/build)
# Needs mono-mcs + mono-runtime, libsoundweaver.so built, and `soundweaver` on PATH
# (or SOUNDWEAVER_SERVER_CMD).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKG="$(cd "$HERE/../.." && pwd)"
NATIVE_BUILD="$(cd "${1:-$PKG/../native/build}" && pwd)"
OUT="$NATIVE_BUILD/unity-mono"
mkdir -p "$OUT"
test -f "$NATIVE_BUILD/libsoundweaver.so" || { echo "run.sh: $NATIVE_BUILD/libsoundweaver.so is not built" >&2; exit 2; }

MCS="mcs -nologo -warnaserror+ -nowarn:1591"
$MCS -target:library -out:"$OUT/UnityEngine.dll" "$HERE/UnityEngineStub.cs"
$MCS -target:library -out:"$OUT/Soundweaver.Runtime.dll" -r:"$OUT/UnityEngine.dll" "$PKG"/Runtime/*.cs
# The sample must compile too (it is what users copy first).
$MCS -target:library -out:"$OUT/Soundweaver.Samples.dll" -r:"$OUT/UnityEngine.dll" -r:"$OUT/Soundweaver.Runtime.dll" \
  "$PKG/Samples~/BasicSession/"*.cs
$MCS -target:exe -out:"$OUT/LiveTest.exe" -r:"$OUT/UnityEngine.dll" -r:"$OUT/Soundweaver.Runtime.dll" "$HERE/LiveTest.cs"

cd "$OUT"
LD_LIBRARY_PATH="$NATIVE_BUILD${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" timeout 300 mono --debug LiveTest.exe
