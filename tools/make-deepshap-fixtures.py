#!/usr/bin/env python3
"""DeepSHAP reference fixtures (issue 13, items 1-2): tangermeme 1.6's deep_lift_shap and
captum 0.9's DeepLiftShap on the same models, inputs and references.

For every case, Tests/Fixtures/deepshap/<case>.npz holds (float32)
  X                    (N, 4, L) one-hot inputs, alphabet order
  references           (N, K, 4, L) the references both peers were given
  tangermeme           (N, 4, L) deep_lift_shap(..., references=references, hypothetical=False)
  tangermeme_hyp       (N, 4, L) the same with hypothetical=True
  tangermeme_delta     (N,) sum(attributions) - (f(x) - mean f(references)) of that run
  captum               (N, 4, L) captum DeepLiftShap with tangermeme's hypothetical_attributions
                       (times X), where captum has rules for every nonlinearity of the model
  captum_delta         (N,) likewise
  difference           (N,) f(x) - mean f(references), float64 forward passes
and Tests/Fixtures/deepshap/<case>.onnx the model (legacy exporter, opset 17), unless it is
a sample model (sample-models/<name>.onnx, rebuilt in PyTorch from its ONNX weights).
Tests/Fixtures/deepshap/README.md lists the cases and which peers converge on which.

Usage:  .venv/bin/python tools/make-deepshap-fixtures.py
"""
from __future__ import annotations

import json
import os
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

from captum.attr import DeepLiftShap
from tangermeme.deep_lift_shap import BilinearOp, deep_lift_shap, hypothetical_attributions, _nonlinear
from tangermeme.ersatz import dinucleotide_shuffle

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(REPO, "Tests", "Fixtures", "deepshap")
N, K = 3, 4
torch.set_num_threads(1)


class Exp(nn.Module):
    def forward(self, x):
        return torch.exp(x)


class ONNXChain(nn.Module):
    """A sample model's ONNX graph (a chain of Conv, Relu, Exp, MaxPool, Flatten, Gemm,
    BatchNormalization, Sigmoid) rebuilt as torch modules with its weights."""

    def __init__(self, path: str):
        super().__init__()
        graph = onnx.load(path).graph
        weights = {t.name: torch.tensor(numpy_helper.to_array(t).copy()) for t in graph.initializer}
        layers = []
        for node in graph.node:
            attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            if node.op_type == "Conv":
                w = weights[node.input[1]]
                conv = nn.Conv1d(w.shape[1], w.shape[0], w.shape[2], padding=attributes.get("pads", [0, 0])[0],
                                 dilation=attributes.get("dilations", [1])[0], stride=attributes.get("strides", [1])[0])
                conv.weight.data, conv.bias.data = w, weights[node.input[2]]
                layers.append(conv)
            elif node.op_type == "Relu":
                layers.append(nn.ReLU())
            elif node.op_type == "Exp":
                layers.append(Exp())
            elif node.op_type == "Sigmoid":
                layers.append(nn.Sigmoid())
            elif node.op_type == "MaxPool":
                layers.append(nn.MaxPool1d(attributes["kernel_shape"][0], attributes.get("strides", attributes["kernel_shape"])[0]))
            elif node.op_type == "Flatten":
                layers.append(nn.Flatten())
            elif node.op_type == "Gemm":
                w = weights[node.input[1]]
                if not attributes.get("transB", 0):
                    w = w.T
                linear = nn.Linear(w.shape[1], w.shape[0])
                linear.weight.data, linear.bias.data = w.contiguous(), weights[node.input[2]]
                layers.append(linear)
            elif node.op_type == "BatchNormalization":
                scale, bias, mean, var = (weights[n] for n in node.input[1:5])
                bn = nn.BatchNorm1d(scale.shape[0], eps=attributes.get("epsilon", 1e-5))
                bn.weight.data, bn.bias.data, bn.running_mean.data, bn.running_var.data = scale, bias, mean, var
                layers.append(bn)
            else:
                raise ValueError(f"{path}: op {node.op_type} not rebuilt")
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


class ReluMaxPool(nn.Module):
    """Two tasks; Conv, BatchNorm, ReLU, MaxPool (k = stride and overlapping), Linear, Sigmoid."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(4, 8, 7, padding=3), nn.BatchNorm1d(8), nn.ReLU(), nn.MaxPool1d(3),
            nn.Conv1d(8, 8, 5, padding=2), nn.ReLU(), nn.MaxPool1d(4, 2),
            nn.Flatten(), nn.Linear(8 * 9, 16), nn.ReLU(), nn.Linear(16, 2), nn.Sigmoid())

    def forward(self, x):
        return self.body(x)


class Activations(nn.Module):
    """ELU, Tanh, Softplus, GELU (ReLU when not `gelu`), LeakyReLU, Sigmoid between
    convolutions; AvgPool; Linear."""

    def __init__(self, gelu: bool = True):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(4, 6, 5, padding=2), nn.ELU(), nn.Conv1d(6, 6, 3, padding=1), nn.Tanh(),
            nn.Conv1d(6, 6, 3, padding=1), nn.Softplus(), nn.Conv1d(6, 6, 3, padding=1), nn.GELU() if gelu else nn.ReLU(),
            nn.Conv1d(6, 6, 3, padding=1), nn.LeakyReLU(0.1), nn.AvgPool1d(4),
            nn.Flatten(), nn.Linear(6 * 15, 8), nn.Sigmoid(), nn.Linear(8, 1))

    def forward(self, x):
        return self.body(x)


class Attention(nn.Module):
    """Conv + ReLU, one self-attention head (softmax(QKᵀ/√d)V, the products as tangermeme's
    BilinearOp so its rules apply), a residual LayerNorm, mean over positions, Linear."""

    def __init__(self):
        super().__init__()
        self.conv, self.relu = nn.Conv1d(4, 8, 5, padding=2), nn.ReLU()
        self.q, self.k, self.v = nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 8)
        self.scores, self.mix = BilinearOp(), BilinearOp()
        self.softmax = nn.Softmax(dim=-1)
        self.norm = nn.LayerNorm(8)
        self.out = nn.Linear(8, 2)

    def forward(self, x):
        h = self.relu(self.conv(x)).transpose(1, 2)
        q, k, v = self.q(h), self.k(h), self.v(h)
        weights = self.softmax(self.scores(q, k.transpose(1, 2)) / np.sqrt(8.0))
        return self.out(self.norm(self.mix(weights, v) + h).mean(dim=1))


class Gated(nn.Module):
    """Conv, then a gated unit a · sigmoid(b) of two convolutions (a product of two
    sequence-dependent tensors), Exp, AvgPool, Linear. With `bilinear` the product is a
    tangermeme BilinearOp (same ONNX graph: Mul)."""

    def __init__(self, bilinear: bool):
        super().__init__()
        self.conv = nn.Conv1d(4, 6, 5, padding=2)
        self.a, self.b = nn.Conv1d(6, 6, 3, padding=1), nn.Conv1d(6, 6, 3, padding=1)
        self.sigmoid, self.exp = nn.Sigmoid(), Exp()
        self.product = BilinearOp("...,...->...") if bilinear else None
        self.pool, self.flatten, self.out = nn.AvgPool1d(6), nn.Flatten(), nn.Linear(6 * 10, 1)

    def forward(self, x):
        h = self.conv(x)
        a, g = self.a(h), self.sigmoid(self.b(h))
        gated = self.product(a, g) if self.product is not None else a * g
        return self.out(self.flatten(self.pool(self.exp(0.3 * gated))))


def one_hot(rng: np.random.Generator, n: int, length: int) -> np.ndarray:
    x = np.zeros((n, 4, length), dtype=np.float32)
    x[np.arange(n)[:, None], rng.integers(0, 4, (n, length)), np.arange(length)[None, :]] = 1
    return x


def randomize(model: nn.Module, seed: int, gain: float = 2.0) -> nn.Module:
    """Random BatchNorm statistics, and weights `gain` times PyTorch's default so that outputs
    move visibly between a sequence and its shuffles."""
    generator = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, (nn.Conv1d, nn.Linear)):
            module.weight.data *= gain
        if isinstance(module, nn.LayerNorm):
            module.weight.data = 1 + 0.3 * torch.randn(module.weight.shape, generator=generator)
            module.bias.data = 0.1 * torch.randn(module.bias.shape, generator=generator)
        if isinstance(module, nn.BatchNorm1d):
            module.running_mean.data = torch.randn(module.num_features, generator=generator) * 0.2
            module.running_var.data = torch.rand(module.num_features, generator=generator) + 0.5
    return model


def export(model: nn.Module, length: int, path: str) -> None:
    torch.onnx.export(model, (torch.zeros(1, 4, length),), path, dynamo=False, opset_version=17,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})


def peers(model: nn.Module, X: torch.Tensor, refs: torch.Tensor, target: int, captum_too: bool, extra_ops=None) -> dict:
    model = model.eval()
    result = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for hypothetical in (False, True):
            attr = deep_lift_shap(model, X, target=target, references=refs, hypothetical=hypothetical, device="cpu",
                                  additional_nonlinear_ops=extra_ops, batch_size=64)
            result["tangermeme_hyp" if hypothetical else "tangermeme"] = attr.numpy().astype(np.float32)
        if captum_too:
            captum = []
            for i in range(len(X)):
                a = DeepLiftShap(model).attribute(X[i:i + 1], refs[i], target=target,
                                                  custom_attribution_func=hypothetical_attributions)
                captum.append((a * X[i:i + 1]).detach().numpy())
            result["captum"] = np.concatenate(captum).astype(np.float32)
    with torch.no_grad():
        double = model.double()
        fx = double(X.double()).reshape(len(X), -1)[:, target]
        fr = torch.stack([double(refs[i].double()).reshape(K, -1)[:, target].mean() for i in range(len(X))])
        model.float()
    difference = (fx - fr).numpy()
    result["difference"] = difference.astype(np.float32)
    for name in ("tangermeme", "captum"):
        if name in result:
            result[name + "_delta"] = (result[name].astype(np.float64).sum(axis=(1, 2)) - difference).astype(np.float32)
    return result


def make(name: str, model: nn.Module, length: int, target: int, seed: int, captum_too: bool, onnx_path: str | None,
         peer_model: nn.Module | None = None, extra_ops=None, note: str = "") -> dict:
    rng = np.random.default_rng(seed)
    X = torch.tensor(one_hot(rng, N, length))
    refs = dinucleotide_shuffle(X, n=K, random_state=seed)  # (N, K, 4, L)
    if onnx_path is not None:
        export(model, length, onnx_path)
    arrays = {"X": X.numpy(), "references": refs.numpy().astype(np.float32)}
    arrays.update(peers(peer_model or model, X, refs, target, captum_too, extra_ops))
    np.savez(os.path.join(OUT, name + ".npz"), **arrays)
    summary = {"target": target, "length": length, "note": note}
    for key in ("tangermeme_delta", "captum_delta"):
        if key in arrays:
            summary[key] = float(np.abs(arrays[key]).max())
    summary["max |difference|"] = float(np.abs(arrays["difference"]).max())
    if "captum" in arrays:
        summary["max |tangermeme - captum|"] = float(np.abs(arrays["tangermeme"] - arrays["captum"]).max())
    return summary


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    summaries = {}
    torch.manual_seed(13)
    summaries["relu_maxpool"] = make("relu_maxpool", randomize(ReluMaxPool(), 1), 60, 1, 1, True, os.path.join(OUT, "relu_maxpool.onnx"),
                                     note="captum's MaxPool rule does not converge here (see captum_delta)")
    torch.manual_seed(14)
    summaries["activations"] = make("activations", randomize(Activations(), 2), 60, 0, 2, True, os.path.join(OUT, "activations.onnx"),
                                    note="captum has no rule for GELU: its numbers differ and do not converge")
    torch.manual_seed(17)
    summaries["smooth"] = make("smooth", randomize(Activations(gelu=False), 7), 60, 0, 7, True, os.path.join(OUT, "smooth.onnx"),
                               note="only nonlinearities captum has rules for: both peers converge")
    torch.manual_seed(15)
    summaries["attention"] = make("attention", randomize(Attention(), 3), 30, 1, 3, False, os.path.join(OUT, "attention.onnx"),
                                  note="captum has no rule for the attention products: not run")
    torch.manual_seed(16)
    plain = randomize(Gated(bilinear=False), 4)
    summaries["gated_plain"] = make("gated_plain", plain, 60, 0, 4, False, os.path.join(OUT, "gated.onnx"),
                                    note="tangermeme's defaults: Exp and the product a*sigmoid(b) have no rule, so it does not converge")
    ruled = Gated(bilinear=True)
    ruled.load_state_dict(plain.state_dict())
    summaries["gated"] = make("gated", plain, 60, 0, 4, False, None, peer_model=ruled, extra_ops={Exp: _nonlinear},
                              note="the same model (gated.onnx) with tangermeme given rules for Exp and the product: converges")
    sample = os.path.join(REPO, "sample-models", "code-shallow-relu.onnx")
    summaries["code_shallow_relu"] = make("code_shallow_relu", ONNXChain(sample), 200, 0, 5, True, None,
                                          note="sample-models/code-shallow-relu.onnx rebuilt in PyTorch")
    exp = os.path.join(REPO, "sample-models", "multitask-deep-exp.onnx")
    summaries["multitask_deep_exp"] = make("multitask_deep_exp", ONNXChain(exp), 200, 3, 6, False, None,
                                           extra_ops={Exp: _nonlinear},
                                           note="sample-models/multitask-deep-exp.onnx; tangermeme given the rescale rule for Exp (its default treats Exp as linear)")
    with open(os.path.join(OUT, "summary.json"), "w") as handle:
        json.dump(summaries, handle, indent=2)
    print(json.dumps(summaries, indent=2))


if __name__ == "__main__":
    main()
