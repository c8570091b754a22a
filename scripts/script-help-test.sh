#!/usr/bin/env bash
# Every shell script of the project answers --help (and -h) with its description, exit status
# 0, and no side effect: each runs with commands that change a machine (apt-get, dpkg, swift,
# podman, docker, debootstrap, chronyd, systemctl, mount, useradd ...) replaced by stubs that
# record the call and fail, and the work tree's state is compared before and after. Seconds.
# Usage: scripts/script-help-test.sh   (scripts/test.sh runs it; CHRONYVISOR_SKIP_SCRIPT_HELP_TEST=1 skips it there)
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/testing.sh

stubs=$TEST_TMP
for c in apt-get apt dpkg dpkg-deb swift swiftc podman docker dockerd docker-compose debootstrap \
  chronyd chronyc systemctl mount umount unshare chroot useradd userdel ip iptables curl wget pip python3 \
  lintian objcopy strip tar flock; do
  printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\nexit 1\n' "$c" "$stubs" > "$stubs/$c"
  chmod +x "$stubs/$c"
done

state() { git status --porcelain --untracked-files=all 2>/dev/null; ls -a /run/chronyvisor 2>/dev/null; true; }
before=$(state)
for script in scripts/*.sh scripts/k8s/*.sh scripts/bench/*.sh; do
  for flag in --help -h; do
    rm -f "$stubs/calls"
    rc=0; out=$(PATH="$stubs:$PATH" timeout 20 bash "$script" "$flag" 2>&1) || rc=$?
    problem=""
    [ "$rc" = 0 ] || problem="exit status $rc"
    # Run as the docs show them (scripts/NAME.sh): the x bit must be committed.
    [ -x "$script" ] || problem="${problem:+$problem, }not executable"
    lines=$(grep -c . <<<"$out" || true)
    [ "$lines" -ge 2 ] || problem="${problem:+$problem, }printed $lines lines"
    [ ! -s "$stubs/calls" ] || problem="${problem:+$problem, }ran $(tr '\n' ';' < "$stubs/calls")"
    if [ -z "$problem" ]; then
      ok "$script $flag"
    else
      not_ok "$script $flag: $problem"
    fi
  done
done
after=$(state)
if [ "$before" = "$after" ]; then
  ok "the work tree and /run/chronyvisor are as before"
else
  not_ok "the work tree changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
fi
