#!/usr/bin/env bash
# Installs the Debian packages chronyvisor needs, from the one list in scripts/lib/packages.sh,
# when they are missing (Debian family, as root; otherwise it names what to install and
# fails). Installing starts and enables no service.
#
# Usage: scripts/install-deps.sh [GROUP ...]     (default: build test)
#   build      building chronyvisor on the host: libsystemd-dev, pkg-config, libstdc++, git ...
#   test       the tests' tools (ntpdig, promtool, openssl, python3-venv ...) and the
#              libraries of chronyd and chronyc. chrony itself is NOT installed: the tests
#              unpack it privately (scripts/lib/chrony-private.sh), because the package would
#              replace the host's time client.
#   stand      podman and what the stand needs with it (run.sh installs it when no engine is there)
#   docker     Debian's Docker engine (the container test's second run)
#   release    dpkg-dev, lintian (scripts/release.sh)
#   cleanroom  debootstrap (scripts/cleanroom-test.sh)
#   profile    valgrind (scripts/gen-order-file.sh)
#   --list     print the packages of the groups instead of installing them
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/packages.sh

list=0 groups=()
for arg in "$@"; do
  case $arg in
    --list) list=1 ;;
    -*) usage_error "unknown option $arg (expected --list, --help or a group)" ;;
    build|test|stand|docker|release|cleanroom|profile) groups+=("$arg") ;;
    *) usage_error "unknown group '$arg' (expected build, test, stand, docker, release, cleanroom or profile)" ;;
  esac
done
[ ${#groups[@]} -gt 0 ] || groups=(build test)
if [ "$list" = 1 ]; then
  packages_of "${groups[@]}" | sort -u
  exit 0
fi
packages_install "${groups[@]}"
# python3-prometheus-client may be installed for a python3 that is not first on PATH.
if printf '%s\n' "${groups[@]}" | grep -qx test && ! python3 -c 'import prometheus_client' >/dev/null 2>&1; then
  python3 -m pip install -q prometheus_client
fi
