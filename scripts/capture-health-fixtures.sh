#!/usr/bin/env bash
# Captures real chronyc -c reports (tracking, sources, sourcestats) from real chronyd 4.x
# instances in the states the health policy must judge, into
# Tests/ChronyKitTests/Fixtures/health/STATE.{tracking,sources,sourcestats}.csv.
# Every chronyd runs with -x on loopback (127.0.0.x); nothing leaves the machine.
. "$(dirname "$0")/lib/init.sh"
out=Tests/ChronyKitTests/Fixtures/health
mkdir -p "$out"
work=$(mktemp -d)
chmod 700 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

base=$((30000 + RANDOM % 2000))
# start NAME ADDRESS PORT DIRECTIVES...: a chronyd with -x, its own socket, serving on ADDRESS:PORT.
start() {
  local name=$1 address=$2 port=$3; shift 3
  mkdir -p "$work/$name"; chmod 700 "$work/$name"
  { printf '%s\n' "$@"
    echo "port $port"; echo "bindaddress $address"; echo "allow 127.0.0.0/8"; echo "cmdport 0"
    echo "bindcmdaddress $work/$name/sock"; echo "pidfile $work/$name/pid"; } > "$work/$name/conf"
  chronyd -x -d -u root -f "$work/$name/conf" 2>"$work/$name/log" &
  pids+=($!)
  eval "pid_$name=$!"
}
cc() { chronyc -h "$work/$1/sock" -c "${@:2}"; }
save() { # save NODE STATE
  cc "$1" tracking > "$out/$2.tracking.csv"
  cc "$1" sources > "$out/$2.sources.csv"
  cc "$1" sourcestats > "$out/$2.sourcestats.csv"
  echo "captured $2: $(cut -d, -f14 "$out/$2.tracking.csv"), $(wc -l < "$out/$2.sources.csv") sources"
}
wait_for() { # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -lt $deadline ] || { echo "timeout: $*" >&2; return 1; }; sleep 0.2; done
}

# Three references (stratum 1) standing in for relays.
for i in 1 2 3; do start "ref$i" "127.0.0.$((60 + i))" $((base + i)) "local stratum 1"; done
sleep 0.5
relays=$(for i in 1 2 3; do echo "server 127.0.0.$((60 + i)) port $((base + i)) iburst minpoll -2 maxpoll 0"; done)

# A gateway of the three, minsources 2.
mapfile -t lines <<< "$relays"
start gw 127.0.0.70 $((base + 10)) "${lines[@]}" "minsources 2"
# Unsynchronised: right after start, before the first answers arrive.
wait_for 5 test -S "$work/gw/sock"
save gw gateway-unsynchronised
wait_for 30 sh -c "chronyc -h $work/gw/sock -c sources | grep -q '^\^,\*,'"
sleep 3
save gw gateway-synchronised

# One relay stops: two of three remain.
kill "$pid_ref3"; sleep 3
save gw gateway-one-relay-down
# A second relay stops: below minsources.
kill "$pid_ref2"; sleep 3
save gw gateway-two-relays-down
kill "$pid_ref1"; sleep 3
save gw gateway-all-relays-down

# A relay whose only upstream never answers, with a local clock fallback (orphan).
start relaylocal 127.0.0.71 $((base + 11)) "server 127.0.0.72 port $((base + 12)) iburst minpoll -2 maxpoll 0" "local stratum 10 orphan"
wait_for 5 test -S "$work/relaylocal/sock"
sleep 3
save relaylocal relay-local-clock-only

# A relay synchronised to one upstream.
start up 127.0.0.73 $((base + 13)) "local stratum 1"
start relay 127.0.0.74 $((base + 14)) "server 127.0.0.73 port $((base + 13)) iburst minpoll -2 maxpoll 0"
wait_for 30 sh -c "chronyc -h $work/relay/sock -c sources 2>/dev/null | grep -q '^\^,\*,'"
sleep 2
save relay relay-synchronised
