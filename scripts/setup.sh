#!/usr/bin/env bash
# Idempotent set-up: Python 3.10 venv, pinned packages, Dutch spaCy pipeline.
# Each step is skipped when it is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    command -v python3.10; return
  fi
  local root
  root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for candidate in "$root"/versions/3.10.*/bin/python3.10; do
    [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  if ! PY=$(find_python310); then
    echo "ERROR: Leerwijzer needs Python 3.10 (Rasa 3.6 does not run on newer Python)." >&2
    echo "Install it, e.g. 'pyenv install 3.10.13', or put python3.10 on PATH, then run make again." >&2
    exit 1
  fi
  echo "Creating .venv with $PY"
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade "pip<24.1" "setuptools<70" wheel
fi

stamp=.venv/.requirements.sha256
want=$(cat requirements.txt requirements-dev.txt constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing pinned packages (first time about 2 minutes) ..."
  .venv/bin/pip install -q -r requirements.txt -r requirements-dev.txt -c constraints.txt
  echo "$want" > "$stamp"
fi

if [ ! -f var/spacy/nl/meta.json ]; then
  .venv/bin/python scripts/build_spacy_nl.py 2>&1 | grep -v -i -E "tensorflow|cuda|oneDNN|rebuild|TF-TRT|AVX"
else
  echo "spaCy Dutch pipeline: $(.venv/bin/python -c 'import json;print(json.load(open("var/spacy/nl/meta.json"))["description"])')"
fi

if [ -f knowledge/__main__.py ]; then
  .venv/bin/python -m knowledge init
fi
