# chronyvisor: chrony in a container, supervised by one Swift binary.
#
#   docker build -t chronyvisor .                     (Docker with BuildKit and a registry)
#   scripts/run.sh                                    (builds this file, with or without a registry)
#
# Stages. `runtime-base` is Debian slim with chrony, tzdata (leap seconds: `leapsectz
# right/UTC`), libsystemd (sd_notify), the chrony.conf templates, the health check and the
# entrypoint: everything but the binary. The last stage (the default target) adds the binary
# from `build`, which compiles it in the official Swift image with scripts/build-release.sh
# (release mode, the Swift standard library linked statically, a position-dependent
# executable, stripped). Where no registry can be reached, scripts/run.sh builds the binary
# on the host the same way and builds `--target host-binary`, which takes it from the build
# context (.build-release/context/out/chronyvisor, let in by .dockerignore): no Swift image
# and no --build-context needed, so Docker 20.10's builders (classic and BuildKit) and
# podman build it alike. The classic builder builds every stage before its target: a plain
# `docker build .` without BuildKit needs that binary too.

# The Swift toolchain the project is developed with (6.3); any 6.1 or later builds it.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG DEBIAN_RELEASE=bookworm

FROM debian:${DEBIAN_RELEASE}-slim AS runtime-base

# chrony's user `_chrony` is made first with fixed ids (uid and gid 123, in Debian's system
# range, so chrony's postinst finds it and keeps it): the image runs as it (USER below), and
# Kubernetes' runAsNonRoot/runAsUser and Compose's user need a number known in advance.
# Nothing here starts a service: invoke-rc.d finds no init in an image build.
# Kept small (issue 14: image <= 120 MB), all in this one RUN so that the layer shrinks:
#  - dpkg path excludes, in a file of their own so that packages installed later (an image
#    built FROM this one) stay trimmed too. The slim base already leaves out documentation
#    (but the copyright files), manuals, info pages and translations; this adds:
#    bash completion (no interactive shell here) and the leap-second-counting `right/` time
#    zones but right/UTC (chronyd's `leapsectz right/UTC`, conf-templates/common.mustache,
#    reads it; right/UTC links to right/Etc/UTC). Every ordinary zone stays, so TZ=Area/City
#    keeps working in `docker exec`; chronyd and chronyvisor log in UTC anyway. The bytes
#    only go where tzdata is unpacked here: a newer tzdata than the base's (named below so
#    that the zone rules are the current ones) or a base without it.
#  - apt-get clean: the downloaded .deb files (5 MB) where the base has no apt hook that
#    drops them (the official slim images and scripts/lib/image.sh's base have one; a base
#    built by an earlier image.sh has not).
#  - the package lists, apt's caches and logs, and the *-old backups debconf and dpkg write
#    (copies of files that changed: 0.9 MB).
#  - no iproute2. Debian's chrony depends on it, but no file of the package calls ip, ss or
#    tc (bookworm's 4.3: its network hooks and chrony-helper use chronyc), and neither do
#    chronyvisor, the health check or the stand's scripts. With it came 12 MB: ip, tc & co.,
#    libssl3/libcrypto, Kerberos, libtirpc, libbpf, libelf, libcap2-bin. An empty local
#    package that provides `iproute2` satisfies the dependency, so dpkg's state stays
#    consistent (`apt-get check` passes) and an image built FROM this one that wants `ip`
#    still gets the real package by `apt-get install iproute2`.
RUN groupadd --system --gid 123 _chrony \
 && useradd --system --uid 123 --gid 123 --home-dir /var/lib/chrony --no-create-home \
      --shell /usr/sbin/nologin --comment "Chrony daemon" _chrony \
 && printf '%s\n' \
      'path-exclude /usr/share/bash-completion/*' \
      'path-exclude /usr/share/zoneinfo/right/*' \
      'path-include /usr/share/zoneinfo/right/UTC' \
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
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chrony tzdata libsystemd0 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log /var/log/alternatives.log \
    /var/cache/debconf/*-old /var/lib/dpkg/*-old \
 && test -f /usr/share/zoneinfo/right/UTC && ! dpkg -s iproute2 >/dev/null 2>&1 \
 && rm -f /etc/chrony/chrony.conf \
 && mkdir -p /etc/chrony/conf.d \
 && install -d -o 123 -g 123 -m 0750 /run/chrony /run/chronyvisor /var/lib/chrony \
 && test "$(id -u _chrony):$(id -g _chrony)" = 123:123

COPY conf-templates/ /usr/share/chronyvisor/conf-templates/

# The generated chrony.conf lives on the run tmpfs next to chronyd's socket and pid file: it
# is written anew at every start, so the image's /etc stays read-only (own directives go in
# /etc/chrony/conf.d, mounted read-only). The state directory keeps the drift file.
ENV CHRONY_CONF=/run/chronyvisor/chrony.conf \
    CHRONY_RUN_DIR=/run/chrony \
    CHRONY_STATE_DIR=/var/lib/chrony \
    CHRONY_CONF_DIR=/etc/chrony/conf.d \
    CHRONYVISOR_TEMPLATES=/usr/share/chronyvisor/conf-templates

EXPOSE 123/udp

# Sync-aware health: exit 0 while chronyd serves time it can vouch for, 1 otherwise.
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
ARG DEBIAN_RELEASE
ARG VERSION=dev
ARG REVISION=
ARG SOURCE=
LABEL org.opencontainers.image.title="chronyvisor" \
      org.opencontainers.image.description="chrony NTP server supervised by chronyvisor: a relay or gateway of the NTP stand, sync-aware health check, status in chronyc's format, Prometheus metrics" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="docker.io/library/debian:${DEBIAN_RELEASE}-slim"

# The offline target: the binary built on the host (scripts/lib/image.sh).
FROM runtime-base AS host-binary
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

# The default target: the binary from the build stage.
FROM runtime-base
COPY --from=build /out/chronyvisor /usr/local/bin/chronyvisor
