#!/usr/bin/env python3
"""Tests/Fixtures/variants: expected VCF parses and variant scores for `seqlens variant --vcf`.

Run by tools/make-variant-fixtures.sh (which first cuts chr22-excerpt.vcf.gz from Debian's
r-bioc-variantannotation). Writes, next to the VCFs:

  * chr22-excerpt.expected.tsv, chr22-excerpt.region.tsv, mini.expected.tsv: the variants a
    VCF holds (one row per ALT made of bases; chrom, 0-based pos, id, ref, alt) from a plain
    text parse, independent of htslib; the region file for 22:50305000-50310000 (0-based, end
    excluded; records whose REF overlaps it, as tabix selects them). The last line of each is
    `# skipped N` (ALTs that are not bases) and `# snv S indel I other O multiallelic M` (M: lines with several ALTs made of bases).
  * mini.vcf: variants on Tests/Fixtures/genome/mini.fa (real human chr1 bases) of every kind:
    SNVs, deletions, insertions (one longer than half the window), multi-base substitutions,
    a complex change, multi-allelic lines, symbolic ALTs, variants whose window runs off a
    chromosome end.
  * mini.<model>.tsv and mini.<model>.forward.tsv: the scores `seqlens variant` writes, from
    tangermeme 1.6's substitution_effect, deletion_effect and insertion_effect (left=False,
    its default: the window's right part shifts) on the model run by onnxruntime, with the
    window centred on REF's first base (index L // 2) and N (all-zero columns) past a
    chromosome's end; a change that is neither a substitution nor a pure insertion or deletion
    (REF and ALT of different lengths sharing no prefix) is built by hand the same way. The
    reverse-complement strand is the same tangermeme call with a prediction function that
    reverse-complements its input (one-hot flipped on both axes), averaged with the forward
    strand as ChromBPNet's variant scorer does; profiles: softmax over tracks × bins, the
    reverse strand's bins flipped back, averaged, scipy's jensenshannon(base=2).

  /work/main/.venv/bin/python tools/make-variant-fixtures.py
"""
from __future__ import annotations

import json
import math
import os
import random

import numpy as np
import onnxruntime as ort
import torch
from scipy.spatial.distance import jensenshannon
from tangermeme.predict import predict
from tangermeme.variant_effect import deletion_effect, insertion_effect, substitution_effect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests/Fixtures/variants")
BASES = "ACGT"
MODELS = {
    "multitask": "sample-models/multitask-deep-relu.onnx",
    "chrombpnet": "Tests/Fixtures/zoo/bpnetlite-chrombpnet/model.onnx",
}


def read_fasta(path: str) -> dict[str, str]:
    records, name = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            name = line[1:].split()[0]
            records[name] = ""
        elif name:
            records[name] += line.upper()
    return records


def is_bases(text: str) -> bool:
    return len(text) > 0 and all(c in "ACGTN" for c in text.upper())


def parse_vcf(lines) -> tuple[list[tuple], int, int]:
    """(variants, skipped ALTs, multi-allelic lines: lines giving several variants) by plain text parsing."""
    variants, skipped, multi = [], 0, 0
    for line in lines:
        if line.startswith("#") or not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        alts = cols[4].split(",")
        multi += sum(is_bases(alt) for alt in alts) > 1
        for alt in alts:
            if is_bases(alt):
                variants.append((cols[0], int(cols[1]) - 1, cols[2], cols[3].upper(), alt.upper()))
            else:
                skipped += 1
    return variants, skipped, multi


def write_expected(path: str, variants, skipped: int, multi: int) -> None:
    kinds = {"snv": 0, "indel": 0, "other": 0}
    for _, _, _, ref, alt in variants:
        if len(ref) == 1 and len(alt) == 1:
            kinds["snv"] += 1
        elif len(ref) != len(alt) and (ref.startswith(alt) or alt.startswith(ref)):
            kinds["indel"] += 1
        else:
            kinds["other"] += 1
    with open(path, "w") as f:
        f.write("chrom\tpos\tid\tref\talt\n")
        for v in variants:
            f.write("\t".join(map(str, v)) + "\n")
        f.write(f"# skipped {skipped}\n")
        f.write(f"# snv {kinds['snv']} indel {kinds['indel']} other {kinds['other']} multiallelic {multi}\n")


def make_mini_vcf(genome: dict[str, str]) -> None:
    rng = random.Random(15)
    chr1, chr2 = genome["chr1"], genome["chr2"]

    def other(base: str, k: int = 1) -> str:
        return [b for b in BASES if b != base][k % 3]

    rows = []  # (chrom, 1-based POS, id, REF, ALT)

    def snv(chrom, pos, ident, k=0):
        g = genome[chrom]
        rows.append((chrom, pos, ident, g[pos - 1], other(g[pos - 1], k)))

    snv("chr1", 5, "rs_start")
    snv("chr1", 101, "rs101", 1)
    rows.append(("chr1", 300, ".", chr1[299:301], chr1[299]))
    rows.append(("chr1", 450, "del5", chr1[449:455], chr1[449]))
    rows.append(("chr1", 600, "ins1", chr1[599], chr1[599] + "T"))
    rows.append(("chr1", 700, "ins4", chr1[699], chr1[699] + "GATC"))
    rows.append(("chr1", 800, "mnp2", chr1[799:801], other(chr1[799]) + other(chr1[800], 2)))
    rows.append(("chr1", 900, "complex", chr1[899:902], "AC"))
    rows.append(("chr1", 1000, "multi", chr1[999], other(chr1[999], 0) + "," + other(chr1[999], 1)))
    rows.append(("chr1", 1100, "withsymbolic", chr1[1099], other(chr1[1099]) + ",<DEL>"))
    rows.append(("chr1", 1200, "spanning", chr1[1199], "*," + other(chr1[1199], 2)))
    rows.append(("chr1", 1300, "breakend", chr1[1299], chr1[1299] + "]chr2:100]"))
    snv("chr1", 1995, "rs_end", 2)
    snv("chr2", 50, "chr2_snv")
    rows.append(("chr2", 700, "del10", chr2[699:710], chr2[699]))
    rows.append(("chr2", 1000, "ins15", chr2[999], chr2[999] + "".join(rng.choice(BASES) for _ in range(15))))
    rows.append(("chr2", 1200, "ins110", chr2[1199], chr2[1199] + "".join(rng.choice(BASES) for _ in range(110))))
    rows.append(("chr2", 1497, "del_end", chr2[1496:1500], chr2[1496]))
    with open(os.path.join(OUT, "mini.vcf"), "w") as f:
        f.write("##fileformat=VCFv4.2\n")
        f.write("##source=tools/make-variant-fixtures.py (positions on Tests/Fixtures/genome/mini.fa)\n")
        for name, seq in genome.items():
            f.write(f"##contig=<ID={name},length={len(seq)}>\n")
        f.write('##ALT=<ID=DEL,Description="Deletion">\n')
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for chrom, pos, ident, ref, alt in rows:
            f.write(f"{chrom}\t{pos}\t{ident}\t{ref}\t{alt}\t.\tPASS\t.\n")


class OrtModule(torch.nn.Module):
    """The ONNX model run by onnxruntime behind a torch Module, so tangermeme can call it."""

    def __init__(self, path: str):
        super().__init__()
        self.session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        self.outputs = [o.name for o in self.session.get_outputs()]

    def forward(self, x):
        values = self.session.run(None, {self.input: x.detach().cpu().numpy().astype(np.float32)})
        tensors = tuple(torch.from_numpy(v) for v in values)
        return tensors if len(tensors) > 1 else tensors[0]


def one_hot(seq: str) -> torch.Tensor:
    x = torch.zeros(1, 4, len(seq))
    for i, c in enumerate(seq):
        if c in BASES:
            x[0, BASES.index(c), i] = 1
    return x


def padded(g: str, start: int, end: int) -> str:
    return "".join(g[i] if 0 <= i < len(g) else "N" for i in range(start, end))


def predict_rc(model, X, args=None, **kwargs):
    """tangermeme's predict on the reverse complement (A C G T flipped, positions flipped)."""
    return predict(model, torch.flip(X, dims=(1, 2)), args=args, **kwargs)


def effect(model, genome: dict[str, str], variant, length: int, func):
    """(before, after) outputs as lists of (N, ...) arrays, through tangermeme's effect functions."""
    chrom, pos, _, ref, alt = variant
    g, c = genome[chrom], length // 2
    start = pos - c
    kwargs = dict(func=func, device="cpu", verbose=False)
    if len(ref) == len(alt):
        X = one_hot(padded(g, start, start + length))
        rows = [[0, c + i, BASES.index(a)] for i, (r, a) in enumerate(zip(ref, alt)) if r != a and c + i < length]
        result = substitution_effect(model, X, torch.tensor(rows), **kwargs)
    elif ref.startswith(alt):
        deleted = len(ref) - len(alt)
        X = one_hot(padded(g, start, start + length + deleted))
        rows = [[0, c + len(alt) + i] for i in range(deleted)]
        result = deletion_effect(model, X, torch.tensor(rows), left=False, **kwargs)
    elif alt.startswith(ref):
        inserted = alt[len(ref):]
        X = one_hot(padded(g, start, start + length))
        # tangermeme inserts rows at one position in reverse of the order given.
        rows = [[0, c + len(ref), BASES.index(b)] for b in reversed(inserted)]
        result = insertion_effect(model, X, torch.tensor(rows), left=False, **kwargs)
    else:
        # Neither: REF replaced by ALT by hand, the right part shifted the same way.
        before = padded(g, start, start + length)
        right = padded(g, pos + len(ref), pos + len(ref) + length)
        after = (before[:c] + alt + right)[:length]
        y0 = func(model, one_hot(before), device="cpu", verbose=False)
        y1 = func(model, one_hot(after), device="cpu", verbose=False)
        return as_list(y0), as_list(y1)
    return as_list(result.y_before), as_list(result.y_after)


def as_list(y):
    return [t.numpy() for t in y] if isinstance(y, (list, tuple)) else [y.numpy()]


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def score_model(name: str, genome: dict[str, str], variants) -> None:
    path = os.path.join(ROOT, MODELS[name])
    model = OrtModule(path)
    length = model.session.get_inputs()[0].shape[2]
    sidecar = os.path.splitext(path)[0] + ".json"
    task_names = json.load(open(sidecar)).get("tasks", []) if os.path.exists(sidecar) else []
    profile_model = any(len(o.shape) == 3 for o in model.session.get_outputs())
    for strands, suffix in ((2, ""), (1, ".forward")):
        lines = ["chrom\tpos\tid\tref\talt\ttask\tref_score\talt_score\tdelta\tlog2fc\tjsd"]
        for variant in variants:
            forward = effect(model, genome, variant, length, predict)
            reverse = effect(model, genome, variant, length, predict_rc) if strands == 2 else None
            chrom, pos, ident, ref, alt = variant
            prefix = f"{chrom}\t{pos + 1}\t{ident}\t{ref}\t{alt}"
            for k, output in enumerate(model.outputs):
                before = [forward[0][k][0]] + ([reverse[0][k][0]] if reverse else [])
                after = [forward[1][k][0]] + ([reverse[1][k][0]] if reverse else [])
                if before[0].ndim == 2:
                    # Profile (tracks, bins): softmax over all, the reverse strand's bins flipped back.
                    def dist(ys):
                        ps = [softmax(y.astype(np.float64).ravel()) if i == 0 else softmax(y[:, ::-1].astype(np.float64).ravel()) for i, y in enumerate(ys)]
                        return np.mean(ps, axis=0)
                    jsd = jensenshannon(dist(before), dist(after), base=2)
                    lines.append(f"{prefix}\t{output}\tNA\tNA\tNA\tNA\t{jsd:.7g}")
                    continue
                for t in range(before[0].size):
                    r = float(np.mean([b.ravel()[t] for b in before]))
                    a = float(np.mean([b.ravel()[t] for b in after]))
                    if profile_model:
                        fc = (a - r) / math.log(2)
                    else:
                        fc = math.log2(a / r) if r > 0 and a > 0 else None
                    task = task_names[t] if len(task_names) == before[0].size else output if len(model.outputs) > 1 else f"task_{t}"
                    lines.append(f"{prefix}\t{task}\t{r:.7g}\t{a:.7g}\t{a - r:.7g}\t{'NA' if fc is None else f'{fc:.7g}'}\tNA")
        with open(os.path.join(OUT, f"mini.{name}{suffix}.tsv"), "w") as f:
            f.write("\n".join(lines) + "\n")


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    genome = read_fasta(os.path.join(ROOT, "Tests/Fixtures/genome/mini.fa"))
    import gzip
    chr22 = gzip.open(os.path.join(OUT, "chr22-excerpt.vcf.gz"), "rt").readlines()
    write_expected(os.path.join(OUT, "chr22-excerpt.expected.tsv"), *parse_vcf(chr22))
    start, end = 50305000, 50310000
    inside = [l for l in chr22 if not l.startswith("#")
              and int(l.split("\t")[1]) - 1 < end and int(l.split("\t")[1]) - 1 + len(l.split("\t")[3]) > start]
    write_expected(os.path.join(OUT, "chr22-excerpt.region.tsv"), *parse_vcf(inside))
    make_mini_vcf(genome)
    mini = open(os.path.join(OUT, "mini.vcf")).readlines()
    variants, skipped, multi = parse_vcf(mini)
    write_expected(os.path.join(OUT, "mini.expected.tsv"), variants, skipped, multi)
    torch.set_num_threads(1)
    for name in MODELS:
        score_model(name, genome, variants)


if __name__ == "__main__":
    main()
