#!/usr/bin/env python3
"""Copy ONNX's own backend conformance cases that seqlens' engine should pass.

Source: the installed `onnx` pip package (see tools/requirements.txt).

  * pytorch-converted, pytorch-operator, simple: copied byte for byte from
    onnx/backend/test/data/<suite>/<case>/ (model.onnx + test_data_set_*/*.pb).
  * node: recent onnx wheels no longer ship onnx/backend/test/data/node. When the
    directory is absent, the cases are produced by onnx's own generator
    (onnx.backend.test.case.node, the code behind `backend-test-tools
    generate-data`; it seeds numpy with 0 before every export, so the output is
    deterministic for a given onnx version) and serialised exactly the way
    onnx/backend/test/cmd_tools.py does it.

A case is kept when its graph uses only ops from SUPPORTED_OPS (default domain), every
tensor type (inputs, outputs, initializers, constants, casts, inferred intermediates,
test data) is float32, double (computed as float32), int64, int32 or bool,
Conv/ConvTranspose/pool ops are 1-D or 2-D, no Dropout or BatchNormalization runs in
training mode, no Pad uses mode 'wrap', every op exists at the model's opset, and the
case's files total at most MAX_BYTES. Resize cases that need what seqlens refuses with a
one-line error (cubic mode, tf_crop_and_resize, antialiased downsampling) are skipped;
every other Resize and Upsample runs, at any rank, since the engine resamples one axis
at a time.

Writes Tests/Fixtures/onnx-conformance/<suite>/<case>/ and
Tests/Fixtures/onnx-conformance/MANIFEST.tsv (suite, case, ops, opset, status,
reason). For included cases `reason` is empty or holds notes on features an
engine might not implement (e.g. MaxPool's Indices output, auto_pad).

Usage:  .venv/bin/python tools/copy-onnx-conformance.py [--out DIR]
"""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

SUPPORTED_OPS = {
    "Conv", "BatchNormalization", "Relu", "LeakyRelu", "Elu", "Selu", "Exp", "Log",
    "Sigmoid", "Tanh", "Softplus", "Softmax", "LogSoftmax", "Erf", "Gelu", "MaxPool",
    "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Gemm", "MatMul", "Add",
    "Sub", "Mul", "Div", "Pow", "Sqrt", "Neg", "Abs", "Clip", "Flatten", "Reshape",
    "Transpose", "Squeeze", "Unsqueeze", "Concat", "Split", "Slice", "Gather", "GatherND",
    "Expand", "Shape", "Constant", "ConstantOfShape", "Identity", "Dropout", "Pad",
    "ReduceMean", "ReduceSum", "ReduceMax", "Cast", "LayerNormalization",
    "Where", "Greater", "Less", "Equal", "GreaterOrEqual", "LessOrEqual", "And", "Or",
    "Not", "Xor", "IsNaN", "IsInf", "Sign", "Mod", "Reciprocal", "Floor", "Ceil", "Round",
    "Min", "Max", "Sum", "Mean", "Sin", "Cos", "PRelu", "Softsign", "HardSigmoid",
    "HardSwish", "Mish",
    "Einsum", "Range", "CumSum", "Tile", "Trilu", "GatherElements", "ScatterND", "ArgMax",
    "ReduceMin", "ReduceLogSumExp", "ReduceL2",
    "ConvTranspose", "Resize", "Upsample", "InstanceNormalization", "GroupNormalization",
    "LSTM", "GRU",
}
SPATIAL_OPS = {"Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"}
# BOOL loads as an integer tensor holding 0 or 1. seqlens computes double as float32 (as it
# loads double models); the tests compare at float tolerance. ONNX writes the only node cases
# of Einsum and most of CumSum in double.
ALLOWED_TYPES = {TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.INT64, TensorProto.INT32, TensorProto.BOOL}
SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]
MAX_BYTES = 2 * 1024 * 1024

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "Tests", "Fixtures", "onnx-conformance")
DATA_DIR = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data")


def type_name(t: int) -> str:
    return TensorProto.DataType.Name(t) if t in TensorProto.DataType.values() else str(t)


# --------------------------------------------------------------------------- cases

class Case:
    def __init__(self, suite: str, name: str, files: dict[str, bytes]):
        self.suite = suite
        self.name = name
        self.files = files  # relative path -> bytes; "model.onnx" always present
        self.model = onnx.load_from_string(files["model.onnx"])


def shipped_cases(suite: str) -> list[Case]:
    root = os.path.join(DATA_DIR, suite)
    cases = []
    for name in sorted(os.listdir(root)):
        cdir = os.path.join(root, name)
        if not os.path.isfile(os.path.join(cdir, "model.onnx")):
            continue
        files = {}
        for dirpath, _, filenames in os.walk(cdir):
            for fn in filenames:
                full = os.path.join(dirpath, fn)
                with open(full, "rb") as f:
                    files[os.path.relpath(full, cdir)] = f.read()
        cases.append(Case(suite, name, files))
    return cases


def _serialize_value(value, vi: onnx.ValueInfoProto) -> bytes:
    """Same as onnx/backend/test/cmd_tools.py generate_data."""
    if vi.type.HasField("map_type"):
        return numpy_helper.from_dict(value, vi.name).SerializeToString()
    if vi.type.HasField("sequence_type"):
        return numpy_helper.from_list(value, vi.name).SerializeToString()
    if vi.type.HasField("optional_type"):
        return numpy_helper.from_optional(value, vi.name).SerializeToString()
    if isinstance(value, TensorProto):
        return value.SerializeToString()
    return numpy_helper.from_array(value, vi.name).SerializeToString()


def generated_node_cases() -> list[Case]:
    from onnx.backend.test.case import node as node_cases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        testcases = node_cases.collect_testcases()
    cases = []
    for tc in sorted(testcases, key=lambda c: c.name):
        files = {"model.onnx": tc.model.SerializeToString()}
        try:
            for i, (inputs, outputs) in enumerate(tc.data_sets):
                d = f"test_data_set_{i}"
                for j, x in enumerate(inputs):
                    files[f"{d}/input_{j}.pb"] = _serialize_value(x, tc.model.graph.input[j])
                for j, y in enumerate(outputs):
                    files[f"{d}/output_{j}.pb"] = _serialize_value(y, tc.model.graph.output[j])
        except Exception as e:  # noqa: BLE001 - unusual value kinds are simply skipped
            files["__error__"] = repr(e).encode()
        cases.append(Case("node", tc.name, files))
    return cases


# -------------------------------------------------------------------------- checks

def all_nodes(graph: onnx.GraphProto):
    for n in graph.node:
        yield n
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from all_nodes(a.g)
            elif a.type == onnx.AttributeProto.GRAPHS:
                for g in a.graphs:
                    yield from all_nodes(g)


def default_opset(model: onnx.ModelProto) -> int | None:
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return o.version
    return None


def tensor_elem_type(vi: onnx.ValueInfoProto) -> int | None:
    """elem_type for tensor-typed value infos, None for sequences/maps/optionals."""
    if vi.type.HasField("tensor_type"):
        return vi.type.tensor_type.elem_type
    return None


def value_kind(vi: onnx.ValueInfoProto) -> str:
    return vi.type.WhichOneof("value") or "undefined"


def attr(node: onnx.NodeProto, name: str, default=None):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def check_case(case: Case) -> tuple[str, str, list[str], int | None]:
    """Returns (status, reason, ops, opset)."""
    model = case.model
    g = model.graph
    nodes = list(all_nodes(g))
    ops = []
    for n in nodes:
        label = n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}:{n.op_type}"
        if label not in ops:
            ops.append(label)
    opset = default_opset(model)

    def skip(reason: str):
        return "skipped", reason, ops, opset

    if "__error__" in case.files:
        return skip("could not serialise test data: " + case.files["__error__"].decode())
    if not nodes:
        return skip("empty graph")

    # ops
    bad = sorted({lbl for lbl in ops if lbl not in SUPPORTED_OPS})
    if bad:
        why = "unsupported ops: " + ",".join(bad)
        if "_expanded" in case.name:
            why = "expanded function body uses " + why
        return skip(why)
    if model.functions:
        return skip("model-local functions")
    if opset is None:
        return skip("no default-domain opset import")
    if opset < 6:
        return skip(f"opset {opset} (seqlens needs opset 6 or newer)")
    for n in nodes:
        try:
            onnx.defs.get_schema(n.op_type, opset, "")
        except onnx.defs.SchemaError:
            return skip(f"{n.op_type} does not exist at opset {opset}")

    # value kinds and element types of declared values
    for vi in list(g.input) + list(g.output):
        if value_kind(vi) != "tensor_type":
            return skip(f"non-tensor graph value '{vi.name}' ({value_kind(vi)})")
        t = tensor_elem_type(vi)
        if t not in ALLOWED_TYPES:
            return skip(f"dtype {type_name(t)} ('{vi.name}')")
    for init in g.initializer:
        if init.data_type not in ALLOWED_TYPES:
            return skip(f"dtype {type_name(init.data_type)} (initializer '{init.name}')")
    if len(g.sparse_initializer):
        return skip("sparse initializer")
    for n in nodes:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "sparse_value":
                    return skip("sparse Constant")
                if a.name == "value" and a.t.data_type not in ALLOWED_TYPES:
                    return skip(f"dtype {type_name(a.t.data_type)} (Constant)")
                if a.name in ("value_string", "value_strings"):
                    return skip("string Constant")
        if n.op_type == "ConstantOfShape":
            v = attr(n, "value")
            if v is not None and v.data_type not in ALLOWED_TYPES:
                return skip(f"dtype {type_name(v.data_type)} (ConstantOfShape value)")
        if n.op_type == "Cast":
            to = attr(n, "to")
            if to not in ALLOWED_TYPES:
                return skip(f"Cast to {type_name(to)}")

    # inferred intermediate types and shapes
    shapes: dict[str, list] = {}
    types: dict[str, int] = {vi.name: tensor_elem_type(vi) for vi in g.input}
    try:
        inferred = shape_inference.infer_shapes(model, strict_mode=False)
        for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
            t = tensor_elem_type(vi)
            if vi.type.HasField("tensor_type") and t not in (0, None) and t not in ALLOWED_TYPES:
                return skip(f"intermediate dtype {type_name(t)} ('{vi.name}')")
            if vi.type.HasField("tensor_type"):
                types[vi.name] = t
            if vi.type.HasField("tensor_type") and vi.type.tensor_type.HasField("shape"):
                shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else None
                                   for d in vi.type.tensor_type.shape.dim]
    except Exception:  # noqa: BLE001 - inference is a best-effort extra check
        pass
    for init in g.initializer:
        shapes[init.name] = list(init.dims)

    # test data element types
    for rel, blob in case.files.items():
        if not rel.endswith(".pb"):
            continue
        base = os.path.basename(rel)
        idx = int(base.split("_")[1].split(".")[0])
        vis = g.input if base.startswith("input_") else g.output
        if idx >= len(vis):
            return skip(f"test data {rel} has no matching graph value")
        t = TensorProto()
        t.ParseFromString(blob)
        if t.data_type not in ALLOWED_TYPES:
            return skip(f"test data dtype {type_name(t.data_type)} ({rel})")

    notes = []
    if opset < 7:
        notes.append(f"legacy opset {opset} (onnxruntime refuses several of its ops)")
    for n in nodes:
        op = n.op_type
        if attr(n, "broadcast") is not None:
            if attr(n, "broadcast") and attr(n, "axis") is not None:
                return skip(f"{op} opset-6 broadcast along an explicit axis (seqlens refuses it)")
            notes.append(f"{op} legacy broadcast attribute")
        if op in SPATIAL_OPS:
            rank = None
            x = n.input[0] if n.input else ""
            if x in shapes and shapes[x] is not None:
                rank = len(shapes[x]) - 2
            k = attr(n, "kernel_shape")
            if rank is None and k is not None:
                rank = len(k)
            if rank is None and op == "Conv" and len(n.input) > 1 and n.input[1] in shapes:
                rank = len(shapes[n.input[1]]) - 2
            if rank is None:
                return skip(f"{op}: cannot determine spatial rank")
            if rank not in (1, 2):
                return skip(f"{op} with spatial rank {rank}")
            ap = attr(n, "auto_pad")
            if ap not in (None, b"NOTSET", "NOTSET"):
                notes.append(f"{op} auto_pad={ap.decode() if isinstance(ap, bytes) else ap}")
            if attr(n, "ceil_mode", 0):
                notes.append(f"{op} ceil_mode")
            if op == "MaxPool" and len([o for o in n.output if o]) > 1:
                notes.append("MaxPool Indices output")
            if op == "MaxPool" and attr(n, "storage_order", 0):
                notes.append("MaxPool storage_order=1")
            if op == "AveragePool" and attr(n, "count_include_pad", 0):
                notes.append("AveragePool count_include_pad")
            if (op in ("MaxPool", "AveragePool") and attr(n, "dilations") is not None
                    and any(d != 1 for d in attr(n, "dilations"))):
                notes.append(f"{op} dilations")
            if op in ("Conv", "ConvTranspose") and attr(n, "group", 1) != 1:
                notes.append(f"{op} group>1")
        if op in ("ReduceMax", "ReduceMin") and n.input and types.get(n.input[0]) == TensorProto.BOOL \
                and 0 in (shapes.get(n.input[0]) or []):
            # An empty bool maximum is False; bools compute as int64, whose empty maximum is its minimum.
            return skip(f"{op} over an empty set of bools")
        if op == "PRelu" and opset < 7 and len(n.input) > 1 and len(shapes.get(n.input[1]) or []) == 1 \
                and shapes[n.input[1]][0] != 1:
            return skip("PRelu before opset 7 with a per-channel 1-D slope (legacy broadcasting)")
        if op == "Resize":
            mode = attr(n, "mode", b"nearest")
            mode = mode.decode() if isinstance(mode, bytes) else mode
            if mode == "cubic":
                return skip("Resize mode cubic (seqlens refuses it)")
            ctm = attr(n, "coordinate_transformation_mode", b"half_pixel")
            ctm = ctm.decode() if isinstance(ctm, bytes) else ctm
            if ctm == "tf_crop_and_resize":
                return skip("Resize tf_crop_and_resize (seqlens refuses it)")
            if attr(n, "antialias", 0):
                return skip("Resize antialias (seqlens refuses antialiased downsampling)")
        if op == "Dropout":
            outs = [o for o in n.output if o]
            if len(outs) > 1:
                return skip("Dropout with mask output")
            if len(n.input) > 2 and n.input[2]:
                return skip("Dropout with training_mode input")
            if attr(n, "is_test", 1) == 0:
                return skip("Dropout in training mode (is_test=0)")
        if op == "BatchNormalization":
            if attr(n, "training_mode", 0) or len([o for o in n.output if o]) > 1:
                return skip("BatchNormalization in training mode")
        if op == "Range" and any(i in {vi.name for vi in g.input} and tensor_elem_type(
                next(vi for vi in g.input if vi.name == i)) == TensorProto.FLOAT for i in n.input):
            # seqlens plans shapes before running; float graph inputs are data, unknown then.
            return skip("Range on float graph inputs (its length would depend on data)")
        if op == "Pad":
            mode = attr(n, "mode", b"constant")
            mode = mode.decode() if isinstance(mode, bytes) else mode
            if mode == "wrap":
                return skip("Pad mode 'wrap'")
            if mode != "constant":
                notes.append(f"Pad mode={mode}")

    size = sum(len(b) for b in case.files.values())
    if size > MAX_BYTES:
        return skip(f"too large ({size / 1e6:.1f} MB)")

    # keep notes unique, in order of first appearance
    return "included", "; ".join(dict.fromkeys(notes)), ops, opset


# ---------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    print(f"onnx {onnx.__version__} at {os.path.dirname(onnx.__file__)}")
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)

    rows = []
    counts = collections.Counter()
    reasons = collections.Counter()
    total_bytes = 0
    for suite in SUITES:
        shipped = os.path.join(DATA_DIR, suite)
        if os.path.isdir(shipped):
            cases = shipped_cases(suite)
            origin = "copied from " + shipped
        elif suite == "node":
            cases = generated_node_cases()
            origin = "generated by onnx.backend.test.case.node (not shipped in this wheel)"
        else:
            print(f"warning: {shipped} missing; suite {suite} skipped", file=sys.stderr)
            continue
        print(f"{suite}: {len(cases)} cases, {origin}")
        for case in cases:
            status, reason, ops, opset = check_case(case)
            counts[(suite, status)] += 1
            if status == "skipped":
                reasons[reason.split(":")[0].split(" (")[0]] += 1
            else:
                cdir = os.path.join(args.out, suite, case.name)
                for rel, blob in case.files.items():
                    path = os.path.join(cdir, rel)
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "wb") as f:
                        f.write(blob)
                    total_bytes += len(blob)
            rows.append((suite, case.name, ",".join(ops), "" if opset is None else str(opset),
                         status, reason.replace("\t", " ").replace("\n", " ")))

    with open(os.path.join(args.out, "MANIFEST.tsv"), "w") as f:
        f.write("suite\tcase\tops\topset\tstatus\treason\n")
        for r in rows:
            f.write("\t".join(r) + "\n")

    print()
    print(f"{'suite':<20}{'included':>10}{'skipped':>10}")
    for suite in SUITES:
        print(f"{suite:<20}{counts[(suite, 'included')]:>10}{counts[(suite, 'skipped')]:>10}")
    inc = sum(v for (s, st), v in counts.items() if st == "included")
    sk = sum(v for (s, st), v in counts.items() if st == "skipped")
    print(f"{'total':<20}{inc:>10}{sk:>10}")
    print(f"\nwritten: {total_bytes / 1e6:.2f} MB in {args.out}")
    print("\nmost common skip reasons:")
    for r, c in reasons.most_common(12):
        print(f"  {c:5d}  {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
