#!/usr/bin/env python3
"""Global importance analysis throughput: `seqlens gia` vs tangermeme's marginalize, same model,
same thread count, one run each.

  * marginal   one motif consensus centred in 1,000 uniform random backgrounds:
      - seqlens     `seqlens gia MODEL --pattern P --n 1000 --batch 64 --threads T -o gi.tsv`
                    (wall clock of the whole command: process start, model load, making the
                    backgrounds, 2,000 forward passes, TSV);
      - tangermeme  marginalize(model, X, P, batch_size=64) on 1,000 numpy uniform backgrounds
                    (made beforehand, not timed), torch.set_num_threads(T).
  * positions  the same motif at every 10th start (20 starts) in 100 backgrounds:
      - seqlens     `seqlens gia ... --analysis positions --step 10 --n 100`;
      - tangermeme  marginalize once per start (its API places one motif per call).
The backgrounds differ (each tool draws its own), so the GIs are compared through their 95 %
intervals, not equality (tests/fixtures check equality on shared backgrounds).

The PyTorch model is bench/ism.py's OnnxTorch interpreter of the ONNX file, checked against
onnxruntime first.

  .venv/bin/python bench/gia.py --threads 1 2
"""
from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ism import DEFAULT_BIN, REPO, check_torch_vs_ort, find_seqlens, header, one_hot, random_sequences, run_seqlens, torch_model_for  # noqa: E402

MODEL = os.path.join(REPO, "sample-models", "multitask-deep-exp.onnx")
PATTERN = "TTGCGCAAT"  # CEBPB MA0466.4's consensus
TASK = "CEBPB"


def seqlens_gi(path: str, task: str) -> tuple[float, float, float]:
    with open(path) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["task"] == task:
                return float(row["gi"]), float(row["lower"]), float(row["upper"])
    raise SystemExit(f"no {task} row in {path}")


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_seqlens(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one seqlens command."""
    cpu = child_cpu()
    wall = run_seqlens(cmd)
    return wall, child_cpu() - cpu


def timed_python(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def summary(d: np.ndarray) -> tuple[float, float, float]:
    mean, half = d.mean(), 1.959964 * d.std(ddof=1) / np.sqrt(len(d))
    return float(mean), float(mean - half), float(mean + half)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--binary", default=DEFAULT_BIN)
    args = parser.parse_args()
    import torch
    from tangermeme.marginalize import marginalize

    binary = find_seqlens(args.binary)
    model, how = torch_model_for(MODEL)
    check_torch_vs_ort(model, MODEL, 200)
    tasks = [t for t in __import__("json").load(open(MODEL.replace(".onnx", ".json")))["tasks"]]
    task = tasks.index(TASK)
    torch.set_num_interop_threads(1)
    X = torch.from_numpy(one_hot(random_sequences(1000, 200, seed=14)))
    print(header(binary, ["tangermeme"]))
    print(f"model {os.path.relpath(MODEL, REPO)} ({how}), pattern {PATTERN} ({TASK})\n")
    print("| analysis | threads | seqlens s (CPU s) | tangermeme s (CPU s) | ratio, wall (CPU) | seqlens GI [95 %] | tangermeme GI [95 %] |")
    print("|---|---:|---:|---:|---:|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "gi.tsv")
        for threads in args.threads:
            torch.set_num_threads(threads)
            base = [binary, "gia", MODEL, "--pattern", PATTERN, "--batch", "64", "--threads", str(threads), "-o", out]
            fmt = lambda g: f"{g[0]:.3f} [{g[1]:.3f}, {g[2]:.3f}]"
            row = lambda ours, theirs: (f"{ours[0]:.2f} ({ours[1]:.2f}) | {theirs[0]:.2f} ({theirs[1]:.2f}) | "
                                        f"{theirs[0] / ours[0]:.1f} ({theirs[1] / ours[1]:.1f})")
            ours = timed_seqlens(base + ["--n", "1000"])
            gi = seqlens_gi(out, TASK)
            result = {}
            with torch.no_grad():
                theirs = timed_python(lambda: result.update(y=marginalize(model, X, PATTERN, batch_size=64)))
            before, after = result["y"]
            print(f"| marginal, 1,000 backgrounds | {threads} | {row(ours, theirs)} | {fmt(gi)} | {fmt(summary((after - before)[:, task].numpy()))} |")

            ours = timed_seqlens(base + ["--n", "100", "--analysis", "positions", "--step", "10"])
            with torch.no_grad():
                theirs = timed_python(lambda: [marginalize(model, X[:100], PATTERN, start=p, batch_size=64) for p in range(0, 200 - len(PATTERN) + 1, 10)])
            print(f"| positions, 20 starts × 100 backgrounds | {threads} | {row(ours, theirs)} | | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
