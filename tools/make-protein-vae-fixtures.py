#!/usr/bin/env python3
"""Fixtures for the ww-vae sample model (tools/train-protein-vae.py), read by Swift tests.

  Tests/Fixtures/sample-models/ww-vae/  meta.json, expected.npy: onnxruntime's ELBO of the
                                        records of assets/sequences/ww.fa (what `predict` gives)
  Tests/Fixtures/ww-vae/ism.npy         float32 (1, 21, L): PyTorch's ELBO(mutant) - ELBO(wild
                                        type) for every single substitution (gap included) of
                                        the first record, 0 at the wild-type letter
  Tests/Fixtures/ww-vae/meta.json       what was computed, and how

PyTorch's numbers come from the VAE of tools/train-protein-vae.py loaded with the weights and
the K samples stored in the shipped ONNX file, evaluated in float64, so they check both the
export and seqlens' engine.

Usage:  .venv/bin/python tools/make-protein-vae-fixtures.py
"""
from __future__ import annotations

import importlib.util
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(REPO, "sample-models/ww-vae.onnx")
SEQUENCES = os.path.join(REPO, "assets/sequences/ww.fa")
SAMPLE_FIXTURE = os.path.join(REPO, "Tests/Fixtures/sample-models/ww-vae")
FIXTURE = os.path.join(REPO, "Tests/Fixtures/ww-vae")

spec = importlib.util.spec_from_file_location("train_protein_vae", os.path.join(REPO, "tools/train-protein-vae.py"))
trainer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(trainer)
ALPHABET = trainer.ALPHABET


def read_fasta(path: str) -> tuple[list[str], list[str]]:
    ids, seqs = [], []
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            ids.append(line[1:].split()[0])
            seqs.append("")
        elif line:
            seqs[-1] += line
    return ids, seqs


def vae_from_onnx(path: str, length: int) -> tuple[torch.nn.Module, torch.Tensor]:
    """The trainer's VAE with the ONNX file's weights; the decoder's Linear weights were
    exported transposed as the right operands of its two MatMul nodes."""
    model = onnx.load(path)
    weights = {i.name: torch.tensor(numpy_helper.to_array(i)) for i in model.graph.initializer}
    matmuls = [n.input[1] for n in model.graph.node if n.op_type == "MatMul"]
    vae = trainer.VAE(length).double()
    state = {name.removeprefix("vae."): weights[name] for name in weights if name.startswith("vae.")}
    state["decoder.0.weight"] = weights[matmuls[0]].T
    state["decoder.2.weight"] = weights[matmuls[1]].T
    vae.load_state_dict(state)
    return vae.eval(), weights["eps"].double()


def main() -> None:
    ids, seqs = read_fasta(SEQUENCES)
    length = len(seqs[0])
    x = torch.tensor(trainer.one_hot(trainer.encode(seqs, list(range(length)))))
    expected = ort.InferenceSession(MODEL, providers=["CPUExecutionProvider"]).run(None, {"input": x.numpy()})[0]
    os.makedirs(SAMPLE_FIXTURE, exist_ok=True)
    np.save(os.path.join(SAMPLE_FIXTURE, "expected.npy"), expected.astype(np.float32))
    with open(os.path.join(SAMPLE_FIXTURE, "meta.json"), "w") as f:
        json.dump({"model": "sample-models/ww-vae.onnx", "external_data": None, "fasta": "assets/sequences/ww.fa",
                   "records": len(ids), "record_ids": ids, "tasks": ["elbo"], "alphabet": "protein",
                   "input_length": length, "layout": "channels-first", "input_name": "input", "output_name": "elbo",
                   "encoding": "one-hot (N, 21, L) float32, channels -ACDEFGHIKLMNPQRSTVWY (gap first)",
                   "expected": f"expected.npy: float32 ({len(ids)}, 1), onnxruntime CPU ELBO for the FASTA records in file order",
                   "tolerance": 0.0001, "onnxruntime": ort.__version__}, f, indent=2)
        f.write("\n")

    vae, eps = vae_from_onnx(MODEL, length)
    wild_type = trainer.encode([seqs[0]], list(range(length)))[0]
    mutants = np.repeat(wild_type[None], len(ALPHABET) * length, axis=0)
    for c in range(len(ALPHABET)):
        for l in range(length):
            mutants[c * length + l, l] = c
    with torch.no_grad():
        reference = vae.elbo(torch.tensor(trainer.one_hot(wild_type[None])).double(), eps).item()
        elbo = vae.elbo(torch.tensor(trainer.one_hot(mutants)).double(), eps).squeeze(1).numpy()
    ism = (elbo - reference).reshape(1, len(ALPHABET), length).astype(np.float32)
    torch_vs_ort = float(abs(reference - expected[0, 0]))
    print(f"ELBO of {ids[0]}: PyTorch float64 {reference:.6f}, onnxruntime {expected[0, 0]:.6f}; ISM range "
          f"[{ism.min():.3f}, {ism.max():.3f}]")
    assert torch_vs_ort < 1e-4
    os.makedirs(FIXTURE, exist_ok=True)
    np.save(os.path.join(FIXTURE, "ism.npy"), ism)
    with open(os.path.join(FIXTURE, "meta.json"), "w") as f:
        json.dump({"model": "sample-models/ww-vae.onnx", "fasta": "assets/sequences/ww.fa", "record": ids[0],
                   "ism": f"ism.npy: float32 (1, 21, {length}), ELBO(mutant) - ELBO(wild type) for every letter of "
                          "-ACDEFGHIKLMNPQRSTVWY at every position of the record, from PyTorch (float64) with the "
                          "ONNX file's weights and K samples; exactly 0 at the wild-type letter",
                   "reference_elbo": reference, "torch": torch.__version__, "tolerance": 0.0001}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
