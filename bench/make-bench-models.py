#!/usr/bin/env python3
"""Export benchmark CNNs (random seeded weights) to bench/models/.

  multitask-deep-L200.onnx, multitask-deep-L1000.onnx
      conv 32x19 -> conv 48x7 -> maxpool 4 -> conv 96x7 -> maxpool 4 -> conv 128x3 ->
      maxpool 3 -> dense 512 -> 12 sigmoid; 'same' padding, BatchNorm + ReLU after every
      conv (BatchNorm is folded by the exporter); the input length is fixed by the
      dense layer, hence one model per length.
  basset-L1000.onnx
      Basset-sized: conv 300x19 / pool 3, conv 200x11 / pool 4, conv 200x7 / pool 4
      ('valid' convs, BatchNorm + ReLU), dense 1000 + ReLU, 164 sigmoid; L = 1000.
  danq-L1000.onnx, bigru-L1000.onnx
      DanQ-like: conv 32x19 + ReLU, maxpool 13, a bidirectional LSTM (or GRU) of hidden size
      32 over the 75 pooled positions, dense 12 sigmoid; L = 1000.
  attention-L1000.onnx
      conv 64x15 + ReLU, maxpool 8, learned positions, two transformer encoder layers
      (d 64, 4 heads, feed-forward 128, post-norm; nn.TransformerEncoder, no nested tensors)
      over the 125 pooled positions, mean over positions, dense 12 sigmoid; L = 1000.
  bpnet-L2114.onnx
      bpnet-lite 1.1.0's BPNet class at its default size: conv 64x21, 8 dilated residual
      convs 64x3 (dilation 2..256), profile conv 75 cropped to 1000 positions (2 strands),
      counts = dense over the mean of the cropped tower; input 2114, outputs "profile"
      (N, 2, 1000) and "counts" (N, 1). No control tracks.
  chrombpnet-L2114.onnx
      bpnet-lite 1.1.0's ChromBPNet class: a bias BPNet (32 filters, 4 layers) and an
      accessibility BPNet (64 filters, 8 layers), both trimmed to 1000 positions; profile
      logits summed, counts log-sum-exp'd. Outputs "profile" (N, 1, 1000), "counts" (N, 1).

Legacy exporter (dynamo=False), opset 17, dynamic batch axis, input "input" (N, 4, L),
output "output" (N, tasks) (the BPNet-class models: "profile" and "counts"). Beside every NAME.onnx the PyTorch weights are saved as NAME.pt
(state dict of the unfolded module, BatchNorm included), so that torch-based peers
(tangermeme, captum) run exactly the weights of the ONNX file: other bench scripts call
`torch_model(name)`, which rebuilds the architecture and loads NAME.pt (or, if it is missing,
rebuilds the same weights from the fixed seed). The directory is git-ignored; regenerate with

  .venv/bin/python bench/make-bench-models.py
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


def conv_block(cin, cout, k, same, pool=None):
    layers = [nn.Conv1d(cin, cout, k, padding=k // 2 if same else 0), nn.BatchNorm1d(cout), nn.ReLU()]
    if pool:
        layers.append(nn.MaxPool1d(pool))
    return layers


def conv_out_len(model: nn.Sequential, length: int) -> int:
    with torch.no_grad():
        return model(torch.zeros(1, 4, length)).shape[-1]


def multitask_deep(length: int) -> nn.Module:
    convs = nn.Sequential(
        *conv_block(4, 32, 19, True),
        *conv_block(32, 48, 7, True, pool=4),
        *conv_block(48, 96, 7, True, pool=4),
        *conv_block(96, 128, 3, True, pool=3),
    )
    flat = 128 * conv_out_len(convs, length)
    return nn.Sequential(convs, nn.Flatten(), nn.Linear(flat, 512), nn.ReLU(), nn.Linear(512, 12), nn.Sigmoid())


def basset(length: int = 1000) -> nn.Module:
    convs = nn.Sequential(
        *conv_block(4, 300, 19, False, pool=3),
        *conv_block(300, 200, 11, False, pool=4),
        *conv_block(200, 200, 7, False, pool=4),
    )
    flat = 200 * conv_out_len(convs, length)
    return nn.Sequential(convs, nn.Flatten(), nn.Linear(flat, 1000), nn.ReLU(), nn.Linear(1000, 164), nn.Sigmoid())


class ConvRecurrent(nn.Module):
    """DanQ-like: conv + max-pool, then a bidirectional LSTM or GRU over the pooled positions."""

    def __init__(self, recurrent: type, length: int = 1000):
        super().__init__()
        self.convs = nn.Sequential(nn.Conv1d(4, 32, 19), nn.ReLU(), nn.MaxPool1d(13))
        self.recurrent = recurrent(32, 32, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(64 * conv_out_len(self.convs, length), 12), nn.Sigmoid())

    def forward(self, x):
        y, _ = self.recurrent(self.convs(x).transpose(1, 2))
        return self.head(y)


class ConvAttention(nn.Module):
    """Conv stem + max-pool, learned positions, a small transformer encoder, mean-pooled head."""

    def __init__(self, length: int = 1000):
        super().__init__()
        self.convs = nn.Sequential(nn.Conv1d(4, 64, 15, padding=7), nn.ReLU(), nn.MaxPool1d(8))
        tokens = conv_out_len(self.convs, length)
        self.positions = nn.Parameter(torch.zeros(1, tokens, 64))
        layer = nn.TransformerEncoderLayer(64, 4, dim_feedforward=128, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.Linear(64, 12), nn.Sigmoid())

    def forward(self, x):
        tokens = self.convs(x).transpose(1, 2) + self.positions
        return self.head(self.encoder(tokens).mean(dim=1))


def bpnet_lite(filters: int, layers: int, length: int = 2114, output: int = 1000) -> nn.Module:
    from bpnetlite.bpnet import BPNet
    return BPNet(n_filters=filters, n_layers=layers, n_outputs=2, n_control_tracks=0,
                 trimming=(length - output) // 2, verbose=False)


def chrombpnet_lite(length: int = 2114, output: int = 1000) -> nn.Module:
    from bpnetlite.bpnet import BPNet
    from bpnetlite.chrombpnet import ChromBPNet
    trimming = (length - output) // 2
    bias = BPNet(n_filters=32, n_layers=4, n_outputs=1, n_control_tracks=0, trimming=trimming, verbose=False)
    accessibility = BPNet(n_filters=64, n_layers=8, n_outputs=1, n_control_tracks=0, trimming=trimming, verbose=False)
    return ChromBPNet(bias, accessibility)


def randomize(model: nn.Module, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    for m in model.modules():
        with torch.no_grad():
            if isinstance(m, ConvAttention):
                m.positions.copy_(torch.randn(m.positions.shape, generator=gen) * 0.1)
            if isinstance(m, (nn.Conv1d, nn.Linear)):
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * math.sqrt(2.0 / m.weight[0].numel()))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
            elif isinstance(m, nn.BatchNorm1d):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.2)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.1)


MODELS = {
    "multitask-deep-L200": (lambda: multitask_deep(200), 200, 1),
    "multitask-deep-L1000": (lambda: multitask_deep(1000), 1000, 2),
    "basset-L1000": (lambda: basset(1000), 1000, 3),
    "danq-L1000": (lambda: ConvRecurrent(nn.LSTM), 1000, 4),
    "bigru-L1000": (lambda: ConvRecurrent(nn.GRU), 1000, 5),
    "attention-L1000": (lambda: ConvAttention(1000), 1000, 6),
    "bpnet-L2114": (lambda: bpnet_lite(64, 8), 2114, 7),
    "chrombpnet-L2114": (lambda: chrombpnet_lite(), 2114, 8),
}
# Models with more than one output (BPNet's profile and counts heads); others: "output".
OUTPUTS = {"bpnet-L2114": ["profile", "counts"], "chrombpnet-L2114": ["profile", "counts"]}


def seeded_model(name: str) -> nn.Module:
    """The benchmark model `name` with its seeded random weights, in eval mode."""
    build, _, seed = MODELS[name]
    torch.manual_seed(seed)
    model = build()
    randomize(model, seed)
    return model.eval()


def torch_model(name: str, models_dir: str = os.path.join(HERE, "models")) -> nn.Module:
    """The PyTorch module behind models_dir/name.onnx: weights from name.pt when present,
    else rebuilt from the fixed seed (the same numbers)."""
    build, _, _ = MODELS[name]
    path = os.path.join(models_dir, name + ".pt")
    if not os.path.exists(path):
        return seeded_model(name)
    model = build()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval()


def as_tuple(y) -> tuple:
    """A model's outputs as a tuple (BPNet-class models return (profile, counts))."""
    return tuple(y) if isinstance(y, (tuple, list)) else (y,)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, "models"))
    ap.add_argument("--only", nargs="*", choices=sorted(MODELS))
    args = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    for name, (build, length, seed) in MODELS.items():
        if args.only and name not in args.only:
            continue
        model = seeded_model(name)
        torch.save(model.state_dict(), os.path.join(args.out, name + ".pt"))
        path = os.path.join(args.out, name + ".onnx")
        x = torch.zeros(2, 4, length)
        x[:, 0, :] = 1.0
        outputs = OUTPUTS.get(name, ["output"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (x,), path, dynamo=False, opset_version=17,
                              input_names=["input"], output_names=outputs,
                              dynamic_axes={"input": {0: "batch"}, **{o: {0: "batch"} for o in outputs}})
        m = onnx.load(path)
        if len(outputs) == 1:
            m.metadata_props.append(onnx.StringStringEntryProto(
                key="tasks", value=",".join(f"task_{i + 1}" for i in range(m.graph.output[0].type.tensor_type.shape.dim[1].dim_value))))
        m.metadata_props.append(onnx.StringStringEntryProto(key="alphabet", value="DNA"))
        m.metadata_props.append(onnx.StringStringEntryProto(key="description", value=f"benchmark model {name}, random weights"))
        onnx.save(m, path)
        # sanity: onnxruntime agrees with torch on a random one-hot batch
        rng = np.random.default_rng(seed)
        xs = np.eye(4, dtype=np.float32)[rng.integers(0, 4, size=(3, length))].transpose(0, 2, 1).copy()
        reloaded = torch_model(name, args.out)
        with torch.no_grad():
            refs = [y.numpy() for y in as_tuple(model(torch.from_numpy(xs)))]
            again = [y.numpy() for y in as_tuple(reloaded(torch.from_numpy(xs)))]
            assert all(np.array_equal(a, b) for a, b in zip(refs, again)), "state dict round trip"
        gots = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"input": xs})
        diff = max(float(np.abs(ref - got).max()) for ref, got in zip(refs, gots))
        # Relative to the outputs' scale: the residual towers' profile logits reach ~50.
        scale = max(1.0, max(float(np.abs(ref).max()) for ref in refs))
        if diff >= 1e-5 * scale:
            raise SystemExit(f"{name}: torch and onnxruntime disagree by {diff:.2e} (outputs up to {scale:.3g})")
        params = sum(p.numel() for p in model.parameters())
        ops = sorted({n.op_type for n in m.graph.node})
        print(f"{name:<22} L={length:<5} params {params:>9,}  {os.path.getsize(path) / 1e6:6.2f} MB  "
              f"|torch-ort| {diff:.1e}  ops {','.join(ops)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
