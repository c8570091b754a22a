#!/bin/sh
# The capacity benchmark's plain chronyd container (inside it only; see Dockerfile): what the
# usual images' startup script does: one `server HOST iburst` per entry of NTP_SERVERS
# (comma-separated), `allow all`, then chronyd in the foreground, with -x: the benchmark
# never lets chronyd set the clock.
set -eu
case " $* " in *" -h "*|*" --help "*) sed -n '2,5s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
servers=${NTP_SERVERS:?NTP_SERVERS is not set: comma-separated NTP servers expected}
conf=/etc/chrony/chrony.conf
: > "$conf"
for server in $(echo "$servers" | tr ',' ' '); do
  echo "server $server iburst" >> "$conf"
done
printf '%s\n' 'driftfile /var/lib/chrony/chrony.drift' 'makestep 0.1 3' 'allow all' >> "$conf"
exec /usr/sbin/chronyd -u _chrony -d -x -L 0 -f "$conf"
