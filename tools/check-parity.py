#!/usr/bin/env python3
"""Re-checks the committed parity fixtures against onnxruntime, live.

For every Tests/Fixtures/parity/<case>/ (and the attribution fixtures' predictions),
runs onnxruntime on model.onnx + input.npy and compares with the committed expected
output, so a fixture that no longer matches the installed onnxruntime is caught.
`make parity` runs this, then the Swift parity tests (seqlens vs the same fixtures).
"""
import json
import pathlib
import sys

import numpy as np
import onnxruntime as ort

ROOT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures"


def run(model: pathlib.Path, x: np.ndarray, input_name: str, output_name: str) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    return session.run([output_name], {input_name: x})[0]


def main() -> int:
    failures = 0
    cases = [(d, "expected.npy") for d in sorted((ROOT / "parity").iterdir()) if (d / "meta.json").exists()]
    cases += [(d, "predictions.npy") for d in sorted((ROOT / "attribution").iterdir()) if (d / "meta.json").exists()]
    for folder, expected_name in cases:
        meta = json.loads((folder / "meta.json").read_text())
        x = np.load(folder / "input.npy")
        expected = np.load(folder / expected_name)
        actual = run(folder / "model.onnx", x, meta["input_name"], meta["output_name"])
        difference = float(np.max(np.abs(actual - expected)))
        ok = actual.shape == expected.shape and np.allclose(actual, expected, rtol=1e-5, atol=1e-5)
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {folder.parent.name}/{folder.name}: max |Δ| {difference:.2e}")
    print(f"{len(cases) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
