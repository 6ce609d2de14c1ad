#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses that read binary or structured files (Fuzz/corpus/).

  * onnx: the smallest included ONNX conformance model of each op type
    (Tests/Fixtures/onnx-conformance, MANIFEST.tsv), plus a tiny sequence CNN
    (Conv, Relu, MaxPool, Flatten, Gemm over a (1, 4, 20) one-hot input) built with onnx.helper.
  * session: session files as `explore` saves them, for the records Fuzz/session.swift uses.
  * modisco: a modisco-lite results file of one small pattern written with h5py in HDF5's most
    compact form readable by HDF5 1.10 (its newest format, compact datasets: 3 kB, within
    run.sh's -max_len), and two
    layouts the reader refuses.

The npy, npz and sidecar seeds are copies of existing fixtures (see docs/FUZZING.md).
Usage:  .venv/bin/python tools/make-fuzz-seeds.py
"""
import csv
import json
import os

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFORMANCE = os.path.join(REPO, "Tests", "Fixtures", "onnx-conformance")
CORPUS = os.path.join(REPO, "Fuzz", "corpus")
MAX_SEED_BYTES = 2048


def conformance_seeds() -> dict[str, str]:
    """op type -> path of its smallest included case model (at most MAX_SEED_BYTES)."""
    best: dict[str, tuple[int, str]] = {}
    with open(os.path.join(CONFORMANCE, "MANIFEST.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["status"] != "included":
                continue
            path = os.path.join(CONFORMANCE, row["suite"], row["case"], "model.onnx")
            size = os.path.getsize(path)
            for op in row["ops"].split(","):
                if size <= MAX_SEED_BYTES and (op not in best or size < best[op][0]):
                    best[op] = (size, path)
    return {op: path for op, (_, path) in best.items()}


def tiny_cnn() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    weights = numpy_helper.from_array(rng.normal(size=(2, 4, 3)).astype(np.float32), "w")
    dense = numpy_helper.from_array(rng.normal(size=(1, 20)).astype(np.float32), "d")
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2], strides=[2]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "d"], ["y"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "tiny-cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4, 20])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 1])],
        [weights, dense])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def sessions() -> dict[str, dict]:
    view = {"record": 0, "cursor": 12, "task": 1, "method": "saliency", "zoomLevel": 1,
            "columnsPerPosition": 2, "sortsPredictions": False}
    edited = {"format": "seqlens-session", "version": 1, "model": "model.onnx", "sequences": "seqs.fa",
              "annotations": "sites.tsv", "motifs": {"file": "motifs.meme", "names": ["CTCF"], "pValue": 1e-4},
              "edits": [{"id": "mt_test_04056", "applied": [["0:A>G", "1:C>T"], ["4:T>A"]], "undone": [["8:A>C"]]}],
              "view": view}
    plain = {"format": "seqlens-session", "version": 1, "model": "m.onnx", "sequences": "s.fa",
             "edits": [], "view": dict(view, record=1, cursor=-3, method="ism", zoomLevel=4, columnsPerPosition=1)}
    return {"edited.session.json": edited, "plain.session.json": plain}


def compact_dataset(group, name: str, data: np.ndarray) -> None:
    """A dataset stored in its object header (HDF5's compact layout), the smallest form."""
    creation = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    creation.set_layout(h5py.h5d.COMPACT)
    dataset = h5py.h5d.create(group.id, name.encode(), h5py.h5t.py_create(data.dtype, logical=True),
                              h5py.h5s.create_simple(data.shape), dcpl=creation)
    dataset.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(data))


def modisco_seeds(folder: str) -> None:
    rng = np.random.default_rng(1)
    width, count = 3, 2
    with h5py.File(os.path.join(folder, "pattern.h5"), "w", libver=("v110", "v110")) as f:
        f.attrs["window_size"] = 20
        pattern = f.create_group("pos_patterns").create_group("pattern_0")
        compact_dataset(pattern, "sequence", rng.dirichlet(np.ones(4), size=width).astype(np.float32))
        compact_dataset(pattern, "contrib_scores", rng.normal(size=(width, 4)).astype(np.float32))
        compact_dataset(pattern, "hypothetical_contribs", rng.normal(size=(width, 4)).astype(np.float32))
        seqlets = pattern.create_group("seqlets")
        compact_dataset(seqlets, "n_seqlets", np.array([count]))
        compact_dataset(seqlets, "start", np.arange(count, dtype=np.int64))
        compact_dataset(seqlets, "end", np.arange(count, dtype=np.int64) + width)
        compact_dataset(seqlets, "example_idx", np.arange(count, dtype=np.int64))
        compact_dataset(seqlets, "is_revcomp", np.array([False, True]))
    with h5py.File(os.path.join(folder, "no-patterns.h5"), "w", libver=("v110", "v110")) as f:
        f.create_group("other")
    with h5py.File(os.path.join(folder, "pattern-is-dataset.h5"), "w", libver=("v110", "v110")) as f:
        compact_dataset(f.create_group("neg_patterns"), "pattern_0", np.zeros(3))


def main() -> None:
    os.makedirs(os.path.join(CORPUS, "onnx"), exist_ok=True)
    for op, path in sorted(conformance_seeds().items()):
        with open(path, "rb") as f:
            data = f.read()
        with open(os.path.join(CORPUS, "onnx", f"{op}.onnx"), "wb") as f:
            f.write(data)
    onnx.save(tiny_cnn(), os.path.join(CORPUS, "onnx", "tiny-cnn.onnx"))
    os.makedirs(os.path.join(CORPUS, "session"), exist_ok=True)
    for name, content in sessions().items():
        with open(os.path.join(CORPUS, "session", name), "w") as f:
            json.dump(content, f, indent=2, sort_keys=True)
            f.write("\n")
    os.makedirs(os.path.join(CORPUS, "modisco"), exist_ok=True)
    modisco_seeds(os.path.join(CORPUS, "modisco"))


if __name__ == "__main__":
    main()
