#!/usr/bin/env bash
# The fresh-machine test: what a new user's Debian machine has, and nothing that a developer's
# or CI's warm machine may hide. A Debian root file system made by debootstrap (minbase, from
# this host's Debian mirror, the host's release), with only the Swift toolchain and, where
# this host has one, the offline Swift package store bind-mounted read-only. In it, as root:
# The build phase
#   1. scripts/install-deps.sh build test   the project's own installer, from the one package list
#   2. scripts/build-release.sh             the host release build that run.sh and release.sh use
#   3. the binary answers --version; the tests' private chrony (scripts/lib/chrony-private.sh)
#      unpacks and runs there without the chrony package, and `chronyvisor config --check`
#      finds chronyd through PATH and has it parse the generated configuration (chronyd -p:
#      no daemon is started).
# The run phase (CHRONYVISOR_CLEANROOM_RUN=0 leaves it out): the README's quick start as a
# user types it (scripts/lib/cleanroom-run.sh)
#   4. scripts/run.sh      installs podman and the rest of the stand group itself, builds the
#                          base image (debootstrap: no registry here) and the image, brings the
#                          stand up
#   5. ntpdate -q 127.0.0.1  answers at stratum 3 with an offset under 50 ms (query mode only)
#   6. scripts/down.sh     and no container or network is left in the clean room
# A package missing from the list fails step 1, 2 or 4 here even when this host has it.
#
# The run phase enters the root by pivot_root in a mount namespace of its own (a chrooted
# runc would start `podman exec`'s processes, the health checks, outside the container). Its
# engine runs in the host's network namespace as an installed one would: netavark's bridges
# and firewall chains and UDP port 123 are the machine's, so the phase holds the machine's
# engine lock (flock /tmp/chronyvisor-stand.lock, only for this phase) and checks that the
# host's firewall rules (iptables and ip6tables, filter and nat), links, ip_forward, mounts and
# podman containers and networks are the same after it as before. The stand's default
# upstreams are public servers: the run sets NTP_UPSTREAM to a reference chronyd (-x, `local
# stratum 1`) that the test starts on the host's own address, UDP port 11123
# (CHRONYVISOR_CLEANROOM_REF_PORT), and stops by pid. Every chronyd in the stand runs with -x;
# no container gets SYS_TIME; nothing is --privileged.
#
# Each phase runs in its own mount namespace (unshare): every mount it makes (the toolchain,
# the package store, /proc, /sys, /dev, /run) goes when it ends, also on failure or interrupt;
# what still runs in the run phase's namespace then is ended by pid; then the root file system
# is removed. Reaches the Debian mirror only (and github.com when there is no package store).
# Measured on 2 cores shared with several other builds (load average 17-25): debootstrap 3-11
# min, the packages 3-4 min, the release build 31-50 min (one run: 188 s, 174 s, 1841 s;
# 2274 s in all); on an idle 2-core machine expect about 20-25 minutes for the build phase.
# One run on 2 cores at load average 2-5: build phase 598 s (debootstrap 46 s, packages 30 s,
# release build 521 s); the run phase 126 s once it held the lock (run.sh 119 s: podman and
# the stand group 20-30 s, the base image by debootstrap 68 s, the host build 10 s, the image
# 25 s, the stand healthy 12 s; down.sh 6 s). About 2 GB in /var/tmp (1.6 GB at the end).
#
# Usage: scripts/cleanroom-test.sh   (as root; an opt-in stage of scripts/test.sh:
#        CHRONYVISOR_CLEANROOM_TEST=1)
# Settings: SWIFT_ROOT (the toolchain: the directory holding usr/bin/swift; default: where
# `swift` is found, or /opt/swift), CHRONYVISOR_PACKAGE_STORE (/opt/swift-packages when it
# exists: the Swift packages' offline copies, which git finds through url.insteadOf),
# CHRONYVISOR_CLEANROOM_RUN (1, the default: the run phase; 0: the build phase only),
# CHRONYVISOR_CLEANROOM_KEEP=1 (keep the root file system at the end),
# CHRONYVISOR_CLEANROOM_ROOT=DIR (use a root file system kept before, and keep it).
. "$(dirname "$0")/lib/init.sh"
[ $# -eq 0 ] || usage_error "no arguments expected"
. scripts/lib/packages.sh
. scripts/lib/image.sh
. scripts/lib/testing.sh

is_root || die "the clean room needs root (debootstrap, chroot, mounts)"
have unshare && have chroot || die "unshare and chroot (util-linux, coreutils) are needed"
packages_install cleanroom

swift_bin=$(command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
SWIFT_ROOT=${SWIFT_ROOT:-$(cd "$(dirname "$(readlink -f "$swift_bin")")/../.." 2>/dev/null && pwd)}
[ -x "$SWIFT_ROOT/usr/bin/swift" ] || die "no Swift toolchain at SWIFT_ROOT=$SWIFT_ROOT (expected usr/bin/swift under it)"
STORE=${CHRONYVISOR_PACKAGE_STORE:-/opt/swift-packages}
[ -d "$STORE" ] || STORE=""
release=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
mirror=$(debian_mirror); security=$(debian_security_mirror)

RUN=${CHRONYVISOR_CLEANROOM_RUN:-1}
case "$RUN" in 0|1) ;; *) say "CHRONYVISOR_CLEANROOM_RUN=$RUN: expected 1 (run the stand after the build, the default) or 0"; exit 78 ;; esac
KEEP=${CHRONYVISOR_CLEANROOM_KEEP:-0}
rootfs=${CHRONYVISOR_CLEANROOM_ROOT:-}
made_here=0
if [ -n "$rootfs" ]; then
  [ -x "$rootfs/usr/bin/apt-get" ] && [ -d "$rootfs/src/chronyvisor" ] \
    || { say "CHRONYVISOR_CLEANROOM_ROOT=$rootfs: expected a root file system this script kept (usr/bin/apt-get, src/chronyvisor)"; exit 78; }
  rootfs=$(cd "$rootfs" && pwd -P); KEEP=1
else
  rootfs=$(mktemp -d /var/tmp/chronyvisor-cleanroom.XXXXXX); made_here=1
fi
log=$TEST_TMP/debootstrap.log
# The mounts lived in the namespaces of the unshares below and are gone with them; refuse to
# remove anything if one is still there (it would delete through it).
cleanroom_end() {
  if findmnt -rn -o TARGET | grep -q "^$rootfs"; then
    say "warning: mounts under $rootfs remain; leaving it for inspection"; return 1
  fi
  if [ "$KEEP" = 1 ]; then
    say "the root file system stays in $rootfs (CHRONYVISOR_CLEANROOM_ROOT=$rootfs uses it again; rm -rf --one-file-system removes it)"
    return 0
  fi
  rm -rf --one-file-system "$rootfs"
}
on_exit cleanroom_end

step() { say "$1 ($(since "$TEST_STARTED") s so far)"; }
if [ "$made_here" = 1 ]; then
  step "debootstrap --variant=minbase $release from $mirror (several minutes)"
  t=$(now)
  debootstrap --variant=minbase "$release" "$rootfs" "$mirror" > "$log" 2>&1 \
    || { tail -20 "$log" >&2; die "debootstrap failed"; }
  say "root file system made in $(since "$t") s: $(du -sh --one-file-system "$rootfs" | cut -f1)"
  timing "debootstrap $(since "$t") s"
else
  step "using the root file system kept in $rootfs"
fi
{
  echo "deb $mirror $release main"
  echo "deb $mirror $release-updates main"
  [ -n "$security" ] && echo "deb $security $release-security main"
} > "$rootfs/etc/apt/sources.list"
printf 'Acquire::Check-Valid-Until "false";\n' > "$rootfs/etc/apt/apt.conf.d/10chronyvisor-mirror"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf" 2>/dev/null || true
# No package installed in the clean room starts a service (a daemon there would run on the
# host's kernel and clock): invoke-rc.d asks policy-rc.d, which refuses every start.
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"; chmod +x "$rootfs/usr/sbin/policy-rc.d"
# git finds the Swift packages' offline copies as this host's git does (url.insteadOf).
if [ -n "$STORE" ] && [ "$made_here" = 1 ]; then
  git config --system --get-regexp '^url\..*\.insteadof$' 2>/dev/null | while read -r key value; do
    git config --file "$rootfs/etc/gitconfig" --add "$key" "$value"
  done
fi
mkdir -p "$rootfs/opt/swift" "$rootfs/src/chronyvisor"
[ -n "$STORE" ] && mkdir -p "$rootfs$STORE"
# The project as a clone would have it: tracked and new (not ignored) files of the work tree.
# A kept root gets it afresh (files that moved would be there twice), keeping only the builds.
if [ "$made_here" = 0 ]; then
  find "$rootfs/src/chronyvisor" -mindepth 1 -maxdepth 1 ! -name .build-release ! -name .build-chrony -exec rm -rf --one-file-system {} +
fi
git ls-files -z --cached --others --exclude-standard \
  | tar -c --null -T - --ignore-failed-read 2>/dev/null | tar -x -C "$rootfs/src/chronyvisor"
commit=$(project_commit)

# Everything below runs in a private mount namespace: its mounts vanish when it exits.
inner=$(cat <<'INNER'
set -euo pipefail
rootfs=$1 swift_root=$2 store=$3 commit=$4
mount --bind "$swift_root" "$rootfs/opt/swift" && mount -o remount,bind,ro "$rootfs/opt/swift"
if [ -n "$store" ]; then mount --bind "$store" "$rootfs$store" && mount -o remount,bind,ro "$rootfs$store"; fi
mount -t proc proc "$rootfs/proc"
mount --rbind /dev "$rootfs/dev"
exec chroot "$rootfs" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/opt/swift/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  CHRONYVISOR_COMMIT="$commit" /bin/bash -c '
set -euo pipefail
cd /src/chronyvisor
. scripts/lib/common.sh
SCRIPT_NAME=cleanroom
t=$(now)
say "in the clean room: scripts/install-deps.sh build test"
scripts/install-deps.sh build test
say "packages installed in $(since "$t") s"
t=$(now)
say "in the clean room: scripts/build-release.sh (the host release build; the longest step)"
bin=$(scripts/build-release.sh .build-release 2> /tmp/build.log) || { grep -E "error:" /tmp/build.log | head -20 >&2; tail -20 /tmp/build.log >&2; exit 1; }
say "release build in $(since "$t") s: $(du -h "$bin" | cut -f1)"
version=$("$bin" --version)
echo "$version" | grep -q "^$(project_version) (commit " || { say "unexpected --version: $version"; exit 1; }
say "chronyvisor --version: $version"
! dpkg-query -W -f="\${Status}" chrony 2>/dev/null | grep -q "install ok installed" || { say "the chrony package is installed in the clean room"; exit 1; }
. scripts/lib/chrony-private.sh
chrony_private_ensure
export PATH=$(chrony_private_path):$PATH
command -v chronyd | grep -q "^$CHRONY_PRIVATE_DIR/" || { say "chronyd is not the private copy: $(command -v chronyd)"; exit 1; }
"$bin" config --check > /dev/null || { say "chronyvisor config --check with the private chronyd failed"; exit 1; }
say "the private chronyd ($(chronyd --version | head -1)) parses the generated configuration; no chrony package installed"
'
INNER
)
step "entering the clean room (toolchain $SWIFT_ROOT${STORE:+, package store $STORE}, both read-only)"
unshare --mount --propagation private --fork bash -c "$inner" inner "$rootfs" "$SWIFT_ROOT" "$STORE" "$commit" \
  || fail "the clean room: install-deps.sh, the release build, --version or the private chronyd"
timing "build phase $(since "$TEST_STARTED") s"
ok "the clean room: install-deps.sh build test, the release build, chronyvisor --version, the private chronyd parses the generated configuration"
[ "$RUN" = 1 ] || exit 0
. scripts/lib/cleanroom-run.sh
cleanroom_run
