#!/usr/bin/env python3
"""Print the onnxruntime reference table of Tests/InferenceTests/Execution/UpsamplingOpsTests.swift.

Each case is one node (Resize, Upsample, ConvTranspose, InstanceNormalization or
GroupNormalization) on x[i] = ((37 i) mod 23 − 11) / 8, at the opsets and with the attribute
forms exporters emit (PyTorch's two exporters, tf2onnx). The Swift test builds the same model
with ModelBuilder and compares seqlens's output with onnxruntime's, printed here.

Usage:  .venv/bin/python tools/print-upsampling-references.py > /tmp/table.swift
        (then paste the `cases` array into the test)
"""
from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

ROI = ("floats", [0], [])


def x_values(shape):
    n = int(np.prod(shape))
    return np.array([((37 * i) % 23 - 11) / 8 for i in range(n)], dtype=np.float32).reshape(shape)


def weights(count, seed):
    return [round(((i * 7 + seed * 13) % 17 - 8) / 16, 4) for i in range(count)]


def resize(name, opset, shape, roi=True, scales=None, sizes=None, op="Resize", **attrs):
    """From opset 11 on: x, roi, scales, sizes; roi=False leaves roi out (an empty input name)."""
    if op == "Upsample" or opset < 11:
        return (name, opset, op, shape, attrs, [("floats", [len(scales)], scales)])
    extras = [ROI if roi else None]
    if scales is not None:
        extras.append(("floats", [len(scales)], scales))
    else:
        # Opset 11 needs a scales input, empty when sizes are given; later opsets leave it out.
        extras += [("floats", [0], []) if opset == 11 else None, ("ints", [len(sizes)], sizes)]
    return (name, opset, op, shape, attrs, extras)


CASES = [
    # Resize-10 and Upsample: asymmetric; nearest floors when upsampling, ceils when downsampling.
    resize("resize10NearestUp", 10, [1, 2, 5], roi=False, scales=[1, 1, 2.5], mode="nearest"),
    resize("resize10NearestDown", 10, [1, 2, 5], roi=False, scales=[1, 1, 0.6], mode="nearest"),
    resize("resize10LinearUp", 10, [1, 2, 1, 5], roi=False, scales=[1, 1, 1, 2], mode="linear"),
    ("upsample7Nearest", 7, "Upsample", [1, 2, 5], {"mode": "nearest", "scales": [1.0, 1.0, 3.0]}, []),
    resize("upsample9Linear", 9, [1, 2, 1, 5], roi=False, scales=[1, 1, 1, 2], op="Upsample", mode="linear"),
    # PyTorch: nearest → asymmetric/floor; linear → pytorch_half_pixel or half_pixel; align_corners.
    resize("resize11AsymmetricFloor", 11, [1, 2, 5], scales=[1, 1, 2], mode="nearest",
           coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
    resize("resize11HalfPixelLinearSizes", 11, [1, 2, 1, 5], sizes=[1, 2, 1, 13], mode="linear"),
    resize("resize11AlignCornersLinear", 11, [1, 2, 1, 5], scales=[1, 1, 1, 2], mode="linear",
           coordinate_transformation_mode="align_corners"),
    resize("resize13PyTorchHalfPixelLinear", 13, [1, 2, 5], scales=[1, 1, 1.5], mode="linear",
           coordinate_transformation_mode="pytorch_half_pixel"),
    resize("resize13RoundPreferCeilSizes", 13, [1, 2, 5], roi=False, sizes=[1, 2, 8], mode="nearest",
           nearest_mode="round_prefer_ceil"),
    resize("resize13CeilDown", 13, [1, 2, 5], roi=False, scales=[1, 1, 0.5], mode="nearest",
           coordinate_transformation_mode="asymmetric", nearest_mode="ceil"),
    resize("resize13TfHalfPixelForNN", 13, [1, 2, 5], roi=False, scales=[1, 1, 2], mode="nearest",
           coordinate_transformation_mode="tf_half_pixel_for_nn"),
    resize("resize13RoundPreferFloorDown", 13, [1, 2, 1, 5], roi=False, scales=[1, 1, 1, 0.7], mode="nearest"),
    resize("resize18Axes", 18, [1, 2, 5], roi=False, scales=[3], mode="linear", axes=[2]),
    resize("resize18NotLarger", 18, [1, 2, 1, 5], roi=False, sizes=[3, 12], mode="nearest", axes=[2, 3],
           keep_aspect_ratio_policy="not_larger"),
    resize("resize18AntialiasUp", 18, [1, 2, 5], roi=False, scales=[1, 1, 2], mode="linear", antialias=1),
    resize("resize19HalfPixelSymmetric", 19, [1, 2, 5], roi=False, scales=[1, 1, 1.7], mode="linear",
           coordinate_transformation_mode="half_pixel_symmetric"),
    resize("resize19AsymmetricLinearDown", 19, [1, 2, 5], roi=False, scales=[1, 1, 0.4], mode="linear",
           coordinate_transformation_mode="asymmetric"),
    # ConvTranspose: PyTorch's (pads, output_padding), tf2onnx's (auto_pad, output_shape), groups.
    ("convTransposePadsOutputPadding", 17, "ConvTranspose", [1, 2, 5],
     {"strides": [2], "pads": [1, 1], "output_padding": [1]},
     [("floats", [2, 3, 3], weights(18, 1)), ("floats", [3], weights(3, 2))]),
    ("convTransposeGroupDilation", 17, "ConvTranspose", [1, 4, 5], {"group": 2, "dilations": [2]},
     [("floats", [4, 1, 3], weights(12, 3))]),
    ("convTransposeSameUpper", 17, "ConvTranspose", [1, 2, 5], {"strides": [2], "auto_pad": "SAME_UPPER"},
     [("floats", [2, 2, 3], weights(12, 4)), ("floats", [2], weights(2, 5))]),
    ("convTransposeSameLower", 17, "ConvTranspose", [1, 2, 5], {"strides": [3], "auto_pad": "SAME_LOWER"},
     [("floats", [2, 1, 4], weights(8, 6))]),
    ("convTransposeOutputShape", 17, "ConvTranspose", [1, 2, 5], {"strides": [2], "output_shape": [12]},
     [("floats", [2, 2, 3], weights(12, 7))]),
    ("convTransposeUnitHeight", 17, "ConvTranspose", [1, 2, 1, 5], {"strides": [1, 2], "pads": [0, 1, 0, 1]},
     [("floats", [2, 3, 1, 4], weights(24, 8)), ("floats", [3], weights(3, 9))]),
    # Normalizations: InstanceNormalization; GroupNormalization-18 (per-group scale), -21 (per-channel).
    ("instanceNormalization", 17, "InstanceNormalization", [2, 3, 6], {"epsilon": 1e-3},
     [("floats", [3], [0.5, -1.25, 2.0]), ("floats", [3], [0.1, 0.2, -0.3])]),
    ("groupNormalization18", 18, "GroupNormalization", [2, 4, 1, 3], {"num_groups": 2},
     [("floats", [2], [1.5, -0.5]), ("floats", [2], [0.25, 1.0])]),
    ("groupNormalization21", 21, "GroupNormalization", [2, 4, 3], {"num_groups": 2, "epsilon": 1e-2},
     [("floats", [4], [1.5, -0.5, 0.75, 2.0]), ("floats", [4], [0.25, 1.0, -1.0, 0.0])]),
]


def model(opset, op, shape, attrs, extras):
    inputs = ["x"]
    initializers = []
    for i, extra in enumerate(extras):
        if extra is None:
            inputs.append("")
            continue
        kind, dims, values = extra
        name = f"c{i}"
        dtype = TensorProto.FLOAT if kind == "floats" else TensorProto.INT64
        initializers.append(helper.make_tensor(name, dtype, dims, values))
        inputs.append(name)
    node = helper.make_node(op, inputs, ["y"], **attrs)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializers)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8 if opset >= 13 else 7
    return m


def swift_value(v):
    if isinstance(v, str):
        return f'.string("{v}")'
    if isinstance(v, float):
        return f".float({v!r})"
    if isinstance(v, int):
        return f".int({v})"
    if all(isinstance(e, int) for e in v):
        return f".ints({list(v)})"
    return f".floats({[float(e) for e in v]})"


def floats(values):
    return "[" + ", ".join(repr(float(np.float32(v))) for v in values) + "]"


def main():
    print("    static let cases: [Case] = [")
    for name, opset, op, shape, attrs, extras in CASES:
        m = model(opset, op, shape, attrs, extras)
        y = ort.InferenceSession(m.SerializeToString()).run(None, {"x": x_values(shape)})[0]
        attributes = ", ".join(f'"{k}": {swift_value(v)}' for k, v in sorted(attrs.items())) or ":"
        constants = ", ".join(".absent" if e is None else
                              f".{e[0]}({e[1]}, {floats(e[2]) if e[0] == 'floats' else list(e[2])})" for e in extras)
        print(f'        Case("{name}", opset: {opset}, op: "{op}", shape: {shape},')
        print(f"             attributes: [{attributes}],")
        print(f"             constants: [{constants}],")
        print(f"             expectedShape: {list(y.shape)}, expected: {floats(y.ravel())}),")
    print("    ]")


if __name__ == "__main__":
    main()
