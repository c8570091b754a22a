#!/usr/bin/env bash
# Checks the documentation against the repository, in a second and with nothing but python3:
# every relative link in README.md and docs/ (anchors included) and every repository path
# they name resolves, and README.md's systemd quick start is the systemd guide's, which
# scripts/systemd-test.sh runs (scripts/docs/check_links.py says what exactly). Run by
# scripts/test.sh; CHRONYVISOR_SKIP_DOCS_CHECK=1 skips it there.
# Usage: scripts/check-docs.sh [FILE.md ...]   exit 0 when all resolve, 1 otherwise.
. "$(dirname "$0")/lib/init.sh"
exec python3 scripts/docs/check_links.py "$@"
