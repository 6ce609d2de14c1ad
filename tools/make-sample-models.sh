#!/bin/sh
# Regenerate every sample model, dataset, demo FASTA and fixture from fixed seeds
# (issue 3). Creates the git-ignored venv .venv from tools/requirements.txt when it is
# missing (PyTorch from PyPI pulls ~3 GB of CUDA libraries; it runs on CPU).
# Usage: tools/make-sample-models.sh [stage ...]     (stages: see --help)
# SEQLENS_TRAIN_THREADS (default 1) sets the torch / onnxruntime threads.
set -eu
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [ ! -x "$PY" ] || ! "$PY" -c "import torch, onnx, onnxruntime, onnxscript, pyjaspar, memelite" 2>/dev/null; then
    echo "make-sample-models: creating .venv from tools/requirements.txt" >&2
    [ -x "$PY" ] || python3 -m venv .venv
    .venv/bin/pip install --quiet -r tools/requirements.txt
fi
exec "$PY" tools/make-sample-models.py "$@"
