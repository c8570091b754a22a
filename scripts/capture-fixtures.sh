#!/usr/bin/env bash
# Re-captures the chrony golden fixtures (Tests/ChronyKitTests/Fixtures/chrony-<version>/)
# from the chronyd/chronyc installed here: real chronyd instances on loopback, ALWAYS -x
# (the clock is never touched), nothing off this machine.
#
# Scenarios, one file each, in the format of ../shared/fixtures (### REPORT, output, rc=N):
#   reference.txt       a `local stratum 1` server that has served a client (serverstats, clients)
#   client.txt          a client with a selected source and an unreachable source
#   unsynchronised.txt  a client whose only source never answers (Not synchronised)
#   starting.txt        the client's state at the very first read after start
#   nts.txt             an NTS client (authdata, selectdata) of an NTS server its CA signed,
#                       of an impostor whose certificate another CA signed, and of a plain
#                       source that never answers (certificates by scripts/lib/nts.sh)
#   falseticker.txt     every report of a client of three references, one of them a
#                       falseticker (`manual` mode, stepped seconds ahead with `chronyc
#                       settime`: with -x it serves that cooked time, the clock untouched)
# Each human (chronyc -n REPORT) output is read between two identical CSV reads
# (chronyc -c REPORT), so both show the same chronyd state; a pair is retried until they do
# (serverstats: see serverstats_pair).
#
# Usage: scripts/capture-fixtures.sh [output-directory]   (CAPTURE_ONLY=nts or falseticker:
# that file alone). Another Debian release's chrony: scripts/capture-fixtures-debian.sh.
SCRIPT_NAME=capture-fixtures.sh
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/chrony-private.sh
. scripts/lib/nts.sh
chrony_on_path
# shellcheck disable=SC2034 # poll_until's pause: a chronyd answers within a second
POLL_EVERY=0.1
version=$(chronyc --version | sed -n 's/^chronyc (chrony) version \([0-9.]*\).*/\1/p')
# chronyc >= 4.8 drops root privileges to chrony's user by default, and that user cannot
# enter the 0700 socket directories below: it stays root (-u root) where it has the option.
# (An older chronyc rejects -u, but answers --version before it reads its options: the
# version tells.)
if [ "$(printf '%s\n' 4.8 "$version" | sort -V | head -1)" = 4.8 ]; then
  chronyc() { command chronyc -u root "$@"; }
fi
out=${1:-Tests/ChronyKitTests/Fixtures/chrony-$version}
mkdir -p "$out"

work=$(mktemp -d /tmp/chronyvisor-capture.XXXXXX)
chmod 0700 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT

base=$(( 30000 + ($$ % 1000) * 10 ))
ref_port=$base; client_port=$((base + 1)); unsync_port=$((base + 2)); dead_port=$((base + 3))

# start NAME PORT DIRECTIVES...: a chronyd on 127.0.0.1:PORT (BIND=ADDRESS: on another) with its socket in $work/NAME.
start() {
  local name=$1 port=$2; shift 2
  chronyd_start "$work/$name" "$@" "port $port" "bindaddress ${BIND:-127.0.0.1}" "allow 127.0.0.0/8" \
    "cmdport 0" "bindcmdaddress $work/$name/chronyd.sock"
  pids+=("$CHRONYD_PID")
  poll_until 30 chronyc -h "$work/$name/chronyd.sock" -c tracking \
    || { echo "capture: chronyd $name did not start:" >&2; cat "$work/$name/log" >&2; exit 1; }
}

# pair SOCKET REPORT...: prints "### REPORT" human "rc=" and "### -c REPORT" csv "rc=" from one state.
pair() {
  local socket=$1; shift
  local c1 human c2
  for _ in $(seq 200); do
    c1=$(chronyc -h "$socket" -c "$@" 2>&1; echo "rc=$?")
    human=$(chronyc -h "$socket" -n "$@" 2>&1; echo "rc=$?")
    c2=$(chronyc -h "$socket" -c "$@" 2>&1; echo "rc=$?")
    if [ "$c1" = "$c2" ] || serverstats_pair "$1" "$c1" "$c2"; then
      printf '### %s\n%s\n### -c %s\n%s\n' "$*" "$human" "$*" "$c2"
      return 0
    fi
  done
  echo "capture: $* did not hold still for two reads:" >&2; printf "%s\n%s\n" "$c1" "$c2" >&2; exit 1
}

# serverstats counts every chronyc request, its own included: "Command packets received"
# (field 3) grows by one per read. Two CSV reads around the human one are the same state
# when field 3 grew by exactly 2 and nothing else changed; the fixture keeps the second CSV,
# so the human output's count is the CSV's minus one (as in ../shared/fixtures).
serverstats_pair() {
  [ "$1" = serverstats ] || return 1
  local a b
  a=$(printf '%s\n' "$2" | head -1); b=$(printf '%s\n' "$3" | head -1)
  [ "$(cut -d, -f1-2,4- <<<"$a")" = "$(cut -d, -f1-2,4- <<<"$b")" ] || return 1
  [ $(( $(cut -d, -f3 <<<"$b") - $(cut -d, -f3 <<<"$a") )) = 2 ]
}

capture_all() {
  local socket=$1
  for report in tracking sources sourcestats activity serverstats ntpdata clients; do
    pair "$socket" "$report"
  done
}

# The NTS client has keys of the good server and selected it, and the impostor's key
# exchange has failed (no keys, a failed NTS-KE attempt counted).
nts_settled() {
  chronyc -h "$1" -c authdata | grep -q '^127.0.0.91,NTS,[1-9]' \
    && chronyc -h "$1" -c authdata | grep -q '^127.0.0.92,NTS,0,0,0,[0-9]*,[1-9]' \
    && chronyc -h "$1" -c sources | grep -q '^^,\*,127.0.0.91,'
}

capture_nts() {
  # NTS: a server whose certificate the client's CA signed (127.0.0.91), an impostor signed by
  # another CA (127.0.0.92), a plain source that never answers.
  nts_make_ca "$work/pki"; nts_make_cert "$work/pki" "$work/pki/ca" good 127.0.0.91
  nts_make_ca "$work/evil"; nts_make_cert "$work/evil" "$work/evil/ca" bad 127.0.0.92
  nts_port=$((base + 4)); ke_port=$((base + 5))
  for n in good:91:pki bad:92:evil; do
    IFS=: read -r name host dir <<< "$n"
    BIND=127.0.0.$host start "nts-$name" "$nts_port" "local stratum 1" "ntsservercert $work/$dir/$name/cert.pem" \
      "ntsserverkey $work/$dir/$name/key.pem" "ntsport $ke_port" "ntsdumpdir $work/nts-$name"
  done
  start nts-client "$((base + 6))" \
    "server 127.0.0.91 port $nts_port iburst minpoll -3 maxpoll -3 nts ntsport $ke_port" \
    "server 127.0.0.92 port $nts_port iburst minpoll -3 maxpoll -3 nts ntsport $ke_port" \
    "server 127.0.0.2 port $dead_port iburst minpoll -3 maxpoll -3" \
    "ntstrustedcerts $work/pki/ca/ca.pem" "ntsdumpdir $work/nts-client" "maxclockerror 0"
  poll_until 60 nts_settled "$work/nts-client/chronyd.sock" \
    || { echo "capture: the NTS client did not settle in 60 s (127.0.0.91 selected with NTS keys, 127.0.0.92's key exchange refused):" >&2; chronyc -h "$work/nts-client/chronyd.sock" -n authdata >&2; exit 1; }
  { for report in authdata selectdata sources tracking; do pair "$work/nts-client/chronyd.sock" "$report"; done
  } > "$out/nts.txt"
}

# The voter has marked 127.0.0.4 a falseticker, selected one of the two that agree, and
# holds 16 samples of 127.0.0.1 (all reach registers full).
voter_settled() {
  chronyc -h "$1" -c sources | grep -q '^^,x,127.0.0.4,1,-3,377,' \
    && chronyc -h "$1" -c sources | grep -q '^^,\*,127.0.0.[13],1,-3,377,' \
    && chronyc -h "$1" -c sourcestats | grep -q '^127.0.0.1,16,'
}

capture_falseticker() {
  # Two references that agree (the same clock) and one whose time runs seconds ahead.
  BIND=127.0.0.3 start reference-b "$((base + 7))" "local stratum 1"
  BIND=127.0.0.4 start false-ahead "$((base + 8))" "local stratum 1" "manual"
  # settime takes a local date and time; the reference then serves it (chronyd -x keeps
  # the step to itself: the system clock is untouched).
  chronyc -h "$work/false-ahead/chronyd.sock" settime "$(date -d "@$(( $(date +%s) + 7 ))" '+%b %d, %Y %H:%M:%S')" >/dev/null \
    || { echo "capture: chronyc settime failed" >&2; exit 1; }
  start voter "$((base + 9))" \
    "server 127.0.0.1 port $ref_port iburst minpoll -3 maxpoll -3" \
    "server 127.0.0.3 port $((base + 7)) iburst minpoll -3 maxpoll -3" \
    "server 127.0.0.4 port $((base + 8)) iburst minpoll -3 maxpoll -3" \
    "maxclockerror 0"
  local socket=$work/voter/chronyd.sock
  poll_until 60 voter_settled "$socket" \
    || { echo "capture: 127.0.0.4 is no falseticker (or the others not selected with 16 samples) after 60 s:" >&2; chronyc -h "$socket" -n sources >&2; exit 1; }
  # Read while it polls, each pair between two polls (pair retries): `chronyc offline` would
  # freeze the polling but also clear every reach register, and with it the selection (every
  # source `?`), and chronyd -x keeps slewing its own clock (tracking's System time moves).
  for report in tracking sources sourcestats activity serverstats ntpdata clients authdata selectdata; do
    pair "$socket" "$report"
  done > "$out/falseticker.txt"
}

case "${CAPTURE_ONLY:-}" in
  nts) capture_nts; echo "captured chrony $version NTS fixtures in $out/nts.txt"; exit 0 ;;
  falseticker)
    start reference "$ref_port" "local stratum 1"
    capture_falseticker; echo "captured chrony $version falseticker fixtures in $out/falseticker.txt"; exit 0 ;;
esac

start reference "$ref_port" "local stratum 1"
# Fast polls fill the client's sample set within seconds (a small skew), and maxclockerror 0
# keeps the tracking report's root dispersion (which grows with the time since the last
# update) from moving between the CSV and the human read.
start client "$client_port" \
  "server 127.0.0.1 port $ref_port iburst minpoll -3 maxpoll -3" \
  "server 127.0.0.2 port $dead_port iburst minpoll -3 maxpoll -3" \
  "maxclockerror 0"
# The very first state of a client: nothing heard yet.
capture_all "$work/client/chronyd.sock" > "$out/starting.txt"
start unsync "$unsync_port" "server 127.0.0.1 port $dead_port iburst minpoll 0 maxpoll 0"

# Wait until the client holds a full sample set (64 samples) and has selected the reference.
client_settled() {
  chronyc -h "$1" -c sourcestats | grep -q "^127.0.0.1,64," \
    && chronyc -h "$1" -c sources | grep -q "^^,\*,127.0.0.1,.*,377,"
}
poll_until 60 client_settled "$work/client/chronyd.sock" \
  || { echo "capture: the client did not select the reference with 64 samples in 60 s" >&2; exit 1; }

capture_all "$work/client/chronyd.sock" > "$out/client.txt"


capture_all "$work/reference/chronyd.sock" > "$out/reference.txt"
capture_all "$work/unsync/chronyd.sock" > "$out/unsynchronised.txt"
capture_nts
capture_falseticker
echo "captured chrony $version fixtures in $out"
