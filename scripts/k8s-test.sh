#!/usr/bin/env bash
# The Kubernetes test (no cluster needed): renders the kustomize base and every overlay under
# deploy/kubernetes, validates the output strictly against the API schemas of the oldest and
# newest Kubernetes versions supported (kubernetes-validate), runs the policy tests over the
# rendered objects (scripts/k8s/policy_test.py, with the real `chronyvisor config --check`),
# checks that the PrometheusRule is what deploy/prometheus/alerts.yml generates, and plays the
# relay and gateway pod templates with podman (scripts/k8s/play-test.sh).
#
# Renderers: Debian's kubernetes-client (kubectl 1.20, kustomize v2.0.3, the oldest the
# manifests are written for), unpacked under .build-k8s/ without installing it (it would
# replace a newer /usr/bin/kubectl), and a newer `kubectl` on PATH when there is one; both must
# produce the same objects. kubernetes-validate (PyPI, pinned) lives in a venv there too.
#
# Usage: scripts/k8s-test.sh   (scripts/test.sh runs it; CHRONYVISOR_SKIP_K8S_TEST=1 skips it
# there, CHRONYVISOR_SKIP_K8S_PLAY=1 skips only the podman part,
# CHRONYVISOR_SKIP_K8S_NTS_PLAY=1 only its NTS replica phase)
#   CHRONYVISOR_BIN   the chronyvisor binary for `config --check` (default .build/debug/chronyvisor,
#                     built when missing)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/testing.sh

# Oldest and newest Kubernetes the manifests are validated against (policy/v1 PDBs, startup
# probes, seccompProfile fields and topologySpreadConstraints are all GA by 1.25).
K8S_OLDEST=${CHRONYVISOR_K8S_OLDEST:-1.25.0}
K8S_NEWEST=${CHRONYVISOR_K8S_NEWEST:-1.37.0}
VALIDATE_VERSION=1.37.0           # kubernetes-validate release carrying schemas 1.25 .. 1.37
TOOLS=$PWD/.build-k8s
OUT=$TOOLS/rendered

# ---- tools ---------------------------------------------------------------------------------
t=$(now)
is_debian_family && is_root && bash scripts/install-deps.sh
# The policy test's `chronyvisor config --check` runs chronyd -p: Debian's, unpacked privately
# when it is not installed.
. scripts/lib/chrony-private.sh
chrony_on_path
mkdir -p "$TOOLS"
if [ ! -x "$TOOLS/venv/bin/kubernetes-validate" ] \
  || [ "$("$TOOLS/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("kubernetes-validate"))' 2>/dev/null)" != "$VALIDATE_VERSION" ]; then
  python3 -m venv "$TOOLS/venv" 2>/dev/null || /usr/bin/python3 -m venv "$TOOLS/venv" \
    || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$VALIDATE_VERSION" \
    || die "pip install kubernetes-validate==$VALIDATE_VERSION failed"
fi
PY=$TOOLS/venv/bin/python

renderers=()
debian_kubectl=$TOOLS/kubernetes-client/usr/bin/kubectl
if [ ! -x "$debian_kubectl" ] && is_debian_family; then
  ( cd "$TOOLS" && rm -f kubernetes-client_*.deb && apt-get download kubernetes-client >/dev/null 2>&1 ) \
    || { is_root && apt-get -o DPkg::Lock::Timeout=600 update -qq && ( cd "$TOOLS" && apt-get download kubernetes-client >/dev/null ); } \
    || die "apt-get download kubernetes-client failed"
  dpkg-deb -x "$TOOLS"/kubernetes-client_*.deb "$TOOLS/kubernetes-client"
  rm -f "$TOOLS"/kubernetes-client_*.deb
fi
[ -x "$debian_kubectl" ] && renderers+=("$debian_kubectl")
if have kubectl && [ "$(readlink -f "$(command -v kubectl)")" != "$(readlink -f "$debian_kubectl")" ]; then
  renderers+=("$(command -v kubectl)")
fi
[ ${#renderers[@]} -gt 0 ] || die "no kubectl: install Debian's kubernetes-client or any kubectl with kustomize"
bin=${CHRONYVISOR_BIN:-.build/debug/chronyvisor}
if [ ! -x "$bin" ]; then
  swift=swift; have swift || swift=/opt/swift/usr/bin/swift
  "$swift" build --product chronyvisor >&2 || die "swift build --product chronyvisor failed"
fi
timing "tools $(since "$t") s"

# ---- the PrometheusRule is generated from the one rule file --------------------------------
"$PY" scripts/k8s/prometheusrule.py --check || fail "the PrometheusRule is stale"
ok "deploy/kubernetes/overlays/monitoring/prometheusrule.yaml is what deploy/prometheus/alerts.yml generates"
if have promtool; then
  rules=$TEST_TMP/rules.yml
  "$PY" -c 'import sys, yaml; d = [o for o in yaml.safe_load_all(open(sys.argv[1])) if o][0]; yaml.safe_dump({"groups": d["spec"]["groups"]}, sys.stdout)' \
    deploy/kubernetes/overlays/monitoring/prometheusrule.yaml > "$rules"
  out=$(promtool check rules "$rules" 2>&1) || { fail "promtool check rules on the PrometheusRule's groups: $out"; }
  ok "promtool check rules accepts the PrometheusRule's groups"
fi

# ---- render every overlay with every renderer ----------------------------------------------
t=$(now)
rm -rf "$OUT"; mkdir -p "$OUT"
overlays=(base)
for k in deploy/kubernetes/overlays/*/kustomization.yaml; do overlays+=("overlays/$(basename "$(dirname "$k")")"); done
for r in "${renderers[@]}"; do
  version=$("$r" version --client 2>/dev/null | grep -o 'v1\.[0-9]*\.[0-9]*' | head -1)
  dir=$OUT/kubectl-$version; mkdir -p "$dir"
  for o in "${overlays[@]}"; do
    name=$(basename "$o")
    "$r" kustomize "deploy/kubernetes/$o" > "$dir/$name.yaml" 2> "$dir/$name.err" \
      || fail "kubectl $version kustomize deploy/kubernetes/$o: $(grep -v '^# Warning' "$dir/$name.err")"
  done
  ok "kubectl $version (kustomize $("$r" version --client 2>/dev/null | grep -o 'Kustomize Version: v[0-9.]*' | cut -d' ' -f3 || echo v2.0.3)) renders ${overlays[*]}"
done
dirs=("$OUT"/kubectl-*)
first=${dirs[0]}
if [ ${#dirs[@]} -gt 1 ]; then
  for d in "${dirs[@]:1}"; do
    for f in "$first"/*.yaml; do
      # ConfigMap name suffixes are content hashes whose algorithm changed in kustomize v3.
      diff=$("$PY" scripts/k8s/same_objects.py "$f" "$d/$(basename "$f")") \
        || fail "$(basename "$first") and $(basename "$d") render $(basename "$f" .yaml) differently: $diff"
    done
  done
  ok "every renderer produces the same objects for every overlay"
fi
timing "render $(since "$t") s"

# ---- strict schema validation, oldest and newest ---------------------------------------------
t=$(now)
for v in "$K8S_OLDEST" "$K8S_NEWEST"; do
  out=$("$TOOLS/venv/bin/kubernetes-validate" --strict --quiet -k "$v" "$first"/*.yaml 2>&1) \
    || fail "kubernetes-validate --strict -k $v: $out"
  # Only prometheus-operator's kinds have no schema here (policy_test.py checks them).
  unknown=$(grep -v 'for kind \(PodMonitor\|PrometheusRule\) with api version monitoring.coreos.com/v1' <<< "$out" | grep -i 'warn\|schema' || true)
  [ -z "$unknown" ] || fail "kubernetes-validate -k $v: $unknown"
  ok "every overlay validates strictly against the Kubernetes $v API schemas"
done
# The validation can fail: a field the API does not have is refused.
bad=$TEST_TMP/bad.yaml
sed 's/^\(\s*\)readOnlyRootFilesystem: true/&\n\1readOnlyRootFileSystem: true/' "$first/base.yaml" > "$bad"
if "$TOOLS/venv/bin/kubernetes-validate" --strict --quiet -k "$K8S_OLDEST" "$bad" >/dev/null 2>&1; then
  fail "kubernetes-validate --strict accepted a misspelt field (readOnlyRootFileSystem)"
fi
ok "strict validation refuses a misspelt field (the check can fail)"
timing "validate $(since "$t") s"

# ---- policy tests --------------------------------------------------------------------------
t=$(now)
"$PY" scripts/k8s/policy_test.py --self-test "$bin" "$first/base.yaml" > "$OUT/self-test.tap" \
  || { cat "$OUT/self-test.tap"; fail "the policy tests missed a broken manifest"; }
ok "the policy tests catch each of $(grep -c '^ok' "$OUT/self-test.tap") broken manifests"
"$PY" scripts/k8s/policy_test.py "$bin" "$first"/*.yaml > "$OUT/policy.tap" \
  || { grep '^not ok' "$OUT/policy.tap"; fail "policy tests failed"; }
ok "policy tests: $(grep -c '^ok' "$OUT/policy.tap") checks over ${#overlays[@]} overlays"
timing "policy $(since "$t") s"

# ---- podman kube play of the pod templates ------------------------------------------------
if [ "${CHRONYVISOR_SKIP_K8S_PLAY:-0}" != 1 ]; then
  t=$(now)
  scripts/k8s/play-test.sh "$first/base.yaml" "$first/nts.yaml" || fail "podman kube play of the pod templates"
  ok "podman kube play: relay and gateway pod templates synchronised as uid 123 with no capability, probes 200, each relay on its own upstream$([ "${CHRONYVISOR_SKIP_K8S_NTS_PLAY:-0}" = 1 ] || echo ", an NTS client moved between two gateway pods without a new key establishment"), all removed"
  timing "play $(since "$t") s"
fi

