#!/bin/bash
# A stand-in for chronyd in the PID-1 tests (nothing here keeps time or touches the clock).
# `chronyd -p` (run's config check) succeeds at once. Otherwise it starts $ORPHANS (100)
# background sleeps whose parents exit at once, so they are re-parented to chronyvisor
# (PID 1, or the child subreaper); waits until every one of them is gone — not merely dead:
# a zombie still answers kill -0 — for at most ~10 s; writes "unreaped=N zombies=M" to
# $REPORT (M counts every zombie `ps` sees: meaningful inside a PID namespace); then kills
# itself with $EXIT_SIGNAL, or exits with $EXIT_CODE (0).
for arg in "$@"; do [ "$arg" = -p ] && exit 0; done
n=${ORPHANS:-100}
pids=()
for ((i = 0; i < n; i++)); do
  pids+=("$( (sleep 0.2 >/dev/null 2>&1 & echo $!) )")
done
for ((t = 0; t < 200; t++)); do
  unreaped=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && unreaped=$((unreaped + 1)); done
  [ "$unreaped" = 0 ] && break
  sleep 0.05
done
zombies=$(ps -eo stat= | grep -c '^Z')
echo "unreaped=$unreaped zombies=$zombies" > "$REPORT"
if [ -n "${EXIT_SIGNAL:-}" ]; then kill -s "$EXIT_SIGNAL" $$; fi
exit "${EXIT_CODE:-0}"
