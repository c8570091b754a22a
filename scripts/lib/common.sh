# Shared shell helpers of the stand's scripts (run.sh, down.sh, container-test.sh).
# Source it; it defines functions only. Every message names the script that prints it.

SCRIPT_NAME=${SCRIPT_NAME:-$(basename "$0" .sh)}

say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = 0 ]; }
is_debian_family() { [ -f /etc/debian_version ] && have apt-get; }

# Seconds since the epoch with a fraction, for the timings the scripts report.
now() { date +%s.%N; }
# Seconds elapsed since a `now` value, one decimal.
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Where the scripts keep the pids and saved settings of what they start, per project.
state_dir() {
  local base
  if is_root; then base=/run/chronyvisor; else base=${XDG_RUNTIME_DIR:-/tmp/chronyvisor-$(id -u)}/chronyvisor; fi
  printf '%s/%s\n' "$base" "$1"
}

# Runs a command with a time limit; says which command ran out of time.
with_timeout() {
  local limit=$1; shift
  local rc=0
  timeout --kill-after=10 "$limit" "$@" || rc=$?
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    say "timed out after ${limit}s: $*"
  fi
  return "$rc"
}
