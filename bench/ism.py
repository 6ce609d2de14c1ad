#!/usr/bin/env python3
"""Full in-silico saturation mutagenesis (ISM): seqlens vs onnxruntime vs tangermeme.

Every substitution (3 per position) at every position, every task, at the SAME thread count:

  * seqlens incremental   `seqlens ism MODEL FASTA --target all --engine incremental`
                          (reference activations cached, only the window a substitution
                          reaches is recomputed); wall clock of the whole command, model
                          load, FASTA parsing and .npy writing included.
  * seqlens naive         the same command with `--engine naive` (a full forward pass per
                          mutant, batches of --naive-batch mutants).
  * onnxruntime naive     all mutants built in numpy, run through an InferenceSession in
                          batches of 256 (intra_op_num_threads=T, inter_op_num_threads=1,
                          sequential); session creation included.
  * tangermeme            `saturation_mutagenesis(model, X, raw_outputs=True)` on the PyTorch
                          CPU model (torch.set_num_threads(T)), at batch_size 32 (its default)
                          and 256, with its default fast=True (fastISM, which tangermeme only
                          attempts when the job would take > 30 s and keeps only when it
                          verifies and is faster) and with fast=False.

The PyTorch model has the weights of the ONNX file: bench/models/* come from
bench/make-bench-models.py (its state dict NAME.pt, BatchNorm unfolded as a user would run it);
for sample-models/*.onnx a small interpreter (_OnnxTorch below: torch.nn.functional ops
with the ONNX initializers as parameters) rebuilds the network. Either is checked against
onnxruntime (max abs diff < 1e-4) before timing.

Outputs are compared with onnxruntime: max |Δ seqlens − Δ onnxruntime| over all
(sequence, base, position, task) entries, and the same for tangermeme.

Each timing is the median of --repeats runs when one run takes < 5 s, else one run. On the
L >= 1000 model the goal's ratio against tangermeme's default is also taken from --paired pairs
of runs made back to back (seqlens, then tangermeme): the median of the pairs' ratios; likewise
the two-thread speed-up of every model from --thread-pairs pairs (one thread, then two), with
the machine's ceiling for that command beside it: in each pair, two one-thread runs also start
at once, and twice one run's seconds over theirs is what two cores give the command when
nothing in it is serial (its start included) and the runs share only the hardware.
Before measuring, the script waits (polling every 30 s, up to --wait-minutes) until no
model training (sample_models, make-sample-models, train.py), Swift compilation or test run
is running; if still busy, it runs anyway and says so. Every measurement is also checked
afterwards: if such a process used CPU meanwhile, or other processes used more than 0.1 core
on average (from /proc/stat minus this process and its children), it is measured again after
waiting for an idle machine (--retries times), and if still disturbed the row is marked ⚠.

  .venv/bin/python bench/make-bench-models.py           # once
  swift build -c release --product seqlens
  .venv/bin/python bench/ism.py --threads 1 2 --markdown-out bench/out/ism.md

The functions here (header, waiting, FASTA, OnnxTorch, seqlens runner) are also used by
bench/attribution.py.
"""
from __future__ import annotations

import argparse
import datetime
import glob
import importlib.util
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import onnx
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_BIN = os.path.join(REPO, ".build", "release", "seqlens")
BUSY_PATTERNS = ["sample_models", "make-sample-models", "train.py", "swift-frontend", "swift-build", "swift-test",
                 "swiftc", "xctest", "bench/forward.py"]
FOREIGN_CPU_LIMIT = 0.10  # other processes may use at most this many cores on average during a measurement


# ----------------------------------------------------------------------------- environment

def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _matching_processes() -> dict:
    """pid -> (command line, CPU ticks so far) of processes matching BUSY_PATTERNS, and
    "taken" -> the time of the snapshot."""
    found = {}
    me = os.getpid()
    for pattern in BUSY_PATTERNS:
        out = subprocess.run(["pgrep", "-fa", pattern], capture_output=True, text=True).stdout
        for line in out.splitlines():
            pid, _, cmd = line.partition(" ")
            if int(pid) == me or "pgrep" in cmd or "bench/ism.py" in cmd or "bench/attribution.py" in cmd:
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                ticks = int(fields[11]) + int(fields[12])  # utime + stime
            except (OSError, IndexError, ValueError):
                continue
            found[int(pid)] = (cmd[:120], ticks)
    found["taken"] = time.time()
    return found


def busy_processes(before: dict | None = None) -> list[str]:
    """Command lines of matching processes that used CPU since `before` (a
    _matching_processes() snapshot), or, without it, over the next second. Idle leftovers
    (e.g. an orphaned, sleeping compiler) do not count."""
    if before is None:
        before = _matching_processes()
        time.sleep(1.0)
    after = _matching_processes()
    elapsed = max(time.time() - before.get("taken", time.time() - 1.0), 1.0)
    # at least 5% of a core on average (an idle leftover wakes up now and then)
    min_ticks = max(2, 0.05 * elapsed * os.sysconf("SC_CLK_TCK"))
    before.pop("taken", None)
    after.pop("taken", None)
    active = [f"{pid} {cmd}" for pid, (cmd, ticks) in after.items()
              if pid not in before or ticks - before[pid][1] >= min_ticks]
    active += [f"{pid} {cmd}" for pid, (cmd, _) in before.items() if pid not in after]  # ended meanwhile
    return sorted(set(active))


def wait_until_idle(minutes: float, poll: float = 30.0) -> str:
    """Waits until busy_processes() is empty; returns a note for the output."""
    deadline = time.time() + minutes * 60
    start = time.time()

    def check():
        found = busy_processes()
        if not found:  # also: nothing else using CPU over 3 s
            cpu0, own0, t0 = system_busy_seconds(), own_cpu_seconds(), time.perf_counter()
            time.sleep(3)
            cores = ((system_busy_seconds() - cpu0) - (own_cpu_seconds() - own0)) / (time.perf_counter() - t0)
            if cores > 0.3:
                found = [f"0 other processes use {cores:.2f} cores"]
        return found

    busy = check()
    while busy and time.time() < deadline:
        print(f"waiting for the machine to be idle ({len(busy)} busy: {busy[0][:80]} …)", file=sys.stderr, flush=True)
        time.sleep(poll)
        busy = check()
    waited = time.time() - start
    if busy:
        return (f"WARNING: machine still busy after waiting {waited / 60:.0f} min; measured anyway while running: "
                + "; ".join(b[:80] for b in busy))
    return (f"machine idle at start (no training, Swift compilation or tests running, other processes "
            f"< 0.3 cores; waited {waited:.0f} s)")


def seqlens_version(binary: str) -> str:
    commit = subprocess.run(["git", "-C", REPO, "log", "-1", "--format=%h %cs"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "Sources"], capture_output=True, text=True).stdout.strip()
    try:
        built = datetime.datetime.fromtimestamp(os.path.getmtime(binary)).strftime("%Y-%m-%d %H:%M")
    except OSError:
        built = "missing"
    newer = [p for p in glob.glob(os.path.join(REPO, "Sources", "**", "*.swift"), recursive=True)
             if os.path.exists(binary) and os.path.getmtime(p) > os.path.getmtime(binary)]
    return (f"seqlens binary built {built} (repo HEAD {commit}{', uncommitted Sources changes' if dirty else ''}"
            f"{f'; {len(newer)} Sources file(s) changed after the build' if newer else ''})")


def header(binary: str, extra: list[str]) -> str:
    import torch
    versions = [f"onnxruntime {ort.__version__}", f"torch {torch.__version__}", f"numpy {np.__version__}"]
    for mod in extra:
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            versions.append(f"{mod} missing")
    versions.append(f"Python {platform.python_version()}")
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (f"{now} · {cpu_model()}, {os.cpu_count()} CPUs ({platform.machine()}, {platform.system()}) · "
            f"{seqlens_version(binary)} · " + ", ".join(versions))


# ----------------------------------------------------------------------------- data

def random_sequences(n: int, length: int, seed: int) -> np.ndarray:
    """(n, length) base indices 0..3 (A, C, G, T)."""
    return np.random.default_rng(seed).integers(0, 4, size=(n, length))


def write_fasta(path: str, seqs: np.ndarray) -> None:
    with open(path, "w") as f:
        for i, s in enumerate(seqs):
            f.write(f">seq{i}\n{''.join('ACGT'[b] for b in s)}\n")


def one_hot(seqs: np.ndarray) -> np.ndarray:
    """(N, 4, L) float32 channels-first."""
    return np.ascontiguousarray(np.eye(4, dtype=np.float32)[seqs].transpose(0, 2, 1))


def model_input(path: str) -> tuple[str, list]:
    m = onnx.load(path, load_external_data=False)
    init = {i.name for i in m.graph.initializer}
    vi = next(i for i in m.graph.input if i.name not in init)
    return vi.name, [d.dim_value if d.HasField("dim_value") else None for d in vi.type.tensor_type.shape.dim]


def forward_flops(path: str) -> float:
    """FLOPs (2 × multiply-adds) of Conv and Gemm/MatMul for one sequence."""
    m = onnx.load(path)
    name, dims = model_input(path)
    for d, v in zip(m.graph.input[0].type.tensor_type.shape.dim, [1] + dims[1:]):
        d.Clear()
        d.dim_value = v
    m = onnx.shape_inference.infer_shapes(m)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output)}
    inits = {i.name: list(i.dims) for i in m.graph.initializer}
    flops = 0.0
    for n in m.graph.node:
        if n.op_type == "Conv":
            w = inits[n.input[1]]
            out = shapes[n.output[0]]
            flops += 2.0 * math.prod(out[1:]) * math.prod(w[1:])
        elif n.op_type in ("Gemm", "MatMul"):
            w = inits.get(n.input[1]) or shapes.get(n.input[1])
            out = shapes[n.output[0]]
            k = w[1] if n.op_type == "Gemm" and any(a.name == "transB" and a.i for a in n.attribute) else w[0]
            flops += 2.0 * math.prod(out) * k
    return flops


# ----------------------------------------------------------------------------- torch models

def _onnx_torch_class():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from onnx import numpy_helper

    class _OnnxTorch(nn.Module):
        """A PyTorch module that runs an ONNX graph of simple CNN ops with F.* kernels.

        Supports the ops of the sample models (Conv, Relu, MaxPool, AveragePool, Flatten,
        Gemm, BatchNormalization, Sigmoid, Add, Mul, Exp, MatMul, Softplus); the
        initializers become parameters, so autograd, captum and torch.export see a normal
        module.
        """

        def __init__(self, path: str):
            super().__init__()
            m = onnx.load(path)
            self.params = nn.ParameterDict()
            self.keys = {}
            for i, init in enumerate(m.graph.initializer):
                key = f"p{i}"
                self.keys[init.name] = key
                self.params[key] = nn.Parameter(torch.from_numpy(numpy_helper.to_array(init).copy()), requires_grad=False)
            init_names = set(self.keys)
            self.input_name = next(i.name for i in m.graph.input if i.name not in init_names)
            self.output_name = m.graph.output[0].name
            self.nodes = [(n.op_type, list(n.input), list(n.output),
                           {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}) for n in m.graph.node]
            for op, *_ in self.nodes:
                if op not in self.OPS:
                    raise NotImplementedError(f"OnnxTorch: op {op} of {path}")

        OPS = {"Conv", "Relu", "MaxPool", "AveragePool", "Flatten", "Gemm", "BatchNormalization", "Sigmoid",
               "Add", "Mul", "Exp", "MatMul", "Softplus", "Identity", "Dropout"}

        def value(self, env, name):
            return self.params[self.keys[name]] if name in self.keys else env[name]

        def forward(self, x):
            env = {self.input_name: x}
            for op, ins, outs, at in self.nodes:
                a = [self.value(env, n) for n in ins if n]
                if op == "Conv":
                    pads = at.get("pads", [0, 0])
                    h = a[0]
                    if pads[0] != pads[1]:
                        h, pads = F.pad(h, (pads[0], pads[1])), [0, 0]
                    y = F.conv1d(h, a[1], a[2] if len(a) > 2 else None, stride=at.get("strides", [1])[0],
                                 padding=pads[0], dilation=at.get("dilations", [1])[0], groups=at.get("group", 1))
                elif op == "Relu":
                    y = F.relu(a[0])
                elif op == "MaxPool":
                    pads = at.get("pads", [0, 0])
                    assert pads[0] == pads[1]
                    y = F.max_pool1d(a[0], at["kernel_shape"][0], at.get("strides", [1])[0], pads[0],
                                     at.get("dilations", [1])[0], ceil_mode=bool(at.get("ceil_mode", 0)))
                elif op == "AveragePool":
                    pads = at.get("pads", [0, 0])
                    assert pads[0] == pads[1]
                    y = F.avg_pool1d(a[0], at["kernel_shape"][0], at.get("strides", [1])[0], pads[0],
                                     ceil_mode=bool(at.get("ceil_mode", 0)),
                                     count_include_pad=bool(at.get("count_include_pad", 0)))
                elif op == "Flatten":
                    y = a[0].flatten(at.get("axis", 1))
                elif op == "Gemm":
                    A = a[0].t() if at.get("transA", 0) else a[0]
                    B = a[1].t() if at.get("transB", 0) else a[1]
                    y = at.get("alpha", 1.0) * (A @ B)
                    if len(a) > 2:
                        y = y + at.get("beta", 1.0) * a[2]
                elif op == "BatchNormalization":
                    y = F.batch_norm(a[0], a[3], a[4], a[1], a[2], training=False, eps=at.get("epsilon", 1e-5))
                elif op == "Sigmoid":
                    y = torch.sigmoid(a[0])
                elif op == "Add":
                    y = a[0] + a[1]
                elif op == "Mul":
                    y = a[0] * a[1]
                elif op == "Exp":
                    y = torch.exp(a[0])
                elif op == "Softplus":
                    y = F.softplus(a[0])
                elif op == "MatMul":
                    y = a[0] @ a[1]
                else:  # Identity, Dropout (inference)
                    y = a[0]
                env[outs[0]] = y
            return env[self.output_name]

    return _OnnxTorch


def load_bench_models_module():
    spec = importlib.util.spec_from_file_location("make_bench_models", os.path.join(HERE, "make-bench-models.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def torch_model_for(path: str):
    """(PyTorch module with the ONNX file's weights, how it was made)."""
    name = os.path.splitext(os.path.basename(path))[0]
    if os.path.dirname(os.path.abspath(path)) == os.path.join(HERE, "models"):
        mod = load_bench_models_module()
        if name in mod.MODELS:
            return mod.torch_model(name), "original nn.Sequential (BatchNorm unfolded), weights from " + name + ".pt"
    return _onnx_torch_class()(path).eval(), "OnnxTorch interpreter of the ONNX initializers"


def check_torch_vs_ort(model, path: str, length: int, seed: int = 7) -> float:
    import torch
    x = one_hot(random_sequences(8, length, seed))
    name, _ = model_input(path)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    ref = sess.run(None, {name: x})[0]
    with torch.no_grad():
        got = model(torch.from_numpy(x)).numpy()
    diff = float(np.abs(ref - got).max())
    if diff >= 1e-4:
        raise SystemExit(f"{path}: PyTorch module and onnxruntime disagree by {diff:.2e} (>= 1e-4)")
    return diff


# ----------------------------------------------------------------------------- runners

def find_seqlens(binary: str) -> str:
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise SystemExit(f"seqlens binary not found at {binary}: run `swift build -c release --product seqlens`")
    newest = max((os.path.getmtime(p) for p in glob.glob(os.path.join(REPO, "Sources", "**", "*.swift"), recursive=True)), default=0)
    if os.path.getmtime(binary) < newest:
        print(f"note: {binary} is older than some files in Sources/ (rebuild for current numbers)", file=sys.stderr)
    return binary


def run_seqlens(*cmds: list[str]) -> float:
    """Wall-clock seconds of seqlens commands started at once, until the last ends (raises on a
    failure). Their stderr goes to files, so that one command's full pipe cannot stall it while
    another is waited for."""
    t = time.perf_counter()
    logs = [tempfile.TemporaryFile(mode="w+") for _ in cmds]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, text=True) for cmd, log in zip(cmds, logs)]
    codes = [proc.wait() for proc in procs]
    elapsed = time.perf_counter() - t
    for cmd, log, code in zip(cmds, logs, codes):
        if code != 0:
            log.seek(0)
            raise RuntimeError(f"exit {code}: {' '.join(cmd)}\n{log.read().strip()[-500:]}")
    return elapsed


DISTURBED: list[str] = []  # labels of measurements during which other heavy processes ran


RETRIES = {"count": 2, "wait_minutes": 15.0}  # set from --retries / --wait-minutes


def timed(fn, repeats: int, long_run: float = 5.0, label: str = "", on_retry=None):
    """Runs fn() (returning (seconds, result)) once, and up to `repeats` times in all while a run
    takes < long_run seconds; returns (median seconds, all seconds, last result).

    A measurement is disturbed when a matching process (training, compilation, tests) used CPU
    during it, or other processes used more than FOREIGN_CPU_LIMIT cores on average. A disturbed
    measurement is repeated, after waiting for an idle machine, up to RETRIES["count"] times
    (on_retry() is called first, to reset the caller's per-run state); if it is still disturbed,
    it is recorded in DISTURBED and kept."""
    for attempt in range(RETRIES["count"] + 1):
        procs0 = _matching_processes()
        cpu0, own0, t0 = system_busy_seconds(), own_cpu_seconds(), time.perf_counter()
        times, result = [], None
        for i in range(repeats):
            seconds, result = fn()
            times.append(seconds)
            if seconds >= long_run:
                break
        foreign = (system_busy_seconds() - cpu0) - (own_cpu_seconds() - own0)
        cores = foreign / max(time.perf_counter() - t0, 1e-9)
        busy = busy_processes(procs0)
        if cores > FOREIGN_CPU_LIMIT:
            busy.append(f"0 other processes used {cores:.2f} cores on average")
        if not busy:
            break
        if attempt < RETRIES["count"]:
            print(f"    disturbed ({busy[0][:70]}); waiting for an idle machine and measuring again",
                  file=sys.stderr, flush=True)
            wait_until_idle(RETRIES["wait_minutes"])
            if on_retry:
                on_retry()
        else:
            DISTURBED.append(f"{label} ({cores:.2f} foreign cores): {busy[0][:60]}")
    return statistics.median(times), times, result


def system_busy_seconds() -> float:
    """CPU seconds all processes have spent (user+nice+system+irq+softirq+steal), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds of this process and its waited-for children (seqlens runs)."""
    import resource
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def disturbed_note() -> str:
    if not DISTURBED:
        return "No training, compilation or test run was seen during any measurement."
    labels = [d.split(": ", 1)[0] for d in DISTURBED]
    procs = sorted({"CPU use by other processes" if d.split(": ", 1)[1].startswith("0 ")
                    else " ".join(d.split(": ", 1)[1].split()[1:3]) for d in DISTURBED})
    return (f"{len(labels)} measurement(s) overlapped other heavy processes ({'; '.join(procs)}) and are marked ⚠: "
            + "; ".join(labels))


def marked(tool: str, busy: bool) -> str:
    return tool + (" ⚠ machine busy" if busy else "")


def ort_naive_ism(path: str, seqs: np.ndarray, threads: int, batch: int):
    """(seconds, deltas (N, 4, L, T)) with every mutant run through onnxruntime."""
    t0 = time.perf_counter()
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    name, _ = model_input(path)
    n, length = seqs.shape
    x = one_hot(seqs)
    ref = sess.run(None, {name: x})[0]
    tasks = ref.shape[1]
    deltas = np.zeros((n, 4, length, tasks), dtype=np.float32)
    for i in range(n):
        # mutants in (position, base) order, reference base skipped
        pos = np.repeat(np.arange(length), 3)
        alt = (seqs[i][pos] + np.tile(np.arange(1, 4), length)) % 4
        for s in range(0, len(pos), batch):
            p, b = pos[s:s + batch], alt[s:s + batch]
            xb = np.repeat(x[i:i + 1], len(p), axis=0)
            rows = np.arange(len(p))
            xb[rows, :, p] = 0
            xb[rows, b, p] = 1
            deltas[i, b, p] = sess.run(None, {name: xb})[0] - ref[i]
    return time.perf_counter() - t0, deltas


def tangermeme_ism(model, seqs: np.ndarray, threads: int, batch: int, fast: bool):
    """(seconds, deltas (N, 4, L, T), whether tangermeme used its fast path)."""
    import torch
    import tangermeme.saturation_mutagenesis as tsm
    torch.set_num_threads(threads)
    used = {"fast": False}
    original = tsm._fast_path

    def spy(*a, **k):
        result = original(*a, **k)
        used["fast"] = result[0] is not None
        return result

    tsm._fast_path = spy
    X = torch.from_numpy(one_hot(seqs))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            y0, y_hat = tsm.saturation_mutagenesis(model, X, batch_size=batch, raw_outputs=True,
                                                   device="cpu", fast=fast)
            seconds = time.perf_counter() - t0
    finally:
        tsm._fast_path = original
    for w in caught:
        if "fast" in str(w.message):
            print(f"    tangermeme: {str(w.message)[:200]}", file=sys.stderr)
    deltas = (y_hat - y0[:, None, None, :]).numpy()
    return seconds, deltas, used["fast"]


def alternating(tools: dict, pairs: int, label: str) -> dict:
    """Runs each of `tools` (name -> a function returning seconds) in turn, `pairs` times: on a
    VM whose speed drifts by 1.5× within minutes, the ratio of two runs made seconds apart is
    steadier than the ratio of two medians taken minutes apart. Returns each tool's seconds and
    whether another process ran meanwhile ("busy")."""
    runs = {name: [] for name in tools}

    def pair():
        for name, run in tools.items():
            runs[name].append(run())
        return sum(seconds[-1] for seconds in runs.values()), None

    n0 = len(DISTURBED)
    timed(pair, pairs, long_run=math.inf, label=label, on_retry=lambda: [v.clear() for v in runs.values()])
    runs["busy"] = len(DISTURBED) > n0
    return runs


def paired_runs(seqlens_run, model, seqs: np.ndarray, threads: int, pairs: int, label: str) -> dict:
    """One seqlens run and one tangermeme default run (batch 32, fast=True) in turn, `pairs`
    times; "ratios" are tangermeme's seconds over seqlens's."""
    runs = alternating({"seqlens": lambda: seqlens_run()[0],
                        "tangermeme": lambda: tangermeme_ism(model, seqs, threads, 32, True)[0]}, pairs, label)
    runs["ratios"] = [t / s for s, t in zip(runs["seqlens"], runs["tangermeme"])]
    return runs


def two_thread_goal(args, binary: str, tmp: str, w: dict, target: str, records: list) -> str | None:
    """The goal line for two threads against one on w's model (None unless both ran): the
    medians' ratio, and that of --thread-pairs pairs run first (the goal is judged on the pairs
    then; their record joins `records`), with the ceiling from two one-thread runs at once."""
    one, two = ([r for r in records if r["model"] == w["name"] and r["threads"] == t and "incremental" in r["tool"]] for t in (1, 2))
    if not (one and two):
        return None
    scale = one[0]["seconds"] / two[0]["seconds"]
    line = f"{w['name']}: seqlens incremental, 2 threads vs 1: {scale:.2f}× by the medians above"
    if args.thread_pairs > 0:
        def command(threads, copy=0):
            return [binary, "ism", w["path"], w["fasta"], "--target", target, "--engine", "incremental", "--threads",
                    str(threads), "--batch", str(args.batch), "-o", os.path.join(tmp, f"{w['name']}-pairs-{copy}.npy")]
        pair = alternating({"one": lambda: run_seqlens(command(1)), "two": lambda: run_seqlens(command(2)),
                            "two one-thread runs at once": lambda: run_seqlens(command(1), command(1, copy=1))},
                           args.thread_pairs, f"{w['name']} one and two threads")
        pair["ratios"] = [one / two for one, two in zip(pair["one"], pair["two"])]
        pair["ceilings"] = [2 * one / both for one, both in zip(pair["one"], pair["two one-thread runs at once"])]
        records.append(dict(model=w["name"], threads=(1, 2), tool="seqlens incremental, one and two threads alternately", **pair))
        scale, ceiling = statistics.median(pair["ratios"]), statistics.median(pair["ceilings"])
        line += (f"; paired (one and two threads run alternately, {len(pair['ratios'])} pairs, one thread "
                 f"{min(pair['one']):.2f}–{max(pair['one']):.2f} s, two {min(pair['two']):.2f}–{max(pair['two']):.2f} s): "
                 f"median {scale:.2f}× (range {min(pair['ratios']):.2f}–{max(pair['ratios']):.2f}×"
                 f"{', machine busy ⚠' if pair['busy'] else ''}); ceiling on this machine (two one-thread runs at "
                 f"once do this much of one's work): {ceiling:.2f}× (range {min(pair['ceilings']):.2f}–{max(pair['ceilings']):.2f}×)")
    return line + f" (goal ≥ 1.8×: {'met' if scale >= 1.8 else 'NOT met'})"


# ----------------------------------------------------------------------------- BPNet-class models

BPNET_MODELS = ["bpnet-L2114", "chrombpnet-L2114"]


def bpnet_main(args, binary: str) -> int:
    """--bpnet: full ISM of the counts head of bench/models/{bpnet,chrombpnet}-L2114.onnx
    (bpnet-lite's BPNet and ChromBPNet classes at their published input size): seqlens
    `ism --target counts:0` against tangermeme's `saturation_mutagenesis` on
    bpnetlite.bpnet.CountWrapper(model) (what bpnet-lite users pass it), which returns the
    counts tensor (N, 1): both compute counts(mutant) − counts(reference)."""
    import torch
    from bpnetlite.bpnet import CountWrapper
    torch.set_num_interop_threads(1)
    mod = load_bench_models_module()
    head = header(binary, ["tangermeme", "bpnetlite"])
    print(head, file=sys.stderr)
    tmp = tempfile.mkdtemp(prefix="seqlens-ism-bpnet-")
    work, notes = [], []
    for k, name in enumerate(BPNET_MODELS):
        path = os.path.join(HERE, "models", name + ".onnx")
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: run `.venv/bin/python bench/make-bench-models.py` first")
        _, dims = model_input(path)
        length = dims[2]
        model = mod.torch_model(name)
        x = one_hot(random_sequences(4, length, 7))
        with torch.no_grad():
            refs = [y.numpy() for y in model(torch.from_numpy(x))]
        gots = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {model_input(path)[0]: x})
        diff = max(float(np.abs(a - b).max()) for a, b in zip(refs, gots))
        notes.append(f"{name}: PyTorch twin = bpnet-lite {name.split('-')[0]} class, weights from {name}.pt; "
                     f"max |torch − onnxruntime| over profile and counts = {diff:.1e} "
                     f"(outputs up to {max(float(np.abs(r).max()) for r in refs):.3g})")
        seqs = random_sequences(args.bpnet_seqs, length, args.seed + 100 + k)
        fasta = os.path.join(tmp, f"{name}.fa")
        write_fasta(fasta, seqs)
        work.append(dict(name=name, path=path, length=length, seqs=seqs, fasta=fasta, torch=CountWrapper(model).eval()))

    idle = wait_until_idle(args.wait_minutes) if args.wait_minutes > 0 else "did not wait for an idle machine"
    print(idle, file=sys.stderr)
    rows, records = [], []
    for w in work:
        n, length = w["seqs"].shape
        subs = 3 * n * length
        for threads in args.threads:
            print(f"{w['name']} L={length} N={n} threads={threads}", file=sys.stderr, flush=True)
            results = []  # (tool, seconds, runs, deltas (N, 4, L), load average after)
            out = os.path.join(tmp, f"{w['name']}-{threads}.npy")
            cmd = [binary, "ism", w["path"], w["fasta"], "--target", "counts:0", "--engine", "incremental",
                   "--threads", str(threads), "--batch", str(args.batch), "-o", out]
            n0 = len(DISTURBED)
            cpu = []  # CPU seconds per run: on a shared machine, wall clock measures the others too

            def seqlens_run():
                before = own_cpu_seconds()
                seconds = run_seqlens(cmd)
                cpu.append(own_cpu_seconds() - before)
                return seconds, None
            med, times, _ = timed(seqlens_run, args.repeats, on_retry=cpu.clear, label=f"{w['name']} T={threads} seqlens")
            results.append((marked(f"seqlens incremental (batch {args.batch})", len(DISTURBED) > n0), med, times,
                            np.load(out), os.getloadavg()[0], statistics.median(cpu)))
            print(f"  seqlens: {med:.2f} s {times}", file=sys.stderr, flush=True)
            fasts = {"both": [True, False], "default": [True], "off": [False]}[args.tangermeme_fast]
            for fast in fasts:
                runs, cpu = [], []

                def run():
                    before = time.process_time()
                    s, d, used = tangermeme_ism(w["torch"], w["seqs"], threads, 32, fast)
                    cpu.append(time.process_time() - before)
                    runs.append(used)
                    return s, d

                def reset():
                    runs.clear()
                    cpu.clear()
                n0 = len(DISTURBED)
                med, times, deltas = timed(run, args.repeats, on_retry=reset,
                                           label=f"{w['name']} T={threads} tangermeme fast={fast}")
                label = (f"tangermeme batch 32, fast=True (default; fastISM {'used' if all(runs) else 'not used' if not any(runs) else 'used in some runs'})"
                         if fast else "tangermeme batch 32, fast=False")
                results.append((marked(label, len(DISTURBED) > n0), med, times, deltas[..., 0], os.getloadavg()[0],
                                statistics.median(cpu)))
                print(f"  {label}: {med:.2f} s {times}", file=sys.stderr, flush=True)
            seqlens_s, seqlens_d, seqlens_cpu = results[0][1], results[0][3], results[0][5]
            tm_d = results[1][3]
            scale = float(np.abs(tm_d).max())
            for tool, med, times, deltas, load, cpu_s in results:
                diff = float(np.abs(deltas - (tm_d if tool.startswith("seqlens") else seqlens_d)).max())
                rows.append((w["name"], str(length), str(n), f"{subs:,}", str(threads), tool, f"{med:.2f}",
                             fmt(subs / med), f"{med / seqlens_s:.2f}×", f"{cpu_s:.2f}", f"{cpu_s / seqlens_cpu:.2f}×",
                             f"{diff:.1e} (max |Δ| {scale:.3g})", f"{load:.2f}"))
                records.append(dict(model=w["name"], length=length, sequences=n, substitutions=subs, threads=threads,
                                    tool=tool, seconds=med, runs=times, substitutions_per_second=subs / med,
                                    ratio_to_seqlens=med / seqlens_s, cpu_seconds=cpu_s, cpu_ratio_to_seqlens=cpu_s / seqlens_cpu,
                                    max_abs_diff=diff, max_abs_delta=scale, load_average_1min=load))

    hdr = ("model", "L", "seqs", "substitutions", "threads", "tool", "seconds", "subst./s",
           "time / seqlens", "CPU seconds", "CPU / seqlens", "max abs diff (seqlens vs tangermeme default)",
           "load avg (1 min) after")
    lines = ["| " + " | ".join(hdr) + " |", "|" + "|".join(["---"] + ["---:"] * 4 + ["---"] + ["---:"] * 7) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    goals = []
    for r in records:
        if r["tool"].startswith("tangermeme batch 32, fast=True"):
            goals.append(f"{r['model']}, {r['threads']} thread(s): seqlens vs tangermeme's default {r['ratio_to_seqlens']:.2f}× "
                         f"(goal ≥ 2×: {'met' if r['ratio_to_seqlens'] >= 2 else 'NOT met'}; CPU time "
                         f"{r['cpu_ratio_to_seqlens']:.2f}×)")
    goals += [g for w in work if (g := two_thread_goal(args, binary, tmp, w, "counts:0", records))]
    notes = [f"Environment: {head}", idle,
             "Target: the counts head (bpnet-lite CountWrapper; seqlens --target counts:0), every substitution at "
             "every position. Seconds: wall clock of the whole seqlens command (model load and .npy write "
             "included) and of the saturation_mutagenesis call; CPU seconds: of the seqlens process and of this "
             "process during the call (every torch thread), the fairer measure on a shared machine. "
             f"Median of up to {args.repeats} runs (one run when it takes ≥ 5 s).",
             *notes, disturbed_note()]
    write_report(args, "Full ISM benchmark: BPNet-class models", head, idle, "\n".join(lines), goals, notes, records)
    return 0


# ----------------------------------------------------------------------------- main

def fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else (f"{v:,.1f}" if v >= 10 else f"{v:.2f}")


def write_report(args, title: str, head: str, idle: str, table: str, goals: list, notes: list, records: list) -> None:
    """Prints the report and writes --markdown-out / --json-out (shared with attribution.py)."""
    text = table + "\n\n" + "\n".join(f"- {g}" for g in goals) + "\n\n" + "\n".join(f"- {x}" for x in notes)
    print(text)
    if args.markdown_out:
        os.makedirs(os.path.dirname(os.path.abspath(args.markdown_out)), exist_ok=True)
        with open(args.markdown_out, "w") as f:
            f.write(f"# {title}\n\n{head}\n\n{text}\n")
    if args.json_out:
        os.makedirs(os.path.dirname(os.path.abspath(args.json_out)), exist_ok=True)
        with open(args.json_out, "w") as f:
            json.dump({"environment": head, "idle": idle, "results": records}, f, indent=2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", help="default: bench/models/basset-L1000.onnx and sample-models/"
                    "{multitask-deep-relu,code-shallow-relu,residualbind}.onnx")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--basset-seqs", type=int, default=3, help="sequences for L >= 1000 models")
    ap.add_argument("--substitutions", type=int, default=12000,
                    help="smaller models: about this many substitutions (at least 20 sequences)")
    ap.add_argument("--batch", type=int, default=64, help="seqlens incremental --batch (mutants per pass)")
    ap.add_argument("--naive-batch", type=int, default=256, help="seqlens naive and onnxruntime mutants per pass")
    ap.add_argument("--tangermeme-batches", type=int, nargs="*", default=[32, 256])
    ap.add_argument("--tangermeme-fast", choices=["both", "default", "off"], default="both",
                    help="tangermeme with fast=True (its default), fast=False, or both")
    ap.add_argument("--skip-tangermeme", action="store_true")
    ap.add_argument("--skip-seqlens-naive", action="store_true", help="time only seqlens's incremental engine")
    ap.add_argument("--repeats", type=int, default=3, help="runs per timing when a run takes < 5 s (median)")
    ap.add_argument("--paired", type=int, default=5, metavar="N",
                    help="on L >= 1000 models, N more pairs of seqlens incremental and tangermeme's default run back to "
                    "back, for the goal's ratio under one machine state (0: don't)")
    ap.add_argument("--thread-pairs", type=int, default=5, metavar="N",
                    help="N more pairs of seqlens incremental runs on one and on two threads, back to back, for the "
                    "goal's two-thread speed-up under one machine state (0: don't)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--seqlens", default=DEFAULT_BIN)
    ap.add_argument("--wait-minutes", type=float, default=25.0, help="max wait for an idle machine (0: don't)")
    ap.add_argument("--retries", type=int, default=2, help="re-measure a disturbed measurement up to N times")
    ap.add_argument("--markdown-out", metavar="FILE")
    ap.add_argument("--json-out", metavar="FILE")
    ap.add_argument("--bpnet", action="store_true", help="instead: the counts head of bench/models/{bpnet,chrombpnet}-L2114 "
                    "against tangermeme on bpnet-lite's CountWrapper (bpnet_main)")
    ap.add_argument("--bpnet-seqs", type=int, default=1, help="sequences per BPNet-class model")
    args = ap.parse_args()

    binary = find_seqlens(args.seqlens)
    RETRIES.update(count=args.retries, wait_minutes=min(args.wait_minutes, 15.0))
    if args.bpnet:
        return bpnet_main(args, binary)
    models = args.models or [os.path.join(HERE, "models", "basset-L1000.onnx")] + [
        os.path.join(REPO, "sample-models", f"{m}.onnx") for m in ("multitask-deep-relu", "code-shallow-relu", "residualbind")]
    import torch
    torch.set_num_interop_threads(1)
    head = header(binary, ["tangermeme"])
    print(head, file=sys.stderr)

    # models, inputs and torch twins first (not timed)
    work = []
    tmp = tempfile.mkdtemp(prefix="seqlens-ism-bench-")
    for k, path in enumerate(models):
        name = os.path.splitext(os.path.basename(path))[0]
        _, dims = model_input(path)
        length = dims[2]
        n = args.basset_seqs if length >= 1000 else max(20, math.ceil(args.substitutions / (3 * length)))
        seqs = random_sequences(n, length, args.seed + k)
        fasta = os.path.join(tmp, f"{name}.fa")
        write_fasta(fasta, seqs)
        tmodel, how = (None, "skipped") if args.skip_tangermeme else torch_model_for(path)
        diff = None if tmodel is None else check_torch_vs_ort(tmodel, path, length)
        note = f"{name}: PyTorch twin = {how}" + ("" if diff is None else f", max |torch − onnxruntime| = {diff:.1e}")
        print(note, file=sys.stderr)
        work.append(dict(name=name, path=path, length=length, seqs=seqs, fasta=fasta, torch=tmodel,
                         note=note, flops=forward_flops(path)))

    idle = wait_until_idle(args.wait_minutes) if args.wait_minutes > 0 else "did not wait for an idle machine"
    print(idle, file=sys.stderr)

    rows, records, agreement = [], [], []
    paired = {}  # (model, threads) -> paired_runs(...) of the goal's model
    for w in work:
        n, length = w["seqs"].shape
        subs = 3 * n * length
        for threads in args.threads:
            results = []  # (tool, seconds, times, deltas)
            print(f"{w['name']} L={length} N={n} threads={threads}", file=sys.stderr, flush=True)

            def seqlens_run(engine, batch):
                out = os.path.join(tmp, f"{w['name']}-{engine}-{threads}.npy")
                cmd = [binary, "ism", w["path"], w["fasta"], "--target", "all", "--engine", engine,
                       "--threads", str(threads), "--batch", str(batch), "-o", out]
                return lambda: (run_seqlens(cmd), out)

            engines = [("incremental", args.batch)] + ([] if args.skip_seqlens_naive else [("naive", args.naive_batch)])
            for engine, batch in engines:
                n0 = len(DISTURBED)
                tool = f"seqlens {engine} (batch {batch})"
                med, times, out = timed(seqlens_run(engine, batch), args.repeats, label=f"{w['name']} T={threads} {tool}")
                results.append((marked(tool, len(DISTURBED) > n0), med, times, np.load(out)))
                print(f"  seqlens {engine}: {med:.2f} s {times}", file=sys.stderr, flush=True)
            n0 = len(DISTURBED)
            tool = f"onnxruntime naive (batch {args.naive_batch})"
            med, times, deltas = timed(lambda: ort_naive_ism(w["path"], w["seqs"], threads, args.naive_batch),
                                       args.repeats, label=f"{w['name']} T={threads} {tool}")
            results.append((marked(tool, len(DISTURBED) > n0), med, times, deltas))
            print(f"  onnxruntime: {med:.2f} s {times}", file=sys.stderr, flush=True)
            if w["torch"] is not None:
                fasts = {"both": [True, False], "default": [True], "off": [False]}[args.tangermeme_fast]
                for fast in fasts:
                    for batch in args.tangermeme_batches:
                        runs = []  # (seconds, fastISM used) per run

                        def run():
                            s, d, used = tangermeme_ism(w["torch"], w["seqs"], threads, batch, fast)
                            runs.append((s, used))
                            return s, d
                        n0 = len(DISTURBED)
                        # The goal's row (tangermeme's defaults) takes every repeat however long a run
                        # is: one run of it varied 1.6× between bench runs on a noisy VM.
                        goal_row = fast and batch == 32
                        _, _, deltas = timed(run, args.repeats, long_run=math.inf if goal_row else 5.0, on_retry=runs.clear,
                                             label=f"{w['name']} T={threads} tangermeme {batch} fast={fast}")
                        busy = len(DISTURBED) > n0
                        # tangermeme decides per call whether to use fastISM (only when the job is
                        # estimated at > 30 s from a timed first batch), so with fast=True the runs
                        # may differ in kind: one row per kind.
                        for used in sorted({u for _, u in runs}, reverse=True):
                            times = [t for t, u in runs if u == used]
                            label = (f"tangermeme batch {batch}, fast=True (default; fastISM "
                                     f"{'used' if used else 'not used'}"
                                     f"{'' if len(times) == len(runs) else f', {len(times)} of {len(runs)} runs'})"
                                     if fast else f"tangermeme batch {batch}, fast=False")
                            results.append((marked(label, busy), statistics.median(times), times, deltas))
                            print(f"  {label}: {statistics.median(times):.2f} s {times}", file=sys.stderr, flush=True)

            if w["torch"] is not None and length >= 1000 and args.paired > 0 and args.tangermeme_fast != "off":
                paired[(w["name"], threads)] = paired_runs(seqlens_run("incremental", args.batch), w["torch"], w["seqs"],
                                                           threads, args.paired, f"{w['name']} T={threads} paired")
                ratios = paired[(w["name"], threads)]["ratios"]
                print(f"  paired seqlens/tangermeme-default ratios: {[round(r, 2) for r in ratios]}", file=sys.stderr, flush=True)
            ort_d = next(r[3] for r in results if r[0].startswith("onnxruntime"))
            scale = float(np.abs(ort_d).max())
            inc = results[0][1]
            for tool, med, times, deltas in results:
                diff = None
                if deltas is not None and not tool.startswith("onnxruntime"):
                    if deltas.shape != ort_d.shape:
                        raise SystemExit(f"{tool}: shape {deltas.shape}, onnxruntime {ort_d.shape}")
                    diff = float(np.abs(deltas - ort_d).max())
                    agreement.append(f"{w['name']} T={threads} {tool}: max |Δ − Δ_onnxruntime| = {diff:.2e} "
                                     f"(max |Δ| = {scale:.3g})")
                rate = subs / med
                gflops = subs * w["flops"] / med / 1e9
                rows.append((w["name"], str(length), str(n), f"{subs:,}", str(threads), tool, f"{med:.2f}",
                             fmt(rate), f"{gflops:,.1f}", f"{med / inc:.1f}×",
                             "—" if diff is None else f"{diff:.1e}"))
                records.append(dict(model=w["name"], length=length, sequences=n, substitutions=subs, threads=threads,
                                    tool=tool, seconds=med, runs=times, substitutions_per_second=rate,
                                    full_pass_gflops=gflops, incremental_speedup=med / inc, max_abs_diff_vs_ort=diff))

    hdr = ("model", "L", "seqs", "substitutions", "threads", "tool", "seconds", "subst./s",
           "GFLOP/s (full-pass equiv.)", "seqlens incremental speed-up", "max abs diff vs onnxruntime")
    lines = ["| " + " | ".join(hdr) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * 3 + ["---"] + ["---:"] * 5) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    table = "\n".join(lines)

    # goals (issue 18): on the Basset-sized model ≥ 15× onnxruntime's naive ISM and ≥ 5× tangermeme's
    # default (batch 32, fast=True); on every model, two threads ≥ 1.8× one thread.
    goals = []
    for threads in args.threads:
        sel = [r for r in records if r["model"].startswith("basset") and r["threads"] == threads]
        if not sel:
            continue
        inc = next(r for r in sel if "incremental" in r["tool"])
        ortr = next(r for r in sel if r["tool"].startswith("onnxruntime"))
        tms = [r for r in sel if r["tool"].startswith("tangermeme")]
        ratio = ortr["seconds"] / inc["seconds"]
        line = f"Basset-sized, {threads} thread(s): incremental vs onnxruntime naive {ratio:.1f}× (goal ≥ 15×: " \
               f"{'met' if ratio >= 15 else 'NOT met'})"
        for r in tms:
            if "batch 32, fast=True" in r["tool"]:
                ratio = r["seconds"] / inc["seconds"]
                line += f"; vs tangermeme's default ({r['tool']}) {ratio:.1f}× (goal ≥ 5×: {'met' if ratio >= 5 else 'NOT met'})"
        pair = paired.get((inc["model"], threads))
        if pair:
            ratio = statistics.median(pair["ratios"])
            line += (f"; paired (seqlens and tangermeme's default run alternately, {len(pair['ratios'])} pairs, "
                     f"tangermeme {min(pair['tangermeme']):.2f}–{max(pair['tangermeme']):.2f} s, seqlens "
                     f"{min(pair['seqlens']):.2f}–{max(pair['seqlens']):.2f} s): median ratio {ratio:.1f}× "
                     f"(range {min(pair['ratios']):.1f}–{max(pair['ratios']):.1f}×; goal ≥ 5×: "
                     f"{'met' if ratio >= 5 else 'NOT met'}{', machine busy ⚠' if pair['busy'] else ''})")
        if tms:
            best = min(tms, key=lambda r: r["seconds"])
            line += f"; vs the fastest tangermeme setting ({best['tool']}) {best['seconds'] / inc['seconds']:.1f}×"
        goals.append(line)
    goals += [g for w in work if (g := two_thread_goal(args, binary, tmp, w, "all", records))]

    notes = [f"Environment: {head}", idle,
             "Seconds: wall clock of whole seqlens commands (process start, model load, .npy write included); "
             "onnxruntime includes session creation; tangermeme is the saturation_mutagenesis call. "
             f"Median of up to {args.repeats} runs (one run when it takes ≥ 5 s, except tangermeme's defaults, "
             f"batch 32 with fast=True: always {args.repeats}). "
             "GFLOP/s = substitutions × Conv/Gemm FLOPs of one full forward pass / seconds "
             "(physical for naive engines, effective for incremental ones). "
             "Speed-up = tool seconds / seqlens incremental seconds, same model and threads.",
             *[w["note"] for w in work], *agreement,
             disturbed_note()]
    write_report(args, "Full ISM benchmark", head, idle, table, goals, notes, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
