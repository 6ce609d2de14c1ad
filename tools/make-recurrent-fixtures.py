#!/usr/bin/env python3
"""Recurrent fixtures: tiny nn.LSTM / nn.GRU models (bidirectional, batch_first, two layers,
a DanQ-like conv + BiLSTM) through both PyTorch exporters, and a Keras Bidirectional(LSTM)
through tf2onnx (explicit activations, channels-last input), with onnxruntime's outputs and
autograd input gradients (PyTorch, TensorFlow) as the expected values.

For every case, Tests/Fixtures/recurrent/<case>/ holds
  model.onnx      the export (weights inlined; each file a few KB)
  input.npy       float32 one-hot DNA, (N, 4, L) (Keras: (N, L, 4)), a few all-zero ("N") columns
  expected.npy    onnxruntime's output for input.npy
  seed.npy        the output gradient the saliency is taken for (fixed, non-uniform)
  saliency.npy    d Σ(seed ⊙ output) / d input, by torch.autograd (Keras: tf.GradientTape)

Keras 3 GRUs are not among them: tf2onnx 1.17 writes them as a Loop, not a GRU node.
  meta.json       description, exporter, layout, op histogram, input/output names

Usage:  .venv/bin/python tools/make-recurrent-fixtures.py [--out DIR]
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import sys
import tempfile
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "Tests", "Fixtures", "recurrent")
LENGTH = 24
BATCH = 2


class DanQLike(nn.Module):
    """Conv1d(4→8, k5) + ReLU + MaxPool(3) + BiLSTM(hidden 6, batch_first) + Linear(all steps → 3)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 8, 5)
        self.pool = nn.MaxPool1d(3)
        self.lstm = nn.LSTM(8, 6, batch_first=True, bidirectional=True)
        steps = (LENGTH - 4) // 3
        self.head = nn.Linear(steps * 12, 3)

    def forward(self, x):
        h = self.pool(torch.relu(self.conv(x))).transpose(1, 2)
        y, _ = self.lstm(h)
        return self.head(y.flatten(1))


class StackedLSTM(nn.Module):
    """Two-layer unidirectional LSTM, sequence-first; the last step's output → Linear(2)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, num_layers=2)
        self.head = nn.Linear(5, 2)

    def forward(self, x):
        y, _ = self.lstm(x.permute(2, 0, 1))
        return self.head(y[-1])


class BiGRU(nn.Module):
    """Bidirectional GRU, batch_first, mean over time → Linear(2)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, batch_first=True, bidirectional=True)
        self.head = nn.Linear(12, 2)

    def forward(self, x):
        y, _ = self.gru(x.transpose(1, 2))
        return self.head(y.mean(1))


class StackedGRUFinalState(nn.Module):
    """Two-layer bidirectional GRU; the final states h_n (Y_h) of the top layer → Linear(2)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 5, num_layers=2, bidirectional=True)
        self.head = nn.Linear(10, 2)

    def forward(self, x):
        _, h = self.gru(x.permute(2, 0, 1))
        return self.head(torch.cat([h[-2], h[-1]], dim=1))


MODELS = {
    "danq_bilstm": (DanQLike, 1),
    "lstm_2layer": (StackedLSTM, 2),
    "gru_bidirectional_batch_first": (BiGRU, 3),
    "gru_2layer_final_state": (StackedGRUFinalState, 4),
}


def build(name: str) -> nn.Module:
    cls, seed = MODELS[name]
    torch.manual_seed(seed)
    model = cls()
    gen = torch.Generator().manual_seed(100 + seed)
    with torch.no_grad():
        for p in model.parameters():  # larger than PyTorch's init, so gates saturate sometimes
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)
    return model.eval()


def one_hot(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, size=(BATCH, LENGTH))].transpose(0, 2, 1).copy()
    for i in range(BATCH):
        x[i, :, rng.choice(LENGTH, size=2, replace=False)] = 0.0
    return x


def export(model, x, path, exporter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter == "legacy":
            torch.onnx.export(model, (torch.from_numpy(x),), path, dynamo=False, opset_version=17,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        else:
            from torch.export import Dim
            prog = torch.onnx.export(model, (torch.from_numpy(x),), dynamo=True,
                                     input_names=["input"], output_names=["output"],
                                     dynamic_shapes={"x": {0: Dim("batch", min=1, max=4096)}})
            prog.save(path, external_data=False)


def seed_weights(shape) -> np.ndarray:
    count = int(np.prod(shape))
    return ((np.arange(count) * 7919 + 13) % 101 / 101 - 0.5).astype(np.float32).reshape(shape)


def write_case(directory, m, x, expected, weights, saliency, meta) -> None:
    os.makedirs(directory)
    onnx.save(m, os.path.join(directory, "model.onnx"))
    np.save(os.path.join(directory, "input.npy"), x)
    np.save(os.path.join(directory, "expected.npy"), expected.astype(np.float32))
    np.save(os.path.join(directory, "seed.npy"), weights)
    np.save(os.path.join(directory, "saliency.npy"), saliency.astype(np.float32))
    with open(os.path.join(directory, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(directory, f)) for f in os.listdir(directory))
    print(f"{os.path.basename(directory):<40} {size / 1e3:6.1f} KB  ops {meta['op_histogram']}")


def keras_case(out: str) -> None:
    """Keras Bidirectional(LSTM(6)) + Dense(2) on (N, L, 4), converted by tf2onnx."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    import tf2onnx

    inp = tf.keras.Input((LENGTH, 4), name="input")
    hidden = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(6, return_sequences=True))(inp)
    model = tf.keras.Model(inp, tf.keras.layers.Dense(2)(tf.keras.layers.Flatten()(hidden)))
    rng = np.random.default_rng(5)
    for w in model.weights:
        w.assign(rng.normal(0, 0.5, w.shape).astype(np.float32))
    x = one_hot(5).transpose(0, 2, 1).copy()
    m, _ = tf2onnx.convert.from_keras(model, input_signature=(tf.TensorSpec((None, LENGTH, 4), tf.float32, name="input"),), opset=17)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = model(xt)
        weights = seed_weights(y.shape)
        objective = tf.reduce_sum(y * weights)
    saliency = tape.gradient(objective, xt).numpy()
    expected = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]
    difference = float(np.abs(expected - y.numpy()).max())
    if difference > 1e-4:
        raise SystemExit(f"keras: tensorflow and onnxruntime disagree by {difference:.2e}")
    ops = collections.Counter(n.op_type for n in m.graph.node)
    meta = dict(description=keras_case.__doc__, exporter="tf2onnx", layout="channels-last",
                input_name="input", output_name=m.graph.output[0].name,
                opset=next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")),
                op_histogram=dict(sorted(ops.items())), max_tensorflow_ort_difference=difference,
                tensorflow=tf.__version__, tf2onnx=tf2onnx.__version__, onnxruntime=ort.__version__)
    write_case(os.path.join(out, "keras_bilstm_tf2onnx"), m, x, expected, weights, saliency, meta)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    torch.set_num_threads(1)
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    for name, (_, seed) in MODELS.items():
        model = build(name)
        x = one_hot(seed)
        xt = torch.from_numpy(x).requires_grad_(True)
        y = model(xt)
        weights = seed_weights(tuple(y.shape))
        (y * torch.from_numpy(weights)).sum().backward()
        saliency = xt.grad.numpy()
        for exporter in ("legacy", "dynamo"):
            case = f"{name}_{exporter}"
            with tempfile.TemporaryDirectory() as tmp:
                raw = os.path.join(tmp, "model.onnx")
                export(model, x, raw, exporter)
                m = onnx.load(raw)
            ops = collections.Counter(n.op_type for n in m.graph.node)
            if not ({"LSTM", "GRU"} & set(ops)):
                raise SystemExit(f"{case}: the export has no LSTM or GRU node ({dict(ops)})")
            expected = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]
            difference = float(np.abs(expected - y.detach().numpy()).max())
            if difference > 1e-4:
                raise SystemExit(f"{case}: torch and onnxruntime disagree by {difference:.2e}")
            meta = dict(description=(MODELS[name][0].__doc__ or "").strip(), exporter=exporter, layout="channels-first",
                        input_name="input", output_name=m.graph.output[0].name,
                        opset=next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")),
                        op_histogram=dict(sorted(ops.items())), max_torch_ort_difference=difference,
                        torch=torch.__version__, onnxruntime=ort.__version__)
            write_case(os.path.join(args.out, case), m, x, expected, weights, saliency, meta)
    keras_case(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
