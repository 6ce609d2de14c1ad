#!/usr/bin/env python3
"""Expected focus columns, sequence weights, N_eff, frequencies and PSSMs for the alignments in
Tests/Fixtures/alignments (read by Tests/AlignmentsTests/AlignmentFixtureTests.swift).

References, not re-implementations, wherever the packages have them:
  * reading: EVcouplings 0.2.1's readers (read_fasta, read_stockholm, read_a3m(inserts="first"));
  * encoding: EVcouplings' ALPHABET_PROTEIN map ('-' first) over the focus columns;
  * weights: EVcouplings' own numba `num_cluster_members` (weights = 1 / members, N_eff = sum);
  * frequencies: EVcouplings' `frequencies` (no pseudocount), and logomaker's counts->probability
    transform for the pseudocount (f = (weighted count + λ) / (N_eff + 21 λ)); fields = ln(21 f).
Two choices are plmc's, since EVcouplings fits its models with plmc on the alignment it writes:
focus columns are the focus sequence's uppercase residues (plmc drops lowercase and gap columns),
a lowercase letter in a focus column reads as its residue, and a sequence with a letter outside
the 21 states (X, B, Z, J, O, U) at a focus column is left out (plmc's "valid sequences").
EVcouplings' own Python `Alignment` would map such letters to gaps instead.

Run: /work/main/.venv/bin/python tools/make-alignment-fixtures.py   (pip install evcouplings==0.2.1)
"""
import json
import os
import sys
import types

import numpy as np
import pandas as pd

# evcouplings 0.2.1 imports pkg_resources (gone from recent setuptools) for files it never reads here.
sys.modules.setdefault("pkg_resources", types.SimpleNamespace(resource_filename=lambda *a: None))
from evcouplings.align.alignment import (  # noqa: E402
    ALPHABET_PROTEIN, map_from_alphabet, map_matrix, read_fasta, read_stockholm, read_a3m,
    num_cluster_members, frequencies, parse_header)
import logomaker  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "alignments")
PSEUDOCOUNT = 1.0

CASES = [
    # (name, file, format, focus id or None, identity threshold)
    ("ww-first", "ww-subset.fa", "fasta", None, 0.8),
    ("ww-focus", "ww-subset.fa", "fasta", "B7G9D5/328-356", 0.8),
    ("fn3", "fn3.sto", "stockholm", None, 0.4),
    ("globins-myoglobin", "globins4.sto", "stockholm", "MYG_PHYCA", 0.3),
    ("toy-a2m", "toy.a2m", "a3m", None, 0.8),
    ("toy-a3m", "toy.a3m", "a3m", None, 0.7),
    ("toy-stockholm", "toy-interleaved.sto", "stockholm", None, 0.8),
]


def read(path, fmt):
    with open(path) as f:
        if fmt == "fasta":
            return [(h.split()[0], s) for h, s in read_fasta(l for l in f if not l.startswith("#"))]
        if fmt == "stockholm":
            return list(next(read_stockholm(f)).seqs.items())
        # A2M files whose inserts are not padded read like A3M: '.' removed, inserts of the
        # first (focus) sequence kept, those of the others dropped (they never are focus columns).
        return [(h.split()[0], s) for h, s in read_a3m(f, inserts="first").items()]


def case(name, file, fmt, focus_id, identity):
    records = read(os.path.join(HERE, file), fmt)
    ids = [i for i, _ in records]
    focus = 0 if focus_id is None else next(n for n, i in enumerate(ids) if i.startswith(focus_id))
    focus_row = records[focus][1]
    _, start, _ = parse_header(ids[focus])
    start = start or 1
    columns, positions, residue = [], [], start
    for column, letter in enumerate(focus_row):
        if letter in "-.":
            continue
        if letter.isupper():
            columns.append(column)
            positions.append(residue)
        residue += 1
    rows = [[s[c].upper().replace(".", "-") for c in columns] for _, s in records]
    kept = [n for n, row in enumerate(rows) if all(c in ALPHABET_PROTEIN for c in row)]
    matrix = map_matrix(np.array([rows[n] for n in kept]), map_from_alphabet(ALPHABET_PROTEIN))
    members = num_cluster_members(matrix, identity)
    weights = 1.0 / members
    plain = frequencies(matrix, weights, len(ALPHABET_PROTEIN))
    counts = pd.DataFrame(plain * weights.sum(), columns=list(ALPHABET_PROTEIN))
    with_pseudocount = logomaker.transform_matrix(counts, from_type="counts", to_type="probability",
                                                  pseudocount=PSEUDOCOUNT).values
    return {
        "name": name, "file": file, "focus": focus_id, "identity": identity, "pseudocount": PSEUDOCOUNT,
        "ids": [ids[n] for n in kept],
        "skipped": [ids[n] for n in range(len(ids)) if n not in kept],
        "positions": positions,
        "focusSequence": "".join(focus_row[c] for c in columns),
        "rows": ["".join(rows[n]) for n in kept],
        "clusterSizes": [int(m) for m in members],
        "weights": [float(w) for w in weights],
        "effectiveCount": float(weights.sum()),
        "frequencies": [float(v) for v in plain.ravel()],
        "pssmFrequencies": [float(v) for v in with_pseudocount.ravel()],
        "fields": [float(v) for v in np.log(len(ALPHABET_PROTEIN) * with_pseudocount).ravel()],
    }


def main():
    expected = [case(*c) for c in CASES]
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    for e in expected:
        print(f"{e['name']}: N={len(e['ids'])} (skipped {len(e['skipped'])}) L={len(e['positions'])} N_eff={e['effectiveCount']:.4f}")


if __name__ == "__main__":
    main()
