#!/usr/bin/env bash
# The release test: scripts/release.sh end to end, then what a user does with its files.
#   1. dist/ holds the binary tarball, chronyvisor_VERSION_ARCH.deb, the image archive and
#      SHA256SUMS, and `sha256sum -c SHA256SUMS` passes in dist/;
#   2. lintian reports no error for the package (release.sh fails otherwise), which holds the
#      binary, the unit, the conffile /etc/default/chronyvisor and the man page;
#   3. the tarball's binary says the release's version;
#   4. the image archive loads with `podman load` and with `docker load` (dockerd started for
#      it when none answers, and stopped again) as localhost/chronyvisor:VERSION, never the
#      stand's :latest; on each engine one relay from the loaded image, run with the guide's
#      `docker run` hardening (no SYS_TIME: chronyd runs with -x), follows a local reference
#      chronyd (-x, local stratum 1) on a network the test creates and answers NTP on a
#      loopback port of the host (`chronyvisor probe`, a query only).
# Removes what it loaded, its containers and network (an image tag that was there before it
# loaded stays); dist/ stays. Nothing leaves this machine.
#
# Usage: scripts/release-test.sh   (root; scripts/test.sh runs it unless
#        CHRONYVISOR_SKIP_RELEASE_TEST=1; CHRONYVISOR_SKIP_DOCKER_TEST=1 leaves Docker out)
# Settings: CHRONYVISOR_RELEASE_TEST_PORT (11423: the host loopback port the relay is
# published on), CHRONYVISOR_TEST_WAIT (120: seconds the relay may take to answer).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT_NAME=release-test
. scripts/lib/common.sh
help_requested "$@" && { script_help "$0"; exit 0; }
[ $# -eq 0 ] || usage_error "no arguments expected"
. scripts/lib/podman-install.sh
. scripts/lib/engine.sh
. scripts/lib/image.sh
. scripts/lib/docker-engine.sh

PROJECT=chronyvisor-release-test
PORT=${CHRONYVISOR_RELEASE_TEST_PORT:-11423}
LIMIT=${CHRONYVISOR_TEST_WAIT:-120}
NET=$PROJECT REF=$PROJECT-ref RELAY=$PROJECT-relay
is_root || die "the release test needs root (packages, the container engines)"
export CHRONYVISOR_MAINTAINER=${CHRONYVISOR_MAINTAINER:-chronyvisor release test <release-test@example.org>}

started=$(now)
failed=0
check() { if "$@"; then :; else failed=1; fi; }
fail() { say "FAIL: $*"; failed=1; }
state=$(state_dir "$PROJECT")
work=$(mktemp -d)
loaded=()        # engine:tag pairs this test loaded (removed at the end)
engines_used=()
cleanup() {
  local rc=$? e
  for e in "${engines_used[@]}"; do
    ENGINE=$e
    "$e" rm -f "$RELAY" "$REF" >/dev/null 2>&1 || true
    "$e" network rm "$NET" >/dev/null 2>&1 || true
  done
  for e in "${loaded[@]}"; do "${e%%=*}" rmi "${e#*=}" >/dev/null 2>&1 || true; done
  rm -rf "$work"
  docker_daemon_stop "$state" || true
  if printf '%s\n' "${engines_used[@]}" | grep -qx podman; then ENGINE=podman engine_teardown "$PROJECT"; fi
  [ "$rc" = 0 ] && [ "$failed" = 1 ] && rc=1
  if [ "$rc" = 0 ]; then say "passed in $(since "$started") s"; else say "FAILED after $(since "$started") s"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1-3: the files ------------------------------------------------------------------------
t=$(now)
scripts/release.sh
say "release.sh took $(since "$t") s"
version=$(project_version) arch=$(dpkg --print-architecture)
tarball=dist/chronyvisor_${version}_linux_${arch}.tar.gz
deb=dist/chronyvisor_${version}_${arch}.deb
archive=dist/chronyvisor_${version}_image.tar
for f in "$tarball" "$deb" "$archive" dist/SHA256SUMS; do
  [ -s "$f" ] || fail "$f is missing or empty"
done
(cd dist && sha256sum --quiet -c SHA256SUMS) && say "sha256sum -c SHA256SUMS: every file matches" || fail "sha256sum -c SHA256SUMS"
contents=$(dpkg-deb -c "$deb" | awk '{ print $NF }')
for p in ./usr/bin/chronyvisor ./lib/systemd/system/chronyvisor.service ./etc/default/chronyvisor \
  ./usr/share/man/man1/chronyvisor.1.gz ./usr/share/bash-completion/completions/chronyvisor; do
  grep -qx "$p" <<<"$contents" || fail "the package lacks $p"
done
dpkg-deb -f "$deb" Depends | grep -q 'chrony' || fail "the package does not depend on chrony"
grep -q 'multi-user.target.wants' <<<"$contents" && fail "the package enables its unit by a link"
tar -xzf "$tarball" -C "$work"
bin=$work/chronyvisor_${version}_linux_${arch}/chronyvisor
"$bin" --version | grep -q "^$version " && say "the tarball's binary: $("$bin" --version)" || fail "the tarball's binary says $("$bin" --version 2>&1)"

# ---- 4: the image archive on both engines -------------------------------------------------
tag=localhost/chronyvisor:$version
relay_answers() { "$bin" probe 127.0.0.1 --port "$PORT" --count 1 --timeout 2 >/dev/null 2>&1; }
on_engine() {
  ENGINE=$1
  engines_used+=("$ENGINE")
  local t had=0; t=$(now)
  "$ENGINE" image inspect "$tag" >/dev/null 2>&1 && had=1
  "$ENGINE" load -i "$archive" >/dev/null || { fail "$ENGINE load -i $archive"; return; }
  [ "$had" = 1 ] || loaded+=("$ENGINE=$tag")
  "$ENGINE" image inspect "$tag" >/dev/null 2>&1 || { fail "$ENGINE load gave no $tag"; return; }
  say "$ENGINE load -i $(basename "$archive"): $tag in $(since "$t") s"
  "$ENGINE" network create "$NET" >/dev/null
  "$ENGINE" run -d --name "$REF" --network "$NET" --network-alias ntp-reference \
    --cap-drop ALL --sysctl net.ipv4.ip_unprivileged_port_start=123 --security-opt no-new-privileges \
    --read-only --tmpfs /run:mode=1777 --tmpfs /var/lib/chrony:mode=1777 --tmpfs /tmp \
    --entrypoint chronyd "$tag" -d -x -U -u _chrony "local stratum 1" "allow all" "cmdport 0" >/dev/null
  # The guide's one relay (docs/guide/stand.md), its upstream the reference, polled every 1-2 s.
  "$ENGINE" run -d --name "$RELAY" --network "$NET" \
    --cap-drop ALL --cap-add NET_BIND_SERVICE --cap-add SETUID --cap-add SETGID \
    --cap-add CHOWN --cap-add DAC_OVERRIDE --cap-add KILL \
    --security-opt no-new-privileges --read-only --tmpfs /run --tmpfs /var/lib/chrony --tmpfs /tmp \
    -e NTP_ROLE=relay -e NTP_SERVERS=ntp-reference -e NTP_MINPOLL=0 -e NTP_MAXPOLL=1 \
    -p "127.0.0.1:$PORT:123/udp" "$tag" >/dev/null
  t=$(now)
  local deadline; deadline=$(awk -v a="$t" -v l="$LIMIT" 'BEGIN { printf "%.0f", a + l }')
  until relay_answers; do
    if [ "$(date +%s)" -ge "$deadline" ] || [ "$("$ENGINE" inspect -f '{{.State.Running}}' "$RELAY" 2>/dev/null)" != true ]; then
      "$ENGINE" logs --tail 20 "$RELAY" >&2 || true
      fail "the relay from the loaded image on $ENGINE did not answer on 127.0.0.1:$PORT within $LIMIT s"; return
    fi
    sleep 1
  done
  say "one relay from the loaded image on $ENGINE answers NTP on 127.0.0.1:$PORT, synchronised to the reference, after $(since "$t") s: $("$bin" probe 127.0.0.1 --port "$PORT" --count 1 2>&1 | tail -1)"
  if "$ENGINE" exec "$RELAY" chronyvisor status 2>/dev/null | grep -q '^Reference ID'; then :; else fail "chronyvisor status in the relay on $ENGINE"; fi
  "$ENGINE" rm -f "$RELAY" "$REF" >/dev/null
  "$ENGINE" network rm "$NET" >/dev/null
}
mkdir -p "$state"; host_state_save "$state"
check on_engine podman
if [ "${CHRONYVISOR_SKIP_DOCKER_TEST:-0}" != 1 ]; then
  docker_install
  docker_daemon_start "$state"
  check on_engine docker
fi
[ "$failed" = 0 ]
