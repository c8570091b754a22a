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
#   - the root file system is read-only, the capability bounding set is exactly the added
#     ones, no_new_privs is set and a seccomp filter is on (from /proc/1/status in the pod);
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
# CHOWN 0, DAC_OVERRIDE 1, KILL 5, SETGID 6, SETUID 7, NET_BIND_SERVICE 10.
expected_caps=$(printf '%016x' $(( (1<<0) | (1<<1) | (1<<5) | (1<<6) | (1<<7) | (1<<10) )))
for pod in chronyvisor-relay-0 chronyvisor-gateway; do
  c=${ctr_name[$pod]}
  [ "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$c")" = true ] || fail "$c: root file system not read-only"
  # Read from the host through the pod's main process: the image has no shell, touch or cat.
  pid=$(podman inspect --format '{{.State.Pid}}' "$c") && [ "${pid:-0}" != 0 ] || fail "$c: not running"
  root_options=$(awk '$5 == "/" { print $6 }' "/proc/$pid/mountinfo")
  [[ ,$root_options, == *,ro,* ]] || fail "$c: the root file system is mounted $root_options, not ro"
  status=$(cat "/proc/$pid/status") || fail "$c: cannot read /proc/$pid/status"
  bnd=$(awk '$1 == "CapBnd:" { print $2 }' <<< "$status")
  nnp=$(awk '$1 == "NoNewPrivs:" { print $2 }' <<< "$status")
  sec=$(awk '$1 == "Seccomp:" { print $2 }' <<< "$status")
  [ "$bnd" = "$expected_caps" ] || fail "$c: capability bounding set $bnd, expected $expected_caps (CHOWN DAC_OVERRIDE KILL SETGID SETUID NET_BIND_SERVICE)"
  [ "$nnp" = 1 ] || fail "$c: NoNewPrivs $nnp (allowPrivilegeEscalation: false not applied)"
  [ "$sec" = 2 ] || fail "$c: Seccomp $sec (expected 2: a filter)"
  ok "$c: read-only root (mounted ro), capabilities bounded to $expected_caps, no_new_privs, seccomp filter"
done

# ---- what the pods use (printed, not asserted: the limits come from docs/benchmarks.md) ------
usage=$(podman stats --no-stream --format '{{.Name}} {{.MemUsage}} cpu {{.CPUPerc}}' "${ctr_name[chronyvisor-relay-0]}" "$gw" 2>/dev/null | tr '\n' ';' || true)
[ -z "$usage" ] || say "resource use once synchronised (limit from the manifests): $usage"
