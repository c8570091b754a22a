#!/usr/bin/env bash
# Plays the rendered relay and gateway pod templates with `podman kube play` (podman 4.3 plays
# Pods, Deployments and ConfigMaps; no Services, StatefulSets or cluster DNS): a local
# reference chronyd (`local stratum 1`, -x) per relay instead of the public upstream, two relays
# from the StatefulSet's pod template, the gateway Deployment (one replica) following them, on a
# network of the test's own. What scripts/k8s/play_manifests.py changes for that is listed there.
#
# Checks, with the real image built from the Dockerfile:
#   - every probe of every pod (port and path as the rendered template has them) answers 200
#     once the pod is synchronised: GET from the host to the pod's address, as the kubelet does;
#   - the gateway is synchronised to a relay, at relay stratum + 1;
#   - per-relay upstreams: each relay pod, made from the one StatefulSet template, follows only
#     its own reference (NTP_SERVERS_BY_INDEX entry N, chosen by NODE_INDEX = the pod's name
#     from the downward API), not the list every relay would share (chronyc sources in each);
#   - Pod Security "restricted" as the pods run: chronyvisor and chronyd are the image's user
#     123 with no capability at all (effective and bounding sets empty), no_new_privs is set,
#     a seccomp filter is on (from /proc/PID/status in the pod), the root is read-only, and
#     `chronyvisor status` works as that user;
#   - everything is removed afterwards: pods, containers, the network, anonymous volumes, and
#     the host's firewall chains and ip_forward as they were.
# Every chronyd runs with -x; nothing leaves the machine.
#   - NTS across replicas (with RENDERED_NTS.yaml, the nts overlay): a chronyd client (-x) on
#     the host gets its cookies from one gateway pod of the nts overlay; that pod is replaced,
#     on the same address, by a second gateway pod given the same certificate and key
#     schedule (as a Service's next packet goes to another replica), and the client goes on
#     authenticating there: no new key establishment and no NAK at the client (chronyc
#     authdata), no NTS-KE at the second pod (chronyc serverstats). The client is offline while
#     the address changes hands (see the phase's comment).
# Usage: scripts/k8s/play-test.sh RENDERED_BASE.yaml [RENDERED_NTS.yaml]   (run by scripts/k8s-test.sh)
SCRIPT_NAME=k8s-play-test
. "$(dirname "$0")/../lib/init.sh"
. scripts/lib/podman-install.sh
. scripts/lib/engine.sh
. scripts/lib/image.sh
. scripts/lib/nts.sh
. scripts/lib/chrony-private.sh
TAP_INDENT='  '
. scripts/lib/testing.sh

rendered=$(readlink -f "$1")
rendered_nts=${2:+$(readlink -f "$2")}
PROJECT=chronyvisor-k8s-test
NET=chronyvisor-k8s-test
SUBNET_PREFIX=${CHRONYVISOR_K8S_SUBNET_PREFIX:-10.89.117}
REFERENCE_IPS=("$SUBNET_PREFIX.10" "$SUBNET_PREFIX.13")   # one per relay
RELAY_IPS=("$SUBNET_PREFIX.11" "$SUBNET_PREFIX.12")
GATEWAY_IP=$SUBNET_PREFIX.20
NTS_GATEWAY_IP=$SUBNET_PREFIX.30
LIMIT=${CHRONYVISOR_TEST_WAIT:-240}
PY=${PY:-$PWD/.build-k8s/venv/bin/python}
export CHRONYVISOR_ENGINE=podman
pods_logs() {
  local p
  for p in "${pods[@]}"; do podman pod logs --tail 15 "$p" 2>&1 | sed "s/^/  # $p: /" || true; done
}
on_fail pods_logs

is_root || die "podman kube play on a network of its own needs root"
work=$TEST_TMP
pods=()
yamls=()
volumes_before=
set_up=0
# The pods, their volumes and network gone, what the engine changed undone; 1 when a pod or
# the network is left.
play_end() {
  local rc=0 y left
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
  return "$rc"
}
on_exit play_end

engine_choose
for n in k8s-test-reference-0 k8s-test-reference-1 chronyvisor-relay-0 chronyvisor-relay-1 chronyvisor-gateway-pod chronyvisor-gateway-pod-0 \
  chronyvisor-gateway-nts-a-pod chronyvisor-gateway-nts-b-pod; do
  podman pod exists "$n" && die "a pod named $n exists already: remove it first (podman pod rm -f $n)"
done
podman network exists "$NET" && die "a network named $NET exists already: remove it first (podman network rm $NET)"
set_up=1
engine_setup "$PROJECT"
volumes_before=$(podman volume ls -q | sort)
t=$(now); image_build; say "image $IMAGE ready in $(since "$t") s"

podman network create --subnet "$SUBNET_PREFIX.0/24" "$NET" >/dev/null
probe_list=$("$PY" scripts/k8s/play_manifests.py "$rendered" "$work" "$(IFS=,; echo "${REFERENCE_IPS[*]}")" "${RELAY_IPS[@]}" "$GATEWAY_IP" "$IMAGE")

declare -A pod_ip=() pod_name=() ctr_name=()
# podman 4.3's kube play does not apply a Pod's securityContext.sysctls, which the kubelet
# sets in the pod's network namespace before any container starts. The one the manifests ask
# for (net.ipv4.ip_unprivileged_port_start: UDP 123 bound as a user) reaches the pod's
# network namespace here through podman's own default_sysctls, in a containers.conf of the
# test's (the host's settings plus that line) given to kube play alone: the host's
# containers.conf is not changed.
play_containers_conf() {   # YAML -> the containers.conf to play it with
  local value conf=$work/containers-$(basename "$1" .yaml).conf
  value=$(grep -A1 'name: net.ipv4.ip_unprivileged_port_start' "$1" | awk '/value:/ { gsub(/["\047]/, "", $2); print $2; exit }')
  "$PY" - "${CONTAINERS_CONF:-/etc/containers/containers.conf}" "$conf" "$value" <<'PY'
import os, sys
src, dst, value = sys.argv[1:4]
lines = open(src).read().splitlines() if os.path.exists(src) else []
if value:
    line = 'default_sysctls = ["net.ipv4.ip_unprivileged_port_start=%s"]' % value
    lines = [l for l in lines if not l.strip().startswith("default_sysctls")]
    if "[containers]" in [l.strip() for l in lines]:
        i = [l.strip() for l in lines].index("[containers]")
        lines.insert(i + 1, line)
    else:
        lines = ["[containers]", line] + lines
open(dst, "w").write("\n".join(lines) + "\n")
PY
  echo "$conf"
}
play() {   # YAML IP NAME (the Pod's or Deployment's name)
  yamls+=("$1")
  out=$(CONTAINERS_CONF=$(play_containers_conf "$1") podman kube play --network "$NET" --ip "$2" "$1" 2>&1) || fail "podman kube play $(basename "$1"): $out"
  local id; id=$(awk '/^Pod:/ { getline; print; exit }' <<< "$out")
  [ -n "$id" ] || fail "podman kube play $(basename "$1") named no pod: $out"
  pod_ip[$3]=$2
  pod_name[$3]=$(podman pod inspect --format '{{.Name}}' "$id")
  ctr_name[$3]=$(podman pod inspect --format '{{range .Containers}}{{.Name}} {{end}}' "$id" | tr ' ' '\n' | grep -v -e '-infra$' -e '^$' | head -1)
  pods+=("${pod_name[$3]}")
}
for i in "${!REFERENCE_IPS[@]}"; do play "$work/reference-$i.yaml" "${REFERENCE_IPS[$i]}" "k8s-test-reference-$i"; done
for i in "${!RELAY_IPS[@]}"; do play "$work/relay-$i.yaml" "${RELAY_IPS[$i]}" "chronyvisor-relay-$i"; done
play "$work/gateway.yaml" "$GATEWAY_IP" chronyvisor-gateway
ok "podman kube play: a reference Pod per relay, the relay pod template twice (chronyvisor-relay-0/1) and the gateway Deployment with the drop-in ConfigMap"

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
answers_200() { answer=$(http_get "$1"); [ "${answer%% *}" = 200 ]; }
t=$(now)
while read -r pod container probe port path; do
  url="http://${pod_ip[$pod]}:$port$path"
  answer=""
  POLL_EVERY=1 poll_until "$(awk -v a="$(since "$t")" -v l="$LIMIT" 'BEGIN { print l - a }')" answers_200 "$url" \
    || fail "$pod: $probe GET $url did not answer 200 within $LIMIT s (last: $answer)"
  ok "$pod/$container: $probe GET $url answers 200 ($(since "$t") s after play)"
done <<< "$probe_list"

gw=${ctr_name[chronyvisor-gateway]}
line=$(podman exec "$gw" chronyc -c -n tracking) || fail "chronyc tracking in the gateway failed"
stratum=$(cut -d, -f3 <<< "$line"); addr=$(cut -d, -f2 <<< "$line")
[[ " ${RELAY_IPS[*]} " == *" $addr "* ]] && [ "$stratum" = 3 ] \
  || fail "the gateway follows $addr at stratum $stratum; expected a relay (${RELAY_IPS[*]}) at stratum 3"
ok "the gateway follows relay $addr at stratum $stratum (reference 1, relays 2)"

# ---- per-relay upstreams: each relay pod its own ---------------------------------------------
# Both relays are the one StatefulSet template with the same environment; only the pod's name
# (NODE_INDEX, downward API) differs. Each must list exactly its own reference: were the
# per-relay lists ignored, both would list every reference (NTP_SERVERS) and be identical.
relay_sources=()
for i in "${!RELAY_IPS[@]}"; do
  c=${ctr_name[chronyvisor-relay-$i]}
  list=$(podman exec "$c" chronyc -c -n sources | cut -d, -f3 | sort | tr '\n' ' ' | sed 's/ $//') \
    || fail "$c: chronyc sources failed"
  [ "$list" = "${REFERENCE_IPS[$i]}" ] \
    || fail "$c: its sources are '$list', expected only its own upstream ${REFERENCE_IPS[$i]} (NTP_SERVERS_BY_INDEX entry $i)"
  out=$(podman exec "$c" chronyvisor status sources) || fail "$c: chronyvisor status sources failed: $out"
  grep -q "${REFERENCE_IPS[$i]}" <<< "$out" || fail "$c: chronyvisor status sources does not show ${REFERENCE_IPS[$i]}: $out"
  relay_sources+=("$list")
done
[ "${relay_sources[0]}" != "${relay_sources[1]}" ] || fail "the relays have the same sources: ${relay_sources[0]}"
ok "per-relay upstreams: chronyvisor-relay-0 follows ${relay_sources[0]}, chronyvisor-relay-1 follows ${relay_sources[1]} (one template, NODE_INDEX from the pod's name)"

# ---- hardening holds in the running pods -------------------------------------------------------
# Pod Security "restricted" as the pods run it: the image's user 123 (runAsUser), no capability
# at all (effective and bounding sets empty), no_new_privs, a seccomp filter, a read-only root.
for pod in chronyvisor-relay-0 chronyvisor-gateway; do
  c=${ctr_name[$pod]}
  [ "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$c")" = true ] || fail "$c: root file system not read-only"
  # Read from the host through the pod's processes: the image has no shell, touch or cat.
  pid=$(podman inspect --format '{{.State.Pid}}' "$c") && [ "${pid:-0}" != 0 ] || fail "$c: not running"
  root_options=$(awk '$5 == "/" { print $6 }' "/proc/$pid/mountinfo")
  [[ ,$root_options, == *,ro,* ]] || fail "$c: the root file system is mounted $root_options, not ro"
  status=$(cat "/proc/$pid/status") || fail "$c: cannot read /proc/$pid/status"
  chronyd_pid=$(cat "/proc/$pid/root/run/chrony/chronyd.pid") || fail "$c: no chronyd pid file"
  chronyd_host_pid=$(for ch in $(cat "/proc/$pid/task/"*/children 2>/dev/null); do
      awk -v p="$chronyd_pid" '$1 == "NSpid:" && $NF == p { print FILENAME }' "/proc/$ch/status" 2>/dev/null; done | head -1)
  [ -n "$chronyd_host_pid" ] || fail "$c: chronyd (pid $chronyd_pid in the pod) is not a child of chronyvisor"
  chronyd_status=$(cat "$chronyd_host_pid") || fail "$c: cannot read chronyd's status"
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
  ok "$c: chronyvisor and chronyd as uid 123 with no capability (effective and bounding 0), no_new_privs, seccomp filter, read-only root (mounted ro); status works"
done

# ---- NTS across gateway replicas (the nts overlay) ------------------------------------------
# chronyc -c authdata: address,mode,keyid,type,klen,last,attempts,nak,cookies,clen (with NTS the
# key id counts the key establishments); chronyc -c serverstats (4.3): NTS-KE connections are
# the sixth field, authenticated NTP packets the eighth.
#
# podman cannot give two pods one address at once, so replica b takes a's address after a is
# gone: a gap a Service never has (it sends a flow only to ready endpoints, and moves it
# between two of them at once). A chronyd client spends one of its eight cookies on every
# request, answered or not (chrony's NTS_MAX_COOKIES); polling every 0.25 s it spends them
# all within the gap and must make a new key establishment, wherever the next packet lands.
# So the client is taken offline (`chronyc offline`: no requests, cookies kept) while a goes,
# and online again once b is ready, as the Service would send it there.
# CHRONYVISOR_SKIP_K8S_NTS_PLAY=1 skips this phase.
if [ -n "$rendered_nts" ] && [ "${CHRONYVISOR_SKIP_K8S_NTS_PLAY:-0}" != 1 ]; then
  nts_started=$(now)
  nts_dir=$work/nts; mkdir -p "$nts_dir/tls" "$nts_dir/keys"; chmod 0755 "$nts_dir" "$nts_dir/tls" "$nts_dir/keys"
  nts_make_ca "$nts_dir" >/dev/null 2>&1
  nts_make_cert "$nts_dir" "$nts_dir/ca" gateway "$NTS_GATEWAY_IP"
  cp "$nts_dir/gateway/cert.pem" "$nts_dir/tls/tls.crt"; cp "$nts_dir/gateway/key.pem" "$nts_dir/tls/tls.key"
  scripts/nts-key-schedule.sh > "$nts_dir/keys/schedule"
  chmod 0644 "$nts_dir/tls/"* "$nts_dir/keys/schedule"
  "$PY" scripts/k8s/play_manifests.py --nts "$rendered_nts" "$work" "$nts_dir" "$NTS_GATEWAY_IP" "${RELAY_IPS[@]}" "$IMAGE"
  play "$work/gateway-nts-a.yaml" "$NTS_GATEWAY_IP" nts-a
  a=${ctr_name[nts-a]}
  chronyd_start "$work/client" "server $NTS_GATEWAY_IP iburst minpoll -2 maxpoll -1 nts" "ntstrustedcerts $nts_dir/ca/ca.pem" \
    "ntsdumpdir $work/client" "port 0" "cmdport 0" "bindcmdaddress $work/client/chronyd.sock"
  client() { chronyc -h "$work/client/chronyd.sock" "$@"; }
  authdata() { client -c -n authdata 2>/dev/null | head -1; }
  pod_stats() { podman exec "$1" chronyc -c serverstats 2>/dev/null; }
  client_state() { note "client authdata: $(authdata); log: $(tail -3 "$work/client/log" | tr '\n' '|')"; }
  on_fail client_state
  has_cookies() { local l; l=$(authdata); [ "$(cut -d, -f2 <<< "$l")" = NTS ] && [ "$(cut -d, -f9 <<< "$l")" -gt 0 ] 2>/dev/null && [ "$(cut -d, -f3 <<< "$l")" -ge 1 ]; }
  authenticated_by() { local s; s=$(pod_stats "$1") && [ "$(cut -d, -f8 <<< "$s")" -ge "$2" ] 2>/dev/null; }
  ready() { [ "$(http_get "http://$NTS_GATEWAY_IP:9123/readyz" | cut -d' ' -f1)" = 200 ]; }
  wait_until "$LIMIT" "the client got no NTS cookies from $a" has_cookies
  wait_until "$LIMIT" "$a answered no authenticated NTP request" authenticated_by "$a" 3
  stats_a=$(pod_stats "$a")
  ke_a=$(cut -d, -f6 <<< "$stats_a")
  [ "$ke_a" = 1 ] || fail "$a saw $ke_a NTS-KE connections; expected the client's one (serverstats $stats_a)"
  ok "NTS: a chronyd client (-x) on the host holds cookies of gateway pod $a at $NTS_GATEWAY_IP: authdata $(authdata) (key establishment #$(cut -d, -f3 <<< "$(authdata)")); $a counted $ke_a NTS-KE connection, $(cut -d, -f8 <<< "$stats_a") authenticated answers"

  out=$(client offline 2>&1) || fail "chronyc offline at the client: $out"
  before=$(authdata); keyid=$(cut -d, -f3 <<< "$before")
  t=$(now)
  podman kube play --down "$work/gateway-nts-a.yaml" >/dev/null 2>&1 || fail "podman kube play --down gateway-nts-a"
  play "$work/gateway-nts-b.yaml" "$NTS_GATEWAY_IP" nts-b
  b=${ctr_name[nts-b]}
  wait_until "$LIMIT" "$b ready (GET /readyz 200)" ready
  ready_after=$(since "$t")
  gap=$(authdata)
  [ "$gap" = "$before" ] || [ "$(cut -d, -f1-5,7- <<< "$gap")" = "$(cut -d, -f1-5,7- <<< "$before")" ] \
    || fail "the client's NTS state changed while it was offline: before $before, after $gap"
  out=$(client online 2>&1) || fail "chronyc online at the client: $out"
  wait_until "$LIMIT" "$b answered none of the client's cookies" authenticated_by "$b" 5
  stats=$(pod_stats "$b"); after=$(authdata)
  [ "$(cut -d, -f6 <<< "$stats")" = 0 ] || fail "$b saw $(cut -d, -f6 <<< "$stats") NTS-KE connections; expected none (serverstats $stats)"
  [ "$(cut -d, -f3 <<< "$after")" = "$keyid" ] && [ "$(cut -d, -f8 <<< "$after")" = 0 ] && [ "$(cut -d, -f9 <<< "$after")" -gt 0 ] \
    || fail "the client established keys again, got a NAK or has no cookies: before $before, after $after"
  ok "NTS: gateway pod $b, same certificate and key schedule, in $a's place (ready $ready_after s after a went): $(cut -d, -f8 <<< "$stats") authenticated answers, 0 NTS-KE connections; client authdata before $before, after $after: key establishment #$keyid still, no NAK"
  say "NTS replica phase: $(since "$nts_started") s"
fi

# ---- what the pods use (printed, not asserted: the limits come from docs/benchmarks.md) ------
usage=$(podman stats --no-stream --format '{{.Name}} {{.MemUsage}} cpu {{.CPUPerc}}' "${ctr_name[chronyvisor-relay-0]}" "$gw" 2>/dev/null | tr '\n' ';' || true)
[ -z "$usage" ] || say "resource use once synchronised (limit from the manifests): $usage"
