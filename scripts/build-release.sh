#!/usr/bin/env bash
# Builds chronyvisor as the image ships it and prints the stripped binary's path:
# release mode, the Swift standard library linked statically, and a position-dependent
# executable (-no-pie). The last spares every start the ~90,000 relative relocations a PIE
# of this size needs: about 1 ms of each `chronyvisor health`, which Docker execs every few
# seconds in every container. Used by the Dockerfile, scripts/lib/image.sh and the benchmark.
# Usage: scripts/build-release.sh [SCRATCH_PATH] [EXTRA_PRODUCT ...]   (default .build-release)
# Extra products (e.g. chronyvisor-parse-bench) are built with the same flags, unstripped,
# next to the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${1:-.build-release}
shift || true
swift=swift
command -v swift >/dev/null 2>&1 || swift=/opt/swift/usr/bin/swift
flags=(-c release --static-swift-stdlib --scratch-path "$scratch" -Xswiftc -Xclang-linker -Xswiftc -no-pie)
for product in chronyvisor "$@"; do
  "$swift" build "${flags[@]}" --product "$product" >&2
done
bin=$("$swift" build "${flags[@]}" --show-bin-path)
mkdir -p "$scratch/stripped"
strip -o "$scratch/stripped/chronyvisor" "$bin/chronyvisor"
case $scratch in /*) ;; *) scratch=$PWD/$scratch ;; esac
printf '%s\n' "$scratch/stripped/chronyvisor"
