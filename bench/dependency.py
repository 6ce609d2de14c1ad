#!/usr/bin/env python3
"""Dependency maps: seqlens vs tangermeme 1.6's dependency_map.

One record of each 200-nt sample model's demo FASTA, substituted positions 50..149 (100
positions, 300 substituted sequences, each with a full ISM: 180,000 double mutants):

  * seqlens      `seqlens dependency MODEL FASTA --record R --range 50:150 --target T -o out.npy`
                 at --threads 1 and 2: wall clock of the whole command (model load included).
  * tangermeme   `dependency_map(model, X, start=50, end=150, func=saturation_mutagenesis,
                 target=T)` on the PyTorch model rebuilt from the ONNX file (bench/ism.py's
                 OnnxTorch), torch.set_num_threads(threads); one run.

Both maps are compared (max |Δ| relative to the map's largest value). One run each, as
bench/RESULTS.md asks of long benches.

  swift build -c release --product seqlens
  .venv/bin/python bench/dependency.py --threads 1 2
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
START, END = 50, 150
CASES = [  # model, FASTA, record, target
    ("multitask-deep-relu", "assets/sequences/multitask.fa", "mt_test_04056", 1),
    ("code-shallow-relu", "assets/sequences/regulatory-code.fa", 0, 0),
]


def load_ism_module():
    spec = importlib.util.spec_from_file_location("bench_ism", os.path.join(HERE, "ism.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_record(path: str, record) -> str:
    records, name = {}, None
    order = []
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            name = line[1:].split()[0]
            records[name] = ""
            order.append(name)
        elif name:
            records[name] += line.upper()
    return records[order[record] if isinstance(record, int) else record]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "seqlens"))
    args = parser.parse_args()

    import torch
    from tangermeme.dependency_map import dependency_map
    from tangermeme.saturation_mutagenesis import saturation_mutagenesis

    ism = load_ism_module()
    OnnxTorch = ism._onnx_torch_class()
    print("| model | L | substituted | threads | seqlens | tangermeme dependency_map | ratio | max rel. diff |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, fasta, record, target in CASES:
        path = os.path.join(REPO, "sample-models", f"{name}.onnx")
        sequence = read_record(os.path.join(REPO, fasta), record)
        x = np.zeros((1, 4, len(sequence)), dtype=np.float32)
        for j, base in enumerate(sequence):
            if base in "ACGT":
                x[0, "ACGT".index(base), j] = 1
        model = OnnxTorch(path).eval()
        for threads in args.threads:
            with tempfile.TemporaryDirectory() as directory:
                out = os.path.join(directory, "dep.npy")
                command = [args.binary, "dependency", path, os.path.join(REPO, fasta), "--record", str(record),
                           "--range", f"{START}:{END}", "--target", str(target), "--threads", str(threads), "-o", out]
                t0 = time.perf_counter()
                subprocess.run(command, check=True)
                seconds = time.perf_counter() - t0
                ours = np.load(out)[0]
            torch.set_num_threads(threads)
            t0 = time.perf_counter()
            theirs = dependency_map(model, torch.from_numpy(x), start=START, end=END, func=saturation_mutagenesis,
                                    target=target, device="cpu").numpy()[0]
            peer = time.perf_counter() - t0
            difference = float(np.abs(ours - theirs).max() / np.abs(theirs).max())
            print(f"| {name} | {len(sequence)} | {END - START} | {threads} | {seconds:.2f} s | {peer:.1f} s | "
                  f"{peer / seconds:.1f}× | {difference:.1e} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
