"""Shared helpers: paths, one-hot encoding, sequence I/O, metrics."""
from __future__ import annotations

import json
import os

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MOTIF_DIR = os.path.join(REPO, "assets", "motifs")
DATASET_DIR = os.path.join(REPO, "assets", "datasets")
SEQUENCE_DIR = os.path.join(REPO, "assets", "sequences")
MODEL_DIR = os.path.join(REPO, "sample-models")
FIXTURE_DIR = os.path.join(REPO, "Tests", "Fixtures", "sample-models")

DNA = "ACGT"
RNA = "ACGU"
_COMPLEMENT = str.maketrans("ACGTUacgtuNn", "TGCAAtgcaaNn")

GROUND_TRUTH_HEADER = ["record_id", "motif", "jaspar_id", "strand", "start", "end"]


def rel(path: str) -> str:
    return os.path.relpath(path, REPO)


def revcomp(s: str, rna: bool = False) -> str:
    out = s.translate(_COMPLEMENT)[::-1]
    return out.replace("T", "U") if rna else out


def one_hot(seqs: list[str], length: int | None = None) -> np.ndarray:
    """(N, 4, L) float32, channels A,C,G,T (U shares channel 3); any other letter -> zeros."""
    length = length or max(len(s) for s in seqs)
    lut = np.full(256, -1, dtype=np.int64)
    for i, c in enumerate("ACGT"):
        lut[ord(c)] = i
        lut[ord(c.lower())] = i
    lut[ord("U")] = 3
    lut[ord("u")] = 3
    x = np.zeros((len(seqs), 4, length), dtype=np.float32)
    for n, s in enumerate(seqs):
        idx = lut[np.frombuffer(s.encode(), dtype=np.uint8)]
        ok = idx >= 0
        x[n, idx[ok], np.nonzero(ok)[0]] = 1.0
    return x


def indices_to_str(idx: np.ndarray, alphabet: str) -> list[str]:
    table = np.frombuffer(alphabet.encode(), dtype=np.uint8)
    return [table[row].tobytes().decode() for row in idx]


def write_fasta(path: str, records: list[tuple[str, str]], width: int = 0) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for header, seq in records:
            f.write(f">{header}\n")
            if width:
                for i in range(0, len(seq), width):
                    f.write(seq[i:i + width] + "\n")
            else:
                f.write(seq + "\n")


def read_fasta(path: str) -> list[tuple[str, str]]:
    recs, header, parts = [], None, []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(">"):
                if header is not None:
                    recs.append((header, "".join(parts)))
                header, parts = line[1:], []
            elif line:
                parts.append(line.strip())
    if header is not None:
        recs.append((header, "".join(parts)))
    return recs


def write_tsv(path: str, header: list[str], rows: list[list], comment: str | None = None) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        if comment:
            for line in comment.splitlines():
                f.write(f"# {line}\n")
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(str(v) for v in r) + "\n")


def write_json(path: str, obj) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


# ----------------------------------------------------------------------- metrics

def auroc(y: np.ndarray, p: np.ndarray) -> float:
    """Mann-Whitney AUROC with average ranks for ties."""
    y = np.asarray(y).astype(bool)
    p = np.asarray(p, dtype=np.float64)
    _, inv, counts = np.unique(p, return_inverse=True, return_counts=True)
    cum = np.cumsum(counts)
    avg_rank = cum - (counts - 1) / 2.0
    ranks = avg_rank[inv]
    n1, n0 = y.sum(), (~y).sum()
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def auprc(y: np.ndarray, p: np.ndarray) -> float:
    """Average precision."""
    y = np.asarray(y).astype(np.float64)
    order = np.argsort(-np.asarray(p), kind="mergesort")
    y = y[order]
    tp = np.cumsum(y)
    precision = tp / np.arange(1, len(y) + 1)
    return float((precision * y).sum() / max(y.sum(), 1))


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    a = np.asarray(a, dtype=np.float64) - np.mean(a)
    b = np.asarray(b, dtype=np.float64) - np.mean(b)
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra = np.argsort(np.argsort(a)).astype(np.float64)
    rb = np.argsort(np.argsort(b)).astype(np.float64)
    return pearson(ra, rb)
