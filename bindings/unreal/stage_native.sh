#!/usr/bin/env bash
# Stage the native core into the Unreal plugin's ThirdParty folder (header + library for this
# platform), after building bindings/native. Usage: bindings/unreal/stage_native.sh [native-build-dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NATIVE="$(cd "$HERE/../native" && pwd)"
BUILD="$(cd "${1:-$NATIVE/build}" && pwd)"
TP="$HERE/Soundweaver/ThirdParty/Soundweaver"
mkdir -p "$TP/include"
cp "$NATIVE/include/soundweaver.h" "$TP/include/"
case "$(uname -s)" in
  Linux)  mkdir -p "$TP/lib/Linux/x86_64-unknown-linux-gnu"; cp "$BUILD/libsoundweaver.so" "$TP/lib/Linux/x86_64-unknown-linux-gnu/" ;;
  Darwin) mkdir -p "$TP/lib/Mac"; cp "$BUILD/libsoundweaver.dylib" "$TP/lib/Mac/" ;;
  MINGW*|MSYS*|CYGWIN*) mkdir -p "$TP/lib/Win64"; cp "$BUILD"/Release/soundweaver.{dll,lib} "$TP/lib/Win64/" ;;
  *) echo "stage_native.sh: unknown platform $(uname -s)" >&2; exit 1 ;;
esac
echo "staged libsoundweaver into $TP"
