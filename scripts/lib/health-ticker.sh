#!/usr/bin/env bash
# Runs the health checks of a compose project's containers on their own schedule. podman
# schedules health checks with systemd timers; where no systemd runs (containers, CI
# machines) nothing would run them and every container would stay `starting`.
#
# Each container is checked every 2 s while it is `starting` (as Docker's start_interval
# does), then at its own interval (the image's HEALTHCHECK --interval, or the compose file's
# healthcheck.interval). Checking every container every 2 s, as this ticker once did, cost a
# small host much of its CPU: each `podman healthcheck run` is an engine exec of a few
# hundred milliseconds of CPU, whatever the check runs (docs/benchmarks.md, capacity).
# Started by scripts/run.sh and scripts/container-test.sh in the background, stopped by pid
# (scripts/down.sh).
# Usage: health-ticker.sh PROJECT
project=${1:?project}
STARTING_EVERY=2
declare -A interval=() due=()
# A container's own interval, whole seconds (at least the start-up tick); "none" when it
# has no check.
interval_of() {
  local seconds
  seconds=$(podman inspect --format '{{.Config.Healthcheck.Interval.Seconds}}' "$1" 2>/dev/null) || seconds=0
  seconds=${seconds%%.*}
  if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" = 0 ]; then
    seconds=none
  elif [ "$seconds" -lt "$STARTING_EVERY" ]; then
    seconds=$STARTING_EVERY
  fi
  echo "$seconds"
}
while true; do
  now=$(date +%s)
  while read -r id status; do
    # podman shows a health state, "(starting)", "(healthy)" or "(unhealthy)", from the
    # moment a container with a check starts. Without one, ask once whether it has a check.
    case $status in
      *'('*')'*) ;;
      *) [ -n "${interval[$id]:-}" ] || interval[$id]=$(interval_of "$id") ;;
    esac
    [ "${interval[$id]:-}" != none ] && [ "$now" -ge "${due[$id]:-0}" ] || continue
    podman healthcheck run "$id" >/dev/null 2>&1 &
    case $status in
      *'(starting)'*) due[$id]=$((now + STARTING_EVERY)) ;;
      *)
        # Asked once, after the check has started: while containers come up, nothing but
        # their checks should stand between two ticks.
        [ -n "${interval[$id]:-}" ] || interval[$id]=$(interval_of "$id")
        due[$id]=$((now + ${interval[$id]})) ;;
    esac
  done < <(podman ps --filter "label=com.docker.compose.project=$project" --format '{{.ID}} {{.Status}}' 2>/dev/null)
  wait
  sleep "$STARTING_EVERY"
done
