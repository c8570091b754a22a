# Can the relays' upstream servers be used from here? Source it after common.sh.
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
