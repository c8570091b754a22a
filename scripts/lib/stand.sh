# Bringing the stand up, looking at it and taking it down: compose up with a progress line
# until every service is healthy, health of one service, logs on failure, and (below) the
# stand under test. Source it after common.sh and engine.sh (and, for the stand under test,
# podman-install.sh, docker-engine.sh, image.sh and testing.sh). COMPOSE_ARGS (project and
# files) may be set by the caller; PROJECT must be.

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

# Stops and removes every container of the project, every profile's (demo, monitoring,
# second-gateway), with TIMEOUT (15) seconds of grace each.
# shellcheck disable=SC2120 # TIMEOUT is optional; the tests take the default
stand_down() {
  compose --profile demo --profile monitoring --profile second-gateway down --remove-orphans --timeout "${1:-15}"
}

# ---- the stand under test ----------------------------------------------------------------------
# A test that brings the real stand up on one engine (CHRONYVISOR_ENGINE: podman or docker)
# and leaves the host as it found it: the engine started and stopped, the host's firewall,
# links and ip_forward compared before and after, no container of the stand left over from
# before. Needs testing.sh; PROJECT and COMPOSE_ARGS set.

# The stand under test's settings, for PROJECT on ENGINE (default CHRONYVISOR_ENGINE, else
# podman; never auto): the real docker-compose.yaml with Tests/Container/docker-compose.test.yaml
# (a local reference server instead of the public upstream), the image just built, relays
# following ntp-reference, the gateway needing two of them; RELAYS; LIMIT, the seconds any
# one wait may take before the test fails; TEST_LABEL, the engine.
# shellcheck disable=SC2034 # the settings are the caller's
stand_test_settings() {
  PROJECT=$1
  export CHRONYVISOR_ENGINE=${2:-${CHRONYVISOR_ENGINE:-podman}}
  engine_setting_check
  [ "$CHRONYVISOR_ENGINE" != auto ] || die "CHRONYVISOR_ENGINE=auto: the test runs on one named engine (docker or podman)"
  TEST_LABEL=$CHRONYVISOR_ENGINE
  COMPOSE_ARGS=(-f docker-compose.yaml -f Tests/Container/docker-compose.test.yaml)
  export CHRONYVISOR_IMAGE=$IMAGE NTP_UPSTREAM=ntp-reference RELAY_LOCAL_STRATUM= GATEWAY_MIN_SOURCES=2
  RELAYS=(chrony-local1 chrony-local2 chrony-local3)
  LIMIT=${CHRONYVISOR_TEST_WAIT:-240}
}

# What the test must leave as it found it: firewall rules, chains and policies (both
# families), the host's network links, ip_forward.
stand_test_host_state() {
  docker_firewall_state | sort
  ip -o link show | awk -F': ' '{ print "link", $2 }' | sed 's/@.*//' | sort
  echo "ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
}

# The stand's containers' state, health check output and log lines, as TAP comments.
stand_test_dump() { stand_dump_logs 2>&1 | sed 's/^/# /'; }

# Installs and starts the engine (Docker: docker.io and a dockerd of the test's own, stopped
# at exit; podman: its API service and health ticker), saves the host's state first, checks
# that none of CONTAINERS exists, builds the base image and the stand's image. At exit the
# stand goes down, the engine's network and what it started go, and the host is compared
# (unless STAND_TEST_COMPARE_HOST=0).
stand_test_begin() {
  local containers=("$@") prep c
  prep=$(now)
  if [ "$CHRONYVISOR_ENGINE" = docker ]; then
    docker_install
    STAND_TEST_HOST_BEFORE=$(stand_test_host_state)
    on_exit stand_test_end
    docker_daemon_start "$(state_dir "$PROJECT")"
    engine_choose
  else
    engine_choose
    STAND_TEST_HOST_BEFORE=$(stand_test_host_state)
    on_exit stand_test_end
    engine_setup "$PROJECT"
  fi
  on_fail stand_test_dump
  for c in "${containers[@]}"; do
    if "$ENGINE" container inspect "$c" >/dev/null 2>&1; then
      die "a container named $c exists already (a stand from scripts/run.sh or another test?): remove it first (scripts/down.sh)"
    fi
  done
  say "$(engine_description)"
  timing "engine ready $(since "$prep") s"
  timed "base image" base_image_ensure
  timed "image build" image_build
}

# The stand down, the engine's network gone, the engine stopped (Docker) or its API service
# and netavark's changes undone (podman), and the host as before; 1 when anything is left.
stand_test_end() {
  local rc=0 after
  stand_down >/dev/null 2>&1 || true
  if [ "$ENGINE" = podman ]; then
    engine_teardown "$PROJECT"
  else
    "$ENGINE" network rm "${PROJECT}_ntp_network" >/dev/null 2>&1 || true
  fi
  if "$ENGINE" network inspect "${PROJECT}_ntp_network" >/dev/null 2>&1; then
    say "warning: network ${PROJECT}_ntp_network is still there"; rc=1
  fi
  [ "$ENGINE" = docker ] && docker_daemon_stop "$(state_dir "$PROJECT")"
  [ "${STAND_TEST_COMPARE_HOST:-1}" = 1 ] || return "$rc"
  after=$(stand_test_host_state)
  if [ "$after" != "$STAND_TEST_HOST_BEFORE" ]; then
    say "the host is not as the test found it (< before, > after):"
    diff <(printf '%s\n' "$STAND_TEST_HOST_BEFORE") <(printf '%s\n' "$after") | grep '^[<>]' >&2
    rc=1
  fi
  return "$rc"
}

# Waits until every service of the project (demo profile included) is healthy or, without a
# health check, running; fails after LIMIT seconds.
stand_test_up() {
  local limit=$1 t; t=$(now)
  stand_up "$PROJECT" "$limit" || fail "the stand did not become healthy within $limit s"
  timing "up to healthy $(since "$t") s"
}

# The best of TRIES (default 3) `ntpdate -q ADDRESS` samples (the smallest error bound, as
# NTP clients choose) as `OFFSET ERROR STRATUM`; fails when ntpdate gives no time.
host_offset() {
  local addr=$1 tries=${2:-3} out line best="" best_err="" err
  for _ in $(seq 1 "$tries"); do
    out=$(ntpdate -q "$addr" 2>&1) || { printf 'ntpdate -q %s failed: %s\n' "$addr" "$out" >&2; return 1; }
    # 2026-11-27 03:33:50.694027 (+0000) +0.000075 +/- 0.000198 127.0.0.123 s3 no-leap
    line=$(grep -E "^[0-9-]+ [0-9:.]+ \([+-][0-9]+\) [-+][0-9.]+ \+/- [0-9.]+ " <<< "$out" | tail -1)
    [ -n "$line" ] || { printf 'ntpdate -q %s: no time in its output: %s\n' "$addr" "$out" >&2; return 1; }
    err=$(awk '{ print $6 }' <<< "$line")
    if [ -z "$best" ] || awk -v a="$err" -v b="$best_err" 'BEGIN { exit !(a + 0 < b + 0) }'; then
      best=$line; best_err=$err
    fi
  done
  awk '{ s = $8; sub(/^s/, "", s); print $4, $6, s }' <<< "$best"
}

# True when |OFFSET| is under 1 ms or within ERROR (the sample's own bound: half its round
# trip; Docker's userland proxy adds milliseconds of round trip on a loaded host).
offset_good() {
  awk -v o="$1" -v e="$2" 'BEGIN { o = o + 0; if (o < 0) o = -o; exit !(o < 0.001 || o <= e + 0) }'
}
