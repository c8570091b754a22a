#!/usr/bin/env bash
# Plays the rendered relay and gateway pod templates with `podman kube play` (podman 4.3 plays
# Pods, Deployments and ConfigMaps; no Services, StatefulSets or cluster DNS): a local
# reference chronyd (`local stratum 1`, -x) instead of the public upstream, two relays from the
# StatefulSet's pod template, the gateway Deployment (one replica) following them, on a
# network of the test's own. What scripts/k8s/play_manifests.py changes for that is listed there.
#
# Checks, with the real image built from the Dockerfile:
#   - every probe of every pod (port and path as the rendered template has them) answers 200
#     once the pod is synchronised: GET from the host to the pod's address, as the kubelet does;
#   - the gateway is synchronised to a relay, at relay stratum + 1;
#   - Pod Security "restricted" as the pods run: chronyvisor and chronyd are the image's user
#     123 with no capability at all (effective and bounding sets empty), no_new_privs is set,
#     a seccomp filter is on (from /proc/PID/status in the pod), the root is read-only, and
#     `chronyvisor status` works as that user;
#   - everything is removed afterwards: pods, containers, the network, anonymous volumes, and
#     the host's firewall chains and ip_forward as they were.
# Every chronyd runs with -x; nothing leaves the machine.
# Usage: scripts/k8s/play-test.sh RENDERED_BASE.yaml   (run by scripts/k8s-test.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRIPT_NAME=k8s-play-test
. scripts/lib/common.sh
. scripts/lib/podman-install.sh
. scripts/lib/engine.sh
. scripts/lib/image.sh

rendered=$(readlink -f "$1")
PROJECT=chronyvisor-k8s-test
NET=chronyvisor-k8s-test
SUBNET_PREFIX=${CHRONYVISOR_K8S_SUBNET_PREFIX:-10.89.117}
REFERENCE_IP=$SUBNET_PREFIX.10
RELAY_IPS=("$SUBNET_PREFIX.11" "$SUBNET_PREFIX.12")
GATEWAY_IP=$SUBNET_PREFIX.20
LIMIT=${CHRONYVISOR_TEST_WAIT:-240}
PY=${PY:-$PWD/.build-k8s/venv/bin/python}
export CHRONYVISOR_ENGINE=podman
started=$(now)
passed=0
ok() { passed=$((passed + 1)); printf '  ok %d - %s\n' "$passed" "$*"; }
fail() {
  printf '  not ok - %s\n' "$*" >&2
  local p
  for p in "${pods[@]}"; do podman pod logs --tail 15 "$p" 2>&1 | sed "s/^/  # $p: /" >&2 || true; done
  exit 1
}

is_root || die "podman kube play on a network of its own needs root"
work=$(mktemp -d)
pods=()
yamls=()
volumes_before=
set_up=0
cleanup() {
  local rc=$? y left
  if [ "$set_up" = 1 ]; then
    for y in "${yamls[@]}"; do podman kube play --down "$y" >/dev/null 2>&1 || true; done
    # emptyDir volumes podman made for the pods (anonymous volumes that outlive --down).
    for v in $(comm -13 <(printf '%s\n' "$volumes_before") <(podman volume ls -q | sort)); do
      podman volume rm -f "$v" >/dev/null 2>&1 || true
    done
    podman network rm -f "$NET" >/dev/null 2>&1 || true
    left=$(for p in "${pods[@]}"; do podman pod exists "$p" && echo "$p"; done || true)
    [ -z "$left" ] || { say "still there after cleanup: $left"; rc=1; }
    ! podman network exists "$NET" 2>/dev/null || { say "network $NET is still there"; rc=1; }
    engine_teardown "$PROJECT"
  fi
  rm -rf "$work"
  [ "$rc" = 0 ] && say "passed $passed checks in $(since "$started") s" || say "FAILED after $(since "$started") s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

engine_choose
for n in k8s-test-reference chronyvisor-relay-0 chronyvisor-relay-1 chronyvisor-gateway-pod chronyvisor-gateway-pod-0; do
  podman pod exists "$n" && die "a pod named $n exists already: remove it first (podman pod rm -f $n)"
done
podman network exists "$NET" && die "a network named $NET exists already: remove it first (podman network rm $NET)"
set_up=1
engine_setup "$PROJECT"
volumes_before=$(podman volume ls -q | sort)
t=$(now); image_build; say "image $IMAGE ready in $(since "$t") s"

podman network create --subnet "$SUBNET_PREFIX.0/24" "$NET" >/dev/null
probe_list=$("$PY" scripts/k8s/play_manifests.py "$rendered" "$work" "$REFERENCE_IP" "${RELAY_IPS[@]}" "$GATEWAY_IP" "$IMAGE")

declare -A pod_ip=() pod_name=() ctr_name=()
play() {   # YAML IP NAME (the Pod's or Deployment's name)
  yamls+=("$1")
  out=$(podman kube play --network "$NET" --ip "$2" "$1" 2>&1) || fail "podman kube play $(basename "$1"): $out"
  local id; id=$(awk '/^Pod:/ { getline; print; exit }' <<< "$out")
  [ -n "$id" ] || fail "podman kube play $(basename "$1") named no pod: $out"
  pod_ip[$3]=$2
  pod_name[$3]=$(podman pod inspect --format '{{.Name}}' "$id")
  ctr_name[$3]=$(podman pod inspect --format '{{range .Containers}}{{.Name}} {{end}}' "$id" | tr ' ' '\n' | grep -v -e '-infra$' -e '^$' | head -1)
  pods+=("${pod_name[$3]}")
}
play "$work/reference.yaml" "$REFERENCE_IP" k8s-test-reference
for i in "${!RELAY_IPS[@]}"; do play "$work/relay-$i.yaml" "${RELAY_IPS[$i]}" "chronyvisor-relay-$i"; done
play "$work/gateway.yaml" "$GATEWAY_IP" chronyvisor-gateway
ok "podman kube play: the reference Pod, the relay pod template twice (chronyvisor-relay-0/1) and the gateway Deployment with the drop-in ConfigMap"

# ---- every probe answers 200 once synchronised ----------------------------------------------
http_get() {   # URL -> "STATUS BODY" (000: no answer)
  "$PY" - "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=3)
    print(r.status, r.read(300).decode(errors="replace").replace("\n", " "))
except urllib.error.HTTPError as e:
    print(e.code, e.read(300).decode(errors="replace").replace("\n", " "))
except Exception as e:
    print("000", e)
PY
}
t=$(now)
while read -r pod container probe port path; do
  url="http://${pod_ip[$pod]}:$port$path"
  until answer=$(http_get "$url"); [ "${answer%% *}" = 200 ]; do
    awk -v a="$(since "$t")" -v l="$LIMIT" 'BEGIN { exit !(a > l) }' \
      && fail "$pod: $probe GET $url did not answer 200 within $LIMIT s (last: $answer)"
    sleep 1
  done
  ok "$pod/$container: $probe GET $url answers 200 ($(since "$t") s after play)"
done <<< "$probe_list"

gw=${ctr_name[chronyvisor-gateway]}
line=$(podman exec "$gw" chronyc -c -n tracking) || fail "chronyc tracking in the gateway failed"
stratum=$(cut -d, -f3 <<< "$line"); addr=$(cut -d, -f2 <<< "$line")
[[ " ${RELAY_IPS[*]} " == *" $addr "* ]] && [ "$stratum" = 3 ] \
  || fail "the gateway follows $addr at stratum $stratum; expected a relay (${RELAY_IPS[*]}) at stratum 3"
ok "the gateway follows relay $addr at stratum $stratum (reference 1, relays 2)"

# ---- hardening holds in the running pods -------------------------------------------------------
# Pod Security "restricted" as the pods run it: the image's user 123 (runAsUser), no capability
# at all (effective and bounding sets empty), no_new_privs, a seccomp filter, a read-only root.
for pod in chronyvisor-relay-0 chronyvisor-gateway; do
  c=${ctr_name[$pod]}
  [ "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$c")" = true ] || fail "$c: root file system not read-only"
  if err=$(podman exec "$c" touch /usr/local/bin/written 2>&1); then fail "$c: could write to /usr/local/bin"; fi
  grep -q 'Read-only file system\|Permission denied' <<< "$err" || fail "$c: writing /usr/local/bin failed, but not for a read-only root: $err"
  status=$(podman exec "$c" cat /proc/1/status) || fail "$c: cannot read /proc/1/status"
  chronyd_pid=$(podman exec "$c" cat /run/chrony/chronyd.pid) || fail "$c: no chronyd pid file"
  chronyd_status=$(podman exec "$c" cat "/proc/$chronyd_pid/status") || fail "$c: cannot read chronyd's status"
  field() { awk -v f="$1:" '$1 == f { print $2 }' <<< "$2"; }
  for who in chronyvisor chronyd; do
    st=$status; [ "$who" = chronyd ] && st=$chronyd_status
    [ "$(field Uid "$st")" = 123 ] || fail "$c: $who runs as uid $(field Uid "$st"), expected 123 (the image's _chrony)"
    [ "$(field CapEff "$st")" = 0000000000000000 ] || fail "$c: $who has capabilities $(field CapEff "$st")"
    [ "$(field CapBnd "$st")" = 0000000000000000 ] || fail "$c: $who's bounding set is $(field CapBnd "$st"), expected empty"
    [ "$(field NoNewPrivs "$st")" = 1 ] || fail "$c: $who: NoNewPrivs $(field NoNewPrivs "$st") (allowPrivilegeEscalation: false not applied)"
    [ "$(field Seccomp "$st")" = 2 ] || fail "$c: $who: Seccomp $(field Seccomp "$st") (expected 2: a filter)"
  done
  # What an operator runs: status through chronyd's socket, as the same user (exec's default).
  out=$(podman exec "$c" chronyvisor status tracking) || fail "$c: chronyvisor status as the image's user failed: $out"
  grep -q '^Reference ID' <<< "$out" || fail "$c: chronyvisor status printed no tracking: $out"
  ok "$c: chronyvisor and chronyd as uid 123 with no capability (effective and bounding 0), no_new_privs, seccomp filter, read-only root; status works"
done

# ---- what the pods use (printed, not asserted: the limits come from docs/benchmarks.md) ------
usage=$(podman stats --no-stream --format '{{.Name}} {{.MemUsage}} cpu {{.CPUPerc}}' "${ctr_name[chronyvisor-relay-0]}" "$gw" 2>/dev/null | tr '\n' ';' || true)
[ -z "$usage" ] || say "resource use once synchronised (limit from the manifests): $usage"
