#!/usr/bin/env python3
"""Writes Tests/Fixtures/creme/: CREME's tile tests (Toneyan & Koo 2024) on the zoo's Enformer
(Tests/Fixtures/zoo/enformer-pytorch), computed with numpy and onnxruntime, for `TileTests` to match.

The shuffles come from tangermeme's dinucleotide_shuffle and are written into shuffles.fa, so the
Swift test feeds the very same sequences: `background_k` (the whole sequence shuffled) and
`tile_t_k` (the letters of tile t shuffled). Per tile, on the target (output:track=1,bins=12):
  necessity   = f(x) - mean_k f(x with tile t := tile_t_k)
  sufficiency = mean_k [f(background_k with tile t := x's tile t) - f(background_k)]
  context     = necessity - sufficiency
with population standard deviations (numpy's std) of f(x with the tile shuffled) and of the rises.
Run from the repository root: `.venv/bin/python tools/make-creme-fixtures.py`.
"""
import json
import os
import numpy
import onnxruntime
import torch
from tangermeme.ersatz import dinucleotide_shuffle
from tangermeme.utils import one_hot_encode

ZOO = "Tests/Fixtures/zoo/enformer-pytorch"
OUT = "Tests/Fixtures/creme"
TILE, SHUFFLES = 32, 3


def decode(x):
    return "".join("ACGT"[i] for i in x.argmax(axis=0))


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = json.load(open(f"{ZOO}/meta.json"))
    sequence = meta["sequences"][0]
    target = meta["target"]["index"]
    session = onnxruntime.InferenceSession(f"{ZOO}/model.onnx", providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    def predict(sequences):
        x = numpy.stack([one_hot_encode(s).numpy().T for s in sequences]).astype(numpy.float32)  # (N, L, 4)
        return session.run(None, {name: x})[0].reshape(len(sequences), -1)[:, target].astype(numpy.float64)

    x = one_hot_encode(sequence).unsqueeze(0)
    backgrounds = [decode(b) for b in dinucleotide_shuffle(x, n=SHUFFLES, random_state=1)[0].numpy()]
    tiles = [(s, min(s + TILE, len(sequence))) for s in range(0, len(sequence), TILE)]
    shuffled = []
    for t, (s, e) in enumerate(tiles):
        piece = one_hot_encode(sequence[s:e]).unsqueeze(0)
        shuffled.append([decode(p) for p in dinucleotide_shuffle(piece, n=SHUFFLES, random_state=100 + t)[0].numpy()])

    with open(f"{OUT}/shuffles.fa", "w") as f:
        f.write(f">sequence\n{sequence}\n")
        for k, b in enumerate(backgrounds):
            f.write(f">background_{k}\n{b}\n")
        for t, pieces in enumerate(shuffled):
            for k, p in enumerate(pieces):
                f.write(f">tile_{t}_{k}\n{p}\n")

    reference = predict([sequence])[0]
    base = predict(backgrounds)
    rows = []
    for (s, e), pieces in zip(tiles, shuffled):
        necessity = predict([sequence[:s] + p + sequence[e:] for p in pieces])
        sufficiency = predict([b[:s] + sequence[s:e] + b[e:] for b in backgrounds]) - base
        rows.append((s, e, reference - necessity.mean(), necessity.std(), sufficiency.mean(), sufficiency.std(),
                     reference - necessity.mean() - sufficiency.mean()))
    with open(f"{OUT}/enformer-tiles.tsv", "w") as f:
        f.write(f"# reference {float(reference)!r} background {float(base.mean())!r} shuffles {SHUFFLES}\n")
        f.write("start\tend\tnecessity\tnecessity_sd\tsufficiency\tsufficiency_sd\tcontext\n")
        for r in rows:
            f.write("\t".join(repr(float(v)) if isinstance(v, (float, numpy.floating)) else str(v) for v in r) + "\n")
    print(open(f"{OUT}/enformer-tiles.tsv").read())


if __name__ == "__main__":
    main()
