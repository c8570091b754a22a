#!/bin/bash
# A stand-in for chronyd that fails: `chronyd -p` (run's config check) succeeds, every
# start appends a line to $STARTS and exits at once with $EXIT_CODE.
# `chronyd -v` (run's version check, for the leap-second directive) answers as 4.3 does.
for arg in "$@"; do
  [ "$arg" = -p ] && exit 0
  [ "$arg" = -v ] && { echo "chronyd (chrony) version 4.3 (fake)"; exit 0; }
done
echo "started $$" >> "$STARTS"
exit "${EXIT_CODE:-1}"
