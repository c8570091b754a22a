# The harness of every test script: TAP lines, waits with a deadline, clean-up at exit, a
# temporary directory, and one summary line with the exit status. Source it after
# scripts/lib/init.sh, which has answered --help by then (this creates the temporary directory
# and sets the EXIT trap). The script's own set -e still ends it at an unexpected error;
# clean-up runs then too.
#
#   ok MESSAGE            a check passed:            ok N - MESSAGE
#   not_ok MESSAGE        a check failed, go on:     not ok N - MESSAGE   (the exit status is 1)
#   fail MESSAGE          a check failed, stop here (also from inside $( ): the line goes to
#                         the script's stderr and the exit status passes on)
#   note MESSAGE          a TAP comment:             # MESSAGE
#   timing TEXT           a measurement for the summary line ("image build 6.4 s")
#   timed LABEL CMD...    runs CMD and records "LABEL N s"
#   wait_until LIMIT WHAT CMD...   runs CMD (output discarded) until it succeeds; fails the
#                         test with WHAT after LIMIT seconds; WAITED holds the seconds it took
#   poll_until LIMIT CMD...        the same, returning 1 after LIMIT seconds instead
#                         (from scripts/lib/common.sh, for the tools that are not tests)
#   on_exit CMD...        clean-up to run at exit, last added first; a clean-up that fails
#                         makes the exit status 1
#   on_fail CMD...        what `fail` prints before it stops (container logs ...)
#   TEST_TMP              a private temporary directory, removed at exit
# A loopback chronyd for a test: chronyd_start (scripts/lib/chrony-private.sh), stopped at exit.
#
# TEST_LABEL (e.g. the engine) prefixes every TAP line and the summary; TAP_INDENT indents the
# TAP lines (a test run inside another's). POLL_EVERY is the pause between two tries of a wait.

TEST_STARTED=$(now)
TEST_PASSED=0
TEST_FAILED=0
TEST_FAILURES=()
TEST_TIMINGS=()
TEST_EXIT_STACK=()
TEST_FAIL_STACK=()
TEST_LABEL=${TEST_LABEL:-}
TAP_INDENT=${TAP_INDENT:-}
POLL_EVERY=${POLL_EVERY:-0.5}
WAITED=0   # read by the scripts after a wait
export WAITED
# The script's stderr, kept for `fail` from inside $( ) or a redirected wait.
exec {TEST_STDERR}>&2

test_prefix() { printf '%s' "${TEST_LABEL:+[$TEST_LABEL] }"; }

ok() {
  TEST_PASSED=$((TEST_PASSED + 1))
  printf '%sok %d - %s%s\n' "$TAP_INDENT" "$((TEST_PASSED + TEST_FAILED))" "$(test_prefix)" "$*"
}
not_ok() {
  TEST_FAILED=$((TEST_FAILED + 1))
  TEST_FAILURES+=("$*")
  printf '%snot ok %d - %s%s\n' "$TAP_INDENT" "$((TEST_PASSED + TEST_FAILED))" "$(test_prefix)" "$*"
}
fail() {
  TEST_FAILED=$((TEST_FAILED + 1))
  TEST_FAILURES+=("$*")
  printf '%snot ok %d - %s%s\n' "$TAP_INDENT" "$((TEST_PASSED + TEST_FAILED))" "$(test_prefix)" "$*" >&"$TEST_STDERR"
  local i
  for ((i = ${#TEST_FAIL_STACK[@]} - 1; i >= 0; i--)); do
    eval "${TEST_FAIL_STACK[i]}" >&"$TEST_STDERR" 2>&1 || true
  done
  exit 1
}
note() { printf '%s# %s%s\n' "$TAP_INDENT" "$(test_prefix)" "$*"; }
timing() { TEST_TIMINGS+=("$*"); }
timed() {
  local label=$1 t; shift; t=$(now)
  "$@"
  timing "$label $(since "$t") s"
}

# poll_until is common.sh's (tools wait with it too); wait_until is the test's form of it.
wait_until() {
  local limit=$1 what=$2; shift 2
  poll_until "$limit" "$@" || fail "$what: not after $limit s"
}

on_exit() { TEST_EXIT_STACK+=("$(printf '%q ' "$@")"); }
on_fail() { TEST_FAIL_STACK+=("$(printf '%q ' "$@")"); }

testing_finish() {
  local rc=$? i
  for ((i = ${#TEST_EXIT_STACK[@]} - 1; i >= 0; i--)); do
    if ! eval "${TEST_EXIT_STACK[i]}"; then
      say "clean-up failed: ${TEST_EXIT_STACK[i]}"; rc=1
    fi
  done
  rm -rf "$TEST_TMP"
  [ "$rc" = 0 ] && [ "$TEST_FAILED" != 0 ] && rc=1
  local timings=""
  [ ${#TEST_TIMINGS[@]} = 0 ] || timings=" ($(printf '%s; ' "${TEST_TIMINGS[@]}" | sed 's/; $//'))"
  if [ "$rc" = 0 ]; then
    say "$(test_prefix)passed $TEST_PASSED checks in $(since "$TEST_STARTED") s$timings"
  else
    if [ "$TEST_FAILED" = 0 ]; then   # ended by `fail` in a subshell, a clean-up or an error
      say "$(test_prefix)FAILED after $(since "$TEST_STARTED") s (exit status $rc) after $TEST_PASSED passed checks$timings"
    else
      say "$(test_prefix)FAILED after $(since "$TEST_STARTED") s: $TEST_FAILED of $((TEST_PASSED + TEST_FAILED)) checks failed$timings"
    fi
    for i in "${TEST_FAILURES[@]}"; do say "  failed: $i"; done
  fi
  exit "$rc"
}

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/chronyvisor-$SCRIPT_NAME.XXXXXX")
trap testing_finish EXIT
trap 'exit 130' INT TERM
