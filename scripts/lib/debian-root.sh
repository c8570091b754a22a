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

# debian_root_enter DIR REPO: a process that holds a mount namespace of its own (private
# propagation, so nothing mounted there reaches the host) whose / is DIR, entered by
# pivot_root rather than chroot, with the host's /proc, /sys and /dev, a fresh /run and REPO
# at the same path. Sets DEBIAN_ROOT_HOLDER (its pid) and DEBIAN_ROOT_NS (the namespace, as
# /proc/PID/ns/mnt names it); debian_root_in runs a command there. Why not chroot: a container
# engine in a chroot runs containers whose pivot_root moves their root only relative to the
# chroot, so their mount namespace stays rooted at the host's / and whatever `podman exec`
# (or a health check) starts there by setns lands outside the container's file system. DIR
# is bind-mounted onto itself (pivot_root wants a mount point; the engines also make /
# private before they unpack a layer, which a / that is no mount point refuses). Every
# mount lives in that namespace only and goes with its last process.
debian_root_enter() {
  local dir=$1 repo=$2 marker=$1/.chronyvisor-entered log
  rm -f "$marker"
  log=$(mktemp)
  unshare --mount --propagation private -- sh -c '
    set -e; r=$1; repo=$2
    mount --bind "$r" "$r"
    mount -t proc proc "$r/proc"
    mount --rbind /sys "$r/sys"
    mount --rbind /dev "$r/dev"
    mount -t tmpfs -o mode=0755 tmpfs "$r/run"
    mkdir -p "$r$repo" "$r/.oldroot"
    mount --bind "$repo" "$r$repo"
    cd "$r"
    pivot_root . .oldroot
    cd /
    umount -l /.oldroot
    rmdir /.oldroot
    : > /.chronyvisor-entered
    exec sleep infinity' sh "$dir" "$repo" < /dev/null > "$log" 2>&1 &
  DEBIAN_ROOT_HOLDER=$!
  for _ in $(seq 150); do
    [ -e "$marker" ] && break
    kill -0 "$DEBIAN_ROOT_HOLDER" 2>/dev/null || break
    sleep 0.2
  done
  if [ ! -e "$marker" ]; then
    cat "$log" >&2; rm -f "$log"
    kill "$DEBIAN_ROOT_HOLDER" 2>/dev/null || true
    die "entering $dir by pivot_root in a mount namespace of its own failed (above)"
  fi
  rm -f "$log" "$marker"
  DEBIAN_ROOT_NS=$(readlink "/proc/$DEBIAN_ROOT_HOLDER/ns/mnt")
  [ "$DEBIAN_ROOT_NS" != "$(readlink /proc/self/ns/mnt)" ] || die "the holder of $dir is in this mount namespace"
}

# debian_root_in CMD...: CMD in the namespace of debian_root_enter, at its /, with a clean
# environment (setns into a mount namespace sets root and working directory to its root).
debian_root_in() {
  nsenter --mount="/proc/$DEBIAN_ROOT_HOLDER/ns/mnt" -- \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb "$@"
}

# Processes in the mount namespace NS (readlink /proc/PID/ns/mnt) and all their descendants
# (the containers' processes, in namespaces of their own, are children of conmon or
# containerd-shim, which run in NS).
debian_root_ns_processes() {
  local d ns=$1 in=
  [ -n "$ns" ] || return 0
  for d in /proc/[0-9]*; do
    [ "$(readlink "$d/ns/mnt" 2>/dev/null)" = "$ns" ] && in="$in ${d#/proc/}"
  done
  ps -e -o pid=,ppid= | awk -v in_ns="$in" '
    BEGIN { n = split(in_ns, l, " "); for (i = 1; i <= n; i++) keep[l[i]] = 1 }
    { parent[$1] = $2 }
    END {
      do { added = 0
        for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; added = 1 }
      } while (added)
      for (p in keep) if (p in parent) print p
    }'
}

# debian_root_end_ns NS: ends every process of debian_root_ns_processes NS by pid (TERM, then
# KILL after 10 s); the namespace, and every mount in it, goes with its last process. Fails
# when one outlives KILL.
debian_root_end_ns() {
  local ns=$1 pids
  pids=$(debian_root_ns_processes "$ns")
  [ -n "$pids" ] || return 0
  say "ending what still runs in the root file system's mount namespace: $(for p in $pids; do printf '%s (%s) ' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)"; done)"
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null || true
  for _ in $(seq 50); do [ -z "$(debian_root_ns_processes "$ns")" ] && return 0; sleep 0.2; done
  pids=$(debian_root_ns_processes "$ns")
  # shellcheck disable=SC2086
  kill -9 $pids 2>/dev/null || true
  for _ in $(seq 50); do [ -z "$(debian_root_ns_processes "$ns")" ] && return 0; sleep 0.2; done
  say "warning: still running after KILL: $(debian_root_ns_processes "$ns" | tr '\n' ' ')"; return 1
}

# debian_root_remove DIR [keep]: ends what still runs inside DIR (by pid: what has DIR as its
# root directory and, after debian_root_enter, whatever runs in its mount namespace and their
# descendants; TERM, then KILL after 10 s), unmounts everything under it, and removes it
# (unless `keep`), only once nothing is mounted there any more (rm never crosses into a
# mounted /proc, /sys or /dev). Fails when a mount would not go.
debian_root_remove() {
  local dir=$1 keep=${2:-} pids m
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  if [ -n "${DEBIAN_ROOT_NS:-}" ]; then
    debian_root_end_ns "$DEBIAN_ROOT_NS" || return 1
    DEBIAN_ROOT_NS=; DEBIAN_ROOT_HOLDER=
  fi
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
