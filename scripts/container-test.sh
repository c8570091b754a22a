#!/usr/bin/env bash
# The stand's container test: builds the real image from the real Dockerfile with the engine
# that runs it and starts the real docker-compose.yaml on that engine (CHRONYVISOR_ENGINE:
# podman, the default, or docker), plus Tests/Container/docker-compose.test.yaml: a
# local reference server (chronyd, `local stratum 1`) that the relays use instead of the
# public upstream. No public server is contacted; every chronyd runs with -x.
#
# It checks that every service becomes healthy in dependency order, that the gateway
# selects a relay at relay stratum + 1, that the gateway published as a user gets it (every
# host address, no NTP_HOST_ADDRESS) answers the host on 127.0.0.1 (ntpdate -q and
# chronyvisor probe, offset under 1 ms) and "another machine": a client in a network
# namespace of its own, joined by a veth pair, asking the host's address on that link; that `chronyvisor status` prints
# the overview, that the gateway stays healthy with two relays of three and turns unhealthy
# with one (NTP_MIN_SOURCES=2) and heals when they return (both times measured and printed),
# that the demo client prints
# samples, and that `docker stop` ends the gateway within the grace with status 0.
#
# It removes everything it started: containers, network, the namespace and its veth pair,
# podman's API service and health loop, or the dockerd it started (by pid), and the
# firewall chains and rules, docker0 and ip_forward as they were; it checks that the host's
# firewall, links and ip_forward are as before.
# Installs podman & co., or docker.io, from the distribution's packages when missing (Debian,
# root). With Docker it uses the engine that answers, or starts dockerd and stops it at the end.
# CHRONYVISOR_COMPOSE=v2 drives the stand with Compose v2 (`docker compose`, Debian 13's
# docker-compose 2.26 unpacked by scripts/lib/compose-v2.sh when the host has none), v1 with
# docker-compose (Debian 12's 1.29); unset, what the engine's setup prefers (v2 where both are).
# Usage: [CHRONYVISOR_ENGINE=docker] [CHRONYVISOR_COMPOSE=v2] scripts/container-test.sh   (scripts/test.sh runs it on
# both engines; CHRONYVISOR_SKIP_CONTAINER_TEST=1 skips both there, CHRONYVISOR_SKIP_DOCKER_TEST=1 Docker's)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/stand-test.sh
. scripts/lib/compose-v2.sh
stand_test_settings chronyvisor-test
# The defaults a user gets: published on every host address, port 123 (ntpdate asks 123 only).
export NTP_HOST_PUBLISH=123
HOST_ASK=127.0.0.1
# "Another machine": a network namespace joined to the host by a veth pair (a /30 of its own).
NETNS=chronyvisor-test-client NETNS_HOST_IF=cvtest-host NETNS_IF=cvtest-client
NETNS_HOST_ADDR=10.203.11.1 NETNS_ADDR=10.203.11.2

# The docker CLI against podman's API where it exists (what users type), else podman.
dock() { if have docker; then docker "$@"; else podman "$@"; fi; }

# The veth pair first (deleting one end deletes both, at once), then the namespace: a veth
# left to the namespace's deletion goes only when the kernel gets round to it.
netns_remove() {
  ip link delete "$NETNS_HOST_IF" 2>/dev/null || true
  ip netns delete "$NETNS" 2>/dev/null || true
}

# ---- preparation ------------------------------------------------------------------------
# The stand group only (the engine, ntpdate, debootstrap): the host build installs the build
# group itself, and the test group is the host's chronyd's and the other tests' (installing
# it in Debian 13's root file system of scripts/debian13-engines-test.sh would mean apt at
# every run: libgnutls30 and the like are t64 packages there).
is_debian_family && is_root && bash scripts/install-deps.sh stand
have ip || die "ip (Debian: iproute2) is needed for the namespace client"
have ntpdate || die "ntpdate (Debian: ntpsec-ntpdate) is needed; scripts/install-deps.sh installs it"
have python3 || die "python3 is needed (to read chronyvisor probe's JSON)"
is_root || die "the container test needs root (it starts engines, a network namespace and a veth pair)"
host_port_free "" 123 \
  || die "UDP port 123 is in use on this host: the test publishes the gateway there as a user gets it (ntpdate asks port 123 only); stop what listens there (ss -lunp)"
! ip netns list | grep -qw "$NETNS" || die "a network namespace $NETNS exists already (an earlier test killed?): ip netns delete $NETNS"

# From here on, what the test changes is undone at exit (the host's state is saved before the
# engine starts: dockerd and the image build's network add chains and turn on ip_forward).
if [ "${CHRONYVISOR_COMPOSE:-}" = v2 ] && ! docker_compose_command | grep -q '^docker compose$'; then
  docker_install      # the docker CLI, also for podman's API (nothing is started)
  compose_v2_use
fi
stand_test_begin ntp-reference "${RELAYS[@]}" chrony-main ntp-user
say "image $IMAGE: $(image_size) MB, files of $(image_package_count) Debian packages"
say "versions used: $(engine_description | sed 's/^engine: //'), chrony $(image_chrony_version) in the image, $(uname -sr) host"

# ---- every service healthy, in dependency order -------------------------------------------
# The order is checked without racing: whenever a dependant has started, each of its
# dependencies must already be healthy (compose starts a dependant only then, and none turns
# unhealthy).
declare -A DEPENDS=(
  [chrony-local1]=ntp-reference [chrony-local2]=ntp-reference [chrony-local3]=ntp-reference
  [chrony-main]="${RELAYS[*]}" [ntp-user]=chrony-main
)
# Every dependant started only after its dependencies were healthy; every service healthy
# (the demo client running). Sets `states`.
up_in_order() {
  local d dep s st all=1
  if [ -z "$up_rc" ] && ! kill -0 "$up_pid" 2>/dev/null; then up_rc=0; wait "$up_pid" || up_rc=$?; fi
  for d in "${!DEPENDS[@]}"; do
    # Compose v2 creates every container at once and starts each when its dependencies are
    # healthy (v1 creates it only then): a dependant counts from its start.
    case "$(service_state "$d")" in missing|created) continue ;; esac
    for dep in ${DEPENDS[$d]}; do
      s=$(service_state "$dep")
      [ "$s" = healthy ] || fail "$d was started while its dependency $dep was $s"
    done
  done
  states=""
  for s in ntp-reference "${RELAYS[@]}" chrony-main ntp-user; do
    st=$(service_state "$s"); states+="$s=$st "
    case "$st" in healthy) ;; running) [ "$s" = ntp-user ] || all=0 ;; *) all=0 ;; esac
  done
  if [ -n "$up_rc" ] && [ "$up_rc" != 0 ]; then cat "$TEST_TMP/up.log" >&"$TEST_STDERR"; fail "compose up failed (states: $states)"; fi
  [ "$up_rc" = 0 ] && [ "$all" = 1 ]
}
compose --profile demo up -d > "$TEST_TMP/up.log" 2>&1 &
up_pid=$! up_rc= states=""
poll_until "$LIMIT" up_in_order || fail "not healthy after $LIMIT s: $states"
t=$WAITED
timing "up to healthy $t s"
ok "every service healthy in dependency order ($t s): reference, relays, gateway, then the demo client"

# ---- the gateway selects a relay, at relay stratum + 1 -----------------------------------
ip_of() { "$ENGINE" inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
relay_of_ip() { local r; for r in "${RELAYS[@]}"; do [ "$(ip_of "$r")" = "$1" ] && { echo "$r"; return; }; done; }
# chronyc -c tracking: refid,address,stratum,...; sources: mode,state,address,stratum,poll,reach,...
tracking_field() { "$ENGINE" exec "$1" chronyc -c -n tracking | cut -d, -f"$2"; }
# The gateway's selected relay: sets `selected` (empty when none) and `addr`.
gateway_selected() {
  addr=$("$ENGINE" exec chrony-main chronyc -c -n sources | awk -F, '$2 == "*" { print $3 }')
  selected=""; [ -n "$addr" ] && selected=$(relay_of_ip "$addr"); [ -n "$selected" ]
}
poll_until 30 gateway_selected || fail "the gateway selected no relay: $("$ENGINE" exec chrony-main chronyc -n sources)"
gw_stratum=$(tracking_field chrony-main 3)
relay_stratum=$(tracking_field "$selected" 3)
[ "$relay_stratum" = 2 ] || fail "$selected is at stratum $relay_stratum, expected 2 (the reference is at 1)"
[ "$gw_stratum" = $((relay_stratum + 1)) ] || fail "gateway stratum $gw_stratum, expected $((relay_stratum + 1)) (relay $selected at $relay_stratum)"
ok "the gateway selected $selected ($addr) and serves stratum $gw_stratum = relay stratum $relay_stratum + 1"

# ---- the host gets the time from the published port, on 127.0.0.1 ------------------------
# ntpdate takes one sample per run, and the first packets through a new NAT path can be slow
# (conntrack, ARP): three runs, each must answer at the gateway's stratum, and the one with
# the shortest round trip (the smallest +/-, as NTP clients choose) must be within 1 ms.
best="" best_err=""
for _ in 1 2 3; do
  out=$(ntpdate -q "$HOST_ASK" 2>&1) || fail "ntpdate -q $HOST_ASK failed: $out"
  # 2026-11-27 03:33:50.694027 (+0000) +0.000075 +/- 0.000198 127.0.0.123 s3 no-leap
  line=$(grep -E "^[0-9-]+ [0-9:.]+ \([+-][0-9]+\) [-+][0-9.]+ \+/- [0-9.]+ " <<< "$out" | tail -1)
  [ -n "$line" ] || fail "ntpdate -q: no time in its output: $out"
  grep -q " s$gw_stratum " <<< "$line" || fail "ntpdate -q: expected stratum $gw_stratum: $line"
  err=$(awk '{ print $6 }' <<< "$line")
  if [ -z "$best" ] || awk -v a="$err" -v b="$best_err" 'BEGIN { exit !(a + 0 < b + 0) }'; then
    best=$line; best_err=$err
  fi
done
offset=$(awk '{ print $4 }' <<< "$best")
# Under 1 ms, or within the sample's own error bound (+/-, half the round trip): Docker's
# userland proxy for 127.0.0.1 adds milliseconds of round trip on a loaded host.
awk -v o="$offset" -v e="$best_err" 'BEGIN { o = o + 0; exit !((o < 0 ? -o : o) < 0.001 || (o < 0 ? -o : o) <= e + 0) }' \
  || fail "ntpdate -q: offset $offset s is not under 1 ms nor within its error bound (best of three: $best)"
ok "ntpdate -q $HOST_ASK (published port): offset $offset s +/- $best_err, stratum $gw_stratum"

# chronyvisor probe from the host's network namespace, in the image (no capability needed).
out=$("$ENGINE" run --rm --network host --cap-drop ALL --read-only --entrypoint chronyvisor "$IMAGE" \
  probe "$HOST_ASK" --port 123 --count 3 --interval 1 --json 2>&1) \
  || fail "chronyvisor probe $HOST_ASK failed: $out"
verdict=$(python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.startswith("{")]
samples = [l for l in lines if l.get("type") == "sample"]
if len(samples) < 3:
    print("expected 3 samples, got %d" % len(samples)); sys.exit(1)
if any(s["stratum"] != int(sys.argv[1]) for s in samples):
    print("stratum %s, expected %s" % ([s["stratum"] for s in samples], sys.argv[1])); sys.exit(1)
best = min(samples, key=lambda s: s["delay"])   # the sample an NTP client would trust
if abs(best["offset"]) >= max(0.001, best["delay"] / 2):   # the error bound: half the round trip
    print("offset %.6f s (delay %.6f s) is not under 1 ms nor within half the delay" % (best["offset"], best["delay"])); sys.exit(1)
print("3 samples, offset %.6f s at the shortest delay %.6f s (largest offset %.6f s)"
      % (best["offset"], best["delay"], max(abs(s["offset"]) for s in samples)))' "$gw_stratum" <<< "$out") \
  || fail "chronyvisor probe: $verdict: $out"
ok "chronyvisor probe $HOST_ASK (published port): $verdict, stratum $gw_stratum"

# ---- another machine: a client in a network namespace asks the host's address on its link --
ip netns add "$NETNS"; on_exit netns_remove
ip link add "$NETNS_HOST_IF" type veth peer name "$NETNS_IF" netns "$NETNS"
ip addr add "$NETNS_HOST_ADDR/30" dev "$NETNS_HOST_IF"
ip link set "$NETNS_HOST_IF" up
ip -n "$NETNS" link set lo up
ip -n "$NETNS" addr add "$NETNS_ADDR/30" dev "$NETNS_IF"
ip -n "$NETNS" link set "$NETNS_IF" up
ip -n "$NETNS" route add default via "$NETNS_HOST_ADDR"
# The first packets may meet a link still coming up (IPv6 DAD, ARP): a few tries.
netns_answer() {
  out=$(ip netns exec "$NETNS" ntpdate -q "$NETNS_HOST_ADDR" 2>&1) || true
  line=$(grep -E "^[0-9-]+ [0-9:.]+ \([+-][0-9]+\) [-+][0-9.]+ \+/- [0-9.]+ " <<< "$out" | tail -1)
  [ -n "$line" ]
}
out="" line=""
poll_until 10 netns_answer || fail "ntpdate -q $NETNS_HOST_ADDR from namespace $NETNS ($NETNS_ADDR): no answer: $out"
grep -q " s$gw_stratum " <<< "$line" || fail "the namespace client got stratum other than the gateway's $gw_stratum: $line"
# Through the published port to the gateway: its client log names the namespace's address.
"$ENGINE" exec chrony-main chronyc -c -n clients | grep -q "^$NETNS_ADDR," \
  || fail "the gateway's client log does not name $NETNS_ADDR: $("$ENGINE" exec chrony-main chronyc -n clients 2>&1)"
ok "a client in network namespace $NETNS ($NETNS_ADDR, veth) asked the host's $NETNS_HOST_ADDR: answered by the gateway (its client log names $NETNS_ADDR), stratum $gw_stratum, $(awk '{ print $4, $5, $6 }' <<< "$line") s"
netns_remove
ip link show "$NETNS_HOST_IF" >/dev/null 2>&1 && fail "the veth $NETNS_HOST_IF is still there"
ip netns list | grep -qw "$NETNS" && fail "the namespace $NETNS is still there"

# ---- chronyvisor status in the gateway ---------------------------------------------------
out=$(dock exec chrony-main chronyvisor status 2>&1) || fail "docker exec chrony-main chronyvisor status failed: $out"
grep -q '^Reference ID    : [0-9A-F]\{8\} (' <<< "$out" || fail "status: no tracking block (Reference ID): $out"
grep -q "^Stratum         : $gw_stratum\$" <<< "$out" || fail "status: no 'Stratum : $gw_stratum' line: $out"
grep -q '^MS Name/IP address         Stratum Poll Reach LastRx Last sample' <<< "$out" || fail "status: no sources table header: $out"
grep -q '^\^\* ' <<< "$out" || fail "status: no selected source (^*) in the sources table: $out"
ok "docker exec chrony-main chronyvisor status prints the tracking block and the sources table"

# ---- what runs and nothing else --------------------------------------------------------------
# The image holds no shell and no package manager (the Dockerfile's debug target has them).
for p in sh bash dash apt-get dpkg; do
  if out=$("$ENGINE" exec chrony-main "$p" --version 2>&1); then fail "the image has $p: $out"; fi
done
ok "the image has no shell (sh, bash, dash) and no package manager (apt-get, dpkg)"

# ---- two relays of three keep the gateway healthy; one does not; they heal it -------------
gateway_health_now() { "$ENGINE" exec chrony-main chronyvisor health >/dev/null 2>&1 && echo healthy || echo unhealthy; }
service_is() { [ "$(service_state "$1")" = "$2" ]; }
# Missed its last three polls in the gateway's eyes (reach register, octal, low 3 bits).
source_lost() {
  "$ENGINE" exec chrony-main chronyc -c -n sources | awk -F, -v a="$1" '$3 == a { r = $6 } END { exit !(r != "" && substr(r, length(r), 1) == "0") }'
}

# podman 4.3 ignores every failed check for the whole start_period after a container starts
# (Docker ends that period at the first success): a relay lost in the gateway's first minute
# shows only when the period ends. What users see afterwards is what is measured here, so
# on podman the relays are stopped only once the gateway is older than its start period.
go_duration_seconds() {   # podman prints a Go duration (1m0s, 30s), Docker nanoseconds
  local d=$1 total=0
  [[ $d =~ ^[0-9]+$ ]] && { echo $(( d / 1000000000 )); return; }
  [[ $d =~ ([0-9]+)h ]] && total=$(( total + BASH_REMATCH[1] * 3600 ))
  [[ $d =~ ([0-9]+)m([0-9]|$) ]] && total=$(( total + BASH_REMATCH[1] * 60 ))
  [[ $d =~ ([0-9]+)(\.[0-9]+)?s$ ]] && total=$(( total + BASH_REMATCH[1] ))
  echo "$total"
}
if [ "$ENGINE" = podman ]; then
  period=$(go_duration_seconds "$(podman inspect --format '{{.Config.Healthcheck.StartPeriod}}' chrony-main 2>/dev/null)")
  started_at=$(podman inspect --format '{{.State.StartedAt}}' chrony-main | sed 's/ [+-][0-9]\{4\} [A-Z]*$//')
  ready_at=$(( $(date -u -d "$started_at" +%s) + period + 1 ))
  if [ "$(date +%s)" -lt "$ready_at" ]; then
    say "[podman] waiting $(( ready_at - $(date +%s) )) s for the gateway's health start period to end (podman counts no failure inside it)"
    start_period_over() { [ "$(date +%s)" -ge "$ready_at" ]; }
    poll_until $(( ready_at - $(date +%s) + 5 )) start_period_over || true
  fi
fi

first=$selected
first_ip=$(ip_of "$first")
dock stop "$first" >/dev/null
poll_until "$LIMIT" source_lost "$first_ip" || fail "the gateway still hears $first after $LIMIT s"
[ "$(gateway_health_now)" = healthy ] || fail "with $first stopped (two relays left) the gateway's health check fails"
[ "$(service_state chrony-main)" = healthy ] || fail "with $first stopped the gateway is $(service_state chrony-main)"
ok "$first stopped (the selected relay): the gateway lost it in $WAITED s and stays healthy on two relays"

second=""
for r in "${RELAYS[@]}"; do [ "$r" != "$first" ] && { second=$r; break; }; done
second_ip=$(ip_of "$second")
dock stop "$second" >/dev/null
wait_until "$LIMIT" "chrony-main not unhealthy (one relay left, NTP_MIN_SOURCES=2)" service_is chrony-main unhealthy
took=$WAITED
timing "relay loss to unhealthy $took s"
ok "$second stopped too: the gateway turned unhealthy after $took s (one relay, below NTP_MIN_SOURCES=2; target 25 s)"

dock start "$first" "$second" >/dev/null
wait_until "$LIMIT" "chrony-main not healthy (relays back)" service_is chrony-main healthy
took=$WAITED
moved="the same addresses"
[ "$(ip_of "$first") $(ip_of "$second")" != "$first_ip $second_ip" ] && moved="new addresses, found again by name"
timing "relays back to healthy $took s"
ok "$first and $second started again ($moved): the gateway is healthy again after $took s (target 25 s)"

# ---- the demo client prints samples --------------------------------------------------------
demo_samples() { [ "$(dock logs ntp-user 2>&1 | grep -cE '^\[[0-9]+\] .*offset')" -ge 2 ]; }
poll_until 60 demo_samples || fail "the demo client printed no samples: $(dock logs --tail 10 ntp-user 2>&1)"
ok "the demo client prints samples: $(dock logs ntp-user 2>&1 | grep -E '^\[[0-9]+\] .*offset' | tail -1)"

# ---- docker stop of the gateway: within the grace, status 0 -------------------------------
grace=$("$ENGINE" inspect --format '{{.Config.StopTimeout}}' chrony-main)
t=$(now)
dock stop chrony-main >/dev/null
stop_took=$(since "$t")
code=$("$ENGINE" inspect --format '{{.State.ExitCode}}' chrony-main)
[ "$code" = 0 ] || fail "docker stop chrony-main: exit status $code (137 means killed after the ${grace} s grace)"
timing "gateway stop ${stop_took} s"
ok "docker stop chrony-main: exited with status 0 in $stop_took s (grace ${grace} s)"
