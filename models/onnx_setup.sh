#!/usr/bin/env bash
# Sets up the optional ONNX Runtime backend of the tagger (cargo feature `onnx`):
# installs ONNX Runtime and the export tools from PyPI into target/onnx/venv, and writes
# a tagger's ONNX graphs with models/export_onnx.py.
#
#   models/onnx_setup.sh                   # the shipped models/ner
#   models/onnx_setup.sh path/to/tagger    # another tagger directory
#
# Writes, for a tagger directory named NAME:
#   target/onnx/NAME/model.onnx        f32: computes what the candle backend computes (parity test)
#   target/onnx/NAME/model.int8.onnx   int8 matrix products: the fast one
#   target/onnx/NAME/deid.toml         a deid configuration that runs the tagger on the int8 graph
#   target/onnx/ORT_DYLIB_PATH         the path of libonnxruntime.so (from the onnxruntime wheel)
# and prints how to run deid with it. Idempotent: the venv is kept once it is ready.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tagger=$(cd "${1:-$root/models/ner}" && pwd)
out=$root/target/onnx
venv=$out/venv
name=$(basename "$tagger")

if [[ ! -f $venv/.ready ]]; then
  echo "onnx_setup: creating $venv" >&2
  rm -rf "$venv"
  mkdir -p "$out"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
    onnxruntime==1.32.0 onnx==1.23.2 numpy==2.4.6 safetensors==0.8.0 protobuf==7.36.2
  "$venv/bin/python" -m pip freeze --disable-pip-version-check >"$venv/freeze.txt"
  touch "$venv/.ready"
fi

lib=$("$venv/bin/python" -c 'import glob, os, onnxruntime; print(sorted(glob.glob(os.path.join(os.path.dirname(onnxruntime.__file__), "capi", "libonnxruntime.so*")))[0])')
echo "$lib" >"$out/ORT_DYLIB_PATH"

mkdir -p "$out/$name"
"$venv/bin/python" "$root/models/export_onnx.py" "$tagger" "$out/$name/model.onnx"
"$venv/bin/python" "$root/models/export_onnx.py" "$tagger" "$out/$name/model.int8.onnx" --int8 2> >(grep -v 'pre-processing before quantization' >&2)
cat >"$out/$name/deid.toml" <<EOF
# The tagger in $tagger, run on ONNX Runtime with int8 matrix products (models/onnx_setup.sh).
ner_model = "$tagger"
ner_onnx = "$out/$name/model.int8.onnx"
EOF

cat >&2 <<EOF
onnx_setup: ready. Build and run deid with the ONNX Runtime backend:
  cargo build --release --features onnx
  ORT_DYLIB_PATH=$lib target/release/deid detect --config $out/$name/deid.toml --input notes.jsonl
EOF
