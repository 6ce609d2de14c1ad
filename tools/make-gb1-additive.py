#!/usr/bin/env python3
"""Export mavenn's trained GB1 additive model to ONNX exactly, and the validation fixtures.

mavenn (PyPI 1.1.4) ships `gb1_ge_additive`: an additive genotype-phenotype map of the
55-residue GB1 domain (positions 2-56) fit by global-epistasis regression to Olson et al.
2014's deep mutational scan of IgG-Fc binding. Its latent phenotype is
    phi(x) = theta_0 + sum_{l,c} theta_lc x_lc
with get_theta's parameters (this is mavenn's un-normalised phi: its x_to_phi returns
(phi - mean) / sd, an affine map, so every Spearman rho is the same), and its prediction
    yhat = a + sum_k b_k tanh(c_k phi + d_k)
(mavenn's GE nonlinearity, with mavenn's re-scaling of y folded into a and b). Both are written by onnx.helper in float32: input one-hot (N, 20, 55) channels-first in
mavenn's alphabet ACDEFGHIKLMNPQRSTVWY (seqlens' protein order), output (N, 2) = [phi, yhat].
The parameters are in the wild-type gauge of mavenn's consensus sequence, so theta_0 = phi(wild
type) and theta_lc = phi(single mutant) - phi(wild type): the ISM oracle.

Writes:
  sample-models/gb1-additive.onnx, .json, its TRAINING.md section
  assets/sequences/gb1.fa                     the wild type (Olson's) and Nisthal's (T2)
  Tests/Fixtures/sample-models/gb1-additive/  meta.json, expected.npy (onnxruntime)
  Tests/Fixtures/gb1/                         theta.npy (mavenn's ISM), nisthal-singles.tsv,
                                              olson-doubles.tsv, meta.json (scipy's rho)

Usage:  .venv/bin/python tools/make-gb1-additive.py
"""
from __future__ import annotations

import json
import os
import re
import sys

import numpy as np
import onnx
import onnxruntime as ort
import scipy
from onnx import TensorProto, helper, numpy_helper
from scipy.stats import spearmanr

import mavenn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sample_models.train import write_training_section  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(REPO, "sample-models/gb1-additive.onnx")
CARD = os.path.join(REPO, "sample-models/gb1-additive.json")
SEQUENCES = os.path.join(REPO, "assets/sequences/gb1.fa")
SAMPLE_FIXTURE = os.path.join(REPO, "Tests/Fixtures/sample-models/gb1-additive")
FIXTURE = os.path.join(REPO, "Tests/Fixtures/gb1")
ALPHABET = "ACDEFGHIKLMNPQRSTVWY"
DOUBLES = 3000       # test-split double mutants in the fixture (seeded sample)
SEED = 16


def one_hot(seqs: list[str]) -> np.ndarray:
    index = {c: i for i, c in enumerate(ALPHABET)}
    x = np.zeros((len(seqs), len(ALPHABET), len(seqs[0])), dtype=np.float32)
    for n, s in enumerate(seqs):
        for l, c in enumerate(s):
            x[n, index[c], l] = 1
    return x


def build_onnx(theta_0: float, theta_lc: np.ndarray, a: float, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> onnx.ModelProto:
    length = theta_lc.shape[0]
    q = len(ALPHABET)
    # channels-first flattening: feature c * L + l carries theta[l, c]
    weights = theta_lc.T.reshape(q * length, 1).astype(np.float32)
    init = [
        numpy_helper.from_array(weights, "theta_lc"),
        numpy_helper.from_array(np.array([theta_0], dtype=np.float32), "theta_0"),
        numpy_helper.from_array(np.array([a], dtype=np.float32), "ge_a"),
        numpy_helper.from_array(b.reshape(1, -1).astype(np.float32), "ge_b"),
        numpy_helper.from_array(c.reshape(1, -1).astype(np.float32), "ge_c"),
        numpy_helper.from_array(d.reshape(1, -1).astype(np.float32), "ge_d"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_1"),
    ]
    nodes = [
        helper.make_node("Flatten", ["input"], ["x_flat"], axis=1),
        helper.make_node("MatMul", ["x_flat", "theta_lc"], ["phi_lc"]),
        helper.make_node("Add", ["phi_lc", "theta_0"], ["phi"]),                 # (N, 1)
        helper.make_node("Mul", ["phi", "ge_c"], ["c_phi"]),                      # (N, K)
        helper.make_node("Add", ["c_phi", "ge_d"], ["c_phi_d"]),
        helper.make_node("Tanh", ["c_phi_d"], ["hidden"]),
        helper.make_node("Mul", ["hidden", "ge_b"], ["b_hidden"]),
        helper.make_node("ReduceSum", ["b_hidden", "axis_1"], ["sum_k"], keepdims=1),
        helper.make_node("Add", ["sum_k", "ge_a"], ["yhat"]),
        helper.make_node("Concat", ["phi", "yhat"], ["output"], axis=1),
    ]
    graph = helper.make_graph(
        nodes, "gb1_ge_additive",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", q, length])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 2])],
        init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tools/make-gb1-additive.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def ort_run(path: str, x: np.ndarray) -> np.ndarray:
    return ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]


def substitution(wild_type: str, variant: str) -> list[tuple[int, str, str]]:
    return [(l, a, b) for l, (a, b) in enumerate(zip(wild_type, variant)) if a != b]


def main() -> None:
    model = mavenn.load_example_model("gb1_ge_additive")
    assert "".join(model.alphabet) == ALPHABET, f"mavenn's alphabet is {''.join(model.alphabet)}"
    wild_type = model.x_stats["consensus_seq"]
    length = len(wild_type)
    theta = model.get_theta(gauge="user", x_wt=wild_type, unobserved_value=None)
    theta_0, theta_lc = float(theta["theta_0"]), np.asarray(theta["theta_lc"], dtype=np.float64)

    # The GE layer acts on the un-normalised phi (get_theta's); fold mavenn's re-scaling of
    # y into a and b.
    ge = model.layer_nonlinearity
    b_k, c, d = (np.asarray(v.numpy(), dtype=np.float64) for v in (ge.b_k, ge.c_k, ge.d_k))
    mean, std = float(model.unfixed_phi_mean), float(model.unfixed_phi_std)
    a = model.y_mean + model.y_std * float(ge.a_0.numpy()[0])
    b = model.y_std * b_k

    onnx_model = build_onnx(theta_0, theta_lc, a, b, c, d)

    data = mavenn.load_example_dataset("gb1")
    test = data[data["set"] == "test"].reset_index(drop=True)
    check = list(test["x"].values[:2000]) + [wild_type]
    phi_mavenn = mean + std * model.x_to_phi(np.array(check))   # un-normalised
    yhat_mavenn = model.x_to_yhat(np.array(check))

    card = {
        "name": "gb1-additive",
        "tasks": ["phi", "yhat"],
        "alphabet": "protein",
        "layout": "channels-first",
        "input_length": length,
        "description": (
            "mavenn's trained additive model of protein GB1 (positions 2-56; mavenn 1.1.4 example 'gb1_ge_additive', "
            "global-epistasis regression on Olson et al. 2014's IgG-Fc binding scan), exported exactly: phi = latent "
            "phenotype theta_0 + sum theta_lc x_lc with get_theta's parameters in the wild-type gauge (ISM of phi = "
            f"mavenn's single-mutant effects; mavenn's x_to_phi reports (phi {'+' if mean < 0 else '-'} {abs(mean):.4f}) / {std:.4f}), "
            "yhat = mavenn's GE nonlinearity a + sum_k b_k tanh(c_k phi + d_k) (predicted log2 enrichment). Alphabet "
            "ACDEFGHIKLMNPQRSTVWY as mavenn's."),
        "dataset": ("mavenn example dataset 'gb1': Olson et al. 2014 double mutants of GB1 (y = log2 enrichment of "
                    "IgG-Fc binders relative to wild type; training 477,854 / validation 26,519 / test 26,364)"),
        "architecture": f"additive G-P map (1 + {length}x20 parameters) followed by a sum of {len(b)} tanh sigmoids (monotonic)",
        "wild_type": wild_type,
        "parameters": 1 + theta_lc.size + 1 + 3 * len(b),
        "license": "MIT (mavenn)",
    }

    # Validation against measurements. Singles: Nisthal et al. 2019's GB1 stability (ddG),
    # an independent experiment (mavenn's 'nisthal' dataset), scored by ISM on Nisthal's wild
    # type (T at position 2). Doubles: Olson's test split (never seen in training).
    nisthal = mavenn.load_example_dataset("nisthal")
    nisthal_wt = "T" + wild_type[1:]
    singles = []
    for name, x, y in zip(nisthal["name"], nisthal["x"], nisthal["y"]):
        match = re.fullmatch(r"([A-Z])(\d+)([A-Z])", name)
        if match and substitution(nisthal_wt, x) == [(int(match.group(2)) - 2, match.group(1), match.group(3))]:
            singles.append((name, int(match.group(2)) - 2, match.group(3), float(y)))
    single_scores = np.array([theta_lc[l, ALPHABET.index(m)] - theta_lc[l, ALPHABET.index(nisthal_wt[l])] for _, l, m, _ in singles])
    singles_rho = spearmanr(single_scores, [s[3] for s in singles]).statistic

    all_test_phi = model.x_to_phi(test["x"].values)
    doubles_rho_all = spearmanr(all_test_phi, test["y"].values).statistic
    rows = np.sort(np.random.default_rng(SEED).choice(len(test), DOUBLES, replace=False))
    sample = test.iloc[rows]
    x_sample = one_hot(list(sample["x"].values))

    os.makedirs(os.path.dirname(MODEL), exist_ok=True)
    onnx.save(onnx_model, MODEL)
    m = onnx.load(MODEL)
    for key in ("tasks", "alphabet", "layout", "description"):
        value = card[key]
        m.metadata_props.append(onnx.StringStringEntryProto(key=key, value=value if isinstance(value, str) else json.dumps(value)))
    m.doc_string = card["description"]
    onnx.save(m, MODEL)
    out = ort_run(MODEL, one_hot(check))
    exact = {"max_abs_phi_vs_mavenn": float(np.abs(out[:, 0] - phi_mavenn).max()),
             "max_abs_yhat_vs_mavenn": float(np.abs(out[:, 1] - yhat_mavenn).max())}
    print(f"onnxruntime vs mavenn on {len(check)} sequences: {exact}")
    assert exact["max_abs_phi_vs_mavenn"] < 1e-4 and exact["max_abs_yhat_vs_mavenn"] < 1e-4
    sample_phi = ort_run(MODEL, x_sample)[:, 0]
    doubles_rho = spearmanr(sample_phi, sample["y"].values).statistic
    print(f"Spearman: Nisthal singles ({len(singles)}) {singles_rho:.4f}; Olson test doubles (all {len(test)}) "
          f"{doubles_rho_all:.4f}, sample of {DOUBLES} {doubles_rho:.4f}")

    card["validation"] = {
        "nisthal_singles_ddG": {"variants": len(singles), "spearman": round(float(singles_rho), 4),
                                "score": "ISM of phi on Nisthal's wild type (T2)",
                                "data": "mavenn 'nisthal': Nisthal et al. 2019 thermodynamic stability ddG of GB1 single mutants (an experiment the model never saw)"},
        "olson_test_doubles": {"variants": len(test), "spearman": round(float(doubles_rho_all), 4),
                               "score": "phi of each double mutant (yhat is monotonic in phi: same rho)",
                               "data": "mavenn 'gb1' test split (held out from mavenn's training)"},
        **exact,
    }
    with open(CARD, "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    with open(SEQUENCES, "w") as f:
        f.write(f">GB1_Olson wild type of Olson et al. 2014 (mavenn's consensus), positions 2-56\n{wild_type}\n")
        f.write(f">GB1_Nisthal wild type of Nisthal et al. 2019 (T2), positions 2-56\n{nisthal_wt}\n")

    # predict fixture, in the format of every sample model's
    records = [wild_type, nisthal_wt]
    os.makedirs(SAMPLE_FIXTURE, exist_ok=True)
    np.save(os.path.join(SAMPLE_FIXTURE, "expected.npy"), ort_run(MODEL, one_hot(records)).astype(np.float32))
    with open(os.path.join(SAMPLE_FIXTURE, "meta.json"), "w") as f:
        json.dump({"model": "sample-models/gb1-additive.onnx", "external_data": None, "fasta": "assets/sequences/gb1.fa",
                   "records": 2, "record_ids": ["GB1_Olson", "GB1_Nisthal"], "tasks": card["tasks"], "alphabet": "protein",
                   "input_length": length, "layout": "channels-first", "input_name": "input", "output_name": "output",
                   "encoding": "one-hot (N, 20, L) float32, channels ACDEFGHIKLMNPQRSTVWY",
                   "expected": "expected.npy: float32 (2, 2), onnxruntime CPU output [phi, yhat] for the FASTA records in file order",
                   "tolerance": 0.0001, "onnxruntime": ort.__version__}, f, indent=2)
        f.write("\n")

    os.makedirs(FIXTURE, exist_ok=True)
    # mavenn's own single-mutant effects on phi, (A, L) as seqlens' ISM array of one record
    effects = theta_lc - theta_lc[np.arange(length), [ALPHABET.index(c) for c in wild_type]][:, None]
    np.save(os.path.join(FIXTURE, "theta.npy"), np.ascontiguousarray(effects.T, dtype=np.float32))
    with open(os.path.join(FIXTURE, "nisthal-singles.tsv"), "w") as f:
        f.write("name\tposition\tmutant\tddG\n")
        for name, l, mutant, y in singles:
            f.write(f"{name}\t{l}\t{mutant}\t{y!r}\n")
    with open(os.path.join(FIXTURE, "olson-doubles.tsv"), "w") as f:
        f.write("sequence\ty\n")
        for x, y in zip(sample["x"].values, sample["y"].values):
            f.write(f"{x}\t{float(y)!r}\n")
    with open(os.path.join(FIXTURE, "meta.json"), "w") as f:
        json.dump({
            "model": "sample-models/gb1-additive.onnx",
            "wild_type": wild_type, "nisthal_wild_type": nisthal_wt,
            "theta": "theta.npy: float32 (20, 55), mavenn get_theta(gauge='user', x_wt=wild type) theta_lc minus its wild-type entry: phi(single mutant) - phi(wild type)",
            "nisthal_singles": {"file": "nisthal-singles.tsv", "variants": len(singles), "position": "0-based in the 55-residue sequence",
                                "scipy_spearman": float(singles_rho), "score": "seqlens ism --target phi on GB1_Nisthal"},
            "olson_doubles": {"file": "olson-doubles.tsv", "variants": DOUBLES, "sample": f"numpy default_rng({SEED}).choice of the test split",
                              "scipy_spearman": float(doubles_rho), "scipy_spearman_whole_test_split": float(doubles_rho_all),
                              "test_split": len(test), "score": "seqlens predict, task phi"},
            "mavenn": mavenn.__version__, "scipy": scipy.__version__, "onnxruntime": ort.__version__,
        }, f, indent=2)
        f.write("\n")

    v = card["validation"]
    write_training_section("gb1-additive", "\n".join([
        "## gb1-additive",
        "",
        f"- {card['description']}",
        f"- not trained here: converted by tools/make-gb1-additive.py from mavenn {mavenn.__version__}'s example model with onnx.helper (ops Flatten, MatMul, Add, Mul, Tanh, ReduceSum, Concat); {os.path.getsize(MODEL):,} bytes",
        f"- exactness: max |onnxruntime - mavenn| on {len(check)} sequences: phi {exact['max_abs_phi_vs_mavenn']:.1e}, yhat {exact['max_abs_yhat_vs_mavenn']:.1e}",
        f"- **Spearman vs measurements**: single mutants, ISM of phi vs Nisthal et al. 2019 ddG ({len(singles)} variants): "
        f"**{v['nisthal_singles_ddG']['spearman']:.3f}**; double mutants, phi vs Olson et al. 2014 log2 enrichment on the held-out "
        f"test split ({len(test):,} variants): **{v['olson_test_doubles']['spearman']:.3f}**",
    ]))
    print(f"wrote {MODEL} ({os.path.getsize(MODEL):,} bytes), {CARD}, {SEQUENCES}, fixtures in {FIXTURE}")


if __name__ == "__main__":
    main()
