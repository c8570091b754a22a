#!/usr/bin/env bash
# Regenerates scripts/build-release.order, the order in which scripts/build-release.sh lays
# out the binary's functions: what the supervisor runs in its steady state, next to each other.
# Builds the release binary (scripts/build-release.sh), then runs one supervisor alone under
# valgrind's callgrind, as a relay and as a gateway of a local reference chronyd (both with
# -x, on 127.0.4.x), scrapes /metrics once a second and lists the functions that ran after
# it had settled (scripts/bench/steady-state-functions.py). Run it again when the poll or
# the metrics code changes much: build-release.sh warns when a tenth of the names are gone.
# Rebuild afterwards for the new order to take effect. About five minutes and a build.
#
# Usage: scripts/gen-order-file.sh [SCRATCH_PATH]   (default .build-release)
# Needs root (chronyd drops to _chrony); installs valgrind (scripts/install-deps.sh profile)
# and takes chronyd from PATH or the private unpacked copy the tests use.
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/chrony-private.sh
[ $# -le 1 ] || usage_error "expected at most one argument, SCRATCH_PATH"
is_root || die "run as root (chronyd binds 127.0.4.x and drops to its own user)"
scripts/install-deps.sh profile
{ have valgrind && have callgrind_control; } || die "valgrind is needed (scripts/install-deps.sh profile)"
scratch=${1:-.build-release}
tmp=$(mktemp -d /tmp/chronyvisor-order.XXXXXX)
trap 'chrony_user_cleanup "$tmp"; rm -rf "$tmp"' EXIT
chrony_on_path
chrony_user_ensure "$tmp"
scripts/build-release.sh "$scratch" >/dev/null
binary=$(readlink -f "$scratch/release/chronyvisor")
python3 scripts/bench/steady-state-functions.py "$binary" scripts/build-release.order --chronyd "$(command -v chronyd)"
say "now rebuild (scripts/build-release.sh) for the new order to take effect"
