#!/usr/bin/env bash
# The real-systemd test: the Debian package (scripts/lib/deb.sh, as scripts/release.sh builds
# it) installed with `apt-get install ./chronyvisor_VERSION_ARCH.deb` and run under systemd
# 252 as PID 1 in an ordinary rootful podman container (`--systemd=always --network none`, no
# --privileged, no added capability). The image is the stand image's debug variant (the minimal
# image has no apt) plus Debian's systemd and man-db (Tests/Systemd/Containerfile); the package is built from the image's binary; the
# upstream is a second chronyd inside (-x, local stratum 1 on 127.0.0.1:11123, its own unit
# ntp-reference.service).
#
# Checks: the package installs the unit disabled and inactive, its default is clock control
# (CLOCK_CONTROL=true, a conffile, the clock drop-in), `man chronyvisor` works; then, SAFETY
# first, CLOCK_CONTROL=false is set before the first start and chronyd must run with -x;
# `systemd-analyze verify` is clean and `systemd-analyze security` exposure <= 3.2 (printed);
# the unit stays activating until READY=1 (health says not ready meanwhile) and a start whose
# READY=1 cannot come times out; chronyd never sees NOTIFY_SOCKET/WATCHDOG_*; the capability
# bounding set is the unit's plus the drop-in's SYS_TIME, and chronyd has no CAP_SYS_TIME;
# StatusText follows the state when the upstream stops and returns; `systemctl reload`
# (SIGHUP) more often than RESTART_MAX keeps the service up and never counts as a failure;
# `kill -STOP` of the supervisor -> the watchdog kills and restarts it; a frozen chronyd
# (`kill -STOP`) is replaced; giving up after the restart budget is a failure that
# Restart=on-failure undoes; an upgrade (the package installed again) restarts the running
# service on the new binary; `systemctl stop` ends with status 0, no chronyd left, within
# TimeoutStopSec; every journal line of the unit's processes is chronyvisor's own log format;
# `apt-get remove` leaves the settings file and `apt-get purge` removes it.
# A failed check is reported and the test goes on (after putting the service back), so one
# run shows every failure; the exit status is 1 when any check failed.
#
# Removes its container and its image (the stand's image stays, as container-test.sh leaves
# it), and what netavark changed on the host during the image builds.
# Usage: scripts/systemd-test.sh   (scripts/test.sh runs it; CHRONYVISOR_SKIP_SYSTEMD_TEST=1 skips it there)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/engines.sh
. scripts/lib/deb.sh
. scripts/lib/packages.sh
. scripts/lib/testing.sh

PROJECT=chronyvisor-systemd-test
# Another Debian release than the stand's (DEBIAN_RELEASE=bookworm: the package on Debian 12
# under systemd 252) builds the stand's images under this test's own names, never over the
# stand's localhost/chronyvisor:latest that the other tests share, and removes them at its end.
own_images=0
if [ "$DEBIAN_RELEASE" != "$DEFAULT_DEBIAN_RELEASE" ] && [ -z "${CHRONYVISOR_IMAGE:-}" ]; then
  IMAGE=localhost/chronyvisor-systemd-test:$DEBIAN_RELEASE-stand
  DEBUG_IMAGE=$(debug_image_name "$IMAGE")
  own_images=1
fi
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

# The container and the test's images gone, what netavark changed undone; 1 when the
# container is still there.
systemd_test_end() {
  podman rm -f -t 5 "$C" >/dev/null 2>&1 || true
  podman rmi -f "$TEST_IMAGE" >/dev/null 2>&1 || true
  [ "$own_images" = 1 ] && { podman rmi -f "$IMAGE" "$DEBUG_IMAGE" >/dev/null 2>&1 || true; }
  engine_teardown "$PROJECT"
  if podman container exists "$C" 2>/dev/null; then say "warning: container $C is still there"; return 1; fi
}

# ---- helpers ------------------------------------------------------------------------------
in_c() { podman exec "$C" "$@"; }
prop() { in_c systemctl show -P "$1" "$UNIT"; }
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
  poll_until "$LIMIT" healthy_and_synced || note "the service did not come back: $(status_text)"
}

# ---- preparation --------------------------------------------------------------------------
is_debian_family && is_root && bash scripts/install-deps.sh
engine_choose
[ "$ENGINE" = podman ] || die "this test runs systemd in podman (found $ENGINE)"
if podman container exists "$C"; then
  die "a container named $C exists already (an earlier run?): podman rm -f $C"
fi
on_exit systemd_test_end
# The image builds' network turns on ip_forward and adds netavark's chains: saved here,
# put back by engine_teardown.
dir=$(state_dir "$PROJECT"); mkdir -p "$dir"; is_root && host_state_save "$dir"
work=$TEST_TMP

t=$(now); base_image_ensure; image_build; image_build debug
t2=$(now)
podman build --format docker --pull=never -q -t "$TEST_IMAGE" --build-arg "BASE=$DEBUG_IMAGE" -f Tests/Systemd/Containerfile Tests/Systemd >/dev/null \
  || die "building $TEST_IMAGE failed"
note "images: stand $(since "$t") s, systemd layer $(since "$t2") s"

# systemd 256 and later refuse the cgroup v1 hierarchy podman gives a container on a host with
# the hybrid layout (258 removed v1 altogether): there it gets the host's unified (cgroup2)
# hierarchy at /sys/fs/cgroup instead, and makes its cgroups under the container's own.
run_options=()
sd_version=$(podman run --rm --network none --entrypoint /bin/sh "$TEST_IMAGE" -c '/lib/systemd/systemd --version' 2>/dev/null | awk 'NR == 1 { print $2 }')
if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] && [ -d /sys/fs/cgroup/unified ] && [ "${sd_version:-0}" -ge 256 ]; then
  run_options+=(-v /sys/fs/cgroup/unified:/sys/fs/cgroup:rw)
  note "systemd $sd_version on a cgroup v1 (hybrid) host: the container gets the unified hierarchy at /sys/fs/cgroup"
fi
podman run -d --name "$C" --systemd=always --network none ${run_options[@]+"${run_options[@]}"} "$TEST_IMAGE" /lib/systemd/systemd >/dev/null
booted() { local s; s=$(in_c systemctl is-system-running 2>/dev/null || true); [ "$s" = running ] || [ "$s" = degraded ]; }
poll_until "$LIMIT" booted || die "systemd in $C did not finish booting: $(in_c systemctl --failed --no-pager 2>&1)"
[ "$(in_c systemctl is-system-running 2>/dev/null || true)" = running ] \
  || note "systemd is degraded: $(in_c systemctl --failed --no-legend --no-pager | tr '\n' ' ')"
ok "systemd boots as PID 1 in podman without --privileged or added capabilities ($(in_c systemctl --version | head -1), chrony $(in_c chronyc --version | awk '{ print $4 }'))"

# ---- the Debian package, installed as a user installs it ---------------------------------
# Built here as scripts/release.sh builds it (scripts/lib/deb.sh), from the binary in the
# stand's image, with man pages and completions generated from that binary.
id=$(podman create "$IMAGE") && podman cp "$id:/usr/local/bin/chronyvisor" "$work/chronyvisor" && podman rm "$id" >/dev/null \
  || die "copying the binary out of $IMAGE failed"
export CHRONYVISOR_MAINTAINER=${CHRONYVISOR_MAINTAINER:-chronyvisor systemd test <systemd-test@example.org>}
release_manpages "$work/chronyvisor" "$work/man"
release_completions "$work/chronyvisor" "$work/completions"
deb=$(deb_build "$work/chronyvisor" "$work/man" "$work/completions" "$work")
note "package: $(basename "$deb"), $(du -h "$deb" | cut -f1)"
is_debian_family && is_root && packages_install release
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
if have lintian && ! grep -q '^E: ' <<<"$lintian_out"; then
  ok "lintian: no errors ($(grep -c '^W: ' <<<"$lintian_out" || true) warnings$(grep '^W: ' <<<"$lintian_out" | sed 's/^W: [^ ]* //' | cut -d' ' -f1 | sort -u | tr '\n' ' ' | sed 's/^\(.\)/: \1/;s/ $//'))"
else
  not_ok "lintian: $(grep '^E: ' <<<"$lintian_out" | tr '\n' '|')${lintian_out:+}$(have lintian || echo 'lintian is missing')"
fi
podman cp "$deb" "$C:/root/$(basename "$deb")"
in_c sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y /root/$(basename "$deb")" > "$work/apt.log" 2>&1 \
  || die "apt-get install ./$(basename "$deb") failed: $(tail -20 "$work/apt.log")"
enabled=$(in_c systemctl is-enabled "$UNIT" 2>/dev/null || true)
active=$(prop ActiveState)
if [ "$enabled" = disabled ] && [ "$active" = inactive ]; then
  ok "apt-get install ./$(basename "$deb") installs the unit disabled and inactive (starts and enables nothing)"
else
  not_ok "after the package's install the unit is $enabled and $active (expected disabled and inactive)"
fi
if in_c grep -qx 'CLOCK_CONTROL=true' /etc/default/chronyvisor \
  && in_c test -f /lib/systemd/system/$UNIT.d/clock-control.conf \
  && in_c dpkg-query -W -f='${Conffiles}' chronyvisor | grep -q '/etc/default/chronyvisor'; then
  ok "the package's default is clock control: CLOCK_CONTROL=true in /etc/default/chronyvisor (a conffile) and the clock-control drop-in"
else
  not_ok "the package's clock default: $(in_c grep CLOCK_CONTROL /etc/default/chronyvisor | tr '\n' ' '), drop-in $(in_c ls /lib/systemd/system/$UNIT.d 2>&1 | tr '\n' ' ')"
fi
if in_c sh -c 'man -P cat chronyvisor 2>/dev/null | grep -q "chronyvisor.run(1)" && man -w chronyvisor.run >/dev/null' \
  && in_c test -s /usr/share/bash-completion/completions/chronyvisor; then
  ok "man chronyvisor works ($(in_c sh -c 'ls /usr/share/man/man1/chronyvisor*' | wc -l) pages), completions installed, $(in_c chronyvisor --version)"
else
  not_ok "man chronyvisor: $(in_c man -P cat chronyvisor 2>&1 | head -3 | tr '\n' ' ')"
fi

# SAFETY: no chronyd here may ever run without -x. The package's default (clock control) is
# turned off before the service's first start; the container has no CAP_SYS_TIME either.
# The upstream is stopped first: READY=1 cannot come until it is started again.
in_c sed -i 's/^CLOCK_CONTROL=true$/CLOCK_CONTROL=false/' /etc/default/chronyvisor
in_c grep -qx 'CLOCK_CONTROL=false' /etc/default/chronyvisor || die "could not turn clock control off in /etc/default/chronyvisor"
printf '%s\n' "$SETTINGS" | podman exec -i "$C" sh -c 'cat >> /etc/default/chronyvisor'
in_c systemctl stop ntp-reference.service
install_started=$(container_now)
in_c systemctl enable --now "$UNIT" > "$work/install.log" 2>&1 &
install_pid=$!

# ---- active only after READY=1 ----------------------------------------------------------
# While the upstream is down, chronyd runs and answers (StatusText comes from the supervisor),
# but READY=1 cannot come: the unit must stay activating and health must say "not ready".
has_status() { [ -n "$(status_text)" ] && chronyd_pid; }
if poll_until "$LIMIT" has_status; then
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
  ok "systemctl enable --now $UNIT returned once active"
else
  not_ok "systemctl enable --now $UNIT failed (exit $install_rc): $(tail -20 "$work/install.log")"
  recover
fi
if poll_until "$LIMIT" active_and_ready; then
  SYNCED_WORD=$(state_word)
  ok "READY=1 once synchronised: active, health ready, StatusText \"$(status_text)\""
else
  SYNCED_WORD=synchronised
  not_ok "not active and healthy after the upstream came: $(prop ActiveState) \"$(status_text)\" health: $(in_c chronyvisor health 2>&1 || true)"
  recover
fi
if cmp -s <(sed 's|/usr/local/bin/chronyvisor|/usr/bin/chronyvisor|g' deploy/systemd/chronyvisor.service) <(in_c cat /lib/systemd/system/$UNIT) \
  && case "$(prop FragmentPath)" in /lib/systemd/system/$UNIT|/usr/lib/systemd/system/$UNIT) true ;; *) false ;; esac; then
  ok "the unit running is deploy/systemd/chronyvisor.service, changed only in ExecStart's path (/usr/bin)"
else
  not_ok "the installed unit differs from deploy/systemd/chronyvisor.service (FragmentPath $(prop FragmentPath))"
fi
chronyd_cmd=$(in_c sh -c 'tr "\0" " " < /proc/$1/cmdline' sh "$(chronyd_pid || echo 0)" 2>/dev/null || true)
if grep -q -- ' -x ' <<<" $chronyd_cmd "; then
  ok "chronyd runs with -x (CLOCK_CONTROL=false): $chronyd_cmd"
else
  not_ok "chronyd's command line lacks -x: '$chronyd_cmd'"
fi
note "systemctl status $UNIT:"
in_c systemctl status --no-pager --lines=0 "$UNIT" | sed 's/^/#   /' || true

# ---- verify and security ---------------------------------------------------------------
verify_out=$(in_c systemd-analyze verify /lib/systemd/system/$UNIT 2>&1) && verify_rc=0 || verify_rc=$?
if [ "$verify_rc" = 0 ] && [ -z "$verify_out" ]; then
  ok "systemd-analyze verify $UNIT: clean"
else
  not_ok "systemd-analyze verify $UNIT (exit $verify_rc): $verify_out"
fi
exposure_line=$(in_c systemd-analyze security --no-pager "$UNIT" 2>&1 | grep 'Overall exposure level' || true)
exposure=$(sed -n 's/.*: \([0-9.]*\) .*/\1/p' <<<"$exposure_line")
printf 'systemd-test: %s\n' "${exposure_line:-no exposure level printed}" | sed 's/ *$//'
# 2.6 for the unit alone; the package's clock-control drop-in (CAP_SYS_TIME, ProtectClock=no)
# adds about half a point.
if [ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 3.2) }'; then
  ok "systemd-analyze security: exposure $exposure <= 3.2 (with the clock-control drop-in)"
else
  not_ok "systemd-analyze security: exposure '${exposure:-?}' is not <= 3.2 ($exposure_line)"
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
  # CAP_CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, KILL 5, SETGID 6, SETUID 7, NET_BIND_SERVICE 10,
  # and SYS_TIME 25 from the package's clock-control drop-in. With CLOCK_CONTROL=false chronyd
  # (-x) must not hold SYS_TIME.
  # The container itself has no SYS_TIME (the safety rule: no container gets it), so systemd
  # can grant only what the container's own bounding set (its PID 1's) holds: the expected set
  # is the unit's and the drop-in's within that.
  capbnd=$(in_c awk '/^CapBnd:/ { print $2 }' "/proc/$main/status")
  container_bnd=$(in_c awk '/^CapBnd:/ { print $2 }' /proc/1/status)
  expected=$(printf '%016x' $(( 0x00000000020004eb & 0x$container_bnd )))
  chronyd_eff=$(in_c awk '/^CapEff:/ { print $2 }' "/proc/$cpid/status")
  if [ "$capbnd" = "$expected" ] && [ $(( 0x$chronyd_eff & (1 << 25) )) = 0 ]; then
    ok "capability bounding set exactly the unit's CHOWN DAC_OVERRIDE FOWNER KILL SETGID SETUID NET_BIND_SERVICE and the drop-in's SYS_TIME within the container's (CapBnd $capbnd, container $container_bnd); chronyd's CapEff $chronyd_eff has no SYS_TIME"
  else
    not_ok "capabilities: supervisor CapBnd $capbnd (expected $expected: 00000000020004eb within the container's $container_bnd), chronyd CapEff $chronyd_eff"
  fi
else
  not_ok "no chronyd under the supervisor (pid $main) to inspect"
fi

# ---- StatusText follows the upstream -----------------------------------------------------
before=$(status_text)
in_c systemctl stop ntp-reference.service
not_synced() { ! synced_state && [ -n "$(status_text)" ]; }
if poll_until "$LIMIT" not_synced; then
  lost=$(status_text)
  in_c systemctl start ntp-reference.service
  if poll_until "$LIMIT" synced_state; then
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
# with the same supervisor and no systemd restart. Each reload writes the configuration anew
# and restarts chronyd with it: done when the old chronyd is gone and a new one synchronised
# (or the service no longer runs: no use waiting then).
main=$(prop MainPID); restarts=$(prop NRestarts); since_reload=$(container_now)
reload_ok=1
reloaded() {
  if is_active; then { [ -z "$1" ] || { new_chronyd "$1" && pid_gone "$1"; }; } && healthy_and_synced; else settled; fi
}
for i in $(seq 1 $((RESTART_MAX + 2))); do
  before=$(chronyd_pid || true)
  if ! in_c systemctl reload "$UNIT"; then reload_ok=0; note "systemctl reload $i failed"; break; fi
  if ! poll_until "$LIMIT" reloaded "$before"; then
    reload_ok=0; note "after reload $i: chronyd $before not replaced by a synchronised one within $LIMIT s (chronyd now: $(chronyd_pid || echo none), \"$(status_text)\")"; break
  fi
  if ! is_active; then reload_ok=0; note "after reload $i: $(prop ActiveState)/$(prop SubState) \"$(status_text)\""; break; fi
done
[ "$reload_ok" = 1 ] && ! poll_until "$LIMIT" healthy_and_synced && { reload_ok=0; note "not synchronised after the reloads: \"$(status_text)\""; }
if [ "$reload_ok" = 1 ] && [ "$(prop MainPID)" = "$main" ] && [ "$(prop NRestarts)" = "$restarts" ]; then
  ok "$((RESTART_MAX + 2)) x systemctl reload (RESTART_MAX=$RESTART_MAX): a new chronyd each time, same supervisor (pid $main), no restart, synchronised"
else
  not_ok "systemctl reload: supervisor pid $main -> $(prop MainPID), NRestarts $restarts -> $(prop NRestarts), $(prop ActiveState)/$(prop Result); journal: $(journal_since "$since_reload" | grep -Ei 'unasked|giv|restart|exit|fail' | tail -5 | tr '\n' '|')"
  recover
fi

# ---- the watchdog: a stopped supervisor is killed and restarted --------------------------
main=$(prop MainPID); restarts=$(prop NRestarts); old_chronyd=$(chronyd_pid || true)
since_stop=$(container_now)
signal STOP "$main"
restarted() { [ "$(prop NRestarts)" -gt "$restarts" ] && [ "$(prop MainPID)" != "$main" ] && healthy_and_synced; }
if poll_until "$LIMIT" restarted; then
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
  if poll_until "$LIMIT" replaced; then
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
if [ -n "$saw_failure" ] && poll_until "$LIMIT" restarted; then
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
poll_until "$LIMIT" healthy_and_synced || { not_ok "the service did not start again after the timeout check: $(status_text)"; recover; }

# ---- an upgrade: the package installed again restarts the running service ----------------
main=$(prop MainPID)
if in_c sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y --reinstall /root/$(basename "$deb")" > "$work/apt.log" 2>&1 \
  && poll_until "$LIMIT" healthy_and_synced && [ "$(prop MainPID)" != "$main" ] \
  && in_c grep -qx 'CLOCK_CONTROL=false' /etc/default/chronyvisor; then
  ok "an upgrade (apt-get install --reinstall) restarted the running service (pid $main -> $(prop MainPID)), synchronised, the edited /etc/default/chronyvisor kept"
else
  not_ok "upgrade: $(tail -5 "$work/apt.log" | tr '\n' ' '), pid $main -> $(prop MainPID), $(prop ActiveState) \"$(status_text)\""
  recover
fi

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

# ---- uninstall: remove keeps the settings, purge removes them --------------------------
in_c systemctl start "$UNIT" >/dev/null 2>&1 || true
if in_c sh -c 'DEBIAN_FRONTEND=noninteractive apt-get remove -y chronyvisor' > "$work/apt.log" 2>&1 \
  && ! in_c test -e /usr/bin/chronyvisor && ! in_c test -e /lib/systemd/system/$UNIT \
  && in_c test -f /etc/default/chronyvisor && no_supervised_chronyd \
  && in_c sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y chronyvisor' >> "$work/apt.log" 2>&1 \
  && ! in_c test -e /etc/default/chronyvisor; then
  ok "apt-get remove stopped the service and removed binary and unit, kept /etc/default/chronyvisor; apt-get purge removed it"
else
  not_ok "uninstall: $(tail -5 "$work/apt.log" | tr '\n' ' '); left: $(in_c sh -c 'ls /usr/bin/chronyvisor /lib/systemd/system/chronyvisor.service /etc/default/chronyvisor 2>/dev/null' | tr '\n' ' '), chronyds: $(supervised_chronyds | tr '\n' ' ')"
fi
