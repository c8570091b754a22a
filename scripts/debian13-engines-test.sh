#!/usr/bin/env bash
# The stand's container test (scripts/container-test.sh, unchanged) on Debian 13's engines:
# Docker 26 (docker.io) and podman 5.4 with netavark 1.14, both driven by Debian 13's Compose
# v2 (docker-compose 2.26), on a Debian 12 host. The engines are trixie's packages in a trixie
# root file system (debootstrap from the host's Debian mirror) that the test enters by
# pivot_root in a mount namespace of its own (scripts/lib/debian-root.sh, debian_root_enter;
# not chroot: under a chrooted engine what `podman exec` starts lands outside the container's
# file system). They run in the host's other namespaces on the host's kernel, as they would
# installed on the host (their binaries need trixie's libraries, so they cannot run from the
# host's /usr). No container engine is nested, nothing is --privileged, and the stand's
# containers get what they get on any host (no SYS_TIME; every chronyd -x). The upstream is
# the test's local reference server, as in container-test.sh.
#
# The chronyvisor binary is built on the host (scripts/lib/image.sh's host_binary_build) and
# handed in (CHRONYVISOR_PREBUILT=1); the base image is copied from the host's podman when it
# has one, else container-test.sh builds it with trixie's debootstrap.
#
# Leaves nothing: container-test.sh removes what each run started (containers, networks,
# dockerd, the firewall chains, ip_forward) and checks the host's firewall and links; this
# script then ends, by pid, every process still in the root's mount namespace and their
# descendants (every mount there goes with the namespace; none reaches the host) and removes
# the root file system.
# Usage: scripts/debian13-engines-test.sh   (root; a stage of scripts/test.sh, skipped with
#   CHRONYVISOR_SKIP_DEBIAN13_ENGINES_TEST=1; CHRONYVISOR_DEBIAN13_ROOT=DIR
#   uses and keeps a root file system made before by this script)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/engines.sh
. scripts/lib/debian-root.sh
. scripts/lib/testing.sh

RELEASE=trixie
# What the root file system holds: the engines, Compose v2, and what container-test.sh and
# scripts/install-deps.sh want (installed here so that they install nothing inside).
PACKAGES=(docker.io docker-cli docker-compose podman runc netavark aardvark-dns catatonit fuse-overlayfs uidmap slirp4netns
  iptables debootstrap ntpsec-ntpdate python3 python3-prometheus-client iproute2 procps openssl chrony
  libsystemd-dev pkg-config time tzdata tzdata-legacy prometheus)
is_root || die "a mount namespace, pivot_root and container engines need root"
have debootstrap || die "debootstrap is needed (Debian: apt-get install debootstrap)"

repo=$(pwd -P)
root=${CHRONYVISOR_DEBIAN13_ROOT:-}
keep=keep
# The root file system: every process still running from it ended, unmounted, removed.
debian13_end() { debian_root_remove "$root" "$keep"; }
on_exit debian13_end

# ---- the trixie root file system ----------------------------------------------------------
if [ -z "$root" ]; then
  keep=
  t=$(now)
  root=$(mktemp -d /var/tmp/chronyvisor-debian13.XXXXXX)
  debian_root_make "$RELEASE" "$root" "${PACKAGES[@]}"
  timing "root file system $(since "$t") s"
fi
[ -x "$root/usr/sbin/dockerd" ] && [ -x "$root/usr/bin/podman" ] || die "$root lacks dockerd or podman"
[ -f "$root/usr/sbin/policy-rc.d" ] || { printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"; }

# ---- the binary, built here --------------------------------------------------------------
t=$(now)
host_binary_build
timing "binary $(since "$t") s"

# ---- into the root: pivot_root in a mount namespace of its own -----------------------------
# Not chroot: a chrooted engine's containers stay rooted at the host's / for whatever `podman
# exec` starts (scripts/lib/debian-root.sh, debian_root_enter). The host's /proc, /sys and
# /dev, a fresh /run, this checkout at the same path; every mount only in that namespace.
t=$(now)
cp /etc/resolv.conf "$root/etc/resolv.conf"
debian_root_enter "$root" "$repo"
# podman 5 warns at every command on a host with the cgroup v1 hierarchy (this one's hybrid
# layout); the versions line says it once.
inside() { debian_root_in env PODMAN_IGNORE_CGROUPSV1_WARNING=1 "$@"; }
timing "entered $(since "$t") s"
say "versions in $RELEASE: $(inside dockerd --version), $(inside podman --version), netavark $(inside /usr/lib/podman/netavark --version | awk '{ print $2 }'), compose $(inside docker compose version --short), chrony $(inside chronyc --version | awk '{ print $4 }'), no systemd, on the host kernel $(uname -r) (cgroup $(stat -fc %T /sys/fs/cgroup | sed 's/cgroup2fs/v2/; s/tmpfs/v1 or hybrid/'))"

# netavark 1.14 uses its nftables driver by default and fails without the nft command: the
# root file system has no nftables, and netavark runs with its iptables driver, whose rules
# and chains container-test.sh compares before and after and removes (as on Debian 12).
mkdir -p "$root/etc/containers/containers.conf.d"
printf '# scripts/debian13-engines-test.sh: the firewall the container test checks and cleans.\n[network]\nfirewall_driver = "iptables"\n' \
  > "$root/etc/containers/containers.conf.d/40-chronyvisor-firewall.conf"

# The base image from the host's podman (seconds) instead of a debootstrap inside.
release=$(DEBIAN_RELEASE=${DEBIAN_RELEASE:-} bash -c '. scripts/lib/common.sh; . scripts/lib/image.sh; echo "$BASE_IMAGE"')
if have podman && podman image exists "$release" 2>/dev/null; then
  t=$(now)
  rm -f "$root/var/tmp/base.tar"   # a failed run's, in a kept root file system
  podman image save "$release" -o "$root/var/tmp/base.tar" >/dev/null
  inside podman load -q -i /var/tmp/base.tar >/dev/null
  rm -f "$root/var/tmp/base.tar"
  timing "base image copied $(since "$t") s"
fi

for engine in podman docker; do
  t=$(now)
  say "container-test.sh on $RELEASE's $engine"
  inside bash -c 'cd "$1" && CHRONYVISOR_ENGINE=$2 CHRONYVISOR_COMPOSE=v2 CHRONYVISOR_PREBUILT=1 CHRONYVISOR_OFFLINE=1 CHRONYVISOR_BUILD=host \
    DEBIAN_RELEASE=${3:-} scripts/container-test.sh' bash "$repo" "$engine" "${DEBIAN_RELEASE:-}" \
    || fail "container-test.sh on $RELEASE's $engine"
  ok "container-test.sh on $RELEASE's $engine passed"
  timing "$engine $(since "$t") s"
done
