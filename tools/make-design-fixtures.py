#!/usr/bin/env python3
"""Design references (issue 13, item 5): tangermeme 1.6's greedy_substitution and
beam_substitution on a small PyTorch CNN exported to ONNX, for `seqlens design`.

Tests/Fixtures/design/ holds
  model.onnx      conv 4->8 k7 + ReLU, conv 8->8 k5 + ReLU, maxpool 4, dense 2, sigmoid;
                  channels-first, length 40, legacy exporter (opset 17), dynamic batch
  input.fa        the starting sequences (one has an N, which every base substitutes)
  expected.json   per case: the call (task, goal, beam, max_iter, tol, input_mask), and
                  tangermeme's answer: for greedy, the edit and the prediction after each
                  round; for beam, the designed sequence and its prediction after
                  max_iter = 1, 2, ... (the beam's best member need not descend from the
                  previous round's best, so there is no single edit path to compare)

tangermeme's y=None scores -mean(output[output_mask]) and so only maximizes; a case that
minimizes runs it on the negated model (the same search on -f). The script checks that
no round was decided by a near tie (a gap under 1e-4 between the best and next-best
candidate), which float32 differences between torch and seqlens could flip.

Usage:  .venv/bin/python tools/make-design-fixtures.py [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np
import onnxruntime as ort
import torch
import torch.nn as nn
from tangermeme.design import beam_substitution, greedy_substitution
from tangermeme.predict import predict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(REPO, "Tests", "Fixtures", "design")
LENGTH = 40
ALPHABET = "ACGT"
SEED = 3
TIE_GAP = 1e-4


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 8, 7, padding=3)
        self.conv2 = nn.Conv1d(8, 8, 5, padding=2)
        self.pool = nn.MaxPool1d(4)
        self.dense = nn.Linear(8 * LENGTH // 4, 2)

    def forward(self, x):
        h = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        return torch.sigmoid(self.dense(self.pool(h).flatten(1)))


class Task(nn.Module):
    """One task of the model, negated to minimize: tangermeme's y=None maximizes the mean."""
    def __init__(self, body, task, sign):
        super().__init__()
        self.body, self.task, self.sign = body, task, sign

    def forward(self, x):
        return self.sign * self.body(x)[:, self.task:self.task + 1]


def decode(x: torch.Tensor) -> str:
    x = x[0]
    return "".join(ALPHABET[int(x[:, p].argmax())] if x[:, p].sum() > 0 else "N" for p in range(x.shape[1]))


def encode(text: str) -> torch.Tensor:
    x = torch.zeros(1, 4, len(text))
    for p, c in enumerate(text):
        if c in ALPHABET:
            x[0, ALPHABET.index(c), p] = 1
    return x


def edits_between(before: str, after: str) -> list[str]:
    return [f"{p}:{a}>{b}" for p, (a, b) in enumerate(zip(before, after)) if a != b]


def target(model, x) -> float:
    return float(predict(model, x, batch_size=64, device="cpu", verbose=False)[0, 0])


def tie_gap(model, x: torch.Tensor, mask: torch.Tensor) -> float:
    """The gap between the best and next-best single substitution's score."""
    scores = []
    for p in torch.where(mask)[0].tolist():
        for b in range(4):
            if x[0, b, p] == 1:
                continue
            y = x.clone()
            y[0, :, p] = 0
            y[0, b, p] = 1
            scores.append(target(model, y))
    scores.sort(reverse=True)
    return scores[0] - scores[1]


def greedy_case(name, body, sequence, task, goal, max_iter, tol, mask):
    sign = 1.0 if goal == "maximize" else -1.0
    model = Task(body, task, sign).eval()
    x0 = encode(sequence)
    input_mask = torch.tensor(mask)
    # Greedy is deterministic: the run with max_iter = k extends the run with k - 1.
    steps, previous = [], sequence
    for k in range(1, max_iter + 1):
        x = greedy_substitution(model, x0, input_mask=input_mask, tol=tol, max_iter=k, device="cpu")
        designed = decode(x)
        edits = edits_between(previous, designed)
        if not edits:
            break
        assert len(edits) == 1, edits
        gap = tie_gap(model, encode(previous), input_mask)
        assert gap > TIE_GAP, f"{name}: round {k} decided by a near tie ({gap})"
        steps.append(dict(edit=edits[0], prediction=sign * target(model, x)))
        previous = designed
    return dict(name=name, search="greedy", task=task, goal=goal, beam=1, max_iter=max_iter, tol=tol,
                mask=mask, start=sign * target(model, x0), steps=steps)


def beam_case(name, body, sequence, task, goal, beam, max_iter, tol, mask):
    sign = 1.0 if goal == "maximize" else -1.0
    model = Task(body, task, sign).eval()
    x0 = encode(sequence)
    rounds = []
    for k in range(1, max_iter + 1):
        x = beam_substitution(model, x0, beam_size=beam, input_mask=torch.tensor(mask), tol=tol,
                              max_iter=k, device="cpu")
        designed = decode(x)
        rounds.append(dict(max_iter=k, sequence=designed, edits=edits_between(sequence, designed),
                           prediction=sign * target(model, x)))
    return dict(name=name, search="beam", task=task, goal=goal, beam=beam, max_iter=max_iter, tol=tol,
                mask=mask, start=sign * target(model, x0), rounds=rounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    body = SmallCNN().eval()
    with torch.no_grad():  # He-normal weights: PyTorch's default init flattens the outputs
        for m in body.modules():
            if isinstance(m, (nn.Conv1d, nn.Linear)):
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * (2.0 / m.weight[0].numel()) ** 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
    path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(body, (torch.zeros(1, 4, LENGTH),), path, dynamo=False, opset_version=17,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})

    rng = np.random.default_rng(SEED)
    sequences = ["".join(rng.choice(list(ALPHABET), LENGTH)) for _ in range(2)]
    sequences[0] = sequences[0][:5] + "N" + sequences[0][6:]
    with open(os.path.join(args.out, "input.fa"), "w") as f:
        for i, s in enumerate(sequences):
            f.write(f">seq{i}\n{s}\n")

    # onnxruntime agrees with torch on the starting sequences (the export is faithful).
    session = ort.InferenceSession(path)
    x = torch.cat([encode(s) for s in sequences]).numpy()
    assert np.allclose(session.run(None, {"input": x})[0], body(torch.from_numpy(x)).detach().numpy(), atol=1e-6)

    everywhere = [True] * LENGTH
    frozen = [not 10 <= p < 20 for p in range(LENGTH)]  # --freeze 10:20
    cases = [
        greedy_case("greedy_max_task0", body, sequences[0], 0, "maximize", 8, 1e-3, everywhere),
        greedy_case("greedy_min_task1_frozen", body, sequences[1], 1, "minimize", 6, 1e-3, frozen),
        greedy_case("greedy_max_task1_tol", body, sequences[0], 1, "maximize", 30, 0.02, everywhere),
        beam_case("beam3_max_task1", body, sequences[1], 1, "maximize", 3, 4, 1e-3, everywhere),
        beam_case("beam4_min_task0_frozen", body, sequences[0], 0, "minimize", 4, 4, 1e-3, frozen),
    ]
    meta = dict(
        description="tangermeme 1.6 greedy_substitution / beam_substitution with single-base motifs "
                    "(motifs=None), y=None, on one task of model.onnx; tools/make-design-fixtures.py",
        tangermeme=__import__("tangermeme").__version__, torch=torch.__version__,
        sequences=dict(seq0=sequences[0], seq1=sequences[1]), record=dict(greedy_max_task0="seq0",
            greedy_min_task1_frozen="seq1", greedy_max_task1_tol="seq0", beam3_max_task1="seq1", beam4_min_task0_frozen="seq0"),
        cases=cases)
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(meta, f, indent=1)
    for case in cases:
        if case["search"] == "greedy":
            print(case["name"], case["start"], [(s["edit"], round(s["prediction"], 5)) for s in case["steps"]])
        else:
            print(case["name"], case["start"], [(r["edits"], round(r["prediction"], 5)) for r in case["rounds"]])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
