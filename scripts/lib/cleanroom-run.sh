# The clean room's run phase (scripts/cleanroom-test.sh, CHRONYVISOR_CLEANROOM_RUN=1, the
# default): the README's quick start as a user types it, in the clean root file system that
# the build phase left: `scripts/run.sh` (installing podman and the rest itself, building the
# base image and the image, bringing the stand up), `ntpdate -q 127.0.0.1`, `scripts/down.sh`.
#
# The root is entered by pivot_root in a mount namespace of its own, not by chroot: a chrooted
# runc's pivot_root leaves the container's mount namespace rooted at the host's /, so what
# `podman exec` starts (every health check) would land outside the container. The engines
# run in the host's network namespace, as they would installed on the host: netavark's
# bridges and firewall chains, and UDP port 123, are the machine's. So the whole phase holds
# the machine-wide engine lock (/tmp/chronyvisor-stand.lock), and compares the host's
# firewall rules (both families), links, ip_forward, mounts and host containers before and
# after.
#
# The stand's default upstreams are public servers: the run sets NTP_UPSTREAM to a local
# reference chronyd (-x, `local stratum 1`, an unprivileged port on the host's own address)
# that this phase starts on the host and stops by pid. Every chronyd in the stand runs with
# -x; no container gets SYS_TIME; nothing is --privileged; ntpdate asks in query mode only.
# Source it from cleanroom-test.sh after common.sh and testing.sh; it uses rootfs, SWIFT_ROOT,
# STORE, commit and step from there.

CLEANROOM_LOCK=/tmp/chronyvisor-stand.lock
CLEANROOM_REF_PORT=${CHRONYVISOR_CLEANROOM_REF_PORT:-11123}
cleanroom_ref_pid=
cleanroom_mntns_file=
cleanroom_lock_fd=
cleanroom_upstream=

# What the run must leave as it found it, one line each: firewall rules, chains and policies
# (iptables and ip6tables, filter and nat), the nftables ruleset's tables, network links,
# ip_forward, mount points, the host engines' containers and networks.
cleanroom_host_state() {
  docker_firewall_state | sort
  if have nft; then nft list tables 2>/dev/null | sed 's/^/nft /' | sort; fi
  ip -o link show | awk -F': ' '{ print "link", $2 }' | sed 's/@.*//' | sort
  echo "ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
  findmnt -rn -o TARGET | sed 's/^/mount /' | sort
  if have podman; then
    podman ps -a --format 'podman container {{.ID}} {{.Names}}' 2>/dev/null | sort
    podman network ls --format 'podman network {{.Name}}' 2>/dev/null | sort
  fi
}

# The pids of the processes in the mount namespace ID (as /proc/PID/ns/mnt reads).
cleanroom_namespace_processes() {
  local id=$1 p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$id" ] && echo "${p#/proc/}"
  done
  return 0
}

# Ends what the run left (by pid): processes still in the clean room's mount namespace, the
# reference chronyd; then releases the engine lock. Safe to call twice.
cleanroom_run_cleanup() {
  local id pids
  if [ -n "$cleanroom_mntns_file" ] && [ -s "$cleanroom_mntns_file" ]; then
    id=$(cat "$cleanroom_mntns_file")
    pids=$(cleanroom_namespace_processes "$id")
    if [ -n "$pids" ]; then
      say "ending what still runs in the clean room: $(echo "$pids" | tr '\n' ' ')"
      # shellcheck disable=SC2086
      kill $pids 2>/dev/null || true
      for _ in $(seq 50); do [ -z "$(cleanroom_namespace_processes "$id")" ] && break; sleep 0.2; done
      pids=$(cleanroom_namespace_processes "$id")
      # shellcheck disable=SC2086
      [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    fi
    rm -f "$cleanroom_mntns_file"
  fi
  stop_pid "$cleanroom_ref_pid"
  cleanroom_ref_pid=
  if [ -n "$cleanroom_lock_fd" ]; then exec {cleanroom_lock_fd}>&-; cleanroom_lock_fd=; fi
}

# Starts the reference server on the host: chronyd -x, `local stratum 1`, on
# CLEANROOM_REF_PORT of every address. Sets cleanroom_upstream to the host address:port the
# stand's relays reach it at (the source address of the host's own route: `ip route get`
# sends nothing). Not in $( ): it keeps the pid.
cleanroom_reference_start() {
  # The host's chronyd, or the tests' private copy of Debian's (not installed: the host's
  # time client stays).
  . scripts/lib/chrony-private.sh
  chrony_on_path
  local addr
  addr=$(ip -4 route get 203.0.113.1 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "src") { print $(i + 1); exit } }')
  [ -n "$addr" ] || die "the host has no IPv4 address with a route: the stand's relays could not reach the reference"
  ! cleanroom_reference_listens \
    || die "UDP port $CLEANROOM_REF_PORT is in use: set CHRONYVISOR_CLEANROOM_REF_PORT"
  # The clean room's reference server: serves this host's clock, never sets it (-x).
  chronyd_start "$TEST_TMP/reference" "port $CLEANROOM_REF_PORT" "cmdport 0" "local stratum 1" "allow all"
  cleanroom_ref_pid=$CHRONYD_PID
  wait_until 30 "the reference chronyd listening on UDP $CLEANROOM_REF_PORT" cleanroom_reference_up
  cleanroom_upstream=$addr:$CLEANROOM_REF_PORT
}
cleanroom_reference_listens() { ss -Hlun "sport = :$CLEANROOM_REF_PORT" | grep -q .; }
# Listening; a reference that ended fails the test with its log (no use waiting then).
cleanroom_reference_up() {
  kill -0 "$cleanroom_ref_pid" 2>/dev/null || fail "the reference chronyd ended: $(tr '\n' ' ' < "$TEST_TMP/reference/log")"
  cleanroom_reference_listens
}

# What runs inside: $1 root file system, $2 toolchain, $3 package store, $4 commit, $5 the
# file for the namespace's id, $6 NTP_UPSTREAM.
CLEANROOM_RUN_INNER=$(cat <<'INNER'
set -euo pipefail
rootfs=$1 swift_root=$2 store=$3 commit=$4 nsfile=$5 upstream=$6
readlink /proc/self/ns/mnt > "$nsfile"
# The root a mount point of its own (pivot_root needs one), then the toolchain, the store,
# the kernel's file systems and an empty /run (no state from the build phase's engines).
mount --bind "$rootfs" "$rootfs"
mount --bind "$swift_root" "$rootfs/opt/swift" && mount -o remount,bind,ro "$rootfs/opt/swift"
if [ -n "$store" ]; then mount --bind "$store" "$rootfs$store" && mount -o remount,bind,ro "$rootfs$store"; fi
mount -t proc proc "$rootfs/proc"
mount --rbind /sys "$rootfs/sys"
mount --rbind /dev "$rootfs/dev"
mount -t tmpfs -o mode=0755 tmpfs "$rootfs/run"
cd "$rootfs"
mkdir -p .host
pivot_root . .host
cd /
umount -l /.host
rmdir /.host
exec /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/opt/swift/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  CHRONYVISOR_COMMIT="$commit" NTP_UPSTREAM="$upstream" /bin/bash -c '
set -euo pipefail
cd /src/chronyvisor
. scripts/lib/common.sh
SCRIPT_NAME=cleanroom-run
stand=0
finish() {
  local rc=$?
  if [ "$stand" = 1 ]; then say "scripts/down.sh (after a failure)"; scripts/down.sh || rc=1; fi
  # Whatever the clean room'"'"'s podman still has (nothing, after down.sh).
  if command -v podman > /dev/null; then
    left=$(podman ps -aq 2>/dev/null || true)
    if [ -n "$left" ]; then say "containers left in the clean room: $left"; podman rm -f -t 5 $left > /dev/null 2>&1 || true; rc=1; fi
  fi
  exit "$rc"
}
trap finish EXIT
dpkg-query -W -f="\${Package}\n" | sort > /tmp/packages-before
say "in the clean room (pivot_root): NTP_UPSTREAM=$NTP_UPSTREAM scripts/run.sh"
t=$(now); stand=1
scripts/run.sh
say "scripts/run.sh took $(since "$t") s"
dpkg-query -W -f="\${Package}\n" | sort > /tmp/packages-after
say "run.sh installed $(comm -13 /tmp/packages-before /tmp/packages-after | wc -l) packages: $(comm -13 /tmp/packages-before /tmp/packages-after | tr "\n" " ")"
say "podman in the clean room: $(podman --version); images: $(podman images --format "{{.Repository}}:{{.Tag}} {{.Size}}" | tr "\n" ";")"
# The quick start'"'"'s check, query mode only: the gateway answers on 127.0.0.1:123 at
# stratum 3 (reference 1, relay 2) with a sane offset (the same clock: well under 50 ms).
t=$(now); deadline=$(( $(date +%s) + 120 )); answer=""
while :; do
  answer=$(ntpdate -q 127.0.0.1 2>&1) || true
  echo "$answer" | grep -q " s3 " && break
  [ "$(date +%s)" -lt "$deadline" ] || { say "ntpdate -q 127.0.0.1 gave no stratum 3 answer within 120 s: $answer"; exit 1; }
  sleep 2
done
say "ntpdate -q 127.0.0.1 ($(since "$t") s): $answer"
offset=$(echo "$answer" | awk "/ s3 / { print \$4; exit }")
awk -v o="$offset" "BEGIN { exit !(o + 0 < 0.05 && o + 0 > -0.05) }" || { say "offset $offset s is not sane (expected under 50 ms)"; exit 1; }
say "the offset is $offset s"
t=$(now)
scripts/down.sh
stand=0
say "scripts/down.sh took $(since "$t") s"
left=$(podman ps -aq; podman network ls -q | grep -vx podman || true)
[ -z "$left" ] || { say "left after down.sh: $left"; exit 1; }
'
INNER
)

# The run phase: the lock, the reference, the state before, the run, the state after.
cleanroom_run() {
  . scripts/lib/docker-engine.sh
  have pivot_root || die "pivot_root (util-linux) is needed"
  local t before after upstream rc=0
  t=$(now)
  step "waiting for the engine lock ($CLEANROOM_LOCK): the run phase uses podman, netavark and UDP port 123"
  exec {cleanroom_lock_fd}>"$CLEANROOM_LOCK"
  flock "$cleanroom_lock_fd"
  timing "waited for the lock $(since "$t") s"
  on_exit cleanroom_run_cleanup
  step "the engine lock is held"
  t=$(now)
  before=$(cleanroom_host_state)
  cleanroom_reference_start
  upstream=$cleanroom_upstream
  say "reference chronyd -x (pid $cleanroom_ref_pid) on $upstream: the stand's NTP_UPSTREAM (no public server)"
  cleanroom_mntns_file=$rootfs.mntns
  unshare --mount --propagation private --fork bash -c "$CLEANROOM_RUN_INNER" inner \
    "$rootfs" "$SWIFT_ROOT" "$STORE" "$commit" "$cleanroom_mntns_file" "$upstream" {cleanroom_lock_fd}>&- || rc=$?
  timing "run phase $(since "$t") s"
  local lockfd=$cleanroom_lock_fd; cleanroom_lock_fd=
  cleanroom_run_cleanup
  cleanroom_lock_fd=$lockfd
  after=$(cleanroom_host_state)
  # Firewall, links and ip_forward must be exactly as before. Mounts and the host engine's
  # containers and networks must have nothing new; the host's podman may unmount its own
  # storage (/var/lib/containers/storage/overlay) when the lock's previous holder's last
  # container goes, which is noted, not failed.
  local changed gone
  changed=$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' || true)
  gone=$(echo "$changed" | grep -E '^< (mount|podman) ' || true)
  changed=$(echo "$changed" | grep -vE '^< (mount|podman) ' || true)
  [ -z "$gone" ] || say "note: gone from the host during the run phase, not by it: $(echo "$gone" | tr '\n' ';')"
  if [ -n "$changed" ]; then
    say "the host's state changed during the run phase (< before, > after):"
    echo "$changed" >&2
    rc=1
  else
    say "the host's firewall rules, links, ip_forward, mounts and containers are as before ($(echo "$before" | wc -l) lines compared)"
  fi
  exec {cleanroom_lock_fd}>&-; cleanroom_lock_fd=
  [ "$rc" = 0 ] || fail "the run phase: run.sh, ntpdate -q 127.0.0.1, down.sh or the host's state (the lines above)"
  ok "the quick start in the clean room: run.sh installed and built what it needed and brought the stand up, ntpdate -q 127.0.0.1 answered at stratum 3, down.sh removed it; the host as before"
}
