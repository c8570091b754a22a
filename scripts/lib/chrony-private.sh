# chronyd and chronyc for the tests without installing Debian's chrony package: installed,
# the package would replace the host's time client (it conflicts with systemd-timesyncd and
# removes it) and enable chrony.service. Instead its .deb is downloaded (`apt-get download`)
# and unpacked (`dpkg-deb -x`) into a private directory in the work tree, whose bin and sbin
# go first on PATH for the tests; the tests find chronyd and chronyc through PATH. Its
# libraries are ordinary packages (PACKAGES_TEST in scripts/lib/packages.sh).
#
# What the package would also do, and what the tests need of it: its maintainer script
# creates the system user `_chrony`, to which chronyd drops root (-u) in the tests that run
# as root. chrony_user_ensure creates that one user the same way when it is missing, and
# says so; the caller removes it again at the end (chrony_user_cleanup). No configuration,
# service, AppArmor profile or directory of the package is installed.
# Source it after common.sh.

# Where the package is unpacked: in the work tree (.build-* is ignored by git), so that
# nothing lands outside it. CHRONYVISOR_CHRONY_DIR chooses another place.
CHRONY_PRIVATE_DIR=${CHRONYVISOR_CHRONY_DIR:-$PWD/.build-chrony}

# The PATH entries of the private copy (sbin for chronyd, bin for chronyc).
chrony_private_path() { printf '%s/usr/sbin:%s/usr/bin\n' "$CHRONY_PRIVATE_DIR" "$CHRONY_PRIVATE_DIR"; }

# Downloads and unpacks the distribution's chrony when the private directory lacks it (or
# holds another version than apt's candidate). Needs apt-get and dpkg-deb, not root for an
# unpack; apt-get update needs root when apt has no package lists yet.
chrony_private_ensure() {
  have apt-get && have dpkg-deb || die "apt-get and dpkg-deb are needed to unpack chrony for the tests (or put chronyd and chronyc on PATH and set CHRONYVISOR_CHRONY_DIR to a directory holding usr/sbin/chronyd and usr/bin/chronyc)"
  local candidate
  candidate=$(apt-cache policy chrony 2>/dev/null | awk '/Candidate:/ { print $2 }')
  if { [ -z "$candidate" ] || [ "$candidate" = '(none)' ]; } && is_root; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    candidate=$(apt-cache policy chrony 2>/dev/null | awk '/Candidate:/ { print $2 }')
  fi
  [ -n "$candidate" ] && [ "$candidate" != '(none)' ] || die "apt knows no chrony package (apt-get update as root first)"
  if [ -x "$CHRONY_PRIVATE_DIR/usr/sbin/chronyd" ] && [ "$(cat "$CHRONY_PRIVATE_DIR/version" 2>/dev/null)" = "$candidate" ]; then
    return 0
  fi
  local work started; started=$(now)
  work=$(mktemp -d)
  # apt-get download writes into the current directory; _apt cannot write into mktemp's 0700
  # directory, so the download runs unsandboxed (as the calling user): that is fine here.
  if ! (cd "$work" && apt-get -o APT::Sandbox::User=root download "chrony=$candidate" >/dev/null 2>"$work/err"); then
    cat "$work/err" >&2; rm -rf "$work"
    die "apt-get download chrony=$candidate failed"
  fi
  rm -rf "$CHRONY_PRIVATE_DIR"
  mkdir -p "$CHRONY_PRIVATE_DIR"
  dpkg-deb -x "$work"/chrony_*.deb "$CHRONY_PRIVATE_DIR"
  rm -rf "$work"
  printf '%s\n' "$candidate" > "$CHRONY_PRIVATE_DIR/version"
  "$CHRONY_PRIVATE_DIR/usr/sbin/chronyd" --version >/dev/null 2>&1 \
    || die "the unpacked chronyd does not run: $("$CHRONY_PRIVATE_DIR/usr/sbin/chronyd" --version 2>&1 | head -1) (are its libraries installed? scripts/install-deps.sh test)"
  say "unpacked chrony $candidate into $CHRONY_PRIVATE_DIR for the tests in $(since "$started") s (not installed: the host's time client stays)"
}

# Creates chronyd's system user _chrony, as chrony's maintainer script would, when no chrony
# user exists; records that it did under DIR (for chrony_user_cleanup).
chrony_user_ensure() {
  local dir=$1
  getent passwd _chrony >/dev/null 2>&1 || getent passwd chrony >/dev/null 2>&1 && return 0
  is_root || return 0   # tests that need the user run as root only
  useradd --system --user-group --home-dir /var/lib/chrony --no-create-home \
    --shell /usr/sbin/nologin --comment 'chrony daemon (chronyvisor tests)' _chrony
  mkdir -p "$dir" && touch "$dir/created-chrony-user"
  say "created the system user _chrony, which chronyd drops to in the tests (removed again at the end)"
}

# Removes the _chrony user again when chrony_user_ensure created it under DIR, unless a
# chrony package was installed meanwhile (its user then).
chrony_user_cleanup() {
  local dir=$1
  [ -f "$dir/created-chrony-user" ] || return 0
  rm -f "$dir/created-chrony-user"
  dpkg-query -W -f='${Status}' chrony 2>/dev/null | grep -q 'install ok installed' && return 0
  userdel _chrony 2>/dev/null && say "removed the system user _chrony it had created" || true
}

# For a test script run on its own: chronyd and chronyc from PATH when they are there
# (scripts/test.sh puts the private copy first), else the private copy, put first on PATH.
chrony_on_path() {
  have chronyd && have chronyc && return 0
  chrony_private_ensure
  PATH=$(chrony_private_path):$PATH
  export PATH
}

# The one way the scripts start a chronyd of their own on loopback (a test's reference or
# client): in DIR (made 0700), chrony.conf from the given lines plus its pid file, its output
# in DIR/log, in the background. Always with -x: it never touches the clock. CHRONYD (default:
# chronyd on PATH) and CHRONYD_PREFIX (a command to run it under, such as a chroot; DIR is
# then the path inside it and CHRONYD_ROOT the root outside) may be set. Sets CHRONYD_PID;
# under scripts/lib/testing.sh it is stopped at exit, else the caller stops it (stop_pid).
chronyd_start() {
  local dir=$1; shift
  local outside=${CHRONYD_ROOT:-}$dir
  mkdir -p "$(dirname "$outside")" && mkdir -m 0700 "$outside"
  printf '%s\n' "$@" "pidfile $dir/chronyd.pid" > "$outside/chrony.conf"
  # shellcheck disable=SC2086 # CHRONYD_PREFIX is a command line: split on purpose
  ${CHRONYD_PREFIX:-} "${CHRONYD:-chronyd}" -x -d -u root -f "$dir/chrony.conf" > "$outside/log" 2>&1 &
  CHRONYD_PID=$!
  if declare -F on_exit >/dev/null; then on_exit stop_pid "$CHRONYD_PID"; fi
}
