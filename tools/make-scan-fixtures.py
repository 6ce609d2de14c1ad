#!/usr/bin/env python3
"""Writes Tests/Fixtures/scan/: a small FASTA, a MEME file of a few JASPAR 2026 motifs and
memelite's fimo hit table for them (hits.tsv), which `seqlens scan` must reproduce column by column.

memelite is given the motifs as seqlens holds them: each column of the MEME file divided by its sum
(added in letter order, as Motif.init), since MEME rounds probabilities to 6 decimals and a column
off 1 by 1e-6 moves a score across a 0.1-bit bin now and then. memelite reports no q-values; the table's q-value is FIMO's Benjamini-Hochberg q-value, computed
here per motif from memelite's p-values over every window scanned on both strands
(m = 2 * sum(L - w + 1)). Run from the repository root: `.venv/bin/python tools/make-scan-fixtures.py`.
"""
import os
import sys

import numpy
from memelite import fimo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sample_models.motifs import normalised_motifs  # noqa: E402

OUT = "Tests/Fixtures/scan"
IDS = ["MA0139.2", "MA0079.5", "MA0466.4", "MA0035.5", "MA0047.4", "MA0058.4", "MA0106.3", "MA0138.3"]


def motif_blocks(path):
    """The MEME file's MOTIF blocks by id, each as its lines."""
    blocks, current = {}, None
    for line in open(path):
        if line.startswith("MOTIF"):
            current = line.split()[1]
            blocks[current] = [line]
        elif current is not None:
            if line.strip() == "" or line.startswith("URL"):
                current = None
            else:
                blocks[current].append(line)
    return blocks


def consensus(block):
    rows = [list(map(float, l.split())) for l in block[2:]]
    return "".join("ACGT"[int(numpy.argmax(r))] for r in rows)


def reverse_complement(s):
    return s[::-1].translate(str.maketrans("ACGTacgtN", "TGCAtgcaN"))


def main():
    os.makedirs(OUT, exist_ok=True)
    blocks = motif_blocks("assets/motifs/JASPAR2026_CORE_vertebrates.meme")
    with open(f"{OUT}/motifs.meme", "w") as f:
        f.write("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\nBackground letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n")
        for i in IDS:
            f.write("".join(blocks[i]) + "\n")

    rng = numpy.random.default_rng(14)
    records = []
    for name, length in [("chr_a", 3000), ("chr_b", 1800), ("chr_c", 900)]:
        seq = list("".join(rng.choice(list("ACGT"), size=length)))
        # Consensus sites of every motif, on alternating strands, so each has hits.
        for k, i in enumerate(IDS):
            site = consensus(blocks[i])
            if (k + len(records)) % 2:
                site = reverse_complement(site)
            at = 60 + k * (length - 200) // len(IDS)
            seq[at:at + len(site)] = site
        records.append((name, "".join(seq)))
    # An N run inside a site, and a lowercase stretch (soft-masked repeats): both as memelite reads them.
    name, seq = records[0]
    seq = seq[:70] + "NN" + seq[72:400] + seq[400:700].lower() + seq[700:]
    records[0] = (name, seq)
    with open(f"{OUT}/sequences.fa", "w") as f:
        for name, seq in records:
            f.write(f">{name}\n")
            for i in range(0, len(seq), 60):
                f.write(seq[i:i + 60] + "\n")

    widths = {i: len(blocks[i]) - 2 for i in IDS}
    # The default threshold, and a loose one for many hits of every score.
    for threshold, table in [(1e-4, "hits.tsv"), (1e-3, "hits-1e-3.tsv")]:
        write_hits(threshold, f"{OUT}/{table}", records, widths)
    os.remove(f"{OUT}/sequences.fa.fai")


def write_hits(threshold, path, records, widths):
    hits = fimo(normalised_motifs(f"{OUT}/motifs.meme"), f"{OUT}/sequences.fa", threshold=threshold)
    rows = []
    lengths = [len(s) for _, s in records]
    seqs = dict(records)
    for frame in hits:
        if len(frame) == 0:
            continue
        motif_id, alt = frame["motif_name"].iloc[0].split(" ", 1)
        m = 2 * sum(max(0, L - widths[motif_id] + 1) for L in lengths)
        p = frame["p-value"].to_numpy()
        order = numpy.argsort(p, kind="stable")
        q = numpy.empty_like(p)
        running = 1.0
        for rank in range(len(p), 0, -1):
            running = min(running, p[order[rank - 1]] * m / rank)
            q[order[rank - 1]] = running
        for (_, h), qv in zip(frame.iterrows(), q):
            window = seqs[h["sequence_name"]][h["start"]:h["end"]].upper()
            matched = window if h["strand"] == "+" else reverse_complement(window)
            rows.append((motif_id, alt, h["sequence_name"], int(h["start"]), int(h["end"]), h["strand"],
                         repr(float(h["score"])), repr(float(h["p-value"])), repr(float(qv)), matched))
    with open(path, "w") as f:
        f.write("motif_id\tmotif_alt_id\tsequence_name\tstart\tstop\tstrand\tscore\tp-value\tq-value\tmatched_sequence\n")
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    print(f"{path}: {len(rows)} hits of {len(IDS)} motifs")


if __name__ == "__main__":
    main()
