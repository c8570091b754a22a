# Building the chronyvisor image: the base image, the binary and the image itself.
# Source it after common.sh; ENGINE (podman or docker) says which engine builds. Works with a
# registry (pulls debian and the official Swift image) and without one (debootstrap from the
# host's Debian mirror; the binary built on the host and taken from the build context by the
# Dockerfile's host-binary targets, on Docker 20.10 as on podman).

IMAGE=${CHRONYVISOR_IMAGE:-localhost/chronyvisor:latest}
# The debug variant (the Dockerfile's debug target: the same image on Debian's whole file
# system, with a shell and apt): IMAGE's tag with -debug (localhost/chronyvisor:latest-debug).
debug_image_name() {
  local name=$1
  case ${name##*/} in *:*) printf '%s-debug\n' "$name" ;; *) printf '%s:latest-debug\n' "$name" ;; esac
}
DEBUG_IMAGE=${CHRONYVISOR_DEBUG_IMAGE:-$(debug_image_name "$IMAGE")}
# The Debian release of the runtime stage (Dockerfile ARG DEBIAN_RELEASE): Debian 13 with
# chrony 4.6; bookworm (Debian 12, chrony 4.3) builds and passes too.
DEFAULT_DEBIAN_RELEASE=trixie
DEBIAN_RELEASE=${DEBIAN_RELEASE:-$DEFAULT_DEBIAN_RELEASE}
BASE_IMAGE=docker.io/library/debian:${DEBIAN_RELEASE}-slim
# The build stage's image (Dockerfile ARG SWIFT_IMAGE): Debian 12's, whose glibc (2.36) the
# binary then needs at least, for either release.
SWIFT_IMAGE=${SWIFT_IMAGE:-docker.io/library/swift:6.3-bookworm}
# CHRONYVISOR_OFFLINE=1 never pulls (air-gapped: no attempt to reach a registry at all).
CHRONYVISOR_OFFLINE=${CHRONYVISOR_OFFLINE:-auto}

# The first Debian archive URI this host's apt uses (deb822 or one-line format).
debian_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | grep '/debian/\?$' | head -1)
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /^\[/) { print $i; exit } }' | grep -v -- '-security' | grep '/debian/\?$' | head -1)
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# The host's Debian security archive URI, if it uses one (deb822 or one-line format: Debian
# 12's installer writes the one-line /etc/apt/sources.list). Prints nothing, and succeeds,
# when there is none.
debian_security_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -- '-security/\?$' | head -1 || true)
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /^\[/) { print $i; break } }' | grep -- '-security/\?$' | head -1 || true)
  [ -z "$uri" ] || printf '%s\n' "$uri"
}

# Pulls an image unless offline; fails fast where no registry answers.
try_pull() {
  [ "$CHRONYVISOR_OFFLINE" = 1 ] && return 1
  say "pulling $1"
  with_progress "pulling $1" output_to /dev/null with_timeout "${CHRONYVISOR_PULL_TIMEOUT:-600}" "$ENGINE" pull -q "$1"
}

image_exists() { "$ENGINE" image inspect "$1" >/dev/null 2>&1; }

# Makes sure the runtime stage's base image exists: present already (kept from an earlier
# run), pulled, or built with debootstrap from the host's Debian mirror and tagged under the
# official name so that an unchanged `FROM debian:<release>-slim` resolves locally.
base_image_ensure() {
  image_exists "$BASE_IMAGE" && return 0
  base_image_from_other_engine && return 0
  try_pull "$BASE_IMAGE" && return 0
  have debootstrap || die "no registry answered for $BASE_IMAGE and debootstrap is missing (Debian: apt-get install debootstrap)"
  is_root || die "no registry answered for $BASE_IMAGE; building it with debootstrap needs root"
  local mirror security rootfs started
  mirror=$(debian_mirror); security=$(debian_security_mirror)
  started=$(now)
  say "no registry: building $BASE_IMAGE with debootstrap from $mirror"
  rootfs=$(mktemp -d /var/tmp/chronyvisor-rootfs.XXXXXX)
  # Releases the host's debootstrap has no script for (Debian 12's ends at trixie): sid's.
  local script=/usr/share/debootstrap/scripts/$DEBIAN_RELEASE
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
  if ! with_progress "debootstrap of the base image (5-10 minutes)" output_to "$rootfs.log" debootstrap --variant=minbase "$DEBIAN_RELEASE" "$rootfs" "$mirror" "$script"; then
    tail -20 "$rootfs.log" >&2; rm -rf "$rootfs" "$rootfs.log"
    die "debootstrap of $DEBIAN_RELEASE from $mirror failed"
  fi
  rm -f "$rootfs.log"
  {
    echo "deb $mirror $DEBIAN_RELEASE main"
    echo "deb $mirror $DEBIAN_RELEASE-updates main"
    [ -n "$security" ] && echo "deb $security $DEBIAN_RELEASE-security main"
  } > "$rootfs/etc/apt/sources.list"
  # The mirror may be a snapshot whose Release files have expired.
  printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' > "$rootfs/etc/apt/apt.conf.d/10chronyvisor-mirror"
  # apt as in the official images: downloaded packages and apt's binary caches are removed
  # after every install (images built FROM this one need no `apt-get clean`), no
  # translations are fetched, the package lists stay compressed.
  cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  echo 'Acquire::Languages "none";' > "$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' > "$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes"
  # Slim as the official -slim images are: no documentation, manuals or translations, now
  # and for every package installed later (dpkg path excludes); no apt caches.
  cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
SLIM
  # The updates and security fixes published since the release's last point release, which is
  # what debootstrap installs; the official images carry them too. Without them every image
  # built FROM this one would download them again (tzdata alone: 1.5 MB in the chrony layer).
  if ! with_progress "updating the base image" output_to "$rootfs.log" chroot "$rootfs" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q'; then
    tail -20 "$rootfs.log" >&2; rm -rf "$rootfs" "$rootfs.log"
    die "updating the $DEBIAN_RELEASE base from $mirror failed"
  fi
  rm -f "$rootfs.log"
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete 2>/dev/null || true
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/groff/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/lintian/* "$rootfs"/usr/share/locale/* \
    "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old
  tar -C "$rootfs" -c . | "$ENGINE" import --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  say "built $BASE_IMAGE in $(since "$started") s"
}

# Copies the base image from the other engine on this host when that one has it (podman to
# Docker or back): seconds instead of a debootstrap. Quiet when there is nothing to copy.
base_image_from_other_engine() {
  local other=podman
  [ "$ENGINE" = podman ] && other=docker
  have "$other" || return 1
  if [ "$other" = docker ]; then docker info >/dev/null 2>&1 || return 1; fi
  "$other" image inspect "$BASE_IMAGE" >/dev/null 2>&1 || return 1
  local started; started=$(now)
  "$other" image save "$BASE_IMAGE" | "$ENGINE" image load >/dev/null 2>&1 || return 1
  # docker load keeps the name it was saved under; podman's save may give localhost/ names.
  image_exists "$BASE_IMAGE" || return 1
  say "copied $BASE_IMAGE from $other in $(since "$started") s"
}

# Builds chronyvisor on the host in release mode with the Swift standard library linked
# statically, strips it and lays it out as the Dockerfile's build stage would (/out/chronyvisor),
# under .build-release/context/out/chronyvisor, where the Dockerfile's host-binary target
# takes it from the build context.
host_binary_build() {
  # CHRONYVISOR_PREBUILT=1: built before, by this function on a host with Swift, for a build
  # that runs where there is none (scripts/debian13-engines-test.sh's chroot).
  if [ "${CHRONYVISOR_PREBUILT:-0}" = 1 ] && [ -x .build-release/context/out/chronyvisor ]; then
    say "using the chronyvisor binary built before (.build-release/context/out/chronyvisor)"; return 0
  fi
  local swift=swift
  have swift || swift=/opt/swift/usr/bin/swift
  [ -x "$(command -v "$swift")" ] || die "no registry answered for $SWIFT_IMAGE and no Swift toolchain is on this host: install Swift 6.1 or later (https://swift.org/install) or give the host access to a registry"
  # What the host build needs beside the toolchain (libsystemd-dev, pkg-config, libstdc++ ...).
  . "$(dirname "${BASH_SOURCE[0]}")/packages.sh"
  if is_root && is_debian_family; then packages_install build; fi
  local started; started=$(now)
  say "building chronyvisor on the host (release, static Swift standard library; 10-20 minutes the first time, seconds when nothing changed)"
  local log; log=$(mktemp)
  local bin
  if ! bin=$(PATH="$(dirname "$(command -v "$swift")"):$PATH" with_progress "host build" stderr_to "$log" scripts/build-release.sh .build-release); then
    grep -E 'error:' "$log" | head -20 >&2; tail -5 "$log" >&2; rm -f "$log"
    die "swift build failed (its errors above)"
  fi
  rm -f "$log"
  mkdir -p .build-release/context/out
  cp "$bin" .build-release/context/out/chronyvisor
  say "built chronyvisor in $(since "$started") s ($(du -h .build-release/context/out/chronyvisor | cut -f1) stripped)"
}

# Builds the image from the Dockerfile: `image_build` the minimal image as IMAGE,
# `image_build debug` the debug variant as DEBUG_IMAGE. The build stage runs in the official
# Swift image when it is there or can be pulled; otherwise the binary is built on the host and
# the Dockerfile's host-binary targets take it from the build context (any builder: Docker
# 20.10's classic one and BuildKit, podman). podman builds in docker format: the OCI format
# silently drops HEALTHCHECK.
image_build() {
  local variant=${1:-minimal} tag=$IMAGE target=
  case $variant in
    minimal) ;;
    debug) tag=$DEBUG_IMAGE; target=debug ;;
    *) die "image_build: unknown variant $variant (minimal or debug)" ;;
  esac
  base_image_ensure
  local args=(-t "$tag" --build-arg "DEBIAN_RELEASE=$DEBIAN_RELEASE" --build-arg "SWIFT_IMAGE=$SWIFT_IMAGE")
  if have git && git rev-parse --git-dir >/dev/null 2>&1; then
    args+=(--build-arg "VERSION=$(project_version)"
      --build-arg "REVISION=$(git rev-parse HEAD)"
      --build-arg "SOURCE=$(git remote get-url origin 2>/dev/null || true)")
  fi
  [ "$ENGINE" = podman ] && args+=(--format docker --pull=never)
  if [ "${CHRONYVISOR_BUILD:-auto}" = host ] || { ! image_exists "$SWIFT_IMAGE" && ! try_pull "$SWIFT_IMAGE"; }; then
    say "no $SWIFT_IMAGE: the binary is built on this host instead"
    [ -n "${HOST_BINARY_BUILT:-}" ] || host_binary_build
    HOST_BINARY_BUILT=1
    target=host-binary${target:+-$target}
  fi
  [ -n "$target" ] && args+=(--target "$target")
  local started log previous; started=$(now); log=$(mktemp)
  previous=$("$ENGINE" image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  say "building $tag (Debian $DEBIAN_RELEASE${target:+, target $target})"
  if ! with_progress "image build" output_to "$log" "$ENGINE" build "${args[@]}" -f Dockerfile .; then
    tail -40 "$log" >&2; rm -f "$log"
    die "building the image failed (the build's last lines above)"
  fi
  # What the minimal image took from Debian (scripts/image-rootfs.sh prints it; a cached
  # build prints nothing).
  grep -h '^image-rootfs: [0-9]* Debian packages' "$log" | sed 's/^image-rootfs: //' | while IFS= read -r line; do say "$line"; done || true
  rm -f "$log"
  # The image this build replaced, now untagged: removed unless a container still uses it.
  if [ -n "$previous" ] && [ "$previous" != "$("$ENGINE" image inspect --format '{{.Id}}' "$tag")" ] \
    && [ -z "$("$ENGINE" image inspect --format '{{join .RepoTags ","}}' "$previous" 2>/dev/null)" ]; then
    "$ENGINE" rmi "$previous" >/dev/null 2>&1 || true
  fi
  say "built $tag in $(since "$started") s: $(image_size "$tag") MB"
}

# An image's size in MB (10^6 bytes), as the engine reports it (IMAGE when none is named).
image_size() {
  "$ENGINE" image inspect --format '{{.Size}}' "${1:-$IMAGE}" | awk '{ printf "%.0f", $1 / 1000000 }'
}

# How many Debian packages have files in an image (IMAGE when none is named): the installed
# packages of /var/lib/dpkg/status where dpkg is (the debug variant, an image on Debian), else
# the records in /var/lib/dpkg/status.d (the minimal image: one per package it took files
# from). Read from the image's exported file system: the minimal image has no program to ask.
image_package_count() {
  local id rc=0
  id=$("$ENGINE" create "${1:-$IMAGE}") || return 1
  "$ENGINE" export "$id" | python3 -c '
import sys, tarfile
status_d, installed = 0, 0
with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as t:
    for m in t:
        name = m.name.lstrip("./")
        if name.startswith("var/lib/dpkg/status.d/") and m.isfile():
            status_d += 1
        elif name == "var/lib/dpkg/status":
            text = t.extractfile(m).read().decode(errors="replace")
            installed = sum(1 for p in text.split("\n\n") if "Status: install ok installed" in p)
print(installed or status_d)' || rc=$?
  "$ENGINE" rm "$id" >/dev/null 2>&1 || true
  return $rc
}

# The chrony version in IMAGE (its chronyc; nothing is started).
image_chrony_version() {
  local out
  out=$("$ENGINE" run --rm --network none --entrypoint chronyc "$IMAGE" --version 2>&1) || true
  sed -n 's/^chronyc (chrony) version \([0-9.]*\).*/\1/p' <<< "$out" | grep . \
    || echo "unknown ($(head -1 <<< "$out"))"
}
