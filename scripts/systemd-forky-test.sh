#!/usr/bin/env bash
# Under a real systemd, with chrony 4.9: chronyd never talks to systemd, chronyvisor alone
# sends READY=1. Debian forky's systemd 262 runs as PID 1 in an ordinary rootful podman
# container (`--systemd=always --network none`, no --privileged, no added capability, no
# SYS_TIME) from a forky root file system (debootstrap from the host's Debian mirror:
# scripts/lib/debian-root.sh) holding forky's chrony 4.9, the chronyvisor binary built on
# this host, the shipped deploy/systemd/chronyvisor.service and the systemd test's local
# reference (Tests/Systemd/ntp-reference.*, chronyd -x on 127.0.0.1:11123).
#
# Checks: chronyvisor.service (Type=notify, NotifyAccess=main) becomes active once synchronised,
# so its READY=1 came from chronyvisor; the chronyd it runs has none of NOTIFY_SOCKET,
# WATCHDOG_* in its environment and -x on its command line; the journal has no notification
# from any other pid; a control unit that runs a plain `chronyd -x` 4.9 as Type=notify becomes
# active too: chronyd 4.9 does send READY=1 itself when NOTIFY_SOCKET reaches it (so the
# checks above could fail); `systemctl stop` ends chronyvisor with status 0.
# systemd 256 and later refuse the cgroup v1 hierarchy a hybrid host gives a container: the
# container then gets the host's unified hierarchy at /sys/fs/cgroup (as scripts/systemd-test.sh).
#
# Removes its container, its image and the root file system.
# Usage: scripts/systemd-forky-test.sh   (root; CHRONYVISOR_FORKY_ROOT=DIR: a forky root file
#   system with chrony made before, used as the image's source and kept)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/engines.sh
. scripts/lib/debian-root.sh
. scripts/lib/testing.sh

is_root || die "debootstrap, chroot and podman need root"
have podman || die "podman is needed (scripts/install-deps.sh, scripts/lib/podman-install.sh)"
C=chronyvisor-systemd-forky-test
TEST_IMAGE=localhost/chronyvisor-systemd-forky-test:latest
BASE_TAG=localhost/chronyvisor-systemd-forky-test:base
LIMIT=${CHRONYVISOR_TEST_WAIT:-120}

root=${CHRONYVISOR_FORKY_ROOT:-}
keep=keep
started_here=0
# The container and the images (once made), the layer, the root file system.
forky_end() {
  if [ "$started_here" = 1 ]; then
    podman rm -f -t 5 "$C" "$C-prep" >/dev/null 2>&1 || true
    podman rmi -f "$TEST_IMAGE" "$BASE_TAG" >/dev/null 2>&1 || true
  fi
  rm -rf "${layer:-}"
  debian_root_remove "$root" "$keep"
}
on_exit forky_end

in_c() { podman exec "$C" "$@"; }
prop() { in_c systemctl show -P "$2" "$1"; }
is_active() { [ "$(prop "$1" ActiveState)" = active ]; }

# ---- the image: forky with systemd and chrony 4.9, the binary and the units ------------------
if [ -z "$root" ]; then
  keep=
  t=$(now)
  root=$(mktemp -d /var/tmp/chronyvisor-forky.XXXXXX)
  debian_root_make forky "$root" chrony systemd systemd-sysv
  say "forky root file system in $(since "$t") s"
fi
[ -x "$root/usr/sbin/chronyd" ] && [ -x "$root/lib/systemd/systemd" ] || die "$root lacks chronyd or systemd (apt-get install chrony systemd there)"
host_binary_build
layer=$(mktemp -d /var/tmp/chronyvisor-systemd-forky.XXXXXX)
mkdir -p "$layer/usr/local/bin" "$layer/etc/systemd/system" "$layer/etc/default" "$layer/etc/ntp-reference" "$layer/etc/ntp-control"
install -m 0755 .build-release/context/out/chronyvisor "$layer/usr/local/bin/chronyvisor"
cp deploy/systemd/chronyvisor.service Tests/Systemd/ntp-reference.service "$layer/etc/systemd/system/"
cp Tests/Systemd/ntp-reference.conf "$layer/etc/ntp-reference/chrony.conf"
printf '%s\n' NTP_SERVERS=127.0.0.1:11123 NTP_MINPOLL=0 NTP_MAXPOLL=1 > "$layer/etc/default/chronyvisor"
# The control: a plain chronyd 4.9 as a Type=notify service of its own (port 11124).
sed -e 's/11123/11124/' -e 's#/run/ntp-reference/#/run/ntp-control/#' Tests/Systemd/ntp-reference.conf > "$layer/etc/ntp-control/chrony.conf"
cat > "$layer/etc/systemd/system/chronyd-notify.service" <<'UNIT'
# The control: chronyd 4.9 itself as a Type=notify service (never touches the clock: -x).
[Service]
Type=notify
NotifyAccess=main
RuntimeDirectory=ntp-control
TimeoutStartSec=60
ExecStart=/usr/sbin/chronyd -d -x -u root -f /etc/ntp-control/chrony.conf
UNIT
t=$(now)
{ tar -C "$root" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' --exclude='./run/*' -c .
} | podman import -q --change 'CMD ["/lib/systemd/systemd"]' - "$BASE_TAG" >/dev/null
# The layer and the units' state: a container of the base, committed.
podman rm -f "$C-prep" >/dev/null 2>&1 || true
started_here=1
podman create -q --name "$C-prep" --network none "$BASE_TAG" sleep 1 >/dev/null
(cd "$layer" && tar -c .) | podman cp - "$C-prep:/"
podman commit -q "$C-prep" "$TEST_IMAGE" >/dev/null
podman rm -f "$C-prep" >/dev/null; podman rmi -f "$BASE_TAG" >/dev/null
# The units' state (disable, mask, enable) by systemctl in a container of it, committed.
podman create -q --name "$C-prep" --network none --entrypoint /bin/sh "$TEST_IMAGE" -c '
  rm -f /etc/systemd/system/chronyd.service
  systemctl disable chrony.service; systemctl mask chrony.service getty@.service console-getty.service \
    systemd-udevd.service systemd-logind.service systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer \
    dpkg-db-backup.timer e2scrub_all.timer fstrim.timer systemd-tmpfiles-clean.timer
  systemctl enable ntp-reference.service chronyvisor.service; systemctl set-default multi-user.target; true' >/dev/null
podman start -a "$C-prep" >/dev/null 2>&1 || true
podman commit -q --change 'ENTRYPOINT []' --change 'CMD ["/lib/systemd/systemd"]' --change 'STOPSIGNAL SIGRTMIN+3' "$C-prep" "$TEST_IMAGE" >/dev/null
podman rm -f "$C-prep" >/dev/null
say "image $TEST_IMAGE in $(since "$t") s"

# ---- boot -------------------------------------------------------------------------------------
run_options=()
if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] && [ -d /sys/fs/cgroup/unified ]; then
  run_options+=(-v /sys/fs/cgroup/unified:/sys/fs/cgroup:rw)
fi
podman run -d --name "$C" --systemd=always --network none ${run_options[@]+"${run_options[@]}"} "$TEST_IMAGE" /lib/systemd/systemd >/dev/null
booted() { local s; s=$(in_c systemctl is-system-running 2>/dev/null || true); [ "$s" = running ] || [ "$s" = degraded ]; }
poll_until "$LIMIT" booted || die "systemd in $C did not boot: $(podman logs --tail 20 "$C" 2>&1)"
host_pid1=$(podman inspect -f '{{.State.Pid}}' "$C")
capbnd=$(awk '/^CapBnd:/ { print $2 }' "/proc/$host_pid1/status")
if (( (16#$capbnd >> 25) & 1 )); then not_ok "the container's PID 1 has CAP_SYS_TIME in its bounding set ($capbnd)"
else ok "$(in_c systemctl --version | head -1) boots as PID 1 in podman (no --privileged, no SYS_TIME: CapBnd $capbnd)"; fi
version=$(in_c chronyc --version | awk '{ print $4 }')

# ---- chronyvisor.service: READY=1 from chronyvisor alone ----------------------------------------
if poll_until "$LIMIT" is_active chronyvisor.service; then
  ok "chronyvisor.service (Type=notify, NotifyAccess=main) is active: READY=1 came from chronyvisor (pid $(prop chronyvisor.service MainPID)); $(prop chronyvisor.service StatusText)"
else
  not_ok "chronyvisor.service is $(prop chronyvisor.service ActiveState): $(in_c journalctl -u chronyvisor.service --no-pager -n 15 2>&1)"
fi
main=$(prop chronyvisor.service MainPID)
# The host's pid of the supervised chronyd (a child of the unit's main process).
ns=$(readlink "/proc/$host_pid1/ns/pid")
chronyd_host_pid=
for d in /proc/[0-9]*; do
  [ "$(readlink "$d/ns/pid" 2>/dev/null)" = "$ns" ] && [ "$(cat "$d/comm" 2>/dev/null)" = chronyd ] || continue
  inner=$(awk '/^NSpid:/ { print $NF }' "$d/status"); parent=$(awk '/^PPid:/ { print $2 }' "$d/status")
  [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$parent/status" 2>/dev/null)" = "$main" ] && { chronyd_host_pid=${d#/proc/}; chronyd_pid=$inner; }
done
if [ -n "$chronyd_host_pid" ]; then
  leaked=$(tr '\0' '\n' < "/proc/$chronyd_host_pid/environ" | grep -E '^(NOTIFY_SOCKET|WATCHDOG_[A-Z]*)=' || true)
  main_env=$(tr '\0' '\n' < "/proc/$(awk '/^PPid:/ { print $2 }' "/proc/$chronyd_host_pid/status")/environ")
  argv=$(tr '\0' ' ' < "/proc/$chronyd_host_pid/cmdline")
  if [ -z "$leaked" ] && grep -q '^NOTIFY_SOCKET=' <<< "$main_env" && grep -q -- ' -x' <<< " $argv"; then
    ok "chronyvisor has NOTIFY_SOCKET; its chronyd $version (pid $chronyd_pid: $argv) has none of NOTIFY_SOCKET, WATCHDOG_*"
  else
    not_ok "chronyd $version (pid $chronyd_pid: $argv) has [$(echo $leaked)]; chronyvisor has [$(grep -E '^(NOTIFY|WATCHDOG)' <<< "$main_env" | tr '\n' ' ')]"
  fi
else
  not_ok "no chronyd under chronyvisor (main pid $main)"
fi

# ---- the control: chronyd 4.9 itself, as a Type=notify service ----------------------------------
in_c systemctl start --no-block chronyd-notify.service
if poll_until 60 is_active chronyd-notify.service; then
  ok "control: a plain chronyd $version -x as a Type=notify unit turned active: it sent READY=1 itself (pid $(prop chronyd-notify.service MainPID))"
else
  not_ok "control: chronyd-notify.service is $(prop chronyd-notify.service ActiveState): $(in_c journalctl -u chronyd-notify.service --no-pager -n 10 2>&1)"
fi
in_c systemctl stop chronyd-notify.service

# ---- the journal: no notification from anyone but the main pids -------------------------------
stray=$(in_c journalctl -b --no-pager 2>/dev/null | grep -iE 'notification message from PID|reception only permitted' || true)
if [ -z "$stray" ]; then ok "the journal shows no notification from a pid systemd did not expect"
else not_ok "stray notifications: $stray"; fi

# ---- stop -------------------------------------------------------------------------------------
in_c systemctl stop chronyvisor.service
result=$(prop chronyvisor.service Result); code=$(prop chronyvisor.service ExecMainStatus)
if [ "$result" = success ] && [ "$code" = 0 ]; then ok "systemctl stop chronyvisor.service: result success, status 0"
else not_ok "systemctl stop: result $result, status $code"; fi
