#!/usr/bin/env python3
"""Potts-model reference fixtures (issue 16, items 3 and 5): plmc's parameter file for a
small WW-domain alignment, and EVcouplings 0.2.1's own numbers read from that file.

plmc is the peer, built from debbiemarkslab/plmc in /tmp (never committed), e.g.
  git -C MIRROR archive HEAD | tar x -C /tmp/plmc && cd /tmp/plmc &&
  gcc src/lib/twister.c src/lib/lbfgs.c src/plm.c src/inference.c src/weights.c src/main.c \
      -o bin/plmc -fopenmp -std=c99 -lm -O3 -msse4.2
It runs as EVcouplings runs it (couplings/protocol.py): focus mode, theta 0.8 (plmc -t 0.2),
lambda_h 0.01, lambda_J 0.01 times (q - 1)(L - 1), gaps modelled, at most 100 iterations.

Tests/Fixtures/potts/ then holds
  ww-small.fa           the first 300 sequences of logomaker's Pfam WW alignment (RP15), the
                        first 12 alignment columns less those where the focus (first) sequence
                        has a gap; one sequence gets an 'X' so that plmc skips it
  ww-small.params       plmc's parameter file (plmc_v2, float32)
  ww-small.columns      each valid sequence's focus columns as letters, one line each (how
                        tests build an EncodedAlignment without an alignment reader)
  ww-small.weights      plmc's sequence weights (--save-weights: 1 / neighbours, 0 for skipped)
  ww-small.json         EVcouplings' CouplingsModel of ww-small.params: header numbers,
                        delta_hamiltonian of singles, doubles and triples (full, J, h), fn and
                        cn scores of every pair i < j, single-site frequencies
  pssm-small.params     a site-independent model in the same format (J = 0), written by
                        EVcouplings' CouplingsModel.to_file from ww-small.params with J_ij
                        zeroed, to check that a file with no couplings reads as a PSSM

Usage:  .venv/bin/python tools/make-potts-fixtures.py --plmc /tmp/plmc/bin/plmc [--out DIR]
        .venv/bin/python tools/make-potts-fixtures.py --check FILE.params
          (reads a seqlens-written parameter file with EVcouplings and prints its header,
          three delta_hamiltonians and the top contacts: EVcouplings reads our files)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WW = os.path.join(REPO, ".venv/lib/python3.11/site-packages/logomaker/examples/datafiles/ww_sequences.fa")
if not os.path.exists(WW):
    WW = "/work/main/.venv/lib/python3.11/site-packages/logomaker/examples/datafiles/ww_sequences.fa"

SEQUENCES = 300
COLUMNS = 12
FOCUS = "B7G9D5"
SKIPPED = 7  # this sequence gets an 'X': plmc skips it and writes weight 0


def read_fasta(path):
    records, name = [], None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if line.startswith(">"):
                name = line[1:]
                records.append([name, ""])
            else:
                records[-1][1] += line
    return records


def write_alignment(path):
    records = read_fasta(WW)[:SEQUENCES]
    # plmc numbers focus columns by alignment column, EVcouplings and seqlens by residue: the
    # same numbers once the focus sequence has no gap or insert column, as in EVcouplings' own
    # focus alignments.
    focus = records[0][1][:COLUMNS]
    kept = [i for i, c in enumerate(focus) if c not in ".-"]
    with open(path, "w") as f:
        for n, (name, sequence) in enumerate(records):
            sequence = "".join(sequence[i] for i in kept)
            if n == SKIPPED:
                sequence = sequence[:3] + "X" + sequence[4:]
            f.write(f">{name}\n{sequence}\n")
    return records


def focus_length(path):
    """L for the lambda_J scaling: the focus sequence's uppercase letters, the model's columns
    (EVcouplings counts the first sequence's uppercase and gap characters: the same number on
    the focus alignments its pipeline writes, where the focus comes first with no gaps)."""
    sequence = read_fasta(path)[0][1]
    return sum(1 for c in sequence if c.isupper())


def run_plmc(plmc, alignment, params, weights, threads=1):
    q, length = 21, focus_length(alignment)
    lambda_j = 0.01 * (q - 1) * (length - 1)
    command = [plmc, "-o", params, "--save-weights", weights, "-f", FOCUS, "-t", "0.2",
               "-lh", "0.01", "-le", str(lambda_j), "-m", "100", "-n", str(threads), alignment]
    subprocess.run(command, check=True, capture_output=True)
    return lambda_j


def evcouplings_numbers(params):
    from evcouplings.couplings.model import CouplingsModel
    model = CouplingsModel(params)
    target = "".join(model.target_seq)
    positions = [int(p) for p in model.index_list]
    alphabet = "".join(model.alphabet)
    rng = np.random.default_rng(16)

    def random_mutant(k):
        sites = sorted(rng.choice(len(positions), size=k, replace=False))
        substitutions = []
        for i in sites:
            letters = [a for a in alphabet if a != target[i]]
            substitutions.append((positions[i], target[i], str(rng.choice(letters))))
        return substitutions

    mutants = [[(positions[i], target[i], a)] for i in range(len(positions)) for a in alphabet if a != target[i]]
    mutants += [random_mutant(2) for _ in range(12)] + [random_mutant(3) for _ in range(6)]
    effects = []
    for substitutions in mutants:
        full, couplings, fields = model.delta_hamiltonian(substitutions)
        name = ",".join(f"{w}{p}{m}" for p, w, m in substitutions)
        effects.append({"mutant": name, "delta": float(full), "deltaJ": float(couplings), "deltaH": float(fields)})
    pairs = [{"i": positions[i], "j": positions[j], "fn": float(model.fn_scores[i, j]), "cn": float(model.cn_scores[i, j])}
             for i in range(model.L - 1) for j in range(i + 1, model.L)]
    return model, {
        "L": int(model.L), "q": int(model.num_symbols), "N_valid": int(model.N_valid), "N_invalid": int(model.N_invalid),
        "num_iter": int(model.num_iter), "theta": float(model.theta), "lambda_h": float(model.lambda_h),
        "lambda_J": float(model.lambda_J), "lambda_group": float(model.lambda_group), "N_eff": float(model.N_eff),
        "alphabet": alphabet, "target_seq": target, "index_list": positions,
        "weights": [float(w) for w in model.weights],
        "f_i": [float(x) for x in model.f_i.ravel()],
        "effects": effects, "pairs": pairs,
    }


def check(params):
    model, numbers = evcouplings_numbers(params)
    header = {k: numbers[k] for k in ["L", "q", "N_valid", "N_invalid", "num_iter", "theta", "lambda_h", "lambda_J", "N_eff", "alphabet", "target_seq"]}
    print(json.dumps(header))
    for effect in numbers["effects"][:3]:
        print(effect)
    print(model.ecs.head(5).to_string(index=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plmc", default="/tmp/potts-plmc/bin/plmc")
    parser.add_argument("--out", default=os.path.join(REPO, "Tests/Fixtures/potts"))
    parser.add_argument("--check", help="read a parameter file with EVcouplings and print a summary")
    args = parser.parse_args()
    if args.check:
        check(args.check)
        return

    os.makedirs(args.out, exist_ok=True)
    alignment = os.path.join(args.out, "ww-small.fa")
    params = os.path.join(args.out, "ww-small.params")
    weights = os.path.join(args.out, "ww-small.weights")
    write_alignment(alignment)
    run_plmc(args.plmc, alignment, params, weights)

    model, numbers = evcouplings_numbers(params)
    with open(os.path.join(args.out, "ww-small.json"), "w") as f:
        json.dump(numbers, f, indent=1)
        f.write("\n")

    # Focus columns of the valid sequences, in plmc's reading: '.' is a gap, lowercase is upper.
    records = read_fasta(alignment)
    focus = next(s for name, s in records if name.startswith(FOCUS))
    keep = [i for i, c in enumerate(focus) if c.isupper()]
    with open(os.path.join(args.out, "ww-small.columns"), "w") as f:
        for name, sequence in records:
            columns = "".join(sequence[i].upper().replace(".", "-") for i in keep)
            if all(c in "-ACDEFGHIKLMNPQRSTVWY" for c in sequence.upper().replace(".", "-")):
                f.write(columns + "\n")

    model.J_ij[:] = 0
    model.to_file(os.path.join(args.out, "pssm-small.params"))
    print(f"wrote {args.out}: L={numbers['L']} N={numbers['N_valid']}+{numbers['N_invalid']} N_eff={numbers['N_eff']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
