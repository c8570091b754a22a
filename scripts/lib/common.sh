# Shared shell helpers of every script; scripts/lib/init.sh sources it (a script's first
# line). It defines functions only. Every message names the script that prints it.

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

# The one waiter: runs CMD (output discarded) every POLL_EVERY seconds (0.5) until it
# succeeds; returns 1 when LIMIT seconds have passed. WAITED holds the seconds it took. A
# test fails with wait_until (scripts/lib/testing.sh); a tool says what it waited for.
# shellcheck disable=SC2034 # WAITED is read by the callers
poll_until() {
  local limit=$1 t; shift; t=$(now)
  until "$@" >/dev/null 2>&1; do
    if awk -v a="$(since "$t")" -v l="$limit" 'BEGIN { exit !(a > l) }'; then WAITED=$(since "$t"); return 1; fi
    sleep "${POLL_EVERY:-0.5}"
  done
  WAITED=$(since "$t")
}

# Stops a background process this script started (by pid) and reaps it; quiet when it is gone.
stop_pid() {
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
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

# True when the arguments ask for help (-h or --help anywhere): scripts check it first,
# before anything with a side effect.
help_requested() {
  local a
  for a in "$@"; do
    case $a in -h|--help) return 0 ;; esac
  done
  return 1
}
# Prints a script's help: its leading comment block (after the #! line), without the "# ".
script_help() {
  awk 'NR == 1 && /^#!/ { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"
}
# A usage error: the message, a pointer to --help, exit status 64.
usage_error() {
  printf '%s: %s (see %s --help)\n' "$SCRIPT_NAME" "$*" "$0" >&2
  exit 64
}

# The version: "0.2.0".
project_version() {
  local v
  v=$(sed -n 's/^ *public static let current = "\([^"]*\)".*/\1/p' Sources/ChronyKit/Version.swift)
  [ -n "$v" ] || die "no version found in Sources/ChronyKit/Version.swift"
  printf '%s\n' "$v"
}

# The commit of the work tree, with -dirty when tracked files have changes; empty outside git.
project_commit() {
  have git && git rev-parse --git-dir >/dev/null 2>&1 || return 0
  local c; c=$(git rev-parse HEAD)
  [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || c+=-dirty
  printf '%s\n' "$c"
}

# Runs a long command, saying "LABEL: N s so far" on stderr every CHRONYVISOR_PROGRESS_EVERY
# seconds (30) while it runs, so that a quiet build or download does not look hung. Returns
# the command's status; its output goes where the caller sends it.
with_progress() {
  local label=$1; shift
  local start every=${CHRONYVISOR_PROGRESS_EVERY:-30}
  start=$(now)
  "$@" &
  local pid=$!
  (
    local n=0
    while kill -0 "$pid" 2>/dev/null; do
      sleep 1; n=$((n + 1))
      if [ $((n % every)) = 0 ] && kill -0 "$pid" 2>/dev/null; then say "$label: $(since "$start") s so far"; fi
    done
  ) &
  local ticker=$! rc=0
  wait "$pid" || rc=$?
  wait "$ticker" 2>/dev/null || true
  return "$rc"
}
# Redirections for with_progress's command (a redirection of with_progress itself would take
# its progress lines along): stderr_to FILE CMD... sends the command's stderr to FILE,
# output_to FILE CMD... its stdout and stderr.
stderr_to() { local file=$1; shift; "$@" 2> "$file"; }
output_to() { local file=$1; shift; "$@" > "$file" 2>&1; }
