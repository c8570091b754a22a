# Compose v2 for the tests, without a registry or Docker's apt repository: Debian 13's
# docker-compose package (2.26, one static binary linked only against libc, installed as the
# Docker CLI plugin /usr/libexec/docker/cli-plugins/docker-compose) downloaded from the
# host's Debian mirror with a private apt directory (the host's apt sources, lists and dpkg
# state are not touched) and unpacked into a Docker configuration directory of its own.
# `DOCKER_CONFIG=DIR docker compose` then runs it, with Docker 20.10's CLI as with newer ones,
# against a Docker engine or podman's API socket (DOCKER_HOST).
# Source it after common.sh and image.sh (debian_mirror).

# Where the plugin is kept between runs (a DOCKER_CONFIG directory: cli-plugins/docker-compose).
COMPOSE_V2_DIR=${CHRONYVISOR_COMPOSE_V2_DIR:-/var/tmp/chronyvisor-compose-v2}
# The Debian release whose docker-compose package is used.
COMPOSE_V2_SUITE=${CHRONYVISOR_COMPOSE_V2_SUITE:-trixie}

# The plugin's version when it is in COMPOSE_V2_DIR and runs here, else fails.
compose_v2_version() {
  [ -x "$COMPOSE_V2_DIR/cli-plugins/docker-compose" ] || return 1
  "$COMPOSE_V2_DIR/cli-plugins/docker-compose" version --short 2>/dev/null
}

# Makes sure COMPOSE_V2_DIR holds the plugin: kept from an earlier run, or downloaded (apt-get
# download from a private apt directory naming only COMPOSE_V2_SUITE) and unpacked. Dies saying
# why when it cannot.
compose_v2_ensure() {
  compose_v2_version >/dev/null && return 0
  have apt-get && have dpkg-deb || die "Compose v2 for the test comes from Debian's docker-compose package: apt-get and dpkg-deb are needed"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$keyring" ] || die "no $keyring (Debian: apt-get install debian-archive-keyring)"
  local mirror apt started
  mirror=$(debian_mirror); started=$(now)
  apt=$(mktemp -d /var/tmp/chronyvisor-apt.XXXXXX)
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  echo "deb [signed-by=$keyring] $mirror $COMPOSE_V2_SUITE main" > "$apt/sources.list"
  local opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Dir::State::status=/dev/null
    -o Acquire::Languages=none -o APT::Sandbox::User=root
    -o Acquire::Check-Valid-Until=false)
  say "downloading $COMPOSE_V2_SUITE's docker-compose (Compose v2) from $mirror"
  if ! (cd "$apt" && apt-get "${opts[@]}" update > "$apt/log" 2>&1 && apt-get "${opts[@]}" download docker-compose >> "$apt/log" 2>&1); then
    tail -5 "$apt/log" >&2; rm -rf "$apt"
    die "could not download docker-compose from $mirror $COMPOSE_V2_SUITE (apt's last lines above)"
  fi
  local deb; deb=$(ls "$apt"/docker-compose_*.deb)
  dpkg-deb -x "$deb" "$apt/root"
  [ -x "$apt/root/usr/libexec/docker/cli-plugins/docker-compose" ] \
    || { rm -rf "$apt"; die "$(basename "$deb") holds no usr/libexec/docker/cli-plugins/docker-compose"; }
  mkdir -p "$COMPOSE_V2_DIR/cli-plugins"
  install -m 0755 "$apt/root/usr/libexec/docker/cli-plugins/docker-compose" "$COMPOSE_V2_DIR/cli-plugins/docker-compose"
  rm -rf "$apt"
  compose_v2_version >/dev/null || die "the docker-compose plugin from $COMPOSE_V2_SUITE does not run on this host"
  say "Compose v2 $(compose_v2_version) in $COMPOSE_V2_DIR/cli-plugins ($(since "$started") s)"
}

# Makes `docker compose` this plugin for the rest of the script (the docker CLI reads its
# plugins from $DOCKER_CONFIG/cli-plugins).
compose_v2_use() {
  compose_v2_ensure
  # podman reads DOCKER_CONFIG too (registry credentials) and refuses to run a container when
  # that directory has no config.json.
  [ -f "$COMPOSE_V2_DIR/config.json" ] || echo '{}' > "$COMPOSE_V2_DIR/config.json"
  export DOCKER_CONFIG=$COMPOSE_V2_DIR
}
