#!/usr/bin/env bash
# Brings up the chronyvisor NTP stand: three relays, one gateway and a demo client, each a
# container running chronyvisor. Uses a Docker engine with Compose v2, or podman (installed
# from the distribution's packages on a Debian-family host as root when neither is there).
# Builds the image (without a registry too), starts the stand, waits until every service is
# healthy, then says what to do next. scripts/down.sh stops and removes it.
#
# Settings (environment): NTP_UPSTREAM (every relay's servers, default
# time.cloudflare.com,ntp.netnod.se,ptbtime1.ptb.de,time.nist.gov), NTP_UPSTREAM_1..3 (one
# relay's, falling back to NTP_UPSTREAM),
# RELAY_LOCAL_STRATUM, GATEWAY_MIN_SOURCES, NTP_HOST_ADDRESS, NTP_HOST_PORT (see
# docker-compose.yaml); STAND_NTS=1 for NTS (STAND_NTS_DIR, STAND_NTS_NAMES, NTS_HOST_PORT:
# see docker-compose.nts.yaml and scripts/lib/nts.sh); CHRONYVISOR_ENGINE=docker|podman to choose; CHRONYVISOR_OFFLINE=1 to
# never try a registry; CHRONYVISOR_WAIT (seconds to wait for health, default 300).
# --monitoring (or CHRONYVISOR_MONITORING=1) adds the monitoring profile: a Prometheus
# scraping every node, its UI on PROMETHEUS_HOST_ADDRESS:PROMETHEUS_HOST_PORT (127.0.0.1:9090).
#
# A first run on a fresh machine takes about 15-30 minutes and about 2 GB of disk: the
# packages it installs (podman and the host build's libraries, from scripts/lib/packages.sh),
# the base image (pulled, or made with debootstrap: 5-10 minutes), chronyvisor built on the
# host when no Swift image can be pulled (10-20 minutes on 2 cores), the image. Later runs
# reuse all of it: a minute or two. Long steps say how long they have taken so far.
#
# --debug runs the stand on the image's debug variant (a shell and apt in every container:
# `docker exec -it chrony-main bash`). DEBIAN_RELEASE=bookworm builds on Debian 12 (chrony
# 4.3) instead of 13.
#
# Usage: scripts/run.sh [--monitoring] [--debug]   (as root on a fresh Debian-family machine, so that
#        it can install what is missing; scripts/down.sh removes the stand)
SCRIPT_NAME=run.sh
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/engines.sh
. scripts/lib/upstream.sh
. scripts/lib/stand.sh
. scripts/lib/nts.sh
. scripts/lib/monitoring.sh

MONITORING=${CHRONYVISOR_MONITORING:-0}
VARIANT=minimal
for arg in "$@"; do
  case "$arg" in
    --monitoring) MONITORING=1 ;;
    --debug) VARIANT=debug ;;
    *) usage_error "unknown argument $arg (usage: scripts/run.sh [--monitoring] [--debug])" ;;
  esac
done
[ "$VARIANT" = debug ] && IMAGE=$DEBUG_IMAGE
if ! { have podman && podman image inspect "$IMAGE" >/dev/null 2>&1; } \
  && ! { have docker && docker image inspect "$IMAGE" >/dev/null 2>&1; }; then
  say "a first run: about 15-30 minutes and 2 GB of disk (packages, base image, host build, image; each long step reports its time), a minute or two from then on"
fi

PROJECT=${COMPOSE_PROJECT_NAME:-chronyvisor}
upstream_per_relay
# Where the gateway is published: every host address by default, without an explicit
# 0.0.0.0 (netavark before 1.6 turns that into a DNAT rule no packet matches).
NTP_HOST_ADDRESS=${NTP_HOST_ADDRESS:-}
[ "$NTP_HOST_ADDRESS" = 0.0.0.0 ] && NTP_HOST_ADDRESS=
export NTP_HOST_PORT=${NTP_HOST_PORT:-123}
export NTP_HOST_PUBLISH
NTP_HOST_PUBLISH=$(host_publish "$NTP_HOST_ADDRESS" "$NTP_HOST_PORT")
export CHRONYVISOR_IMAGE=$IMAGE
started=$(now)

engine_setup "$PROJECT"
mkdir -p "$(state_dir "$PROJECT")" && echo "$ENGINE" > "$(state_dir "$PROJECT")/engine"   # for down.sh
say "$(engine_description)"
CLI=$ENGINE   # the command the user types next (podman needs no DOCKER_HOST for it)

image_build "$VARIANT"
[ "$MONITORING" = 1 ] && monitoring_image_build

# The relays' upstream: without one they could never become healthy. Offline mode keeps the
# stand useful: relays serve their own clock at RELAY_LOCAL_STRATUM and report it (degraded).
offline=0
if [ -z "${RELAY_LOCAL_STRATUM:-}" ] && [ -z "$(upstream_usable "$(upstream_all)")" ]; then
  offline=1
  export RELAY_LOCAL_STRATUM=10
  say "no upstream ($(upstream_summary)) can be used from here: starting the relays in offline mode (their own clock at stratum $RELAY_LOCAL_STRATUM, reported as degraded; they switch to the upstream when it answers)"
fi

host_port_free "$NTP_HOST_ADDRESS" "$NTP_HOST_PORT" \
  || die "UDP port $NTP_HOST_PORT on ${NTP_HOST_ADDRESS:-every host address} is in use on this host: set NTP_HOST_PORT (and NTP_HOST_ADDRESS) to publish the gateway elsewhere, e.g. NTP_HOST_PORT=1123 scripts/run.sh"

# NTS (STAND_NTS=1): the stand's CA and certificates, and docker-compose.nts.yaml.
if nts_stand_enabled; then nts_stand_prepare; fi

up_started=$(now)
stand_up "$PROJECT" "${CHRONYVISOR_WAIT:-300}" || {
  # Relays that reach no upstream after their start period: start them again offline rather
  # than wait for what can never come.
  if [ "$offline" = 0 ] && [ -z "${RELAY_LOCAL_STRATUM:-}" ] && relays_unreachable; then
    export RELAY_LOCAL_STRATUM=10
    say "the relays reach none of $(upstream_all): starting them again in offline mode (own clock at stratum $RELAY_LOCAL_STRATUM, reported as degraded)"
    offline=1
    stand_up "$PROJECT" "${CHRONYVISOR_WAIT:-300}" || { stand_dump_logs "$PROJECT"; die "the stand did not become healthy (logs above); scripts/down.sh removes it"; }
  else
    stand_dump_logs "$PROJECT"
    die "the stand did not become healthy (logs above); scripts/down.sh removes it"
  fi
}
say "every service is healthy $(since "$up_started") s after start ($(since "$started") s in all)"
[ "$MONITORING" = 1 ] && monitoring_up

host=${NTP_HOST_ADDRESS:-127.0.0.1}
portflag=""
[ "$NTP_HOST_PORT" != 123 ] && portflag=" --port $NTP_HOST_PORT"
if [ "$offline" = 1 ]; then
  upstream_line="OFFLINE: own clock at stratum $RELAY_LOCAL_STRATUM (degraded) until $(upstream_all) answers"
else
  upstream_line="$(upstream_summary)"
fi
cat <<MSG

The NTP stand is up ($ENGINE):

  $upstream_line
      |                |                |
  chrony-local1    chrony-local2    chrony-local3      relays
      \\                |                /
                   chrony-main                         gateway (needs ${GATEWAY_MIN_SOURCES:-2} relays to agree)
                       |
  host ${NTP_HOST_ADDRESS:-*}:$NTP_HOST_PORT/udp, ntp-user (demo client), containers on ${PROJECT}_ntp_network

Next:
  $CLI exec chrony-main chronyvisor status     the gateway's tracking and sources, as chronyc prints them
  $CLI exec chrony-local1 chronyvisor status   a relay's
  $CLI logs -f ntp-user                        the demo client's samples, every 5 s
  $CLI run --rm --network ${PROJECT}_ntp_network --entrypoint chronyvisor $IMAGE probe chrony-main --count 3
                                               what an application container on ntp_network gets
MSG
if [ "$NTP_HOST_PORT" = 123 ]; then
  cat <<MSG
  ntpdate -q $host                          ask the gateway from the host (query only; Debian: ntpsec-ntpdate)
MSG
fi
cat <<MSG
  $CLI run --rm --network host --entrypoint chronyvisor $IMAGE probe $host$portflag --count 3
                                               the same with chronyvisor's client

The host and other machines use the gateway as their NTP server ($host, UDP $NTP_HOST_PORT):
  chrony:  server $host port $NTP_HOST_PORT iburst      (in /etc/chrony/chrony.conf, then: chronyc sources)
  ntpd:    server $host$([ "$NTP_HOST_PORT" = 123 ] || echo " (ntpd only asks port 123: set NTP_HOST_PORT=123)") iburst
  systemd-timesyncd: NTP=$host                    (port 123 only, in /etc/systemd/timesyncd.conf)

Stop and remove it: scripts/down.sh
MSG
if nts_stand_enabled; then nts_stand_summary "$host"; fi
if [ "$MONITORING" = 1 ]; then
  cat <<MSG

Monitoring: Prometheus at $MONITORING_URL (targets: ${MONITORING_URL}targets, alerts: ${MONITORING_URL}alerts)
  Grafana: import deploy/grafana/chronyvisor-stand.json and choose this Prometheus as its data source.
MSG
fi
