#!/usr/bin/env python3
"""Motif scanning: `seqlens scan` vs memelite's fimo, every motif of JASPAR 2026 (1,019) over a
random sequence of --megabases Mb (seeded), both strands, p < 1e-4, at the same thread count.

  * seqlens   `seqlens scan MOTIFS FASTA --threads T -o hits.tsv`: wall clock of the whole command
              (motif and FASTA reading, p-value tables, scan, q-values, TSV writing).
  * memelite  `fimo(motifs, FASTA)` in this process with numba at T threads, after a warm-up call on
              a small sequence (numba's compilation is cached and excluded): p-value tables, FASTA
              reading and scan, returning DataFrames; no q-values, no file. The motifs are read
              beforehand and normalised as seqlens holds them (tools/make-scan-fixtures.py).

The hit counts of both are printed (they must agree). One run each. Wall clock and CPU time
(user + system, all threads) are both reported: on the shared 2-core machine the wall clock
depends on what else runs, the CPU time much less.

  swift build -c release --product seqlens
  .venv/bin/python bench/scan.py --threads 2
"""
import argparse
import os
import resource
import subprocess
import tempfile
import time

import numpy

MOTIFS = "assets/motifs/JASPAR2026_CORE_vertebrates.meme"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabases", type=float, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--seqlens", default=".build/release/seqlens")
    args = parser.parse_args()
    os.environ["NUMBA_NUM_THREADS"] = str(args.threads)
    import numba
    from memelite import fimo
    import importlib.util
    spec = importlib.util.spec_from_file_location("fixtures", os.path.join(os.path.dirname(__file__), "..", "tools", "make-scan-fixtures.py"))
    fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixtures)

    numba.set_num_threads(args.threads)
    folder = tempfile.mkdtemp()
    fasta = os.path.join(folder, "random.fa")
    length = int(args.megabases * 1_000_000)
    letters = numpy.frombuffer(b"ACGT", dtype=numpy.uint8)[numpy.random.default_rng(args.seed).integers(0, 4, length)]
    with open(fasta, "wb") as f:
        f.write(b">random\n")
        for i in range(0, length, 80):
            f.write(letters[i:i + 80].tobytes() + b"\n")
    small = os.path.join(folder, "small.fa")
    with open(small, "w") as f:
        f.write(">small\n" + "ACGT" * 250 + "\n")

    def children_cpu():
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    start, cpu = time.perf_counter(), children_cpu()
    out = os.path.join(folder, "hits.tsv")
    subprocess.run([args.seqlens, "scan", MOTIFS, fasta, "--threads", str(args.threads), "-o", out], check=True)
    seqlens_seconds, seqlens_cpu = time.perf_counter() - start, children_cpu() - cpu
    with open(out) as f:
        seqlens_hits = sum(1 for _ in f) - 1

    motifs = fixtures.normalised_motifs(MOTIFS)
    fimo(motifs, small)  # numba compiles (or loads its cache) here, not in the timing
    start, cpu = time.perf_counter(), time.process_time()
    frames = fimo(motifs, fasta)
    memelite_seconds, memelite_cpu = time.perf_counter() - start, time.process_time() - cpu
    memelite_hits = sum(len(frame) for frame in frames)

    print("| input | threads | seqlens wall | memelite wall | ratio | seqlens CPU | memelite CPU | ratio | seqlens sites | memelite sites |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.megabases:g} Mb × 1,019 motifs, both strands | {args.threads} | {seqlens_seconds:.1f} s | {memelite_seconds:.1f} s "
          f"| {memelite_seconds / seqlens_seconds:.2f} | {seqlens_cpu:.1f} s | {memelite_cpu:.1f} s | {memelite_cpu / seqlens_cpu:.2f} "
          f"| {seqlens_hits:,} | {memelite_hits:,} |")


if __name__ == "__main__":
    main()
