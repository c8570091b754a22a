#!/usr/bin/env bash
# chronyvisor with Debian forky's chrony 4.9: chronyd itself never talks to systemd.
# chronyd >= 4.7 sends READY=1 and STOPPING=1 to $NOTIFY_SOCKET by itself (and exits on an
# abstract one); chronyvisor keeps NOTIFY_SOCKET and WATCHDOG_* from chronyd and alone tells
# the service manager. Checked with a real chronyd 4.9 in a forky root file system (debootstrap
# from the host's Debian mirror, entered by chroot; scripts/lib/debian-root.sh) and a notify
# socket whose listener records the sender of every message (SO_PASSCRED):
#   1. a plain `chronyd -x` 4.9 given NOTIFY_SOCKET sends READY=1 itself (the listener would
#      hear it: the check below can fail), and STOPPING=1 at SIGTERM;
#   2. `chronyvisor run` (NOTIFY_SOCKET, WATCHDOG_USEC set) syncs its chronyd 4.9 to that
#      reference; READY=1 comes from chronyvisor's pid; chronyd's environment has none of
#      NOTIFY_SOCKET, WATCHDOG_*; `chronyvisor status` (chronyc 4.9, which drops root) reads it;
#      after SIGTERM, STOPPING=1 from chronyvisor; no message ever came from chronyd's pid.
# The listener stands in for systemd (no systemd runs on this host; scripts/systemd-test.sh
# has the real one, with the image's chrony). Every chronyd runs with -x, on loopback ports
# of their own; nothing off this machine is asked.
# Removes its root file system and unmounts what it mounted, also on failure.
# Usage: scripts/chrony-forky-test.sh   (root; CHRONYVISOR_FORKY_ROOT=DIR uses and keeps a
#   root file system with chrony made before; scripts/test.sh runs it with
#   CHRONYVISOR_CHRONY_FORKY_TEST=1, in a root file system it shares with systemd-forky-test.sh)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/image.sh
. scripts/lib/debian-root.sh
. scripts/lib/chrony-private.sh
POLL_EVERY=0.2
. scripts/lib/testing.sh

is_root || die "debootstrap, chroot and mounts need root"
have python3 || die "python3 is needed (the notify socket's listener)"
LIMIT=${CHRONYVISOR_TEST_WAIT:-60}

root=${CHRONYVISOR_FORKY_ROOT:-}
keep=keep
listener_pid= reference_pid= run_pid=
# The processes this test started (by pid), then the root file system.
forky_end() {
  local pid
  for pid in $run_pid $reference_pid $listener_pid; do stop_pid "$pid"; done
  debian_root_remove "$root" "$keep"
}
on_exit forky_end

if [ -z "$root" ]; then
  keep=
  t=$(now)
  root=$(mktemp -d /var/tmp/chronyvisor-forky.XXXXXX)
  debian_root_make forky "$root" chrony
  say "forky root file system in $(since "$t") s"
fi
[ -x "$root/usr/sbin/chronyd" ] || die "$root has no chronyd"
version=$(chroot "$root" chronyc --version | awk '{ print $4 }')
say "chrony $version (forky), chronyvisor built on this host"
host_binary_build
install -m 0755 .build-release/context/out/chronyvisor "$root/usr/local/bin/chronyvisor"
mount -t proc proc "$root/proc"
rm -rf "$root/run/test"   # a kept root file system's last run
mkdir -p -m 0755 "$root/run/test" "$root/run/chrony"
chroot "$root" chown _chrony:_chrony /run/chrony

# The notify socket, in the root file system: one line per datagram, "PID MESSAGE".
python3 - "$root/run/test/notify.sock" "$root/run/test/notify.log" <<'PY' &
import socket, struct, sys
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path)
import os; os.chmod(path, 0o777)
with open(log, "a", buffering=1) as out:
    while True:
        data, ancdata, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        pid = next((struct.unpack("3i", d)[0] for level, kind, d in ancdata
                    if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS), -1)
        for line in data.decode(errors="replace").splitlines():
            out.write("%d %s\n" % (pid, line))
PY
listener_pid=$!
poll_until "$LIMIT" test -S "$root/run/test/notify.sock" || die "the notify listener did not start"
log=$root/run/test/notify.log
touch "$log"
heard() { grep -qx "$1 $2" "$log"; }     # PID MESSAGE

base=$(( 32000 + ($$ % 500) * 4 ))
ref_port=$base
# ---- 1. chronyd 4.9 alone notifies --------------------------------------------------------
CHRONYD_ROOT=$root CHRONYD_PREFIX="chroot $root env -i PATH=/usr/sbin:/usr/bin NOTIFY_SOCKET=/run/test/notify.sock" \
  chronyd_start /run/test/ref "local stratum 1" "port $ref_port" "bindaddress 127.0.0.1" "allow 127.0.0.0/8" "cmdport 0" \
  "bindcmdaddress /run/test/ref/chronyd.sock"
reference_pid=$CHRONYD_PID
if poll_until "$LIMIT" heard "$reference_pid" READY=1; then
  ok "chronyd $version -x given NOTIFY_SOCKET sends READY=1 itself (pid $reference_pid)"
else
  not_ok "chronyd $version sent no READY=1 within $LIMIT s: $(cat "$log"; tail -3 "$root/run/test/ref/log")"
fi

# ---- 2. under chronyvisor, only chronyvisor notifies ---------------------------------------
# chronyvisor's chronyd follows the plain chronyd of step 1.
chroot "$root" env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin HOME=/root \
  NOTIFY_SOCKET=/run/test/notify.sock WATCHDOG_USEC=2000000 \
  NTP_SERVERS="127.0.0.1:$ref_port" NTP_PORT=$((base + 1)) NTP_ALLOW=127.0.0.0/8 NTP_MINPOLL=-2 NTP_MAXPOLL=0 \
  POLL_INTERVAL=200ms HEALTH_LISTEN="127.0.0.1:$((base + 2))" CHRONY_CONF=/run/test/cv/chrony.conf \
  CHRONY_STATE_DIR=/run/test/cv/state CHRONY_CONF_DIR=/run/test/cv/conf.d \
  chronyvisor run > "$root/run/test/chronyvisor.log" 2>&1 &
run_pid=$!
if poll_until "$LIMIT" heard "$run_pid" READY=1; then
  ok "chronyvisor (pid $run_pid) sent READY=1 once its chronyd $version synchronised"
else
  not_ok "no READY=1 from chronyvisor within $LIMIT s: $(cat "$log"; tail -5 "$root/run/test/chronyvisor.log")"
fi
chronyd_pid=$(for d in /proc/[0-9]*; do
  [ "$(awk '/^PPid:/ { print $2 }' "$d/status" 2>/dev/null)" = "$run_pid" ] && [ "$(cat "$d/comm" 2>/dev/null)" = chronyd ] && echo "${d#/proc/}"
done | head -1; true)
if [ -z "$chronyd_pid" ]; then
  not_ok "chronyvisor runs no chronyd: $(tail -5 "$root/run/test/chronyvisor.log")"
else
  argv=$(tr '\0' ' ' < "/proc/$chronyd_pid/cmdline")
  leaked=$(tr '\0' '\n' < "/proc/$chronyd_pid/environ" | grep -E '^(NOTIFY_SOCKET|WATCHDOG_[A-Z]*)=' || true)
  if [ -z "$leaked" ] && grep -q ' -x' <<< " $argv"; then
    ok "chronyd $version (pid $chronyd_pid, $argv) has none of NOTIFY_SOCKET, WATCHDOG_* in its environment"
  else
    not_ok "chronyd (pid $chronyd_pid, $argv) has [$(echo $leaked)]"
  fi
  if out=$(chroot "$root" chronyvisor status sources --run-dir /run/chrony 2>&1) && grep -q "^\^\* 127.0.0.1 " <<< "$out"; then
    ok "chronyvisor status (chronyc $version, which drops root to _chrony) reads it: $(grep '^\^\*' <<< "$out")"
  else
    not_ok "chronyvisor status sources: $out"
  fi
fi
# Let it run a while (chronyd 4.9 notifies right after its start): until chronyvisor has
# sent WATCHDOG=1 twice (every second with WATCHDOG_USEC=2000000).
watchdog_twice() { [ "$(grep -c "^$run_pid WATCHDOG=1$" "$log")" -ge 2 ]; }
poll_until "$LIMIT" watchdog_twice || not_ok "no WATCHDOG=1 from chronyvisor within $LIMIT s"
cv_pid=$run_pid
kill -TERM "$run_pid"
rc=0; wait "$run_pid" || rc=$?
run_pid=
if [ "$rc" = 0 ] && heard "$cv_pid" STOPPING=1; then
  ok "SIGTERM: chronyvisor sent STOPPING=1 and exited 0"
else
  not_ok "SIGTERM: exit $rc, messages: $(tr '\n' ';' < "$log")"
fi
from_chronyd=$( [ -n "${chronyd_pid:-}" ] && grep "^$chronyd_pid " "$log" || true)
if [ -n "${chronyd_pid:-}" ] && [ -z "$from_chronyd" ]; then
  ok "no message ever came from chronyvisor's chronyd (pid $chronyd_pid): $(grep -c "^$reference_pid " "$log") from the plain chronyd, $(grep -c . "$log") in all"
else
  not_ok "messages from chronyvisor's chronyd: [$from_chronyd]"
fi
kill -TERM "$reference_pid"; wait "$reference_pid" || true
if heard "$reference_pid" STOPPING=1; then ok "the plain chronyd $version sent STOPPING=1 itself at SIGTERM"
else not_ok "the plain chronyd sent no STOPPING=1: $(tr '\n' ';' < "$log")"; fi
reference_pid=
