# The relays' upstream servers: the default list, one list per relay, and whether they can be
# used from here. Source it after common.sh.
#
# Sends nothing to the servers: a name is resolved through the host's resolver (what the
# relays would do first), and an address counts as reachable when the host has a route to
# it (`ip route get` only consults the routing table). Nothing else leaves the machine.

# The usable entries of a comma-separated NTP_SERVERS-style list, one per line as
# `host address` (empty output: none usable). Unresolvable names are reported on stderr.
upstream_usable() {
  local list=$1 entry host addr found
  IFS=',' read -r -a entries <<< "$list"
  for entry in "${entries[@]}"; do
    entry=${entry// /}
    [ -n "$entry" ] || continue
    host=$entry
    case "$host" in
      \[*\]*) host=${host#\[}; host=${host%%\]*} ;;       # [v6]:port
      *:*:*) ;;                                            # bare IPv6
      *:*) host=${host%:*} ;;                              # host:port
    esac
    found=
    if [[ "$host" =~ ^[0-9.]+$ ]] || [[ "$host" == *:* ]]; then
      addr=$host
    else
      addr=$(with_timeout 10 getent ahosts "$host" 2>/dev/null | awk 'NR == 1 { print $1 }') || true
      if [ -z "$addr" ]; then
        say "upstream $host does not resolve"
        continue
      fi
    fi
    if have ip; then
      ip route get "$addr" >/dev/null 2>&1 && found=1
    else
      found=1
    fi
    if [ -n "$found" ]; then
      printf '%s %s\n' "$host" "$addr"
    else
      say "upstream $host ($addr): no route from this host"
    fi
  done
}

# The stand's default upstream: four independent operators, none of which smears leap
# seconds (docs/explanation/time-faults.md has each one's documentation). The same list is
# docker-compose.yaml's default for NTP_UPSTREAM_1..3 and the Kubernetes relays' NTP_SERVERS.
UPSTREAM_DEFAULT=time.cloudflare.com,ntp.netnod.se,ptbtime1.ptb.de,time.nist.gov

# Exports NTP_UPSTREAM_1..3 (relay 1, 2 and 3's servers): each keeps its own value when set,
# else NTP_UPSTREAM, else UPSTREAM_DEFAULT. docker-compose 1.29 cannot fall back from one
# variable to another (`${A:-${B}}` comes out garbled), so the fallback is made here.
upstream_per_relay() {
  local n var
  for n in 1 2 3; do
    var=NTP_UPSTREAM_$n
    export "$var=${!var:-${NTP_UPSTREAM:-$UPSTREAM_DEFAULT}}"
  done
}

# Every distinct entry of the relays' lists (NTP_UPSTREAM_1..3), comma-separated.
upstream_all() {
  printf '%s\n' "${NTP_UPSTREAM_1:-}" "${NTP_UPSTREAM_2:-}" "${NTP_UPSTREAM_3:-}" | tr ',' '\n' \
    | tr -d ' ' | awk 'NF && !seen[$0]++' | paste -sd, -
}

# One line describing the relays' upstreams: the list when all three share it, else each.
upstream_summary() {
  if [ "${NTP_UPSTREAM_1:-}" = "${NTP_UPSTREAM_2:-}" ] && [ "${NTP_UPSTREAM_2:-}" = "${NTP_UPSTREAM_3:-}" ]; then
    printf '%s\n' "$NTP_UPSTREAM_1"
  else
    printf 'relay 1: %s; relay 2: %s; relay 3: %s\n' "$NTP_UPSTREAM_1" "$NTP_UPSTREAM_2" "$NTP_UPSTREAM_3"
  fi
}
