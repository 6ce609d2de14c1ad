#!/usr/bin/env python3
"""DeepSHAP throughput: `seqlens attr --method deepshap` vs tangermeme 1.6's deep_lift_shap,
same model weights, same references, same thread count.

Both get the SAME references: 20 dinucleotide shuffles per sequence made once by tangermeme's
dinucleotide_shuffle (not timed), given to seqlens as `--references refs.npy` (N, K, 4, L) and to
tangermeme as its `references` tensor, so both do exactly the same work and their numbers can be
compared (max |seqlens − tangermeme| / max |tangermeme|).
  * seqlens     wall clock of the whole command (process start, model load, FASTA, .npy write),
                `--batch B` pairs per pass;
  * tangermeme  deep_lift_shap(model, X, references=refs, batch_size=B, device="cpu") after one
                warm-up call, torch.set_num_threads(T); the model is built beforehand (not timed).
One run per row (no idle-machine wait: the load average at the start is recorded).

  .venv/bin/python bench/make-bench-models.py      # bench/models/*.onnx and *.pt, once
  .venv/bin/python bench/deepshap.py --threads 1 2
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ism import DEFAULT_BIN, HERE, find_seqlens, load_bench_models_module, one_hot, random_sequences, write_fasta  # noqa: E402

# name, sequences, pairs per batch
MODELS = [("basset-L1000", 8, 32), ("multitask-deep-L200", 64, 64)]
SHUFFLES = 20


def main() -> int:
    from tangermeme.deep_lift_shap import deep_lift_shap
    from tangermeme.ersatz import dinucleotide_shuffle
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1])
    ap.add_argument("--seqlens", default=DEFAULT_BIN)
    args = ap.parse_args()
    binary = find_seqlens(args.seqlens)
    torch.set_num_interop_threads(1)
    bench_models = load_bench_models_module()
    tmp = tempfile.mkdtemp(prefix="seqlens-deepshap-bench-")
    rows = ["| model | L | sequences × references | threads | seqlens s | tangermeme s | tangermeme ÷ seqlens (time) | max rel diff | load avg |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, n, batch in MODELS:
        path = os.path.join(HERE, "models", name + ".onnx")
        model = bench_models.torch_model(name).eval()
        length = int(name.split("-L")[1])
        seqs = random_sequences(n, length, 11)
        fasta, refs_path, out = (os.path.join(tmp, f"{name}.{ext}") for ext in ("fa", "refs.npy", "out.npy"))
        write_fasta(fasta, seqs)
        X = torch.from_numpy(one_hot(seqs))
        refs = dinucleotide_shuffle(X, n=SHUFFLES, random_state=0)
        np.save(refs_path, refs.numpy().astype(np.float32))
        for threads in args.threads:
            load = os.getloadavg()[0]
            cmd = [binary, "attr", path, fasta, "--method", "deepshap", "--references", refs_path, "--batch", str(batch),
                   "--threads", str(threads), "-o", out]
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            seqlens_seconds = time.perf_counter() - t
            if proc.returncode != 0:
                raise SystemExit(proc.stderr)
            print(proc.stderr.strip().splitlines()[-1], file=sys.stderr)
            torch.set_num_threads(threads)
            for p in model.parameters():
                p.requires_grad_(False)
            deep_lift_shap(model, X[:1], references=refs[:1], batch_size=batch, device="cpu")  # warm-up
            t = time.perf_counter()
            expected = deep_lift_shap(model, X, references=refs, batch_size=batch, device="cpu").numpy()
            tangermeme_seconds = time.perf_counter() - t
            actual = np.load(out)
            diff = float(np.abs(actual - expected).max() / np.abs(expected).max())
            rows.append(f"| {name} | {length} | {n} × {SHUFFLES} | {threads} | {seqlens_seconds:.2f} | {tangermeme_seconds:.2f} | "
                        f"{tangermeme_seconds / seqlens_seconds:.2f} | {diff:.1e} | {load:.1f} |")
            print(rows[-1], flush=True)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
