#!/bin/bash
# A stand-in for chronyd that writes every signal it receives to $SIGNALS (one name a line)
# and exits 0 on SIGTERM and SIGQUIT (as chronyd does). `chronyd -p` (run's config check)
# succeeds at once.
# `chronyd -v` (run's version check, for the leap-second directive) answers as 4.3 does.
for arg in "$@"; do
  [ "$arg" = -p ] && exit 0
  [ "$arg" = -v ] && { echo "chronyd (chrony) version 4.3 (fake)"; exit 0; }
done
for s in HUP USR1 USR2 INT; do trap "echo $s >> \"\$SIGNALS\"" "$s"; done
trap 'echo TERM >> "$SIGNALS"; exit 0' TERM
trap 'echo QUIT >> "$SIGNALS"; exit 0' QUIT
echo ready >> "$SIGNALS"
while true; do sleep 0.05; done
