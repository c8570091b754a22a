#!/usr/bin/env bash
# Builds chronyvisor-parse-bench in release mode and prints the chronyc CSV parse throughput
# (lines per second) of each report. Usage: scripts/bench-parse.sh [lines-per-report]
. "$(dirname "$0")/lib/init.sh"
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH=/opt/swift/usr/bin:$PATH
fi
swift build -c release --product chronyvisor-parse-bench
"$(swift build -c release --show-bin-path)/chronyvisor-parse-bench" "$@"
