# NTS material for the stand: a stand-local certificate authority and one certificate per
# node, made with openssl (EC P-256). Source it after common.sh; functions only.
#
# Layout of NTS_DIR (0700, on the host only):
#   ca/ca.key          the CA's private key (0600): never mounted into any container
#   ca/ca.pem          the CA's certificate: what the gateway (and the host's chrony) trusts
#   NODE/cert.pem      a node's certificate, signed by the CA, names in NODE/names
#   NODE/key.pem       its private key (0644 inside the 0700 NTS_DIR: readable by _chrony in
#                      the container, whose uid is not the host's, and by no one else here)
# Rerunning reuses the CA, and a node certificate while its names are the same, it is signed
# by the current CA and it is valid for 30 more days.

nts_openssl() {
  have openssl || die "openssl is needed to make the stand's NTS certificates (Debian: apt-get install openssl)"
  openssl "$@"
}

# nts_make_ca DIR: the CA in DIR/ca, made once.
nts_make_ca() {
  local dir=$1
  mkdir -p "$dir/ca"
  chmod 0700 "$dir" "$dir/ca"
  if [ -s "$dir/ca/ca.key" ] && [ -s "$dir/ca/ca.pem" ]; then return 0; fi
  ( umask 077
    nts_openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
      -keyout "$dir/ca/ca.key" -out "$dir/ca/ca.pem" -days 3650 \
      -subj "/CN=chronyvisor stand CA $(hostname 2>/dev/null || echo host) $(date -u +%Y%m%d%H%M%S)" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign ) >/dev/null 2>&1 \
    || die "openssl could not make the stand's CA in $dir/ca"
  chmod 0644 "$dir/ca/ca.pem"
  say "made the stand's NTS certificate authority: $dir/ca/ca.pem (its key stays in $dir/ca, on this host only)"
}

# nts_san_list NAME...: subjectAltName entries, IP: for addresses, DNS: for names.
nts_san_list() {
  local out="" n
  for n in "$@"; do
    [ -n "$n" ] || continue
    if [[ $n =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || [[ $n == *:* ]]; then out+="IP:$n,"; else out+="DNS:$n,"; fi
  done
  printf '%s\n' "${out%,}"
}

# nts_make_cert DIR CA_DIR NODE NAME...: DIR/NODE/{cert,key}.pem for the names (the first is
# the subject), signed by CA_DIR/ca; kept when still right.
nts_make_cert() {
  local dir=$1 ca=$2 node=$3; shift 3
  local out=$dir/$node sans; sans=$(nts_san_list "$@")
  mkdir -p "$out"; chmod 0755 "$out"
  if [ -s "$out/cert.pem" ] && [ -s "$out/key.pem" ] && [ "$(cat "$out/names" 2>/dev/null)" = "$sans" ] \
     && openssl verify -CAfile "$ca/ca.pem" "$out/cert.pem" >/dev/null 2>&1 \
     && openssl x509 -checkend 2592000 -noout -in "$out/cert.pem" >/dev/null 2>&1; then
    return 0
  fi
  local ext; ext=$(mktemp)
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$sans" > "$ext"
  ( umask 022
    nts_openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
      -keyout "$out/key.pem" -out "$out/request.csr" -subj "/CN=$1" &&
    nts_openssl x509 -req -sha256 -in "$out/request.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" \
      -CAcreateserial -CAserial "$ca/ca.srl" -days 825 -out "$out/cert.pem" -extfile "$ext" ) >/dev/null 2>&1 \
    || { rm -f "$ext"; die "openssl could not make the NTS certificate of $node"; }
  rm -f "$ext" "$out/request.csr"
  chmod 0644 "$out/cert.pem" "$out/key.pem"
  printf '%s\n' "$sans" > "$out/names"
}

# ---- the stand ---------------------------------------------------------------------------

# True when the stand runs with NTS (STAND_NTS=1).
nts_stand_enabled() {
  case "${STAND_NTS:-0}" in
    1|true|yes|on) return 0 ;;
    0|false|no|off|"") return 1 ;;
    *) die "STAND_NTS=$STAND_NTS: expected 1 (NTS in the stand) or 0" ;;
  esac
}

# The directory of the stand's NTS material on the host (STAND_NTS_DIR, absolute).
nts_stand_dir() {
  local dir=${STAND_NTS_DIR:-$PWD/.stand-nts}
  case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac
  printf '%s\n' "$dir"
}

# nts_stand_prepare [EXTRA_NODE...]: the CA and a certificate for every relay and the
# gateway; exports STAND_NTS_DIR and NTS_HOST_PUBLISH, and adds docker-compose.nts.yaml to
# COMPOSE_ARGS (after the files already there, docker-compose.yaml when none).
# The gateway's names (one certificate for both gateways): chrony-main, chrony-main-2, localhost, 127.0.0.1, NTP_HOST_ADDRESS when it is one
# address, and STAND_NTS_NAMES (comma-separated host names or addresses of this host).
nts_stand_prepare() {
  STAND_NTS_DIR=$(nts_stand_dir); export STAND_NTS_DIR
  local reused=1; [ -s "$STAND_NTS_DIR/ca/ca.key" ] || reused=0
  nts_make_ca "$STAND_NTS_DIR"
  [ "$reused" = 1 ] && say "NTS: reusing the stand's CA in $STAND_NTS_DIR/ca"
  local relay
  for relay in chrony-local1 chrony-local2 chrony-local3; do
    nts_make_cert "$STAND_NTS_DIR" "$STAND_NTS_DIR/ca" "$relay" "$relay"
  done
  local names=(chrony-main chrony-main-2 localhost 127.0.0.1) extra n
  case "${NTP_HOST_ADDRESS:-0.0.0.0}" in 0.0.0.0|::|"") ;; *) names+=("$NTP_HOST_ADDRESS") ;; esac
  IFS=, read -r -a extra <<< "${STAND_NTS_NAMES:-}"
  for n in "${extra[@]}"; do
    n=${n// /}
    [ -z "$n" ] && continue
    [[ $n =~ ^[A-Za-z0-9.:-]+$ ]] || die "STAND_NTS_NAMES: \"$n\" is not a host name or address"
    names+=("$n")
  done
  nts_make_cert "$STAND_NTS_DIR" "$STAND_NTS_DIR/ca" chrony-main "${names[@]}"
  nts_key_schedule "$STAND_NTS_DIR/keys"
  local port=${NTS_HOST_PORT:-4460}
  [[ $port =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "NTS_HOST_PORT=$port: expected a TCP port 1-65535"
  case "${NTP_HOST_ADDRESS:-0.0.0.0}" in
    # No host address for the wildcard: netavark < 1.6 cannot publish an explicit 0.0.0.0.
    0.0.0.0|"") NTS_HOST_PUBLISH=$port ;;
    *) NTS_HOST_PUBLISH=$NTP_HOST_ADDRESS:$port ;;
  esac
  export NTS_HOST_PUBLISH NTS_HOST_PORT=$port
  [ "${#COMPOSE_ARGS[@]}" -gt 0 ] || COMPOSE_ARGS=(-f docker-compose.yaml)
  COMPOSE_ARGS+=(-f docker-compose.nts.yaml)
}

# nts_key_schedule DIR: DIR/schedule, the gateways' shared NTS server keys (NTS_SERVER_KEYS,
# scripts/nts-key-schedule.sh), made once and made again when fewer than four weeks are left:
# every gateway given it (and a gateway restarted) opens the cookies of the others.
nts_key_schedule() {
  local dir=$1 ends
  mkdir -p "$dir"; chmod 0755 "$dir"
  if [ -s "$dir/schedule" ]; then
    ends=$(awk '$1 == "period" { p = $2 } $1 == "start" { s = $2 } $1 == "key" { n++ } END { print s + (n - 2) * p }' "$dir/schedule")
    [ "$ends" -gt $(( $(date +%s) + 28 * 86400 )) ] && return 0
  fi
  scripts/nts-key-schedule.sh > "$dir/schedule.new" || die "scripts/nts-key-schedule.sh failed"
  chmod 0644 "$dir/schedule.new"; mv "$dir/schedule.new" "$dir/schedule"
}

# nts_stand_remove: removes STAND_NTS_DIR (the CA and every certificate).
nts_stand_remove() {
  local dir; dir=$(nts_stand_dir)
  [ -d "$dir" ] || return 0
  [ -f "$dir/ca/ca.pem" ] || die "$dir does not look like the stand's NTS directory (no ca/ca.pem): not removing it"
  rm -rf -- "$dir"
  say "removed the stand's NTS CA and certificates ($dir)"
}

# nts_stand_summary HOST: what run.sh prints about NTS once the stand is up.
nts_stand_summary() {
  local host=$1 portopt=""
  [ "${NTP_HOST_PORT:-123}" != 123 ] && portopt=" port $NTP_HOST_PORT"
  [ "$NTS_HOST_PORT" != 4460 ] && portopt+=" ntsport $NTS_HOST_PORT"
  cat <<MSG

NTS is on: the relays serve NTS, the gateway uses it to them and serves NTS-KE on TCP
$NTS_HOST_PUBLISH next to UDP $NTP_HOST_PORT. The stand's CA: $STAND_NTS_DIR/ca/ca.pem
(its key never leaves $STAND_NTS_DIR/ca; kept by scripts/down.sh unless --remove-ca).
  $CLI exec chrony-main chronyvisor status authdata    every relay: Mode NTS, cookies
  chrony on this host, authenticated:
    install -m 0644 $STAND_NTS_DIR/ca/ca.pem /etc/chrony/chronyvisor-stand-ca.pem
    server $host$portopt iburst nts            (in /etc/chrony/chrony.conf)
    ntstrustedcerts /etc/chrony/chronyvisor-stand-ca.pem
  then: chronyc authdata (Mode NTS) and chronyc sources
MSG
}
