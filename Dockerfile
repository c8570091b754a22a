# chronyvisor: chrony in a container, supervised by one Swift binary.
#
#   docker build -t chronyvisor .                     (Docker with BuildKit and a registry)
#   docker build --target debug -t chronyvisor:debug .   (the same with a shell and apt)
#   scripts/run.sh                                    (builds this file, with or without a registry)
#
# The image holds what runs and nothing else: chronyvisor, chronyd, chronyc, the shared
# libraries they load, tzdata's UTC, right/UTC and leap-second list, the CA certificates
# (NTS), the chrony user and the directories they write. No shell, no package manager: the
# fewer files, the fewer a CVE scanner reports and the less a compromised chronyd can use.
# docs/guide/stand.md gives the sizes; `-debug` (the `debug` target) keeps a shell.
#
# Stages:
#   runtime-base  Debian slim with chrony and what it needs: where the files come from, and
#                 the root file system of the debug variant.
#   rootfs        collects the image's files out of runtime-base (scripts/image-rootfs.sh:
#                 the libraries by ldd and the packages' file lists, none by hand).
#   image         those files on an empty image, with the image's settings (ENV, health
#                 check, entrypoint, labels); every target below adds only the binary.
#   debug-base    `image` with runtime-base's whole file system under it: a shell, apt,
#                 coreutils.
#   build         compiles the binary in the official Swift image (scripts/build-release.sh:
#                 release mode, the Swift standard library linked statically, stripped).
# Targets: the last stage (the default) and `debug` take the binary from `build`;
# `host-binary` and `host-binary-debug` take it from the build context
# (.build-release/context/out/chronyvisor, let in by .dockerignore), where scripts/run.sh
# puts it when no registry answers: built on the host the same way, so no Swift image and no
# --build-context is needed, and Docker 20.10's builders (classic and BuildKit) and podman
# build it alike. The classic builder builds every stage before its target, so these two
# come before `build`; a plain `docker build .` without BuildKit needs that binary too.

# The Swift toolchain the project is developed with (6.3); any 6.1 or later builds it. Its
# Debian 12 image links the binary against glibc 2.36, which runs on Debian 12 and 13 alike
# (glibc keeps old symbol versions), so one build serves either DEBIAN_RELEASE.
ARG SWIFT_IMAGE=swift:6.3-bookworm
# Debian 13 "trixie" (chrony 4.6); DEBIAN_RELEASE=bookworm builds on Debian 12 (chrony 4.3).
ARG DEBIAN_RELEASE=trixie

FROM debian:${DEBIAN_RELEASE}-slim AS runtime-base

# chrony's user `_chrony` is made first with fixed ids (uid and gid 123, in Debian's system
# range, so chrony's postinst finds it and keeps it): the image runs as it (USER below), and
# Kubernetes' runAsNonRoot/runAsUser and Compose's user need a number known in advance.
# Nothing here starts a service: invoke-rc.d finds no init in an image build.
# /run and /var/lib/chrony (the state directory: drift file, NTS keys and cookies) are root's
# with mode 1777, like /tmp: podman (4.3) gives a tmpfs mounted over a directory of the image that
# directory's mode but root as owner, whatever `mode=` says, so only a world-writable mode
# lets the image's user write in the stand's tmpfs; chronyvisor takes a 1777 directory as
# it is. Docker 20.10 left the stand's tmpfs on /run unwritable to the user as well. (Kubernetes' emptyDirs
# with fsGroup are the user's anyway.)
# What is installed (the minimal image takes only the files it names from these):
#  - chrony, tzdata (UTC; the leap-second list /usr/share/zoneinfo/leap-seconds.list, read
#    by chronyd >= 4.6's `leapseclist`), libsystemd0 (sd_notify, dlopen'ed on first use);
#  - tzdata-legacy where the release has it (Debian 13 moved the leap-second-counting
#    `right/` zones there): chronyd's `leapsectz right/UTC` (conf-templates/common.mustache)
#    reads right/UTC on every chrony version;
#  - ca-certificates: the bundle /etc/ssl/certs/ca-certificates.crt, GnuTLS's default trust
#    store, against which an NTS client (`server H nts`) checks a public server's certificate.
# Kept small for the debug variant, all in this one RUN so that the layer shrinks:
#  - dpkg path excludes, in a file of their own so that packages installed later (an image
#    built FROM the debug variant) stay trimmed too. The slim base already leaves out
#    documentation (but the copyright files), manuals, info pages and translations; this
#    adds: bash completion and the `right/` time zones but right/UTC (which links to
#    right/Etc/UTC; the directory right/Etc is named too, or dpkg cannot unpack the file
#    into it where tzdata-legacy comes new). Every ordinary zone stays, so TZ=Area/City
#    keeps working in the debug variant; chronyd and chronyvisor log in UTC anyway. The
#    bytes only go where tzdata is unpacked here: a newer tzdata than the base's or a base
#    without it.
#  - apt-get clean: the downloaded .deb files where the base has no apt hook that drops them
#    (the official slim images and scripts/lib/image.sh's base have one).
#  - the package lists, apt's caches and logs, and the *-old backups debconf and dpkg write.
#  - no iproute2. Debian's chrony depends on it, but no file of the package calls ip, ss or
#    tc (its network hooks and chrony-helper use chronyc), and neither do chronyvisor, the
#    health check or the stand's scripts. With it came 12 MB (Debian 12): ip, tc & co.,
#    libssl3/libcrypto, Kerberos, libtirpc, libbpf, libelf, libcap2-bin. An empty local
#    package that provides `iproute2` satisfies the dependency, so dpkg's state stays
#    consistent (`apt-get check` passes) and an image built FROM the debug variant that
#    wants `ip` still gets the real package by `apt-get install iproute2`.
RUN groupadd --system --gid 123 _chrony \
 && useradd --system --uid 123 --gid 123 --home-dir /var/lib/chrony --no-create-home \
      --shell /usr/sbin/nologin --comment "Chrony daemon" _chrony \
 && printf '%s\n' \
      'path-exclude /usr/share/bash-completion/*' \
      'path-exclude /usr/share/zoneinfo/right/*' \
      'path-include /usr/share/zoneinfo/right/UTC' \
      'path-include /usr/share/zoneinfo/right/Etc' \
      'path-include /usr/share/zoneinfo/right/Etc/UTC' \
      > /etc/dpkg/dpkg.cfg.d/chronyvisor-slim \
 && mkdir -p /tmp/no-iproute2/DEBIAN \
 && printf '%s\n' 'Package: chronyvisor-no-iproute2' 'Version: 1' 'Architecture: all' \
      'Maintainer: chronyvisor' 'Provides: iproute2' \
      'Description: stands in for iproute2 in the chronyvisor image' \
      ' No file of the chrony package calls ip, ss or tc; nothing in the image needs them.' \
      > /tmp/no-iproute2/DEBIAN/control \
 && dpkg-deb --build /tmp/no-iproute2 /tmp/no-iproute2.deb >/dev/null \
 && dpkg -i /tmp/no-iproute2.deb \
 && rm -rf /tmp/no-iproute2 /tmp/no-iproute2.deb \
 && apt-get update \
 && legacy=$(apt-cache show tzdata-legacy >/dev/null 2>&1 && echo tzdata-legacy || true) \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      chrony tzdata $legacy libsystemd0 ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log /var/log/alternatives.log \
    /var/cache/debconf/*-old /var/lib/dpkg/*-old \
 && test -f /usr/share/zoneinfo/right/UTC && test -f /usr/share/zoneinfo/leap-seconds.list \
 && test -s /etc/ssl/certs/ca-certificates.crt && ! dpkg -s iproute2 >/dev/null 2>&1 \
 && rm -f /etc/chrony/chrony.conf \
 && mkdir -p /etc/chrony/conf.d \
 && install -d -o 123 -g 123 -m 0750 /run/chrony /run/chronyvisor \
 && install -d -o 0 -g 0 -m 1777 /var/lib/chrony && chmod 1777 /run \
 && test "$(id -u _chrony):$(id -g _chrony)" = 123:123

COPY conf-templates/ /usr/share/chronyvisor/conf-templates/

# The minimal image's files, collected out of runtime-base into /rootfs. The libraries are
# found by the loader and the packages, not listed here: what chronyd and chronyc link (ldd),
# libsystemd.so.0 as dlopen finds it and what it links, and every shared object of glibc's
# package (libc6): the NSS and resolver modules glibc loads itself (the chrony user's entry,
# DNS names of servers) and all that chronyvisor links (scripts/build-release.sh links
# libstdc++ and libgcc statically; glibc stays shared). Programs that need more fail at
# their first start in every stand test. The directories are those chronyd, chronyvisor and
# the health check write, as Debian has them (mount points of the stand's tmpfs and of
# Kubernetes' emptyDirs): /run, /var/lib/chrony (_chrony's, 0750), /tmp; and the drop-in
# directory, and /run/chrony and /run/chronyvisor as runtime-base has them: _chrony's, 0750
# (chronyd refuses a socket directory it does not own, "Wrong permissions"; podman copies the
# image's /run into the tmpfs mounted there), so that a plain `docker run` without a tmpfs
# works as the image's user. The script checks that
# every program and library loads inside /rootfs and that no shell is there, and prints the
# packages whose files it took.
FROM runtime-base AS rootfs
COPY scripts/image-rootfs.sh /usr/local/sbin/image-rootfs
RUN image-rootfs /rootfs \
      --program /usr/sbin/chronyd --program /usr/bin/chronyc \
      --library libsystemd.so.0 \
      --package-libraries libc6 \
      --user _chrony \
      --file /etc/nsswitch.conf \
      --file /usr/share/zoneinfo/UTC --file /usr/share/zoneinfo/right/UTC \
      --file /usr/share/zoneinfo/leap-seconds.list \
      --file /etc/ssl/certs/ca-certificates.crt \
      --tree /usr/share/chronyvisor \
      --dir /run/chrony --dir /run/chronyvisor --dir /var/lib/chrony --dir /tmp --dir /etc/chrony/conf.d

# The image without the binary: what every target shares.
FROM scratch AS image
COPY --from=rootfs /rootfs /

# No base image sets PATH here: the health check and `docker exec NAME chronyvisor status`
# find the binary through it, chronyvisor finds chronyd and chronyc.
# The generated chrony.conf lives on the run tmpfs next to chronyd's socket and pid file: it
# is written anew at every start, so the image's /etc stays read-only (own directives go in
# /etc/chrony/conf.d, mounted read-only). The state directory keeps the drift file.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    CHRONY_CONF=/run/chronyvisor/chrony.conf \
    CHRONY_RUN_DIR=/run/chrony \
    CHRONY_STATE_DIR=/var/lib/chrony \
    CHRONY_CONF_DIR=/etc/chrony/conf.d \
    CHRONYVISOR_TEMPLATES=/usr/share/chronyvisor/conf-templates

EXPOSE 123/udp

# Sync-aware health: exit 0 while chronyd serves time it can vouch for, 1 otherwise. Exec
# form: there is no shell to run a string.
#  interval 10s   one exec of the binary, which reads the verdict `run` writes after every
#                 poll (CHRONY_RUN_DIR/chronyvisor.health): about what `chronyc -n tracking`
#                 costs (docs/benchmarks.md); a lost sync shows within about half a minute.
#  timeout 5s     reading the file takes milliseconds; without a fresh one the check asks
#                 HTTP, then chronyd, whose calls time out well before; 5 s only guards against
#                 a host too loaded to schedule the check.
#  start-period 60s  a relay needs DNS plus chronyd's iburst (four polls two seconds apart)
#                 and source selection before it syncs; failures until then do not count,
#                 and the first success marks the container healthy at once, so dependants
#                 wait only as long as needed.
#  retries 3      three failures in a row (about 30 s) before unhealthy: one slow check or
#                 one missed poll does not flap the state or restart dependants.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["chronyvisor", "health"]

ENTRYPOINT ["chronyvisor", "run"]

# Not root: chronyvisor and chronyd (-x -U -u _chrony) run as _chrony, with no capability at
# all; `docker exec … chronyvisor status` and the health check run as it too. The run and
# state directories above are its own (a tmpfs or volume mounted over them must be writable
# by it: a fresh tmpfs is mode 1777, a named volume copies these owners). Serving on UDP 123
# as a user needs the network namespace's net.ipv4.ip_unprivileged_port_start <= 123 (Docker
# sets 0 by default; docker-compose.yaml and the Kubernetes pods set it) or NET_BIND_SERVICE,
# or NTP_PORT above 1023. Setting the clock (CLOCK_CONTROL=true) needs root: `--user 0`.
# An image built FROM this one switches back (`USER root`) to install packages.
USER 123:123

# Last in this stage, so that a new version does not rebuild the layers above (only the
# binary's copy after it). Filled in by scripts/run.sh from git (empty when built otherwise).
# No base.name: the image is built on no other; its files' Debian release and packages are
# in /etc/os-release and /var/lib/dpkg/status.d (what scanners read).
ARG VERSION=dev
ARG REVISION=
ARG SOURCE=
LABEL org.opencontainers.image.title="chronyvisor" \
      org.opencontainers.image.description="chrony NTP server supervised by chronyvisor: a relay or gateway of the NTP stand, sync-aware health check, status in chronyc's format, Prometheus metrics" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"

# The offline target: the binary built on the host (scripts/lib/image.sh). Before the debug
# stages, which the classic builder would otherwise build for it too.
FROM image AS host-binary
COPY .build-release/context/out/chronyvisor /usr/local/bin/chronyvisor

# The debug variant's file system: runtime-base's whole Debian (shell, apt, coreutils) under
# the image, whose settings it keeps. The systemd test builds FROM it (apt-get install systemd).
FROM image AS debug-base
COPY --from=runtime-base / /

# The offline debug target.
FROM debug-base AS host-binary-debug
COPY .build-release/context/out/chronyvisor /usr/local/bin/chronyvisor

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsystemd-dev pkg-config binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The commit `chronyvisor --version` names (the build context has no .git).
ARG REVISION=
RUN mkdir -p /out && cp "$(CHRONYVISOR_COMMIT=${REVISION} scripts/build-release.sh /src/.build)" /out/chronyvisor

# The debug variant with the binary from the build stage.
FROM debug-base AS debug
COPY --from=build /out/chronyvisor /usr/local/bin/chronyvisor

# The default target: the minimal image with the binary from the build stage.
FROM image
COPY --from=build /out/chronyvisor /usr/local/bin/chronyvisor
