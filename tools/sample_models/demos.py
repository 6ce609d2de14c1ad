"""Demo FASTAs (assets/sequences/) and the onnxruntime fixtures of the Swift tests
(Tests/Fixtures/sample-models/)."""
from __future__ import annotations

import importlib.metadata
import os

import numpy as np

from . import datasets as D
from . import janggu_data
from . import train as T
from .common import (FIXTURE_DIR, GROUND_TRUTH_HEADER, MODEL_DIR, REPO, SEQUENCE_DIR, one_hot, read_fasta, rel,
                     write_fasta, write_json, write_tsv)

# which model picks the "clear" and "borderline" examples of each dataset
FAMILY = {"multitask": "multitask-deep-relu", "regulatory-code": "code-shallow-relu", "rna-binding": "residualbind"}
FIXTURE_MODELS = {
    "multitask-deep-relu": "multitask", "multitask-deep-exp": "multitask",
    "code-shallow-relu": "regulatory-code", "code-shallow-relu-dynamo": "regulatory-code",
    "code-shallow-exp": "regulatory-code", "residualbind": "rna-binding",
    "oct4-mafk-relu": "oct4-mafk", "oct4-mafk-exp": "oct4-mafk",
}


def _describe(ds: D.Dataset, i: int) -> str:
    parts = []
    for t in sorted(ds.instances[i], key=lambda t: t.start):
        parts.append(f"{ds.motifs[t.motif].name}({t.strand}){t.start}-{t.end}")
    return " ".join(parts) if parts else "no motifs"


def _take(cands, k, used):
    out = []
    for c in cands:
        c = int(c)
        if c not in used:
            out.append(c)
            used.add(c)
        if len(out) == k:
            break
    return out


def _background_only(ds: D.Dataset, seed: int, count: int) -> list[str]:
    """Uniform background with no chance sites of the dataset's label motifs (as in training)."""
    rng = np.random.default_rng(seed)
    seqs = rng.integers(0, 4, size=(count, ds.length), dtype=np.uint8)
    if ds.name == "multitask":
        D.clean_background(seqs, [[] for _ in range(count)], ds.motifs, rng)
    return ["".join(ds.letters[b] for b in row) for row in seqs]


def _mask(seq: str, rng: np.random.Generator) -> str:
    """Lower-case a 30-nt stretch and put N at 3 positions (they encode as all-zero columns)."""
    s = list(seq)
    a = int(rng.integers(0, len(s) - 30))
    for k in range(a, a + 30):
        s[k] = s[k].lower()
    for k in rng.choice(len(s), size=3, replace=False):
        s[int(k)] = "N"
    return "".join(s)


def select(ds: D.Dataset, p: np.ndarray) -> list[tuple[int | None, str, str]]:
    """(test index or None, id, tag) in output order; p = family model's predictions on the test split."""
    te = ds.split("test")
    used: set[int] = set()
    picks: list[tuple[int, str]] = []
    n_inst = np.array([len(ds.instances[i]) for i in te])
    y = ds.y[te]
    if ds.name == "multitask":
        err = np.abs(p - y).max(axis=1)                 # clear = every task right by a margin
        clear = np.argsort(err, kind="stable")
        clear = clear[err[clear] < 0.2]
        for j, t in enumerate(ds.tasks):
            picks += [(k, f"single {t}") for k in _take([k for k in clear if n_inst[k] == 1 and y[k, j] == 1], 1, used)]
        usage = np.zeros(len(ds.tasks))
        for n, k_n in ((2, 16), (3, 10), (4, 4), (5, 2)):
            cands = [int(k) for k in clear if n_inst[k] == n and int(k) not in used][:400]
            for _ in range(k_n):       # greedy: spread the motifs shown over all 12 TFs
                k = min(cands, key=lambda c: (usage[y[c] == 1].sum(), cands.index(c)))
                cands.remove(k)
                used.add(k)
                usage[y[k] == 1] += 1
                picks.append((k, f"{n} motifs"))
        # borderline: a present motif predicted closest to 0.5
        dist = np.where(y == 1, np.abs(p - 0.5), np.inf).min(axis=1)
        picks += [(k, "borderline") for k in _take(np.argsort(dist, kind="stable"), 3, used)]
    elif ds.name == "regulatory-code":
        pos, neg = y[:, 0] == 1, y[:, 0] == 0
        n_core = np.array([sum(t.motif < len(D.CODE_CORE) for t in ds.instances[i]) for i in te])
        order_pos = [k for k in np.argsort(-p[:, 0], kind="stable") if pos[k]]
        order_neg = [k for k in np.argsort(p[:, 0], kind="stable") if neg[k]]
        for n in range(3, 8):
            picks += [(k, f"positive, {n} core motifs") for k in _take([k for k in order_pos if n_inst[k] == n], 4, used)]
        for n in range(3, 8):
            picks += [(k, f"negative, {n} motifs") for k in _take([k for k in order_neg if n_inst[k] == n], 4, used)]
        picks += [(k, "negative with 2+ core motifs") for k in
                  _take([k for k in order_neg if n_core[k] >= 2 and n_core[k] < n_inst[k]], 3, used)]
        border = np.argsort(np.abs(p[:, 0] - 0.5), kind="stable")
        picks += [(k, "borderline") for k in _take(border, 4, used)]
    else:
        names = [m.name for m in ds.motifs]
        kinds = [[names[t.motif] for t in ds.instances[i]] for i in te]
        err = np.abs(p[:, 0] - y[:, 0])
        good = [k for k in np.argsort(err, kind="stable") if err[k] < 0.3]

        def where(cond, k_n, tag):
            return [(k, tag) for k in _take([k for k in good if cond(k)], k_n, used)]

        centre = lambda k: [(t.start + t.end) / 2 for t in ds.instances[te[k]]]  # noqa: E731
        picks += where(lambda k: not kinds[k], 4, "no motifs")
        picks += where(lambda k: kinds[k] == ["RBFOX"] and centre(k)[0] < 12, 3, "RBFOX near 5' end")
        picks += where(lambda k: kinds[k] == ["RBFOX"] and centre(k)[0] > 30, 3, "RBFOX near 3' end")
        picks += where(lambda k: kinds[k] == ["RBFOX"] * 2, 2, "2 RBFOX")
        picks += where(lambda k: kinds[k] == ["RBFOX"] * 3, 2, "3 RBFOX")
        for n in (1, 2, 3):
            picks += where(lambda k, n=n: kinds[k] == ["U-rich"] * n, 2, f"{n} U-rich")
        picks += where(lambda k: kinds[k] == ["GC-hairpin"], 3, "GC hairpin")
        picks += where(lambda k: sorted(kinds[k]) == ["GC-hairpin", "RBFOX"], 3, "GC hairpin + RBFOX")
        picks += where(lambda k: sorted(kinds[k]) == ["RBFOX", "U-rich"], 6, "RBFOX + U-rich")
        picks += where(lambda k: len(kinds[k]) == 3 and len(set(kinds[k])) == 3, 4, "all three")
        picks += where(lambda k: len(kinds[k]) >= 2, 8, "2+ motifs")
        picks += [(k, "hard (largest error)") for k in _take(np.argsort(-err, kind="stable"), 2, used)]
        picks += [(k, "borderline (median target)") for k in
                  _take(np.argsort(np.abs(y[:, 0] - np.median(y[:, 0])), kind="stable"), 2, used)]
    return [(int(te[k]), ds.record_id(int(te[k])), tag) for k, tag in picks]


def write_demos() -> None:
    for name, model in FAMILY.items():
        ds = D.get(name)
        te = ds.split("test")
        p = T.ort_predict(os.path.join(MODEL_DIR, model + ".onnx"), ds.one_hot(te))
        picks = select(ds, p)
        records, rows, ic = [], [], []
        for i, rid, tag in picks:
            ic.append(ds.ic(np.array([i]))[0])
            seq = ds.strings(np.array([i]))[0]
            label = _label_text(ds, i)
            records.append((f"{rid} [{tag}] {label} | {_describe(ds, i)}", seq))
            rows += ds.ground_truth_rows(np.array([i]), [rid])
        # extra records that are not in the test split
        rng = np.random.default_rng(100 + list(FAMILY).index(name))
        if name != "rna-binding":
            n_bg = 2 if name == "multitask" else 1
            for k, seq in enumerate(_background_only(ds, 200 + list(FAMILY).index(name), n_bg)):
                rid = f"{ds.test_id_prefix}_background_{k + 1}"
                records.append((f"{rid} [negative: background only, not in the test split] no motifs", seq))
                ic.append(np.zeros(ds.length, dtype=np.float32))
        # a soft-masked copy with N bases of the first multi-motif record
        i0, rid0, _ = next(pk for pk in picks if len(ds.instances[pk[0]]) >= 2)
        rid = rid0 + "_masked"
        records.append((f"{rid} [copy of {rid0}: 30-nt lowercase stretch and 3 N bases (all-zero columns)] "
                        f"{_label_text(ds, i0)} | {_describe(ds, i0)}", _mask(ds.strings(np.array([i0]))[0], rng)))
        rows += ds.ground_truth_rows(np.array([i0]), [rid])
        ic.append(ds.ic(np.array([i0]))[0])
        os.makedirs(SEQUENCE_DIR, exist_ok=True)
        np.save(os.path.join(SEQUENCE_DIR, name + ".ic.npy"), np.stack(ic).astype(np.float32))
        write_fasta(os.path.join(SEQUENCE_DIR, name + ".fa"), records, width=60)
        write_tsv(os.path.join(SEQUENCE_DIR, name + ".tsv"), GROUND_TRUTH_HEADER, rows)
        with open(os.path.join(SEQUENCE_DIR, "README.md"), "w") as f:
            f.write(SEQUENCES_README)
        print(f"demos: {name}: {len(records)} records, {len(rows)} motif instances -> "
              f"{rel(os.path.join(SEQUENCE_DIR, name + '.fa'))}")
    janggu_data.write_demos({"relu": os.path.join(MODEL_DIR, "oct4-mafk-relu.onnx"),
                             "exp": os.path.join(MODEL_DIR, "oct4-mafk-exp.onnx")})


def _label_text(ds: D.Dataset, i: int) -> str:
    if ds.name == "multitask":
        on = [t for j, t in enumerate(ds.tasks) if ds.y[i, j] == 1]
        return "labels=" + ",".join(on)
    if ds.name == "regulatory-code":
        return f"label={int(ds.y[i, 0])}"
    return f"target={ds.y[i, 0]:.3f}"


def write_fixtures(only: set[str] | None = None) -> None:
    """Every model's fixture, or those named in `only`."""
    ort_version = importlib.metadata.version("onnxruntime")
    models = dict(FIXTURE_MODELS)
    models["tiny-motifs"] = None
    for model, dataset in models.items():
        if only is not None and model not in only:
            continue
        onnx_path = os.path.join(MODEL_DIR, model + ".onnx")
        if dataset is None:
            fasta = os.path.join(MODEL_DIR, "tiny-motifs.fa")
            tasks, alphabet, length = ["GATA", "Ebox"], "DNA", 200
        else:
            ds = D.get(dataset)
            fasta = os.path.join(SEQUENCE_DIR, dataset + ".fa")
            tasks, alphabet, length = ds.tasks, ds.alphabet, ds.length
        recs = read_fasta(fasta)
        assert all(len(s) == length for _, s in recs), fasta
        x = one_hot([s for _, s in recs], length)
        p = T.ort_predict(onnx_path, x).astype(np.float32)
        out = os.path.join(FIXTURE_DIR, model)
        os.makedirs(out, exist_ok=True)
        np.save(os.path.join(out, "expected.npy"), p)
        data = onnx_path + ".data"
        write_json(os.path.join(out, "meta.json"), {
            "model": rel(onnx_path),
            "external_data": rel(data) if os.path.exists(data) else None,
            "fasta": rel(fasta),
            "records": len(recs),
            "record_ids": [h.split()[0] for h, _ in recs],
            "tasks": tasks,
            "alphabet": alphabet,
            "input_length": length,
            "layout": "channels-first",
            "input_name": "input",
            "output_name": "output",
            "encoding": "one-hot (N, 4, L) float32, channels A,C,G,T (U in channel 3 for RNA); "
                        "lowercase letters encode like uppercase; any other letter (N) is an all-zero column",
            "expected": f"expected.npy: float32 ({len(recs)}, {len(tasks)}), onnxruntime {ort_version} "
                        "CPU output of the model for the FASTA records in file order",
            "tolerance": 1e-4,
            "onnxruntime": ort_version,
        })
        print(f"fixtures: {model}: expected {p.shape} -> {rel(out)}")
    with open(os.path.join(FIXTURE_DIR, "README.md"), "w") as f:
        f.write(FIXTURE_README)


FIXTURE_README = """# Sample-model fixtures

Written by `make sample-models` (tools/make-sample-models.py, stage `fixtures`); the Swift
tests read them without Python.

One directory per sample model (`sample-models/NAME.onnx`):

- `expected.npy`: float32 `(N, T)`, onnxruntime's CPU output for the records of the FASTA
  named in meta.json, in file order (N records, T tasks; sigmoid probabilities, or the
  linear score for residualbind).
- `meta.json`: `model` and `fasta` (paths relative to the repository root), `external_data`
  (or null), `records`, `record_ids`, `tasks`, `alphabet`, `input_length`, `layout`
  (`channels-first`), `input_name`/`output_name`, `encoding`, `tolerance` (1e-4, absolute)
  and the onnxruntime version.

Encoding: one-hot `(N, 4, L)`, channels A,C,G,T (U shares channel 3); lowercase encodes as
uppercase; N and any other letter is an all-zero column. Every record has exactly
`input_length` bases, so no padding or trimming is involved.
"""


def verify_cards(only: set[str] | None = None) -> None:
    """Recompute every card's (or those named in `only`) test metrics from the committed test
    split (assets/datasets/NAME/test.fa and test-labels.tsv) with onnxruntime: proves that the
    committed split is the one the models were evaluated on."""
    import json
    for model, dataset in FIXTURE_MODELS.items():
        if only is not None and model not in only:
            continue
        card = json.load(open(os.path.join(MODEL_DIR, model + ".json")))
        ds = D.get(dataset)
        d = os.path.join(D.DATASET_DIR, dataset)
        recs = read_fasta(os.path.join(d, "test.fa"))
        rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(d, "test-labels.tsv"))][1:]
        assert [h for h, _ in recs] == [r[0] for r in rows]
        y = np.array([[float(v) for v in r[1:]] for r in rows], dtype=np.float32)
        p = T.ort_predict(os.path.join(MODEL_DIR, model + ".onnx"), one_hot([s for _, s in recs], ds.length))
        m = T.metrics(ds, y, p)
        ok = m == card["test_metrics"] if dataset != "rna-binding" else \
            all(abs(m[k] - card["test_metrics"][k]) <= 2e-4 for k in m)   # targets stored with 4 decimals
        print(f"verify: {model}: {T.headline(dataset, m)} from {rel(d)}/test.fa "
              f"{'== card' if ok else '!= card ' + json.dumps(card['test_metrics'])[:200]}")
        if not ok:
            raise RuntimeError(f"{model}: card metrics not reproduced from the committed test split")


SEQUENCES_README = """# Demo sequences

About 50 sequences per sample-model family, written by `make sample-models`
(tools/make-sample-models.py, stage `demos`) and used by the demos and the Swift tests
(Tests/Fixtures/sample-models holds onnxruntime's predictions on them).

| files | models | alphabet, length |
|---|---|---|
| `multitask.{fa,tsv,ic.npy}` | multitask-deep-relu, multitask-deep-exp | DNA, 200 nt |
| `regulatory-code.{fa,tsv,ic.npy}` | code-shallow-relu, code-shallow-exp, code-shallow-relu-dynamo | DNA, 200 nt |
| `rna-binding.{fa,tsv,ic.npy}` | residualbind | RNA (ACGU), 41 nt |
| `oct4-mafk.{fa,tsv}` | oct4-mafk-relu, oct4-mafk-exp | DNA, 200 bp (real ChIP-seq peaks) |

- `NAME.fa`: records taken from the test split of assets/datasets/NAME (ids as there),
  wrapped at 60. The header says why the record was chosen, in brackets (a single motif of
  each TF, 2-5 motifs, positives and negatives, negatives that contain core motifs, RBFOX
  near the 5' or the 3' end, borderline = the family's first model predicts a true label
  closest to 0.5, hard = largest error), then the labels or target and the embedded motifs as
  `NAME(strand)start-end` (0-based, half-open). Extra records not in the test split:
  `*_background_N` (background only, no motif sites) and `*_masked`, a copy of a test
  record with a 30-nt lowercase stretch and 3 N bases (all-zero one-hot columns).
- `NAME.tsv`: ground truth of every record, header `record_id motif jaspar_id strand start end`
  (same format as the dataset's test-motifs.tsv).
- `NAME.ic.npy`: float32 `(records, length)` in FASTA order: information content (bits) of
  the embedded motif column at each position, 0 elsewhere.

## oct4-mafk: real peaks, FIMO hits instead of ground truth

`oct4-mafk.fa` holds 40 records of the **test split** of assets/datasets/oct4-mafk (janggu's
Oct4 and MafK ChIP-seq peaks; neither model saw them in training), ids `Oct4_chrom:start-end`
or `MafK_chrom:start-end` (janggu's coordinates), soft-masked repeats in lower case as in
janggu's files. Per class, in test-split order: the first 14 records with a site of the class's
motif (Oct4: POU5F1 MA1115.2 or Pou5f1::Sox2 MA0142.1; MafK: MAFK MA0496.4) that both models
call right with probability >= 0.9; the first 3 without such a site that both call right with
>= 0.9; and the 3 records whose less sure model gives the true class the lowest probability
(the hard cases, some misclassified). The header says which, then `label=` (1 Oct4, 0 MafK),
both models' onnxruntime predictions (`relu=`, `exp=`) and the sites as `NAME(strand)start-end`.
Real peaks have no ground truth: a site is a motif hit, not proof of binding, and a peak
without a hit may still be bound through a weaker or other site.

`oct4-mafk.tsv`: every hit of the three motifs on the 40 records found by memelite 0.5's fimo
(FIMO; both strands, p < 1e-4, uniform background; `seqlens scan` finds the same hits),
header `record_id motif jaspar_id strand start end score p_value` (0-based, end-exclusive;
`score` in bits as FIMO's). A palindromic site is listed once per strand.
"""
