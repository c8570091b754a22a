# The harness of a test that brings the real stand up on one engine (podman or Docker) and
# leaves the host as it found it: TAP lines, the engine started and stopped, the host's
# firewall, links and ip_forward compared before and after. Source it after common.sh,
# podman-install.sh, engine.sh, docker-engine.sh, image.sh and stand.sh, with PROJECT,
# COMPOSE_ARGS and CHRONYVISOR_ENGINE set. (scripts/container-test.sh has the same steps
# inline; it predates this file.)

stand_test_started=$(now)
stand_test_passed=0
stand_test_timings=()
stand_test_started_here=0
stand_test_host_before=""
# Extra cleanup a test adds (a function name), run before the stand is removed.
stand_test_extra_cleanup=

ok() { stand_test_passed=$((stand_test_passed + 1)); printf 'ok %d - [%s] %s\n' "$stand_test_passed" "$CHRONYVISOR_ENGINE" "$*"; }
# Prints to stderr (also from inside $( ), whose exit the caller passes on), with the
# stand's logs, and ends the test.
fail() {
  printf 'not ok - [%s] %s\n' "$CHRONYVISOR_ENGINE" "$*" >&2
  stand_dump_logs "$PROJECT" 2>&1 | sed 's/^/# /' >&2
  exit 1
}
# A line of measurements, as a TAP comment.
note() { printf '# [%s] %s\n' "$CHRONYVISOR_ENGINE" "$*"; }

# What the test must leave as it found it: firewall rules, chains and policies (both
# families), the host's network links, ip_forward.
stand_test_host_state() {
  docker_firewall_state | sort
  ip -o link show | awk -F': ' '{ print "link", $2 }' | sed 's/@.*//' | sort
  echo "ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
}

stand_test_cleanup() {
  local rc=$?
  [ -n "$stand_test_extra_cleanup" ] && "$stand_test_extra_cleanup"
  if [ "$stand_test_started_here" = 1 ]; then
    compose --profile demo down --remove-orphans --timeout 15 >/dev/null 2>&1 || true
    if [ "$ENGINE" = podman ]; then
      engine_teardown "$PROJECT"
    else
      "$ENGINE" network rm "${PROJECT}_ntp_network" >/dev/null 2>&1 || true
    fi
    if "$ENGINE" network inspect "${PROJECT}_ntp_network" >/dev/null 2>&1; then
      say "warning: network ${PROJECT}_ntp_network is still there"; rc=1
    fi
    [ "$ENGINE" = docker ] && docker_daemon_stop "$(state_dir "$PROJECT")"
    if [ -n "$stand_test_host_before" ]; then
      local after; after=$(stand_test_host_state)
      if [ "$after" != "$stand_test_host_before" ]; then
        say "the host is not as the test found it (< before, > after):"
        diff <(printf '%s\n' "$stand_test_host_before") <(printf '%s\n' "$after") | grep '^[<>]' >&2
        rc=1
      fi
    fi
  fi
  local summary; summary=$(printf "%s; " ${stand_test_timings[@]+"${stand_test_timings[@]}"} | sed "s/; $//")
  if [ "$rc" = 0 ]; then
    say "[$CHRONYVISOR_ENGINE] passed $stand_test_passed checks in $(since "$stand_test_started") s ($summary)"
  else
    say "[$CHRONYVISOR_ENGINE] FAILED after $(since "$stand_test_started") s ($summary)"
  fi
  exit "$rc"
}

# Installs and starts the engine (Docker: docker.io and a dockerd of the test's own, stopped
# at exit; podman: its API service and health ticker), saves the host's state first, checks
# that none of CONTAINERS exists, builds the base image and the stand's image.
stand_test_engine_up() {
  local containers=("$@") prep c t
  trap stand_test_cleanup EXIT
  trap 'exit 130' INT TERM
  prep=$(now)
  if [ "$CHRONYVISOR_ENGINE" = docker ]; then
    docker_install
    stand_test_host_before=$(stand_test_host_state)
    stand_test_started_here=1
    docker_daemon_start "$(state_dir "$PROJECT")"
    engine_choose
  else
    engine_choose
    stand_test_host_before=$(stand_test_host_state)
    stand_test_started_here=1
    engine_setup "$PROJECT"
  fi
  for c in "${containers[@]}"; do
    if "$ENGINE" container inspect "$c" >/dev/null 2>&1; then
      die "a container named $c exists already (a stand from scripts/run.sh or another test?): remove it first (scripts/down.sh)"
    fi
  done
  say "$(engine_description)"
  stand_test_timings+=("engine ready $(since "$prep") s")
  t=$(now); base_image_ensure; stand_test_timings+=("base image $(since "$t") s")
  t=$(now); image_build; stand_test_timings+=("image build $(since "$t") s")
}

# Waits until every service of the project (demo profile included) is healthy or, without a
# health check, running; fails after LIMIT seconds.
stand_test_up() {
  local limit=$1 t; t=$(now)
  stand_up "$PROJECT" "$limit" || fail "the stand did not become healthy within $limit s"
  stand_test_timings+=("up to healthy $(since "$t") s")
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
