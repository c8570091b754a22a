#!/bin/bash
# A stand-in for chronyd in the PID-1 tests (nothing here keeps time or touches the clock).
# `chronyd -p` (run's config check) succeeds at once. Otherwise it starts $ORPHANS (100)
# background sleeps whose parents exit at once, so they are re-parented to chronyvisor
# (PID 1, or the child subreaper); waits until every one of them is gone — not merely dead:
# a zombie still answers kill -0 — and, with $PID_NAMESPACE set, until `ps` shows no zombie
# at all in the namespace, for at most ~10 s; writes "unreaped=N zombies=M" to $REPORT;
# then kills itself with $EXIT_SIGNAL, or exits with $EXIT_CODE (0).
# `chronyd -v` (run's version check, for the leap-second directive) answers as 4.3 does.
for arg in "$@"; do
  [ "$arg" = -p ] && exit 0
  [ "$arg" = -v ] && { echo "chronyd (chrony) version 4.3 (fake)"; exit 0; }
done
n=${ORPHANS:-100}
pids=()
for ((i = 0; i < n; i++)); do
  # A second, not less: a sleep that ends before its subshell has exited is reaped by that
  # subshell (bash reaps finished background jobs) and never reaches chronyvisor, which then
  # counts one orphan too few; on a loaded machine the subshell can take that long.
  pids+=("$( (sleep 1 >/dev/null 2>&1 & echo $!) )")
done
for ((t = 0; t < 200; t++)); do
  unreaped=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && unreaped=$((unreaped + 1)); done
  # A process that has just ended is a zombie for an instant: only zombies that stay count,
  # so look again until none is seen. The poll loop spawns a chronyc every 100 ms while this
  # stand-in never answers; on a loaded machine one of them is nearly always between its end
  # and its reaping (by its own waitpid), so chronyc is left out of the count.
  zombies=$(ps -eo stat=,comm= | grep '^Z' | grep -vc chronyc)
  [ "$unreaped" = 0 ] && { [ "$zombies" = 0 ] || [ -z "${PID_NAMESPACE:-}" ]; } && break
  sleep 0.05
done
echo "unreaped=$unreaped zombies=$zombies" > "$REPORT"
if [ -n "${EXIT_SIGNAL:-}" ]; then kill -s "$EXIT_SIGNAL" $$; fi
exit "${EXIT_CODE:-0}"
