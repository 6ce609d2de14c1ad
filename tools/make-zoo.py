#!/usr/bin/env python3
"""The model zoo (issue 11, item 5): public genomics architectures at reduced widths and
lengths, exported to ONNX the ways users export them, with reference numbers that seqlens'
Tests/InterpretationTests/ZooTests.swift checks without Python.

Architectures come from the public packages' own model classes where they exist on PyPI
(enformer-pytorch, bpnet-lite, chrombpnet-pytorch, grelu, selene-sdk) and from the published
descriptions otherwise (DanQ, DeepSTARR, Basset, transformers, BPNet/ChromBPNet in Keras).
Weights are random with a fixed seed; see Tests/Fixtures/zoo/README.md for the files.

Usage:  .venv/bin/python tools/make-zoo.py [--only NAME ...] [--survey DIR]
Needs tools/zoo-requirements.txt and (with --no-deps) tools/zoo-models.txt on top of
tools/requirements.txt: `make zoo` installs them and runs this script.
"""
from __future__ import annotations

import argparse
import collections
import copy
import importlib.metadata
import json
import math
import os
import shutil
import sys
import tempfile
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(REPO, "Tests", "Fixtures", "zoo")
OPS_SWIFT = os.path.join(REPO, "Sources", "Inference", "ONNX", "ONNXOpType.swift")

# What seqlens' `attr` and `ism` compute, reproduced exactly (Sources/Interpretation):
# saliency = d f_target / d x (raw, signed); IG = x ⊙ Σ w_k ∇f(α_k x) with zero baseline and
# 50-point Gauss–Legendre (α = (1 + node)/2, w = weight/2), i.e. captum's defaults.
IG_STEPS = 50
N_SEQUENCES = 2
ISM_WIDTH = 12
MAX_MODEL_BYTES = 1 << 20


def version(package: str) -> str:
    return importlib.metadata.version(package)


def one_hot(sequences: list[str]) -> np.ndarray:
    """(N, 4, L) float32, ACGT."""
    index = {c: i for i, c in enumerate("ACGT")}
    x = np.zeros((len(sequences), 4, len(sequences[0])), dtype=np.float32)
    for n, s in enumerate(sequences):
        for p, c in enumerate(s):
            x[n, index[c], p] = 1
    return x


def sequences_for(name: str, length: int) -> list[str]:
    rng = np.random.default_rng(sum(map(ord, name)))
    return ["".join("ACGT"[i] for i in rng.integers(0, 4, length)) for _ in range(N_SEQUENCES)]


def supported_ops() -> set[str]:
    text = open(OPS_SWIFT).read()
    return set(__import__("re").findall(r'case `?\w+`? = "(\w+)"', text))


# ============================================================================ PyTorch models
# Published descriptions, at reduced widths (the originals' layer order and kinds).

class DanQ(nn.Module):
    """DanQ (Quang & Xie 2016): conv 320×26 + ReLU, maxpool 13, dropout, BiLSTM 320, dense
    925, dense 919 sigmoid. Here conv 16×13, pool 5, BiLSTM 12, dense 16, 3 sigmoid tasks."""

    def __init__(self, length: int, tasks: int = 3):
        super().__init__()
        self.conv = nn.Conv1d(4, 16, 13)
        self.pool = nn.MaxPool1d(5)
        self.lstm = nn.LSTM(16, 12, batch_first=True, bidirectional=True)
        steps = (length - 12) // 5
        self.fc1 = nn.Linear(steps * 24, 16)
        self.fc2 = nn.Linear(16, tasks)

    def forward(self, x):
        x = self.pool(F.relu(self.conv(x))).transpose(1, 2)
        x, _ = self.lstm(x)
        return torch.sigmoid(self.fc2(F.relu(self.fc1(x.flatten(1)))))


class DeepSTARR(nn.Module):
    """DeepSTARR (de Almeida et al. 2022): 4 × (conv + BN + ReLU + maxpool 2), 2 × (dense +
    BN + ReLU + dropout), 2 linear outputs (dev, hk enhancer activity). Widths 16/16/16/16,
    kernels 7/3/5/3, dense 32."""

    def __init__(self, length: int):
        super().__init__()
        layers, channels = [], 4
        for width, k in zip([16, 16, 16, 16], [7, 3, 5, 3]):
            layers += [nn.Conv1d(channels, width, k, padding=k // 2), nn.BatchNorm1d(width), nn.ReLU(), nn.MaxPool1d(2)]
            channels = width
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * (length // 16), 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.4),
            nn.Linear(32, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.4), nn.Linear(32, 2))

    def forward(self, x):
        return self.head(self.body(x))


class Basset(nn.Module):
    """Basset (Kelley et al. 2016): conv 300×19/pool 3, 200×11/pool 4, 200×7/pool 4, each
    with BN + ReLU, dense 1000 ×2, 164 sigmoid tasks. Widths 24/16/16, dense 32, 4 tasks."""

    def __init__(self, length: int, tasks: int = 4):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(4, 24, 19, padding=9), nn.BatchNorm1d(24), nn.ReLU(), nn.MaxPool1d(3),
            nn.Conv1d(24, 16, 11, padding=5), nn.BatchNorm1d(16), nn.ReLU(), nn.MaxPool1d(4),
            nn.Conv1d(16, 16, 7, padding=3), nn.BatchNorm1d(16), nn.ReLU(), nn.MaxPool1d(4))
        flat = 16 * (((length // 3) // 4) // 4)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(flat, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, tasks))

    def forward(self, x):
        return torch.sigmoid(self.head(self.body(x)))


class SinusoidalTransformer(nn.Module):
    """A conv embedding + nn.TransformerEncoder (2 layers, 4 heads, d=32) with the sinusoidal
    positions of Vaswani et al. added to the tokens, mean over length, 2 tasks."""

    def __init__(self, length: int, d: int = 32):
        super().__init__()
        self.embed = nn.Conv1d(4, d, 9, padding=4)
        position = torch.arange(length).float()[:, None]
        frequency = torch.exp(torch.arange(0, d, 2).float() * (-math.log(10000.0) / d))
        table = torch.zeros(length, d)
        table[:, 0::2] = torch.sin(position * frequency)
        table[:, 1::2] = torch.cos(position * frequency)
        self.register_buffer("positions", table[None])
        layer = nn.TransformerEncoderLayer(d, 4, 64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(d, 2)

    def forward(self, x):
        x = self.embed(x).transpose(1, 2) + self.positions
        return self.head(self.encoder(x).mean(1))


class LearnedPositionTransformer(nn.Module):
    """Conv embedding with maxpool 4 into tokens, learned position embeddings (nn.Embedding
    indexed by arange, as BERT-style models do), 1 pre-LN encoder layer with GELU, CLS-free
    max over tokens, 3 sigmoid tasks."""

    def __init__(self, length: int, d: int = 32):
        super().__init__()
        self.embed = nn.Conv1d(4, d, 8, stride=4)
        self.tokens = (length - 8) // 4 + 1
        self.positions = nn.Embedding(self.tokens, d)
        nn.init.normal_(self.positions.weight, std=0.1)
        layer = nn.TransformerEncoderLayer(d, 2, 64, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.head = nn.Linear(d, 3)

    def forward(self, x):
        x = self.embed(x).transpose(1, 2)
        x = x + self.positions(torch.arange(x.shape[1], device=x.device))
        return torch.sigmoid(self.head(self.encoder(x).amax(1)))


class DeepSEALike(nn.Module):
    """DeepSEA (Zhou & Troyanskaya 2015) layout, narrowed: 3 × conv (k 8) + ReLU with maxpool
    4 between, dense, sigmoid tasks. selene-sdk's NonStrandSpecific wraps it."""

    def __init__(self, length: int, tasks: int = 3):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(4, 16, 8), nn.ReLU(), nn.MaxPool1d(4),
            nn.Conv1d(16, 16, 8), nn.ReLU(), nn.MaxPool1d(4),
            nn.Conv1d(16, 16, 8), nn.ReLU())
        with torch.no_grad():
            flat = self.conv(torch.zeros(1, 4, length)).numel()
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(flat, 32), nn.ReLU(), nn.Linear(32, tasks), nn.Sigmoid())

    def forward(self, x):
        return self.head(self.conv(x))


class ChannelsLastInput(nn.Module):
    """enformer-pytorch returns a dict of heads: the export reads one (input (N, L, 4) as is)."""

    def __init__(self, model, head):
        super().__init__()
        self.model, self.head = model, head

    def forward(self, x):
        return self.model(x)[self.head]


class TupleOutputs(nn.Module):
    """Names the outputs of a model that returns a tuple (bpnet-lite: profile, counts)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x, *rest):
        return tuple(self.model(x, *rest))


def he_normal(model: nn.Module, seed: int) -> None:
    """He-normal conv and dense weights, small random biases: PyTorch's default init (uniform
    with a = √5) shrinks the signal at every layer, leaving random models whose outputs barely
    depend on the sequence (ISM effects below float32 resolution of the output)."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            m.weight.data.copy_(torch.randn(m.weight.shape, generator=g) * math.sqrt(2 / fan_in))
            if m.bias is not None:
                m.bias.data.copy_(torch.randn(m.bias.shape, generator=g) * 0.05)


def random_batchnorm_statistics(model: nn.Module, seed: int) -> None:
    """BatchNorm running statistics that are not the identity, so folding and unfolded
    BatchNormalization both matter."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
            if m.affine:
                m.weight.data.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
                m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)


# ---------------------------------------------------------------------- package models

def build_bpnetlite_bpnet(controls: int = 0):
    from bpnetlite.bpnet import BPNet
    model = BPNet(n_filters=16, n_layers=4, n_outputs=2, n_control_tracks=controls, trimming=None, verbose=False)
    return TupleOutputs(model)


def build_bpnetlite_chrombpnet():
    from bpnetlite.bpnet import BPNet
    from bpnetlite.chrombpnet import ChromBPNet
    bias = BPNet(n_filters=8, n_layers=2, n_outputs=1, n_control_tracks=0, verbose=False)
    accessibility = BPNet(n_filters=16, n_layers=4, n_outputs=1, n_control_tracks=0, verbose=False)
    return TupleOutputs(ChromBPNet(bias, accessibility))


def build_chrombpnet_pytorch():
    import importlib.util
    # chrombpnet/__init__ pulls the training stack (lightning, pyBigWig): load the model files.
    root = os.path.dirname(importlib.util.find_spec("chrombpnet").origin)
    sys.modules["chrombpnet"] = importlib.util.module_from_spec(importlib.util.spec_from_file_location(
        "chrombpnet", os.path.join(root, "__init__.py"), submodule_search_locations=[root]))
    from chrombpnet.bpnet import BPNet
    from chrombpnet.chrombpnet import ChromBPNet

    class Config:
        out_dim, n_filters, n_layers, conv1_kernel_size, profile_kernel_size = 200, 16, 4, 21, 75
        n_outputs, n_control_tracks, profile_output_bias, count_output_bias = 1, 0, True, True

    model = ChromBPNet(Config())
    # The package hard-codes a 128-filter bias model (~1 MB alone); the same class, narrower.
    model.bias = BPNet(out_dim=200, n_layers=4, n_filters=8)
    return model


def build_enformer(length: int):
    import enformer_pytorch.modeling_enformer as enf
    from enformer_pytorch import Enformer, EnformerConfig
    config = EnformerConfig(dim=48, depth=2, heads=2, output_heads=dict(human=4), target_length=24,
                            attn_dim_key=8, dropout_rate=0.0, attn_dropout=0.0, pos_dropout=0.0,
                            num_downsamples=3, dim_divisible_by=8)
    model = Enformer(config)
    # The gamma positional features use xlogy/lgamma, which neither exporter handles: they
    # depend only on the length, so they are computed once and enter the graph as a constant.
    original = enf.get_positional_embed
    cache = {}

    def cached(seq_len, feature_size, device, use_tf_gamma, dtype=torch.float):
        key = (int(seq_len), feature_size, dtype)
        if key not in cache:
            cache[key] = original(seq_len, feature_size, device, use_tf_gamma, dtype=dtype).detach()
        return cache[key]

    enf.get_positional_embed = cached
    return ChannelsLastInput(model, "human")


class NarrowBorzoi(nn.Module):
    """borzoi-pytorch's Borzoi with narrow widths. The package's class hard-codes 512–1920
    channels (tens of MB), so this builds the same modules under the same names from the
    package's own blocks (ConvBlock, Attention with its vmap'd relative shift, Residual,
    TargetLengthCrop) and runs the package's own forward code."""

    def __init__(self, bins: int, tracks: int = 4):
        super().__init__()
        from borzoi_pytorch.pytorch_borzoi_model import ConvBlock
        from borzoi_pytorch.pytorch_borzoi_transformer import Attention
        from borzoi_pytorch.pytorch_borzoi_utils import Residual, TargetLengthCrop
        widths, dim = [16, 20, 24, 28, 32], 32
        self.conv_dna = nn.Sequential(nn.Conv1d(4, widths[0], 15, padding="same"), nn.MaxPool1d(2))  # ConvDna, narrower
        self._max_pool = nn.MaxPool1d(kernel_size=2, padding=0)
        tower = [ConvBlock(widths[0], widths[1], kernel_size=5)]
        for a, b in zip(widths[1:], widths[2:]):
            tower += [self._max_pool, ConvBlock(a, b, kernel_size=5)]
        self.res_tower = nn.Sequential(*tower)
        self.unet1 = nn.Sequential(self._max_pool, ConvBlock(widths[-1], dim, kernel_size=5))
        self.transformer = nn.Sequential(nn.Sequential(
            Residual(nn.Sequential(nn.LayerNorm(dim, eps=0.001),
                                   Attention(dim, heads=2, dim_key=8, dim_value=16, num_rel_pos_features=8))),
            Residual(nn.Sequential(nn.LayerNorm(dim, eps=0.001), nn.Linear(dim, dim * 2), nn.ReLU(), nn.Linear(dim * 2, dim)))))
        self.horizontal_conv0 = ConvBlock(widths[-1], dim, kernel_size=1)
        self.horizontal_conv1 = ConvBlock(dim, dim, kernel_size=1)
        self.upsample = nn.Upsample(scale_factor=2)
        self.upsampling_unet1 = nn.Sequential(ConvBlock(dim, dim, kernel_size=1), self.upsample)
        self.separable1 = ConvBlock(dim, dim, kernel_size=3, conv_type="separable")
        self.upsampling_unet0 = nn.Sequential(ConvBlock(dim, dim, kernel_size=1), self.upsample)
        self.separable0 = ConvBlock(dim, dim, kernel_size=3, conv_type="separable")
        self.crop = TargetLengthCrop(bins)
        self.final_joined_convs = nn.Sequential(ConvBlock(dim, 48, kernel_size=1), nn.GELU(approximate="tanh"))
        self.human_head = nn.Conv1d(48, tracks, 1)
        self.final_softplus = nn.Softplus()

    def forward(self, x):
        from borzoi_pytorch import Borzoi
        return Borzoi.forward(self, x)

    def get_embs_after_crop(self, x):
        from borzoi_pytorch import Borzoi
        return Borzoi.get_embs_after_crop(self, x)


def build_grelu(kind: str, length: int):
    from grelu.model import models as gm
    if kind == "conv-gru":
        return gm.ConvGRUModel(n_tasks=2, stem_channels=16, stem_kernel_size=11, n_conv=2, channel_init=16,
                               kernel_size=5, pool_func="max", pool_size=2, n_gru=1, crop_len=0)
    if kind == "conv-transformer":
        return gm.ConvTransformerModel(n_tasks=2, stem_channels=16, stem_kernel_size=11, n_conv=1, channel_init=16,
                                       kernel_size=5, pool_func="max", pool_size=4, n_transformers=1, key_len=8,
                                       value_len=8, n_heads=2, n_pos_features=4)
    if kind == "enformer":
        return gm.EnformerModel(n_tasks=3, n_conv=2, channels=48, n_transformers=1, n_heads=2, key_len=8,
                                attn_dropout=0.0, pos_dropout=0.0, ff_dropout=0.0, crop_len=2)
    if kind == "borzoi":
        return gm.BorzoiModel(n_tasks=3, stem_channels=16, stem_kernel_size=15, init_channels=32, channels=64,
                              n_conv=3, kernel_size=5, n_transformers=1, key_len=8, value_len=16, n_heads=2,
                              n_pos_features=8, crop_len=2, pos_dropout=0.0, attn_dropout=0.0, ff_dropout=0.0)
    raise ValueError(kind)


def build_selene_non_strand_specific(length: int):
    # selene_sdk.utils/__init__ pulls the training stack (scikit-learn, ...): load the module file.
    import importlib.util
    root = os.path.dirname(importlib.util.find_spec("selene_sdk").origin)
    package = importlib.util.module_from_spec(importlib.util.spec_from_file_location(
        "selene_sdk.utils", os.path.join(root, "utils", "__init__.py"), submodule_search_locations=[os.path.join(root, "utils")]))
    sys.modules["selene_sdk.utils"] = package
    from selene_sdk.utils.utils import _is_lua_trained_model
    package._is_lua_trained_model = _is_lua_trained_model
    from selene_sdk.utils.non_strand_specific_module import NonStrandSpecific
    return NonStrandSpecific(DeepSEALike(length), mode="mean")


# ============================================================================ the cases
# target: the output and the flat index (within one sequence's output) that saliency, IG
# and ISM use, or PROFILE for BPNet's profile target; meta.json also says it as seqlens'
# `--target` text.

def T(name, build, length, exporter, package, description, target, layout="channels-first", outputs=None,
      inputs=None, seed=0, head_scale=1.0):
    """head_scale multiplies the last dense layer, for sigmoid models that saturate with He
    weights (ISM effects at 0.999 fall below float32 resolution)."""
    return dict(name=name, build=build, length=length, exporter=exporter, package=package, description=description,
                target=target, layout=layout, outputs=outputs or ["output"], inputs=inputs or ["sequence"], seed=seed,
                head_scale=head_scale)


def cases():
    bpnet_trim = 47 + sum(2 ** i for i in range(1, 5))  # bpnet-lite's default trimming, 4 layers
    bp_len = 2 * bpnet_trim + 64
    return [
        # Published descriptions (PyTorch).
        T("basset", lambda: Basset(300), 300, "legacy", None, "Basset: 3 conv/BN/ReLU/maxpool blocks, 2 dense, 4 sigmoid tasks",
          ("output", 1)),
        T("basset-dynamo", lambda: Basset(300), 300, "dynamo", None, "Basset, dynamo exporter", ("output", 1)),
        T("deepstarr", lambda: DeepSTARR(256), 256, "legacy", None,
          "DeepSTARR: 4 conv/BN/ReLU/maxpool blocks, 2 dense/BN blocks, 2 regression outputs", ("output", 0)),
        T("deepstarr-dynamo", lambda: DeepSTARR(256), 256, "dynamo", None, "DeepSTARR, dynamo exporter", ("output", 0)),
        T("danq", lambda: DanQ(200), 200, "legacy", None, "DanQ: conv + maxpool + bidirectional LSTM + dense, 3 sigmoid tasks",
          ("output", 1)),
        T("danq-dynamo", lambda: DanQ(200), 200, "dynamo", None, "DanQ, dynamo exporter", ("output", 1)),
        T("transformer-sinusoidal", lambda: SinusoidalTransformer(128), 128, "legacy", None,
          "conv embedding + sinusoidal positions + 2-layer nn.TransformerEncoder, mean over length, 2 outputs",
          ("output", 0)),
        T("transformer-sinusoidal-dynamo", lambda: SinusoidalTransformer(128), 128, "dynamo", None,
          "the same, dynamo exporter", ("output", 0)),
        T("transformer-learned", lambda: LearnedPositionTransformer(200), 200, "legacy", None,
          "strided conv tokens + learned position embeddings + pre-LN GELU encoder, max over tokens, 3 sigmoid tasks",
          ("output", 2), head_scale=0.2),
        T("transformer-learned-dynamo", lambda: LearnedPositionTransformer(200), 200, "dynamo", None,
          "the same, dynamo exporter", ("output", 2), head_scale=0.2),
        # Packages' own classes.
        T("bpnetlite-bpnet", lambda: build_bpnetlite_bpnet(), bp_len, "legacy", "bpnet-lite",
          "bpnet-lite BPNet (16 filters, 4 dilated residual layers, 2 strands, no control tracks): profile logits and log counts",
          ("counts", 0), outputs=["profile", "counts"]),
        T("bpnetlite-bpnet-dynamo", lambda: build_bpnetlite_bpnet(), bp_len, "dynamo", "bpnet-lite",
          "the same, dynamo exporter", ("profile", PROFILE), outputs=["profile", "counts"]),
        T("bpnetlite-bpnet-control", lambda: build_bpnetlite_bpnet(controls=2), bp_len, "legacy", "bpnet-lite",
          "bpnet-lite BPNet with 2 control tracks: a second input (N, 2, L)", ("counts", 0),
          outputs=["profile", "counts"], inputs=["sequence", "control"]),
        T("bpnetlite-chrombpnet", build_bpnetlite_chrombpnet, bp_len, "legacy", "bpnet-lite",
          "bpnet-lite ChromBPNet: frozen bias BPNet + accessibility BPNet, profile logits summed, counts log-sum-exp'd",
          ("counts", 0), outputs=["profile", "counts"]),
        T("chrombpnet-pytorch", build_chrombpnet_pytorch, 400, "legacy", "chrombpnet-pytorch",
          "chrombpnet-pytorch ChromBPNet (valid convs with integer crop arithmetic; bias model narrowed to 8 filters)",
          ("profile", PROFILE), outputs=["profile", "counts"]),
        T("chrombpnet-pytorch-dynamo", build_chrombpnet_pytorch, 400, "dynamo", "chrombpnet-pytorch",
          "the same, dynamo exporter", ("counts", 0), outputs=["profile", "counts"]),
        T("enformer-pytorch", lambda: build_enformer(256), 256, "legacy", "enformer-pytorch",
          "enformer-pytorch Enformer (dim 48, 2 layers, 2 heads, 3 downsamplings): relative-position attention, (N, 24 bins, 4 tracks)",
          ("output", 12 * 4 + 1), layout="channels-last"),
        T("enformer-pytorch-dynamo", lambda: build_enformer(256), 256, "dynamo", "enformer-pytorch",
          "the same, dynamo exporter", ("output", 12 * 4 + 1), layout="channels-last"),
        T("borzoi-pytorch-dynamo", lambda: NarrowBorzoi(bins=24), 1024, "dynamo", "borzoi-pytorch",
          "borzoi-pytorch Borzoi's modules and forward at narrow widths: conv tower, relative-position attention "
          "(vmap'd fast relative shift), U-net upsampling, Softplus, (N, 4 tracks, 24 bins)", ("output", 24 + 12)),
        T("grelu-conv-gru", lambda: build_grelu("conv-gru", 200), 200, "legacy", "grelu",
          "gReLU ConvGRUModel: conv tower + GRU, (N, 2 tasks, bins)", ("output", 0)),
        T("grelu-conv-gru-dynamo", lambda: build_grelu("conv-gru", 200), 200, "dynamo", "grelu",
          "the same, dynamo exporter", ("output", 0)),
        T("grelu-conv-transformer", lambda: build_grelu("conv-transformer", 200), 200, "legacy", "grelu",
          "gReLU ConvTransformerModel: conv tower + transformer with relative positions", ("output", 0)),
        T("grelu-borzoi", lambda: build_grelu("borzoi", 512), 512, "legacy", "grelu",
          "gReLU BorzoiModel (48 channels): conv tower, transformer, U-net upsampling", ("output", 1)),
        T("selene-nonstrandspecific", lambda: build_selene_non_strand_specific(200), 200, "dynamo", "selene-sdk",
          "selene-sdk NonStrandSpecific (mean of forward and reverse-complement predictions) around a narrow DeepSEA",
          ("output", 1), head_scale=0.2),
        # Keras, through tf2onnx.
        T("keras-bpnet", lambda: keras_bpnet(240, chrom=False), 240, "tf2onnx", None,
          "BPNet in Keras (Avsec et al. 2021 layout: conv 21, 4 dilated residual convs, profile conv 75, counts dense)",
          ("logcounts", 0), layout="channels-last", outputs=["logcounts", "profile"]),
        T("keras-chrombpnet", lambda: keras_bpnet(240, chrom=True), 240, "tf2onnx", None,
          "ChromBPNet in Keras (bias + accessibility BPNets, Cropping1D, counts merged with logsumexp)",
          ("profile", PROFILE), layout="channels-last", outputs=["logcounts", "profile"]),
        T("keras-deepstarr", lambda: keras_deepstarr(200), 200, "tf2onnx", None,
          "DeepSTARR in Keras (Conv1D/BN/ReLU/MaxPool ×4, Dense/BN/ReLU ×2, 2 outputs)", ("output", 1),
          layout="channels-last"),
        T("keras-danq", lambda: keras_danq(160), 160, "tf2onnx", None,
          "DanQ in Keras (Conv1D, MaxPool, Bidirectional(LSTM), Dense)", ("output", 0), layout="channels-last"),
    ]


# ============================================================================ Keras models

def keras_bpnet(length: int, chrom: bool):
    import tensorflow as tf
    from tensorflow import keras
    L = keras.layers

    def tower(x, filters, layers, prefix):
        x = L.Conv1D(filters, 21, padding="valid", activation="relu", name=f"{prefix}1st_conv")(x)
        for i in range(1, layers + 1):
            conv = L.Conv1D(filters, 3, padding="valid", activation="relu", dilation_rate=2 ** i, name=f"{prefix}{i}conv")(x)
            crop = (x.shape[1] - conv.shape[1]) // 2
            x = L.Add()([conv, L.Cropping1D(crop)(x)])
        profile = L.Conv1D(1, 75, padding="valid", name=f"{prefix}prof_out_precrop")(x)
        crop = (profile.shape[1] - 64) // 2
        profile = L.Flatten()(L.Cropping1D(crop)(profile))
        counts = L.Dense(1, name=f"{prefix}logcount_predictions")(L.GlobalAveragePooling1D()(x))
        return profile, counts

    inp = keras.Input((length, 4), name="sequence")
    profile, counts = tower(inp, 16, 4, "")
    if chrom:
        bias_profile, bias_counts = tower(inp, 8, 4, "bias_")
        profile = L.Add(name="profile")([profile, bias_profile])
        stacked = L.Concatenate()([counts, bias_counts])
        counts = L.Lambda(lambda t: tf.math.reduce_logsumexp(t, axis=-1, keepdims=True), name="logcounts")(stacked)
    else:
        profile = L.Identity(name="profile")(profile)
        counts = L.Identity(name="logcounts")(counts)
    return keras.Model(inp, [counts, profile])  # tf2onnx emits outputs in name order


def keras_deepstarr(length: int):
    from tensorflow import keras
    L = keras.layers
    inp = keras.Input((length, 4), name="sequence")
    x = inp
    for filters, k in zip([16, 16, 16, 16], [7, 3, 5, 3]):
        x = L.MaxPooling1D(2)(L.Activation("relu")(L.BatchNormalization()(L.Conv1D(filters, k, padding="same")(x))))
    x = L.Flatten()(x)
    for _ in range(2):
        x = L.Dropout(0.4)(L.Activation("relu")(L.BatchNormalization()(L.Dense(32)(x))))
    return keras.Model(inp, L.Dense(2, name="output")(x))


def keras_danq(length: int):
    from tensorflow import keras
    L = keras.layers
    inp = keras.Input((length, 4), name="sequence")
    x = L.MaxPooling1D(5)(L.Conv1D(16, 13, activation="relu")(inp))
    x = L.Bidirectional(L.LSTM(8, return_sequences=True))(x)
    x = L.Dense(16, activation="relu")(L.Flatten()(x))
    return keras.Model(inp, L.Dense(3, activation="sigmoid", name="output")(x))


# ============================================================================ export

def export_torch(model, case, x, path):
    names = case["inputs"]
    args = (x,) if len(names) == 1 else (x, extra_inputs(case, x.shape[0]))
    if case["exporter"] == "legacy":
        axes = {n: {0: "batch"} for n in names + case["outputs"]}
        torch.onnx.export(model, args, path, dynamo=False, opset_version=17, input_names=names,
                          output_names=case["outputs"], dynamic_axes=axes)
    else:
        batch = torch.export.Dim("batch", min=1, max=4096)
        shapes = tuple({0: batch} for _ in names)
        program = torch.onnx.export(model, args, dynamo=True, external_data=False, input_names=names,
                                    output_names=case["outputs"], dynamic_shapes=shapes, optimize=True)
        # The dynamo exporter records each node's Python stack trace: local paths and this
        # script's line numbers, which would change the fixture bytes with every edit.
        proto = program.model_proto
        for node in proto.graph.node:
            kept = [p for p in node.metadata_props if p.key != "pkg.torch.onnx.stack_trace"]
            del node.metadata_props[:]
            node.metadata_props.extend(kept)
        onnx.save(proto, path)


def extra_inputs(case, batch):
    """Control tracks: zeros, what seqlens feeds by default (issue 11 item 3)."""
    return torch.zeros(batch, 2, case["length"])


def ort_session(path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def ort_run(session, case, x_model_layout):
    feeds = {case["inputs"][0]: x_model_layout}
    for extra in case["inputs"][1:]:
        feeds[extra] = np.zeros((x_model_layout.shape[0], 2, case["length"]), dtype=np.float32)
    return dict(zip(case["outputs"], session.run(case["outputs"], feeds)))


def to_model_layout(x_cf: np.ndarray, case) -> np.ndarray:
    return x_cf if case["layout"] == "channels-first" else np.ascontiguousarray(x_cf.transpose(0, 2, 1))


def gauss_legendre(n):
    nodes, weights = np.polynomial.legendre.leggauss(n)
    return (nodes + 1) / 2, weights / 2


PROFILE = "profile"  # a target index meaning BPNet's profile target over every value of the output


def target_value(y, index, lib):
    """The target of each row of y (N, values): one value, or BPNet's profile target as
    bpnet-lite's ProfileWrapper computes it — the logits minus their mean, weighted by their
    softmax held constant (detached), summed. `lib` is torch, tf or numpy."""
    if index != PROFILE:
        return y[:, index]
    if lib is np:
        centred = y - y.mean(axis=1, keepdims=True)
        weights = np.exp(centred - centred.max(axis=1, keepdims=True))
        return (weights / weights.sum(axis=1, keepdims=True) * centred).sum(axis=1)
    if lib is torch:
        centred = y - y.mean(dim=1, keepdim=True)
        return (torch.softmax(centred, dim=1).detach() * centred).sum(dim=1)
    centred = y - lib.reduce_mean(y, axis=1, keepdims=True)
    return lib.reduce_sum(lib.stop_gradient(lib.nn.softmax(centred, axis=1)) * centred, axis=1)


def target_syntax(case, predictions) -> str:
    """The `--target` text that reads the same number in seqlens (README, Targets)."""
    output, index = case["target"]
    if index == PROFILE:
        return f"{output}:reduce=profile"
    shape = predictions[output].shape[1:]
    if len(shape) == 1:
        return f"{output}:{index}"
    # Channels-first models emit (tracks, bins), channels-last ones (bins, tracks).
    if case["layout"] == "channels-first":
        track, bin = divmod(index, shape[1])
    else:
        bin, track = divmod(index, shape[1])
    return f"{output}:track={track},bins={bin}"


def torch_target(model, case):
    """f(x_cf) → (N,) the target value, for autograd; x in channels-first."""
    output, index = case["target"]
    position = case["outputs"].index(output)

    def f(x_cf):
        x = x_cf if case["layout"] == "channels-first" else x_cf.transpose(1, 2)
        args = (x,) if len(case["inputs"]) == 1 else (x, extra_inputs(case, x.shape[0]).to(x.dtype))
        y = model(*args)
        if isinstance(y, (tuple, list)):
            y = y[position]
        return target_value(y.reshape(y.shape[0], -1), index, torch)
    return f


def keras_target(model, case):
    import tensorflow as tf
    output, index = case["target"]
    position = case["outputs"].index(output)

    def f(x_cf):
        y = model(tf.transpose(x_cf, (0, 2, 1)), training=False)
        if isinstance(y, (tuple, list)):
            y = y[position]
        return target_value(tf.reshape(y, (tf.shape(y)[0], -1)), index, tf)
    return f


def float64_target(model, case, x_cf: np.ndarray):
    """torch_target on a float64 copy of the model, or None when the model keeps float32 tables
    that clash with float64 inputs (cached position features)."""
    try:
        f = torch_target(copy.deepcopy(model).double(), case)
        with torch.no_grad():
            f(torch.from_numpy(x_cf.astype(np.float64)))
        return f
    except (RuntimeError, TypeError):
        return None


def gradients(f, xs: np.ndarray, framework: str) -> np.ndarray:
    """∇ f at each row of xs (channels-first)."""
    if framework == "torch":
        x = torch.from_numpy(xs).requires_grad_(True)
        f(x).sum().backward()
        return x.grad.numpy()
    import tensorflow as tf
    x = tf.constant(xs)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(f(x))
    return tape.gradient(y, x).numpy()


def integrated_gradients(f, x: np.ndarray, framework: str) -> np.ndarray:
    alphas, weights = gauss_legendre(IG_STEPS)
    result = np.zeros_like(x, dtype=np.float64)
    for n in range(x.shape[0]):
        path = np.stack([np.float32(a) * x[n] for a in alphas]).astype(x.dtype)
        g = gradients(f, path, framework).astype(np.float64)
        result[n] = x[n] * np.tensordot(weights.astype(np.float32).astype(np.float64), g, axes=1)
    return result.astype(np.float32)


def brute_force_ism(session, case, x_cf: np.ndarray, window: range) -> np.ndarray:
    """(N, 4, W): f_target(x with column p := e_b) − f_target(x), batched through onnxruntime."""
    output, index = case["target"]
    reference = target_value(ort_run(session, case, to_model_layout(x_cf, case))[output].reshape(x_cf.shape[0], -1), index, np)
    result = np.zeros((x_cf.shape[0], 4, len(window)), dtype=np.float32)
    for n in range(x_cf.shape[0]):
        mutants = []
        for p in window:
            for b in range(4):
                m = x_cf[n].copy()
                m[:, p] = 0
                m[b, p] = 1
                mutants.append(m)
        values = target_value(ort_run(session, case, to_model_layout(np.stack(mutants), case))[output].reshape(len(mutants), -1), index, np)
        result[n] = (values - reference[n]).reshape(len(window), 4).T
        for j, p in enumerate(window):
            result[n, int(np.argmax(x_cf[n, :, p])), j] = 0  # exactly 0 at the reference base
    return result


def op_histogram(model_proto) -> dict[str, int]:
    counts = collections.Counter(node.op_type for node in model_proto.graph.node)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def notable_attributes(model_proto, missing: set[str]) -> dict[str, list[str]]:
    """For each op seqlens lacks, the distinct attribute settings the export uses."""
    notes = collections.defaultdict(set)
    for node in model_proto.graph.node:
        if node.op_type in missing:
            attrs = []
            for a in node.attribute:
                value = onnx.helper.get_attribute_value(a)
                if isinstance(value, bytes):
                    value = value.decode()
                if isinstance(value, (list, tuple)) and value and isinstance(value[0], bytes):
                    value = [v.decode() for v in value]
                if isinstance(value, onnx.TensorProto):
                    value = "tensor"
                attrs.append(f"{a.name}={value}")
            notes[node.op_type].add(", ".join(attrs) or "-")
    return {k: sorted(v) for k, v in sorted(notes.items())}


def make_case(case, out_root, survey_only=False):
    name = case["name"]
    torch.manual_seed(case["seed"])
    np.random.seed(case["seed"])
    framework = "keras" if case["exporter"] == "tf2onnx" else "torch"
    directory = os.path.join(out_root, name)
    tmp = tempfile.mkdtemp(prefix=f"zoo-{name}-")
    path = os.path.join(tmp, "model.onnx")
    sequences = sequences_for(name, case["length"])
    x_cf = one_hot(sequences)
    if framework == "torch":
        model = case["build"]()
        he_normal(model, case["seed"] + 2)
        random_batchnorm_statistics(model, case["seed"] + 1)
        last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
        last.weight.data *= case["head_scale"]
        last.bias.data *= case["head_scale"]
        model.eval()
        with torch.no_grad():  # a first forward pass fills caches (enformer's positional features)
            model(*((torch.from_numpy(to_model_layout(x_cf, case)),) if len(case["inputs"]) == 1
                    else (torch.from_numpy(to_model_layout(x_cf, case)), extra_inputs(case, N_SEQUENCES))))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            export_torch(model, case, torch.from_numpy(to_model_layout(x_cf, case)), path)
        package_version = version(case["package"]) if case["package"] else None
        exporter = f"torch.onnx.export dynamo={case['exporter'] == 'dynamo'} (torch {torch.__version__})"
    else:
        import tensorflow as tf
        import tf2onnx
        tf.keras.utils.set_random_seed(case["seed"])
        model = case["build"]()
        for layer in model.layers:  # BatchNorm statistics that are not the identity
            if isinstance(layer, tf.keras.layers.BatchNormalization):
                g, b, m, v = layer.get_weights()
                rng = np.random.default_rng(case["seed"])
                layer.set_weights([rng.uniform(0.75, 1.25, g.shape), rng.normal(0, 0.1, b.shape),
                                   rng.normal(0, 0.1, m.shape), rng.uniform(0.75, 1.25, v.shape)])
        spec = (tf.TensorSpec((None, case["length"], 4), tf.float32, name="sequence"),)
        fn = tf.function(lambda s: dict(zip(case["outputs"], (lambda y: y if isinstance(y, (list, tuple)) else [y])(model(s, training=False)))))
        # tf2onnx's node and constant names vary from run to run (TensorFlow's process-wide
        # counters, constant de-duplication): regenerated Keras files differ in names only.
        proto, _ = tf2onnx.convert.from_function(fn, input_signature=spec, opset=17, output_path=path)
        package_version = None
        exporter = f"tf2onnx {tf2onnx.__version__} from_function opset 17 (tensorflow-cpu {tf.__version__})"

    proto = onnx.load(path)
    histogram = op_histogram(proto)
    missing = sorted(set(histogram) - supported_ops())
    size = os.path.getsize(path)
    survey = dict(name=name, size=size, ops=histogram, missing=missing, attributes=notable_attributes(proto, set(missing)),
                  opset=[(o.domain or "ai.onnx", o.version) for o in proto.opset_import])
    if survey_only:
        os.makedirs(os.path.join(survey_only, name), exist_ok=True)
        shutil.copy(path, os.path.join(survey_only, name, "model.onnx"))
        shutil.rmtree(tmp)
        return survey
    assert size <= MAX_MODEL_BYTES, f"{name}: {size} bytes"
    # tf2onnx names outputs after the function's dict keys (sorted); check the names we promise.
    graph_outputs = [o.name for o in proto.graph.output]
    assert graph_outputs == case["outputs"], (name, graph_outputs)

    session = ort_session(path)
    predictions = ort_run(session, case, to_model_layout(x_cf, case))
    f = torch_target(model, case) if framework == "torch" else keras_target(model, case)
    # The framework agrees with onnxruntime on the target (the references below use it).
    output, index = case["target"]
    if framework == "torch":
        with torch.no_grad():
            framework_value = f(torch.from_numpy(x_cf)).numpy()
    else:
        framework_value = f(x_cf).numpy()
    ort_value = target_value(predictions[output].reshape(N_SEQUENCES, -1), index, np)
    scale = max(1e-3, float(np.abs(ort_value).max()))
    assert np.abs(framework_value - ort_value).max() <= 1e-4 * scale, (name, framework_value, ort_value)
    for key, value in predictions.items():
        assert np.isfinite(value).all() and np.abs(value).max() < 1e4, (name, key, np.abs(value).max())

    # Gradients in float64 where the model allows it: a float32 reference of a deep model is
    # itself ~1e-4 of its scale off (grelu's Borzoi), as far as seqlens may be.
    f64 = float64_target(model, case, x_cf) if framework == "torch" else None
    exact = (f64, x_cf.astype(np.float64)) if f64 else (f, x_cf)
    saliency = gradients(exact[0], exact[1].copy(), framework).astype(np.float32)
    ig = integrated_gradients(exact[0], exact[1], framework)
    start = case["length"] // 2 - ISM_WIDTH // 2
    window = range(start, start + ISM_WIDTH)
    ism = brute_force_ism(session, case, x_cf, window)
    assert np.abs(saliency).max() > 0 and np.abs(ism).max() > 0, name

    os.makedirs(directory, exist_ok=True)
    for stale in os.listdir(directory):
        os.remove(os.path.join(directory, stale))
    shutil.copy(path, os.path.join(directory, "model.onnx"))
    np.savez(os.path.join(directory, "onnxruntime.npz"), **{k: v.astype(np.float32) for k, v in predictions.items()})
    np.save(os.path.join(directory, "saliency.npy"), saliency)
    np.save(os.path.join(directory, "ig.npy"), ig)
    np.save(os.path.join(directory, "ism.npy"), ism)
    meta = dict(
        architecture=case["description"],
        package=(f"{case['package']} {package_version}" if case["package"] else "published description (tools/make-zoo.py)"),
        exporter=exporter,
        layout=case["layout"],
        inputs=case["inputs"],
        outputs={k: list(v.shape[1:]) for k, v in predictions.items()},
        target=dict(output=output, index=index, syntax=target_syntax(case, predictions)),
        sequences=sequences,
        ism_window=[window.start, window.stop],
        ig=dict(steps=IG_STEPS, quadrature="gausslegendre", baseline="zeros"),
        references=dict(onnxruntime=f"onnxruntime {ort.__version__}, 1 thread, every output",
                        saliency=f"{framework} autograd d output[target]/d x, (N, 4, L)",
                        ig=f"{framework} autograd, x * sum_k w_k grad(alpha_k x), (N, 4, L)",
                        ism=f"onnxruntime brute force f(mutant) - f(reference) on the target, (N, 4, W)"),
        ops=histogram,
        bytes=size,
    )
    with open(os.path.join(directory, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
        fh.write("\n")
    shutil.rmtree(tmp)
    return survey


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--survey", metavar="DIR", help="export only: the models into DIR, the op survey into DIR/survey.json")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    torch.set_num_threads(1)
    selected = [case for case in cases() if not args.only or case["name"] in args.only]
    surveys, failures = [], []
    for case in selected:
        try:
            survey = make_case(case, args.out, survey_only=args.survey)
            surveys.append(survey)
            print(f"{case['name']}: {survey['size']} bytes, lacks {survey['missing']}", file=sys.stderr)
        except Exception as error:  # report every case, then fail
            failures.append(case["name"])
            print(f"{case['name']}: FAILED {type(error).__name__}: {str(error)[:400]}", file=sys.stderr)
    if args.survey:
        with open(os.path.join(args.survey, "survey.json"), "w") as fh:
            json.dump(surveys, fh, indent=1)
    if failures:
        sys.exit(f"failed: {failures}")


if __name__ == "__main__":
    main()
