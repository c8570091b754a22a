#!/usr/bin/env bash
# Runs the health checks of a compose project's containers every 2 s. podman schedules
# health checks with systemd timers; where no systemd runs (containers, CI machines) nothing
# would run them and every container would stay `starting`. Started by scripts/run.sh and
# scripts/container-test.sh in the background, stopped by pid (scripts/down.sh).
# Usage: health-ticker.sh PROJECT
project=${1:?project}
while true; do
  for id in $(podman ps -q --filter "label=com.docker.compose.project=$project" 2>/dev/null); do
    podman healthcheck run "$id" >/dev/null 2>&1 &
  done
  wait
  sleep 2
done
