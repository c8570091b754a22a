#!/usr/bin/env bash
# Runs every chronyvisor test: installs what the tests need when it is missing, builds, runs
# the Swift tests (unit tests and integration tests against real chronyd/chronyc on
# loopback, always with -x), then the container test of the stand when a container engine
# can be had. Usage: scripts/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH=/opt/swift/usr/bin:$PATH
fi
command -v swift >/dev/null 2>&1 || { echo "test.sh: the Swift toolchain (6.1 or later) is needed: https://swift.org/install" >&2; exit 1; }

bash scripts/install-deps.sh

# The docs: every relative link and repository path in README.md and docs/ resolves (a second).
if [ "${CHRONYVISOR_SKIP_DOCS_CHECK:-0}" != 1 ]; then
  docs_started=$SECONDS
  scripts/check-docs.sh
  echo "test.sh: check-docs.sh took $((SECONDS - docs_started)) s"
fi

# Templates built into the binary must match conf-templates/ (a test checks this too).
swift build --build-tests
swift test --skip-build "$@"

# The binary stays lean: no full Foundation, FoundationInternationalization or ICU (issue 14).
if [ "${CHRONYVISOR_SKIP_LEAN_CHECK:-0}" != 1 ]; then
  lean_start=$SECONDS
  scripts/check-lean-binary.sh
  echo "test.sh: lean-binary check took $((SECONDS - lean_start)) s"
fi

# The alert rules' unit tests, the Prometheus config and the dashboard (seconds, no engine).
if [ "${CHRONYVISOR_SKIP_PROMETHEUS_RULES_TEST:-0}" != 1 ]; then
  rules_started=$SECONDS
  scripts/prometheus-rules-test.sh
  echo "test.sh: prometheus-rules-test.sh took $((SECONDS - rules_started)) s"
fi

# The stand's container test on both engines: podman, then Docker (docker.io installed and
# dockerd started by the test when none answers). The second run reuses the first one's
# host-built binary and base image.
if [ -x scripts/container-test.sh ] && [ "${CHRONYVISOR_SKIP_CONTAINER_TEST:-0}" != 1 ]; then
  for engine in podman docker; do
    [ "$engine" = docker ] && [ "${CHRONYVISOR_SKIP_DOCKER_TEST:-0}" = 1 ] && continue
    container_started=$SECONDS
    CHRONYVISOR_ENGINE=$engine scripts/container-test.sh
    echo "test.sh: container-test.sh on $engine took $((SECONDS - container_started)) s"
  done
fi

# The monitoring profile in a real stand: targets, dashboard queries, the relay-loss alert.
if [ "${CHRONYVISOR_SKIP_MONITORING_TEST:-0}" != 1 ]; then
  monitoring_started=$SECONDS
  scripts/monitoring-test.sh
  echo "test.sh: monitoring-test.sh took $((SECONDS - monitoring_started)) s"
fi

# Kubernetes: render, validate, policy tests, podman kube play (no cluster needed).
if [ "${CHRONYVISOR_SKIP_K8S_TEST:-0}" != 1 ]; then
  k8s_started=$SECONDS
  scripts/k8s-test.sh
  echo "test.sh: k8s-test.sh took $((SECONDS - k8s_started)) s"
fi

# NTS in the stand (issue 18): a few minutes with the image already built.
if [ -x scripts/nts-test.sh ] && [ "${CHRONYVISOR_SKIP_NTS_TEST:-0}" != 1 ]; then
  nts_started=$(date +%s)
  scripts/nts-test.sh
  echo "test.sh: nts-test.sh took $(( $(date +%s) - nts_started )) s"
fi

# The shipped systemd unit under a real systemd (PID 1 in a podman container).
if [ -x scripts/systemd-test.sh ] && [ "${CHRONYVISOR_SKIP_SYSTEMD_TEST:-0}" != 1 ]; then
  systemd_test_started=$(date +%s)
  scripts/systemd-test.sh
  echo "test.sh: systemd test took $(( $(date +%s) - systemd_test_started )) s"
fi
