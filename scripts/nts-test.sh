#!/usr/bin/env bash
# The stand's NTS test: builds the real image and starts the real stand with NTS
# (docker-compose.yaml + docker-compose.nts.yaml, certificates by scripts/lib/nts.sh) on
# podman, with the local reference of Tests/Container/docker-compose.test.yaml instead of a
# public upstream, and an impostor relay (Tests/Container/docker-compose.nts-test.yaml) whose
# certificate another CA signed. No public server is contacted; every chronyd runs with -x.
#
# It checks that:
#   - bad NTS settings (a certificate without its key, a missing key file, a key chronyd's
#     user cannot read, a file that is no PEM) exit 78 naming the variable and start nothing;
#   - every real relay is authenticated at the gateway (authdata: Mode NTS, cookies), and
#     `chronyvisor status authdata|selectdata` prints what `chronyc -n` prints, byte for byte;
#   - the impostor is refused (NTS-KE fails, no cookies) while the gateway stays healthy on
#     the three relays, and its health and /metrics name the impostor;
#   - a client chronyd on the host (-x, its own directories, no server port) synchronises to
#     the gateway over NTS through the published ports (TCP 4460 for NTS-KE, UDP 123);
#   - a second gateway (chrony-main-2, profile second-gateway: the same certificate and key
#     schedule) takes over the published ports, and the host client goes on authenticating
#     there with the cookies it holds: no NTS-KE at chrony-main-2, no new key establishment
#     and no NAK at the client (chronyc authdata).
# It removes all it started: containers, network, podman's API service and health loop,
# netavark's chains and ip_forward as they were, the host client (by pid), the CAs.
# Usage: scripts/nts-test.sh   (scripts/test.sh runs it; CHRONYVISOR_SKIP_NTS_TEST=1 skips it there)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/stand-test.sh
. scripts/lib/nts.sh

stand_test_settings chronyvisor-nts-test podman
# The host is not compared after the run (engine_teardown puts back what it saved; another
# user's podman network may come and go meanwhile).
STAND_TEST_COMPARE_HOST=0
# The gateway on a loopback address of its own: UDP 123 and TCP 4460 there.
export NTP_HOST_ADDRESS=${CHRONYVISOR_NTS_TEST_ADDRESS:-127.0.0.124} NTP_HOST_PORT=123 NTS_HOST_PORT=4460

work=$TEST_TMP
export STAND_NTS_DIR=$work/stand IMPOSTOR_NTS_DIR=$work/impostor
host_client_log() { [ -f "$work/client/log" ] && sed 's/^/# host client: /' "$work/client/log"; true; }

# ---- preparation ------------------------------------------------------------------------
is_debian_family && is_root && bash scripts/install-deps.sh
have openssl || die "openssl is needed; scripts/install-deps.sh installs it"
. scripts/lib/chrony-private.sh
chrony_on_path   # the host client's chronyd: Debian's, unpacked privately when not installed
chronyd=$(command -v chronyd) || die "chronyd is needed for the host client"
host_port_free "$NTP_HOST_ADDRESS" "$NTP_HOST_PORT" \
  || die "UDP $NTP_HOST_ADDRESS:$NTP_HOST_PORT is in use: set CHRONYVISOR_NTS_TEST_ADDRESS to a free 127.x.y.z"

# The stand's CA and certificates, as run.sh makes them; the impostor's from another CA.
t=$(now)
nts_stand_prepare
COMPOSE_ARGS+=(-f Tests/Container/docker-compose.nts-test.yaml)
nts_make_ca "$IMPOSTOR_NTS_DIR"
nts_make_cert "$IMPOSTOR_NTS_DIR" "$IMPOSTOR_NTS_DIR/ca" chrony-impostor chrony-impostor
[ ! -e "$STAND_NTS_DIR/chrony-main/ca.key" ] || fail "a CA key next to a node's certificate"
timing "certificates $(since "$t") s"

stand_test_begin ntp-reference "${RELAYS[@]}" chrony-impostor chrony-main chrony-main-2 ntp-user
on_fail host_client_log

# ---- bad NTS settings: exit 78 naming the variable, nothing started -----------------------
node=$STAND_NTS_DIR/chrony-local1
mkdir -p "$work/private"; cp "$node/key.pem" "$work/private/key.pem"; chmod 0600 "$work/private/key.pem"
bad_setting() {   # EXPECTED_NAME WHAT PODMAN_ARGS...
  local name=$1 what=$2; shift 2
  local out rc=0
  out=$(podman run --rm --network none --no-healthcheck --cap-drop ALL --read-only \
    --tmpfs /run:mode=1777 --tmpfs /var/lib/chrony:mode=1777 --tmpfs /tmp -v "$node:/etc/chronyvisor/nts/node:ro" \
    -e NTP_SERVERS=127.0.0.1 "$@" "$IMAGE" 2>&1) || rc=$?
  [ "$rc" = 78 ] || fail "$what: exit status $rc, expected 78: $out"
  [ "$(printf '%s\n' "$out" | grep -c .)" = 1 ] || fail "$what: expected one line, got: $out"
  grep -q "$name" <<< "$out" || fail "$what: the error does not name $name: $out"
  grep -qi "chronyd started" <<< "$out" && fail "$what: chronyd was started: $out"
  ok "$what: exit 78, one line naming $name: $out"
}
bad_setting NTS_SERVER_KEY "a certificate without its key" -e NTS_SERVER_CERT=/etc/chronyvisor/nts/node/cert.pem
bad_setting NTS_SERVER_KEY "a key file that does not exist" -e NTS_SERVER_CERT=/etc/chronyvisor/nts/node/cert.pem \
  -e NTS_SERVER_KEY=/etc/chronyvisor/nts/node/missing.pem
bad_setting NTS_SERVER_KEY "a key _chrony cannot read (0600 root)" -e NTS_SERVER_CERT=/etc/chronyvisor/nts/node/cert.pem \
  -e NTS_SERVER_KEY=/etc/chronyvisor/private/key.pem -v "$work/private:/etc/chronyvisor/private:ro"
bad_setting NTS_SERVER_CERT "a certificate that is no PEM" -e NTS_SERVER_CERT=/etc/hostname \
  -e NTS_SERVER_KEY=/etc/chronyvisor/nts/node/key.pem
bad_setting NTS_TRUSTED_CERTS "trusted certificates that do not exist" -e NTS_TRUSTED_CERTS=/etc/chronyvisor/nts/ca.pem

# ---- the stand with NTS: every service healthy --------------------------------------------
t=$(now)
stand_test_up "$LIMIT"
ok "the NTS stand is healthy ($(since "$t") s): reference, three relays and the impostor serving NTS, the gateway, the demo client"

ip_of() { podman inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
impostor_ip=$(ip_of chrony-impostor)

# ---- every relay authenticated at the gateway ---------------------------------------------
# chronyc -c authdata: address,mode,keyid,type,klen,last,attempts,nak,cookies,clen
relays_authenticated() {
  local r ip line
  for r in "${RELAYS[@]}"; do
    ip=$(ip_of "$r")
    line=$(podman exec chrony-main chronyc -c -n authdata | grep "^$ip,") || return 1
    [ "$(cut -d, -f2 <<< "$line")" = NTS ] && [ "$(cut -d, -f9 <<< "$line")" -gt 0 ] || return 1
  done
}
wait_until "$LIMIT" "every relay authenticated at the gateway (authdata Mode NTS with cookies)" relays_authenticated
ok "every relay is authenticated at the gateway: $(podman exec chrony-main chronyc -c -n authdata | grep -v "^$impostor_ip," | cut -d, -f1,2,9 | tr '\n' ' ')(address,mode,cookies)"

# ---- status authdata / selectdata: byte for byte chronyc -n ---------------------------------
same_as_chronyc() {   # REPORT: two chronyc reads around ours, equal to each other and to ours
  local a ours b
  a=$(podman exec chrony-main chronyc -n "$1"); ours=$(podman exec chrony-main chronyvisor status "$1")
  b=$(podman exec chrony-main chronyc -n "$1")
  last_reads="chronyc: $(tr '\n' '|' <<< "$a") ours: $(tr '\n' '|' <<< "$ours") chronyc again: $(tr '\n' '|' <<< "$b")"
  [ "$a" = "$b" ] && [ "$ours" = "$a" ] && return 0
  same_but_moving_age "$1" "$a" "$ours" "$b"
}
# Both reports' sixth column, Last, moves while they are read, and three execs on a loaded
# machine rarely fall into one second: authdata's (time since the source's last key
# establishment, %I) every second, selectdata's (time since the last sample) at every poll,
# when it falls back to 0 (the relays are polled every 1-4 s). Accepted when every line has
# the same length and the same other fields in all three reads; for authdata, ours has a
# Last between the two chronyc reads around it.
same_but_moving_age() {   # REPORT A OURS B
  python3 - "$@" <<'PY'
import sys
def seconds(v):   # "-": never (a source that has had no key establishment)
    units = {"m": 60, "h": 3600, "d": 86400, "y": 31536000}
    return -1 if v == "-" else int(v[:-1]) * units[v[-1]] if v[-1] in units else int(v)
report = sys.argv[1]
a, ours, b = (t.splitlines() for t in sys.argv[2:])
ok = len(a) == len(ours) == len(b)
for la, lo, lb in zip(a, ours, b):
    fa, fo, fb = la.split(), lo.split(), lb.split()
    if la == lo == lb:
        continue
    if not (len(la) == len(lo) == len(lb) and len(fa) == len(fo) == len(fb)):
        ok = False
    elif len(fa) == 10 and fa[1] != "Mode":
        others = lambda f: f[:5] + f[6:]
        if "-" in (fa[5], fo[5], fb[5]):
            moved = fa[5] == fo[5] == fb[5]
        elif report == "selectdata":   # back to 0 at each sample: any order
            moved = all(seconds(f[5]) >= 0 for f in (fa, fo, fb))
        else:
            moved = seconds(fa[5]) <= seconds(fo[5]) <= seconds(fb[5])
        ok = ok and others(fa) == others(fo) == others(fb) and moved
    else:
        ok = ok and la == lo == lb
sys.exit(0 if ok else 1)
PY
}
for report in authdata selectdata; do
  last_reads=""
  poll_until "$LIMIT" same_as_chronyc "$report" \
    || fail "chronyvisor status $report equal to chronyc -n $report: not after $LIMIT s (the last reads: $last_reads)"
  json=$(podman exec chrony-main chronyvisor status "$report" --json)
  python3 -c 'import json, sys; d = json.load(sys.stdin); assert len(d[sys.argv[1]]) == 4, d' "$report" <<< "$json" \
    || fail "status $report --json: expected the four sources: $json"
  ok "chronyvisor status $report is byte for byte chronyc -n $report; --json lists the four sources"
done

# ---- the impostor: refused, named, the gateway healthy --------------------------------------
impostor_refused() {
  local line; line=$(podman exec chrony-main chronyc -c -n authdata | grep "^$impostor_ip,") || return 1
  # Mode NTS, no cookies, at least one key establishment attempt.
  [ "$(cut -d, -f2 <<< "$line")" = NTS ] && [ "$(cut -d, -f9 <<< "$line")" = 0 ] && [ "$(cut -d, -f7 <<< "$line")" -ge 1 ]
}
wait_until "$LIMIT" "the impostor refused (authdata: NTS, no cookies, attempts)" impostor_refused
reach=$(podman exec chrony-main chronyc -c -n sources | awk -F, -v a="$impostor_ip" '$3 == a { print $6 }')
[ "$reach" = 0 ] || fail "the gateway took samples from the impostor (reach $reach)"
podman logs chrony-main 2>&1 | grep -q "TLS handshake with $impostor_ip.*failed" \
  || fail "the gateway's chronyd did not log a failed TLS handshake with the impostor"
ok "the impostor ($impostor_ip, certificate from another CA) is refused: NTS-KE fails, no cookies, never sampled (reach 0)"

health=$(podman exec chrony-main chronyvisor health 2>&1) || fail "the gateway's health check fails with the impostor: $health"
grep -q "NTS key establishment failing.*$impostor_ip" <<< "$health" || fail "the gateway's health does not name the impostor: $health"
[ "$(service_state chrony-main)" = healthy ] || fail "the gateway is $(service_state chrony-main) with the impostor"
ok "the gateway stays healthy on its three relays and names the impostor: $health"

# /metrics listens on the container's loopback: asked in its network namespace.
metrics=$(container_http_get chrony-main http://127.0.0.1:9123/metrics || true)
grep -q "^chronyvisor_nts_source_key_establishment_failing{source_address=\"$impostor_ip\"} 1" <<< "$metrics" \
  || fail "/metrics: no chronyvisor_nts_source_key_establishment_failing 1 for the impostor: $(grep nts_source <<< "$metrics")"
for r in "${RELAYS[@]}"; do
  grep -q "^chronyvisor_nts_source_authenticated{source_address=\"$(ip_of "$r")\"} 1" <<< "$metrics" \
    || fail "/metrics: $r is not chronyvisor_nts_source_authenticated 1: $(grep nts_source <<< "$metrics")"
done
ok "/metrics: chronyvisor_nts_source_authenticated 1 for each relay, key_establishment_failing 1 for the impostor"

# ---- a host client over NTS through the published ports ------------------------------------
t=$(now)
CHRONYD=$chronyd chronyd_start "$work/client" "server $NTP_HOST_ADDRESS iburst nts minpoll -2 maxpoll 0" \
  "ntstrustedcerts $STAND_NTS_DIR/ca/ca.pem" "ntsdumpdir $work/client" "port 0" "cmdport 0" \
  "bindcmdaddress $work/client/chronyd.sock"
client_pid=$CHRONYD_PID
hc() { chronyc -h "$work/client/chronyd.sock" -c -n "$@"; }
client_synchronised() {
  kill -0 "$client_pid" 2>/dev/null || fail "the host client chronyd exited"
  local auth src
  auth=$(hc authdata 2>/dev/null) && src=$(hc sources 2>/dev/null) || return 1
  [ "$(cut -d, -f2 <<< "$auth")" = NTS ] && [ "$(cut -d, -f9 <<< "$auth")" -gt 0 ] \
    && [ "$(cut -d, -f2 <<< "$src")" = "*" ] && [ "$(hc tracking | cut -d, -f14)" = Normal ]
}
wait_until "$LIMIT" "the host client synchronised to the gateway over NTS" client_synchronised
took=$(since "$t")
stratum=$(hc tracking | cut -d, -f3)
ok "a host chronyd (-x) synchronised to the gateway over NTS via $NTP_HOST_ADDRESS (TCP $NTS_HOST_PORT, UDP $NTP_HOST_PORT) in $took s: $(hc authdata | cut -d, -f1,2,9), stratum $stratum"
timing "host client synchronised ${took} s"

# ---- a second gateway with the same keys: the client moves without a new key establishment
# chronyc -c serverstats (4.3): NTS-KE connections are the sixth field, authenticated NTP
# packets the eighth; authdata: address,mode,keyid,type,klen,last,attempts,nak,cookies,clen.
# chrony-main-2 (profile second-gateway) takes over the published ports from chrony-main, as
# a load balancer in front of two gateways moves a client's flow. The client is offline
# while no gateway holds the ports: a chronyd client spends one of its eight cookies on
# every request, answered or not, and polling every 0.25-1 s it would spend them all in the
# gap and have to make a new key establishment wherever its next packet went.
t=$(now)
serverstats() { podman exec "$1" chronyc -c serverstats 2>/dev/null; }
ke_main=$(serverstats chrony-main | cut -d, -f6)
out=$(hc offline 2>&1) || fail "chronyc offline at the host client: $out"
before=$(hc authdata); keyid=$(cut -d, -f3 <<< "$before")
compose stop -t 15 chrony-main >/dev/null 2>&1 || fail "compose stop chrony-main failed"
out=$(compose --profile second-gateway up -d --no-deps chrony-main-2 2>&1) || fail "compose up chrony-main-2: $out"
second_healthy() { [ "$(service_state chrony-main-2)" = healthy ]; }
wait_until "$LIMIT" "chrony-main-2 healthy" second_healthy
gap=$(hc authdata)
[ "$(cut -d, -f1-5,7- <<< "$gap")" = "$(cut -d, -f1-5,7- <<< "$before")" ] \
  || fail "the host client's NTS state changed while it was offline: before $before, after $gap"
out=$(hc online 2>&1) || fail "chronyc online at the host client: $out"
authenticated_by_second() { [ "$(serverstats chrony-main-2 | cut -d, -f8)" -ge 5 ] 2>/dev/null; }
wait_until "$LIMIT" "chrony-main-2 answered the host client's cookies" authenticated_by_second
stats=$(serverstats chrony-main-2); after=$(hc authdata)
[ "$(cut -d, -f6 <<< "$stats")" = 0 ] || fail "chrony-main-2 saw $(cut -d, -f6 <<< "$stats") NTS-KE connections; expected none (serverstats $stats)"
[ "$(cut -d, -f3 <<< "$after")" = "$keyid" ] && [ "$(cut -d, -f8 <<< "$after")" = 0 ] && [ "$(cut -d, -f9 <<< "$after")" -gt 0 ] \
  || fail "the host client established keys again, got a NAK or has no cookies: before $before, after $after"
took=$(since "$t")
ok "a second gateway (chrony-main-2, same certificate and key schedule) in chrony-main's place: $(cut -d, -f8 <<< "$stats") authenticated answers, 0 NTS-KE connections (chrony-main had $ke_main); host client authdata before $before, after $after: key establishment #$keyid still, no NAK ($took s)"
timing "second gateway ${took} s"
stop_pid "$client_pid"
