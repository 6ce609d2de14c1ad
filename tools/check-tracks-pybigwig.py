"""Checks seqlens's tracks with pyBigWig, a bigWig reader and writer seqlens does not use (it
bundles its own copy of libBigWig), and writes the fixtures Tests/GenomeIOTests/TrackTests
compares against:

  Tests/Fixtures/tracks/values.bedgraph    written by `seqlens attr` (the values, as text)
  Tests/Fixtures/tracks/pybigwig.bw        pyBigWig's bigWig of values.bedgraph's intervals
  Tests/Fixtures/tracks/pybigwig-read.tsv  pyBigWig's reading of the bigWig `seqlens attr`
                                           wrote in the same run (checked here to be byte for
                                           byte pybigwig.bw)

Run from the repository root after `swift build -c release` (tools/ needs the venv):
  .venv/bin/python tools/check-tracks-pybigwig.py
"""
import os
import subprocess

import numpy as np
import pyBigWig

OUT = "Tests/Fixtures/tracks"
SIZES = "examples/sharded/mini.chrom.sizes"
SEQLENS = os.environ.get("SEQLENS", ".build/release/seqlens")
COMMAND = [SEQLENS, "attr", "sample-models/multitask-deep-relu.onnx", "examples/sharded/regions.fa",
           "--method", "grad-input", "--target", "CEBPB", "--range", "90:110", "--chrom-sizes", SIZES]


def main():
    os.makedirs(OUT, exist_ok=True)
    written = f"{OUT}/seqlens-written.bw"
    subprocess.run(COMMAND + ["-o", f"{OUT}/values.bedgraph"], check=True)
    subprocess.run(COMMAND + ["-o", written], check=True)
    sizes = [(line.split("\t")[0], int(line.split("\t")[1])) for line in open(SIZES).read().splitlines()]
    rows = [line.split("\t") for line in open(f"{OUT}/values.bedgraph").read().splitlines()]
    expected = [(c, int(s), int(e), np.float32(v)) for c, s, e, v in rows]

    # pyBigWig reads seqlens's bigWig: header, every interval, and exact means per chromosome.
    bw = pyBigWig.open(written)
    assert bw.isBigWig()
    assert list(bw.chroms().items()) == sizes, bw.chroms()
    read = [(c, s, e, np.float32(v)) for c, _ in sizes for s, e, v in (bw.intervals(c) or [])]
    assert read == expected, "pyBigWig reads other intervals than the bedGraph holds"
    for chrom, length in sizes:
        values = [v for c, s, e, v in expected if c == chrom for _ in range(e - s)]
        exact = bw.stats(chrom, 0, length, type="mean", exact=True)[0]
        assert np.isclose(exact, np.mean(values), rtol=1e-5), (chrom, exact)
    levels = bw.header()["nLevels"]
    assert levels > 0, "no zoom levels"
    bw.close()
    with open(f"{OUT}/pybigwig-read.tsv", "w") as out:
        out.write(f"# pyBigWig {pyBigWig.__version__} reading seqlens's bigWig ({levels} zoom level): chrom, start, end, value\n")
        for c, s, e, v in read:
            out.write(f"{c}\t{s}\t{e}\t{repr(float(v))}\n")

    # pyBigWig writes the same intervals itself: the same bytes as seqlens.
    reference = pyBigWig.open(f"{OUT}/pybigwig.bw", "w")
    reference.addHeader(sizes, maxZooms=10)
    for chrom, _ in sizes:
        part = [row for row in expected if row[0] == chrom]
        if part:
            reference.addEntries([r[0] for r in part], [r[1] for r in part], ends=[r[2] for r in part], values=[float(r[3]) for r in part])
    reference.close()
    same = open(written, "rb").read() == open(f"{OUT}/pybigwig.bw", "rb").read()
    os.remove(written)
    assert same, "seqlens's bigWig differs from pyBigWig's"
    print(f"pyBigWig read {len(read)} intervals and {levels} zoom level from seqlens's bigWig; pyBigWig's own is byte for byte the same")


if __name__ == "__main__":
    main()
