# The container engine the stand runs on: Docker (a running engine, with Compose v2 or
# docker-compose 1.29) or podman (with its Docker-compatible API service and docker-compose).
# Source it after common.sh and podman-install.sh. engine_setup sets ENGINE (docker|podman)
# and COMPOSE (the compose command as an array); with podman it starts what the stand needs
# and records it under state_dir PROJECT so that engine_teardown stops exactly that.

ENGINE=
COMPOSE=()

# The compose command, for Docker and for podman's API alike: Compose v2 (the docker CLI's
# plugin, `docker compose`) where it is there, else the standalone docker-compose (Debian 12's
# 1.29). CHRONYVISOR_COMPOSE=v2 or v1 insists on one (the tests run both). Empty when the one
# asked for, or either, is missing.
docker_compose_command() {
  local v2=0
  have docker && docker compose version >/dev/null 2>&1 && v2=1
  case "${CHRONYVISOR_COMPOSE:-auto}" in
    v2) [ "$v2" = 1 ] && echo "docker compose" ;;
    v1) have docker-compose && echo docker-compose ;;
    *) if [ "$v2" = 1 ]; then echo "docker compose"; elif have docker-compose; then echo docker-compose; fi ;;
  esac
  return 0
}

# What to install when docker_compose_command is empty, for the messages.
compose_missing_hint() {
  case "${CHRONYVISOR_COMPOSE:-auto}" in
    v2) echo "CHRONYVISOR_COMPOSE=v2 but \`docker compose\` does not answer: install the Compose plugin (https://docs.docker.com/compose/install/linux/; Debian 13: apt-get install docker-compose)" ;;
    v1) echo "CHRONYVISOR_COMPOSE=v1 but there is no docker-compose command (Debian 12: apt-get install docker-compose)" ;;
    *) echo "install the Compose plugin (https://docs.docker.com/compose/install/linux/) or docker-compose (Debian: apt-get install docker-compose)" ;;
  esac
}

docker_engine_usable() { have docker && docker info >/dev/null 2>&1 && [ -n "$(docker_compose_command)" ]; }

# CHRONYVISOR_ENGINE: docker, podman or unset (auto). Anything else stops here (exit 78, as
# for every bad setting).
engine_setting_check() {
  case "${CHRONYVISOR_ENGINE:-auto}" in
    docker|podman|auto) ;;
    *) printf '%s: CHRONYVISOR_ENGINE=%s: expected docker or podman (or unset to choose: a running Docker engine, else podman)\n' "$SCRIPT_NAME" "$CHRONYVISOR_ENGINE" >&2; exit 78 ;;
  esac
  case "${CHRONYVISOR_COMPOSE:-auto}" in
    v1|v2|auto) ;;
    *) printf '%s: CHRONYVISOR_COMPOSE=%s: expected v2 (docker compose) or v1 (docker-compose), or unset for v2 where it is there\n' "$SCRIPT_NAME" "$CHRONYVISOR_COMPOSE" >&2; exit 78 ;;
  esac
}

# Uses Docker: the engine must answer and a compose tool must be there. Dies saying which is
# missing (an installed Docker whose daemon is not running is told so, not guessed around).
engine_docker_choose() {
  have docker || die "CHRONYVISOR_ENGINE=docker, but there is no docker command: install Docker Engine (https://docs.docker.com/engine/install/; Debian: apt-get install docker.io docker-compose)"
  local err
  if ! err=$(docker info 2>&1 >/dev/null); then
    err=$(printf '%s\n' "$err" | grep -v '^\s*$' | tail -1)
    die "Docker is installed but its daemon does not answer (docker info: ${err:-no answer}): start it (systemctl start docker, or dockerd as root), or use podman (CHRONYVISOR_ENGINE=podman)"
  fi
  local c; c=$(docker_compose_command)
  [ -n "$c" ] || die "Docker answers but no compose tool is here: $(compose_missing_hint)"
  ENGINE=docker; read -r -a COMPOSE <<< "$c"
  # The stand's compose talks to this engine, not to a podman socket from the environment.
  case "${DOCKER_HOST:-}" in *podman*) unset DOCKER_HOST ;; esac
}

# Chooses the engine: CHRONYVISOR_ENGINE when set; else a running Docker engine with a
# compose tool, else podman (installed from the distribution's packages on a Debian-family
# host as root; never a Docker daemon started behind the user's back). Dies saying what is
# missing.
engine_choose() {
  engine_setting_check
  if [ "${CHRONYVISOR_ENGINE:-auto}" = docker ]; then engine_docker_choose; return 0; fi
  if [ "${CHRONYVISOR_ENGINE:-auto}" = auto ] && docker_engine_usable; then engine_docker_choose; return 0; fi
  if ! have podman || [ -n "$(podman_missing_packages | sed '/^$/d')" ]; then
    if is_debian_family && is_root; then
      if [ "${CHRONYVISOR_ENGINE:-auto}" = auto ] && have docker && ! docker info >/dev/null 2>&1; then
        say "the docker command is here but no Docker engine answers; using podman instead (daemonless; CHRONYVISOR_ENGINE=docker to insist on Docker)"
      fi
      podman_install
    elif ! have podman; then
      if have docker && docker info >/dev/null 2>&1; then
        die "Docker answers but no compose tool is here: install the Compose plugin (https://docs.docker.com/compose/install/linux/) or docker-compose, or podman"
      fi
      die "no container engine: install Docker Engine with the Compose plugin (https://docs.docker.com/engine/install/) or podman with docker-compose (Debian/Ubuntu as root: apt-get install podman docker-compose; or run this script as root to have podman installed)"
    fi
  fi
  ENGINE=podman
  is_root && podman_configure
  local c; c=$(docker_compose_command)
  [ -n "$c" ] || die "podman is here but no compose tool: $(compose_missing_hint)"
  read -r -a COMPOSE <<< "$c"
}

# One line naming the engine, compose tool and (podman) netavark with their versions.
engine_description() {
  local v c
  if [ "$ENGINE" = docker ]; then
    v=$(docker version --format '{{.Server.Version}}' 2>/dev/null || true)
  else
    v=$(podman version --format '{{.Client.Version}}' 2>/dev/null || true)
    local n; n=$( (netavark --version || /usr/lib/podman/netavark --version) 2>/dev/null | awk '{ print $2 }')
    [ -n "$n" ] && v+=", netavark $n"
  fi
  c=$("${COMPOSE[@]}" version --short 2>/dev/null || true)
  printf 'engine: %s %s, compose: %s %s\n' "$ENGINE" "$v" "${COMPOSE[*]}" "$c"
}

# podman: the Docker-compatible API service for compose, on a socket of this project.
podman_service_start() {
  local dir=$1 sock=$1/podman.sock
  if [ -S "$sock" ] && [ -f "$dir/service.pid" ] && kill -0 "$(cat "$dir/service.pid")" 2>/dev/null; then
    export DOCKER_HOST=unix://$sock; return 0
  fi
  rm -f "$sock"
  setsid podman system service --time=0 "unix://$sock" > "$dir/service.log" 2>&1 < /dev/null &
  echo $! > "$dir/service.pid"
  local i
  for i in $(seq 1 100); do
    [ -S "$sock" ] && break
    sleep 0.1
  done
  [ -S "$sock" ] || { cat "$dir/service.log" >&2; die "podman's API service did not start (log above)"; }
  export DOCKER_HOST=unix://$sock
}

# podman without systemd runs no health checks by itself (it would use systemd timers): run
# them every 2 s for the project's containers, in the background, until stopped.
health_ticker_start() {
  local dir=$1 project=$2
  [ -d /run/systemd/system ] && return 0
  if [ -f "$dir/ticker.pid" ] && kill -0 "$(cat "$dir/ticker.pid")" 2>/dev/null; then return 0; fi
  setsid bash "$(dirname "${BASH_SOURCE[0]}")/health-ticker.sh" "$project" > "$dir/ticker.log" 2>&1 < /dev/null &
  echo $! > "$dir/ticker.pid"
}

# Remembers what netavark changes on the host the first time, so teardown can put it back.
host_state_save() {
  local dir=$1
  [ -f "$dir/ip_forward" ] || cat /proc/sys/net/ipv4/ip_forward > "$dir/ip_forward"
  if [ ! -f "$dir/netavark-chains-before" ]; then
    netavark_chains > "$dir/netavark-chains-before"
    netavark_rules > "$dir/netavark-rules-before"
  fi
}

# The rules that name netavark (jump to a NETAVARK chain, carry its comment, or sit in one of
# its chains), as `table -A ...` lines: netavark 1.14 adds some to chains that may exist
# before it starts (FORWARD, a NETAVARK chain an earlier run left).
netavark_rules() {
  have iptables || return 0
  local t
  for t in filter nat; do
    # A table without such rules (a clean host's nat) is no failure.
    iptables -t "$t" -S 2>/dev/null | { grep -i -- '^-A .*netavark' || true; } | sed "s/^/$t /"
  done
}

# NETAVARK chains in the filter and nat tables, as `table chain` lines.
netavark_chains() {
  have iptables || return 0
  local t
  for t in filter nat; do
    iptables -t "$t" -S 2>/dev/null | awk -v t="$t" '$1 == "-N" && $2 ~ /^NETAVARK/ { print t, $2 }'
  done
}

# Runs a command of the host in CONTAINER's network namespace (root): what listens on the
# container's loopback (the HTTP endpoints by default) is asked from there, since the image
# has no shell or client to ask from inside. container_netns CONTAINER CMD...
container_netns() {
  local container=$1 pid; shift
  pid=$("$ENGINE" inspect --format '{{.State.Pid}}' "$container") && [ "${pid:-0}" != 0 ] \
    || die "container $container is not running"
  nsenter --net="/proc/$pid/ns/net" "$@"
}

# The body of an HTTP GET of URL, asked in CONTAINER's network namespace (python3's urllib:
# scripts/install-deps.sh installs python3). Fails when no answer comes within 10 s.
container_http_get() {
  container_netns "$1" python3 -c '
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
    sys.stdout.write(r.read().decode(errors="replace"))' "$2"
}

# Sets up the engine for PROJECT: ENGINE, COMPOSE, and for podman the API service
# (DOCKER_HOST), the health ticker and the saved host state.
engine_setup() {
  local project=$1
  engine_choose
  if [ "$ENGINE" = podman ]; then
    local dir; dir=$(state_dir "$project")
    mkdir -p "$dir"
    is_root && host_state_save "$dir"
    podman_service_start "$dir"
    health_ticker_start "$dir" "$project"
  fi
}

# Removes whatever of PROJECT compose left behind (a container caught restarting, its
# network), by the labels compose put on them.
podman_project_remove() {
  local project=$1 ids net
  ids=$(podman ps -aq --filter "label=com.docker.compose.project=$project" 2>/dev/null || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    podman rm -f -t 5 $ids >/dev/null 2>&1 || true
  fi
  for net in $(podman network ls -q --filter "label=com.docker.compose.project=$project" 2>/dev/null || true); do
    podman network rm -f "$net" >/dev/null 2>&1 || true
  done
}

# Stops what engine_setup started for PROJECT (by the pids it recorded) and, once no
# container runs anymore, puts back what netavark changed on the host: its iptables chains
# (only those that were not there before) and net.ipv4.ip_forward.
engine_teardown() {
  local project=$1 dir; dir=$(state_dir "$project")
  podman_project_remove "$project"
  [ -d "$dir" ] || return 0
  local f pid
  for f in ticker.pid service.pid; do
    [ -f "$dir/$f" ] || continue
    pid=$(cat "$dir/$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/$f"
  done
  rm -f "$dir/podman.sock"
  if is_root && have podman && [ -z "$(podman ps -q 2>/dev/null)" ]; then
    netavark_cleanup "$dir/netavark-chains-before"
    if [ -f "$dir/ip_forward" ]; then
      local before; before=$(cat "$dir/ip_forward")
      if [ "$(cat /proc/sys/net/ipv4/ip_forward)" != "$before" ]; then
        echo "$before" > /proc/sys/net/ipv4/ip_forward
        say "restored net.ipv4.ip_forward=$before"
      fi
    fi
    rm -rf "$dir"
  elif is_root && have podman; then
    say "other containers still run: leaving netavark's firewall chains and ip_forward as they are"
    rm -f "$dir"/*.log
  fi
}

# Deletes the NETAVARK chains that were not there before (listed in BEFORE), with the rules
# that jump to them from other chains, and the rules naming netavark that were added to chains
# that were there before (BEFORE's rules file, netavark-rules-before beside it).
netavark_cleanup() {
  local before=$1 table chain rule
  have iptables || return 0
  local rules_before=${before%chains-before}rules-before
  if [ -f "$rules_before" ]; then
    while read -r table rule; do
      [ -n "$rule" ] || continue
      eval "iptables -t $table -D ${rule#-A }" 2>/dev/null || true
    done < <(netavark_rules | grep -vxFf "$rules_before")
  fi
  local ours=()
  while read -r table chain; do
    [ -n "$chain" ] || continue
    grep -qx "$table $chain" "$before" 2>/dev/null && continue
    ours+=("$table $chain")
  done < <(netavark_chains)
  [ ${#ours[@]} -eq 0 ] && return 0
  local entry parent num
  for entry in "${ours[@]}"; do
    table=${entry% *}; chain=${entry#* }
    # Rules in other chains that jump to this one, deleted by number, last first.
    for parent in $(iptables -t "$table" -S | awk -v c="$chain" '$1 == "-A" && $0 ~ ("-j " c "( |$)") { print $2 }' | sort -u); do
      for num in $(iptables -t "$table" -L "$parent" -n --line-numbers | awk -v c="$chain" '$2 == c { print $1 }' | sort -rn); do
        iptables -t "$table" -D "$parent" "$num" 2>/dev/null || true
      done
    done
  done
  for entry in "${ours[@]}"; do
    table=${entry% *}; chain=${entry#* }
    iptables -t "$table" -F "$chain" 2>/dev/null || true
  done
  for entry in "${ours[@]}"; do
    table=${entry% *}; chain=${entry#* }
    iptables -t "$table" -X "$chain" 2>/dev/null || true
  done
  say "removed netavark's firewall chains (${#ours[@]})"
}
