#!/usr/bin/env python3
"""Target and extra-input fixtures (issue 11, items 2 and 3): tiny models with non-scalar
outputs and a second input, exported with torch.onnx (legacy exporter), with onnxruntime
outputs and PyTorch autograd gradients of the targets seqlens supports.

Tests/Fixtures/targets/<case>/ holds model.onnx, seqs.fa (the records of input.npy),
input.npy (float32 one-hot in the model's layout) and the reference arrays named below.

  bpnet       BPNet-like (bpnet-lite layout): X (N, 4, 64) -> profile (N, 2, 64) logits,
              counts (N, 1). profile_attr.npy is the gradient of bpnet-lite's ProfileWrapper
              target (the mean-normalised logits of both strands, flattened, weighted by their
              detached softmax) w.r.t. X, (N, 4, L); profile_value.npy its value (N,);
              window_attr.npy the same target on strand 1, bins 16:48 only; counts_attr.npy
              the gradient of counts; profile_ism.npy the brute-force ISM of the whole profile
              target, f(mutant) - f(reference), (N, 4, L).
  control     bpnet plus a control track: X (N, 4, 64) and X_ctl (N, 2, 64) -> profile,
              counts. control.npy is one control track (2, 64) for every record;
              outputs_control.npz / outputs_zeros.npz the onnxruntime outputs with it and with
              zeros; counts_attr_control.npy the gradient of counts w.r.t. X with it.
  enformer    Enformer-style channels-last: X (N, 64, 4) -> tracks (N, 8 bins, 3 tracks);
              model.json names the tracks. mean_attr.npy: gradient of the mean of track 1
              (CAGE) over bins 2:5 w.r.t. X, as (N, 4, L); tracks.npy the onnxruntime output.

Usage:  /work/main/.venv/bin/python tools/make-target-fixtures.py
"""
from __future__ import annotations

import json
import os

import numpy as np
import onnxruntime as ort
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "Tests", "Fixtures", "targets")
LENGTH, RECORDS = 64, 3
ALPHABET = "ACGT"


class TinyBPNet(nn.Module):
    """bpnet-lite's BPNet at toy size: a dilated residual tower, a profile head (N, 2, L)
    and a counts head from the pooled tower; with `control`, bpnet-lite's X_ctl is
    concatenated into the profile head and its log total into the counts head."""

    def __init__(self, control: bool):
        super().__init__()
        self.control = control
        self.iconv = nn.Conv1d(4, 8, 9, padding=4)
        self.rconvs = nn.ModuleList([nn.Conv1d(8, 8, 3, padding=d, dilation=d) for d in (2, 4)])
        self.fconv = nn.Conv1d(8 + (2 if control else 0), 2, 15, padding=7)
        self.linear = nn.Linear(8 + (1 if control else 0), 1)

    def forward(self, x, x_ctl=None):
        h = torch.relu(self.iconv(x))
        for conv in self.rconvs:
            h = h + torch.relu(conv(h))
        pooled = h.mean(dim=2)
        if self.control:
            profile = self.fconv(torch.cat([h, x_ctl], dim=1))
            counts = self.linear(torch.cat([pooled, torch.log1p(x_ctl.sum(dim=(1, 2))).unsqueeze(1)], dim=1))
        else:
            profile = self.fconv(h)
            counts = self.linear(pooled)
        return profile, counts


class TinyEnformer(nn.Module):
    """Channels-last input, (N, bins, tracks) output as enformer-pytorch returns it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 6, 5, padding=2)
        self.pool = nn.AvgPool1d(8)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        h = torch.relu(self.conv(x.transpose(1, 2)))
        return nn.functional.softplus(self.head(self.pool(h).transpose(1, 2)))


def profile_target(logits):
    """bpnet-lite's ProfileWrapper (and chrombpnet's weighted sum of mean-normalised logits)."""
    flat = logits.reshape(logits.shape[0], -1)
    flat = flat - flat.mean(dim=-1, keepdim=True)
    weights = torch.softmax(flat, dim=-1).detach()
    return (weights * flat).sum(dim=-1)


def records(rng):
    letters = rng.integers(0, 4, size=(RECORDS, LENGTH))
    onehot = np.zeros((RECORDS, 4, LENGTH), dtype=np.float32)
    for n in range(RECORDS):
        onehot[n, letters[n], np.arange(LENGTH)] = 1
    fasta = "".join(f">seq{n}\n{''.join(ALPHABET[i] for i in letters[n])}\n" for n in range(RECORDS))
    return onehot, fasta


def gradient(function, x):
    x = torch.tensor(x, requires_grad=True)
    function(x).sum().backward()
    return x.grad.numpy().astype(np.float32)


def export(model, args, names, outputs, path, dynamic):
    torch.onnx.export(model, args, path, dynamo=False, opset_version=17, input_names=names, output_names=outputs,
                      dynamic_axes=dynamic)


def write(case, **arrays):
    directory = os.path.join(OUT, case)
    os.makedirs(directory, exist_ok=True)
    for name, value in arrays.items():
        if isinstance(value, str):
            with open(os.path.join(directory, name), "w") as file:
                file.write(value)
        elif isinstance(value, dict):
            np.savez(os.path.join(directory, name), **{k: v.astype(np.float32) for k, v in value.items()})
        else:
            np.save(os.path.join(directory, name), value.astype(np.float32))
    return directory


def bpnet(onehot, fasta):
    torch.manual_seed(1)
    model = TinyBPNet(control=False).eval()
    directory = write("bpnet", **{"input.npy": onehot, "seqs.fa": fasta})
    path = os.path.join(directory, "model.onnx")
    export(model, (torch.tensor(onehot),), ["X"], ["profile", "counts"], path,
           {"X": {0: "batch"}, "profile": {0: "batch"}, "counts": {0: "batch"}})
    profile, counts = ort.InferenceSession(path).run(None, {"X": onehot})
    assert np.allclose(profile, model(torch.tensor(onehot))[0].detach().numpy(), atol=1e-5)
    value = profile_target(model(torch.tensor(onehot))[0]).detach().numpy()
    ism = np.zeros_like(onehot)
    for n in range(RECORDS):
        for p in range(LENGTH):
            for b in range(4):
                if onehot[n, b, p] == 1:
                    continue
                mutant = onehot[n:n + 1].copy()
                mutant[0, :, p] = 0
                mutant[0, b, p] = 1
                ism[n, b, p] = profile_target(model(torch.tensor(mutant))[0]).item() - value[n]
    write("bpnet", **{
        "profile.npy": profile, "counts.npy": counts, "profile_value.npy": value, "profile_ism.npy": ism,
        "profile_attr.npy": gradient(lambda x: profile_target(model(x)[0]), onehot),
        "window_attr.npy": gradient(lambda x: profile_target(model(x)[0][:, 1:2, 16:48]), onehot),
        "counts_attr.npy": gradient(lambda x: model(x)[1][:, 0], onehot),
    })


def control(onehot, fasta, rng):
    torch.manual_seed(2)
    model = TinyBPNet(control=True).eval()
    track = rng.poisson(2.0, size=(2, LENGTH)).astype(np.float32)
    directory = write("control", **{"input.npy": onehot, "seqs.fa": fasta, "control.npy": track})
    path = os.path.join(directory, "model.onnx")
    example = (torch.tensor(onehot), torch.tensor(np.broadcast_to(track, (RECORDS, 2, LENGTH)).copy()))
    export(model, example, ["X", "X_ctl"], ["profile", "counts"], path,
           {"X": {0: "batch"}, "X_ctl": {0: "batch"}, "profile": {0: "batch"}, "counts": {0: "batch"}})
    session = ort.InferenceSession(path)
    tracks = np.broadcast_to(track, (RECORDS, 2, LENGTH)).copy()
    with_control = session.run(None, {"X": onehot, "X_ctl": tracks})
    with_zeros = session.run(None, {"X": onehot, "X_ctl": np.zeros_like(tracks)})
    write("control", **{
        "outputs_control.npz": {"profile": with_control[0], "counts": with_control[1]},
        "outputs_zeros.npz": {"profile": with_zeros[0], "counts": with_zeros[1]},
        "counts_attr_control.npy": gradient(lambda x: model(x, torch.tensor(tracks))[1][:, 0], onehot),
    })


def enformer(onehot, fasta):
    torch.manual_seed(3)
    model = TinyEnformer().eval()
    channels_last = np.ascontiguousarray(onehot.transpose(0, 2, 1))
    directory = write("enformer", **{"input.npy": channels_last, "seqs.fa": fasta,
                                     "model.json": json.dumps({"tasks": ["DNase", "CAGE", "H3K27ac"]}) + "\n"})
    path = os.path.join(directory, "model.onnx")
    export(model, (torch.tensor(channels_last),), ["X"], ["tracks"], path, {"X": {0: "batch"}, "tracks": {0: "batch"}})
    tracks = ort.InferenceSession(path).run(None, {"X": channels_last})[0]
    attr = gradient(lambda x: model(x)[:, 2:5, 1].mean(dim=1), channels_last).transpose(0, 2, 1)
    write("enformer", **{"tracks.npy": tracks, "mean_attr.npy": np.ascontiguousarray(attr)})


def main():
    rng = np.random.default_rng(11)
    onehot, fasta = records(rng)
    bpnet(onehot, fasta)
    control(onehot, fasta, rng)
    enformer(onehot, fasta)
    for case in sorted(os.listdir(OUT)):
        size = os.path.getsize(os.path.join(OUT, case, "model.onnx"))
        assert size <= 1 << 20, f"{case}: model.onnx is {size} bytes"
        print(f"{case}: model.onnx {size} bytes")


if __name__ == "__main__":
    main()
