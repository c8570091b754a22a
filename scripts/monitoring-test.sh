#!/usr/bin/env bash
# The monitoring profile's container test: builds the real chronyvisor image and the
# Prometheus image (deploy/prometheus/Dockerfile, offline like the stand's), starts the real
# docker-compose.yaml with the `monitoring` profile plus Tests/Container/docker-compose.test.yaml
# (a local reference server instead of the public upstream: nothing off this machine is
# contacted; every chronyd runs with -x), and asks the stand's own Prometheus, through its
# published UI port on loopback:
#   - every node is a scrape target and up, and so is the demo client's probe monitor;
#   - the probe monitor gets good samples from the gateway and from every relay;
#   - every query of the Grafana dashboard (deploy/grafana/chronyvisor-stand.json) returns data;
#   - after two of the three relays stop, the gateway's ChronyvisorGatewayTooFewRelays alert
#     is pending or firing (deploy/prometheus/alerts.yml as loaded by that Prometheus).
# It removes everything it started: containers, network, podman's API service and health
# loop (by pid), netavark's firewall chains and ip_forward as they were.
# Usage: scripts/monitoring-test.sh   (scripts/test.sh runs it; CHRONYVISOR_SKIP_MONITORING_TEST=1 skips it there)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/stand-test.sh

stand_test_settings chronyvisor-monitoring-test podman
# The host is not compared after the run (engine_teardown puts back what it saved; another
# user's podman network may come and go meanwhile).
STAND_TEST_COMPARE_HOST=0
export NTP_HOST_ADDRESS=${CHRONYVISOR_TEST_ADDRESS:-127.0.0.124} NTP_HOST_PORT=123
export NTP_HOST_PUBLISH=$NTP_HOST_ADDRESS:$NTP_HOST_PORT   # the compose file takes [ADDRESS:]PORT (issue 11)
export PROMETHEUS_HOST_ADDRESS=127.0.0.1 PROMETHEUS_HOST_PORT=${CHRONYVISOR_TEST_PROMETHEUS_PORT:-19090}
. scripts/lib/monitoring.sh
PROM=http://$PROMETHEUS_HOST_ADDRESS:$PROMETHEUS_HOST_PORT
NODES=(chrony-local1 chrony-local2 chrony-local3 chrony-main)

prometheus_logs() { podman logs --tail 30 chronyvisor-prometheus 2>&1 | sed 's/^/# prometheus: /' || true; }
api() { python3 scripts/lib/prometheus_api.py "$PROM" "$@"; }
# `api ARGS` says yes: its answer in `answer`.
api_yes() { answer=$(api "$@"); }
# Repeats `api ARGS` until it says yes, failing after LIMIT seconds with its last answer; sets
# `answer`.
wait_api() {
  local what=$1; shift
  answer=""
  POLL_EVERY=2 poll_until "$LIMIT" api_yes "$@" || fail "$what: not after $LIMIT s (last: $answer)"
}

# ---- preparation ------------------------------------------------------------------------
is_debian_family && is_root && bash scripts/install-deps.sh
have python3 || die "python3 is needed (to ask Prometheus's API)"
python3 scripts/lib/prometheus_api.py "$PROM" ready >/dev/null 2>&1 \
  && die "something answers on $PROM already: set CHRONYVISOR_TEST_PROMETHEUS_PORT to a free port"

stand_test_begin ntp-reference "${NODES[@]}" ntp-user chronyvisor-prometheus
on_fail prometheus_logs
timed "prometheus image" monitoring_image_build

# ---- the stand with the monitoring profile ------------------------------------------------
t=$(now)
compose --profile monitoring --profile demo up -d > "$TEST_TMP/up.log" 2>&1 || { cat "$TEST_TMP/up.log"; fail "compose --profile monitoring --profile demo up failed"; }
wait_api "Prometheus ready at $PROM" ready
ok "Prometheus answers on $PROM, published on loopback only ($(since "$t") s)"
published=$(podman port chronyvisor-prometheus)
case "$published" in "9090/tcp -> 127.0.0.1:$PROMETHEUS_HOST_PORT") ;; *) fail "Prometheus published as: $published" ;; esac
for n in "${NODES[@]}"; do
  [ -z "$(podman port "$n" 2>/dev/null | grep 9123 || true)" ] || fail "$n publishes its metrics port on the host"
done
ok "the nodes' metrics port (9123) is not published on the host"

t=$(now)
# The nodes and the demo client (ntp-user: chronyvisor probe --monitor).
wait_api "all $(( ${#NODES[@]} + 1 )) targets up" targets "$(( ${#NODES[@]} + 1 ))"
timing "targets up $(since "$t") s"
ok "every node and the demo client's probe monitor are targets and up: $answer"
wait_api "the probe monitor's good samples of the gateway and the three relays" \
  query 'count(chronyvisor_probe_success{job="chronyvisor-probe"} == 1) == 4'
ok "the probe monitor (ntp-user) has good samples of the gateway and the three relays: $answer"

# ---- every dashboard query answered -------------------------------------------------------
t=$(now)
mapfile -t queries < <(python3 scripts/lib/dashboard_queries.py deploy/grafana/chronyvisor-stand.json)
[ "${#queries[@]}" -gt 5 ] || fail "the dashboard gave only ${#queries[@]} queries"
for q in "${queries[@]}"; do
  title=${q%%$'\t'*}; expr=${q#*$'\t'}
  wait_api "dashboard panel '$title' ($expr)" query "$expr"
done
timing "dashboard queries $(since "$t") s"
ok "all ${#queries[@]} queries of the dashboard's panels return data"

# The gateway is healthy before the relays go: the alert must be caused by their loss.
wait_api "the gateway ready in Prometheus" query 'chronyvisor_ready{instance="chrony-main:9123"} == 1'
if api alert ChronyvisorGatewayTooFewRelays instance=chrony-main:9123 >/dev/null; then
  fail "ChronyvisorGatewayTooFewRelays is raised with all relays running"
fi
ok "no relay-loss alert while three relays run"

# ---- two relays stop: the gateway's alert ------------------------------------------------
t=$(now)
podman stop -t 10 chrony-local1 chrony-local2 >/dev/null
wait_api "ChronyvisorGatewayTooFewRelays for chrony-main" alert ChronyvisorGatewayTooFewRelays instance=chrony-main:9123
timing "relay-loss alert $(since "$t") s"
ok "two relays stopped: Prometheus raises ChronyvisorGatewayTooFewRelays for the gateway ($(since "$t") s): $answer"
