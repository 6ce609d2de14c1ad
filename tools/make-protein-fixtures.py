#!/usr/bin/env python3
"""Protein model fixtures (issue 16, item 1): two small seeded protein CNNs exported to ONNX,
with reference numbers from onnxruntime (predictions), PyTorch autograd (saliency,
grad x input) and brute-force in-silico saturation mutagenesis through onnxruntime.

Tests/Fixtures/protein/<case>/ holds
  model.onnx        legacy exporter, opset 17, dynamic batch axis, fixed length, no card:
                    seqlens reads the alphabet from the channel count (20 protein, 21 with gap)
  sequences.fa      N = 3 protein records of the model's length; record 0 has an X (an
                    all-zero column), cl21's record 1 a gap '-' (the gap channel, 0)
  input.npy         float32 one-hot in the MODEL's layout
  predictions.npy   (N, T) onnxruntime on input.npy
  saliency.npy      (N, A, L) d output[:, 0] / d input (captum Saliency(abs=False)), alphabet order
  grad_input.npy    (N, A, L) saliency x input (captum InputXGradient)
  ism.npy           (N, A, L, T) output(input with column p set to letter b) - predictions;
                    0 at the present letter, every letter a substitution at the X column

Cases
  cf20   channels-first (N, 20, 32): conv 20->8 k5 'same' -> ReLU -> maxpool 2 -> flatten ->
         dense 2 (regression, two tasks)
  cl21   channels-last (N, 30, 21), alphabet '-ACDEFGHIKLMNPQRSTVWY' (plmc's order): conv
         21->6 k3 'same' -> tanh -> mean over positions -> dense 1 -> Sigmoid

Usage:  .venv/bin/python tools/make-protein-fixtures.py [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np
import onnxruntime as ort
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(os.path.dirname(HERE), "Tests", "Fixtures", "protein")
AMINO = "ACDEFGHIKLMNPQRSTVWY"


class CF20(nn.Module):
    def __init__(self, length=32):
        super().__init__()
        self.conv = nn.Conv1d(20, 8, 5, padding=2)
        self.fc = nn.Linear(8 * (length // 2), 2)

    def forward(self, x):
        x = F.max_pool1d(F.relu(self.conv(x)), 2)
        return self.fc(torch.flatten(x, 1))


class CL21(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(21, 6, 3, padding=1)
        self.fc = nn.Linear(6, 1)

    def forward(self, x):  # (N, L, 21)
        x = torch.tanh(self.conv(x.permute(0, 2, 1)))
        return torch.sigmoid(self.fc(x.mean(dim=2)))


def one_hot(sequence: str, letters: str) -> np.ndarray:
    """(A, L); letters outside the alphabet (X) are all-zero columns."""
    out = np.zeros((len(letters), len(sequence)), dtype=np.float32)
    for i, c in enumerate(sequence):
        if c in letters:
            out[letters.index(c), i] = 1
    return out


def make_case(out: str, name: str, model: nn.Module, letters: str, length: int, layout: str, rng: np.random.Generator):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    model.eval()
    sequences = ["".join(rng.choice(list(AMINO), size=length)) for _ in range(3)]
    sequences[0] = sequences[0][:5] + "X" + sequences[0][6:]
    if "-" in letters:
        sequences[1] = sequences[1][:10] + "-" + sequences[1][11:]
    cf = np.stack([one_hot(s, letters) for s in sequences])  # (N, A, L)
    model_input = cf if layout == "channels-first" else cf.transpose(0, 2, 1).copy()
    example = torch.from_numpy(model_input)
    path = os.path.join(folder, "model.onnx")
    torch.onnx.export(model, (example,), path, dynamo=False, opset_version=17, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})

    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    predict = lambda x: session.run(None, {"input": x.astype(np.float32)})[0]
    predictions = predict(model_input)
    with torch.no_grad():
        assert np.allclose(model(example).numpy(), predictions, atol=1e-5)

    x = example.clone().requires_grad_(True)
    model(x)[:, 0].sum().backward()
    gradient = x.grad.numpy()
    saliency = gradient if layout == "channels-first" else gradient.transpose(0, 2, 1)

    a, tasks = len(letters), predictions.shape[1]
    ism = np.zeros((3, a, length, tasks), dtype=np.float32)
    for n in range(3):
        mutants = []
        for p in range(length):
            for b in range(a):
                m = cf[n].copy()
                m[:, p] = 0
                m[b, p] = 1
                mutants.append(m)
        mutants = np.stack(mutants)
        batch = mutants if layout == "channels-first" else mutants.transpose(0, 2, 1)
        effects = predict(batch) - predictions[n]
        ism[n] = effects.reshape(length, a, tasks).transpose(1, 0, 2)
        for p in range(length):
            present = np.flatnonzero(cf[n][:, p])
            if present.size:
                ism[n, present[0], p, :] = 0  # exactly 0, as seqlens writes it

    with open(os.path.join(folder, "sequences.fa"), "w") as f:
        for i, s in enumerate(sequences):
            f.write(f">p{i}\n{s}\n")
    np.save(os.path.join(folder, "input.npy"), model_input.astype(np.float32))
    np.save(os.path.join(folder, "predictions.npy"), predictions.astype(np.float32))
    np.save(os.path.join(folder, "saliency.npy"), saliency.astype(np.float32))
    np.save(os.path.join(folder, "grad_input.npy"), (saliency * cf).astype(np.float32))
    np.save(os.path.join(folder, "ism.npy"), ism)
    return {"case": name, "layout": layout, "alphabet": letters, "length": length, "tasks": tasks,
            "bytes": os.path.getsize(path), "sequences": sequences}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    torch.manual_seed(16)
    rng = np.random.default_rng(16)
    cases = [make_case(args.out, "cf20", CF20(), AMINO, 32, "channels-first", rng),
             make_case(args.out, "cl21", CL21(), "-" + AMINO, 30, "channels-last", rng)]
    for case in cases:
        print(json.dumps(case))


if __name__ == "__main__":
    main()
