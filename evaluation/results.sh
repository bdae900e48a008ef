#!/usr/bin/env bash
# Regenerates the results table in evaluation/README.md: runs `deid eval` with the
# engine's default configuration over every corpus in ../shared/data/eval and pastes
# the figures-only summary (summary.md) between the results markers.
#
#   evaluation/results.sh              # table + full report in evaluation/reports/latest (git-ignored: PHI)
#   DEID_EVAL_DATA=/path/to/eval REPORT_DIR=/tmp/r evaluation/results.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data=${DEID_EVAL_DATA:-$root/../shared/data/eval}
report=${REPORT_DIR:-$root/evaluation/reports/latest}
readme=$root/evaluation/README.md

corpora=(
  "$data/asq-phi/asq_phi.jsonl"
  "$data/presidio-synth/presidio_synth_v2.jsonl"
  "$data/transcripts-dev/transcripts.jsonl"
  "$data/physionet-nursing/physionet_nursing_dev.jsonl"
)
args=()
for c in "${corpora[@]}"; do
  [[ -f $c ]] || { echo "results.sh: corpus not found: $c (set DEID_EVAL_DATA)" >&2; exit 1; }
  args+=(--corpus "$c")
done

cd "$root"
cargo build --release --quiet --bin deid
bin=${CARGO_TARGET_DIR:-$root/target}/release/deid
"$bin" eval "${args[@]}" --report "$report"

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
table=$(mktemp)
trap 'rm -f "$table"' EXIT
{
  echo "Engine default configuration, commit \`$commit\`$dirty, $(date -u +%Y-%m-%d)."
  echo "Recall over required spans, precision over predicted spans, 95% Wilson intervals, (hits/total)."
  echo
  cat "$report/summary.md"
} >"$table"

"$root/evaluation/paste_between_markers.sh" "$readme" results "$table"
echo "results.sh: table updated in $readme; full report (contains PHI) in $report" >&2
