"""Synthetic datasets with known ground truth (every embedded motif instance is recorded).

  multitask        30,000 x 200 nt DNA, 12 JASPAR TFs, 12-way multi-label
  regulatory-code  20,000 x 200 nt DNA, binary: core-motif grammar vs. motif soup
  rna-binding      20,000 x 41 nt RNA, regression on embedded RBP-like motifs

Each dataset is generated deterministically from its own numpy seed; the split is
70/10/20 in generation order (records are i.i.d., so that is a random split). Only the
test split is written to assets/datasets/NAME/.
"""
from __future__ import annotations

import dataclasses
import os

import numpy as np

from . import motifs as M
from .common import DATASET_DIR, GROUND_TRUTH_HEADER, indices_to_str, write_tsv

MULTITASK_TFS = ["Arid3a", "CEBPB", "FOSL1", "Gabpa", "MAFK", "MAX", "MEF2A", "NFYB",
                 "SP1", "SRF", "STAT1", "YY1"]
CODE_CORE = ["SP1", "Gabpa", "CEBPB", "MAX", "YY1"]
CODE_OTHERS = 50
CODE_OTHER_MAX_WIDTH = 20
SPLIT = (0.7, 0.1, 0.2)


@dataclasses.dataclass
class Instance:
    motif: int       # index into Dataset.motifs
    strand: str      # "+" or "-"
    start: int       # 0-based, half-open [start, end)
    end: int


@dataclasses.dataclass
class Dataset:
    name: str
    alphabet: str                 # "DNA" or "RNA"
    letters: str                  # "ACGT" or "ACGU"
    length: int
    tasks: list[str]
    motifs: list[M.Motif]
    seqs: np.ndarray              # (N, L) uint8 base indices
    y: np.ndarray                 # (N, T) float32
    instances: list[list[Instance]]
    seed: int
    description: str
    test_id_prefix: str
    extra: dict = dataclasses.field(default_factory=dict)
    split_sizes: tuple[int, int] | None = None   # (train, val) records when not SPLIT of n

    @property
    def n(self) -> int:
        return len(self.seqs)

    def split(self, part: str) -> np.ndarray:
        n_train, n_val = self.split_sizes or (int(round(SPLIT[0] * self.n)), int(round(SPLIT[1] * self.n)))
        return {"train": np.arange(0, n_train),
                "val": np.arange(n_train, n_train + n_val),
                "test": np.arange(n_train + n_val, self.n)}[part]

    def one_hot(self, idx: np.ndarray) -> np.ndarray:
        x = np.zeros((len(idx), 4, self.length), dtype=np.float32)
        s = self.seqs[idx]
        np.put_along_axis(x, s[:, None, :].astype(np.int64), 1.0, axis=1)
        return x

    def strings(self, idx: np.ndarray) -> list[str]:
        return indices_to_str(self.seqs[idx], self.letters)

    def record_id(self, i: int) -> str:
        """Ids of test records: PREFIX_test_NNNNN, numbered within the test split."""
        t = self.split("test")
        assert t[0] <= i <= t[-1], i
        return f"{self.test_id_prefix}_test_{i - t[0]:05d}"

    def ic(self, idx: np.ndarray) -> np.ndarray:
        """(len(idx), L) float32: information content (bits) of the embedded motif column at
        each position, 0 outside embedded motifs."""
        out = np.zeros((len(idx), self.length), dtype=np.float32)
        for r, i in enumerate(idx):
            for inst in self.instances[i]:
                col = self.motifs[inst.motif].ic
                out[r, inst.start:inst.end] = col if inst.strand == "+" else col[::-1]
        return out

    def ground_truth_rows(self, idx: np.ndarray, ids: list[str] | None = None) -> list[list]:
        rows = []
        for k, i in enumerate(idx):
            rid = ids[k] if ids else self.record_id(int(i))
            for inst in sorted(self.instances[i], key=lambda t: t.start):
                m = self.motifs[inst.motif]
                rows.append([rid, m.name, m.matrix_id, inst.strand, inst.start, inst.end])
        return rows


# -------------------------------------------------------------------- sampling

def _place(rng: np.random.Generator, widths: list[int], length: int) -> list[int]:
    """Uniformly random non-overlapping starts for motifs of the given widths, in the
    given order of `widths` (their order along the sequence is shuffled)."""
    free = length - sum(widths)
    if free < 0:
        raise ValueError("motifs do not fit")
    order = rng.permutation(len(widths))
    gaps = np.sort(rng.integers(0, free + 1, size=len(widths)))
    starts = [0] * len(widths)
    used = 0
    for g, j in zip(gaps, order):
        starts[j] = int(g) + used
        used += widths[j]
    return starts


PSEUDO = 0.01          # added to probabilities before taking log-odds
MIN_RELATIVE_SCORE = 0.8


def log_odds(motif: M.Motif) -> np.ndarray:
    """(4, w) log2((p + 0.01) / 1.04 / 0.25) against a uniform background."""
    p = (motif.probs + PSEUDO) / (1.0 + 4 * PSEUDO)
    return np.log2(p / 0.25)


def relative_score_bounds(motif: M.Motif) -> tuple[float, float]:
    lo = log_odds(motif)
    return float(lo.min(axis=0).sum()), float(lo.max(axis=0).sum())


def _sample_instance(rng: np.random.Generator, motif: M.Motif, strand: str,
                     min_rel: float = MIN_RELATIVE_SCORE) -> np.ndarray:
    """A site sampled column by column from the PWM, redrawn until its relative log-odds
    score (S - Smin) / (Smax - Smin) is at least min_rel (JASPAR's usual 80 % site cutoff),
    so every instance is a real binding site of the motif."""
    cum = np.cumsum(motif.probs, axis=0)                       # (4, w)
    lo = log_odds(motif)
    smin, smax = relative_score_bounds(motif)
    cols = np.arange(motif.width)
    while True:
        u = rng.random((32, motif.width))
        cand = np.minimum((u[:, None, :] > cum[None]).sum(axis=1), 3)   # (32, w)
        rel_score = (lo[cand, cols].sum(axis=1) - smin) / (smax - smin)
        ok = np.nonzero(rel_score >= min_rel)[0]
        if len(ok):
            idx = cand[ok[0]].astype(np.uint8)
            break
    if strand == "-":
        idx = (3 - idx)[::-1]                                   # reverse complement
    return idx


def clean_background(seqs: np.ndarray, instances: list[list[Instance]], motifs: list[M.Motif],
                     rng: np.random.Generator, min_rel: float = MIN_RELATIVE_SCORE,
                     max_rounds: int = 50) -> int:
    """Redraw background bases (never embedded ones) wherever a window outside the
    embedded instances scores >= min_rel for any of `motifs` on either strand, until no
    such chance site is left; so the embedded instances are the only sites of those
    motifs and the labels are exact. Returns the number of bases redrawn."""
    import torch
    import torch.nn.functional as F
    n, length = seqs.shape
    embedded = np.zeros((n, length), dtype=bool)
    for i, insts in enumerate(instances):
        for t in insts:
            embedded[i, t.start:t.end] = True
    filters = []
    for m in motifs:
        lo = log_odds(m)
        smin, smax = relative_score_bounds(m)
        thr = smin + min_rel * (smax - smin)
        filters.append((torch.from_numpy(lo).float()[None], torch.from_numpy(lo[::-1, ::-1].copy()).float()[None],
                        thr - 1e-4, m.width))
    redrawn = 0
    todo = np.arange(n)
    emb_cum = np.concatenate([np.zeros((n, 1), dtype=np.int32), np.cumsum(embedded, axis=1, dtype=np.int32)], axis=1)
    for _ in range(max_rounds):
        x = np.zeros((len(todo), 4, length), dtype=np.float32)
        np.put_along_axis(x, seqs[todo][:, None, :].astype(np.int64), 1.0, axis=1)
        xt = torch.from_numpy(x)
        bad = np.zeros((len(todo), length), dtype=bool)
        for w_f, w_r, thr, width in filters:
            hit = ((F.conv1d(xt, w_f) >= thr) | (F.conv1d(xt, w_r) >= thr))[:, 0].numpy()   # (n, L-w+1)
            # windows made mostly of embedded bases belong to the instances (shifted self-matches,
            # motifs that contain each other): leave them alone
            emb = emb_cum[todo, width:] - emb_cum[todo, :length - width + 1]
            hit &= emb * 2 < width
            for k in range(width):
                bad[:, k:k + length - width + 1] |= hit
        bad &= ~embedded[todo]
        rows = np.nonzero(bad.any(axis=1))[0]
        if len(rows) == 0:
            return redrawn
        sub = bad[rows]
        draws = rng.integers(0, 4, size=sub.shape, dtype=np.uint8)
        block = seqs[todo[rows]]
        block[sub] = draws[sub]
        seqs[todo[rows]] = block
        redrawn += int(sub.sum())
        todo = todo[rows]
    raise RuntimeError(f"background still has chance sites after {max_rounds} rounds ({len(todo)} records)")


def _embed(rng, seq: np.ndarray, motifs: list[M.Motif], chosen: list[int],
           strands: list[str]) -> list[Instance]:
    widths = [motifs[c].width for c in chosen]
    starts = _place(rng, widths, len(seq))
    out = []
    for c, start, strand in zip(chosen, starts, strands):
        seq[start:start + motifs[c].width] = _sample_instance(rng, motifs[c], strand)
        out.append(Instance(c, strand, start, start + motifs[c].width))
    return out


# -------------------------------------------------------------------- datasets

def multitask(seed: int = 1, n: int = 30000, length: int = 200) -> Dataset:
    _, jaspar = M.load_jaspar()
    motifs = M.by_name(jaspar, MULTITASK_TFS)
    rng = np.random.default_rng(seed)
    seqs = rng.integers(0, 4, size=(n, length), dtype=np.uint8)
    y = np.zeros((n, len(motifs)), dtype=np.float32)
    counts = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.50, 0.25, 0.17, 0.05, 0.03])
    instances = []
    for i in range(n):
        chosen = [int(c) for c in rng.choice(len(motifs), size=counts[i], replace=False)]
        strands = ["+" if b else "-" for b in rng.random(len(chosen)) < 0.5]
        instances.append(_embed(rng, seqs[i], motifs, chosen, strands))
        y[i, chosen] = 1.0
    redrawn = clean_background(seqs, instances, motifs, rng)
    desc = (f"synthetic multitask: {n} uniform-random {length}-nt DNA sequences, each with 1-5 "
            "non-overlapping instances (probabilities .50/.25/.17/.05/.03) of distinct motifs "
            f"among 12 JASPAR matrices ({', '.join(f'{m.name} {m.matrix_id}' for m in motifs)}), "
            "sampled from the PWM (redrawn until the site's relative log-odds score is >= 0.8) on a "
            "random strand at a random position; background bases outside the instances are "
            "redrawn wherever they would form a chance site (relative score >= 0.8) of any of the 12 "
            f"motifs ({redrawn} bases), so label = motif embedded (either strand) = motif site present; "
            f"split 70/10/20 (numpy seed {seed})")
    return Dataset("multitask", "DNA", "ACGT", length, [m.name for m in motifs], motifs, seqs, y,
                   instances, seed, desc, "mt")


def regulatory_code(seed: int = 2, n: int = 20000, length: int = 200) -> Dataset:
    _, jaspar = M.load_jaspar()
    core = M.by_name(jaspar, CODE_CORE)
    core_names = {m.name.upper() for m in core}
    rng = np.random.default_rng(seed)
    candidates = [m for m in jaspar if m.name.upper() not in core_names
                  and 6 <= m.width <= CODE_OTHER_MAX_WIDTH]
    others = [candidates[i] for i in sorted(rng.choice(len(candidates), size=CODE_OTHERS, replace=False))]
    motifs = core + others
    seqs = rng.integers(0, 4, size=(n, length), dtype=np.uint8)
    y = (rng.random(n) < 0.5).astype(np.float32)[:, None]
    counts = rng.integers(3, 8, size=n)
    instances = []
    for i in range(n):
        pool = len(core) if y[i, 0] == 1 else len(motifs)
        chosen = [int(c) for c in rng.integers(0, pool, size=counts[i])]
        strands = ["+" if b else "-" for b in rng.random(len(chosen)) < 0.5]
        instances.append(_embed(rng, seqs[i], motifs, chosen, strands))
    desc = (f"synthetic regulatory code: {n} uniform-random {length}-nt DNA sequences, half "
            "positive; positives carry 3-7 non-overlapping instances drawn (with "
            f"replacement) from the core set {', '.join(f'{m.name} {m.matrix_id}' for m in core)}; "
            f"negatives 3-7 instances drawn from the core plus {CODE_OTHERS} other random JASPAR "
            f"CORE vertebrate matrices (width 6-{CODE_OTHER_MAX_WIDTH}); each instance sampled from the "
            "PWM (redrawn until its relative log-odds score is >= 0.8) on a random strand at a random "
            f"position; split 70/10/20 (numpy seed {seed})")
    return Dataset("regulatory-code", "DNA", "ACGT", length, ["regulatory_code"], motifs, seqs, y,
                   instances, seed, desc, "code",
                   extra={"core": [m.matrix_id for m in core], "others": [m.matrix_id for m in others]})


# RNA target: a fixed function of the embedded instances plus Gaussian noise.
RNA_EFFECTS = {
    "RBFOX": "+0.5 + 1.0 * (motif centre / length) per instance (stronger towards the 3' end)",
    "U-rich": "+0.6 per instance, saturating at 2 instances",
    "GC-hairpin": "-1.0 if present (any number); halves the RBFOX contribution",
    "cooperativity": "+0.5 if an RBFOX and a U-rich element lie within 10 nt of each other",
    "noise": "Gaussian, sd 0.2",
}


def _rna_target(instances: list[Instance], names: list[str], length: int) -> float:
    rbfox, urich, hairpin = 0.0, 0, False
    for inst in instances:
        name = names[inst.motif]
        if name == "RBFOX":
            rbfox += 0.5 + 1.0 * ((inst.start + inst.end) / 2.0 / length)
        elif name == "U-rich":
            urich += 1
        elif name == "GC-hairpin":
            hairpin = True
    y = (0.5 * rbfox if hairpin else rbfox) + 0.6 * min(urich, 2) - (1.0 if hairpin else 0.0)
    rb = [i for i in instances if names[i.motif] == "RBFOX"]
    ur = [i for i in instances if names[i.motif] == "U-rich"]
    if any(max(a.start, b.start) - min(a.end, b.end) <= 10 for a in rb for b in ur):
        y += 0.5
    return y


def rna_binding(seed: int = 3, n: int = 20000, length: int = 41, noise: float = 0.2) -> Dataset:
    motifs = M.rna_motifs()
    names = [m.name for m in motifs]
    rng = np.random.default_rng(seed)
    seqs = rng.integers(0, 4, size=(n, length), dtype=np.uint8)
    y = np.zeros((n, 1), dtype=np.float32)
    counts = rng.choice([0, 1, 2, 3], size=n, p=[0.15, 0.35, 0.30, 0.20])
    hp = names.index("GC-hairpin")
    instances = []
    for i in range(n):
        while True:
            chosen = [int(c) for c in rng.choice(len(motifs), size=counts[i], p=[0.4, 0.35, 0.25])]
            if sum(motifs[c].width for c in chosen) <= length and chosen.count(hp) <= 1:
                break
        insts = _embed(rng, seqs[i], motifs, chosen, ["+"] * len(chosen))
        for inst in insts:
            if inst.motif == hp:      # make the stem pair: 3' stem = reverse complement of 5' stem
                s = seqs[i, inst.start:inst.end]
                s[9:14] = (3 - s[0:5])[::-1]
        instances.append(insts)
        y[i, 0] = _rna_target(insts, names, length)
    y[:, 0] += rng.normal(0.0, noise, size=n).astype(np.float32)
    desc = (f"synthetic RNA binding: {n} uniform-random {length}-nt RNA (ACGU) sequences with 0-3 "
            "(probabilities .15/.35/.30/.20) non-overlapping embedded RBP-like motifs (RBFOX UGCAUG "
            "p=.40, U-rich element p=.35, GC hairpin with paired 5-bp G/C stem and GAAA loop p=.25, "
            "at most one hairpin; each instance sampled from its PWM, redrawn until its relative "
            "log-odds score is >= 0.8); target = "
            + "; ".join(f"{k}: {v}" for k, v in RNA_EFFECTS.items())
            + f"; split 70/10/20 (numpy seed {seed})")
    return Dataset("rna-binding", "RNA", "ACGU", length, ["binding"], motifs, seqs, y,
                   instances, seed, desc, "rna")


BUILDERS = {"multitask": multitask, "regulatory-code": regulatory_code, "rna-binding": rna_binding}
_CACHE: dict[str, Dataset] = {}


def get(name: str) -> Dataset:
    if name not in _CACHE:
        if name in BUILDERS:
            _CACHE[name] = BUILDERS[name]()
        else:   # real data (janggu's ChIP-seq peaks): its own module, no ground-truth motifs
            from . import janggu_data
            _CACHE[name] = janggu_data.BUILDERS[name]()
    return _CACHE[name]


# --------------------------------------------------------------------- writing

def write_test_split(ds: Dataset, out_root: str = DATASET_DIR) -> dict:
    from .common import write_fasta
    out = os.path.join(out_root, ds.name)
    os.makedirs(out, exist_ok=True)
    idx = ds.split("test")
    ids = [ds.record_id(int(i)) for i in idx]
    write_fasta(os.path.join(out, "test.fa"), list(zip(ids, ds.strings(idx))))
    if ds.name == "multitask":
        header = ["record_id"] + ds.tasks
        rows = [[rid] + [int(v) for v in ds.y[i]] for rid, i in zip(ids, idx)]
    elif ds.name == "regulatory-code":
        header = ["record_id", "label"]
        rows = [[rid, int(ds.y[i, 0])] for rid, i in zip(ids, idx)]
    else:
        header = ["record_id", "target"]
        rows = [[rid, f"{ds.y[i, 0]:.4f}"] for rid, i in zip(ids, idx)]
    write_tsv(os.path.join(out, "test-labels.tsv"), header, rows)
    write_tsv(os.path.join(out, "test-motifs.tsv"), GROUND_TRUTH_HEADER, ds.ground_truth_rows(idx, ids))
    # float32 (N, L) in a deflated .npz: the plain .npy would be 4.8 MB for the multitask split
    # (mostly zeros), the .npz is ~50 KB. numpy.load(...)["ic"]; seqlens reads .npz too.
    stale = os.path.join(out, "test-ic.npy")
    if os.path.exists(stale):
        os.remove(stale)
    np.savez_compressed(os.path.join(out, "test-ic.npz"), ic=ds.ic(idx))
    return {"records": len(idx), "dir": out}


_README = """# Synthetic datasets (test splits)

Generated by `make sample-models` (tools/make-sample-models.py, tools/sample_models/datasets.py)
from fixed numpy seeds; the training and validation splits are regenerated by the same script
when the models are trained and are not committed. Each dataset's records are i.i.d.; the split
is 70/10/20 in generation order. Motif matrices: assets/motifs/ ({release} CORE
vertebrates; the RNA motifs in rna-synthetic.meme).

Files per dataset directory (all for the **test split** only):

| file | content |
|---|---|
| `test.fa` | the test sequences, one line each; record ids `PREFIX_test_NNNNN` numbered within the split |
| `test-labels.tsv` | header line, then the record id and the model targets (multitask: one 0/1 column per task; regulatory-code: `label` 0/1; rna-binding: `target`, a float) |
| `test-motifs.tsv` | ground truth: header `record_id motif jaspar_id strand start end`, one line per embedded motif instance; `start`/`end` 0-based half-open on the given sequence, `strand` + or - (the instance reads as the reverse complement of the motif on -) |
| `test-ic.npz` | array `ic`, float32 `(N, L)`, row order = `test.fa` (`numpy.savez_compressed`: a deflated zip holding `ic.npy`; the plain .npy of the multitask split would be 4.8 MB of mostly zeros): information content (bits, uniform background) of the embedded motif's PWM column at each position (reversed for - strand instances), 0 outside embedded motifs; for scoring attribution maps |

Real data: `oct4-mafk/` holds janggu 0.10.2's Oct4 and MafK ChIP-seq peaks (GPL-3.0), the
data of the sample models oct4-mafk-relu and oct4-mafk-exp; see oct4-mafk/README.md.

{sections}
"""


def write_readme(out_root: str = DATASET_DIR) -> None:
    release = M.jaspar_release()
    parts = []
    for name in BUILDERS:
        ds = get(name)
        te = ds.split("test")
        n_inst = sum(len(ds.instances[i]) for i in te)
        stats = f"{len(te)} test records x {ds.length} nt, {n_inst} embedded instances"
        if name == "multitask":
            stats += "; test positives per task: " + ", ".join(
                f"{t} {int(ds.y[te, j].sum())}" for j, t in enumerate(ds.tasks))
        elif name == "regulatory-code":
            stats += f"; {int(ds.y[te, 0].sum())} positives"
            others = ", ".join(f"{m.name} {m.matrix_id}" for m in ds.motifs[len(CODE_CORE):])
            stats += f".\n\nThe 50 other motifs of the negative pool: {others}"
        else:
            yt = ds.y[te, 0]
            stats += f"; target mean {yt.mean():.3f}, sd {yt.std():.3f}, range {yt.min():.2f} to {yt.max():.2f}"
        parts.append(f"## {name}/  (record ids `{ds.test_id_prefix}_test_NNNNN`, alphabet {ds.alphabet})\n\n"
                     f"{ds.description}.\n\n{stats}.\n")
    os.makedirs(out_root, exist_ok=True)
    with open(os.path.join(out_root, "README.md"), "w") as f:
        f.write(_README.format(release=release, sections="\n".join(parts)))
