#!/usr/bin/env bash
# Regenerates the reference that comes from the code, so that it cannot drift from it:
#  - the man pages in docs/reference/man/: chronyvisor(1) and one page per subcommand, made by
#    swift-argument-parser's generate-manual package plugin from the parser's own description
#    of the commands (`chronyvisor --experimental-dump-help`);
#  - the settings table of docs/reference/settings.md (`chronyvisor settings --markdown`,
#    between its settings-table markers).
# A page whose only change would be its date (.Dd) is left as it is.
#
# Usage: scripts/gen-reference.sh           regenerate in place
#        scripts/gen-reference.sh --check   regenerate elsewhere and compare: exit 1 naming
#                                           each file that differs (scripts/test.sh runs it)
# Builds the package in debug mode first (as `swift build` does; the plugin builds what it
# needs itself). Needs the Swift toolchain and nothing else.
SCRIPT_NAME=gen-reference.sh
. "$(dirname "$0")/lib/init.sh"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: scripts/gen-reference.sh [--check]" >&2; exit 64 ;;
esac
if ! have swift && [ -x /opt/swift/usr/bin/swift ]; then export PATH=/opt/swift/usr/bin:$PATH; fi
have swift || die "the Swift toolchain (6.1 or later) is needed: https://swift.org/install"

man_dir=docs/reference/man
settings_page=docs/reference/settings.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- man pages ---------------------------------------------------------------------------
# The plugin builds every product, runs each that uses ArgumentParser with
# --experimental-dump-help and writes its pages into the plugin's work directory, one
# directory per target; only chronyvisor's are published.
out=.build/plugins/GenerateManual/outputs/chronyvisor
rm -rf "$out"
# The same arguments the Debian package's pages are made with,
# so that the two differ at most in their date.
if ! swift package plugin generate-manual --configuration debug --multi-page --section 1 \
     --authors 'The chronyvisor authors' > "$work/plugin.log" 2>&1; then
  cat "$work/plugin.log" >&2
  die "swift package plugin generate-manual failed (its output above)"
fi
[ -n "$(ls "$out"/*.1 2>/dev/null)" ] || { cat "$work/plugin.log" >&2; die "the plugin wrote no pages to $out"; }
mkdir -p "$work/man"
cp "$out"/*.1 "$work/man/"

# The same page apart from its .Dd date line.
same_but_date() { cmp -s <(grep -v '^\.Dd ' "$1") <(grep -v '^\.Dd ' "$2"); }

# ---- the settings table ------------------------------------------------------------------
bin=.build/debug/chronyvisor
[ -x "$bin" ] || die "no $bin after the build"
"$bin" settings --markdown > "$work/table.md"
awk -v table="$work/table.md" '
  /^<!-- settings-table:/ { print; while ((getline line < table) > 0) print line; skipping = 1; next }
  /^<!-- end settings-table -->/ { print ""; skipping = 0 }
  !skipping { print }' "$settings_page" > "$work/settings.md"
grep -q '^<!-- end settings-table -->' "$work/settings.md" || die "$settings_page lacks its settings-table markers"

# ---- compare or write --------------------------------------------------------------------
differ=()
for page in "$work"/man/*.1; do
  name=$(basename "$page")
  if [ ! -f "$man_dir/$name" ]; then
    differ+=("$man_dir/$name (new)")
    [ "$check" = 1 ] || { mkdir -p "$man_dir"; cp "$page" "$man_dir/$name"; }
  elif ! same_but_date "$page" "$man_dir/$name"; then
    differ+=("$man_dir/$name")
    [ "$check" = 1 ] || cp "$page" "$man_dir/$name"
  fi
done
for page in "$man_dir"/*.1; do
  [ -e "$page" ] || continue
  [ -f "$work/man/$(basename "$page")" ] && continue
  differ+=("$page (no such command any more)")
  [ "$check" = 1 ] || rm -f "$page"
done
if ! cmp -s "$work/settings.md" "$settings_page"; then
  differ+=("$settings_page (settings table)")
  [ "$check" = 1 ] || cp "$work/settings.md" "$settings_page"
fi

if [ "$check" = 1 ]; then
  if [ ${#differ[@]} -gt 0 ]; then
    printf '%s\n' "${differ[@]}" | sed 's/^/  /' >&2
    die "${#differ[@]} generated reference file(s) out of date: run scripts/gen-reference.sh and commit them"
  fi
  say "the man pages ($(ls "$man_dir"/*.1 | wc -l)) and the settings table are current"
else
  say "${#differ[@]} file(s) changed${differ[*]:+: ${differ[*]}}"
fi
