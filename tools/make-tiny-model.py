#!/usr/bin/env python3
"""Train the tiny bundled sample model sample-models/tiny-motifs.onnx.

Synthetic 200-nt DNA (uniform background). Two tasks, each labelled by whether the
sequence actually contains the motif on either strand (checked by scanning, so chance
occurrences in the background are labelled correctly):
  GATA  - "AGATAA" (reverse complement "TTATCT")
  Ebox  - "CACGTG" (palindromic)
About half of the training sequences get each motif planted at a random position and
strand. A small CNN (conv k13 / pool 4, conv k5 / pool 5, dense 32, 2 sigmoid outputs)
is trained for a fixed number of epochs (~15 s on 2 idle CPU threads) with fixed seeds, exported with the
legacy exporter (opset 17, dynamic batch) and described by a sidecar model card.

Writes:
  sample-models/tiny-motifs.onnx   metadata_props: tasks, alphabet, description
  sample-models/tiny-motifs.json   model card
  sample-models/tiny-motifs.fa     8 example sequences (ids tell what they carry)

Usage:  .venv/bin/python tools/make-tiny-model.py [--epochs 12]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO, "sample-models")
LENGTH = 200
ALPHABET = "ACGT"
TASKS = ["GATA", "Ebox"]
MOTIFS = {"GATA": "AGATAA", "Ebox": "CACGTG"}
DESCRIPTION = ("Tiny demo CNN trained on synthetic 200-nt DNA to detect a GATA motif (AGATAA) "
               "and an E-box (CACGTG); not a biological model.")
COMPLEMENT = str.maketrans("ACGTacgtNn", "TGCAtgcaNn")


def revcomp(s: str) -> str:
    return s.translate(COMPLEMENT)[::-1]


def contains(seq: str, motif: str) -> bool:
    s = seq.upper()
    return motif in s or revcomp(motif) in s


def random_seq(rng: np.random.Generator, length: int = LENGTH) -> str:
    return "".join(rng.choice(list(ALPHABET), size=length))


def plant(rng: np.random.Generator, seq: str, motif: str, pos: int | None = None,
          strand: str | None = None) -> tuple[str, int, str]:
    strand = strand or ("+" if rng.random() < 0.5 else "-")
    m = motif if strand == "+" else revcomp(motif)
    if pos is None:
        pos = int(rng.integers(0, len(seq) - len(m) + 1))
    return seq[:pos] + m + seq[pos + len(m):], pos, strand


def one_hot(seqs: list[str]) -> np.ndarray:
    lut = np.full(256, -1, dtype=np.int64)
    for i, c in enumerate(ALPHABET):
        lut[ord(c)] = i
        lut[ord(c.lower())] = i
    x = np.zeros((len(seqs), 4, len(seqs[0])), dtype=np.float32)
    for n, s in enumerate(seqs):
        idx = lut[np.frombuffer(s.encode(), dtype=np.uint8)]
        ok = idx >= 0
        x[n, idx[ok], np.nonzero(ok)[0]] = 1.0
    return x


def make_dataset(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    seqs, labels = [], []
    for _ in range(n):
        s = random_seq(rng)
        for t in TASKS:
            if rng.random() < 0.5:
                s, _, _ = plant(rng, s, MOTIFS[t])
        seqs.append(s)
        labels.append([float(contains(s, MOTIFS[t])) for t in TASKS])
    return one_hot(seqs), np.array(labels, dtype=np.float32)


class TinyMotifCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 16, 13, padding=6)
        self.pool1 = nn.MaxPool1d(4)
        self.conv2 = nn.Conv1d(16, 16, 5, padding=2)
        self.pool2 = nn.MaxPool1d(5)
        self.fc1 = nn.Linear(16 * (LENGTH // 20), 32)
        self.fc2 = nn.Linear(32, len(TASKS))

    def logits(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)

    def forward(self, x):
        return torch.sigmoid(self.logits(x))


def auroc(y: np.ndarray, p: np.ndarray) -> float:
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    # average ranks for ties
    _, inv, counts = np.unique(p, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    ranks = (sums / counts)[inv]
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def auprc(y: np.ndarray, p: np.ndarray) -> float:
    order = np.argsort(-p, kind="mergesort")
    y = y[order]
    tp = np.cumsum(y)
    precision = tp / np.arange(1, len(y) + 1)
    return float((precision * y).sum() / max(y.sum(), 1))


def example_records(rng: np.random.Generator) -> list[tuple[str, str]]:
    """Eight example sequences; negatives are re-drawn until they carry neither motif."""

    def clean() -> str:
        while True:
            s = random_seq(rng)
            if not any(contains(s, m) for m in MOTIFS.values()):
                return s

    recs = []
    s, p, st = plant(rng, clean(), MOTIFS["GATA"], 57, "+")
    recs.append((f"pos_gata_1 AGATAA at {p + 1} ({st})", s))
    s, p, st = plant(rng, clean(), MOTIFS["GATA"], 140, "-")
    recs.append((f"pos_gata_2 AGATAA at {p + 1} ({st}, reads TTATCT)", s))
    s, p, st = plant(rng, clean(), MOTIFS["Ebox"], 90, "+")
    recs.append((f"pos_ebox_1 CACGTG at {p + 1}", s))
    s, p, st = plant(rng, clean(), MOTIFS["Ebox"], 23, "+")
    recs.append((f"pos_ebox_2 CACGTG at {p + 1}", s))
    s, p1, _ = plant(rng, clean(), MOTIFS["GATA"], 40, "+")
    s, p2, _ = plant(rng, s, MOTIFS["Ebox"], 150, "+")
    recs.append((f"pos_both_1 AGATAA at {p1 + 1}, CACGTG at {p2 + 1}", s))
    recs.append(("neg_1 no motif", clean()))
    recs.append(("neg_2 no motif", clean()))
    # soft-masked (lowercase) stretch and N bases, carrying an E-box inside the lowercase part
    s, p, _ = plant(rng, clean(), MOTIFS["Ebox"], 110, "+")
    s = s[:100] + s[100:130].lower() + s[130:]
    s = s[:60] + "NNNN" + s[64:180] + "N" + s[181:]
    recs.append((f"pos_ebox_softmasked_N cacgtg at {p + 1} in lowercase 101-130; N at 61-64 and 181", s))
    for rid, seq in recs:
        assert len(seq) == LENGTH, rid
        has = {t: contains(seq, MOTIFS[t]) for t in TASKS}
        assert has["GATA"] == ("gata" in rid or "both" in rid), rid
        assert has["Ebox"] == ("ebox" in rid or "both" in rid), rid
    return recs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=12,
                    help="fixed epoch count (~1 s each on 2 idle cores), so the result is reproducible")
    ap.add_argument("--out", default=OUT_DIR)
    args = ap.parse_args()

    torch.set_num_threads(2)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    t0 = time.time()
    x_train, y_train = make_dataset(rng, 16000)
    x_val, y_val = make_dataset(rng, 2000)
    x_test, y_test = make_dataset(rng, 4000)
    print(f"data: {len(x_train)} train / {len(x_val)} val / {len(x_test)} test, "
          f"positives per task (train) {y_train.mean(0).round(3).tolist()}  [{time.time() - t0:.1f}s]")

    model = TinyMotifCNN()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    gen = torch.Generator().manual_seed(0)
    start = time.time()
    best_state, best_loss = None, float("inf")
    epoch = 0
    while epoch < args.epochs:
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 128):
            idx = perm[i:i + 128]
            loss = F.binary_cross_entropy_with_logits(model.logits(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            vl = F.binary_cross_entropy_with_logits(model.logits(torch.from_numpy(x_val)),
                                                    torch.from_numpy(y_val)).item()
        epoch += 1
        print(f"epoch {epoch:2d}  train loss {loss.item():.4f}  val loss {vl:.4f}  [{time.time() - start:.1f}s]")
        if vl < best_loss:
            best_loss, best_state = vl, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()

    with torch.no_grad():
        p_test = model(torch.from_numpy(x_test)).numpy()
    metrics = {}
    for j, t in enumerate(TASKS):
        metrics[t] = {
            "auroc": round(auroc(y_test[:, j], p_test[:, j]), 4),
            "auprc": round(auprc(y_test[:, j], p_test[:, j]), 4),
            "accuracy": round(float(((p_test[:, j] > 0.5) == (y_test[:, j] == 1)).mean()), 4),
        }
    print("test metrics:", json.dumps(metrics))

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "tiny-motifs.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.from_numpy(x_test[:2]),), onnx_path, dynamo=False,
                          opset_version=17, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    m = onnx.load(onnx_path)
    del m.metadata_props[:]
    for k, v in (("tasks", ",".join(TASKS)), ("alphabet", "DNA"), ("description", DESCRIPTION)):
        m.metadata_props.append(onnx.StringStringEntryProto(key=k, value=v))
    m.doc_string = DESCRIPTION
    onnx.checker.check_model(m)
    onnx.save(m, onnx_path)

    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    p_ort = sess.run(None, {"input": x_test[:256]})[0]
    diff = float(np.abs(p_ort - p_test[:256]).max())
    assert diff < 1e-4, diff

    recs = example_records(np.random.default_rng(1))
    fa_path = os.path.join(args.out, "tiny-motifs.fa")
    with open(fa_path, "w") as f:
        for rid, seq in recs:
            f.write(f">{rid}\n")
            for i in range(0, len(seq), 60):
                f.write(seq[i:i + 60] + "\n")
    p_ex = sess.run(None, {"input": one_hot([s for _, s in recs])})[0]

    card = {
        "name": "tiny-motifs",
        "tasks": TASKS,
        "alphabet": "DNA",
        "description": DESCRIPTION,
        "input_length": LENGTH,
        "layout": "channels-first",
        "output_activation": "sigmoid",
        "dataset": (f"synthetic: {len(x_train)} train / {len(x_val)} validation / {len(x_test)} test "
                    f"uniform-random {LENGTH}-nt sequences; each motif (GATA AGATAA, E-box CACGTG) "
                    "planted at a random position and strand in ~50% of sequences; label = motif "
                    "present on either strand (numpy seed 0)"),
        "architecture": "conv 16x13 + ReLU, maxpool 4, conv 16x5 + ReLU, maxpool 5, dense 32 + ReLU, "
                        "dense 2, sigmoid",
        "training": f"Adam lr 3e-3, batch 128, {epoch} epochs (best validation loss kept), "
                    "torch.manual_seed(0), 2 CPU threads; tools/make-tiny-model.py",
        "test_metrics": metrics,
        "parameters": params,
        "example_predictions": {rid.split()[0]: [round(float(v), 4) for v in row]
                                for (rid, _), row in zip(recs, p_ex)},
        "license": "CC BY 4.0",
    }
    with open(os.path.join(args.out, "tiny-motifs.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")

    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes, {params} parameters, |torch-ort| {diff:.1e})")
    for (rid, _), row in zip(recs, p_ex):
        print(f"  {rid.split()[0]:<24} " + "  ".join(f"{t} {v:.3f}" for t, v in zip(TASKS, row)))
    print(f"total {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
