#!/usr/bin/env python3
"""Peak resident memory of whole predict and ISM jobs: seqlens vs onnxruntime scripts.

For every model: a FASTA of RECORDS random sequences at the model's length (seed 1), then
  * seqlens: `SEQLENS predict MODEL FASTA -o OUT.tsv --batch 64 --threads T` (streamed TSV);
  * onnxruntime: this script run as `memory.py --onnxruntime-predict MODEL FASTA OUT.tsv T`,
    which reads the FASTA, one-hot encodes and predicts 64 records at a time (intra_op
    threads T, sequential) and writes a TSV — what a user would write with numpy.
Each job runs under `/usr/bin/time -f %M` (peak RSS in KB: measured through a small parent,
since a child forked from this Python process inherits its high-water mark), its wall time
the clock around it. Prints a markdown table (model, L, records, threads, peak RSS of each,
ratio seqlens/onnxruntime — issue 18's goal is at most 1.5); --markdown-out FILE writes it too.

ISM rows (--jobs ism; default: predict and ism) compare, on ISM_MODELS and --ism-records random
sequences (seed 2024, as bench/ism.py), every substitution at every position, all tasks:
  * seqlens: `SEQLENS ism MODEL FASTA --target all --threads T -o OUT.npy` (incremental engine);
  * onnxruntime: `memory.py --onnxruntime-ism MODEL FASTA OUT.npy T BATCH`, bench/ism.py's naive
    ISM (every mutant a full pass, --ism-batch mutants at a time) writing the same .npy.

  .venv/bin/python bench/memory.py [--records 20000] [--jobs predict ism] [--markdown-out bench/out/memory.md]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from forward import DEFAULT_BIN, ZOO, model_input, model_name  # noqa: E402

ISM_MODELS = [os.path.join(HERE, "models", "basset-L1000.onnx")]
MODELS = [os.path.join(HERE, "models", f"{name}.onnx") for name in ("basset-L1000", "multitask-deep-L1000", "multitask-deep-L200")] + [
    os.path.join(ZOO, name, "model.onnx") for name in ("chrombpnet-pytorch", "keras-deepstarr", "transformer-learned", "enformer-pytorch")]


def onnxruntime_predict(model: str, fasta: str, out: str, threads: int, batch: int = 64) -> None:
    """The peer: stream the FASTA, predict `batch` records at a time, write a TSV."""
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
    name, _, layout = model_input(model)
    table = np.full(256, 4, dtype=np.int64)
    for i, c in enumerate(b"ACGT"):
        table[c] = i
        table[c + 32] = i
    eye = np.vstack([np.eye(4, dtype=np.float32), np.zeros((1, 4), dtype=np.float32)])

    def flush(ids, seqs, f):
        codes = table[np.frombuffer(b"".join(seqs), dtype=np.uint8).reshape(len(seqs), -1)]
        x = eye[codes]
        if layout == "channels-first":
            x = np.ascontiguousarray(x.transpose(0, 2, 1))
        y = sess.run(None, {name: x})[0].reshape(len(seqs), -1)
        for i, row in zip(ids, y):
            f.write(i + "\t" + "\t".join(f"{v:.6g}" for v in row) + "\n")

    with open(fasta, "rb") as fa, open(out, "w") as f:
        ids, seqs, current = [], [], None
        for line in fa:
            line = line.strip()
            if line.startswith(b">"):
                if current is not None:
                    seqs.append(b"".join(current))
                ids.append(line[1:].split()[0].decode())
                current = []
                if len(seqs) == batch:
                    flush(ids[:batch], seqs, f)
                    ids, seqs = ids[batch:], []
            else:
                current.append(line)
        if current is not None:
            seqs.append(b"".join(current))
        if seqs:
            flush(ids, seqs, f)


def read_fasta(path: str) -> list[bytes]:
    seqs, current = [], None
    with open(path, "rb") as fa:
        for line in fa:
            line = line.strip()
            if line.startswith(b">"):
                if current is not None:
                    seqs.append(b"".join(current))
                current = []
            elif current is not None:
                current.append(line)
    if current is not None:
        seqs.append(b"".join(current))
    return seqs


def onnxruntime_ism(model: str, fasta: str, out: str, threads: int, batch: int) -> None:
    """The peer of `seqlens ism --target all`: bench/ism.py's onnxruntime naive ISM (every
    substitution as a full pass, `batch` mutants at a time), deltas (N, 4, L, T) saved as .npy."""
    from ism import ort_naive_ism  # onnx, onnxruntime and numpy: what this process loads anyway
    name, _, layout = model_input(model)
    if layout != "channels-first":
        raise SystemExit(f"{model}: --onnxruntime-ism runs channels-first models only")
    table = np.zeros(256, dtype=np.int64)
    for i, c in enumerate(b"ACGT"):
        table[c] = i
        table[c + 32] = i
    records = read_fasta(fasta)
    seqs = table[np.frombuffer(b"".join(records), dtype=np.uint8)].reshape(len(records), -1)
    np.save(out, ort_naive_ism(model, seqs, threads, batch)[1])


def measure(cmd: list[str]) -> tuple[float, float]:
    """Peak RSS (MB) and wall seconds of one job."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *cmd],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr[-300:]}")
        return int(report.read().split()[-1]) / 1024, wall


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--onnxruntime-predict":
        onnxruntime_predict(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--onnxruntime-ism":
        onnxruntime_ism(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", help="ONNX models (default: MODELS above)")
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--jobs", nargs="+", choices=["predict", "ism"], default=["predict", "ism"])
    ap.add_argument("--ism-records", type=int, default=3, help="sequences per ISM job (3 × 1,000 nt: 9,000 substitutions)")
    ap.add_argument("--ism-batch", type=int, default=256, help="onnxruntime naive ISM mutants per pass (as bench/ism.py)")
    ap.add_argument("--seqlens", default=DEFAULT_BIN)
    ap.add_argument("--markdown-out", metavar="FILE")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in (args.models or MODELS) if "predict" in args.jobs else []:
            name = model_name(path)
            _, dims, layout = model_input(path)
            length = dims[2] if layout == "channels-first" else dims[1]
            fasta = os.path.join(tmp, f"L{length}.fa")
            if not os.path.exists(fasta):
                rng = np.random.default_rng(1)
                letters = np.frombuffer(b"ACGT", dtype=np.uint8)
                with open(fasta, "wb") as f:
                    for i in range(args.records):
                        f.write(b">r%d\n" % i + letters[rng.integers(0, 4, length)].tobytes() + b"\n")
            for threads in args.threads:
                out = os.path.join(tmp, "out.tsv")
                sl = measure([args.seqlens, "predict", path, fasta, "-o", out, "--batch", "64", "--threads", str(threads)])
                peer = measure([sys.executable, os.path.abspath(__file__), "--onnxruntime-predict", path, fasta, out, str(threads)])
                row = (name, str(length), f"{args.records:,}", str(threads), f"{sl[0]:,.0f}", f"{peer[0]:,.0f}",
                       f"{sl[0] / peer[0]:.2f}", f"{sl[1]:.1f}", f"{peer[1]:.1f}")
                rows.append(row)
                print("  " + " | ".join(row), file=sys.stderr, flush=True)
        for path in (args.models or ISM_MODELS) if "ism" in args.jobs else []:
            name = model_name(path)
            _, dims, _ = model_input(path)
            length = dims[2]
            fasta = os.path.join(tmp, f"ism-L{length}.fa")
            rng = np.random.default_rng(2024)
            with open(fasta, "wb") as f:
                for i, codes in enumerate(rng.integers(0, 4, size=(args.ism_records, length))):
                    f.write(b">seq%d\n" % i + b"".join(b"ACGT"[c:c + 1] for c in codes) + b"\n")
            for threads in args.threads:
                out = os.path.join(tmp, "ism.npy")
                sl = measure([args.seqlens, "ism", path, fasta, "--target", "all", "--threads", str(threads), "-o", out])
                peer = measure([sys.executable, os.path.abspath(__file__), "--onnxruntime-ism", path, fasta, out,
                                str(threads), str(args.ism_batch)])
                row = (f"{name} ism", str(length), f"{args.ism_records:,} ({3 * args.ism_records * length:,} subst.)", str(threads),
                       f"{sl[0]:,.0f}", f"{peer[0]:,.0f}", f"{sl[0] / peer[0]:.2f}", f"{sl[1]:.1f}", f"{peer[1]:.1f}")
                rows.append(row)
                print("  " + " | ".join(row), file=sys.stderr, flush=True)
    header = ("model", "L", "records", "threads", "seqlens peak RSS MB", "onnxruntime peak RSS MB",
              "ratio", "seqlens wall s", "onnxruntime wall s")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * 8) + "|",
             *("| " + " | ".join(r) + " |" for r in rows)]
    table = "\n".join(lines)
    print(table)
    if args.markdown_out:
        os.makedirs(os.path.dirname(os.path.abspath(args.markdown_out)), exist_ok=True)
        with open(args.markdown_out, "w") as f:
            f.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
