#!/usr/bin/env python3
"""Writes Tests/Fixtures/seqlets/recursive-seqlets.json: small float32 projected attributions
(4 examples x 120 positions, noise with planted positive spans) and tangermeme 1.6's
recursive_seqlets calls on them with its defaults and with other documented settings.

Run from the repository root: .venv/bin/python tools/make-seqlet-fixtures.py
"""
import json

import numpy
from tangermeme.seqlet import recursive_seqlets

OUT = "Tests/Fixtures/seqlets/recursive-seqlets.json"


def main():
    rng = numpy.random.RandomState(11)
    X = rng.normal(0, 0.05, size=(4, 120)).astype(numpy.float32)
    for example, start, width, height in [(0, 20, 8, 0.6), (0, 70, 12, 0.4), (1, 5, 6, 0.8),
                                          (2, 100, 10, 0.5), (2, 40, 5, 0.3), (3, 60, 20, 0.25)]:
        X[example, start:start + width] += numpy.float32(height) * rng.uniform(0.5, 1.5, width).astype(numpy.float32)

    settings = [
        {"threshold": 0.01, "min_seqlet_len": 4, "max_seqlet_len": 25, "additional_flanks": 0},
        {"threshold": 0.05, "min_seqlet_len": 3, "max_seqlet_len": 12, "additional_flanks": 2},
        {"threshold": 1e-4, "min_seqlet_len": 5, "max_seqlet_len": 30, "additional_flanks": 0},
    ]
    runs = []
    for setting in settings:
        frame = recursive_seqlets(X, **setting)
        runs.append({"settings": setting, "seqlets": [
            [int(r["example_idx"]), int(r["start"]), int(r["end"]), float(r["attribution"]), float(r["p-value"])]
            for _, r in frame.iterrows()]})
    with open(OUT, "w") as out:
        json.dump({"attributions": [[float(v) for v in row] for row in X], "runs": runs}, out)


if __name__ == "__main__":
    main()
