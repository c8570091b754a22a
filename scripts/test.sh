#!/usr/bin/env bash
# Runs every chronyvisor test: the Swift tests (unit tests and integration tests against real
# chronyd/chronyc on loopback, always with -x), the lean-binary check, the scripts' --help,
# the alert rules, the stand's container test on podman and Docker, monitoring, Kubernetes,
# NTS, the systemd unit from the Debian package under a real systemd, the container test on
# Debian 13's engines, and (opt-in) chrony 4.9 and the fresh-machine clean room.
#
# Needs root on a Debian-family machine (it installs missing packages from the one list in
# scripts/lib/packages.sh; the tests bind port 123 and drop chronyd to _chrony; the
# container tests run rootful podman and dockerd). Reaches only the Debian mirror (packages,
# debootstrap) and PyPI (the Kubernetes schema validator); every NTP packet stays on this
# machine (loopback, container networks it creates). About 25 minutes on a warm 2-core
# machine, 60-70 on a cold one (the clean room alone about 25).
#
# It leaves the host as it found it, as far as it can: chrony is unpacked privately for the
# tests (scripts/lib/chrony-private.sh), never installed, so the host keeps its time client;
# packages are installed with no service started, and every service link an install added
# under /etc/systemd/system is removed again; at the end it lists the packages it installed
# (they stay: remove them with apt-get if you like) and removes the _chrony user if it made it.
#
# Usage: scripts/test.sh [extra swift test arguments]
# Skip a stage with CHRONYVISOR_SKIP_<STAGE>=1: LEAN_CHECK, SCRIPT_HELP_TEST, DOCS_CHECK,
# REFERENCE_CHECK, FUZZ, PROMETHEUS_RULES_TEST, CONTAINER_TEST (DOCKER_TEST: Docker's runs
# only; COMPOSE_V2_TEST: the Compose v2 runs only), DEBIAN13_ENGINES_TEST, TIME_FAULT_TEST,
# MONITORING_TEST, K8S_TEST, NTS_TEST, SYSTEMD_TEST, RELEASE_TEST. Opt-in stages:
# CHRONYVISOR_CLEANROOM_TEST=1 (the fresh-machine clean room), CHRONYVISOR_CHRONY_FORKY_TEST=1
# (chrony 4.9 and systemd 262). In k8s-test.sh, CHRONYVISOR_SKIP_K8S_NTS_PLAY=1 skips its NTS
# replica phase.
SCRIPT_NAME=test.sh
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/packages.sh
. scripts/lib/chrony-private.sh
. scripts/lib/testing.sh

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH=/opt/swift/usr/bin:$PATH
fi
command -v swift >/dev/null 2>&1 || die "the Swift toolchain (6.1 or later) is needed: https://swift.org/install"

# The stages, in the order they run: name | what skips it (CHRONYVISOR_SKIP_<X>=1 for any X
# listed; "+VARIABLE": runs only with VARIABLE=1; "-": always runs) | what its timing line
# names | the command.
SWIFT_TEST_ARGS=("$@")
STAGES=(
  # The docs: every relative link and repository path in README.md and docs/ resolves (a second).
  "docs-check|DOCS_CHECK|check-docs.sh|scripts/check-docs.sh"
  # Templates built into the binary must match conf-templates/ (a test checks this too).
  "swift-tests|-|swift build and swift test|swift_tests"
  # The reference generated from the code (man pages, the settings table) is what the code says.
  "reference-check|REFERENCE_CHECK|gen-reference.sh --check|scripts/gen-reference.sh --check"
  # The binary stays lean: no full Foundation, FoundationInternationalization or ICU.
  "lean-check|LEAN_CHECK|lean-binary check|scripts/check-lean-binary.sh"
  # Every fuzz target for a short while (libFuzzer with AddressSanitizer: its own release
  # build in .build-fuzz, then CHRONYVISOR_FUZZ_SECONDS each; docs/fuzzing.md).
  "fuzz|FUZZ|fuzz.sh|scripts/fuzz.sh all ${CHRONYVISOR_FUZZ_SECONDS:-20}"
  # Every script answers --help without side effects (seconds).
  "script-help|SCRIPT_HELP_TEST|script-help-test.sh|scripts/script-help-test.sh"
  # The alert rules' unit tests, the Prometheus config and the dashboard (seconds, no engine).
  "prometheus-rules|PROMETHEUS_RULES_TEST|prometheus-rules-test.sh|scripts/prometheus-rules-test.sh"
  # The stand's container test on both engines: podman, then Docker (docker.io installed and
  # dockerd started by the test when none answers), each driven by docker-compose 1.29 (v1),
  # then by Compose v2 (Debian 13's docker-compose 2.26, unpacked by scripts/lib/compose-v2.sh).
  # Later runs reuse the first one's host-built binary and base image.
  "container-test-podman-v1|CONTAINER_TEST|container-test.sh on podman with Compose v1|env CHRONYVISOR_ENGINE=podman CHRONYVISOR_COMPOSE=v1 scripts/container-test.sh"
  "container-test-docker-v1|CONTAINER_TEST,DOCKER_TEST|container-test.sh on docker with Compose v1|env CHRONYVISOR_ENGINE=docker CHRONYVISOR_COMPOSE=v1 scripts/container-test.sh"
  "container-test-podman-v2|CONTAINER_TEST,COMPOSE_V2_TEST|container-test.sh on podman with Compose v2|env CHRONYVISOR_ENGINE=podman CHRONYVISOR_COMPOSE=v2 scripts/container-test.sh"
  "container-test-docker-v2|CONTAINER_TEST,COMPOSE_V2_TEST,DOCKER_TEST|container-test.sh on docker with Compose v2|env CHRONYVISOR_ENGINE=docker CHRONYVISOR_COMPOSE=v2 scripts/container-test.sh"
  # The same container test on Debian 13's engines (Docker 26, podman 5.4 / netavark 1.14,
  # Compose 2.26) from a trixie root file system entered by pivot_root in a mount namespace of
  # its own (no engine nested, nothing --privileged); it reuses the host-built binary and
  # copies the base image from the host's podman (docs/tested-on.md has the versions and times).
  "debian13-engines|DEBIAN13_ENGINES_TEST|debian13-engines-test.sh|scripts/debian13-engines-test.sh"
  # Time faults in the real stand on both engines: a falseticker upstream (alone on one relay,
  # among three on every relay), an upstream that steps, the selected relay lost (about 5
  # minutes for both; docs/explanation/time-faults.md has the figures).
  "time-faults-podman|TIME_FAULT_TEST|time-fault-test.sh on podman|env CHRONYVISOR_ENGINE=podman scripts/time-fault-test.sh"
  "time-faults-docker|TIME_FAULT_TEST,DOCKER_TEST|time-fault-test.sh on docker|env CHRONYVISOR_ENGINE=docker scripts/time-fault-test.sh"
  # The monitoring profile in a real stand: targets, dashboard queries, the relay-loss alert.
  "monitoring|MONITORING_TEST|monitoring-test.sh|scripts/monitoring-test.sh"
  # Kubernetes: render, validate, policy tests, podman kube play (no cluster needed).
  "kubernetes|K8S_TEST|k8s-test.sh|scripts/k8s-test.sh"
  # NTS in the stand: a few minutes with the image already built.
  "nts|NTS_TEST|nts-test.sh|scripts/nts-test.sh"
  # chrony 4.9 (Debian forky, by chroot): chronyd never talks to systemd under chronyvisor,
  # seen by a notify socket that names each sender and under forky's systemd 262 in podman.
  # Both tests share one forky root file system, made here and removed at the end (also on
  # failure). Opt-in for its time: the root file system alone took 35 s to 5 minutes with
  # this host's mirror, the systemd test's image about 2 minutes under load
  # (docs/tested-on.md has the figures).
  "chrony-4.9|+CHRONYVISOR_CHRONY_FORKY_TEST|chrony-forky-test.sh and systemd-forky-test.sh|forky_tests"
  # The shipped systemd unit under a real systemd (PID 1 in a podman container).
  "systemd|SYSTEMD_TEST|systemd test|scripts/systemd-test.sh"
  # The release: scripts/release.sh into dist/ (reusing the container tests' host build), the
  # checksums, lintian, and the image archive loaded into podman and Docker, one relay from
  # it answering (a few minutes).
  "release|RELEASE_TEST|release-test.sh|scripts/release-test.sh"
  # The fresh-machine path in a clean Debian root file system: opt-in, since it takes about
  # 25 minutes on an idle 2-core machine and the rest of this script already uses most of
  # CI's 90.
  "cleanroom|+CHRONYVISOR_CLEANROOM_TEST|cleanroom-test.sh|scripts/cleanroom-test.sh"
)
swift_tests() { swift build --build-tests && swift test --skip-build ${SWIFT_TEST_ARGS[@]+"${SWIFT_TEST_ARGS[@]}"}; }
forky_root=
forky_tests() {
  local started=$SECONDS
  . scripts/lib/image.sh
  . scripts/lib/debian-root.sh
  forky_root=$(mktemp -d /var/tmp/chronyvisor-forky.XXXXXX)
  debian_root_make forky "$forky_root" chrony systemd systemd-sysv
  echo "test.sh: the forky root file system took $((SECONDS - started)) s"
  local rc=0
  CHRONYVISOR_FORKY_ROOT=$forky_root scripts/chrony-forky-test.sh \
    && CHRONYVISOR_FORKY_ROOT=$forky_root scripts/systemd-forky-test.sh || rc=$?
  debian_root_remove "$forky_root"; forky_root=
  return "$rc"
}

# True when the stage whose second column is WHEN runs in this run.
stage_runs() {
  local when=$1 v
  case $when in
    -) return 0 ;;
    +*) v=${when#+}; [ "${!v:-0}" = 1 ]; return ;;
  esac
  for v in ${when//,/ }; do
    v=CHRONYVISOR_SKIP_$v
    [ "${!v:-0}" = 1 ] && return 1
  done
  return 0
}

# The plan, before anything happens.
planned=()
for row in "${STAGES[@]}"; do
  IFS='|' read -r name when _ _ <<< "$row"
  stage_runs "$when" && planned+=("$name")
done
say "plan: ${planned[*]} (CHRONYVISOR_SKIP_<STAGE>=1 skips one: scripts/test.sh --help)"
say "needs root; reaches the Debian mirror and PyPI only; NTP stays on this machine; about 25 min warm, 60-70 min cold"
is_root || say "warning: not root: package installs, the integration tests that bind port 123 or drop to _chrony, and the container tests will fail or skip"

# What this run changes on the host, to undo or report at its end.
run_state=$TEST_TMP
dpkg-query -W -f='${Package}\n' 2>/dev/null | sort > "$run_state/packages-before" || true
service_links > "$run_state/links-before"
running_units > "$run_state/units-before"
# The _chrony user if this run made it, the service links its installs left, and a list of
# the packages it installed (they stay).
host_restore() {
  local rc=0
  [ -z "$forky_root" ] || debian_root_remove "$forky_root" || rc=1
  chrony_user_cleanup "$run_state"
  local link
  while IFS= read -r link; do
    [ -n "$link" ] && rm -f "$link" && say "removed the service link $link that this run's installs left"
  done < <(comm -13 "$run_state/links-before" <(service_links))
  local installed unit pkg
  installed=$(comm -13 "$run_state/packages-before" <(dpkg-query -W -f='${Package}\n' 2>/dev/null | sort) | tr '\n' ' ')
  # A unit running now that was not before: stopped when a package this run installed owns
  # it (installs start nothing, so this is a safety net), otherwise named.
  while IFS= read -r unit; do
    [ -n "$unit" ] || continue
    pkg=$(unit_package "$unit")
    if [ -n "$pkg" ] && [[ " $installed " == *" $pkg "* ]]; then
      systemctl stop "$unit" 2>/dev/null && say "stopped $unit ($pkg, installed by this run)"
    else
      say "warning: $unit runs now and did not before this run (left alone: no package this run installed owns it)"
    fi
  done < <(comm -13 "$run_state/units-before" <(running_units))
  if [ -n "$installed" ]; then
    say "installed by this run (kept, no service enabled or started): $installed"
  else
    say "installed no package"
  fi
  return "$rc"
}
on_exit host_restore

bash scripts/install-deps.sh build test
# chronyd and chronyc for the tests, first on PATH: Debian's, unpacked, not installed.
chrony_private_ensure
chrony_user_ensure "$run_state"
export PATH=$(chrony_private_path):$PATH
say "the tests use $(command -v chronyd) and $(command -v chronyc)"

for row in "${STAGES[@]}"; do
  IFS='|' read -r name when label command <<< "$row"
  stage_runs "$when" || continue
  stage_started=$SECONDS
  read -r -a words <<< "$command"
  "${words[@]}" || fail "$name: $label failed"
  echo "test.sh: $label took $((SECONDS - stage_started)) s"
  ok "$name"
done
