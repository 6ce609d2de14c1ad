#!/usr/bin/env python3
"""Parity fixtures: small genomics-style PyTorch models exported to ONNX, with
onnxruntime's outputs on seeded one-hot DNA inputs as the expected values.

For every case, Tests/Fixtures/parity/<case>/ holds
  model.onnx          the exported model (plus model.onnx.data when the weights are external)
  input.npy           float32 one-hot input, (N, 4, L) or (N, L, 4); a few columns are
                      all-zero ("N" bases)
  expected.npy        float32, onnxruntime's first output for input.npy
  meta.json           description, exporter, opset, input/output names, layout, batch,
                      length, plus op_histogram, parameters, seed and max |torch - ort|

Weights are random (seeded); BatchNorm running statistics and affine parameters are
randomised too, so folding them into Conv changes numbers.

Usage:  .venv/bin/python tools/make-parity-fixtures.py [--out DIR] [--only CASE ...]
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import os
import shutil
import sys
import tempfile
import traceback
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "Tests", "Fixtures", "parity")
LEGACY_OPSET = 17


# ------------------------------------------------------------------------- models

def randomize_weights(model: nn.Module, gen: torch.Generator) -> None:
    """He-normal Conv/Linear weights (PyTorch's default init shrinks activations layer
    by layer, which leaves outputs nearly input-independent), small random biases, and
    random BatchNorm statistics and BatchNorm/LayerNorm affine parameters."""
    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            with torch.no_grad():
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * math.sqrt(2.0 / fan_in))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
        if isinstance(m, nn.LayerNorm):
            with torch.no_grad():
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.2)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.1)


class BassetLike(nn.Module):
    """conv 4->32 k19 + BN + ReLU + maxpool 3, conv 32->32 k11 + BN + ReLU + maxpool 4,
    flatten, Linear, ReLU, Linear -> 5 tasks, Sigmoid. bn_after_relu puts BatchNorm after
    the activation, where the exporter cannot fold it into the Conv."""

    def __init__(self, length: int = 200, bn_after_relu: bool = False, hidden: int = 64, tasks: int = 5):
        super().__init__()
        self.bn_after_relu = bn_after_relu
        self.conv1 = nn.Conv1d(4, 32, 19)
        self.bn1 = nn.BatchNorm1d(32)
        self.pool1 = nn.MaxPool1d(3)
        self.conv2 = nn.Conv1d(32, 32, 11, dilation=1)
        self.bn2 = nn.BatchNorm1d(32)
        self.pool2 = nn.MaxPool1d(4)
        l1 = (length - 18) // 3
        l2 = (l1 - 10) // 4
        self.fc1 = nn.Linear(32 * l2, hidden)
        self.fc2 = nn.Linear(hidden, tasks)

    def block(self, x, conv, bn, pool):
        x = conv(x)
        x = bn(F.relu(x)) if self.bn_after_relu else F.relu(bn(x))
        return pool(x)

    def forward(self, x):
        x = self.block(x, self.conv1, self.bn1, self.pool1)
        x = self.block(x, self.conv2, self.bn2, self.pool2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return torch.sigmoid(self.fc2(x))


class ExpActivation(nn.Module):
    """First layer with an exponential activation (Koo & Ploenzke 2021 style):
    conv 4->24 k15 'same', exp, maxpool 4, conv 24->32 k5, ReLU, global max pool,
    Linear -> 2 logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 24, 15, padding=7)
        self.pool1 = nn.MaxPool1d(4)
        self.conv2 = nn.Conv1d(24, 32, 5)
        self.fc = nn.Linear(32, 2)

    def forward(self, x):
        x = self.pool1(torch.exp(self.conv1(x)))
        x = F.relu(self.conv2(x))
        x = torch.amax(x, dim=2)
        return self.fc(x)


class ResidualDilated(nn.Module):
    """conv 4->32 k11 'same', residual block with dilations 2,4,8 (each ReLU -> conv k3
    dilated, padding=dilation -> BN, added to its input), AvgPool1d(10), global average
    pool (length-agnostic), Linear 32->16, ReLU, Linear -> 1 (linear output)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv1d(4, 32, 11, padding=5)
        self.convs = nn.ModuleList([nn.Conv1d(32, 32, 3, dilation=d, padding=d) for d in (2, 4, 8)])
        self.bns = nn.ModuleList([nn.BatchNorm1d(32) for _ in (2, 4, 8)])
        self.pool = nn.AvgPool1d(10)
        self.fc1 = nn.Linear(32, 16)
        self.fc2 = nn.Linear(16, 1)

    def forward(self, x):
        x = self.stem(x)
        for conv, bn in zip(self.convs, self.bns):
            x = x + bn(conv(F.relu(x)))
        x = self.pool(F.relu(x))
        x = x.mean(dim=2)
        return self.fc2(F.relu(self.fc1(x)))


class ChannelsLast(nn.Module):
    """Keras-style: input (N, L, 4); permute to (N, 4, L), conv 4->16 k7 'valid' + ReLU,
    maxpool 2, conv 16->16 k5 + ReLU, permute back to (N, L', C) and flatten in
    channels-last order (as Keras' Flatten does), Dense -> 3, sigmoid."""

    def __init__(self, length: int = 100):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 16, 7)
        self.pool = nn.MaxPool1d(2)
        self.conv2 = nn.Conv1d(16, 16, 5)
        l2 = (length - 6) // 2 - 4
        self.fc = nn.Linear(16 * l2, 3)

    def forward(self, x):
        x = x.permute(0, 2, 1)
        x = self.pool(F.relu(self.conv1(x)))
        x = F.relu(self.conv2(x))
        x = x.permute(0, 2, 1).reshape(x.shape[0], -1)
        return torch.sigmoid(self.fc(x))


class TransformerBlock(nn.Module):
    """conv embedding 4->32 (k7 'same'), permute to (N, L, C), pre-LN single-head
    self-attention (explicit Linear q/k/v, MatMul, Softmax, MatMul, output Linear),
    residual, LayerNorm, GELU MLP 32->64->32, residual, mean over L, Linear -> 3."""

    def __init__(self, d: int = 32):
        super().__init__()
        self.d = d
        self.embed = nn.Conv1d(4, d, 7, padding=3)
        self.ln1 = nn.LayerNorm(d)
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.o = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.mlp1 = nn.Linear(d, 2 * d)
        self.mlp2 = nn.Linear(2 * d, d)
        self.head = nn.Linear(d, 3)

    def forward(self, x):
        x = self.embed(x).permute(0, 2, 1)  # (N, L, C)
        h = self.ln1(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        att = torch.softmax(torch.matmul(q, k.transpose(1, 2)) / math.sqrt(self.d), dim=-1)
        x = x + self.o(torch.matmul(att, v))
        x = x + self.mlp2(F.gelu(self.mlp1(self.ln2(x))))
        return self.head(x.mean(dim=1))


class RNAShort(nn.Module):
    """DeepBind-like RNA-binding model for 41-nt windows: conv 4->16 k9 + ReLU, global max
    pool, Linear 16->32, ReLU, Dropout (gone in eval), Linear -> 1 score."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 16, 9)
        self.fc1 = nn.Linear(16, 32)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(32, 1)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = F.adaptive_max_pool1d(x, 1).flatten(1)
        return self.fc2(self.drop(F.relu(self.fc1(x))))


# -------------------------------------------------------------------------- cases

def case_list():
    return [
        dict(name="basset_folded_b1_L200", build=lambda: BassetLike(200), exporter="legacy",
             layout="channels-first", batch=1, length=200, dyn_len=False, seed=1,
             description="Basset-like CNN (conv k19/pool3, conv k11/pool4, dense 64, 5 sigmoid tasks); "
                         "BatchNorm after Conv, folded by the legacy exporter"),
        dict(name="basset_folded_b16_L200", build=lambda: BassetLike(200), exporter="legacy",
             layout="channels-first", batch=16, length=200, dyn_len=False, seed=1,
             description="same model as basset_folded_b1_L200 at batch 16"),
        dict(name="basset_bn_unfolded_b16_L200", build=lambda: BassetLike(200, bn_after_relu=True),
             exporter="legacy", layout="channels-first", batch=16, length=200, dyn_len=False, seed=2,
             require_ops=["BatchNormalization"],
             description="Basset-like CNN with BatchNorm after ReLU: BatchNormalization stays in the graph"),
        dict(name="exp_activation_b4_L200", build=ExpActivation, exporter="legacy",
             layout="channels-first", batch=4, length=200, dyn_len=True, seed=3,
             require_ops=["Exp"],
             description="exponential activation after the first conv, global max pool, 2 logits"),
        dict(name="residual_dilated_b1_L1000", build=ResidualDilated, exporter="legacy",
             layout="channels-first", batch=1, length=1000, dyn_len=True, seed=4,
             description="residual dilated CNN (dilations 2,4,8, BN folded), AvgPool1d(10), global "
                         "average pool, 1 linear output; dynamic batch and length"),
        dict(name="residual_dilated_b16_L200", build=ResidualDilated, exporter="legacy",
             layout="channels-first", batch=16, length=200, dyn_len=True, seed=4,
             description="same model as residual_dilated_b1_L1000 at batch 16, L=200"),
        dict(name="residual_dilated_b16_L1000", build=ResidualDilated, exporter="legacy",
             layout="channels-first", batch=16, length=1000, dyn_len=True, seed=4,
             description="same model as residual_dilated_b1_L1000 at batch 16, L=1000"),
        dict(name="channels_last_b16_L100", build=lambda: ChannelsLast(100), exporter="legacy",
             layout="channels-last", batch=16, length=100, dyn_len=False, seed=5,
             description="Keras-style channels-last input (N, L, 4), permuted inside the model; "
                         "channels-last flatten before the dense layer; 3 sigmoid tasks"),
        dict(name="transformer_b16_L41", build=TransformerBlock, exporter="legacy",
             layout="channels-first", batch=16, length=41, dyn_len=True, seed=6,
             require_ops=["LayerNormalization", "Softmax", "Erf"],
             description="conv embedding + one pre-LN single-head self-attention block with GELU MLP, "
                         "mean pool, 3 outputs; dynamic batch and length"),
        dict(name="transformer_b1_L100", build=TransformerBlock, exporter="legacy",
             layout="channels-first", batch=1, length=100, dyn_len=True, seed=6,
             description="same model as transformer_b16_L41 at batch 1, L=100"),
        dict(name="rna_short_b1_L41", build=RNAShort, exporter="legacy",
             layout="channels-first", batch=1, length=41, dyn_len=False, seed=7,
             description="DeepBind-like RNA model for 41-nt windows: conv k9, global max pool, "
                         "dense, dropout (eval), 1 score"),
        dict(name="basset_dynamo_external_b16_L200", build=lambda: BassetLike(200), exporter="dynamo",
             layout="channels-first", batch=16, length=200, dyn_len=False, seed=1,
             description="same weights as basset_folded_*, exported by the dynamo exporter with "
                         "external data (model.onnx.data)"),
        dict(name="transformer_dynamo_b16_L41", build=TransformerBlock, exporter="dynamo",
             layout="channels-first", batch=16, length=41, dyn_len=True, seed=6,
             require_ops=["Gelu", "LayerNormalization"],
             description="same weights as transformer_b16_L41, exported by the dynamo exporter "
                         "(opset 20: native Gelu, ReduceMean axes as an input; external data)"),
    ]


# ------------------------------------------------------------------------ helpers

def one_hot_dna(rng: np.random.Generator, batch: int, length: int, layout: str, n_count: int = 3) -> np.ndarray:
    idx = rng.integers(0, 4, size=(batch, length))
    x = np.zeros((batch, 4, length), dtype=np.float32)
    b = np.arange(batch)[:, None]
    p = np.arange(length)[None, :]
    x[b, idx, p] = 1.0
    for i in range(batch):  # a few "N" columns per sequence
        cols = rng.choice(length, size=min(n_count, length), replace=False)
        x[i, :, cols] = 0.0
    if layout == "channels-last":
        x = np.ascontiguousarray(x.transpose(0, 2, 1))
    return x


def export_legacy(model, example, path, dyn_len: bool, layout: str):
    len_axis = 1 if layout == "channels-last" else 2
    in_axes = {0: "batch"}
    if dyn_len:
        in_axes[len_axis] = "length"
    torch.onnx.export(
        model, (example,), path, dynamo=False, opset_version=LEGACY_OPSET,
        input_names=["input"], output_names=["output"],
        dynamic_axes={"input": in_axes, "output": {0: "batch"}},
    )


def export_dynamo(model, example, path, dyn_len: bool, layout: str):
    from torch.export import Dim
    len_axis = 1 if layout == "channels-last" else 2
    shapes = {0: Dim("batch", min=1, max=4096)}
    if dyn_len:
        shapes[len_axis] = Dim("length", min=8, max=100000)
    prog = torch.onnx.export(
        model, (example,), dynamo=True, external_data=True,
        input_names=["input"], output_names=["output"],
        dynamic_shapes={"x": shapes},
    )
    prog.save(path, external_data=True)


def op_histogram(model: onnx.ModelProto) -> dict[str, int]:
    c = collections.Counter(n.op_type for n in model.graph.node)
    return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def default_opset(model: onnx.ModelProto) -> int:
    return next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))


def build_model(case) -> nn.Module:
    torch.manual_seed(case["seed"])
    model = case["build"]()
    gen = torch.Generator().manual_seed(1000 + case["seed"])
    randomize_weights(model, gen)
    return model.eval()


def make_case(case, out_root: str) -> dict:
    name = case["name"]
    model = build_model(case)
    params = sum(p.numel() for p in model.parameters())
    rng = np.random.default_rng(case["seed"] * 7919 + case["batch"] * 31 + case["length"])
    x = one_hot_dna(rng, case["batch"], case["length"], case["layout"])
    xt = torch.from_numpy(x)
    with torch.no_grad():
        torch_out = model(xt).numpy()

    cdir = os.path.join(out_root, name)
    shutil.rmtree(cdir, ignore_errors=True)
    os.makedirs(cdir)
    path = os.path.join(cdir, "model.onnx")
    # Export with an example of a different batch size so the batch axis really is dynamic.
    example = torch.from_numpy(one_hot_dna(np.random.default_rng(0), 2, case["length"], case["layout"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case["exporter"] == "legacy":
            export_legacy(model, example, path, case["dyn_len"], case["layout"])
        else:
            export_dynamo(model, example, path, case["dyn_len"], case["layout"])

    onnx_model = onnx.load(path, load_external_data=False)
    hist = op_histogram(onnx_model)
    for op in case.get("require_ops", []):
        if op not in hist:
            raise RuntimeError(f"{name}: expected op {op} in the exported graph, got {hist}")
    files = sorted(os.listdir(cdir))
    if case["exporter"] == "dynamo" and "model.onnx.data" not in files:
        raise RuntimeError(f"{name}: dynamo export wrote no model.onnx.data ({files})")

    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    in_name = sess.get_inputs()[0].name
    out_name = sess.get_outputs()[0].name
    expected = sess.run(None, {in_name: x})[0].astype(np.float32)

    if not np.all(np.isfinite(expected)):
        raise RuntimeError(f"{name}: onnxruntime output has non-finite values")
    if expected.size > 1 and float(np.ptp(expected)) <= 1e-6:
        raise RuntimeError(f"{name}: onnxruntime output is constant ({expected.ravel()[:4]})")
    # the output must also depend on the input: another random sequence gives other numbers
    other = one_hot_dna(np.random.default_rng(12345), case["batch"], case["length"], case["layout"])
    other_out = sess.run(None, {in_name: other})[0]
    if float(np.max(np.abs(other_out - expected))) <= 1e-6:
        raise RuntimeError(f"{name}: onnxruntime output does not depend on the input")
    diff = float(np.max(np.abs(expected - torch_out)))
    if diff > 1e-3 * max(1.0, float(np.max(np.abs(torch_out)))):
        raise RuntimeError(f"{name}: onnxruntime and torch disagree by {diff}")

    np.save(os.path.join(cdir, "input.npy"), x)
    np.save(os.path.join(cdir, "expected.npy"), expected)
    meta = {
        "description": case["description"],
        "exporter": case["exporter"],
        "opset": default_opset(onnx_model),
        "ir_version": onnx_model.ir_version,
        "input_name": in_name,
        "output_name": out_name,
        "layout": case["layout"],
        "batch": case["batch"],
        "length": case["length"],
        "input_shape": list(x.shape),
        "output_shape": list(expected.shape),
        "dynamic_length": case["dyn_len"],
        "external_data": "model.onnx.data" in files,
        "parameters": params,
        "seed": case["seed"],
        "op_histogram": hist,
        "max_abs_diff_torch_vs_onnxruntime": diff,
        "expected_min": float(expected.min()),
        "expected_max": float(expected.max()),
        "torch": torch.__version__,
        "onnxruntime": ort.__version__,
    }
    with open(os.path.join(cdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(cdir, fn)) for fn in os.listdir(cdir))
    return dict(meta=meta, size=size, files=sorted(os.listdir(cdir)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*", help="case names to (re)generate")
    args = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)

    failures = []
    total = 0
    for case in case_list():
        if args.only and case["name"] not in args.only:
            continue
        try:
            r = make_case(case, args.out)
        except Exception as e:  # noqa: BLE001 - report and go on (e.g. dynamo unavailable)
            failures.append((case["name"], f"{type(e).__name__}: {e}"))
            traceback.print_exc()
            shutil.rmtree(os.path.join(args.out, case["name"]), ignore_errors=True)
            continue
        m = r["meta"]
        total += r["size"]
        print(f"{case['name']:<34} {m['exporter']:<7} opset {m['opset']:<3} "
              f"in {tuple(m['input_shape'])} out {tuple(m['output_shape'])} "
              f"params {m['parameters']:>7}  {r['size'] / 1024:7.1f} KB  "
              f"|torch-ort| {m['max_abs_diff_torch_vs_onnxruntime']:.1e}  "
              f"out range [{m['expected_min']:.3g}, {m['expected_max']:.3g}]")
        print("    ops: " + ", ".join(f"{k}×{v}" for k, v in m["op_histogram"].items()))
    print(f"total {total / 1e6:.2f} MB")
    if failures:
        print("\nFAILED cases:")
        for n, why in failures:
            print(f"  {n}: {why}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
