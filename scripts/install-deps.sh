#!/usr/bin/env bash
# Installs what building and testing chronyvisor needs, when it is missing (Debian family,
# as root): chrony (chronyd/chronyc, never started by the package: see below),
# libsystemd-dev (sd_notify), ntpsec-ntpdate (ntpdig, a reference client used in query mode
# only), util-linux (unshare), iproute2, procps, python3 with prometheus_client (a real
# Prometheus text parser for the metrics test), GNU time (scripts/bench.sh), prometheus
# (promtool: `check metrics`, the alert rules' unit tests; its service is not started) and
# openssl (the NTS certificates of the stand and the tests).
#
# The chrony package would start chronyd through invoke-rc.d, without -x. A policy-rc.d that
# forbids service starts is put in place for the install when the machine has none.
set -euo pipefail

need=()
command -v chronyd >/dev/null 2>&1 || [ -x /usr/sbin/chronyd ] || need+=(chrony)
[ -f /usr/include/systemd/sd-daemon.h ] || need+=(libsystemd-dev)
command -v ntpdig >/dev/null 2>&1 || need+=(ntpsec-ntpdate)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v ps >/dev/null 2>&1 || need+=(procps)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ -d /usr/share/zoneinfo/right ] || need+=(tzdata)
python3 -c 'import prometheus_client' >/dev/null 2>&1 || need+=(python3-prometheus-client)
[ -x /usr/bin/time ] || need+=(time)  # GNU time: peak memory of a command (scripts/bench.sh)
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # NTS certificates (scripts/lib/nts.sh, fixtures)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)  # promtool: check metrics, test the alert rules

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing ${need[*]}; install them with your package manager (Debian: apt-get install ${need[*]})" >&2
  exit 1
fi

echo "install-deps: installing ${need[*]} from the distribution's packages"
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  made_policy=1
fi
cleanup() { [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d; true; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# python3-prometheus-client may be installed for a python3 that is not first on PATH.
if ! python3 -c 'import prometheus_client' >/dev/null 2>&1; then
  python3 -m pip install -q prometheus_client
fi
