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
. "$(dirname "$0")/lib/init.sh"
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

. scripts/lib/testing.sh
state=$(state_dir "$PROJECT")
work=$TEST_TMP
loaded=()        # engine=tag pairs this test loaded (removed at the end)
engines_used=()
release_test_end() {
  local e
  for e in "${engines_used[@]}"; do
    "$e" rm -f "$RELAY" "$REF" >/dev/null 2>&1 || true
    "$e" network rm "$NET" >/dev/null 2>&1 || true
  done
  for e in "${loaded[@]}"; do "${e%%=*}" rmi "${e#*=}" >/dev/null 2>&1 || true; done
  docker_daemon_stop "$state" || true
  if printf '%s\n' "${engines_used[@]}" | grep -qx podman; then ENGINE=podman engine_teardown "$PROJECT"; fi
}
on_exit release_test_end

# ---- 1-3: the files ------------------------------------------------------------------------
t=$(now)
scripts/release.sh
timing "release.sh $(since "$t") s"
version=$(project_version) arch=$(dpkg --print-architecture)
tarball=dist/chronyvisor_${version}_linux_${arch}.tar.gz
deb=dist/chronyvisor_${version}_${arch}.deb
archive=dist/chronyvisor_${version}_image.tar
for f in "$tarball" "$deb" "$archive" dist/SHA256SUMS; do
  [ -s "$f" ] || fail "$f is missing or empty"
done
ok "dist/ holds $(basename "$tarball"), $(basename "$deb"), $(basename "$archive") and SHA256SUMS"
(cd dist && sha256sum --quiet -c SHA256SUMS) && ok "sha256sum -c SHA256SUMS: every file matches" || not_ok "sha256sum -c SHA256SUMS"
contents=$(dpkg-deb -c "$deb" | awk '{ print $NF }') lacks=""
for p in ./usr/bin/chronyvisor ./lib/systemd/system/chronyvisor.service ./etc/default/chronyvisor \
  ./usr/share/man/man1/chronyvisor.1.gz ./usr/share/bash-completion/completions/chronyvisor; do
  grep -qx "$p" <<<"$contents" || lacks+=" $p"
done
if [ -n "${lacks:-}" ]; then not_ok "the package lacks$lacks"
elif ! dpkg-deb -f "$deb" Depends | grep -q 'chrony'; then not_ok "the package does not depend on chrony"
elif grep -q 'multi-user.target.wants' <<<"$contents"; then not_ok "the package enables its unit by a link"
else ok "the package holds the binary, the unit, /etc/default/chronyvisor, the man page and completions, depends on chrony, enables nothing"
fi
tar -xzf "$tarball" -C "$work"
bin=$work/chronyvisor_${version}_linux_${arch}/chronyvisor
"$bin" --version | grep -q "^$version " && ok "the tarball's binary: $("$bin" --version)" || not_ok "the tarball's binary says $("$bin" --version 2>&1)"

# ---- 4: the image archive on both engines -------------------------------------------------
tag=localhost/chronyvisor:$version
relay_answers() { "$bin" probe 127.0.0.1 --port "$PORT" --count 1 --timeout 2 >/dev/null 2>&1; }
on_engine() {
  ENGINE=$1
  engines_used+=("$ENGINE")
  local t had=0; t=$(now)
  "$ENGINE" image inspect "$tag" >/dev/null 2>&1 && had=1
  "$ENGINE" load -i "$archive" >/dev/null || { not_ok "$ENGINE load -i $archive"; return; }
  [ "$had" = 1 ] || loaded+=("$ENGINE=$tag")
  "$ENGINE" image inspect "$tag" >/dev/null 2>&1 || { not_ok "$ENGINE load gave no $tag"; return; }
  ok "$ENGINE load -i $(basename "$archive"): $tag in $(since "$t") s"
  "$ENGINE" network create "$NET" >/dev/null
  "$ENGINE" run -d --name "$REF" --network "$NET" --network-alias ntp-reference \
    --cap-drop ALL --sysctl net.ipv4.ip_unprivileged_port_start=123 --security-opt no-new-privileges \
    --read-only --tmpfs /run:mode=1777 --tmpfs /var/lib/chrony:mode=1777 --tmpfs /tmp \
    --entrypoint chronyd "$tag" -d -x -U -u _chrony "local stratum 1" "allow all" "cmdport 0" >/dev/null
  # The guide's one relay (docs/guide/stand.md), its upstream the reference, polled every 1-2 s.
  "$ENGINE" run -d --name "$RELAY" --network "$NET" \
    --cap-drop ALL --sysctl net.ipv4.ip_unprivileged_port_start=123 \
    --security-opt no-new-privileges --read-only --tmpfs /run --tmpfs /var/lib/chrony --tmpfs /tmp \
    -e NTP_ROLE=relay -e NTP_SERVERS=ntp-reference -e NTP_MINPOLL=0 -e NTP_MAXPOLL=1 \
    -p "127.0.0.1:$PORT:123/udp" "$tag" >/dev/null
  relay_answers_or_ended() { relay_answers || [ "$("$ENGINE" inspect -f '{{.State.Running}}' "$RELAY" 2>/dev/null)" != true ]; }
  if ! poll_until "$LIMIT" relay_answers_or_ended || ! relay_answers; then
    "$ENGINE" logs --tail 20 "$RELAY" >&2 || true
    not_ok "the relay from the loaded image on $ENGINE did not answer on 127.0.0.1:$PORT within $LIMIT s"; return
  fi
  ok "one relay from the loaded image on $ENGINE (no capability) answers NTP on 127.0.0.1:$PORT, synchronised to the reference, after $WAITED s: $("$bin" probe 127.0.0.1 --port "$PORT" --count 1 2>&1 | tail -1)"
  if "$ENGINE" exec "$RELAY" chronyvisor status 2>/dev/null | grep -q '^Reference ID'; then ok "chronyvisor status in the relay on $ENGINE"; else not_ok "chronyvisor status in the relay on $ENGINE"; fi
  "$ENGINE" rm -f "$RELAY" "$REF" >/dev/null
  "$ENGINE" network rm "$NET" >/dev/null
}
mkdir -p "$state"; host_state_save "$state"
on_engine podman
if [ "${CHRONYVISOR_SKIP_DOCKER_TEST:-0}" != 1 ]; then
  docker_install
  docker_daemon_start "$state"
  on_engine docker
fi
