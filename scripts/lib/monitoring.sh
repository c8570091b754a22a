# The stand's monitoring profile: the Prometheus image (Debian base + Debian's prometheus
# package, deploy/prometheus/Dockerfile) and its container. Source it after image.sh and
# stand.sh; scripts/run.sh uses it when asked (--monitoring or CHRONYVISOR_MONITORING=1).

PROMETHEUS_IMAGE=${PROMETHEUS_IMAGE:-localhost/chronyvisor-prometheus:latest}
export PROMETHEUS_IMAGE
export PROMETHEUS_HOST_ADDRESS=${PROMETHEUS_HOST_ADDRESS:-127.0.0.1}
export PROMETHEUS_HOST_PORT=${PROMETHEUS_HOST_PORT:-9090}

# Builds the Prometheus image on the same base as the chronyvisor image (offline too).
monitoring_image_build() {
  base_image_ensure
  local args=(-t "$PROMETHEUS_IMAGE" --build-arg "DEBIAN_RELEASE=$DEBIAN_RELEASE")
  [ "$ENGINE" = podman ] && args+=(--format docker --pull=never)
  local started log; started=$(now); log=$(mktemp)
  say "building $PROMETHEUS_IMAGE"
  if ! "$ENGINE" build "${args[@]}" -f deploy/prometheus/Dockerfile deploy/prometheus > "$log" 2>&1; then
    tail -40 "$log" >&2; rm -f "$log"
    die "building the Prometheus image failed (the build's last lines above)"
  fi
  rm -f "$log"
  say "built $PROMETHEUS_IMAGE in $(since "$started") s"
}

# Starts the profile's Prometheus (the nodes already run) and waits until its API answers.
monitoring_up() {
  compose --profile monitoring up -d --no-deps prometheus >/dev/null 2>&1 \
    || { compose --profile monitoring up -d --no-deps prometheus; die "starting Prometheus failed"; }
  local host=$PROMETHEUS_HOST_ADDRESS deadline=$(( $(date +%s) + 120 ))
  [ "$host" = 0.0.0.0 ] && host=127.0.0.1
  until python3 scripts/lib/prometheus_api.py "http://$host:$PROMETHEUS_HOST_PORT" ready >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "Prometheus did not answer on http://$host:$PROMETHEUS_HOST_PORT/ within 120 s ($ENGINE logs chronyvisor-prometheus)"
    sleep 1
  done
  MONITORING_URL="http://$host:$PROMETHEUS_HOST_PORT/"
}
