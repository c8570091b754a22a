# Bringing the stand up and looking at it: compose up with a progress line until every
# service is healthy, health of one service, logs on failure. Source it after common.sh and
# engine.sh. COMPOSE_ARGS (project and files) may be set by the caller; PROJECT must be.

COMPOSE_ARGS=(${COMPOSE_ARGS[@]+"${COMPOSE_ARGS[@]}"})

compose() { "${COMPOSE[@]}" -p "$PROJECT" ${COMPOSE_ARGS[@]+"${COMPOSE_ARGS[@]}"} "$@"; }

# The project's services (with the demo profile's). docker-compose 1.29 lists every
# profile's services: the monitoring profile's Prometheus (scripts/lib/monitoring.sh) and the
# second-gateway profile's chrony-main-2 are left out.
stand_services() { compose --profile demo config --services | grep -vx -e prometheus -e chrony-main-2; }

# The container id of a service of the project (empty when none).
service_container() {
  "$ENGINE" ps -aq --filter "label=com.docker.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=$1" | head -1
}

# One word for a service: healthy, unhealthy, starting (health pending), running (no health
# check), exited, created, missing.
service_state() {
  local id; id=$(service_container "$1")
  [ -n "$id" ] || { echo missing; return; }
  local status health
  status=$("$ENGINE" inspect --format '{{.State.Status}}' "$id" 2>/dev/null) || { echo missing; return; }
  if [ "$status" != running ]; then echo "$status"; return; fi
  health=$("$ENGINE" inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id" 2>/dev/null || true)
  case "$health" in
    healthy|unhealthy|starting) echo "$health" ;;
    *) echo running ;;
  esac
}

# `docker compose up -d` of every service (demo profile included) with a progress line,
# until each service with a health check is healthy and the others run. Fails when compose
# fails (a dependency became unhealthy) or after TIMEOUT seconds.
stand_up() {
  local project=$1 limit=$2
  local log; log=$(mktemp)
  local started; started=$(now)
  compose --profile demo up -d > "$log" 2>&1 &
  local up_pid=$! up_rc= line last="" services s state all_ok
  mapfile -t services < <(stand_services)
  while true; do
    if [ -z "$up_rc" ] && ! kill -0 "$up_pid" 2>/dev/null; then
      up_rc=0; wait "$up_pid" || up_rc=$?
    fi
    line=""; all_ok=1
    for s in "${services[@]}"; do
      state=$(service_state "$s")
      line+="$s $state, "
      case "$state" in healthy|running) ;; *) all_ok=0 ;; esac
    done
    line="waiting for the stand: ${line%, } ($(since "$started") s)"
    if [ -t 2 ]; then
      printf '\r\033[K%s' "$line" >&2
    elif [ "${line% (*}" != "$last" ]; then
      printf '%s\n' "$line" >&2
    fi
    last=${line% (*}
    if [ "$up_rc" = 0 ] && [ "$all_ok" = 1 ]; then
      [ -t 2 ] && printf '\n' >&2
      rm -f "$log"; return 0
    fi
    if [ -n "$up_rc" ] && [ "$up_rc" != 0 ]; then
      [ -t 2 ] && printf '\n' >&2
      say "compose up failed:"; sed 's/^/  /' "$log" >&2; rm -f "$log"
      return 1
    fi
    if awk -v a="$(since "$started")" -v l="$limit" 'BEGIN { exit !(a > l) }'; then
      [ -t 2 ] && printf '\n' >&2
      say "not every service was healthy after ${limit} s"
      [ -z "$up_rc" ] && kill "$up_pid" 2>/dev/null
      wait "$up_pid" 2>/dev/null || true
      sed 's/^/  /' "$log" >&2; rm -f "$log"
      return 1
    fi
    sleep 2
  done
}

# True when every relay runs chronyd but none of their sources has ever answered (reach 0).
relays_unreachable() {
  local s id out
  for s in $(stand_services | grep -E '^chrony-local'); do
    id=$(service_container "$s")
    [ -n "$id" ] || return 1
    out=$("$ENGINE" exec "$id" chronyc -c -n sources 2>/dev/null) || return 1
    # Field 6 is the reach register (octal); any source heard from means reachable.
    awk -F, '$6 != "0" && $6 != "" { found = 1 } END { exit found }' <<< "$out" || return 1
  done
  return 0
}

# The state, last health check output and last log lines of every container of the project.
stand_dump_logs() {
  local s id
  for s in $(stand_services) chrony-main-2; do
    id=$(service_container "$s")
    [ -n "$id" ] || continue
    say "---- $s: $(service_state "$s")"
    "$ENGINE" inspect --format '{{if .State.Health}}{{range .State.Health.Log}}health check exit {{.ExitCode}}: {{.Output}}{{end}}{{end}}' "$id" 2>/dev/null | tail -3 >&2 || true
    "$ENGINE" logs --tail 30 "$id" 2>&1 | sed 's/^/  /' >&2 || true
  done
}

# The compose file's NTP_HOST_PUBLISH for ADDRESS and PORT: `PORT` alone when ADDRESS is
# empty (every host address: no explicit 0.0.0.0, which netavark before 1.6 turns into a
# DNAT rule no packet matches), `[ADDRESS]:PORT` for IPv6, else `ADDRESS:PORT`.
host_publish() {
  case $1 in
    "") printf '%s\n' "$2" ;;
    *:*) printf '[%s]:%s\n' "${1#[}" "$2" | sed 's/\]\]/]/' ;;
    *) printf '%s:%s\n' "$1" "$2" ;;
  esac
}

# True when nothing on this host listens on UDP ADDRESS:PORT (or on the wildcard address);
# an empty ADDRESS means every address.
host_port_free() {
  local addr=$1 port=$2
  have ss || return 0
  ! ss -Hlun 2>/dev/null | awk -v a="$addr" -v p="$port" '
    { n = split($4, parts, ":"); lp = parts[n]; la = substr($4, 1, length($4) - length(lp) - 1) }
    lp == p && (la == a || la == "0.0.0.0" || la == "*" || la == "[::]" || a == "0.0.0.0" || a == "") { found = 1 }
    END { exit !found }'
}
