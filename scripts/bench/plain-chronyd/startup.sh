#!/bin/sh
# What the usual images' startup script does: one `server HOST iburst` per entry of
# NTP_SERVERS (comma-separated), `allow all`, then chronyd in the foreground, with -x: the
# benchmark never lets chronyd set the clock.
set -eu
conf=/etc/chrony/chrony.conf
: > "$conf"
for server in $(echo "${NTP_SERVERS:?}" | tr ',' ' '); do
  echo "server $server iburst" >> "$conf"
done
printf '%s\n' 'driftfile /var/lib/chrony/chrony.drift' 'makestep 0.1 3' 'allow all' >> "$conf"
exec /usr/sbin/chronyd -u _chrony -d -x -L 0 -f "$conf"
