#!/usr/bin/env python3
"""Forward-pass throughput: seqlens vs onnxruntime, as ratios measured in one run.

For every model x threads x batch:
  * onnxruntime: CPU provider, intra_op_num_threads=T, inter_op_num_threads=1,
    sequential execution, default graph optimisations; random one-hot input; a warm-up,
    then REPEATS timed repeats of about SECONDS/REPEATS each; throughput is the median
    over repeats (the best is kept in the JSON output).
  * seqlens: runs `SEQLENS benchmark MODEL --batch B --threads T --seconds S --repeats R`,
    which prints ONE JSON line such as
      {"sequences_per_second": 1234.5, "median_sequences_per_second": 1250.1, "repeats": 5, ...}
    (other output lines are ignored); its passes after a warm-up pass, split into REPEATS
    consecutive repeats of equal pass counts, give the median repeat's rate, the same
    statistic as onnxruntime's (a VM's slow spell then moves one repeat, not the ratio).

Models: bench/models/*.onnx (bench/make-bench-models.py) and the zoo's real architectures
(Tests/Fixtures/zoo/NAME/model.onnx, ZOO_MODELS below: reduced widths, random weights, each
at its own fixed length); pass paths to measure others.

Prints a markdown table (model, L, batch, threads, seqlens seq/s, onnxruntime seq/s,
ratio seqlens/onnxruntime); --markdown-out FILE also writes it to FILE, --json-out FILE
writes every measurement.

  .venv/bin/python bench/make-bench-models.py     # once: exports bench/models/*.onnx
  swift build -c release                          # builds .build/release/seqlens
  .venv/bin/python bench/forward.py [--seconds 3] [--markdown-out bench/out/forward.md]

Needs only numpy and onnxruntime (no torch).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_BIN = os.path.join(REPO, ".build", "release", "seqlens")
ZOO = os.path.join(REPO, "Tests", "Fixtures", "zoo")
# One export per architecture the issue names (the zoo's README lists what each is).
ZOO_MODELS = ["basset", "deepstarr", "keras-deepstarr", "bpnetlite-bpnet", "keras-bpnet", "bpnetlite-chrombpnet",
              "chrombpnet-pytorch", "keras-chrombpnet", "grelu-borzoi", "selene-nonstrandspecific",
              "transformer-learned", "transformer-sinusoidal", "grelu-conv-transformer", "enformer-pytorch",
              "danq", "keras-danq", "grelu-conv-gru"]


def model_name(path: str) -> str:
    """The file's name, or for a zoo model.onnx its directory's (prefixed zoo/)."""
    base = os.path.splitext(os.path.basename(path))[0]
    return "zoo/" + os.path.basename(os.path.dirname(path)) if base == "model" else base


def model_input(path: str) -> tuple[str, list, str]:
    """Input name, shape (ints or None for symbolic dims) and layout of an ONNX model."""
    m = onnx.load(path, load_external_data=False)
    init = {i.name for i in m.graph.initializer}
    vi = next(i for i in m.graph.input if i.name not in init)
    dims = [d.dim_value if d.HasField("dim_value") else None for d in vi.type.tensor_type.shape.dim]
    layout = "channels-last" if len(dims) == 3 and dims[2] == 4 and dims[1] != 4 else "channels-first"
    return vi.name, dims, layout


def one_hot_batch(rng: np.random.Generator, batch: int, length: int, layout: str) -> np.ndarray:
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, size=(batch, length))]  # (N, L, 4)
    return x if layout == "channels-last" else np.ascontiguousarray(x.transpose(0, 2, 1))


def bench_onnxruntime(path: str, batch: int, threads: int, seconds: float, repeats: int,
                      length: int, layout: str, input_name: str) -> dict:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    x = one_hot_batch(np.random.default_rng(0), batch, length, layout)
    feed = {input_name: x}
    # warm-up, and an estimate of the time per call
    t = time.perf_counter()
    sess.run(None, feed)
    calls = 1
    while time.perf_counter() - t < min(0.5, seconds / 4):
        sess.run(None, feed)
        calls += 1
    per_call = (time.perf_counter() - t) / calls
    n = max(1, int(seconds / repeats / per_call))
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(n):
            sess.run(None, feed)
        rates.append(batch * n / (time.perf_counter() - t))
    return {"median": statistics.median(rates), "best": max(rates), "calls_per_repeat": n, "repeats": repeats}


def bench_seqlens(binary: str, path: str, batch: int, threads: int, seconds: float, repeats: int) -> dict:
    cmd = [binary, "benchmark", path, "--batch", str(batch), "--threads", str(threads),
           "--seconds", f"{seconds:g}", "--repeats", str(repeats)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=max(120.0, 20 * seconds))
    except subprocess.TimeoutExpired:
        return {"error": "timed out: " + " ".join(cmd)}
    if proc.returncode != 0:
        tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-3:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    for line in reversed(proc.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "sequences_per_second" in data:
                return data
    return {"error": "no JSON line with sequences_per_second in output: " + proc.stdout[-200:]}


def fmt_rate(v) -> str:
    return "—" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:,.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", help="ONNX models (default: bench/models/*.onnx)")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 64])
    ap.add_argument("--seconds", type=float, default=3.0, help="measuring time per configuration and tool")
    ap.add_argument("--repeats", type=int, default=5, help="timed repeats of each tool (the median repeat's rate is reported)")
    ap.add_argument("--seqlens", default=DEFAULT_BIN, help="seqlens binary (default: .build/release/seqlens)")
    ap.add_argument("--skip-seqlens", action="store_true")
    ap.add_argument("--skip-onnxruntime", action="store_true")
    ap.add_argument("--markdown-out", metavar="FILE")
    ap.add_argument("--json-out", metavar="FILE")
    args = ap.parse_args()

    models = args.models or (sorted(glob.glob(os.path.join(HERE, "models", "*.onnx")))
                             + [os.path.join(ZOO, name, "model.onnx") for name in ZOO_MODELS])
    if not models:
        print("no models: run `.venv/bin/python bench/make-bench-models.py` first", file=sys.stderr)
        return 2

    have_seqlens = not args.skip_seqlens and os.path.isfile(args.seqlens) and os.access(args.seqlens, os.X_OK)
    if not args.skip_seqlens and not have_seqlens:
        found = shutil.which(args.seqlens) if os.sep not in args.seqlens else None
        if found:
            args.seqlens, have_seqlens = found, True
        else:
            print(f"seqlens binary not found at {args.seqlens}: build it with `swift build -c release` "
                  "(or pass --seqlens PATH); only onnxruntime is measured.", file=sys.stderr)

    rows, records = [], []
    for path in models:
        name = model_name(path)
        input_name, dims, layout = model_input(path)
        length = dims[2] if layout == "channels-first" else dims[1]
        if not length:
            print(f"{name}: input length is not fixed ({dims}); skipped", file=sys.stderr)
            continue
        for threads in args.threads:
            for batch in args.batches:
                rec = {"model": name, "path": path, "length": length, "batch": batch, "threads": threads}
                ort_rate = sl_rate = None
                if not args.skip_onnxruntime:
                    r = bench_onnxruntime(path, batch, threads, args.seconds, args.repeats, length, layout, input_name)
                    rec["onnxruntime"] = r
                    ort_rate = r["median"]
                if have_seqlens:
                    r = bench_seqlens(args.seqlens, path, batch, threads, args.seconds, args.repeats)
                    rec["seqlens"] = r
                    if "error" in r:
                        print(f"seqlens failed on {name} batch {batch} threads {threads}: {r['error']}", file=sys.stderr)
                    else:
                        # The same statistic as onnxruntime's: the median of REPEATS repeats.
                        sl_rate = float(r.get("median_sequences_per_second", r["sequences_per_second"]))
                ratio = sl_rate / ort_rate if sl_rate and ort_rate else None
                rec["ratio"] = ratio
                records.append(rec)
                row = (name, str(length), str(batch), str(threads), fmt_rate(sl_rate), fmt_rate(ort_rate),
                       "—" if ratio is None else f"{ratio:.2f}")
                rows.append(row)
                print(f"  {name} L={length} batch={batch} threads={threads}: seqlens {row[4]} seq/s, "
                      f"onnxruntime {row[5]} seq/s, ratio {row[6]}", file=sys.stderr, flush=True)

    header = ("model", "L", "batch", "threads", "seqlens seq/s", "onnxruntime seq/s", "ratio seqlens/onnxruntime")
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * 4 + ["---:"] * 3) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]
    env = (f"onnxruntime {ort.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
           f"{platform.machine()}, {os.cpu_count()} CPUs; median of {args.repeats} repeats of each tool, "
           f"{args.seconds:g} s per configuration")
    table = "\n".join(lines)
    print(table)
    print(f"\n{env}")
    if args.markdown_out:
        os.makedirs(os.path.dirname(os.path.abspath(args.markdown_out)), exist_ok=True)
        with open(args.markdown_out, "w") as f:
            f.write(table + "\n\n" + env + "\n")
    if args.json_out:
        os.makedirs(os.path.dirname(os.path.abspath(args.json_out)), exist_ok=True)
        with open(args.json_out, "w") as f:
            json.dump({"environment": env, "results": records}, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
