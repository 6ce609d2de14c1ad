#!/usr/bin/env python3
"""Greedy and beam substitution design: `seqlens design` vs tangermeme 1.6's
greedy_substitution / beam_substitution, one run each at the same thread count.

Each tool raises one task's logit (the model with its final Sigmoid removed: near 0 and 1
probabilities saturate, and candidate edits can differ by less than float32 rounding, which
would leave the tools' choices to rounding)
over --edits rounds (tol 0, so the budget is what stops both) for each of --records random
sequences; seconds are wall clock, seqlens's
whole command included (model load, FASTA, output). The PyTorch model carries the ONNX
file's weights (bench/ism.py's OnnxTorch interpreter, checked against onnxruntime first),
and the designed sequences of the two tools are compared.

Not idle-guarded like bench/ism.py: run it on a quiet machine, or read its numbers as a
shared machine's (it prints the load average).

  .venv/bin/python bench/design.py --threads 1
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ism import DEFAULT_BIN, REPO, check_torch_vs_ort, find_seqlens, one_hot, random_sequences, torch_model_for, write_fasta  # noqa: E402
from tangermeme.design import beam_substitution, greedy_substitution  # noqa: E402


def write_logits_model(path: str, out: str) -> None:
    """The model without its final Sigmoid: the Sigmoid's input becomes the output."""
    m = onnx.load(path)
    last = m.graph.node[-1]
    assert last.op_type == "Sigmoid" and last.output[0] == m.graph.output[0].name, "expects a final Sigmoid"
    m.graph.node.remove(last)
    for node in m.graph.node:
        node.output[:] = [m.graph.output[0].name if o == last.input[0] else o for o in node.output]
    onnx.save(m, out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=os.path.join(REPO, "sample-models", "multitask-deep-relu.onnx"))
    parser.add_argument("--task", type=int, default=1)
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--records", type=int, default=4)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--binary", default=DEFAULT_BIN)
    args = parser.parse_args()
    binary = find_seqlens(args.binary)
    torch.set_num_threads(args.threads)
    tmp_dir = tempfile.TemporaryDirectory()
    logits = os.path.join(tmp_dir.name, "logits.onnx")
    write_logits_model(args.model, logits)
    model, how = torch_model_for(logits)
    diff = check_torch_vs_ort(model, logits, args.length)
    seqs = random_sequences(args.records, args.length, seed=11)
    x = torch.from_numpy(one_hot(seqs))
    with torch.no_grad():
        tasks = model(x[:1]).shape[1]
    mask = torch.zeros(tasks, dtype=torch.bool)
    mask[args.task] = True
    print(f"# {os.path.basename(args.model)} ({how}, |torch − ort| {diff:.1e}), task {args.task}, L {args.length}, "
          f"{args.records} records, {args.edits} edits, {args.threads} thread(s), load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        fasta = os.path.join(tmp, "in.fa")
        write_fasta(fasta, seqs)
        for beam in (1, args.beam):
            start = time.perf_counter()
            designed = []
            for i in range(args.records):
                if beam == 1:
                    out = greedy_substitution(model, x[i:i + 1], output_mask=mask, tol=0, max_iter=args.edits, device="cpu")
                else:
                    out = beam_substitution(model, x[i:i + 1], output_mask=mask, beam_size=beam, tol=0, max_iter=args.edits, device="cpu")
                designed.append(out[0].argmax(0).numpy())
            tangermeme_seconds = time.perf_counter() - start
            out_fa = os.path.join(tmp, f"out{beam}.fa")
            cmd = [binary, "design", logits, fasta, "--target", str(args.task), "--maximize", "--beam", str(beam),
                   "--max-edits", str(args.edits), "--tolerance", "0", "--threads", str(args.threads),
                   "-o", os.path.join(tmp, "e.tsv"), "--fasta-out", out_fa]
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            seqlens_seconds = time.perf_counter() - start
            ours = []
            for line in open(out_fa).read().splitlines():
                if line.startswith(">"):
                    ours.append("")
                else:
                    ours[-1] += line
            same = sum("".join("ACGT"[j] for j in d) == o for d, o in zip(designed, ours))
            label = "greedy" if beam == 1 else f"beam {beam}"
            print(f"| {label} | {seqlens_seconds:.2f} s | {tangermeme_seconds:.2f} s | {tangermeme_seconds / seqlens_seconds:.1f}× | "
                  f"{same} of {args.records} designs identical |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
