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

# Templates built into the binary must match conf-templates/ (a test checks this too).
swift build --build-tests
swift test --skip-build "$@"

if [ -x scripts/container-test.sh ] && [ "${CHRONYVISOR_SKIP_CONTAINER_TEST:-0}" != 1 ]; then
  scripts/container-test.sh
fi

# The shipped systemd unit under a real systemd (PID 1 in a podman container).
if [ -x scripts/systemd-test.sh ] && [ "${CHRONYVISOR_SKIP_SYSTEMD_TEST:-0}" != 1 ]; then
  systemd_test_started=$(date +%s)
  scripts/systemd-test.sh
  echo "test.sh: systemd test took $(( $(date +%s) - systemd_test_started )) s"
fi
