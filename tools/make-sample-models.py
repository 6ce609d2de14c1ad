#!/usr/bin/env python3
"""Regenerate the sample models, datasets and fixtures of seqlens (issue 3).

Stages (default: all but janggu, in this order):
  janggu     assets/datasets/oct4-mafk/janggu/: janggu 0.10.2's Oct4 and MafK peak FASTAs (gzip'd),
             LICENSE and AUTHORS.rst, taken from its wheel ($JANGGU_WHEEL, else `pip download`)
             and checked against the wheel's RECORD; the committed copies make this optional
  motifs     assets/motifs/: JASPAR CORE vertebrates (newest pyjaspar release) as MEME and
             JASPAR files, the synthetic RNA motifs, README.md
  datasets   assets/datasets/NAME/: test split (20 %) of each synthetic dataset:
             test.fa, test-labels.tsv, test-motifs.tsv (ground truth), test-ic.npz;
             oct4-mafk/: test split (10 %) of janggu's peaks: test.fa, test-labels.tsv
  MODEL      train one model (early stopping on validation loss), export ONNX, write
             sample-models/MODEL.{onnx,json} and its TRAINING.md section; models:
             multitask-deep-relu multitask-deep-exp code-shallow-relu (+ code-shallow-relu-dynamo)
             code-shallow-exp residualbind oct4-mafk-relu oct4-mafk-exp   ('models' = all seven)
  cards      re-derive the dataset description in every card and its ONNX metadata
             (no retraining; a no-op after a full run)
  demos      assets/sequences/DATASET.{fa,tsv,ic.npy}: ~50 demo test sequences, their motifs
             and information content; oct4-mafk.{fa,tsv}: 40 test peaks and their FIMO hits
  fixtures   Tests/Fixtures/sample-models/MODEL/{expected.npy,meta.json}: onnxruntime
             predictions on the demo FASTA of each model; then every card's test metrics
             are recomputed from the committed test split and must match

Everything is seeded; SEQLENS_TRAIN_THREADS (default 1) sets torch/onnxruntime threads.
Usage:  .venv/bin/python tools/make-sample-models.py [stage ...]
"""
from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sample_models import datasets, demos, janggu_data, motifs, train  # noqa: E402

STAGES = ["janggu", "motifs", "datasets", "models", "cards", "demos", "fixtures"]


def janggu_wheel() -> str:
    """$JANGGU_WHEEL, else janggu 0.10.2's wheel fetched by pip (its files only, no dependencies)."""
    if os.environ.get("JANGGU_WHEEL"):
        return os.environ["JANGGU_WHEEL"]
    import subprocess
    import tempfile
    out = tempfile.mkdtemp(prefix="janggu-")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "-d", out, "janggu==0.10.2"], check=True)
    return os.path.join(out, janggu_data.WHEEL)


def main(argv: list[str]) -> int:
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    stages = argv or [s for s in STAGES if s != "janggu"]
    unknown = [s for s in stages if s not in STAGES and s not in train.CONFIGS]
    if unknown:
        print(f"unknown stage(s) {unknown}; stages: {STAGES + list(train.CONFIGS)}", file=sys.stderr)
        return 2
    import torch
    torch.set_num_threads(train.threads())   # also for the scans in dataset generation
    t0 = time.time()
    for s in stages:
        t = time.time()
        if s == "motifs":
            motifs.export()
        elif s == "datasets":
            for name in datasets.BUILDERS:
                info = datasets.write_test_split(datasets.get(name))
                print(f"datasets: {name}: {info['records']} test records -> {os.path.relpath(info['dir'])}")
            datasets.write_readme()
            janggu_data.write_test_split()
        elif s == "janggu":
            janggu_data.import_wheel(janggu_wheel())
        elif s == "models":
            for name in train.CONFIGS:
                train.train_model(name)
        elif s in train.CONFIGS:
            train.train_model(s)
        elif s == "cards":
            train.refresh_cards()
        elif s == "demos":
            demos.write_demos()
        elif s == "fixtures":
            demos.write_fixtures()
            demos.verify_cards()
        print(f"[{s}: {time.time() - t:.0f}s]", flush=True)
    print(f"done in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
