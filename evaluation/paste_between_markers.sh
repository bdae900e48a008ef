#!/usr/bin/env bash
# Replaces what lies between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in FILE with the
# contents of TABLE, keeping the markers. Used by results.sh (evaluation/README.md) and
# peers/compare.sh (BENCHMARKS.md). Fails, leaving FILE untouched, when the markers are missing.
#
#   evaluation/paste_between_markers.sh FILE NAME TABLE
set -euo pipefail
file=$1 name=$2 table=$3
awk -v table="$table" -v begin="<!-- $name:begin -->" -v end="<!-- $name:end -->" '
  index($0, begin) { print; while ((getline line < table) > 0) print line; skip = 1; next }
  index($0, end)   { skip = 0 }
  !skip
' "$file" >"$file.tmp"
grep -qF "<!-- $name:end -->" "$file.tmp" || { echo "$(basename "$0"): markers <!-- $name:begin/end --> missing in $file" >&2; rm -f "$file.tmp"; exit 1; }
mv "$file.tmp" "$file"
