# The one list of the Debian packages chronyvisor's scripts install, by purpose, and the one
# way they install them. run.sh, test.sh, install-deps.sh, the container tests and the clean
# room all take their packages from here, so that a package the quick start needs cannot hide
# behind one that only the tests install. Source it after common.sh.
#
# Installing never starts or enables a service: a policy-rc.d forbids starts for the
# install, and the enablement links that a package's maintainer scripts create in
# /etc/systemd/system are removed again (the package's services stay installed and
# disabled, as `systemctl disable` leaves them; `systemctl enable UNIT` turns one on).

# build: building chronyvisor on the host (scripts/build-release.sh) beside the Swift
# toolchain, which needs git, a C library and libstdc++ to link, and the shared libraries
# its own programs load (curl, libxml2, SQLite, ncurses). libsystemd-dev and pkg-config: the
# sd_notify header (Sources/CSystemd). binutils: strip and objcopy (the commit stamp).
PACKAGES_BUILD=(git ca-certificates libc6-dev libstdc++-12-dev binutils pkg-config libsystemd-dev
  libcurl4 libxml2 libsqlite3-0 libncurses6 zlib1g-dev tzdata)
# test: the Swift tests and the test scripts, besides chronyd and chronyc, which the tests
# take from a private copy of Debian's chrony package (scripts/lib/chrony-private.sh) rather
# than installing it: the package would replace the host's time client. Its libraries are
# listed here. ntpsec-ntpdate: ntpdig, a reference client (query mode only). util-linux:
# unshare. python3-prometheus-client: a real Prometheus text parser. time: GNU time
# (scripts/bench.sh). openssl: NTS certificates. prometheus: promtool (alert rule tests).
# python3-venv: the Kubernetes test's schema validator. iproute2, procps: ip, ps.
PACKAGES_TEST=(libcap2 libedit2 libgnutls30 libnettle8 libseccomp2 ntpsec-ntpdate util-linux
  iproute2 procps python3 python3-prometheus-client python3-venv time openssl prometheus)
# stand: a container engine for run.sh and the container tests when none is there
# (scripts/lib/podman-install.sh says why each one), and ntpsec-ntpdate for the
# `ntpdate -q` that run.sh suggests to ask the gateway from the host.
PACKAGES_STAND=(podman runc netavark aardvark-dns catatonit fuse-overlayfs uidmap slirp4netns
  debootstrap iptables docker-compose ntpsec-ntpdate)
# docker: Debian's Docker engine, for the container test's Docker run (never run.sh's).
PACKAGES_DOCKER=(docker.io docker-compose iptables)
# release: scripts/release.sh (lintian checks the Debian package).
PACKAGES_RELEASE=(dpkg-dev lintian gzip)
# cleanroom: the clean-room test (scripts/cleanroom-test.sh) makes a Debian root file system.
PACKAGES_CLEANROOM=(debootstrap)
# profile: scripts/gen-order-file.sh runs the supervisor under valgrind's callgrind.
PACKAGES_PROFILE=(valgrind)

# The packages of the named groups (build test stand docker release cleanroom profile), one a line.
packages_of() {
  local group
  for group in "$@"; do
    case $group in
      build) printf '%s\n' "${PACKAGES_BUILD[@]}" ;;
      test) printf '%s\n' "${PACKAGES_TEST[@]}" ;;
      stand) printf '%s\n' "${PACKAGES_STAND[@]}" ;;
      docker) printf '%s\n' "${PACKAGES_DOCKER[@]}" ;;
      release) printf '%s\n' "${PACKAGES_RELEASE[@]}" ;;
      cleanroom) printf '%s\n' "${PACKAGES_CLEANROOM[@]}" ;;
      profile) printf '%s\n' "${PACKAGES_PROFILE[@]}" ;;
      *) die "unknown package group '$group' (expected build, test, stand, docker, release, cleanroom or profile)" ;;
    esac
  done
}

# Which of the given packages are not installed, one a line.
packages_missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$p"
  done
}

# The enablement links under /etc/systemd/system (wants/requires directories and aliases),
# one a line: what `systemctl enable` creates and `systemctl disable` removes.
service_links() {
  find /etc/systemd/system -type l ! -lname /dev/null 2>/dev/null | sort
}

# The service and socket units systemd has running or listening, one a line, sorted; nothing
# where systemd is not the init system (a container, a chroot).
running_units() {
  [ -d /run/systemd/system ] && have systemctl || return 0
  systemctl list-units --type=service,socket --state=running,listening --no-legend --plain 2>/dev/null \
    | awk '{ print $1 }' | sort
}

# The package whose file UNIT's unit file is (empty when none owns it).
unit_package() {
  local path
  path=$(systemctl show -P FragmentPath "$1" 2>/dev/null) && [ -n "$path" ] || return 0
  dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1
}

# Installs the packages of the named groups that are missing (Debian family, root) and says
# which. Starts nothing, enables nothing (see the top of this file). Waits for apt's lock
# when another apt runs. Without root or apt: names what to install and fails.
packages_install() {
  local missing
  mapfile -t missing < <(packages_missing $(packages_of "$@") | sort -u)
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_debian_family || ! is_root; then
    die "missing ${missing[*]}: install them with your package manager (Debian/Ubuntu: sudo apt-get install ${missing[*]})"
  fi
  say "installing ${missing[*]} from the distribution's packages (apt-get)"
  local made_policy=0 before rc=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# chronyvisor (scripts/lib/packages.sh): no service starts while packages install.\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  before=$(service_links)
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq \
    && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  local link
  while IFS= read -r link; do
    [ -n "$link" ] || continue
    rm -f "$link"
    say "disabled what the install enabled: removed $link"
  done < <(comm -13 <(printf '%s\n' "$before") <(service_links))
  [ "$rc" = 0 ] || die "apt-get install ${missing[*]} failed (exit $rc)"
}
