# Installing and configuring podman from the distribution's packages (Debian family, root).
# Source it after common.sh.

# What the stand needs next to podman: netavark + aardvark-dns (container network with name
# resolution between services), runc (crun 1.8 refuses the hybrid cgroup layout some hosts
# have), iptables (netavark's firewall driver calls it), debootstrap (the base image when no
# registry can be reached), docker-compose (1.29 honours depends_on conditions against
# podman's Docker API; podman-compose in Debian 12 does not). The list itself is the `stand`
# group of scripts/lib/packages.sh, the project's one package list.
. "$(dirname "${BASH_SOURCE[0]}")/packages.sh"
PODMAN_PACKAGES=("${PACKAGES_STAND[@]}")

# The packages of PODMAN_PACKAGES missing on this machine.
podman_missing_packages() { packages_missing "${PODMAN_PACKAGES[@]}"; }

# Installs what is missing (idempotent), starting and enabling nothing. Needs root on a
# Debian-family host.
podman_install() { packages_install stand; }

# The containers.conf settings this machine needs, one `table.key = value` per line:
#   ulimits  podman's defaults (nofile 1048576, nproc 4194304) exceed what some sandboxes
#            allow and runc's setrlimit then fails: nofile within this shell's hard limit,
#            nproc 32768 (far more than chronyd needs; higher values below the shell's hard
#            limit were still refused on such a host).
#   cgroupfs / file events: without a running systemd, podman cannot use systemd cgroups or
#            the journal.
#   runc     crun (1.8) refuses the hybrid cgroup v1 layout; runc works with both.
#   netavark the network backend that resolves service names (aardvark-dns).
podman_needed_settings() {
  local nofile nproc
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
  if [ "$nofile" != unlimited ] && [ "$nofile" -lt 1048576 ] || { [ "$nproc" != unlimited ] && [ "$nproc" -lt 4194304 ]; }; then
    [ "$nofile" = unlimited ] && nofile=1048576
    [ "$nproc" = unlimited ] && nproc=32768
    [ "$nofile" -gt 1048576 ] && nofile=1048576
    [ "$nproc" -gt 32768 ] && nproc=32768
    echo "containers.default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
  fi
  if [ ! -d /run/systemd/system ]; then
    echo 'engine.cgroup_manager = "cgroupfs"'
    echo 'engine.events_logger = "file"'
  fi
  if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
    echo 'engine.runtime = "runc"'
  fi
  echo 'network.network_backend = "netavark"'
}

# Writes the settings podman_needed_settings lists into the system's containers.conf when the
# machine has none; when it has one, writes the keys it lacks into a drop-in
# (containers.conf.d). A key the machine's configuration sets already is left alone. Says what
# it wrote; writes nothing when nothing is lacking.
podman_configure() {
  is_root || return 0   # rootless: ~/.config/containers is the user's to manage
  local conf=/etc/containers/containers.conf dropin=/etc/containers/containers.conf.d/50-chronyvisor.conf
  local line key lacking=() target=$dropin marker="# Written by chronyvisor"
  # A containers.conf this script wrote earlier is its own to rewrite.
  if [ ! -f "$conf" ] || head -1 "$conf" | grep -q "^$marker"; then target=$conf; fi
  while IFS= read -r line; do
    key=${line%% = *}; key=${key#*.}
    if [ "$target" = "$dropin" ] && grep -Eq "^[[:space:]]*$key[[:space:]]*=" "$conf"; then continue; fi
    lacking+=("$line")
  done < <(podman_needed_settings)
  [ ${#lacking[@]} -eq 0 ] && return 0

  local text table
  text="$marker (scripts/lib/podman-install.sh): what podman needs on this host."
  for table in containers engine network; do
    local keys=()
    for line in "${lacking[@]}"; do
      [ "${line%%.*}" = "$table" ] && keys+=("${line#*.}")
    done
    [ ${#keys[@]} -gt 0 ] && text+=$'\n'"[$table]"$'\n'"$(printf '%s\n' "${keys[@]}")"
  done
  if [ -f "$target" ] && [ "$(cat "$target")" = "$text" ]; then return 0; fi
  mkdir -p "$(dirname "$target")"
  printf '%s\n' "$text" > "$target"
  say "wrote to $target what podman needs on this host: ${lacking[*]}"
}
