"""Real data (issue 17): janggu 0.10.2's 200-bp ChIP-seq peak sequences of Oct4
(janggu/resources/sample.fa, 3,897 records) and MafK (sample2.fa, 3,900), for a binary
Oct4-vs-MafK classifier, and its demo FASTA with FIMO hits of the two factors' JASPAR motifs.

One sigmoid output ("Oct4": 1 = Oct4 peak, 0 = MafK peak) rather than two tasks: every record
comes from exactly one of the two peak sets, so a second output would only learn 1 - p.

The four janggu resources are committed gzip'd under assets/datasets/oct4-mafk/janggu/ and
checked against the sha256 the wheel's RECORD lists; `import_wheel` re-extracts them.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import zipfile

import numpy as np

from . import datasets as D
from .common import DATASET_DIR, MOTIF_DIR, SEQUENCE_DIR, one_hot, rel, write_fasta, write_tsv

NAME = "oct4-mafk"
WHEEL = "janggu-0.10.2-py2.py3-none-any.whl"
WHEEL_URL = "https://pypi.org/project/janggu/0.10.2/"
WHEEL_SHA256 = "3825abe65578509232fcaa1e56f9eb5d71de105d70c9bcc9551357adc7d2fc47"
# sha256 (urlsafe base64, as the wheel's RECORD writes it) and size of each resource used
RESOURCES = {
    "sample.fa": ("7_7xQXrSyhJRTVpP5ydBqq2nspwWVTZVxO2ErYNkDoI", 880417),
    "sample2.fa": ("Aij54Ba9kcZCUmE2JwtO_vddwpFvkG1HeF--EcD7lPg", 881158),
    "sample_test.fa": ("iXLaTsTdLeWPUtoRPrLVx50VhPsmYqo6QzSeeLCyNyQ", 22576),
    "sample2_test.fa": ("AUzfwWo7V_yY9L-KeIXbvfj55KawOjgTZajdtBXyf18", 22590),
}
OUT_DIR = os.path.join(DATASET_DIR, NAME)
SOURCE_DIR = os.path.join(OUT_DIR, "janggu")
# (resource, class name, label); janggu's tutorial: "sample.fa contains Oct4 ChIP-seq peaks and
# sample2.fa contains Mafk ChIP-seq peaks"
CLASSES = [("sample.fa", "Oct4", 1.0), ("sample2.fa", "MafK", 0.0)]
JANGGU_TEST = [("sample_test.fa", "Oct4", 1.0), ("sample2_test.fa", "MafK", 0.0)]
SEED = 4
FRACTIONS = (0.8, 0.1)            # train, validation; the rest (10 %) is the test split
DATA_LICENSE = "GPL-3.0 (janggu 0.10.2's licence; copy in assets/datasets/oct4-mafk/janggu/LICENSE)"

# Motifs annotated on the demo FASTA (JASPAR 2026 CORE vertebrates), FIMO p-value threshold
OCT4_MOTIFS = ["MA1115.2", "MA0142.1"]     # POU5F1, Pou5f1::Sox2
MAFK_MOTIFS = ["MA0496.4"]                 # MAFK
PVALUE = 1e-4
HITS_HEADER = ["record_id", "motif", "jaspar_id", "strand", "start", "end", "score", "p_value"]
DEMO_COUNTS = {"motif": 14, "no hit": 3, "hard": 3}    # per class
CONFIDENT = 0.9                   # both models' probability of the true class at least this


# ---------------------------------------------------------------------- sources

def _record_hash(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def import_wheel(wheel: str) -> None:
    """Copy the four resources (gzip'd, no timestamp), janggu's LICENSE and AUTHORS.rst out of
    the wheel (`pip download janggu==0.10.2 --no-deps`) into assets/datasets/oct4-mafk/janggu/."""
    digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
    if digest != WHEEL_SHA256:
        raise RuntimeError(f"{wheel}: sha256 {digest}, expected {WHEEL_SHA256} ({WHEEL})")
    os.makedirs(SOURCE_DIR, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        for name in RESOURCES:
            data = z.read(f"janggu/resources/{name}")
            _check(name, data)
            with open(os.path.join(SOURCE_DIR, name + ".gz"), "wb") as f, \
                    gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
                g.write(data)
        for name in ("LICENSE", "AUTHORS.rst"):
            with open(os.path.join(SOURCE_DIR, name), "wb") as f:
                f.write(z.read(f"janggu-0.10.2.dist-info/{name}"))
    print(f"janggu: {len(RESOURCES)} resources of {WHEEL} -> {rel(SOURCE_DIR)}")


def _check(name: str, data: bytes) -> None:
    expected, size = RESOURCES[name]
    if _record_hash(data) != expected or len(data) != size:
        raise RuntimeError(f"janggu/resources/{name}: not the file janggu 0.10.2's RECORD lists")


def read_resource(name: str) -> list[tuple[str, str]]:
    """(janggu header, sequence as in the file, soft-masked bases in lower case)."""
    data = gzip.decompress(open(os.path.join(SOURCE_DIR, name + ".gz"), "rb").read())
    _check(name, data)
    recs: list[list[str]] = []
    for line in io.StringIO(data.decode()):
        line = line.strip()
        if line.startswith(">"):
            recs.append([line[1:], ""])
        elif line:
            recs[-1][1] += line
    return [(h, s) for h, s in recs]


def record_id(cls: str, header: str) -> str:
    """Oct4_chr1:15710957-15711157: the class, then janggu's header (chrom:start-end)."""
    return f"{cls}_{header}"


# ---------------------------------------------------------------------- dataset

def oct4_mafk() -> D.Dataset:
    """Both peak sets in one Dataset, ordered train | validation | test. The split is stratified:
    each class is permuted (numpy seed 4) and cut 80/10/10; within a split, Oct4 records come
    first, each class in janggu's file order."""
    rng = np.random.default_rng(SEED)
    parts: dict[str, list] = {"train": [], "val": [], "test": []}
    for resource, cls, label in CLASSES:
        recs = read_resource(resource)
        perm = rng.permutation(len(recs))
        n_train, n_val = round(FRACTIONS[0] * len(recs)), round(FRACTIONS[1] * len(recs))
        cuts = {"train": perm[:n_train], "val": perm[n_train:n_train + n_val], "test": perm[n_train + n_val:]}
        for part, idx in cuts.items():
            parts[part] += [(record_id(cls, recs[i][0]), recs[i][1], label) for i in sorted(idx)]
    ordered = parts["train"] + parts["val"] + parts["test"]
    ids = [r[0] for r in ordered]
    strings = [r[1] for r in ordered]
    y = np.array([[r[2]] for r in ordered], dtype=np.float32)
    seqs = one_hot(strings).argmax(axis=1).astype(np.uint8)     # every base is A, C, G or T
    n_oct4 = int(y.sum())
    desc = (f"real ChIP-seq peaks (janggu 0.10.2 resources, {WHEEL_URL}): {n_oct4} Oct4 peaks "
            f"(janggu/resources/sample.fa, label 1) and {len(y) - n_oct4} MafK peaks (sample2.fa, "
            "label 0), 200 bp each, hg19 coordinates in the record ids; soft-masked repeats in "
            "lower case (the model sees them as upper case); split stratified by class 80/10/10 "
            f"(numpy seed {SEED}); data licence GPL-3.0")
    _, ext_strings, ext_y = janggu_test()
    external = ("janggu's own test files sample_test.fa + sample2_test.fa (100 Oct4 + 100 MafK peaks, "
                "none in the training files)", one_hot(ext_strings), ext_y)
    return D.Dataset(NAME, "DNA", "ACGT", 200, ["Oct4"], [], seqs, y, [[] for _ in ids], SEED, desc,
                     "oct4mafk", extra={"ids": ids, "strings": strings, "license": DATA_LICENSE,
                                        "external_test": external},
                     split_sizes=(len(parts["train"]), len(parts["val"])))


def janggu_test() -> tuple[list[str], list[str], np.ndarray]:
    """janggu's own held-out files (sample_test.fa, sample2_test.fa: 100 + 100 peaks, none of them
    in sample.fa or sample2.fa): ids, sequences, labels."""
    ids, strings, labels = [], [], []
    for resource, cls, label in JANGGU_TEST:
        for h, s in read_resource(resource):
            ids.append(record_id(cls, h))
            strings.append(s)
            labels.append(label)
    return ids, strings, np.array(labels, dtype=np.float32)[:, None]


BUILDERS = {NAME: oct4_mafk}


def write_test_split() -> None:
    ds = D.get(NAME)
    te = ds.split("test")
    ids, strings = ds.extra["ids"], ds.extra["strings"]
    write_fasta(os.path.join(OUT_DIR, "test.fa"), [(ids[i], strings[i]) for i in te])
    write_tsv(os.path.join(OUT_DIR, "test-labels.tsv"), ["record_id", "label"],
              [[ids[i], int(ds.y[i, 0])] for i in te])
    counts = {part: (int(ds.y[ds.split(part), 0].sum()), int((ds.y[ds.split(part), 0] == 0).sum()))
              for part in ("train", "val", "test")}
    overlaps = _cross_class_overlaps(ds)
    with open(os.path.join(OUT_DIR, "README.md"), "w") as f:
        f.write(README.format(
            wheel=WHEEL, url=WHEEL_URL, sha=WHEEL_SHA256, seed=SEED,
            records="\n".join(f"- `{n}`: {RESOURCES[n][1]:,} bytes, sha256 `{RESOURCES[n][0]}`" for n in RESOURCES),
            split="\n".join(f"| {part} | {o} | {m} |" for part, (o, m) in counts.items()),
            overlaps=len(overlaps),
            overlap_splits=", ".join(f"{a} ({pa}) / {b} ({pb})" for a, pa, b, pb in overlaps)))
    print(f"datasets: {NAME}: {len(te)} test records -> {rel(OUT_DIR)}")


def _cross_class_overlaps(ds: D.Dataset) -> list[tuple[str, str, str, str]]:
    """Oct4 peaks that overlap a MafK peak: (Oct4 id, its split, MafK id, its split)."""
    part_of = {}
    for part in ("train", "val", "test"):
        for i in ds.split(part):
            part_of[ds.extra["ids"][i]] = part

    def interval(rid):
        chrom, span = rid.split("_", 1)[1].split(":")
        start, end = span.split("-")
        return chrom, int(start), int(end)
    mafk_by_chrom: dict[str, list] = {}
    for rid in part_of:
        if rid.startswith("MafK_"):
            chrom, start, end = interval(rid)
            mafk_by_chrom.setdefault(chrom, []).append((rid, start, end))
    out = []
    for rid in part_of:
        if rid.startswith("Oct4_"):
            chrom, start, end = interval(rid)
            out += [(rid, part_of[rid], m, part_of[m]) for m, s2, e2 in mafk_by_chrom.get(chrom, [])
                    if start < e2 and s2 < end]
    return out


README = """# oct4-mafk: real ChIP-seq peaks (janggu 0.10.2)

Data of the sample models `oct4-mafk-relu` and `oct4-mafk-exp` (sample-models/, trained by
`make sample-models`: tools/make-sample-models.py, tools/sample_models/janggu_data.py).

## Where the data come from

The Python package janggu 0.10.2 (Kopp et al., "Deep learning for genomics using Janggu",
Nat Commun 11, 3488 (2020), https://doi.org/10.1038/s41467-020-17155-y; {url},
https://github.com/BIMSBbioinfo/janggu) ships example data in `janggu/resources/`. Its
tutorial (docs/tutorial.rst, "Fit a neural network on DNA sequences") says: "`sample.fa` contains Oct4 CHip-seq peaks and sample2.fa contains
Mafk CHip-seq peaks"; its example `src/examples/classify_fasta.py` trains a classifier of the
two sets (Oct4 = 1, Mafk = 0) and tests it on `sample_test.fa` and `sample2_test.fa`.
janggu does not say which experiments (lab, cell line) the peaks were taken from, nor name the
genome assembly of the coordinates in the record headers (`chrom:start-end`, end - start =
200). They are human (chr1-22, X, Y) and hg19 (GRCh37): every peak lies within hg19's
chromosome lengths, while peaks on 10 chromosomes lie beyond the end of hg38's (chr1 reaches
249,168,623; hg38's chr1 has 248,956,422 bp, hg18's 247,249,719).

`janggu/` holds the four files byte for byte (gzip'd), taken from the wheel
{wheel} (sha256 `{sha}`) and checked against the sha256 (urlsafe base64) its RECORD lists:

{records}

`make sample-models` reads them from there (`tools/make-sample-models.py janggu` takes them out
of the wheel again: $JANGGU_WHEEL, else `pip download janggu==0.10.2 --no-deps`).

## Licence

janggu is released under the GNU General Public License v3 (`License: GPL-3.0` in its package
metadata; the licence text is `janggu/LICENSE`, its authors `janggu/AUTHORS.rst`). The files in
`janggu/`, and the sequences derived from them here (`test.fa`, assets/sequences/oct4-mafk.fa),
are redistributed under that licence. They are DNA sequence of the human reference genome at
ChIP-seq peaks; the rest of seqlens keeps its own licences (README.md, "Licence"). The two
models' weights were learned from these sequences; their cards name the data licence
(`dataset_license`).

## Split

Records: 3,897 Oct4 peaks (`sample.fa`, label 1) and 3,900 MafK peaks (`sample2.fa`, label 0),
all 200 bp of A, C, G, T (upper case, or lower case for soft-masked repeats; no N); no sequence
occurs twice. Record ids: `Oct4_` or `MafK_`, then janggu's header. Stratified by class: each
class's records are permuted with numpy's `default_rng({seed})` (Oct4 first) and cut 80/10/10
into train / validation / test; within a split, Oct4 records come first, each class in janggu's
file order.

| split | Oct4 | MafK |
|---|---|---|
{split}

{overlaps} Oct4 peaks overlap a MafK peak (partly shared sequence with opposite labels): {overlap_splits}.
janggu's own test files (`sample_test.fa`, `sample2_test.fa`: 100 + 100 peaks, none of them in
the two training files) are a second held-out set; the model cards report both.

## Files

| file | content |
|---|---|
| `test.fa` | the test split, one line per sequence, case as in janggu's files |
| `test-labels.tsv` | header `record_id label`, then the record id and 1 (Oct4) or 0 (MafK) |
| `janggu/` | janggu's four FASTA files (gzip'd), LICENSE, AUTHORS.rst |

There is no ground truth of binding sites in real peaks; assets/sequences/oct4-mafk.tsv lists
FIMO hits of the POU5F1, Pou5f1::Sox2 and MAFK motifs on the demo records instead.
"""


# ------------------------------------------------------------------------ demos

def _motif_hits(strings: list[str], ids: list[str]) -> list[list]:
    """memelite's fimo (both strands, p < PVALUE) of the annotated motifs, as rows of HITS_HEADER,
    sorted by record (FASTA order), start, motif id and strand."""
    from memelite import fimo
    from .motifs import normalised_motifs
    wanted = OCT4_MOTIFS + MAFK_MOTIFS
    motifs = {k: v for k, v in normalised_motifs(os.path.join(MOTIF_DIR, "JASPAR2026_CORE_vertebrates.meme")).items()
              if k.split(" ", 1)[0] in wanted}
    assert len(motifs) == len(wanted), motifs.keys()
    rows = []
    for frame in fimo(motifs, one_hot(strings), threshold=PVALUE):
        for _, h in frame.iterrows():
            jid, name = h["motif_name"].split(" ", 1)
            rows.append([int(h["sequence_name"]), name, jid, h["strand"], int(h["start"]), int(h["end"]),
                         round(float(h["score"]), 4), float(f"{float(h['p-value']):.3g}")])
    rows.sort(key=lambda r: (r[0], r[4], wanted.index(r[2]), r[3]))
    for r in rows:
        r[0] = ids[r[0]]
    return rows


def write_demos(models: dict[str, str]) -> None:
    """assets/sequences/oct4-mafk.{fa,tsv}: 40 records of the TEST split, chosen by the rules in
    the header tags (see SEQUENCES_README); `models` maps a short name to its ONNX path."""
    from . import train as T
    ds = D.get(NAME)
    te = ds.split("test")
    ids, strings = [ds.extra["ids"][i] for i in te], [ds.extra["strings"][i] for i in te]
    y = ds.y[te, 0]
    p = {k: T.ort_predict(path, ds.one_hot(te))[:, 0] for k, path in models.items()}
    hits = _motif_hits(strings, ids)
    own = {rid: set() for rid in ids}
    for r in hits:
        own[r[0]].add(r[2])
    picks: list[tuple[int, str]] = []
    for cls, label, motif_ids, motif_text in [("Oct4", 1, OCT4_MOTIFS, "POU5F1 or Pou5f1::Sox2"),
                                              ("MafK", 0, MAFK_MOTIFS, "MAFK")]:
        truth = [k for k in range(len(te)) if y[k] == label]
        p_true = {k: min(v[k] if label == 1 else 1 - v[k] for v in p.values()) for k in truth}
        has = {k: bool(own[ids[k]] & set(motif_ids)) for k in truth}
        confident = [k for k in truth if p_true[k] >= CONFIDENT]
        picks += [(k, f"{cls} peak, {motif_text} site, both models confident")
                  for k in [k for k in confident if has[k]][:DEMO_COUNTS["motif"]]]
        picks += [(k, f"{cls} peak, no {motif_text} site, both models confident")
                  for k in [k for k in confident if not has[k]][:DEMO_COUNTS["no hit"]]]
        hard = sorted(truth, key=lambda k: (p_true[k], k))[:DEMO_COUNTS["hard"]]
        picks += [(k, f"{cls} peak, hard: the less sure model gives the true class {p_true[k]:.2f}") for k in hard]
    assert len({k for k, _ in picks}) == len(picks), "a record picked twice"
    records, rows = [], []
    by_record = {}
    for r in hits:
        by_record.setdefault(r[0], []).append(r)
    for k, tag in picks:
        rid = ids[k]
        sites = " ".join(f"{r[1]}({r[3]}){r[4]}-{r[5]}" for r in by_record.get(rid, [])) or "no sites"
        preds = " ".join(f"{name}={v[k]:.3f}" for name, v in p.items())
        records.append((f"{rid} [{tag}] label={int(y[k])} {preds} | {sites}", strings[k]))
        rows += by_record.get(rid, [])
    write_fasta(os.path.join(SEQUENCE_DIR, NAME + ".fa"), records, width=60)
    write_tsv(os.path.join(SEQUENCE_DIR, NAME + ".tsv"), HITS_HEADER, rows)
    print(f"demos: {NAME}: {len(records)} test records, {len(rows)} FIMO hits -> "
          f"{rel(os.path.join(SEQUENCE_DIR, NAME + '.fa'))}")
