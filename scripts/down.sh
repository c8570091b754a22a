#!/usr/bin/env bash
# Stops and removes the stand scripts/run.sh started: its containers (the monitoring
# profile's Prometheus too) and network, and with
# podman the API service and health-check loop run.sh started (by their pids), netavark's
# firewall chains and net.ipv4.ip_forward as they were (once no container runs anymore).
# The image stays, so the next run.sh starts in seconds; remove it with
# `podman rmi localhost/chronyvisor` (or docker rmi).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT_NAME=down.sh
. scripts/lib/common.sh
. scripts/lib/podman-install.sh
. scripts/lib/engine.sh
. scripts/lib/stand.sh

PROJECT=${COMPOSE_PROJECT_NAME:-chronyvisor}
if [ "${CHRONYVISOR_ENGINE:-auto}" != podman ] && docker_engine_usable; then
  ENGINE=docker; COMPOSE=(docker compose)
elif have podman; then
  engine_setup "$PROJECT"
else
  say "no container engine here: nothing to stop"
  exit 0
fi
compose --profile demo --profile monitoring down --remove-orphans --timeout 15
[ "$ENGINE" = podman ] && engine_teardown "$PROJECT"
say "the stand is down"
