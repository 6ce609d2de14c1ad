#!/usr/bin/env python3
"""Writes Tests/Fixtures/filters/code-shallow-relu.json: first-layer filter probability matrices
of sample-models/code-shallow-relu.onnx on the first 40 records of
assets/sequences/regulatory-code.fa, from onnxruntime activations of the first Relu, with the
Koo-lab convention: positions whose activation exceeds 0.5 x the filter's maximum over the
dataset, the one-hot windows the filter reads there (kernel 19, pads 9: positions p-9 .. p+9),
windows running off a sequence skipped, averaged.

Run from the repository root: .venv/bin/python tools/make-filter-fixtures.py
"""
import json

import numpy
import onnx
import onnxruntime

MODEL = "sample-models/code-shallow-relu.onnx"
FASTA = "assets/sequences/regulatory-code.fa"
OUT = "Tests/Fixtures/filters/code-shallow-relu.json"
RECORDS = 40


def read_fasta(path, limit):
    records, sequence = [], None
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            if sequence is not None:
                records.append(sequence)
            sequence = ""
        elif sequence is not None:
            sequence += line.upper()
    records.append(sequence)
    return records[:limit]


def main():
    model = onnx.load(MODEL)
    conv, relu = model.graph.node[0], model.graph.node[1]
    assert conv.op_type == "Conv" and relu.op_type == "Relu"
    model.graph.output.insert(0, onnx.helper.make_tensor_value_info(relu.output[0], onnx.TensorProto.FLOAT, None))
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])

    sequences = read_fasta(FASTA, RECORDS)
    X = numpy.zeros((len(sequences), 4, len(sequences[0])), dtype=numpy.float32)
    for n, sequence in enumerate(sequences):
        for l, base in enumerate(sequence):
            if base in "ACGT":
                X[n, "ACGT".index(base), l] = 1
    activations = session.run([relu.output[0]], {model.graph.input[0].name: X})[0]  # (N, F, L)

    width, pad, length = 19, 9, X.shape[2]
    filters = []
    for f in range(activations.shape[1]):
        fmap = activations[:, f, :]
        highest = fmap.max()
        rows, positions = numpy.where(fmap > 0.5 * highest)
        windows = [X[n, :, p - pad:p - pad + width] for n, p in zip(rows, positions)
                   if p - pad >= 0 and p - pad + width <= length]
        ppm = numpy.mean(numpy.array(windows, dtype=numpy.float64), axis=0) if windows else numpy.full((4, width), 0.25)
        filters.append({"windows": len(windows), "max_activation": float(highest),
                        "ppm": [[float(v) for v in row] for row in ppm]})
    with open(OUT, "w") as out:
        json.dump({"records": RECORDS, "filters": filters}, out)


if __name__ == "__main__":
    main()
