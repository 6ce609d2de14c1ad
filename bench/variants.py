#!/usr/bin/env python3
"""Variant scoring throughput: `seqlens variant --vcf` vs tangermeme's substitution_effect,
same model, same thread count, one run each.

3,000 SNVs at random positions of a random 1 Mb chromosome (REF from it, ALT another base),
multitask-deep-relu (L 200, 12 tasks):

  * seqlens     `seqlens variant MODEL --genome G.fa --vcf calls.vcf -o out.tsv --batch 64
                --threads T`, wall clock of the whole command (process start, model load, the
                VCF read twice — a checking pass, then scoring —, windows from the indexed
                genome, TSV), with both strands (its default) and with --no-rc;
  * tangermeme  substitution_effect(model, X, substitutions, batch_size=64) on the windows'
                one-hot X (cut from the genome in numpy beforehand, not timed), on the PyTorch
                CPU model with torch.set_num_threads(T); both strands = a second call whose
                prediction function reverse-complements its input.
Variants per second = 3,000 / wall-clock seconds; per CPU-second = 3,000 / CPU seconds (user +
system: the child's for seqlens, this process's for tangermeme), which a machine shared with
other jobs distorts less. The forward-strand scores are compared (max |Δ| of
every task's alt − ref).

The PyTorch model is bench/ism.py's OnnxTorch interpreter of the ONNX file, checked against
onnxruntime first.

  .venv/bin/python bench/variants.py --threads 1 2
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ism import DEFAULT_BIN, REPO, check_torch_vs_ort, find_seqlens, header, one_hot, run_seqlens, torch_model_for  # noqa: E402

MODEL = os.path.join(REPO, "sample-models", "multitask-deep-relu.onnx")
LENGTH = 200
COUNT = 3000
CHROM_LENGTH = 1_000_000


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--binary", default=DEFAULT_BIN)
    args = parser.parse_args()
    binary = find_seqlens(args.binary)

    import torch
    from tangermeme.predict import predict
    from tangermeme.variant_effect import substitution_effect

    rng = np.random.default_rng(15)
    chrom = rng.integers(0, 4, size=CHROM_LENGTH)
    positions = np.sort(rng.choice(np.arange(LENGTH, CHROM_LENGTH - LENGTH), size=COUNT, replace=False))
    alts = (chrom[positions] + rng.integers(1, 4, size=COUNT)) % 4
    work = tempfile.mkdtemp(prefix="seqlens-variants-bench-")
    genome = os.path.join(work, "genome.fa")
    with open(genome, "w") as f:
        f.write(">chrB\n")
        text = "".join("ACGT"[b] for b in chrom)
        for i in range(0, len(text), 60):
            f.write(text[i:i + 60] + "\n")
    vcf = os.path.join(work, "calls.vcf")
    with open(vcf, "w") as f:
        f.write("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for i, (p, a) in enumerate(zip(positions, alts)):
            f.write(f"chrB\t{p + 1}\tv{i}\t{'ACGT'[chrom[p]]}\t{'ACGT'[a]}\t.\t.\t.\n")
    # Index once, outside the timings.
    subprocess.run([binary, "variant", MODEL, "--genome", genome, "--build-index", "--vcf", vcf, "-o", os.path.join(work, "warm.tsv"), "--threads", "1"], check=True, capture_output=True)

    model = torch_model_for(MODEL)[0]
    diff = check_torch_vs_ort(model, MODEL, LENGTH)
    centre = LENGTH // 2
    X = torch.from_numpy(one_hot(np.stack([chrom[p - centre:p - centre + LENGTH] for p in positions])))
    substitutions = torch.tensor(np.stack([np.arange(COUNT), np.full(COUNT, centre), alts], axis=1))

    def predict_rc(model, X, args=None, **kwargs):
        return predict(model, torch.flip(X, dims=(1, 2)), args=args, **kwargs)

    rows = []
    for threads in args.threads:
        torch.set_num_threads(threads)
        out = os.path.join(work, f"out{threads}.tsv")
        command = [binary, "variant", MODEL, "--genome", genome, "--vcf", vcf, "-o", out, "--batch", "64", "--threads", str(threads)]
        cpu = children_cpu()
        both = run_seqlens(command)
        cpu_both, cpu = children_cpu() - cpu, children_cpu()
        forward = run_seqlens(command + ["--no-rc"])
        cpu_forward = children_cpu() - cpu
        t, c = time.perf_counter(), time.process_time()
        result = substitution_effect(model, X, substitutions, batch_size=64, device="cpu", verbose=False)
        tm_forward, tm_cpu_forward = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        substitution_effect(model, X, substitutions, batch_size=64, device="cpu", verbose=False, func=predict_rc)
        tm_both, tm_cpu_both = tm_forward + time.perf_counter() - t, tm_cpu_forward + time.process_time() - c
        delta = (result.y_after - result.y_before).numpy()
        seqlens_delta = np.loadtxt(out, skiprows=1, usecols=8, delimiter="\t").reshape(COUNT, -1)
        rows.append((threads, both, tm_both, forward, tm_forward, float(np.abs(seqlens_delta - delta).max()),
                     cpu_both, tm_cpu_both, cpu_forward, tm_cpu_forward))

    # Memory stays bounded: the peak RSS of scoring 10× as many variants (a 30,000-line VCF).
    big = os.path.join(work, "big.vcf")
    with open(big, "w") as f:
        f.write("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for i in range(10 * COUNT):
            p = int(rng.integers(LENGTH, CHROM_LENGTH - LENGTH))
            f.write(f"chrB\t{p + 1}\tb{i}\t{'ACGT'[chrom[p]]}\t{'ACGT'[(chrom[p] + 1) % 4]}\t.\t.\t.\n")
    peaks = {}
    for name, path in (("3,000", vcf), ("30,000", big)):
        probe = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        peaks[name] = int(subprocess.run([sys.executable, "-c", probe, binary, "variant", MODEL, "--genome", genome, "--vcf", path, "-o", os.path.join(work, "peak.tsv"), "--no-rc", "--threads", "1"],
                                         check=True, capture_output=True, text=True).stdout) / 1024

    print(header(binary, ["tangermeme"]))
    print(f"{COUNT:,} SNVs, multitask-deep-relu (L {LENGTH}, 12 tasks), batch 64; PyTorch vs onnxruntime max |Δ| {diff:.1e}\n")
    print("| strands | threads | seqlens variants/s | tangermeme variants/s | ratio | seqlens variants/CPU-s | tangermeme variants/CPU-s | max \\|Δ delta\\| |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for threads, both, tm_both, forward, tm_forward, error, cpu_both, tm_cpu_both, cpu_forward, tm_cpu_forward in rows:
        print(f"| both (averaged) | {threads} | {COUNT / both:,.0f} | {COUNT / tm_both:,.0f} | {tm_both / both:.2f} | {COUNT / cpu_both:,.0f} | {COUNT / tm_cpu_both:,.0f} | — |")
        print(f"| forward (--no-rc) | {threads} | {COUNT / forward:,.0f} | {COUNT / tm_forward:,.0f} | {tm_forward / forward:.2f} | {COUNT / cpu_forward:,.0f} | {COUNT / tm_cpu_forward:,.0f} | {error:.1e} |")
    print(f"\nPeak RSS of seqlens (--no-rc, 1 thread): {', '.join(f'{k} SNVs {v:.0f} MiB' for k, v in peaks.items())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
