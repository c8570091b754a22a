#!/usr/bin/env bash
# Writes an NTS key schedule (NTS_SERVER_KEYS) to stdout: the server keys that every replica
# serving NTS shares, so that a client's cookies open on each of them (chronyd runs with
# `ntsrotate 0` and chronyvisor rotates the keys at the schedule's times). Random keys from
# /dev/urandom, 32 bytes each (AES-SIV-CMAC-256, chrony's cookie key).
#
# Usage: scripts/nts-key-schedule.sh [--period SECONDS] [--count N] [--start UNIXTIME] > schedule
#   --period  how long each key is the current one (604800: a week, chrony's own ntsrotate)
#   --count   keys in the file (60: a year of weeks); the last but one stays current after that
#   --start   when the first key becomes current (default: two periods ago, on a period
#             boundary, so that the first two keys are the previous ones and the third current)
#
# Kubernetes: kubectl -n chronyvisor create secret generic chronyvisor-nts-keys \
#               --from-file=schedule=<(scripts/nts-key-schedule.sh)
# Give the replicas a new schedule before this one runs out (the file says when).
. "$(dirname "$0")/lib/init.sh"

period=604800 count=60 start=
while [ $# -gt 0 ]; do
  case $1 in
    --period) period=${2:-}; shift 2 ;;
    --count) count=${2:-}; shift 2 ;;
    --start) start=${2:-}; shift 2 ;;
    *) printf '%s: unknown argument %s (see --help)\n' "$SCRIPT_NAME" "$1" >&2; exit 64 ;;
  esac
done
[[ $period =~ ^[0-9]+$ ]] && [ "$period" -ge 60 ] || { printf '%s: --period %s: expected whole seconds, at least 60\n' "$SCRIPT_NAME" "$period" >&2; exit 64; }
[[ $count =~ ^[0-9]+$ ]] && [ "$count" -ge 4 ] || { printf '%s: --count %s: expected at least 4 keys\n' "$SCRIPT_NAME" "$count" >&2; exit 64; }
now=$(date +%s)
[ -n "$start" ] || start=$(( (now / period - 2) * period ))
[[ $start =~ ^[0-9]+$ ]] || { printf '%s: --start %s: expected a Unix time in seconds\n' "$SCRIPT_NAME" "$start" >&2; exit 64; }

printf '# chronyvisor NTS key schedule (NTS_SERVER_KEYS), written %s by scripts/nts-key-schedule.sh.\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
printf '# Secret: every replica given this file serves NTS with the same keys. Key N is current\n'
printf '# from start + N * period; the last but one stays current from %s.\n' "$(date -u -d "@$(( start + (count - 2) * period ))" +%Y-%m-%dT%H:%M:%SZ)"
printf 'period %s\nstart %s\n' "$period" "$start"
for _ in $(seq "$count"); do
  printf 'key %s\n' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
done
