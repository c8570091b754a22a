#!/usr/bin/env bash
# Collects the root file system of the minimal image: the named programs and files out of the
# Debian system it runs in (the Dockerfile's `runtime-base` stage), with every shared library
# they load, into DEST. Nothing is listed by hand but what the image is for; the libraries are
# found by the dynamic loader (ldd) and by the packages' file lists (dpkg), so a new chrony or
# Debian release that links other libraries needs no change here.
#
# What DEST gets:
#   --program PATH        the program and the closure of its shared libraries (ldd);
#   --library SONAME      a library loaded with dlopen, found as the loader finds it (the
#                         ld.so cache), and its closure;
#   --package-libraries PKG  every shared object PKG puts in a library directory (not in a
#                         subdirectory: glibc's gconv modules stay out), and their closures;
#   --file PATH           a file or symlink (symlinks followed, each link kept);
#   --tree DIR            a directory with everything in it;
#   --dir DIR             an empty directory with the owner and mode it has here (root's 0755
#                         where it does not exist here);
#   --user NAME           /etc/passwd and /etc/group with root and NAME (and NAME's group);
# and always: the merged-/usr links (/lib64 -> usr/lib64 …) so the program interpreter's
# path resolves, /etc/ld.so.conf* with an ld.so cache made for DEST (dlopen by soname),
# os-release, and for each Debian package whose files are in DEST its copyright file and its
# dpkg record in /var/lib/dpkg/status.d/PKG (one file per package, the layout of the
# distroless images, which CVE scanners such as Trivy, Grype and Syft read).
#
# Checks before it ends: every program and library in DEST resolves all its libraries inside
# DEST (the program interpreter's --list, run chrooted into DEST), and DEST has no shell.
# Prints what it collected: the packages, their count and the size.
# Usage: image-rootfs.sh DEST [--program PATH | --library SONAME | --package-libraries PKG |
#                              --file PATH | --tree DIR | --dir DIR | --user NAME] ...
set -euo pipefail

die() { printf 'image-rootfs: %s\n' "$*" >&2; exit 1; }
case ${1:-} in -h|--help) awk 'NR == 1 && /^#!/ { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;; esac
[ $# -ge 1 ] || die "usage: image-rootfs.sh DEST [--program PATH | --library SONAME | --package-libraries PKG | --file PATH | --tree DIR | --dir DIR | --user NAME] ..."
DEST=$1; shift
[ ! -e "$DEST" ] || [ -z "$(ls -A "$DEST")" ] || die "$DEST is not empty"
mkdir -p "$DEST"
DEST=$(realpath "$DEST")

copied=()        # every path copied (as the real path here), for the package records
elf_objects=()   # programs and libraries, checked at the end

# Creates DIR's missing components in DEST, each with the owner and mode it has here. DIR is
# a real path (no symlink in it).
make_parents() {
  local dir=$1 part=
  local IFS=/
  for component in ${dir#/}; do
    part=$part/$component
    [ -e "$DEST$part" ] || [ -L "$DEST$part" ] && continue
    mkdir "$DEST$part"
    if [ -d "$part" ]; then
      chown --reference="$part" "$DEST$part"
      chmod --reference="$part" "$DEST$part"
    fi
  done
}

# Copies PATH into DEST at its real directory, keeping a symlink a symlink and following it
# to its target, link by link (libfoo.so.2 -> libfoo.so.2.4.0; /etc/os-release ->
# ../usr/lib/os-release).
copy_path() {
  local path=$1 dir target
  [ -e "$path" ] || die "$path does not exist"
  dir=$(realpath "$(dirname "$path")")
  path=$dir/$(basename "$path")
  if [ ! -e "$DEST$path" ] && [ ! -L "$DEST$path" ]; then
    make_parents "$dir"
    cp -a "$path" "$DEST$path"
    copied+=("$path")
  fi
  if [ -L "$path" ]; then
    target=$(readlink "$path")
    case $target in /*) ;; *) target=$dir/$target ;; esac
    copy_path "$target"
  fi
}

# The shared libraries PATH loads, as the loader resolves them here (one path a line).
# Fails on a library the loader cannot find.
needed_libraries() {
  local out
  out=$(ldd "$1" 2>&1) || { case $out in *"not a dynamic executable"*) return 0 ;; esac; die "ldd $1: $out"; }
  ! grep -q 'not found' <<< "$out" || die "ldd $1: $(grep 'not found' <<< "$out" | tr -s ' \t' ' ')"
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<< "$out"
}

# Copies an ELF object and the closure of its libraries.
copy_with_libraries() {
  local lib
  copy_path "$1"
  elf_objects+=("$(realpath "$1")")
  for lib in $(needed_libraries "$1"); do
    copy_path "$lib"
    elf_objects+=("$(realpath "$lib")")
  done
}

# The path of SONAME in the ld.so cache (what dlopen("SONAME") opens).
library_path() {
  ldconfig -p | awk -v n="$1" '$1 == n && $NF ~ /^\// { print $NF; exit }'
}

copy_user() {
  local name=$1 entry group
  entry=$(getent passwd "$name") || die "no user $name here"
  group=$(getent group "$(cut -d: -f4 <<< "$entry")") || die "no group for user $name"
  make_parents /etc
  { getent passwd root; printf '%s\n' "$entry"; } > "$DEST/etc/passwd"
  { getent group root; [ "$(cut -d: -f3 <<< "$group")" = 0 ] || printf '%s\n' "$group"; } > "$DEST/etc/group"
  chmod 0644 "$DEST/etc/passwd" "$DEST/etc/group"
}

# The merged-/usr links of / (bin -> usr/bin, lib64 -> usr/lib64 …), which the paths the
# loader and the packages use go through.
for link in /*; do
  [ -L "$link" ] && cp -a "$link" "$DEST/"
done

while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || die "$1 needs a value"
  case $1 in
    --program) copy_with_libraries "$2" ;;
    --library)
      path=$(library_path "$2"); [ -n "$path" ] || die "library $2 is not in the ld.so cache"
      copy_with_libraries "$path" ;;
    --package-libraries)
      found=0
      for path in $(dpkg-query -L "$2"); do
        [[ $path =~ ^(/usr)?/lib(64|/[^/]+)?/[^/]+\.so(\.[0-9]+)*$ ]] && [ -f "$path" ] || continue
        copy_with_libraries "$path"; found=1
      done
      [ "$found" = 1 ] || die "package $2 has no shared objects in a library directory" ;;
    --file) copy_path "$2" ;;
    --tree)
      [ -d "$2" ] || die "$2 is not a directory"
      while IFS= read -r -d '' path; do copy_path "$path"; done < <(find "$2" ! -type d -print0)
      make_parents "$(realpath "$2")" ;;
    --dir) make_parents "$2" ;;
    --user) copy_user "$2" ;;
    *) die "unknown option $1" ;;
  esac
  shift 2
done

# The loader finds dlopen'ed libraries (libsystemd.so.0) through the ld.so cache.
copy_path /etc/ld.so.conf
[ -d /etc/ld.so.conf.d ] && while IFS= read -r -d '' path; do copy_path "$path"; done < <(find /etc/ld.so.conf.d ! -type d -print0)
ldconfig -r "$DEST"
copy_path /etc/os-release

# ---- the Debian packages whose files are in DEST -----------------------------------------
# dpkg's database names a file by the path its package ships (/lib/… in Debian 12, /usr/lib/…
# from 13 on): each file is asked for as copied and with /usr added or taken away, all in one
# dpkg-query (one call per file takes minutes on a system with many packages).
declare -A owner=() packages=()
candidates=()
for path in "${copied[@]}"; do
  [ -L "$path" ] || candidates+=("$path" "${path#/usr}" "/usr$path")
done
while IFS= read -r line; do
  [[ $line =~ ^([^\ :,]+)(:[^\ ,]+)?(,[^:]*)?:\ (/.*)$ ]] && owner[${BASH_REMATCH[4]}]=${BASH_REMATCH[1]}
done < <(dpkg-query -S "${candidates[@]}" 2>/dev/null || true)
unowned=()
for path in "${copied[@]}"; do
  [ -L "$path" ] && continue   # a link's target names the package
  pkg=${owner[$path]:-${owner[${path#/usr}]:-${owner[/usr$path]:-}}}
  if [ -n "$pkg" ]; then packages[$pkg]=1; else unowned+=("$path"); fi
done
make_parents /var/lib/dpkg
mkdir -p "$DEST/var/lib/dpkg/status.d"
for pkg in "${!packages[@]}"; do
  dpkg-query -s "$pkg" > "$DEST/var/lib/dpkg/status.d/$pkg"
  [ -f "/usr/share/doc/$pkg/copyright" ] && copy_path "/usr/share/doc/$pkg/copyright"
done

# ---- checks --------------------------------------------------------------------------------
interpreter=$(for o in "${elf_objects[@]}"; do needed_libraries "$o"; done | grep -m1 '/ld-linux[^/]*\.so' || true)
[ -n "$interpreter" ] || die "found no program interpreter (ld-linux) among the libraries"
for object in $(printf '%s\n' "${elf_objects[@]}" | sort -u); do
  out=$(chroot "$DEST" "$interpreter" --list "$object" 2>&1) && ! grep -q 'not found' <<< "$out" \
    || die "$object does not load inside $DEST: $out"
done
for shell in sh bash dash ash busybox; do
  for dir in /bin /usr/bin /sbin /usr/sbin; do
    [ ! -e "$DEST$dir/$shell" ] || die "$DEST$dir/$shell: the image must have no shell"
  done
done

printf 'image-rootfs: %d Debian packages: %s\n' "${#packages[@]}" "$(printf '%s\n' "${!packages[@]}" | sort | tr '\n' ' ')"
[ ${#unowned[@]} -eq 0 ] || printf 'image-rootfs: files of no Debian package (made at install time, or the project'\''s own): %s\n' "${unowned[*]}"
printf 'image-rootfs: %s in %s\n' "$(du -sh "$DEST" | cut -f1)" "$DEST"
