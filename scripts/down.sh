#!/usr/bin/env bash
# Stops and removes the stand scripts/run.sh started: its containers (the monitoring
# profile's Prometheus too) and network, and with
# podman the API service and health-check loop run.sh started (by their pids), netavark's
# firewall chains and net.ipv4.ip_forward as they were (once no container runs anymore).
# The image stays, so the next run.sh starts in seconds; remove it with
# `podman rmi localhost/chronyvisor` (or docker rmi). The stand's NTS CA and certificates
# (STAND_NTS=1) stay too, so hosts that trust the CA keep trusting the next stand; remove
# them with `scripts/down.sh --remove-ca` (or STAND_NTS_REMOVE_CA=1).
SCRIPT_NAME=down.sh
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/podman-install.sh
. scripts/lib/engine.sh
. scripts/lib/stand.sh
. scripts/lib/nts.sh

remove_ca=${STAND_NTS_REMOVE_CA:-0}
for arg in "$@"; do
  case "$arg" in
    --remove-ca) remove_ca=1 ;;
    --keep-ca) remove_ca=0 ;;
    *) die "unknown argument $arg (usage: scripts/down.sh [--remove-ca|--keep-ca])" ;;
  esac
done

PROJECT=${COMPOSE_PROJECT_NAME:-chronyvisor}
# The engine run.sh used (it records it), unless CHRONYVISOR_ENGINE says otherwise.
engine_setting_check
recorded=$(cat "$(state_dir "$PROJECT")/engine" 2>/dev/null || true)
[ -z "${CHRONYVISOR_ENGINE:-}" ] && [ -n "$recorded" ] && export CHRONYVISOR_ENGINE=$recorded
if [ "${CHRONYVISOR_ENGINE:-auto}" = docker ] || { [ "${CHRONYVISOR_ENGINE:-auto}" = auto ] && docker_engine_usable; }; then
  engine_docker_choose
elif have podman; then
  engine_setup "$PROJECT"
else
  say "no container engine here: nothing to stop"
  exit 0
fi
stand_down
if [ "$ENGINE" = podman ]; then engine_teardown "$PROJECT"; else rm -f "$(state_dir "$PROJECT")/engine"; fi
say "the stand is down"
case "$remove_ca" in
  1|true|yes) nts_stand_remove ;;
  *) [ -f "$(nts_stand_dir)/ca/ca.pem" ] && say "the stand's NTS CA stays in $(nts_stand_dir) (--remove-ca removes it)" ;;
esac
exit 0
