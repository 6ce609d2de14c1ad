#!/usr/bin/env python3
"""Writes Tests/Fixtures/tomtom: a small target database (the first 40 JASPAR 2026 vertebrate
motifs), six query motifs, and memelite 0.5's tomtom results for every query-target pair
(defaults: 100 score bins, 1000 median bins, 100 target hashing bins, both strands).

Motifs are read back from the MEME text written here and each column is divided by its sum
(added in letter order), as seqlens' motif parser does, so both sides compare the same doubles.
Run from the repository root with the project venv: .venv/bin/python tools/make-tomtom-fixtures.py
"""
import json
import os
import warnings

import numpy
from memelite import tomtom

OUT = "Tests/Fixtures/tomtom"
JASPAR = "assets/motifs/JASPAR2026_CORE_vertebrates.meme"


def read_meme(path):
    """[(name, (w, 4) array)] from MEME text: the rows of four numbers after each MOTIF line."""
    motifs = []
    for line in open(path):
        parts = line.split()
        if line.startswith("MOTIF"):
            motifs.append((" ".join(parts[1:]), []))
        elif motifs and len(parts) == 4 and not line.startswith("letter"):
            motifs[-1][1].append([float(x) for x in parts])
    return [(name, numpy.array(rows)) for name, rows in motifs]


def write_meme(path, motifs):
    with open(path, "w") as out:
        out.write("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\n"
                  "Background letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n")
        for name, pwm in motifs:
            out.write("MOTIF {}\nletter-probability matrix: alength= 4 w= {} nsites= 20 E= 0\n"
                      .format(name, len(pwm)))
            for row in pwm:
                out.write(" " + "  ".join("{:.6f}".format(v) for v in row) + "\n")
            out.write("\n")


def normalised(pwm):
    """(4, w) float64, each column divided by its sum added in letter order (as Motif.init)."""
    columns = []
    for row in pwm:
        total = 0.0
        for v in row:
            total += float(v)
        columns.append([float(v) / total for v in row])
    return numpy.ascontiguousarray(numpy.array(columns, dtype=numpy.float64).T)


def main():
    rng = numpy.random.RandomState(7)
    jaspar = read_meme(JASPAR)
    targets = jaspar[:40]
    rc = lambda pwm: pwm[::-1, ::-1]
    queries = [
        ("copy_of_target_3", targets[3][1]),
        ("reverse_of_target_10_trimmed", rc(targets[10][1])[1:-1]),
        ("random_width_8", rng.dirichlet([0.5] * 4, size=8)),
        ("short_width_3", targets[20][1][2:5]),
        ("two_targets_joined", numpy.concatenate([targets[5][1], targets[6][1]])),
        ("outside_database", jaspar[500][1]),
    ]
    write_meme(os.path.join(OUT, "targets.meme"), targets)
    write_meme(os.path.join(OUT, "queries.meme"), queries)

    Ts = [normalised(pwm) for _, pwm in read_meme(os.path.join(OUT, "targets.meme"))]
    Qs = [normalised(pwm) for _, pwm in read_meme(os.path.join(OUT, "queries.meme"))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, score, offset, overlap, strand = tomtom(Qs, Ts)
    result = {"queries": [
        {"name": name, "p": p[i].tolist(), "score": score[i].astype(int).tolist(),
         "offset": offset[i].astype(int).tolist(), "overlap": overlap[i].astype(int).tolist(),
         "strand": strand[i].astype(int).tolist()}
        for i, (name, _) in enumerate(queries)]}
    with open(os.path.join(OUT, "memelite-tomtom.json"), "w") as out:
        json.dump(result, out, indent=0)


if __name__ == "__main__":
    main()
