#!/usr/bin/env python3
"""Dependency-map and robustness reference fixtures (issue 13, items 3 and 4).

Tests/Fixtures/dependency/ gets
  model.onnx          a small random-weight CNN (conv 8x7, ReLU, maxpool 4, conv 8x3, ReLU,
                      dense 16, ReLU, dense 2; no final activation), legacy exporter, opset 17
  sequences.fa        two 40-nt records, the second with an N at position 14
  dependency.npy      tangermeme 1.6 dependency_map(model, X, start=10, end=25,
                      func=saturation_mutagenesis, target=1): float32 (2, 40, 15)
  substitutions.npy   the full map from brute-force double mutants through onnxruntime:
                      [n, c, j, b, i] = f(x_ib,jc) - f(x_ib) - f(x_jc) + f(x) for task 1,
                      substituted positions 10..24, 0 where b is the base at i; (2, 4, 40, 4, 15)
  meta.json           the calls and the check that tangermeme's map equals the one the
                      brute-force double mutants give

Tests/Fixtures/robustness/ gets
  curves.npz          labels/scores of a few cases (ties included) with sklearn's roc_auc_score
                      and auc(recall, precision) of precision_recall_curve (the Koo lab's AUPRC)
  stability.npz       a map, noisy copies of it, and numpy's mean Spearman (average ranks) and
                      cosine similarity between the map and each copy

Usage:  .venv/bin/python tools/make-dependency-fixtures.py
"""
from __future__ import annotations

import json
import os

import numpy as np
import onnxruntime as ort
import torch
import torch.nn as nn
from sklearn.metrics import auc, precision_recall_curve, roc_auc_score
from tangermeme.dependency_map import dependency_map
from tangermeme.saturation_mutagenesis import saturation_mutagenesis

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LENGTH, START, END, TARGET = 40, 10, 25, 1
ALPHABET = "ACGT"


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 8, 7, padding=3)
        self.pool = nn.MaxPool1d(4)
        self.conv2 = nn.Conv1d(8, 8, 3, padding=1)
        self.dense1 = nn.Linear(8 * (LENGTH // 4), 16)
        self.dense2 = nn.Linear(16, 2)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = torch.relu(self.conv2(x))
        return self.dense2(torch.relu(self.dense1(x.flatten(1))))


def one_hot(sequence: str) -> np.ndarray:
    x = np.zeros((4, len(sequence)), dtype=np.float32)
    for j, base in enumerate(sequence):
        if base in ALPHABET:
            x[ALPHABET.index(base), j] = 1
    return x


def brute_force_substitutions(session, x: np.ndarray) -> np.ndarray:
    """[c, j, b, i] for task TARGET from full passes over every double mutant."""
    a, length = x.shape
    width = END - START

    def mutated(*edits):
        y = x.copy()
        for position, base in edits:
            y[:, position] = 0
            y[base, position] = 1
        return y

    def observed(position):
        column = x[:, position]
        return int(column.argmax()) if column.sum() == 1 else None

    singles = {(j, c): mutated((j, c)) for j in range(length) for c in range(a)}
    rows = [x] + list(singles.values())
    outputs = session.run(None, {"input": np.stack(rows)})[0][:, TARGET].astype(np.float64)
    f0 = outputs[0]
    f1 = dict(zip(singles.keys(), outputs[1:]))
    result = np.zeros((a, length, a, width), dtype=np.float64)
    for i in range(START, END):
        for b in range(a):
            if b == observed(i):
                continue
            doubles = np.stack([mutated((i, b), (j, c)) for j in range(length) for c in range(a)])
            f2 = session.run(None, {"input": doubles})[0][:, TARGET].astype(np.float64)
            for k, (j, c) in enumerate((j, c) for j in range(length) for c in range(a)):
                result[c, j, b, i - START] = f2[k] - f1[(i, b)] - f1[(j, c)] + f0
    return result


def tangermeme_map_from(substitutions: np.ndarray, x: np.ndarray, ism: np.ndarray) -> np.ndarray:
    """tangermeme's (L, W) map rebuilt from the double mutants, the check that both agree."""
    a, length = x.shape
    width = END - START

    def scores(effects, y):
        return ((effects - effects.mean(axis=0, keepdims=True)) * y).sum(axis=0)

    reference = scores(ism, x)
    result = np.zeros((length, width))
    for i in range(START, END):
        made = 0
        for b in range(a):
            if x[b, i] == 1 and x[:, i].sum() == 1:
                continue
            y = x.copy()
            y[:, i] = 0
            y[b, i] = 1
            effects = ism + substitutions[:, :, b, i - START]
            result[:, i - START] += np.abs(scores(effects, y) - reference)
            made += 1
        result[:, i - START] /= made
    return result


def make_dependency(out: str) -> dict:
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(3)
    model = SmallCNN().eval()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(2.0)
    rng = np.random.default_rng(5)
    sequences = ["".join(rng.choice(list(ALPHABET), LENGTH)) for _ in range(2)]
    sequences[1] = sequences[1][:14] + "N" + sequences[1][15:]
    with open(os.path.join(out, "sequences.fa"), "w") as f:
        for k, s in enumerate(sequences):
            f.write(f">seq{k}\n{s}\n")
    X = np.stack([one_hot(s) for s in sequences])
    path = os.path.join(out, "model.onnx")
    torch.onnx.export(model, (torch.from_numpy(X),), path, dynamo=False, opset_version=17,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    dmap = dependency_map(model, torch.from_numpy(X), start=START, end=END, func=saturation_mutagenesis,
                          target=TARGET, device="cpu").numpy()
    np.save(os.path.join(out, "dependency.npy"), dmap.astype(np.float32))

    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    substitutions = []
    worst = 0.0
    for n in range(len(sequences)):
        full = brute_force_substitutions(session, X[n])
        substitutions.append(full)
        # The sequence's own ISM, then tangermeme's map from the same double mutants.
        singles = []
        for j in range(LENGTH):
            for c in range(4):
                y = X[n].copy()
                y[:, j] = 0
                y[c, j] = 1
                singles.append(y)
        f = session.run(None, {"input": np.stack([X[n]] + singles)})[0][:, TARGET].astype(np.float64)
        ism = (f[1:] - f[0]).reshape(LENGTH, 4).T
        rebuilt = tangermeme_map_from(full, X[n], ism)
        worst = max(worst, float(np.abs(rebuilt - dmap[n]).max() / np.abs(dmap[n]).max()))
    np.save(os.path.join(out, "substitutions.npy"), np.stack(substitutions).astype(np.float32))
    meta = {
        "model": "SmallCNN: conv 8x7 (same), ReLU, maxpool 4, conv 8x3 (same), ReLU, dense 16, ReLU, dense 2; "
                 "torch.manual_seed(3) default init, every parameter doubled",
        "tangermeme": f"dependency_map(model, X, start={START}, end={END}, func=saturation_mutagenesis, target={TARGET})",
        "substitutions": "[n, c, j, b, i] = f(x_ib,jc) - f(x_ib) - f(x_jc) + f(x), onnxruntime, float64 sums",
        "tangermeme_vs_double_mutants_max_relative_difference": worst,
    }
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    return meta


def average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def make_robustness(out: str) -> None:
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(11)
    arrays = {}
    cases = []
    for k, (count, positives, tied) in enumerate([(50, 10, False), (40, 12, True), (30, 3, True), (20, 19, False)]):
        labels = np.zeros(count, dtype=np.float32)
        labels[rng.choice(count, positives, replace=False)] = 1
        scores = (rng.normal(size=count) + labels * 1.2).astype(np.float32)
        if tied:
            scores = np.round(scores * 2) / 2
        precision, recall, _ = precision_recall_curve(labels, scores)
        arrays[f"labels_{k}"] = labels
        arrays[f"scores_{k}"] = scores
        cases.append([roc_auc_score(labels, scores), auc(recall, precision)])
    arrays["expected"] = np.array(cases, dtype=np.float64)
    np.savez(os.path.join(out, "curves.npz"), **arrays)

    reference = rng.normal(size=(4, 30)).astype(np.float32)
    reference[:, :3] = 0  # ties in the per-position scores
    copies = (reference[None] + rng.normal(scale=0.5, size=(5, 4, 30))).astype(np.float32)

    def position_scores(m):
        return np.sqrt((m.astype(np.float64) ** 2).sum(axis=0))

    spearman, cosine = [], []
    for copy in copies:
        r1, r2 = average_ranks(position_scores(reference)), average_ranks(position_scores(copy))
        spearman.append(np.corrcoef(r1, r2)[0, 1])
        u, v = reference.ravel().astype(np.float64), copy.ravel().astype(np.float64)
        cosine.append(u @ v / np.linalg.norm(u) / np.linalg.norm(v))
    np.savez(os.path.join(out, "stability.npz"), reference=reference, copies=copies,
             expected=np.array([np.mean(spearman), np.mean(cosine)]))


def main() -> int:
    meta = make_dependency(os.path.join(REPO, "Tests", "Fixtures", "dependency"))
    print(json.dumps(meta, indent=2))
    make_robustness(os.path.join(REPO, "Tests", "Fixtures", "robustness"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
