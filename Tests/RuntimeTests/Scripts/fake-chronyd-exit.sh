#!/bin/bash
# A stand-in for chronyd that fails: `chronyd -p` (run's config check) succeeds, every
# start appends a line to $STARTS and exits at once with $EXIT_CODE.
for arg in "$@"; do [ "$arg" = -p ] && exit 0; done
echo "started $$" >> "$STARTS"
exit "${EXIT_CODE:-1}"
