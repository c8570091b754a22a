# shellcheck shell=bash
# The one way a script of the project starts (as Kubernetes' hack/lib/init.sh). Its first
# line after the leading comment block (which is its --help) is
#     . "$(dirname "$0")/lib/init.sh"       in scripts/
#     . "$(dirname "$0")/../lib/init.sh"    in scripts/k8s/ and scripts/bench/
# and the script then:
#   - runs with set -euo pipefail;
#   - has SCRIPT_NAME, the name its messages start with: the file name without .sh, unless
#     the script set it before this line;
#   - has common.sh (say, die, have, now, since, poll_until ...);
#   - has answered -h or --help (anywhere in its arguments) with its leading comment block and
#     exited 0, before anything with a side effect;
#   - runs in the repository's root directory, wherever it was started from (paths such as
#     scripts/lib/testing.sh and Sources/ are relative to it).
# A test sources scripts/lib/testing.sh after this (its harness: TAP, waits, clean-up).
# Not for what runs inside an image or another root without the repository
# (scripts/image-rootfs.sh, scripts/bench/plain-chronyd/startup.sh): those stand alone.

set -euo pipefail
SCRIPT_NAME=${SCRIPT_NAME:-$(basename "$0" .sh)}
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# Before the cd: $0 may be a path relative to where the script was started.
if help_requested "$@"; then script_help "$0"; exit 0; fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
