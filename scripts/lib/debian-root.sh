# Root file systems of other Debian releases (forky's chrony 4.9, trixie's engines) for the
# scripts that run that release's programs by chroot on this host. Source it after common.sh
# and image.sh (debian_mirror). Functions only.

# debian_root_make RELEASE DIR [PACKAGE...]: a minbase root file system of RELEASE in DIR (made
# by the caller, empty) from the host's Debian mirror, then PACKAGES installed in it. A
# policy-rc.d forbids every service start before any package is installed (chrony's and
# docker.io's would start their daemons, chronyd without -x, where an init answers). Releases
# the host's debootstrap has no script for (Debian 12's ends at trixie) are built with the sid
# script. DIR is made mode 0755, as / is: a mktemp -d directory is 0700, and a chroot's own
# root is searched like any other directory, so chronyd (dropped to _chrony) could then reach
# nothing by path, its command socket and drift file included (chrony 4.9 logs only "Could not
# open command socket"), and an image imported from DIR would have a 0700 /. Dies with
# debootstrap's or apt's last lines.
debian_root_make() {
  local release=$1 dir=$2; shift 2
  local script=/usr/share/debootstrap/scripts/$release mirror log
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
  mirror=$(debian_mirror)
  log=$(mktemp)
  chmod 0755 "$dir"
  say "debootstrap $release from $mirror into $dir${*:+, then $*}"
  if ! debootstrap --variant=minbase "$release" "$dir" "$mirror" "$script" > "$log" 2>&1; then
    tail -20 "$log" >&2; rm -f "$log"; die "debootstrap of $release failed (its last lines above)"
  fi
  printf '#!/bin/sh\nexit 101\n' > "$dir/usr/sbin/policy-rc.d"; chmod +x "$dir/usr/sbin/policy-rc.d"
  # The mirror may be a snapshot whose Release files have expired.
  printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' > "$dir/etc/apt/apt.conf.d/10chronyvisor-mirror"
  if [ $# -gt 0 ] && ! chroot "$dir" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"' sh "$@" > "$log" 2>&1; then
    tail -20 "$log" >&2; rm -f "$log"; die "installing $* in the $release root file system failed (apt's last lines above)"
  fi
  rm -f "$log"
}

# Every mount at or under DIR, deepest first.
debian_root_mounts() { awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r; }

# Processes whose root directory is DIR (what ran inside by chroot and is still running).
debian_root_processes() {
  local d
  for d in /proc/[0-9]*; do
    [ "$(readlink "$d/root" 2>/dev/null)" = "$1" ] && echo "${d#/proc/}"
  done; true
}

# debian_root_remove DIR [keep]: ends what still runs inside DIR (by pid: TERM, then KILL after
# 10 s), unmounts everything under it, and removes it (unless `keep`), only once nothing is
# mounted there any more (rm never crosses into a mounted /proc, /sys or /dev). Fails when a
# mount would not go.
debian_root_remove() {
  local dir=$1 keep=${2:-} pids m
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  pids=$(debian_root_processes "$dir")
  if [ -n "$pids" ]; then
    say "ending what still runs inside $dir: $(echo $pids)"
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null || true
    for _ in $(seq 50); do [ -z "$(debian_root_processes "$dir")" ] && break; sleep 0.2; done
    pids=$(debian_root_processes "$dir")
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  fi
  for m in $(debian_root_mounts "$dir"); do umount "$m" 2>/dev/null || umount -l "$m" || true; done
  if [ -n "$(debian_root_mounts "$dir")" ]; then
    say "warning: still mounted under $dir: $(debian_root_mounts "$dir" | tr '\n' ' ')"; return 1
  fi
  [ "$keep" = keep ] || rm -rf --one-file-system "$dir"
}
