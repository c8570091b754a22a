# A Docker engine for the stand's scripts: installing Debian's docker.io, starting dockerd
# when none answers and stopping exactly that daemon again, leaving the host as it was
# (docker0, the firewall rules and chains dockerd adds, the FORWARD policy, ip_forward).
# Source it after common.sh. run.sh never starts a daemon (it would be behind the user's
# back); scripts/container-test.sh does, for the test, and stops it at its end.

# Installs docker.io (dockerd, containerd, runc, a 20.10 CLI at /usr/bin/docker) and
# docker-compose when missing (Debian family, root): the `docker` group of
# scripts/lib/packages.sh. Nothing is started or enabled (the package would start dockerd
# through invoke-rc.d and enable docker.service, docker.socket and containerd.service).
docker_install() {
  . "$(dirname "${BASH_SOURCE[0]}")/packages.sh"
  packages_install docker
}

# The daemon's own 20.10 CLI when docker.io is installed, else the first docker on PATH.
docker_daemon_answers() { have docker && docker info >/dev/null 2>&1; }

# The firewall state dockerd touches, one line per rule, chain and chain policy, for both
# address families: `FAMILY TABLE LINE` (LINE as iptables -S prints it).
docker_firewall_state() {
  local fam cmd t
  for fam in 4 6; do
    cmd=iptables; [ "$fam" = 6 ] && cmd=ip6tables
    have "$cmd" || continue
    for t in filter nat; do
      "$cmd" -t "$t" -S 2>/dev/null | sed "s/^/$fam $t /"
    done
  done
}

# Starts dockerd when no Docker engine answers, and records under DIR what it must undo:
# its pid, ip_forward, whether docker0 existed, the firewall state before. Waits until
# `docker info` answers. Does nothing (and records nothing) when an engine answers already.
docker_daemon_start() {
  local dir=$1
  docker_daemon_answers && return 0
  have dockerd || die "no Docker engine answers and dockerd is not installed (Debian: apt-get install docker.io)"
  is_root || die "no Docker engine answers, and starting dockerd needs root"
  mkdir -p "$dir"
  cat /proc/sys/net/ipv4/ip_forward > "$dir/docker-ip_forward"
  ip link show docker0 >/dev/null 2>&1 && touch "$dir/docker0-before"
  docker_firewall_state > "$dir/docker-firewall-before"
  local started; started=$(now)
  # DOCKERD_ARGS: extra daemon options for this start (the capacity benchmark's
  # --userland-proxy=false), split on spaces.
  # shellcheck disable=SC2086
  setsid dockerd ${DOCKERD_ARGS:-} > "$dir/dockerd.log" 2>&1 < /dev/null &
  echo $! > "$dir/dockerd.pid"
  local i
  for i in $(seq 1 300); do
    docker_daemon_answers && break
    kill -0 "$(cat "$dir/dockerd.pid")" 2>/dev/null || { tail -20 "$dir/dockerd.log" >&2; die "dockerd exited at start (its log above)"; }
    sleep 0.2
  done
  docker_daemon_answers || { tail -20 "$dir/dockerd.log" >&2; die "dockerd did not answer within 60 s (its log above)"; }
  say "started dockerd (pid $(cat "$dir/dockerd.pid"), $(docker version --format '{{.Server.Version}}' 2>/dev/null)) in $(since "$started") s"
}

# Stops the dockerd docker_daemon_start started (by its pid; nothing when it started none)
# and removes what it added to the host: docker0, its firewall rules and chains (only what
# was not there before), the FORWARD policy it set, and puts ip_forward back.
docker_daemon_stop() {
  local dir=$1
  [ -f "$dir/dockerd.pid" ] || return 0
  local pid; pid=$(cat "$dir/dockerd.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { say "dockerd (pid $pid) did not stop in 30 s: killing it"; kill -9 "$pid" 2>/dev/null || true; }
  fi
  rm -f "$dir/dockerd.pid"
  if [ ! -f "$dir/docker0-before" ] && ip link show docker0 >/dev/null 2>&1; then
    ip link delete docker0 2>/dev/null || true
  fi
  rm -f "$dir/docker0-before"
  docker_firewall_restore "$dir/docker-firewall-before"
  local before; before=$(cat "$dir/docker-ip_forward" 2>/dev/null || true)
  if [ -n "$before" ] && [ "$(cat /proc/sys/net/ipv4/ip_forward)" != "$before" ]; then
    echo "$before" > /proc/sys/net/ipv4/ip_forward
  fi
  rm -f "$dir/docker-ip_forward" "$dir/docker-firewall-before"
  say "stopped dockerd (pid $pid) and removed what it added (docker0, firewall rules, ip_forward=$before)"
}

# Takes back the firewall changes made since BEFORE (docker_firewall_state's lines): rules
# that were added are deleted, chain policies set back, chains that were created removed.
docker_firewall_restore() {
  local before=$1 fam t line cmd
  [ -f "$before" ] || return 0
  local now_state; now_state=$(mktemp)
  docker_firewall_state > "$now_state"
  # Added rules first (they may jump to added chains), then policies, then chains.
  while read -r fam t line; do
    cmd=iptables; [ "$fam" = 6 ] && cmd=ip6tables
    case "$line" in
      "-A "*) eval "$cmd -t $t -D ${line#-A }" 2>/dev/null || true ;;
    esac
  done < <(grep -vxFf "$before" "$now_state" | grep ' -A ')
  while read -r fam t line; do
    cmd=iptables; [ "$fam" = 6 ] && cmd=ip6tables
    # "-P CHAIN POLICY" as it was
    eval "$cmd -t $t ${line}" 2>/dev/null || true
  done < <(grep -E '^[46] [a-z]+ -P ' "$before" | grep -vxFf "$now_state")
  while read -r fam t line; do
    cmd=iptables; [ "$fam" = 6 ] && cmd=ip6tables
    set -- $line
    "$cmd" -t "$t" -F "$2" 2>/dev/null || true
    "$cmd" -t "$t" -X "$2" 2>/dev/null || true
  done < <(grep -vxFf "$before" "$now_state" | grep -E '^[46] [a-z]+ -N ')
  rm -f "$now_state"
}
