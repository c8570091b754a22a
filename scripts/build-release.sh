#!/usr/bin/env bash
# Builds chronyvisor as the image ships it and prints the stripped binary's path. Each flag
# is there for the cost of a start (`chronyvisor health` is exec'd every few seconds in every
# container) or for the binary's size (docs/benchmarks.md has the figures):
#  - release mode, optimised for size (-Osize: about 1 MB less than -O; nothing it runs is
#    hot enough to tell the two apart);
#  - the Swift standard library linked statically (--static-swift-stdlib);
#  - libstdc++ and libgcc linked statically too (the Swift runtime is C++): loading and
#    relocating them was about 0.9 ms of every start. glibc stays shared (NSS for the chrony
#    user, dlopen of libsystemd). A linker script named libstdc++.so that points at
#    libstdc++.a makes the runtime's `-lstdc++` pick the archive;
#  - no exported symbols (--no-export-dynamic; Swift's static-stdlib link exports all 16,000
#    of ours): 1.5 MB of symbol table that only ever served crash backtraces;
#  - a position-dependent executable (-no-pie): no ~90,000 relative relocations at each
#    start (about 1 ms);
#  - every function in a section of its own (-function-sections, for the Swift and the C
#    targets), laid out by gold (swiftc's linker on Linux) in the order of
#    scripts/build-release.order: the functions a supervisor runs in its steady state (a
#    poll every 2 s, a /metrics scrape a second) next to each other, so that they fill few
#    pages instead of touching pages all over the binary. Resident memory counts every page
#    touched, and the whole 64 KiB the kernel maps around each fault when other processes
#    (the stand's containers) keep the binary cached. scripts/gen-order-file.sh regenerates
#    the list from a run of the code. gold skips a name the binary no longer has; when many
#    are gone the build warns that the list is stale, and the binary works all the same,
#    only less densely packed.
# The stripped binary is stamped with the commit it was built from (`chronyvisor --version`):
# CHRONYVISOR_COMMIT when set (the Dockerfile's build stage has no .git), else git's HEAD,
# with "-dirty" when tracked files have changes. The stamp is written into the finished
# binary (objcopy), so the compile flags, and with them the build cache, stay the same
# from one commit to the next.
# Used by the Dockerfile, scripts/lib/image.sh, scripts/release.sh and the benchmark.
# Usage: scripts/build-release.sh [SCRATCH_PATH] [EXTRA_PRODUCT ...]   (default .build-release)
# Extra products (e.g. chronyvisor-parse-bench) are built with the same flags, unstripped,
# next to the binary.
. "$(dirname "$0")/lib/init.sh"
commit=${CHRONYVISOR_COMMIT:-}
if [ -z "$commit" ] && command -v git >/dev/null 2>&1 && git rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git rev-parse HEAD)
  [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || commit+=-dirty
fi
if [ -n "$commit" ] && ! [[ $commit =~ ^[0-9a-f]{7,40}(-dirty)?$ ]]; then
  echo "build-release.sh: invalid CHRONYVISOR_COMMIT=\"$commit\": expected a commit id (7 to 40 hex digits), optionally with -dirty" >&2
  exit 78
fi
scratch=${1:-.build-release}
shift || true
swift=swift
command -v swift >/dev/null 2>&1 || swift=/opt/swift/usr/bin/swift
# The one system header the build needs (Sources/CSystemd); say so before a long build fails.
if [ ! -f /usr/include/systemd/sd-daemon.h ] || ! command -v pkg-config >/dev/null 2>&1; then
  echo "build-release.sh: systemd/sd-daemon.h or pkg-config is missing: run scripts/install-deps.sh build as root (Debian: apt-get install libsystemd-dev pkg-config)" >&2
  exit 1
fi
clang=clang
command -v clang >/dev/null 2>&1 || clang=/opt/swift/usr/bin/clang
libstdcxx=$("$clang" -print-file-name=libstdc++.a)
case $libstdcxx in
  /*) ;;
  *) echo "build-release.sh: libstdc++.a not found (install libstdc++-12-dev, or g++)" >&2; exit 1 ;;
esac
mkdir -p "$scratch/static-libstdc++"
printf 'INPUT(%s)\n' "$libstdcxx" > "$scratch/static-libstdc++/libstdc++.so"
static_cxx=$(cd "$scratch/static-libstdc++" && pwd)
order=scripts/build-release.order
flags=(-c release --static-swift-stdlib --scratch-path "$scratch" -Xswiftc -Osize
       -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections
       -Xswiftc -Xclang-linker -Xswiftc -no-pie -Xswiftc -Xclang-linker -Xswiftc -static-libgcc
       -Xlinker -L"$static_cxx" -Xlinker --no-export-dynamic)
if [ -f "$order" ]; then
  # Linked from a copy named by its content: SwiftPM relinks when a flag changes, not when a
  # file a flag names does.
  mkdir -p "$scratch/order"
  linked_order=$(cd "$scratch/order" && pwd)/$(sha256sum < "$order" | cut -c1-16).order
  cp "$order" "$linked_order"
  find "$scratch/order" -name '*.order' ! -name "${linked_order##*/}" -delete
  flags+=(-Xlinker --section-ordering-file="$linked_order")
else
  say "warning: $order is missing: the steady state's functions are not grouped (scripts/gen-order-file.sh makes it)"
fi
for product in chronyvisor "$@"; do
  "$swift" build "${flags[@]}" --product "$product" >&2
done
bin=$("$swift" build "${flags[@]}" --show-bin-path)
# A stale order (names the code no longer has) costs density, not correctness: say so.
if [ -f "$order" ] && command -v nm >/dev/null 2>&1; then
  missing=$(nm --defined-only "$bin/chronyvisor" | awk 'NR == FNR { if (NF == 3) have[".text." $3] = 1; next }
    /^\.text\./ && !/\*/ { total++; if (!($0 in have)) gone++ } END { if (total && gone * 10 > total) printf "%d of %d", gone, total }' - "$order")
  [ -z "$missing" ] || say "warning: $missing functions named in scripts/build-release.order are not in the binary: regenerate it with scripts/gen-order-file.sh"
fi
mkdir -p "$scratch/stripped"
strip -o "$scratch/stripped/chronyvisor" "$bin/chronyvisor"
if [ -n "$commit" ]; then
  # Sources/CBuildStamp: a 48-byte section, NUL-padded.
  stamp=$(mktemp)
  printf '%s' "$commit" > "$stamp"
  truncate -s 48 "$stamp"
  objcopy --update-section ".chronyvisor_commit=$stamp" "$scratch/stripped/chronyvisor"
  rm -f "$stamp"
fi
case $scratch in /*) ;; *) scratch=$PWD/$scratch ;; esac
printf '%s\n' "$scratch/stripped/chronyvisor"
