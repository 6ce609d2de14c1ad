#!/usr/bin/env python3
"""TF-MoDISco fixture (issue 14, item 5): modisco-lite's HDF5 results on a small attribution set,
the values h5py reads from them, and small hostile .h5 files for the reader's refusals.

Attributions: hypothetical contributions from in-silico saturation mutagenesis of the sample
model sample-models/multitask-deep-relu.onnx, cut at its logits (the input of the final
Sigmoid) and summed over its 12 tasks, on the first N_RECORDS records of
assets/datasets/multitask/test.fa. For every position and base, f(mutant) - f(reference) through
onnxruntime, then mean-centred over the four bases of each position (the hypothetical
contribution of every base, as modisco expects; the contribution is its value at the observed
base). modisco-lite's TFMoDISco (its Leiden seeds are fixed: 1..n_leiden_runs) then runs with
settings for a small set (15-nt windows, 5-nt flanks, seqlet FDR 0.05, 2 Leiden runs, patterns
trimmed to 20 + 2x5 positions, clusters of 15 seqlets or more) and modiscolite.io.save_hdf5
writes Tests/Fixtures/modisco/results.h5. About 4 minutes on 2 cores, mostly the ISM.

Tests/Fixtures/modisco/ holds
  results.h5         modisco-lite's output (patterns trimmed to 20 + 2x5 positions keep it under 1 MB)
  expected.json      every array seqlens reads, as h5py reads it: per pattern (and subpattern)
                     sequence, contrib_scores, hypothetical_contribs (shape + row-major values),
                     n_seqlets and the seqlet coordinates, the trimmed range (modiscolite.report's
                     trim_threshold 0.3) and its consensus; the file's window_size attribute
  patterns.meme      `modisco meme -t PFM` of results.h5 (modiscolite.io.write_meme_from_h5)
  tomtom.json        the 3 nearest JASPAR 2026 motifs of each pattern's trimmed sequence and their
                     p-values: "report" as modisco-lite's report finds them
                     (modiscolite.report.tomtomlite_dataframe: memelite's tomtom on the raw
                     matrices), "normalised" by memelite's tomtom on the same matrices with each
                     column divided by its sum in letter order, as seqlens' Motif stores them
                     (TOMTOM bins scores, so the last bits of a column can move a p-value by a bin)
  hostile/*.h5       files the reader must refuse in one line (written with h5py)

Usage:  .venv/bin/python tools/make-modisco-fixture.py
"""
import json
import os
import time

import h5py
import numpy as np
import onnx
import onnxruntime as ort

import modiscolite
from modiscolite import io as modisco_io
from modiscolite import util as modisco_util
from modiscolite.report import tomtomlite_dataframe
from memelite import tomtom as memelite_tomtom
from modiscolite.tfmodisco import TFMoDISco

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(REPO, "sample-models", "multitask-deep-relu.onnx")
FASTA = os.path.join(REPO, "assets", "datasets", "multitask", "test.fa")
JASPAR = os.path.join(REPO, "assets", "motifs", "JASPAR2026_CORE_vertebrates.meme")
OUT = os.path.join(REPO, "Tests", "Fixtures", "modisco")
N_RECORDS = 300
ALPHABET = "ACGT"


def read_fasta(path, count):
    records, current = [], None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith(">"):
                if len(records) == count:
                    break
                records.append([line[1:].split()[0], ""])
            elif records:
                records[-1][1] += line
    return records


def one_hot(sequences):
    x = np.zeros((len(sequences), 4, len(sequences[0])), dtype=np.float32)
    for n, sequence in enumerate(sequences):
        for i, base in enumerate(sequence):
            if base in ALPHABET:
                x[n, ALPHABET.index(base), i] = 1
    return x


def logit_session():
    """The model cut at the input of its final Sigmoid."""
    model = onnx.load(MODEL)
    sigmoid = [node for node in model.graph.node if node.op_type == "Sigmoid"][-1]
    path = os.path.join("/tmp", "multitask-deep-relu-logits.onnx")
    onnx.utils.extract_model(MODEL, path, [model.graph.input[0].name], [sigmoid.input[0]])
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def hypothetical_ism(session, x, batch=1024):
    """(N, 4, L) mean-centred ISM of the summed logits: f(mutant) - f(reference), then minus the
    mean over the four bases at each position."""
    name = session.get_inputs()[0].name
    predict = lambda inputs: session.run(None, {name: inputs})[0].sum(axis=1)
    n, a, length = x.shape
    reference = predict(x)
    result = np.zeros_like(x)
    for s in range(n):
        mutants = np.repeat(x[s:s + 1], a * length, axis=0)
        for i in range(length):
            mutants[i * a:(i + 1) * a, :, i] = np.eye(a, dtype=np.float32)
        scores = np.concatenate([predict(mutants[k:k + batch]) for k in range(0, len(mutants), batch)])
        result[s] = scores.reshape(length, a).T - reference[s]
    return result - result.mean(axis=1, keepdims=True)


def pattern_values(group):
    entry = {name: {"shape": list(group[name].shape), "values": group[name][:].astype(np.float64).ravel().tolist()}
             for name in ("sequence", "contrib_scores", "hypothetical_contribs")}
    seqlets = group["seqlets"]
    entry["n_seqlets"] = int(seqlets["n_seqlets"][:][0])
    for name in ("start", "end", "example_idx"):
        entry[name] = seqlets[name][:].astype(np.int64).tolist()
    entry["is_revcomp"] = [bool(v) for v in seqlets["is_revcomp"][:]]
    # modiscolite.report's trimming (trim_threshold 0.3) and the consensus of the trimmed sequence.
    score = np.abs(group["contrib_scores"][:]).sum(axis=1)
    passing = np.where(score >= score.max() * 0.3)[0]
    entry["trimmed"] = [int(passing.min()), int(passing.max()) + 1]
    entry["consensus"] = "".join(ALPHABET[i] for i in group["sequence"][:].argmax(axis=1)[passing.min():passing.max() + 1])
    subpatterns = sorted((k for k in group.keys() if k.startswith("subpattern_")), key=lambda k: int(k.split("_")[1]))
    entry["subpatterns"] = {k: pattern_values(group[k]) for k in subpatterns}
    return entry


def expected_values(path):
    with h5py.File(path, "r") as f:
        result = {"window_size": int(f.attrs["window_size"]), "groups": {}}
        for group in ("pos_patterns", "neg_patterns"):
            if group not in f:
                continue
            names = sorted(f[group].keys(), key=lambda k: int(k.split("_")[1]))
            result["groups"][group] = {name: pattern_values(f[group][name]) for name in names}
        return result


def normalised(matrix):
    """(4, w): each (w, 4) row divided by its sum added in letter order, as seqlens' Motif does."""
    return np.ascontiguousarray(np.array([[float(v) / sum(float(x) for x in row) for v in row] for row in matrix]).T)


def read_meme_rows(path):
    """{name: (w, 4) rows} of a MEME file, names as memelite's read_meme gives them."""
    motifs, name = {}, None
    for line in open(path):
        parts = line.split()
        if line.startswith("MOTIF"):
            name = " ".join(parts[1:])
            motifs[name] = []
        elif name and len(parts) == 4 and not line.startswith("letter"):
            motifs[name].append([float(x) for x in parts])
    return motifs


def write_tomtom_references(results, expected):
    names = [f"{group}.{name}" for group, patterns in expected["groups"].items() for name in patterns]
    report = tomtomlite_dataframe(results, JASPAR, ["pos_patterns", "neg_patterns"], top_n_matches=3, trim_threshold=0.3)
    reference = {"database": os.path.relpath(JASPAR, REPO), "report": {}, "normalised": {}}
    for name, (_, row) in zip(names, report.iterrows()):
        reference["report"][name] = [{"target": row[f"match{j}"], "p_value": float(row[f"pval{j}"])} for j in range(3)]
    targets = read_meme_rows(JASPAR)
    target_names = list(targets)
    queries = []
    with h5py.File(results, "r") as f:
        for name in names:
            group, pattern = name.split(".")
            start, end = expected["groups"][group][pattern]["trimmed"]
            queries.append(normalised(f[group][pattern]["sequence"][start:end]))
    p, _, _, _, _, idxs = memelite_tomtom(queries, [normalised(rows) for rows in targets.values()], n_nearest=3)
    for i, name in enumerate(names):
        reference["normalised"][name] = [{"target": target_names[int(idxs[i, j])], "p_value": float(p[i, j])} for j in range(3)]
    with open(os.path.join(OUT, "tomtom.json"), "w") as f:
        json.dump(reference, f, indent=1)
    for name in names:
        print(name, [(m["target"], f"{m['p_value']:.3g}") for m in reference["normalised"][name]])


def write_hostile(directory):
    """Small files with one thing wrong each, named after it."""
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(5)

    def pattern(group, width=8, seqlets=3, **overrides):
        arrays = {
            "sequence": rng.dirichlet(np.ones(4), size=width).astype(np.float32),
            "contrib_scores": rng.normal(size=(width, 4)).astype(np.float32),
            "hypothetical_contribs": rng.normal(size=(width, 4)).astype(np.float32),
        }
        coordinates = {
            "n_seqlets": np.array([seqlets]),
            "start": np.arange(seqlets) * 10,
            "end": np.arange(seqlets) * 10 + width,
            "example_idx": np.arange(seqlets),
            "is_revcomp": np.zeros(seqlets, dtype=bool),
        }
        for key, value in overrides.items():
            (arrays if key in arrays else coordinates)[key] = value
        for key, value in arrays.items():
            if value is not None:
                group.create_dataset(key, data=value)
        seqlet_group = group.create_group("seqlets")
        for key, value in coordinates.items():
            if value is not None:
                seqlet_group.create_dataset(key, data=value)

    cases = {
        "missing-contrib-scores": dict(contrib_scores=None),
        "wide-contrib-scores": dict(contrib_scores=np.zeros((8, 5), dtype=np.float32)),
        "short-hypothetical": dict(hypothetical_contribs=np.zeros((7, 4), dtype=np.float32)),
        "three-axes-sequence": dict(sequence=np.zeros((8, 4, 1), dtype=np.float32)),
        "text-sequence": dict(sequence=np.array([b"ACGT"] * 8)),
        "nan-contrib-scores": dict(contrib_scores=np.full((8, 4), np.nan, dtype=np.float32)),
        "seqlet-count-mismatch": dict(n_seqlets=np.array([5])),
        "start-after-end": dict(start=np.array([0, 30, 20]), end=np.array([8, 18, 28])),
        "missing-seqlet-starts": dict(start=None),
    }
    for name, overrides in cases.items():
        with h5py.File(os.path.join(directory, name + ".h5"), "w") as f:
            f.attrs["window_size"] = 200
            pattern(f.create_group("pos_patterns").create_group("pattern_0"), **overrides)
    with h5py.File(os.path.join(directory, "no-patterns.h5"), "w") as f:
        f.create_group("other")
    with h5py.File(os.path.join(directory, "pattern-is-dataset.h5"), "w") as f:
        f.create_group("pos_patterns").create_dataset("pattern_0", data=np.zeros(3))
    # Links and storage that would make the reader open another file (results.h5 beside them, a
    # valid file: following them would succeed) or loop.
    with h5py.File(os.path.join(directory, "external-link.h5"), "w") as f:
        f["pos_patterns"] = h5py.ExternalLink("../results.h5", "/pos_patterns")
    with h5py.File(os.path.join(directory, "soft-link-loop.h5"), "w") as f:
        f.create_group("pos_patterns")["pattern_0"] = h5py.SoftLink("/pos_patterns/pattern_0")
    with h5py.File(os.path.join(directory, "external-storage.h5"), "w") as f:
        f.attrs["window_size"] = 200
        pattern(f.create_group("pos_patterns").create_group("pattern_0"), contrib_scores=None)
        f["pos_patterns/pattern_0"].create_dataset("contrib_scores", shape=(8, 4), dtype=np.float32,
                                                   external=[("../results.h5", 0, 8 * 4 * 4)])


def main():
    os.makedirs(OUT, exist_ok=True)
    records = read_fasta(FASTA, N_RECORDS)
    x = one_hot([sequence for _, sequence in records])
    started = time.time()
    hypothetical = hypothetical_ism(logit_session(), x)
    print(f"ISM of {len(records)} records: {time.time() - started:.1f} s")

    started = time.time()
    one_hot_nla = np.ascontiguousarray(x.transpose(0, 2, 1))
    hypothetical_nla = np.ascontiguousarray(hypothetical.transpose(0, 2, 1))
    pos_patterns, neg_patterns = TFMoDISco(one_hot=one_hot_nla, hypothetical_contribs=hypothetical_nla,
                                           max_seqlets_per_metacluster=2000, sliding_window_size=15,
                                           flank_size=5, target_seqlet_fdr=0.05, n_leiden_runs=2,
                                           min_metacluster_size=20, trim_to_window_size=20, initial_flank_to_add=5,
                                           final_min_cluster_size=15)
    results = os.path.join(OUT, "results.h5")
    modisco_io.save_hdf5(results, pos_patterns, neg_patterns, window_size=x.shape[2])
    print(f"modisco-lite {getattr(modiscolite, '__version__', '')}: {time.time() - started:.1f} s, "
          f"{os.path.getsize(results)} bytes")

    expected = expected_values(results)
    expected["source"] = {"model": os.path.relpath(MODEL, REPO), "fasta": os.path.relpath(FASTA, REPO),
                          "records": len(records), "attribution": "mean-centred ISM of the summed logits"}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f)
    for group, patterns in expected["groups"].items():
        for name, entry in patterns.items():
            print(group, name, entry["n_seqlets"], entry["sequence"]["shape"], "subpatterns", len(entry["subpatterns"]))
    modisco_io.write_meme_from_h5(results, modisco_util.MemeDataType.PFM, os.path.join(OUT, "patterns.meme"), True)
    write_tomtom_references(results, expected)
    write_hostile(os.path.join(OUT, "hostile"))


if __name__ == "__main__":
    main()
