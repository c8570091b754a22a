#!/usr/bin/env bash
# The real-systemd test: deploy/systemd/chronyvisor.service, unchanged, under Debian's systemd
# (252 in Debian 12, 257 in 13: DEBIAN_RELEASE) as PID 1 in an ordinary rootful podman
# container (`--systemd=always --network none`, no --privileged, no added capability). The
# image is the stand image's debug variant (scripts/lib/image.sh: the minimal image has no
# apt to install systemd with) plus Debian's systemd (Tests/Systemd/Containerfile); the
# upstream is a second chronyd inside (-x, local stratum 1 on 127.0.0.1:11123, its own unit
# ntp-reference.service). The install steps of docs/guide/systemd.md are run as written: the
# binary copied out of the stand's (minimal) image on the host, then the install block inside
# the container (its one interactive step, `editor /etc/default/chronyvisor`, writes the
# test's settings).
#
# Checks: `systemd-analyze verify` is clean and `systemd-analyze security` exposure <= 3.0
# (printed); the unit stays activating until READY=1 (health says not ready meanwhile) and
# a start whose READY=1 cannot come times out; chronyd never sees NOTIFY_SOCKET/WATCHDOG_*;
# the capability bounding set is the unit's and chronyd has no CAP_SYS_TIME; StatusText
# follows the state when the upstream stops and returns; `systemctl reload` (SIGHUP) more
# often than RESTART_MAX keeps the service up and never counts as a failure; `kill -STOP` of
# the supervisor -> the watchdog kills and restarts it; a frozen chronyd (`kill -STOP`) is
# replaced; giving up after the restart budget is a failure that Restart=on-failure undoes;
# `systemctl stop` ends with status 0, no chronyd left, within TimeoutStopSec; every journal
# line of the unit's processes is chronyvisor's own log format.
# A failed check is reported and the test goes on (after putting the service back), so one
# run shows every failure; the exit status is 1 when any check failed.
#
# Removes its container and its image (the stand's image stays, as container-test.sh leaves
# it), and what netavark changed on the host during the image builds.
# Usage: scripts/systemd-test.sh   (scripts/test.sh runs it; CHRONYVISOR_SKIP_SYSTEMD_TEST=1 skips it there)
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT_NAME=systemd-test
. scripts/lib/common.sh
. scripts/lib/podman-install.sh
. scripts/lib/engine.sh
. scripts/lib/image.sh

PROJECT=chronyvisor-systemd-test
C=$PROJECT                                              # the container
TEST_IMAGE=localhost/chronyvisor-systemd-test:latest
UNIT=chronyvisor.service
LIMIT=${CHRONYVISOR_TEST_WAIT:-120}   # seconds any one wait may take before a check fails
# The test's settings, written by the install block's `editor` step. RESTART_MAX=2 keeps the
# give-up and reload checks short; polls every 1-2 s let a lost upstream show within seconds.
SETTINGS='NTP_SERVERS=127.0.0.1:11123
NTP_MINPOLL=0
NTP_MAXPOLL=1
RESTART_MAX=2
RESTART_WINDOW=5m'
RESTART_MAX=2

test_started=$(now)
passed=0 failed=0
failures=()
ok() { passed=$((passed + 1)); printf 'ok %d - %s\n' "$((passed + failed))" "$*"; }
not_ok() { failed=$((failed + 1)); failures+=("$*"); printf 'not ok %d - %s\n' "$((passed + failed))" "$*"; }
note() { printf '# %s\n' "$*"; }

started_here=0
cleanup() {
  local rc=$?
  if [ "$started_here" = 1 ]; then
    podman rm -f -t 5 "$C" >/dev/null 2>&1 || true
    podman rmi -f "$TEST_IMAGE" >/dev/null 2>&1 || true
    rm -rf "${work:-}"
    engine_teardown "$PROJECT"
    if podman container exists "$C" 2>/dev/null; then say "warning: container $C is still there"; rc=1; fi
  fi
  [ "$rc" = 0 ] && [ "$failed" != 0 ] && rc=1
  if [ "$rc" = 0 ]; then
    say "passed $passed checks in $(since "$test_started") s"
  else
    say "FAILED after $(since "$test_started") s: $failed of $((passed + failed)) checks failed"
    local f; for f in "${failures[@]}"; do say "  failed: $f"; done
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers ------------------------------------------------------------------------------
in_c() { podman exec "$C" "$@"; }
prop() { in_c systemctl show -P "$1" "$UNIT"; }
# Retries a command every 0.5 s until it succeeds or LIMIT seconds pass: wait_for LIMIT CMD...
wait_for() {
  local limit=$1; shift
  local t; t=$(now)
  until "$@" >/dev/null 2>&1; do
    awk -v a="$(since "$t")" -v l="$limit" 'BEGIN { exit !(a > l) }' && return 1
    sleep 0.5
  done
}
is_active() { [ "$(prop ActiveState)" = active ]; }
status_text() { prop StatusText; }
# The first word of StatusText: the supervisor's state (synchronised, degraded, ...).
state_word() { status_text | sed 's/[: ].*//'; }
synced_state() { [ "$(state_word)" = "$SYNCED_WORD" ]; }
# The supervised chronyd: the child of the unit's main process named chronyd.
chronyd_pid() {
  local main; main=$(prop MainPID)
  [ "$main" != 0 ] || return 1
  in_c sh -c 'for d in /proc/[0-9]*; do
      [ "$(cat "$d/comm" 2>/dev/null)" = chronyd ] || continue
      [ "$(awk "/^PPid:/ { print \$2 }" "$d/status" 2>/dev/null)" = "$1" ] && echo "${d#/proc/}"
    done; true' sh "$main" | head -1 | grep .
}
# Every chronyd on the container that runs the generated configuration (not the reference).
supervised_chronyds() {
  in_c sh -c 'for d in /proc/[0-9]*; do
      tr "\0" " " < "$d/cmdline" 2>/dev/null | grep -q "^/usr/sbin/chronyd .*/run/chronyvisor/chrony.conf" && echo "${d#/proc/}"
    done; true'
}
no_supervised_chronyd() { [ -z "$(supervised_chronyds)" ]; }
healthy_and_synced() { is_active && synced_state && in_c chronyvisor health; }
active_and_ready() { is_active && [ -n "$(status_text)" ] && in_c chronyvisor health; }
SYNCED_WORD=''    # the state word of StatusText once synchronised, learnt at the first start
# Synchronised, or no longer running at all (no use waiting then).
settled() { healthy_and_synced || { local s; s=$(prop ActiveState); [ "$s" != active ] && [ "$s" != activating ] && [ "$s" != reloading ]; }; }
# The host's pid of a process of the container (by its pid inside): its environment is
# readable only with CAP_SYS_PTRACE once chronyd runs as _chrony, which podman exec lacks.
host_pid() {
  local ns d; ns=$(readlink "/proc/$(podman inspect -f '{{.State.Pid}}' "$C")/ns/pid")
  for d in /proc/[0-9]*; do
    [ "$(readlink "$d/ns/pid" 2>/dev/null)" = "$ns" ] || continue
    [ "$(awk '/^NSpid:/ { print $NF }' "$d/status" 2>/dev/null)" = "$1" ] && { echo "${d#/proc/}"; return 0; }
  done
  return 1
}
pid_gone() { ! in_c test -d "/proc/$1"; }
new_chronyd() { local p; p=$(chronyd_pid) && [ "$p" != "$1" ]; }
journal_since() { in_c journalctl -q --no-pager -u "$UNIT" --since "@$1" -o cat; }
container_now() { in_c date +%s; }
# kill inside the container (the image has no /bin/kill: the shell's builtin).
signal() { in_c sh -c 'kill -s "$1" "$2"' sh "$1" "$2"; }

# Puts the service back after a failed check, so that the next check starts from a known
# state: nothing stopped, the reference up, the unit active and synchronised.
recover() {
  in_c sh -c 'for d in /proc/[0-9]*; do kill -CONT "${d#/proc/}" 2>/dev/null; done; true'
  in_c rm -rf /run/systemd/system/$UNIT.d
  in_c systemctl daemon-reload
  in_c systemctl start ntp-reference.service
  in_c systemctl reset-failed "$UNIT" >/dev/null 2>&1 || true
  in_c systemctl restart "$UNIT" >/dev/null 2>&1 || true
  wait_for "$LIMIT" healthy_and_synced || note "the service did not come back: $(status_text)"
}

# ---- preparation --------------------------------------------------------------------------
is_debian_family && is_root && bash scripts/install-deps.sh
engine_choose
[ "$ENGINE" = podman ] || die "this test runs systemd in podman (found $ENGINE)"
if podman container exists "$C"; then
  die "a container named $C exists already (an earlier run?): podman rm -f $C"
fi
started_here=1
# The image builds' network turns on ip_forward and adds netavark's chains: saved here,
# put back by engine_teardown.
dir=$(state_dir "$PROJECT"); mkdir -p "$dir"; is_root && host_state_save "$dir"
work=$(mktemp -d /var/tmp/chronyvisor-systemd-test.XXXXXX)

t=$(now); base_image_ensure; image_build; image_build debug
t2=$(now)
podman build --format docker --pull=never -q -t "$TEST_IMAGE" --build-arg "BASE=$DEBUG_IMAGE" -f Tests/Systemd/Containerfile Tests/Systemd >/dev/null \
  || die "building $TEST_IMAGE failed"
note "images: stand $(since "$t") s, systemd layer $(since "$t2") s"

podman run -d --name "$C" --systemd=always --network none "$TEST_IMAGE" /lib/systemd/systemd >/dev/null
booted() { local s; s=$(in_c systemctl is-system-running 2>/dev/null || true); [ "$s" = running ] || [ "$s" = degraded ]; }
wait_for "$LIMIT" booted || die "systemd in $C did not finish booting: $(in_c systemctl --failed --no-pager 2>&1)"
[ "$(in_c systemctl is-system-running 2>/dev/null || true)" = running ] \
  || note "systemd is degraded: $(in_c systemctl --failed --no-legend --no-pager | tr '\n' ' ')"
ok "systemd boots as PID 1 in podman without --privileged or added capabilities ($(in_c systemctl --version | head -1))"

# ---- the guide's install steps, as written ---------------------------------------------
# A fenced block of the systemd guide, by the marker comment before it (README.md's quick
# start repeats two of them; scripts/check-docs.sh keeps those the same).
guide_block() {
  awk -v m="<!-- systemd-install:$1 -->" '
    $0 == m { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    found && inside { print }' docs/guide/systemd.md
}
binary_block=$(guide_block binary-from-image)
install_block=$(guide_block install)
[ -n "$binary_block" ] && [ -n "$install_block" ] || die "docs/guide/systemd.md lacks the install blocks (<!-- systemd-install:... --> markers)"

# The binary, copied out of the image on the host (the guide says docker; podman here).
(cd "$work" && docker() { podman "$@"; } && eval "${binary_block//localhost\/chronyvisor:latest/$IMAGE}") \
  || die "the guide's binary-from-image steps failed"
[ -x "$work/chronyvisor" ] || die "the guide's binary-from-image steps left no ./chronyvisor"
# The source tree's deploy/ and the binary, where the install block expects them (its cwd).
in_c mkdir -p /root/chronyvisor
podman cp deploy "$C:/root/chronyvisor/deploy"
podman cp "$work/chronyvisor" "$C:/root/chronyvisor/chronyvisor"

# The upstream is stopped first: READY=1 cannot come until it is started again.
in_c systemctl stop ntp-reference.service
install_started=$(container_now)
printf '%s\n' "$SETTINGS" > "$work/settings"
podman cp "$work/settings" "$C:/root/chronyvisor/test-settings"
podman exec -w /root/chronyvisor "$C" bash -c '
  set -euo pipefail
  editor() { cp /root/chronyvisor/test-settings "$1"; }   # the interactive step
  '"$install_block" > "$work/install.log" 2>&1 &
install_pid=$!

# ---- active only after READY=1 ----------------------------------------------------------
# While the upstream is down, chronyd runs and answers (StatusText comes from the supervisor),
# but READY=1 cannot come: the unit must stay activating and health must say "not ready".
has_status() { [ -n "$(status_text)" ] && chronyd_pid; }
if wait_for "$LIMIT" has_status; then
  held=1 t=$(now)
  while awk -v a="$(since "$t")" 'BEGIN { exit !(a < 8) }'; do
    st=$(prop ActiveState)
    if [ "$st" != activating ] || in_c chronyvisor health >/dev/null 2>&1; then held=0; break; fi
    sleep 0.5
  done
  if [ "$held" = 1 ]; then
    ok "without a usable upstream the unit stays activating and health is not ready (StatusText \"$(status_text)\")"
  else
    not_ok "the unit became $(prop ActiveState) (health: $(in_c chronyvisor health 2>&1 || true)) before chronyd could synchronise"
  fi
else
  not_ok "chronyvisor never reported a status during start: $(cat "$work/install.log"; journal_since "$install_started" | tail -20)"
fi
in_c systemctl start ntp-reference.service
install_rc=0; wait "$install_pid" || install_rc=$?
if [ "$install_rc" = 0 ] && is_active; then
  ok "the systemd guide's install steps work as written ($(wc -l <<<"$install_block") lines; systemctl enable --now returned once active)"
else
  not_ok "the systemd guide's install steps failed (exit $install_rc): $(tail -20 "$work/install.log")"
  recover
fi
if wait_for "$LIMIT" active_and_ready; then
  SYNCED_WORD=$(state_word)
  ok "READY=1 once synchronised: active, health ready, StatusText \"$(status_text)\""
else
  SYNCED_WORD=synchronised
  not_ok "not active and healthy after the upstream came: $(prop ActiveState) \"$(status_text)\" health: $(in_c chronyvisor health 2>&1 || true)"
  recover
fi
if in_c cmp -s /root/chronyvisor/deploy/systemd/chronyvisor.service /etc/systemd/system/$UNIT \
  && cmp -s deploy/systemd/chronyvisor.service <(in_c cat /etc/systemd/system/$UNIT); then
  ok "the unit running is deploy/systemd/chronyvisor.service, unchanged"
else
  not_ok "the installed unit differs from deploy/systemd/chronyvisor.service"
fi
note "systemctl status $UNIT:"
in_c systemctl status --no-pager --lines=0 "$UNIT" | sed 's/^/#   /' || true

# ---- verify and security ---------------------------------------------------------------
verify_out=$(in_c systemd-analyze verify /etc/systemd/system/$UNIT 2>&1) && verify_rc=0 || verify_rc=$?
if [ "$verify_rc" = 0 ] && [ -z "$verify_out" ]; then
  ok "systemd-analyze verify $UNIT: clean"
else
  not_ok "systemd-analyze verify $UNIT (exit $verify_rc): $verify_out"
fi
exposure_line=$(in_c systemd-analyze security --no-pager "$UNIT" 2>&1 | grep 'Overall exposure level' || true)
exposure=$(sed -n 's/.*: \([0-9.]*\) .*/\1/p' <<<"$exposure_line")
printf 'systemd-test: %s\n' "${exposure_line:-no exposure level printed}" | sed 's/ *$//'
if [ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 3.0) }'; then
  ok "systemd-analyze security: exposure $exposure <= 3.0"
else
  not_ok "systemd-analyze security: exposure '${exposure:-?}' is not <= 3.0 ($exposure_line)"
fi

# ---- what chronyd sees: environment and capabilities ------------------------------------
main=$(prop MainPID); cpid=$(chronyd_pid || true)
if [ -n "$cpid" ]; then
  main_env=$(tr '\0' '\n' < "/proc/$(host_pid "$main")/environ")
  chronyd_env=$(tr '\0' '\n' < "/proc/$(host_pid "$cpid")/environ")
  leaked=$(grep -E '^(NOTIFY_SOCKET|WATCHDOG_USEC|WATCHDOG_PID)=' <<<"$chronyd_env" || true)
  if grep -q '^NOTIFY_SOCKET=' <<<"$main_env" && grep -q '^WATCHDOG_USEC=' <<<"$main_env" && [ -z "$leaked" ]; then
    ok "chronyvisor has NOTIFY_SOCKET and WATCHDOG_USEC; chronyd (pid $cpid) has none of NOTIFY_SOCKET, WATCHDOG_*"
  else
    not_ok "notify variables: supervisor has [$(grep -E '^(NOTIFY|WATCHDOG)' <<<"$main_env" | tr '\n' ' ')], chronyd has [$leaked]"
  fi
  # CAP_CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, KILL 5, SETGID 6, SETUID 7, NET_BIND_SERVICE 10.
  capbnd=$(in_c awk '/^CapBnd:/ { print $2 }' "/proc/$main/status")
  chronyd_eff=$(in_c awk '/^CapEff:/ { print $2 }' "/proc/$cpid/status")
  if [ "$capbnd" = 00000000000004eb ] && [ $(( 0x$chronyd_eff & (1 << 25) )) = 0 ]; then
    ok "capability bounding set exactly CHOWN DAC_OVERRIDE FOWNER KILL SETGID SETUID NET_BIND_SERVICE (CapBnd $capbnd); chronyd's CapEff $chronyd_eff has no SYS_TIME"
  else
    not_ok "capabilities: supervisor CapBnd $capbnd (expected 00000000000004eb), chronyd CapEff $chronyd_eff"
  fi
else
  not_ok "no chronyd under the supervisor (pid $main) to inspect"
fi

# ---- StatusText follows the upstream -----------------------------------------------------
before=$(status_text)
in_c systemctl stop ntp-reference.service
not_synced() { ! synced_state && [ -n "$(status_text)" ]; }
if wait_for "$LIMIT" not_synced; then
  lost=$(status_text)
  in_c systemctl start ntp-reference.service
  if wait_for "$LIMIT" synced_state; then
    ok "StatusText follows the upstream: \"$before\" -> stopped: \"$lost\" -> back: \"$(status_text)\""
  else
    not_ok "StatusText did not return to $SYNCED_WORD after the upstream came back: \"$(status_text)\""
    recover
  fi
else
  not_ok "StatusText still \"$(status_text)\" $LIMIT s after the upstream stopped"
  recover
fi

# ---- systemctl reload -------------------------------------------------------------------
# SIGHUP is a reload, never a failure: more reloads than RESTART_MAX keep the service up,
# with the same supervisor and no systemd restart.
main=$(prop MainPID); restarts=$(prop NRestarts); since_reload=$(container_now)
reload_ok=1
for i in $(seq 1 $((RESTART_MAX + 2))); do
  if ! in_c systemctl reload "$UNIT"; then reload_ok=0; note "systemctl reload $i failed"; break; fi
  # Settled twice, 2 s apart: whatever the reload does to chronyd has happened by then.
  wait_for "$LIMIT" settled || true; sleep 2; wait_for "$LIMIT" settled || true
  if ! is_active; then reload_ok=0; note "after reload $i: $(prop ActiveState)/$(prop SubState) \"$(status_text)\""; break; fi
done
[ "$reload_ok" = 1 ] && ! wait_for "$LIMIT" healthy_and_synced && { reload_ok=0; note "not synchronised after the reloads: \"$(status_text)\""; }
if [ "$reload_ok" = 1 ] && [ "$(prop MainPID)" = "$main" ] && [ "$(prop NRestarts)" = "$restarts" ]; then
  ok "$((RESTART_MAX + 2)) x systemctl reload (RESTART_MAX=$RESTART_MAX): same supervisor (pid $main), no restart, synchronised"
else
  not_ok "systemctl reload: supervisor pid $main -> $(prop MainPID), NRestarts $restarts -> $(prop NRestarts), $(prop ActiveState)/$(prop Result); journal: $(journal_since "$since_reload" | grep -Ei 'unasked|giv|restart|exit|fail' | tail -5 | tr '\n' '|')"
  recover
fi

# ---- the watchdog: a stopped supervisor is killed and restarted --------------------------
main=$(prop MainPID); restarts=$(prop NRestarts); old_chronyd=$(chronyd_pid || true)
since_stop=$(container_now)
signal STOP "$main"
restarted() { [ "$(prop NRestarts)" -gt "$restarts" ] && [ "$(prop MainPID)" != "$main" ] && healthy_and_synced; }
if wait_for "$LIMIT" restarted; then
  took=$(( $(container_now) - since_stop ))
  j=$(journal_since "$since_stop")
  if grep -q 'Watchdog timeout' <<<"$j" && { [ -z "$old_chronyd" ] || pid_gone "$old_chronyd"; } \
    && [ "$(supervised_chronyds | wc -l)" = 1 ]; then
    ok "kill -STOP of the supervisor: watchdog timeout, killed and restarted by systemd within $took s (WatchdogSec=$(prop WatchdogUSec)); old chronyd gone, one chronyd runs"
  else
    not_ok "after the watchdog restart: journal $(grep -c 'Watchdog timeout' <<<"$j") watchdog lines, supervised chronyds: $(supervised_chronyds | tr '\n' ' ')"
  fi
else
  not_ok "kill -STOP of the supervisor: no watchdog restart within $LIMIT s ($(prop ActiveState)/$(prop SubState), NRestarts $(prop NRestarts))"
  recover
fi

# ---- a frozen chronyd is replaced ----------------------------------------------------------
main=$(prop MainPID); frozen=$(chronyd_pid || true); since_freeze=$(container_now)
if [ -n "$frozen" ]; then
  signal STOP "$frozen"
  replaced() { new_chronyd "$frozen" && pid_gone "$frozen" && healthy_and_synced; }
  if wait_for "$LIMIT" replaced; then
    ok "kill -STOP of chronyd (pid $frozen): killed and replaced by pid $(chronyd_pid) within $(( $(container_now) - since_freeze )) s, same supervisor: $([ "$(prop MainPID)" = "$main" ] && echo yes || echo no), synchronised again"
  else
    not_ok "kill -STOP of chronyd (pid $frozen): not replaced within $LIMIT s (StatusText \"$(status_text)\", chronyd $(chronyd_pid || echo none))"
    recover
  fi
else
  not_ok "no chronyd to freeze"
fi

# ---- giving up is a failure; Restart=on-failure brings the service back ---------------
# chronyd ends cleanly (SIGTERM, status 0) but unasked, RESTART_MAX + 1 times: chronyvisor
# gives up, and that must be a failure status whatever chronyd's own status was.
main=$(prop MainPID); restarts=$(prop NRestarts); since_giveup=$(container_now)
killed=0 last=""
t=$(now)
while [ "$killed" -le "$RESTART_MAX" ] && awk -v a="$(since "$t")" -v l="$LIMIT" 'BEGIN { exit !(a < l) }'; do
  p=$(chronyd_pid || true)
  if [ -n "$p" ] && [ "$p" != "$last" ]; then
    signal TERM "$p" || true
    last=$p killed=$((killed + 1))
  fi
  sleep 0.2
done
saw_failure=""
t=$(now)
while awk -v a="$(since "$t")" -v l="$LIMIT" 'BEGIN { exit !(a < l) }'; do
  r=$(prop Result) s=$(prop SubState)
  if [ "$s" = auto-restart ] || [ "$s" = failed ] || [ "$r" != success ]; then
    saw_failure="$s/$r status $(prop ExecMainStatus)"; break
  fi
  [ "$(prop ActiveState)" = inactive ] && break
  sleep 0.2
done
# The auto-restart window (RestartSec) may pass between two polls: systemd's journal lines
# about the exit say it too.
exit_line=$(journal_since "$since_giveup" | grep -E 'Main process exited, code=exited, status=[1-9]' | tail -1 || true)
[ -z "$saw_failure" ] && [ -n "$exit_line" ] && saw_failure="${exit_line#*: }"
if [ -n "$saw_failure" ] && wait_for "$LIMIT" restarted; then
  ok "$killed unasked chronyd exits with RESTART_MAX=$RESTART_MAX: chronyvisor gave up with a failure ($saw_failure); Restart=on-failure brought it back (NRestarts $restarts -> $(prop NRestarts))"
else
  not_ok "giving up: $killed chronyd exits -> unit $(prop ActiveState)/$(prop SubState), Result $(prop Result), status $(prop ExecMainStatus), NRestarts $restarts -> $(prop NRestarts); journal: $(journal_since "$since_giveup" | grep -Ei 'giv|budget|exited|result' | tail -4 | tr '\n' '|')"
  recover
fi

# ---- a start whose READY=1 cannot come times out -----------------------------------------
# A runtime drop-in shortens TimeoutStartSec (3 min in the unit) to keep the test short.
in_c mkdir -p /run/systemd/system/$UNIT.d
in_c sh -c "printf '[Service]\nTimeoutStartSec=15s\n' > /run/systemd/system/$UNIT.d/test-start-timeout.conf"
in_c systemctl daemon-reload
in_c systemctl stop ntp-reference.service
since_timeout=$(container_now)
start_rc=0; in_c systemctl restart "$UNIT" 2>/dev/null || start_rc=$?
took=$(( $(container_now) - since_timeout ))
if [ "$start_rc" != 0 ] && journal_since "$since_timeout" | grep -q 'start operation timed out'; then
  ok "with no usable upstream the start timed out after $took s (TimeoutStartSec=15s by drop-in): systemctl exit $start_rc, $(prop ActiveState)/$(prop SubState)"
else
  not_ok "start without READY=1: systemctl exit $start_rc after $took s, $(prop ActiveState)/$(prop SubState) Result $(prop Result)"
fi
in_c systemctl stop "$UNIT" || true
in_c rm -rf /run/systemd/system/$UNIT.d
in_c systemctl daemon-reload
in_c systemctl start ntp-reference.service
in_c systemctl reset-failed "$UNIT" >/dev/null 2>&1 || true
in_c systemctl start "$UNIT" || true
wait_for "$LIMIT" healthy_and_synced || { not_ok "the service did not start again after the timeout check: $(status_text)"; recover; }

# ---- systemctl stop ---------------------------------------------------------------------
stop_limit=$(( $(prop TimeoutStopUSec | sed -n 's/^\([0-9]*\)s$/\1/p') + 0 ))
since_stop=$(container_now); t=$(now)
stop_rc=0; in_c systemctl stop "$UNIT" || stop_rc=$?
took=$(since "$t")
code=$(prop ExecMainCode) status=$(prop ExecMainStatus) result=$(prop Result)
left=$(supervised_chronyds | tr '\n' ' ')
if [ "$stop_rc" = 0 ] && [ "$code" = 1 ] && [ "$status" = 0 ] && [ "$result" = success ] && [ -z "$left" ] \
  && awk -v a="$took" -v l="$stop_limit" 'BEGIN { exit !(a < l) }' \
  && ! journal_since "$since_stop" | grep -qi 'timed out\|killing'; then
  ok "systemctl stop: exit status 0, no chronyd left, in $took s (TimeoutStopSec ${stop_limit}s, no SIGKILL)"
else
  not_ok "systemctl stop: rc $stop_rc, main exited code $code status $status, Result $result, in $took s (limit $stop_limit s), chronyds left: [$left]"
fi

# ---- the journal carries only chronyvisor's own lines ----------------------------------
# Everything the unit's processes wrote: their stdout/stderr stream (SyslogIdentifier=
# chronyvisor) and anything else they log. Not systemd's own lines about the unit (the
# executor's, e.g. "ProtectHostname=yes is configured, but UTS namespace setup is
# prohibited", seen in containers only). JSON, read on the host: python3 is not in the image.
in_c journalctl -q --no-pager _SYSTEMD_UNIT=$UNIT -o json | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e.get("_TRANSPORT") != "stdout" and str(e.get("MESSAGE", "")).startswith("chronyvisor.service: "):
        continue
    m = e.get("MESSAGE", "")
    if isinstance(m, list):  # not valid UTF-8: journald stores the bytes
        m = bytes(m).decode("utf-8", "replace")
    print(m)' > "$work/journal" || true
total=$(wc -l < "$work/journal")
foreign=$(grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z (trace|debug|info|notice|warning|error|critical) [A-Za-z0-9_.-]+: ' "$work/journal" || true)
from_chronyd=$(grep -c ' source=chronyd' "$work/journal" || true)
if [ "$total" -gt 0 ] && [ "$from_chronyd" -gt 0 ] && [ -z "$foreign" ]; then
  ok "the journal of $UNIT: $total lines, all in chronyvisor's log format ($from_chronyd of them chronyd's, forwarded)"
else
  not_ok "the journal of $UNIT: $total lines, $from_chronyd from chronyd, $(grep -c . <<<"$foreign") foreign: $(head -5 <<<"$foreign" | tr '\n' '|')"
fi
