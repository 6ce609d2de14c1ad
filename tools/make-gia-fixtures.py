#!/usr/bin/env python3
"""Global importance analysis reference fixtures (issue 14, item 6): tangermeme 1.6's
marginalize, space and ablate on the tiny-motifs sample model, with the backgrounds and
shuffles saved so that seqlens runs on the very same sequences.

The model is sample-models/tiny-motifs.onnx run in PyTorch by bench/ism.py's OnnxTorch
interpreter (checked against onnxruntime first). Tests/Fixtures/gia/ then holds
  backgrounds.fa          16 backgrounds of 200 nt: 8 uniform random (numpy seed 14), 8
                          dinucleotide shuffles of neg_1 (tangermeme, random_state 14)
  marginalize_*.npy       y_before / y_after of marginalize(model, X, motif, start), (16, 2)
  space_before.npy        space(model, X, ["AGATAA", "CACGTG"], [[0], [3], [10], [25]]):
  space_after.npy         y_before (16, 2) and y_afters (16, 4, 2), arrangement centred
  ablate_records.fa       pos_gata_1, pos_ebox_1, pos_both_1 from sample-models/tiny-motifs.fa
  ablate_shuffles.fa      the 3 x 8 sequences ersatz.shuffle made of them (random_state 0),
                          record-major: what ablate predicted on
  ablate_before.npy       ablate(...) y_before (3, 2) and y_after (3, 8, 2), region 55:70
  ablate_after.npy
  meta.json               the calls, tangermeme and torch versions

Usage:  .venv/bin/python tools/make-gia-fixtures.py [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch
import tangermeme
from tangermeme.ablate import ablate
from tangermeme.ersatz import dinucleotide_shuffle, shuffle
from tangermeme.marginalize import marginalize
from tangermeme.space import space
from tangermeme.utils import one_hot_encode

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "bench"))
from ism import check_torch_vs_ort, torch_model_for  # noqa: E402

MODEL = os.path.join(REPO, "sample-models", "tiny-motifs.onnx")
ALPHABET = "ACGT"
MARGINALIZE = [  # (name, motif, start)
    ("gata_centre", "AGATAA", None),
    ("ebox_37", "CACGTG", 37),
    ("ebox_spaced_n", "CANNTG", 120),  # N keeps the background's base
]
SPACINGS = [[0], [3], [10], [25]]
ABLATE_RECORDS = ["pos_gata_1", "pos_ebox_1", "pos_both_1"]
ABLATE_REGION = (55, 70)
ABLATE_SHUFFLES = 8


def read_fasta(path: str) -> dict[str, str]:
    records, name = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            name = line[1:].split()[0]
            records[name] = ""
        elif name:
            records[name] += line
    return records


def decode(x: torch.Tensor) -> str:
    return "".join(ALPHABET[int(i)] if col.sum() > 0 else "N" for col, i in zip(x.T, x.argmax(0)))


def write_fasta(path: str, named: list[tuple[str, str]]) -> None:
    with open(path, "w") as f:
        for name, seq in named:
            f.write(f">{name}\n{seq}\n")


def encode(seqs: list[str]) -> torch.Tensor:
    return torch.stack([one_hot_encode(s, alphabet=list(ALPHABET)) for s in seqs]).float()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(REPO, "Tests", "Fixtures", "gia"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model, how = torch_model_for(MODEL)
    check_torch_vs_ort(model, MODEL, 200)

    records = read_fasta(os.path.join(REPO, "sample-models", "tiny-motifs.fa"))
    rng = np.random.default_rng(14)
    uniform = ["".join(rng.choice(list(ALPHABET), 200)) for _ in range(8)]
    shuffled = dinucleotide_shuffle(encode([records["neg_1"]]), n=8, random_state=14)[0]
    backgrounds = uniform + [decode(x) for x in shuffled]
    write_fasta(os.path.join(out, "backgrounds.fa"), [(f"bg{i}", s) for i, s in enumerate(backgrounds)])
    X = encode(backgrounds)

    def save(name: str, array: torch.Tensor) -> None:
        np.save(os.path.join(out, name + ".npy"), array.detach().numpy().astype(np.float32))

    for name, motif, start in MARGINALIZE:
        before, after = marginalize(model, X, motif, start=start)
        save(f"marginalize_{name}_before", before)
        save(f"marginalize_{name}_after", after)

    before, afters = space(model, X, ["AGATAA", "CACGTG"], SPACINGS)
    save("space_before", before)
    save("space_after", afters)

    real = [records[name] for name in ABLATE_RECORDS]
    write_fasta(os.path.join(out, "ablate_records.fa"), list(zip(ABLATE_RECORDS, real)))
    Xr = encode(real)
    start, end = ABLATE_REGION
    before, after = ablate(model, Xr, start, end, n=ABLATE_SHUFFLES, random_state=0)
    shuffles = shuffle(Xr, start=start, end=end, n=ABLATE_SHUFFLES, random_state=0)  # what ablate predicted on
    write_fasta(os.path.join(out, "ablate_shuffles.fa"),
                [(f"{ABLATE_RECORDS[i]}_shuffle{j}", decode(shuffles[i, j])) for i in range(len(real)) for j in range(ABLATE_SHUFFLES)])
    save("ablate_before", before)
    save("ablate_after", after)

    meta = {
        "model": "sample-models/tiny-motifs.onnx (" + how + ")",
        "tangermeme": tangermeme.__version__, "torch": torch.__version__,
        "marginalize": [{"name": n, "motif": m, "start": s} for n, m, s in MARGINALIZE],
        "space": {"motifs": ["AGATAA", "CACGTG"], "spacing": SPACINGS, "start": None},
        "ablate": {"records": ABLATE_RECORDS, "start": start, "end": end, "n": ABLATE_SHUFFLES,
                   "shuffle_fn": "ersatz.shuffle", "random_state": 0},
    }
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print("wrote", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
