#!/usr/bin/env bash
# Builds a release of chronyvisor into dist/, for the version in Sources/ChronyKit/Version.swift:
#   chronyvisor_VERSION_linux_ARCH.tar.gz   the binary (static Swift runtime, stripped, stamped
#                                           with its commit), man pages, completions, the
#                                           systemd unit and drop-in, LICENSE, NOTICE, README
#   chronyvisor_VERSION_ARCH.deb            the Debian package (see scripts/lib/deb.sh): the
#                                           unit disabled, /etc/default/chronyvisor a conffile
#                                           with clock control on; lintian: no errors
#   chronyvisor_VERSION_image.tar           the image localhost/chronyvisor:VERSION as a
#                                           docker-archive: `docker load -i` and `podman load -i`
#                                           take it (uncompressed: podman 4.3, Debian 12's,
#                                           cannot load a gzipped one)
#   SHA256SUMS                              `sha256sum -c SHA256SUMS` in dist/ checks them
# Man pages and completions are generated from the binary itself by swift-argument-parser
# (its generate-manual tool, and --generate-completion-script bash|zsh|fish).
#
# Needs the Swift toolchain, dpkg-dev and lintian (installed when missing, as root) and, for
# the image, a container engine (podman or Docker; hold no other build of the stand's image
# meanwhile). A first run takes about 15-25 minutes (the release build; the image); later
# runs reuse the build. The work tree should be committed: a binary from a changed tree says
# "-dirty" after its commit.
#
# Usage: scripts/release.sh [--no-image]
#   --no-image   leave the image archive out (no container engine needed)
. "$(dirname "$0")/lib/init.sh"
with_image=1
for arg in "$@"; do
  case $arg in
    --no-image) with_image=0 ;;
    *) usage_error "unknown argument $arg" ;;
  esac
done
. scripts/lib/packages.sh
. scripts/lib/deb.sh

started=$(now)
version=$(project_version)
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
commit=$(project_commit)
[ -n "$commit" ] && case $commit in *-dirty) say "warning: the work tree has uncommitted changes: the binary will say $commit" ;; esac
say "release $version${commit:+ from $commit} into dist/"
is_root && packages_install build release
have lintian || die "lintian is needed (Debian: apt-get install lintian)"

dist=dist work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dist"
rm -f "$dist"/chronyvisor_* "$dist"/SHA256SUMS

t=$(now)
say "building the binary (release; the first build takes many minutes)"
bin=$(scripts/build-release.sh .build-release) || die "the release build failed"
say "binary built in $(since "$t") s: $("$bin" --version)"

t=$(now)
release_manpages "$bin" "$work/man"
release_completions "$bin" "$work/completions"
say "man pages ($(ls "$work/man" | wc -l)) and completions generated in $(since "$t") s"

# The binary tarball.
tarname=chronyvisor_${version}_linux_${arch}
mkdir -p "$work/$tarname/systemd" "$work/$tarname/man/man1" "$work/$tarname/completions"
install -m 0755 "$bin" "$work/$tarname/chronyvisor"
cp "$work"/man/*.1 "$work/$tarname/man/man1/"
cp "$work"/completions/* "$work/$tarname/completions/"
cp deploy/systemd/chronyvisor.service deploy/systemd/clock-control.conf deploy/systemd/chronyvisor.default "$work/$tarname/systemd/"
cp LICENSE NOTICE README.md CHANGELOG.md "$work/$tarname/"
tar -C "$work" --owner=0 --group=0 --numeric-owner --mtime="$(release_date)" --sort=name -czf "$dist/$tarname.tar.gz" "$tarname"
say "$dist/$tarname.tar.gz"

# The Debian package, checked by lintian (errors fail the release; warnings are printed).
deb=$(deb_build "$bin" "$work/man" "$work/completions" "$dist")
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
[ -z "$lintian_out" ] || printf '%s\n' "$lintian_out" | sed 's/^/  lintian: /' >&2
if grep -q '^E: ' <<<"$lintian_out"; then die "lintian reports errors for $deb"; fi
say "$deb (lintian: $(grep -c '^E: ' <<<"$lintian_out" || true) errors, $(grep -c '^W: ' <<<"$lintian_out" || true) warnings)"

# The image, as an archive both engines load.
if [ "$with_image" = 1 ]; then
  . scripts/lib/podman-install.sh
  . scripts/lib/engine.sh
  . scripts/lib/image.sh
  engine_choose
  t=$(now)
  # Built under the release's own tag, never the stand's localhost/chronyvisor:latest (which
  # the stand and the tests share), and removed once saved unless it was there before.
  IMAGE=localhost/chronyvisor:$version
  had_image=0; image_exists "$IMAGE" && had_image=1
  CHRONYVISOR_BUILD=host image_build   # the binary just built, not a second build in an image
  image_archive="$dist/chronyvisor_${version}_image.tar"
  if [ "$ENGINE" = podman ]; then
    podman save --format docker-archive "$IMAGE" > "$image_archive"
  else
    docker save "$IMAGE" > "$image_archive"
  fi
  [ "$had_image" = 1 ] || "$ENGINE" rmi "$IMAGE" >/dev/null 2>&1 || true
  say "$image_archive ($(du -h "$image_archive" | cut -f1); image built and saved in $(since "$t") s)"
fi

(cd "$dist" && sha256sum chronyvisor_* > SHA256SUMS)
say "done in $(since "$started") s:"
(cd "$dist" && ls -l chronyvisor_* SHA256SUMS) >&2
