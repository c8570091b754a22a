#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer and AddressSanitizer and runs them.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]   fuzz TARGET (default: every target, one after
#                                            another) for SECONDS each (default 25)
#   scripts/fuzz.sh --list                   the targets' names, one a line
#   scripts/fuzz.sh --build                  build only
#   scripts/fuzz.sh --no-build TARGET SECS   fuzz with the binary already built (for several
#                                            targets at once)
#   scripts/fuzz.sh --help
#
# The binary is .build-fuzz/release/chronyvisor-fuzz (Sources/FuzzEntry, the targets in
# Sources/ChronyFuzz). Each run starts from the target's seeds (made anew from the
# repository's fixtures), the committed corpus Tests/Fuzz/corpus/TARGET and the regression
# inputs Tests/Fuzz/regressions/TARGET; what it finds goes to .build-fuzz/fuzz/TARGET/
# (corpus/ grows there; crash-* files are inputs that broke a property). Nothing is written
# outside .build-fuzz.
#
# Environment: CHRONYVISOR_FUZZ_ARGS (more libFuzzer flags, e.g. "-jobs=2 -workers=2"),
# CHRONYVISOR_FUZZ_NICE (niceness of the fuzzing processes, default 0).
# Exit status: 0 when no target broke, 1 when one did (its crash file is named), 64 usage.
# docs/fuzzing.md says how to run them for hours and how to turn a crash into a test.
. "$(dirname "$0")/lib/init.sh"

# Every target, as `chronyvisor-fuzz list` names them (FuzzScriptTests keeps the two equal).
TARGETS="report-tracking report-sources report-sourcestats report-serverstats report-activity
report-ntpdata report-clients report-authdata report-selectdata chronyc-batch status-from
ntp-reply templates settings verdict-record http-request"

case "${1:-}" in
  --list) printf '%s\n' $TARGETS; exit 0 ;;
esac

build_only=0
skip_build=0
target=all
seconds=25
case "${1:-}" in
  --build) build_only=1; shift ;;
  --no-build) skip_build=1; shift ;;
esac
[ $# -ge 1 ] && { target=$1; shift; }
[ $# -ge 1 ] && { seconds=$1; shift; }
[ $# -eq 0 ] || usage_error "unexpected argument $1 (expected [--build | --no-build] [TARGET|all] [SECONDS])"
case "$seconds" in ''|*[!0-9]*) say "SECONDS must be a whole number of seconds, got '$seconds'"; exit 64 ;; esac
if [ "$target" != all ] && ! printf '%s\n' $TARGETS | grep -qx -- "$target"; then
  say "no fuzz target '$target'; scripts/fuzz.sh --list names them"
  exit 64
fi

if ! have swift && [ -x /opt/swift/usr/bin/swift ]; then export PATH=/opt/swift/usr/bin:$PATH; fi
have swift || die "the Swift toolchain is needed"

# libFuzzer's main and coverage instrumentation in every Swift module; SwiftPM's own
# --sanitize=fuzzer makes it link the executable without its usual main.
build=(swift build -c release --scratch-path .build-fuzz --product chronyvisor-fuzz
       --sanitize=fuzzer --sanitize=address
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DCHRONYVISOR_FUZZING)
bin=.build-fuzz/release/chronyvisor-fuzz
if [ "$skip_build" = 1 ]; then
  [ -x "$bin" ] || die "$bin is not built yet: scripts/fuzz.sh --build"
else
  started=$(now)
  mkdir -p .build-fuzz
  if ! "${build[@]}" >.build-fuzz/build.log 2>&1; then
    grep -v "Cannot export local symbol" .build-fuzz/build.log | tail -40 >&2
    die "the fuzz build failed (its errors above; all of it in .build-fuzz/build.log)"
  fi
  say "built $bin in $(since "$started") s"
fi
[ "$build_only" = 1 ] && exit 0

# Crashes are libFuzzer's to report: Swift's backtracer would stop it from writing the
# input. Leak checking is off: the Swift runtime's caches look like leaks to it.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}

fuzz_one() {
  local name=$1 work=.build-fuzz/fuzz/$1 log rc=0
  mkdir -p "$work/corpus"
  rm -rf "$work/seeds"
  CHRONYVISOR_FUZZ_TARGET=$name CHRONYVISOR_FUZZ_SEEDS=$work/seeds CHRONYVISOR_FUZZ_DICT=$work/$name.dict "$bin" >&2 \
    || die "$name: cannot write its seeds"
  local dirs=("$work/corpus" "$work/seeds")
  for dir in "Tests/Fuzz/corpus/$name" "Tests/Fuzz/regressions/$name"; do
    [ -d "$dir" ] && dirs+=("$dir")
  done
  log=$work/fuzz-$(date +%Y%m%dT%H%M%S).log
  say "$name: fuzzing for $seconds s (log $log)"
  # shellcheck disable=SC2086
  CHRONYVISOR_FUZZ_TARGET=$name nice -n "${CHRONYVISOR_FUZZ_NICE:-0}" "$bin" "${dirs[@]}" \
    -dict="$work/$name.dict" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 ${CHRONYVISOR_FUZZ_ARGS:-} >"$log" 2>&1 || rc=$?
  local stats
  stats=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | sed 's/^#\([0-9]*\)/runs \1/' || true)
  if [ "$rc" != 0 ]; then
    say "$name: FAILED (libFuzzer exit $rc); the property that broke:"
    grep -E 'Fatal error|ERROR: AddressSanitizer|ERROR: libFuzzer|SUMMARY' "$log" | head -5 >&2 || true
    grep -E '^artifact_prefix|Test unit written to' "$log" | tail -2 >&2 || true
    say "$name: replay with: CHRONYVISOR_FUZZ_TARGET=$name SWIFT_BACKTRACE=enable=no $bin CRASH-FILE"
    return 1
  fi
  say "$name: ok, $stats"
}

failed=0
if [ "$target" = all ]; then
  for name in $TARGETS; do fuzz_one "$name" || failed=1; done
else
  fuzz_one "$target" || failed=1
fi
exit "$failed"
