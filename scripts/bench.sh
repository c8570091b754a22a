#!/usr/bin/env bash
# Benchmarks the stand's timekeeping and chronyvisor's cost, side by side with the usual setup
# (a chrony image whose startup script writes `server HOST iburst` + `allow all` and whose
# healthcheck is `chronyc -n tracking`), in one run on this machine: a local reference, three
# relays and a gateway, each a real chronyd with -x on its own 127.0.1.x address (port 11123),
# once under `chronyvisor run` and once as plain chronyd. No container engine needed.
#
# Prints markdown tables (medians, ratios against the baseline of the same run, each target
# met or missed) and writes them into docs/benchmarks.md between its bench markers
# (BENCH_DOC=path elsewhere, BENCH_DOC= not at all). Extra arguments go to
# scripts/bench/bench.py (e.g. --starts 2 --footprint 10 for a quick look; --keep keeps the
# logs). Needs root (chronyd drops to _chrony), python3, GNU time; about 7 minutes plus a
# release build. chronyd and chronyc are those on PATH, else Debian's chrony unpacked privately
# as the tests do (scripts/lib/chrony-private.sh: the host's time client stays as it is), with
# the _chrony user created for the run and removed after it. Every process it starts is killed
# by pid at the end or on failure.
#
# Then the capacity section (scripts/bench/capacity.py): requests per second a gateway answers
# with at most 0.1 % loss, chronyd on loopback as the ceiling, and on each engine in
# BENCH_ENGINES (default podman,docker; an engine that cannot be had is reported as not
# measured) the stand's gateway and a plain chronyd container (the usual image, the baseline)
# through their published ports, alternately, with what an exec'd health check costs there.
# BENCH_ONLY=capacity runs only that section, BENCH_CAPACITY=0 skips it;
# BENCH_LOCK=FILE holds that lock (flock) while a stand is up (the machine-wide engine lock
# where several people share the engines); BENCH_DOCKER_NO_PROXY=0 leaves out Docker without
# its userland proxy. About 3 minutes plus 4-6 per engine.
SCRIPT_NAME=bench.sh
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/chrony-private.sh
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH=/opt/swift/usr/bin:$PATH
fi
command -v swift >/dev/null 2>&1 || { echo "bench.sh: the Swift toolchain (6.1 or later) is needed" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench.sh: run as root (chronyd binds 127.0.1.x and drops to its own user)" >&2; exit 1; }
bash scripts/install-deps.sh

doc=${BENCH_DOC-docs/benchmarks.md}
scratch=.build-release
tmp=$(mktemp -d /tmp/chronyvisor-bench-bin.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  chrony_user_cleanup "$tmp"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chrony_on_path
chrony_user_ensure "$tmp"
chrony=(--chronyd "$(command -v chronyd)" --chronyc "$(command -v chronyc)")

# The binary as the image ships it: scripts/build-release.sh (release, static Swift standard
# library, position-dependent, stripped), which builds the parse benchmark with the same
# flags, so the two share one build.
echo "bench.sh: release build (scripts/build-release.sh $scratch chronyvisor-parse-bench chronyvisor-loadgen)" >&2
build_start=$(date +%s)
stripped=$(scripts/build-release.sh "$scratch" chronyvisor-parse-bench chronyvisor-loadgen)
build_seconds=$(( $(date +%s) - build_start ))
bin=$(dirname "$(readlink -f "$scratch/release/chronyvisor")")
cp "$stripped" "$tmp/chronyvisor"

if [ "${BENCH_ONLY:-}" != capacity ]; then
  args=("${chrony[@]}" --binary "$bin/chronyvisor" --stripped "$tmp/chronyvisor" --parse-bench "$bin/chronyvisor-parse-bench"
        --build-seconds "$build_seconds" --command "scripts/bench.sh${*:+ $*}")
  [ -n "$doc" ] && args+=(--out "$doc")
  python3 scripts/bench/bench.py "${args[@]}" "$@" &
  pid=$!
  wait "$pid"
fi

if [ "${BENCH_CAPACITY:-1}" != 0 ]; then
  args=("${chrony[@]}" --loadgen "$bin/chronyvisor-loadgen" --engines "${BENCH_ENGINES-podman,docker}"
        --lock "${BENCH_LOCK:-}" --docker-no-proxy "${BENCH_DOCKER_NO_PROXY:-1}")
  [ -n "$doc" ] && args+=(--out "$doc")
  python3 scripts/bench/capacity.py "${args[@]}" &
  pid=$!
  wait "$pid"
fi
