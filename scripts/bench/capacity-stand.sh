#!/usr/bin/env bash
# The stand for the capacity benchmark (scripts/bench/capacity.py): the real compose file
# with the container test's local reference (no public server), the gateway published as a
# user gets it (every host address) on CAPACITY_PORT (11323), under its own project; beside
# it the baseline, a plain chronyd container (scripts/bench/plain-chronyd: the usual image,
# built from the same Debian base) synchronised to the same reference and published the
# same way on CAPACITY_PLAIN_PORT (11324).
#
#   capacity-stand.sh up ENGINE [VARIANT]     prints two lines, "gateway 127.0.0.1:PORT PID..."
#                                             (the gateway's supervisor and chronyd, for
#                                             their CPU) and "plain 127.0.0.1:PORT PID"
#   capacity-stand.sh down ENGINE [VARIANT]   removes the stand and what the engine added
#
# ENGINE is podman or docker. VARIANT no-userland-proxy (docker only) starts dockerd with
# --userland-proxy=false: possible only when no Docker engine answers already (a user's
# daemon is never restarted). The host is left as found: containers, network, the dockerd
# this script started (by pid), firewall chains, docker0, ip_forward.
. "$(dirname "$0")/../lib/init.sh"
. scripts/lib/engines.sh
. scripts/lib/stand.sh

action=${1:?usage: capacity-stand.sh up|down ENGINE [VARIANT]}
engine=${2:?usage: capacity-stand.sh up|down ENGINE [VARIANT]}
variant=${3:-default}
case "$engine/$variant" in
  podman/default|docker/default|docker/no-userland-proxy) ;;
  *) die "unknown engine/variant $engine/$variant (podman, docker, docker no-userland-proxy)" ;;
esac
is_root || die "run as root (the engines and the published port need it)"

PROJECT=chronyvisor-capacity
COMPOSE_ARGS=(-f docker-compose.yaml -f Tests/Container/docker-compose.test.yaml -f scripts/bench/plain-chronyd/compose.yaml)
export CHRONYVISOR_ENGINE=$engine CHRONYVISOR_IMAGE=$IMAGE
export NTP_UPSTREAM=ntp-reference RELAY_LOCAL_STRATUM= GATEWAY_MIN_SOURCES=2
PORT=${CAPACITY_PORT:-11323}
export NTP_HOST_PUBLISH=$PORT
PLAIN_PORT=${CAPACITY_PLAIN_PORT:-11324}
export PLAIN_HOST_PUBLISH=$PLAIN_PORT PLAIN_IMAGE=localhost/chronyvisor-bench-plain:latest
dir=$(state_dir "$PROJECT")

down() {
  if [ "$engine" = docker ]; then
    if docker_daemon_answers; then
      ENGINE=docker; COMPOSE=($(docker_compose_command))
      compose --profile demo down --remove-orphans --timeout 10 >/dev/null 2>&1 || true
      docker network rm "${PROJECT}_ntp_network" >/dev/null 2>&1 || true
      docker rmi "$PLAIN_IMAGE" >/dev/null 2>&1 || true
    fi
    docker_daemon_stop "$dir"
  else
    engine_choose
    compose --profile demo down --remove-orphans --timeout 10 >/dev/null 2>&1 || true
    engine_teardown "$PROJECT"
    podman rmi "$PLAIN_IMAGE" >/dev/null 2>&1 || true
  fi
}

if [ "$action" = down ]; then
  down
  exit 0
fi
[ "$action" = up ] || die "unknown action $action (up or down)"

if [ "$engine" = docker ]; then
  docker_install
  if [ "$variant" = no-userland-proxy ]; then
    docker_daemon_answers && die "a Docker engine answers already: its userland proxy setting is its own (not restarted here)"
    DOCKERD_ARGS=--userland-proxy=false docker_daemon_start "$dir"
  else
    docker_daemon_start "$dir"
  fi
  engine_choose
else
  engine_setup "$PROJECT"
fi
for c in ntp-reference chrony-local1 chrony-local2 chrony-local3 chrony-main chrony-plain; do
  "$ENGINE" container inspect "$c" >/dev/null 2>&1 && die "a container named $c exists already (another stand?): remove it first"
done
base_image_ensure >&2
image_build >&2
plain_args=(-t "$PLAIN_IMAGE" --build-arg "DEBIAN_RELEASE=$DEBIAN_RELEASE")
[ "$ENGINE" = podman ] && plain_args+=(--format docker --pull=never --layers=false)
say "building $PLAIN_IMAGE (the baseline: plain chronyd, Debian $DEBIAN_RELEASE)"
plain_log=$(mktemp)
output_to "$plain_log" "$ENGINE" build "${plain_args[@]}" scripts/bench/plain-chronyd \
  || { tail -20 "$plain_log" >&2; rm -f "$plain_log"; die "building the baseline image failed"; }
rm -f "$plain_log"
stand_up "$PROJECT" 300 >&2 || die "the stand did not come up"
main_pid=$("$ENGINE" inspect --format '{{.State.Pid}}' chrony-main)
children=$(cat /proc/"$main_pid"/task/*/children 2>/dev/null || true)
echo "gateway 127.0.0.1:$PORT $main_pid $children"
plain_pid=$("$ENGINE" inspect --format '{{.State.Pid}}' chrony-plain)
echo "plain 127.0.0.1:$PLAIN_PORT $plain_pid $(cat /proc/"$plain_pid"/task/*/children 2>/dev/null || true)"
