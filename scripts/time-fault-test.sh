#!/usr/bin/env bash
# Time faults in the real stand: the real image and docker-compose.yaml on one engine
# (CHRONYVISOR_ENGINE: podman, the default, or docker), with Tests/Container/
# docker-compose.time-faults.yaml: four local reference servers (chronyd -x, local stratum 1;
# two of them in manual mode, moved with `chronyc settime`) as the relays' upstreams, set per
# relay through the stand's own NTP_UPSTREAM_1..3. Nothing off this machine is contacted;
# every chronyd runs with -x, no container has SYS_TIME.
#
#   (d) the gateway's selected relay is stopped: the gateway's readiness (`chronyvisor health`
#       in it) sampled every second for FAILOVER_WATCH seconds, printed, none may be not-ready;
#   (b) every relay has ntp-wrong among its three upstreams, and ntp-wrong jumps ~3 s ahead:
#       each relay marks it `x` (seconds printed), stays ready and keeps serving good time
#       (the gateway's view of each relay and the host's offset through the published port);
#   (a) relay 1 follows ntp-step alone (NTP_UPSTREAM_1=ntp-step, the relay recreated);
#   (c) ntp-step steps ~1 s ahead mid-run: relay 1's served offset (as the gateway measures
#       it), the gateway's state for it and the gateway's served time through the published
#       port are printed every second until the gateway has marked relay 1 a falseticker;
#       then (a): the gateway is ready, its verdict says `degraded: falseticker: <relay 1>`,
#       its /metrics say source_state="falseticker" for relay 1, the host gets good time.
#
# It removes everything it started (containers, network, podman's API service and health
# loop or the dockerd it started, firewall chains, ip_forward) and checks the host is as before.
# Usage: [CHRONYVISOR_ENGINE=docker] scripts/time-fault-test.sh   (scripts/test.sh runs it on
# both engines; CHRONYVISOR_SKIP_TIME_FAULT_TEST=1 skips it there)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/stand-test.sh

stand_test_settings chronyvisor-time-fault-test
# Not the test stand's one reference: four of them (Tests/Container/docker-compose.time-faults.yaml).
COMPOSE_ARGS=(-f docker-compose.yaml -f Tests/Container/docker-compose.time-faults.yaml)
# The relays' upstreams: three references each, one of which will go wrong.
REFERENCES=(ntp-true-1 ntp-true-2 ntp-wrong ntp-step)
THREE=ntp-true-1,ntp-true-2,ntp-wrong
export NTP_UPSTREAM_1=$THREE NTP_UPSTREAM_2=$THREE NTP_UPSTREAM_3=$THREE NTP_UPSTREAM=
# Published on a loopback address of its own (ntpdate asks port 123 only).
HOST_ASK=${CHRONYVISOR_TEST_ADDRESS:-127.0.0.125}
export NTP_HOST_PUBLISH=$HOST_ASK:123
FAILOVER_WATCH=${CHRONYVISOR_FAILOVER_WATCH:-40}   # seconds the gateway is watched after a relay stops
WRONG_BY=3    # seconds ntp-wrong jumps ahead
STEP_BY=1     # seconds ntp-step steps ahead

# ---- preparation ------------------------------------------------------------------------
is_debian_family && is_root && bash scripts/install-deps.sh
have ntpdate || die "ntpdate (Debian: ntpsec-ntpdate) is needed; scripts/install-deps.sh installs it"
is_root || die "the time-fault test needs root (it starts container engines)"
host_port_free "$HOST_ASK" 123 || die "UDP $HOST_ASK:123 is in use on this host (ss -lunp)"

stand_test_begin "${REFERENCES[@]}" "${RELAYS[@]}" chrony-main ntp-user
# Nothing may go to a public server: every relay's servers are the test's references only.
relay_servers=$(compose --profile demo config | python3 -c '
import sys, yaml
services = yaml.safe_load(sys.stdin)["services"]
for name in ("chrony-local1", "chrony-local2", "chrony-local3"):
    print(name, services[name]["environment"]["NTP_SERVERS"])')
while read -r relay servers; do
  for s in ${servers//,/ }; do
    printf '%s\n' "${REFERENCES[@]}" | grep -qx "$s" || die "$relay would use $s, which is not one of the test's references (${REFERENCES[*]})"
  done
done <<< "$relay_servers"

stand_test_up "$LIMIT"
ok "the stand is healthy with per-relay upstreams ($(tr '\n' ';' <<< "$relay_servers" | sed 's/;$//; s/;/; /g'))"

# ---- helpers ----------------------------------------------------------------------------
ip_of() { "$ENGINE" inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
relay_of_ip() { local r; for r in "${RELAYS[@]}"; do [ "$(ip_of "$r")" = "$1" ] && { echo "$r"; return; }; done; }
# chronyc -c -n sources: mode,state,address,stratum,poll,reach,lastrx,offset,measured offset,error
sources() { "$ENGINE" exec "$1" chronyc -c -n sources 2>/dev/null; }
state_of() { sources "$1" | awk -F, -v a="$2" '$3 == a { print $2 }'; }
offset_of() { sources "$1" | awk -F, -v a="$2" '$3 == a { print $9 }'; }
# `chronyvisor health` in CONTAINER: "ready|NOT-READY <its line>".
readiness() {
  local out
  if out=$("$ENGINE" exec "$1" chronyvisor health 2>&1); then echo "ready $out"; else echo "NOT-READY $out"; fi
}
# Moves manual reference CONTAINER's time SECONDS ahead of the truth (whole seconds: chronyc
# settime takes no fraction, so the command is sent just after a second begins).
settime_ahead() {
  local c=$1 by=$2 target
  while [ "$(date +%N | sed 's/^0*//; s/^$/0/')" -gt 200000000 ]; do sleep 0.05; done
  target=$(date -u -d "@$(( $(date +%s) + by ))" '+%b %d, %Y %H:%M:%S')
  "$ENGINE" exec "$c" chronyc settime "$target" >/dev/null || fail "chronyc settime in $c failed"
}
# What a reference serves, against the host's clock (ntpdate -q straight to its address).
reference_offset() { ntpdate -q "$(ip_of "$1")" 2>/dev/null | awk '/\+\/-/ { o = $4 } END { print o }'; }
# Sleeps until SECONDS after the monotonic-ish start T0 (a `now` value).
sleep_until() { local d; d=$(awk -v t="$1" -v s="$2" -v n="$(now)" 'BEGIN { d = t + s - n; print (d > 0 ? d : 0) }'); sleep "$d"; }
past() { awk -v a="$(since "$1")" -v l="$2" 'BEGIN { exit !(a > l) }'; }
# The gateway's selected relay (empty when none): sets `selected`.
gateway_selected() {
  addr=$(sources chrony-main | awk -F, '$2 == "*" { print $3 }')
  selected=""; [ -n "$addr" ] && selected=$(relay_of_ip "$addr"); [ -n "$selected" ]
}
three_relays_used() { [ "$(sources chrony-main | awk -F, '$2 ~ /[*+-]/' | wc -l)" -ge 3 ]; }
is_ready() { local r; r=$(readiness "$1"); [ "${r%% *}" = ready ]; }
relay1_on_step() {
  [ "$(sources chrony-local1 | awk -F, '$2 == "*" { print $3 }')" = "$step_ip" ] \
    && r1_ip=$(ip_of chrony-local1) && [[ "$(state_of chrony-main "$r1_ip")" =~ ^[*+-]$ ]]
}

# ---- (d) the selected relay lost: readiness each second ----------------------------------
wait_until "$LIMIT" "the gateway selected no relay" gateway_selected
"$ENGINE" stop "$selected" >/dev/null
t0=$(now); not_ready=0; line=""
note "(d) $selected (the gateway's selected relay) stopped; the gateway's readiness each second:"
for i in $(seq 1 "$FAILOVER_WATCH"); do
  sleep_until "$t0" "$i"
  r=$(readiness chrony-main)
  case "$r" in NOT-READY*) not_ready=$((not_ready + 1)) ;; esac
  note "  +${i}s ${r}"
done
failover_result="$not_ready not-ready second(s) of $FAILOVER_WATCH"
timing "failover: $failover_result"
"$ENGINE" start "$selected" >/dev/null
# Back to three relays in the gateway's eyes before the next case.
poll_until "$LIMIT" three_relays_used \
  || fail "the gateway does not use all three relays again after $LIMIT s: $(sources chrony-main)"
# and the restarted relay ready itself (it starts again from "starting"), so that (b) sees
# only what the falseticker does.
poll_until "$LIMIT" is_ready "$selected" \
  || fail "$selected is not ready again $LIMIT s after its restart: $(readiness "$selected")"
if [ "$not_ready" = 0 ]; then
  ok "(d) the selected relay $selected lost: the gateway stayed ready every second for $FAILOVER_WATCH s"
else
  # The test fails at its end (the exit status); the other cases still run and are measured.
  not_ok "(d) the selected relay $selected lost: the gateway was not ready in $failover_result (readiness through a failover is HealthPolicy's: see docs/explanation/time-faults.md)"
fi

# ---- (b) every relay has the falseticker among three upstreams --------------------------
wrong_ip=$(ip_of ntp-wrong)
settime_ahead ntp-wrong "$WRONG_BY"
t0=$(now)
note "(b) ntp-wrong ($wrong_ip) now serves $(reference_offset ntp-wrong) s against the host's clock"
declare -A marked=()
# Every relay has marked ntp-wrong `x` (when each did is kept); none may turn not ready.
every_relay_marked() {
  local r rd
  for r in "${RELAYS[@]}"; do
    [ -n "${marked[$r]:-}" ] && continue
    [ "$(state_of "$r" "$wrong_ip")" = x ] && marked[$r]=$(since "$t0")
  done
  for r in "${RELAYS[@]}" chrony-main; do
    rd=$(readiness "$r")
    case "$rd" in NOT-READY*) fail "(b) $r turned not ready with ntp-wrong among its upstreams: $rd" ;; esac
  done
  [ "${#marked[@]}" -ge 3 ]
}
poll_until "$LIMIT" every_relay_marked \
  || fail "(b) not every relay marked ntp-wrong a falseticker after $LIMIT s: $(for r in "${RELAYS[@]}"; do printf '%s %s; ' "$r" "$(state_of "$r" "$wrong_ip")"; done)"
marks=$(for r in "${RELAYS[@]}"; do printf '%s %s s, ' "$r" "${marked[$r]}"; done | sed 's/, $//')
timing "(b) marked x after: $marks"
# The relays still serve good time: the gateway's last sample of each is within 10 ms.
for r in "${RELAYS[@]}"; do
  o=$(offset_of chrony-main "$(ip_of "$r")")
  awk -v o="$o" 'BEGIN { o = o + 0; exit !(o < 0.01 && o > -0.01) }' || fail "(b) the gateway measures $r at $o s: the relay follows the falseticker"
done
read -r off err st < <(host_offset "$HOST_ASK") || fail "(b) ntpdate -q $HOST_ASK gave no time"
offset_good "$off" "$err" || fail "(b) the host's offset $off s (+/- $err) is not under 1 ms nor within its error bound"
timing "(b) host offset $off s +/- $err"
ok "(b) ntp-wrong ${WRONG_BY} s ahead among three upstreams: every relay marked it x ($marks), all stayed ready; the gateway's samples of the relays are within 10 ms; host offset through $HOST_ASK $off s +/- $err (stratum $st)"

# ---- (a)+(c): relay 1 follows ntp-step alone; ntp-step steps ------------------------------
export NTP_UPSTREAM_1=ntp-step
compose up -d --no-deps chrony-local1 >/dev/null 2>&1 || fail "recreating chrony-local1 with NTP_UPSTREAM_1=ntp-step failed"
step_ip=$(ip_of ntp-step)
poll_until "$LIMIT" relay1_on_step \
  || fail "(a) relay 1 on ntp-step alone is not used by the gateway after $LIMIT s: $(sources chrony-main)"
# Read from the host through the container's root (the image has no shell, grep or cat).
r1_pid=$("$ENGINE" inspect --format '{{.State.Pid}}' chrony-local1)
servers=$(awk '$1 == "server" { print $2 }' "/proc/$r1_pid/root/run/chronyvisor/chrony.conf" 2>/dev/null | paste -sd, - || true)
[ "$servers" = ntp-step ] || fail "(a) relay 1's chrony.conf has servers '$servers', expected ntp-step alone (NTP_UPSTREAM_1)"
ok "(a) relay 1 recreated with NTP_UPSTREAM_1=ntp-step: its chrony.conf has that one server, it follows it, and the gateway uses it ($WAITED s)"

# A falseticker is found by majority: before relay 1 steps, the gateway must hold samples of
# all three relays in its selection. A relay restarted in (d) or recreated in (a) may
# have a new address, which the gateway takes up only when it resolves the name again;
# stepping before that leaves two sources that disagree, no majority, and an unsynchronised
# gateway (stratum 0 to its clients): chrony's documented behaviour, not the case measured.
# (`*` selected, `+` combined, `-` selectable but not combined: each counts in the vote.)
gateway_has_three() { [ "$(sources chrony-main | awk -F, '$2 == "*" || $2 == "+" || $2 == "-"' | wc -l)" -ge 3 ]; }
wait_until "$LIMIT" "the gateway has all three relays selectable before the step" gateway_has_three
settime_ahead ntp-step "$STEP_BY"
t0=$(now)
note "(c) ntp-step ($step_ip) stepped: it now serves $(reference_offset ntp-step) s against the host's clock. Each second: relay 1 as the gateway measures it, the gateway's state for it, the gateway's readiness, the host's offset through $HOST_ASK:"
marked_at=""; worst=0; i=0
while true; do
  i=$((i + 1))
  sleep_until "$t0" "$i"
  read -r st o < <(sources chrony-main | awk -F, -v a="$r1_ip" '$3 == a { print $2, $9 }')
  rd=$(readiness chrony-main); rd=${rd%% *}
  read -r off err _ < <(host_offset "$HOST_ASK" 1) || fail "(c) ntpdate -q $HOST_ASK gave no time"
  note "  +${i}s relay1 ${o:-?} s [${st:-?}]  gateway ${rd}  host ${off} +/- ${err}"
  worst=$(awk -v w="$worst" -v o="$off" 'BEGIN { o = o < 0 ? -o : o; print (o > w ? o : w) }')
  [ "$rd" = ready ] || fail "(c) the gateway turned not ready while relay 1 followed the step: $(readiness chrony-main)"
  offset_good "$off" "$err" || fail "(c) the host's offset $off s (+/- $err) is not under 1 ms nor within its error bound while relay 1 followed the step"
  if [ -z "$marked_at" ] && [ "$st" = x ]; then marked_at=$(since "$t0"); fi
  # Five more seconds after the mark, to see it hold.
  [ -n "$marked_at" ] && awk -v a="$(since "$t0")" -v m="$marked_at" 'BEGIN { exit !(a > m + 5) }' && break
  past "$t0" "$LIMIT" && fail "(c) the gateway did not mark relay 1 a falseticker within $LIMIT s of the step"
done
r1_offset=$(offset_of chrony-main "$r1_ip")
timing "(c)/(a) relay 1 marked x ${marked_at} s after the step; worst host offset ${worst} s"
ok "(c) ntp-step stepped ${STEP_BY} s: relay 1 followed it (the gateway measures it at $r1_offset s), the gateway marked it x after $marked_at s and stayed ready; the host's worst offset through the event was $worst s"

# (a): the verdict and the metrics name the falseticker; the host still gets good time.
rd=$(readiness chrony-main)
case "$rd" in
  "ready degraded:"*falseticker*"$r1_ip"*) ;;
  *) fail "(a) the gateway's verdict does not name relay 1 ($r1_ip) a falseticker: $rd" ;;
esac
gw_ip=$(ip_of chrony-main)
metrics=$(curl -fsS --max-time 5 "http://$gw_ip:9123/metrics") || fail "(a) GET http://$gw_ip:9123/metrics failed"
grep -E "^chrony_sources_state_info\{[^}]*source_address=\"$r1_ip\"[^}]*source_state=\"falseticker\"" <<< "$metrics" >/dev/null \
  || grep -E "^chrony_sources_state_info\{[^}]*source_state=\"falseticker\"[^}]*source_address=\"$r1_ip\"" <<< "$metrics" >/dev/null \
  || fail "(a) the gateway's /metrics has no chrony_sources_state_info with source_state=\"falseticker\" for $r1_ip: $(grep '^chrony_sources_state_info' <<< "$metrics")"
grep -qx 'chronyvisor_ready 1\(\.0\)\?' <<< "$metrics" || fail "(a) the gateway's /metrics says it is not ready: $(grep '^chronyvisor_ready' <<< "$metrics")"
read -r off err st < <(host_offset "$HOST_ASK") || fail "(a) ntpdate -q $HOST_ASK gave no time"
offset_good "$off" "$err" || fail "(a) the host's offset $off s (+/- $err) is not under 1 ms nor within its error bound"
timing "(a) host offset $off s +/- $err"
ok "(a) relay 1 alone on a falseticker: the gateway is ready, says '${rd#ready }', its /metrics say falseticker for $r1_ip and ready 1; host offset through $HOST_ASK $off s +/- $err (stratum $st)"

