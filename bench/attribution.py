#!/usr/bin/env python3
"""Gradient attribution throughput: seqlens vs PyTorch autograd / captum, same thread count.

For every model × threads:
  * saliency (signed gradient of output[target] w.r.t. the one-hot input):
      - seqlens   `seqlens attr MODEL FASTA --method saliency --target 0 --batch B`
                  (wall clock of the whole command: process start, model load, FASTA, .npy),
                  and in its process as PyTorch is timed: `seqlens benchmark MODEL --method
                  saliency --batch B` (maps a second over calls of B random sequences, after
                  a warm-up call);
      - PyTorch   torch.autograd.grad of model(x)[:, target].sum() w.r.t. x, batches of B;
      - captum    Saliency(model).attribute(x, target, abs=False), batches of B.
  * IG-50 (zero baseline, 50 Gauss–Legendre steps, captum's defaults):
      - seqlens   `seqlens attr ... --method ig --batch B` (seqlens evaluates the 50 path
                  points of one sequence per pass), and in its process
                  (`seqlens benchmark --method ig --batch N`, N sequences a call);
      - captum    IntegratedGradients(model).attribute(X, target, n_steps=50,
                  method="gausslegendre", internal_batch_size=50) on all sequences at once
                  (captum then runs ⌊50/N⌋ steps × N sequences per pass, about 50 rows,
                  as seqlens does).
Throughput = sequences / seconds (median of --repeats runs when one takes < 5 s). PyTorch
and captum are timed after one warm-up call, with torch.set_num_threads(T),
set_num_interop_threads(1), and parameters with requires_grad=False; their model is built
beforehand (not timed).

The PyTorch model carries the weights of the ONNX file (see bench/ism.py: original module
for bench/models/*, the OnnxTorch interpreter for sample-models/*), checked against
onnxruntime first. Agreement: max |seqlens − torch| / max |torch| over the whole array, against the float32
PyTorch/captum result and against the same computation in float64 (a float32 ReLU or
max-pool decision that sits within rounding of its threshold can flip either way, and
then one whole path of the gradient differs; the float64 column tells which side is right).
Idle-machine handling as in bench/ism.py (wait before measuring; rows marked ⚠ when other
processes ran during the measurement).

  .venv/bin/python bench/attribution.py --threads 1 2 --markdown-out bench/out/attribution.md
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ism import (DEFAULT_BIN, write_report, DISTURBED, RETRIES, disturbed_note, marked, HERE, REPO, check_torch_vs_ort, find_seqlens, header, model_input,  # noqa: E402
                 one_hot, random_sequences, run_seqlens, timed, torch_model_for, wait_until_idle, write_fasta)

DEFAULT_MODELS = [
    # path, sequences for saliency, sequences for IG
    (os.path.join(HERE, "models", "basset-L1000.onnx"), 64, 8),
    (os.path.join(REPO, "sample-models", "multitask-deep-relu.onnx"), 256, 32),
]


def torch_saliency(model, x, target, batch):
    import torch
    out = []
    t0 = time.perf_counter()
    for s in range(0, len(x), batch):
        xb = x[s:s + batch].clone().requires_grad_(True)
        y = model(xb)[:, target].sum()
        out.append(torch.autograd.grad(y, xb)[0])
    return time.perf_counter() - t0, torch.cat(out).numpy()


def captum_saliency(model, x, target, batch):
    import torch
    from captum.attr import Saliency
    sal = Saliency(model)
    out = []
    t0 = time.perf_counter()
    for s in range(0, len(x), batch):
        out.append(sal.attribute(x[s:s + batch].clone().requires_grad_(True), target=target, abs=False).detach())
    return time.perf_counter() - t0, torch.cat(out).numpy()


def captum_ig(model, x, target, internal_batch):
    from captum.attr import IntegratedGradients
    ig = IntegratedGradients(model)
    t0 = time.perf_counter()
    a = ig.attribute(x.clone(), target=target, n_steps=50, method="gausslegendre", internal_batch_size=internal_batch)
    return time.perf_counter() - t0, a.detach().numpy()


def float64_reference(model, x, target, method):
    """The same attribution computed by PyTorch in float64 (a copy of the model), to tell
    float32 rounding (e.g. a ReLU or max-pool decision flipped by 1 ulp) from errors."""
    import copy
    import torch
    m64 = copy.deepcopy(model).double()
    x64 = x.double()
    if method == "saliency":
        out = []
        for s in range(0, len(x64), 64):
            xb = x64[s:s + 64].clone().requires_grad_(True)
            out.append(torch.autograd.grad(m64(xb)[:, target].sum(), xb)[0])
        return torch.cat(out).numpy()
    from captum.attr import IntegratedGradients
    return IntegratedGradients(m64).attribute(x64, target=target, n_steps=50, method="gausslegendre",
                                              internal_batch_size=50).detach().numpy()


def seqlens_in_process(binary: str, path: str, method: str, batch: int, threads: int, length: int, seconds: float = 3.0) -> float:
    """Sequences a second of `seqlens benchmark --method` (its own process, after a warm-up call)."""
    cmd = [binary, "benchmark", path, "--method", method, "--batch", str(batch), "--threads", str(threads),
           "--length", str(length), "--seconds", str(seconds)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {' '.join(cmd)}\n{proc.stderr.strip()[-500:]}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["sequences_per_second"])


def rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30))


def fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else (f"{v:,.1f}" if v >= 10 else f"{v:.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", help="MODEL.onnx[:SALIENCY_SEQS:IG_SEQS] (default: basset-L1000 64/8, "
                    "multitask-deep-relu 256/32)")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch", type=int, default=64, help="saliency batch (seqlens --batch, torch/captum batches)")
    ap.add_argument("--ig-batch", type=int, default=50, help="captum internal_batch_size (seqlens: one sequence's 50 steps per pass)")
    ap.add_argument("--target", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--seqlens", default=DEFAULT_BIN)
    ap.add_argument("--wait-minutes", type=float, default=25.0, help="max wait for an idle machine (0: don't)")
    ap.add_argument("--retries", type=int, default=2, help="re-measure a disturbed measurement up to N times")
    ap.add_argument("--markdown-out", metavar="FILE")
    ap.add_argument("--json-out", metavar="FILE")
    args = ap.parse_args()

    import torch
    torch.set_num_interop_threads(1)
    binary = find_seqlens(args.seqlens)
    RETRIES.update(count=args.retries, wait_minutes=min(args.wait_minutes, 15.0))
    head = header(binary, ["captum"])
    print(head, file=sys.stderr)

    specs = []
    for m in args.models:
        path, *counts = m.split(":")
        specs.append((path, int(counts[0]) if counts else 64, int(counts[1]) if len(counts) > 1 else 8))
    specs = specs or DEFAULT_MODELS

    tmp = tempfile.mkdtemp(prefix="seqlens-attr-bench-")
    work, notes = [], []
    for k, (path, n_sal, n_ig) in enumerate(specs):
        name = os.path.splitext(os.path.basename(path))[0]
        _, dims = model_input(path)
        length = dims[2]
        model, how = torch_model_for(path)
        for p in model.parameters():
            p.requires_grad_(False)
        diff = check_torch_vs_ort(model, path, length)
        notes.append(f"{name}: PyTorch twin = {how}, max |torch − onnxruntime| = {diff:.1e}")
        seqs = random_sequences(max(n_sal, n_ig), length, args.seed + k)
        fastas = {}
        for method, n in (("saliency", n_sal), ("ig", n_ig)):
            fastas[method] = os.path.join(tmp, f"{name}-{method}.fa")
            write_fasta(fastas[method], seqs[:n])
        work.append(dict(name=name, path=path, length=length, seqs=seqs, n={"saliency": n_sal, "ig": n_ig},
                         fastas=fastas, model=model))
    print("\n".join(notes), file=sys.stderr)

    idle = wait_until_idle(args.wait_minutes) if args.wait_minutes > 0 else "did not wait for an idle machine"
    print(idle, file=sys.stderr)

    rows, records, agreement, ref64 = [], [], [], {}
    for w in work:
        for threads in args.threads:
            torch.set_num_threads(threads)
            for method in ("saliency", "ig"):
                n = w["n"][method]
                x = torch.from_numpy(one_hot(w["seqs"][:n]))
                out = os.path.join(tmp, f"{w['name']}-{method}-{threads}.npy")
                cmd = [binary, "attr", w["path"], w["fastas"][method], "--method", method, "--target", str(args.target),
                       "--threads", str(threads), "--batch", str(args.batch), "-o", out]
                n0 = len(DISTURBED)
                sl_med, sl_times, _ = timed(lambda: (run_seqlens(cmd), None), args.repeats,
                                            label=f"{w['name']} {method} T={threads} seqlens")
                sl = np.load(out)
                results = [("seqlens", sl_med, sl_times, sl, len(DISTURBED) > n0)]
                n0 = len(DISTURBED)
                in_process = lambda: (n / seqlens_in_process(binary, w["path"], method, args.batch if method == "saliency" else n,
                                                             threads, w["length"]), None)
                ip_med, ip_times, _ = timed(in_process, 1, label=f"{w['name']} {method} T={threads} seqlens in process")
                results.append(("seqlens in process", ip_med, ip_times, sl, len(DISTURBED) > n0))
                if method == "saliency":
                    peers = [("PyTorch autograd", lambda: torch_saliency(w["model"], x, args.target, args.batch)),
                             ("captum Saliency", lambda: captum_saliency(w["model"], x, args.target, args.batch))]
                else:
                    peers = [("captum IntegratedGradients", lambda: captum_ig(w["model"], x, args.target, args.ig_batch))]
                for tool, fn in peers:
                    if method == "saliency":
                        fn()  # warm-up
                    else:
                        captum_ig(w["model"], x[:1], args.target, args.ig_batch)  # warm-up on one sequence
                    n0 = len(DISTURBED)
                    med, times, arr = timed(fn, args.repeats, label=f"{w['name']} {method} T={threads} {tool}")
                    results.append((tool, med, times, arr, len(DISTURBED) > n0))
                peer = 2  # results: seqlens, seqlens in process, then the peers
                ref = results[peer][3]
                key = (w["name"], method)
                if key not in ref64:
                    ref64[key] = float64_reference(w["model"], x, args.target, method)
                for tool, med, times, arr, busy in results:
                    rd = rel_diff(arr, ref) if tool != results[peer][0] else None
                    rd64 = rel_diff(arr, ref64[key])
                    if rd is not None and tool != "seqlens in process":
                        agreement.append(f"{w['name']} {method} T={threads}: max |{tool} − {results[peer][0]}| / max |{results[peer][0]}| = {rd:.1e}")
                    rate = n / med
                    ours = tool.startswith("seqlens")
                    ratio = (n / sl_med) / rate
                    in_process_ratio = (n / ip_med) / rate
                    label = "saliency" if method == "saliency" else "IG-50"
                    rows.append((w["name"], str(w["length"]), label, str(n), str(threads), marked(tool, busy), f"{med:.3f}",
                                 fmt(rate), "—" if ours else f"{ratio:.2f}", "—" if ours else f"{in_process_ratio:.2f}",
                                 "—" if rd is None or tool == "seqlens in process" else f"{rd:.1e}", f"{rd64:.1e}"))
                    records.append(dict(model=w["name"], length=w["length"], method=method, sequences=n, threads=threads,
                                        tool=tool, seconds=med, runs=times, sequences_per_second=rate,
                                        seqlens_over_tool=None if ours else ratio,
                                        seqlens_in_process_over_tool=None if ours else in_process_ratio,
                                        max_rel_diff=rd, max_rel_diff_vs_float64=rd64, machine_busy=busy))
                    print(f"  {w['name']} {label} T={threads} {tool}: {med:.3f} s, {fmt(rate)} seq/s "
                          f"{'' if rd is None else f'(rel diff {rd:.1e})'}", file=sys.stderr, flush=True)

    hdr = ("model", "L", "method", "seqs", "threads", "tool", "seconds", "seq/s", "seqlens ÷ tool (whole command)",
           "seqlens in process ÷ tool", "max rel diff vs torch/captum", "max rel diff vs float64 torch/captum")
    lines = ["| " + " | ".join(hdr) + " |", "|" + "|".join(["---", "---:", "---", "---:", "---:", "---"] + ["---:"] * 6) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    table = "\n".join(lines)

    goals = []
    for r in records:
        if (r["method"], r["tool"]) in (("saliency", "PyTorch autograd"), ("ig", "captum IntegratedGradients")):
            label = "saliency" if r["method"] == "saliency" else "IG-50"
            goals.append(f"{label} {r['model']} T={r['threads']}: seqlens / {r['tool']} = {r['seqlens_over_tool']:.2f} as a whole "
                         f"command, {r['seqlens_in_process_over_tool']:.2f} in process "
                         f"(goal ≥ 1 in process, as the peer is timed: {'met' if r['seqlens_in_process_over_tool'] >= 1 else 'NOT met'})")
    env = [f"Environment: {head}", idle,
           "seqlens seconds: whole command (process start, model load, .npy write); seqlens in process: "
           "`seqlens benchmark --method` over ≥ 3 s of calls after a warm-up call, as seconds for the same number of "
           "maps (random sequences of the same length; its maps are the whole command's, not compared again); "
           "PyTorch/captum: the attribution "
           f"calls only (model built, one warm-up call). Median of up to {args.repeats} runs. "
           f"Saliency batch {args.batch}; IG: captum internal_batch_size {args.ig_batch}.",
           *notes, *agreement,
           disturbed_note()]
    write_report(args, "Attribution benchmark", head, idle, table, goals, env, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
