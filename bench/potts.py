#!/usr/bin/env python3
"""Potts model fitting: `seqlens msa-fit` vs plmc (the binary EVcouplings runs) on the same
alignment, same weights (80 % identity), same lambda_h = 0.01 and lambda_J = 0.01 (q - 1)(L - 1),
same iteration cap, at 1 and 2 threads (issue 16, item 6).

The alignment is logomaker's Pfam WW-domain alignment (RP15, 4,025 sequences; comment lines
removed so that plmc reads it), focus B7G9D5 (its first sequence, L = 31 focus columns).

  * seqlens   `seqlens msa-fit ww.fa --focus B7G9D5 --threads T --iterations I -o ww.params`:
              wall clock of the whole command (reading, weights, fit, writing).
  * plmc      `plmc -o ww.params -f B7G9D5 -t 0.2 -lh 0.01 -le LJ -m I -n T ww.fa`, built with
              OpenMP from debbiemarkslab/plmc in /tmp (see tools/make-potts-fixtures.py); what
              EVcouplings' couplings protocol runs.

Each is run --repeats times; the medians of wall clock and CPU time (user + system, all threads)
are printed. Both parameter files are then read with EVcouplings' CouplingsModel (which shows
that it reads seqlens's file) and compared: the largest difference of the couplings in the
zero-sum gauge, of the CN scores, and the overlap of the top-L contacts by CN.

  swift build -c release --product seqlens
  .venv/bin/python bench/potts.py --plmc /tmp/potts-plmc/bin/plmc
"""
import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
WW = os.path.join(HERE, "..", ".venv/lib/python3.11/site-packages/logomaker/examples/datafiles/ww_sequences.fa")
if not os.path.exists(WW):
    WW = "/work/main/.venv/lib/python3.11/site-packages/logomaker/examples/datafiles/ww_sequences.fa"
FOCUS = "B7G9D5"


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, repeats):
    walls, cpus = [], []
    for _ in range(repeats):
        cpu, start = children_cpu(), time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        cpus.append(children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plmc", default="/tmp/potts-plmc/bin/plmc")
    parser.add_argument("--seqlens", default=os.path.join(HERE, "..", ".build/release/seqlens"))
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    folder = tempfile.mkdtemp()
    alignment = os.path.join(folder, "ww.fa")
    with open(WW) as source, open(alignment, "w") as f:
        f.writelines(line for line in source if not line.startswith("#") and line.strip())
    with open(alignment) as f:
        f.readline()
        length = sum(1 for c in f.readline().strip() if c.isupper())
    lambda_j = 0.01 * 20 * (length - 1)
    print(f"WW domain: {alignment}, L = {length}, lambda_J = {lambda_j:g}, at most {args.iterations} iterations, "
          f"median of {args.repeats}")

    files = {}
    for threads in (1, 2):
        ours = os.path.join(folder, f"seqlens-{threads}.params")
        theirs = os.path.join(folder, f"plmc-{threads}.params")
        seqlens = timed([args.seqlens, "msa-fit", alignment, "--focus", FOCUS, "--threads", str(threads),
                         "--iterations", str(args.iterations), "-o", ours], args.repeats)
        plmc = timed([args.plmc, "-o", theirs, "-f", FOCUS, "-t", "0.2", "-lh", "0.01", "-le", str(lambda_j),
                      "-m", str(args.iterations), "-n", str(threads), alignment], args.repeats)
        print(f"{threads} thread{'s' if threads > 1 else ' '}: seqlens {seqlens[0]:6.2f} s wall {seqlens[1]:6.2f} s CPU | "
              f"plmc {plmc[0]:6.2f} s wall {plmc[1]:6.2f} s CPU | seqlens/plmc wall {seqlens[0] / plmc[0]:.2f}")
        files[threads] = (ours, theirs)

    warnings.simplefilter("ignore")
    from evcouplings.couplings.model import CouplingsModel, _zero_sum_gauge
    ours, theirs = (CouplingsModel(path) for path in files[1])
    # The same columns; plmc numbers them by alignment column, seqlens by residue (they differ
    # where the focus has insert columns, as in this alignment).
    assert ours.L == theirs.L and "".join(ours.target_seq) == "".join(theirs.target_seq)
    upper = np.triu_indices(ours.L, 1)
    j_ours, j_theirs = _zero_sum_gauge(ours.J_ij)[upper], _zero_sum_gauge(theirs.J_ij)[upper]
    cn_ours, cn_theirs = ours.cn_scores[upper], theirs.cn_scores[upper]
    top = lambda cn: set(np.argsort(-cn)[:ours.L])
    print(f"EVcouplings reads both: N_eff {ours.N_eff:.2f} vs {theirs.N_eff:.2f}; max |J_ours - J_plmc| "
          f"{np.abs(j_ours - j_theirs).max():.2e} (max |J| {np.abs(j_theirs).max():.2f}); max |CN diff| "
          f"{np.abs(cn_ours - cn_theirs).max():.2e}; top-L contacts shared {len(top(cn_ours) & top(cn_theirs))}/{ours.L}")


if __name__ == "__main__":
    main()
