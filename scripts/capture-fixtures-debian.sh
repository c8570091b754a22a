#!/usr/bin/env bash
# Captures the chrony golden fixtures from another Debian release's chrony (forky's 4.9 by
# default): builds a minimal root file system of RELEASE with debootstrap from the host's
# Debian mirror (chrony and openssl in it, no service started: scripts/lib/debian-root.sh)
# and runs scripts/capture-fixtures.sh, unchanged, inside it by chroot, so that chronyd and
# chronyc are that release's. The fixtures land in Tests/ChronyKitTests/Fixtures/chrony-VERSION/.
# Every chronyd runs with -x (the capture script starts them); the system clock is never
# touched; nothing off this machine is asked.
#
# Unmounts what it mounted (proc) and removes the root file system, also on failure.
# CHRONYVISOR_CAPTURE_ROOT=DIR uses (and keeps) a root file system made before instead.
# Usage: scripts/capture-fixtures-debian.sh [RELEASE]   (root; CAPTURE_ONLY as for capture-fixtures.sh)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/image.sh   # debian_mirror
. scripts/lib/debian-root.sh

release=${1:-forky}
is_root || die "debootstrap and chroot need root"
have debootstrap || die "debootstrap is needed (Debian: apt-get install debootstrap)"

started=$(now)
root=${CHRONYVISOR_CAPTURE_ROOT:-}
keep=keep
cleanup() {
  local rc=$?
  debian_root_remove "$root" "$keep" || rc=1
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$root" ]; then
  keep=
  root=$(mktemp -d /var/tmp/chronyvisor-capture-root.XXXXXX)
  debian_root_make "$release" "$root" chrony openssl
  say "root file system of $release in $(since "$started") s"
fi
[ -x "$root/usr/sbin/chronyd" ] || die "$root has no /usr/sbin/chronyd"

mount -t proc proc "$root/proc"
# chronyc binds its end of the command socket in chrony's run directory, which nothing has
# made in a fresh root file system (systemd-tmpfiles would).
mkdir -p -m 0750 "$root/run/chrony"
rm -rf "$root/capture"
mkdir -p "$root/capture/out"
cp -r scripts "$root/capture/"
version=$(chroot "$root" chronyc --version | sed -n 's/^chronyc (chrony) version \([0-9.]*\).*/\1/p')
[ -n "$version" ] || die "cannot tell the chrony version in $root"
say "capturing chrony $version fixtures in the $release root file system"
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TZ=UTC CAPTURE_ONLY="${CAPTURE_ONLY:-}" \
  bash /capture/scripts/capture-fixtures.sh /capture/out
out=Tests/ChronyKitTests/Fixtures/chrony-$version
mkdir -p "$out"
cp "$root"/capture/out/*.txt "$out/"
rm -rf "$root/capture"
say "chrony $version ($release) fixtures in $out ($(since "$started") s)"
