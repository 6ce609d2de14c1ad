#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses that read binary or structured files (Fuzz/corpus/).

  * onnx: the smallest included ONNX conformance model of each op type
    (Tests/Fixtures/onnx-conformance, MANIFEST.tsv), plus a tiny sequence CNN
    (Conv, Relu, MaxPool, Flatten, Gemm over a (1, 4, 20) one-hot input) built with onnx.helper.
  * session: session files as `explore` saves them, for the records Fuzz/session.swift uses.

The npy, npz and sidecar seeds are copies of existing fixtures (see docs/FUZZING.md).
Usage:  .venv/bin/python tools/make-fuzz-seeds.py
"""
import csv
import json
import os

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


if __name__ == "__main__":
    main()
