#!/usr/bin/env bash
# Fails when a chronyvisor binary links full Foundation, FoundationInternationalization or
# ICU (about 40 MB of the binary and 3 ms of every start; see docs/benchmarks.md). Cheap: it
# reads the binary's dynamic section (the debug build links Swift's libraries as shared
# objects) and, when the binary still has its symbol table (the unstripped release build
# links them statically), its symbols. Run by scripts/test.sh on the binary it just built.
# Usage: scripts/check-lean-binary.sh [BINARY ...]   (default: .build/debug/chronyvisor, and
#        .build-release/release/chronyvisor when it exists)
. "$(dirname "$0")/lib/init.sh"
binaries=("$@")
if [ ${#binaries[@]} -eq 0 ]; then
  binaries=(.build/debug/chronyvisor)
  [ -x .build-release/release/chronyvisor ] && binaries+=(.build-release/release/chronyvisor)
fi
command -v readelf >/dev/null && command -v nm >/dev/null || { echo "check-lean-binary: readelf and nm (binutils) are needed" >&2; exit 1; }

# Shared objects of full Foundation and ICU; FoundationEssentials is allowed.
needed_pattern='lib(Foundation|FoundationInternationalization|FoundationNetworking|FoundationXML|_FoundationICU|icu[a-z0-9]*)\.so'
# Symbols they bring when linked statically: Foundation's Swift module (mangled `$s10Foundation`),
# FoundationInternationalization (its extensions mangle as `…Internationalization…E`),
# ICU's C++ namespace (`icu_76::`) and its data blob (`icudt76_dat`).
symbol_pattern='^\$s10Foundation|Internationalization|^_ZN[0-9]*icu_[0-9]+|^icudt[0-9]+_dat$'

status=0
for binary in "${binaries[@]}"; do
  [ -f "$binary" ] || { echo "check-lean-binary: $binary: no such file (build it first)" >&2; exit 66; }
  needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -E "$needed_pattern" || true)
  symbols=$(nm "$binary" 2>/dev/null | awk '{print $NF}' | grep -E "$symbol_pattern" | head -5 || true)
  if [ -n "$needed" ] || [ -n "$symbols" ]; then
    echo "check-lean-binary: $binary links full Foundation or ICU (use FoundationEssentials, the standard library and Glibc):" >&2
    [ -n "$needed" ] && echo "  shared objects: $(echo $needed)" >&2
    [ -n "$symbols" ] && echo "  symbols, first 5: $(echo $symbols)" >&2
    status=1
  else
    echo "check-lean-binary: $binary: no Foundation, FoundationInternationalization or ICU"
  fi
done
exit $status
