#!/usr/bin/env python3
"""Train the protein sample model sample-models/ww-vae.onnx: a small VAE of the WW domain.

Data: the Pfam WW-domain alignment (PF00397, RP15, 4,025 sequences, aligned FASTA) that ships
with logomaker's example data. Focus columns are the columns where the first sequence
(B7G9D5/250-280) has an upper-case residue; here they are exactly Pfam's match columns (no
'.' in any sequence), 31 of them. Residues are coded in plmc's and EVcouplings' gap-first
21-letter alphabet "-ACDEFGHIKLMNPQRSTVWY" ('.' reads as gap); as plmc (and seqlens'
Alignments module) does, a sequence with another letter (X) at a focus column is left out.
Sequence weights are EVcouplings' own (evcouplings 0.2.1 `num_cluster_members`: 1 / the number
of sequences at >= 80 % identity over the focus columns), which DeepSequence also uses.

Model: encoder one-hot (21 x L) -> dense 96 + ReLU -> mean and log-variance of a
LATENT-dimensional Gaussian; decoder z -> dense 96 + ReLU -> 21 x L logits, softmax over the
21 letters at each position. Trained on 90 % of the sequences (seeded split) by minimising
the weighted negative ELBO with one reparameterised sample, minibatches drawn in proportion
to the sequence weights (DeepSequence's sampling).

Export: the ONNX graph takes the one-hot (N, 21, L) channels-first and returns `elbo` (N, 1):
the mean over K fixed standard-normal samples eps_k (seeded, baked in as a constant) of
log p(x | mu + sigma * eps_k) - KL(q(z|x) || N(0, I)). The samples are fixed, so the score is
a deterministic function of the sequence, and ISM = ELBO(mutant) - ELBO(wild type) is
DeepSequence's and EVE's mutation effect score.

Writes:
  sample-models/ww-vae.onnx         metadata_props: tasks, alphabet, layout, description
  sample-models/ww-vae.json         model card
  sample-models/TRAINING.md         its section (<!-- model: ww-vae -->)
  assets/sequences/ww.fa            focus-column sequences of a few WW domains

Usage:  .venv/bin/python tools/train-protein-vae.py [--steps 6000]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import types

import logomaker
import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sample_models.train import write_training_section  # noqa: E402

# evcouplings 0.2.1 imports pkg_resources (gone from recent setuptools) for files it never reads here.
sys.modules.setdefault("pkg_resources", types.SimpleNamespace(resource_filename=lambda *a: None))
from evcouplings.align.alignment import ALPHABET_PROTEIN, num_cluster_members  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALIGNMENT = os.path.join(os.path.dirname(logomaker.__file__), "examples/datafiles/ww_sequences.fa")
MODEL = os.path.join(REPO, "sample-models/ww-vae.onnx")
CARD = os.path.join(REPO, "sample-models/ww-vae.json")
SEQUENCES = os.path.join(REPO, "assets/sequences/ww.fa")
ALPHABET = "-ACDEFGHIKLMNPQRSTVWY"
IDENTITY = 0.8
HIDDEN = 96
LATENT = 8
SAMPLES = 32          # K: the fixed eps samples averaged in the exported ELBO
SEED = 16
WEIGHT_DECAY = 1e-2
# The focus sequence, another domain of its protein, human PIN1's and human YAP1's first (the
# WW domain of Araya et al. 2012's scan; it has a gap at a focus column).
SHIPPED = ["B7G9D5/250-280", "B7G9D5/387-417", "Q13526/7-37", "P46937/173-202"]


def read_aligned_fasta(path: str) -> tuple[list[str], list[str]]:
    ids: list[str] = []
    seqs: list[str] = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(">"):
            ids.append(line[1:].split()[0])
            seqs.append("")
        else:
            seqs[-1] += line
    return ids, seqs


def focus_columns(seqs: list[str]) -> list[int]:
    """Columns where the first sequence has an upper-case residue (EVcouplings' focus mode)."""
    columns = [j for j, c in enumerate(seqs[0]) if c.isupper()]
    match = [j for j in range(len(seqs[0])) if all(s[j] != "." for s in seqs)]
    assert columns == match, "focus columns differ from Pfam's match columns"
    return columns


def valid(sequence: str, columns: list[int]) -> bool:
    """plmc's valid sequences: every focus column holds one of the 21 states ('.' is a gap)."""
    return all(sequence[j].replace(".", "-") in ALPHABET for j in columns)


def encode(seqs: list[str], columns: list[int]) -> np.ndarray:
    """(N, L) state indices in ALPHABET, '.' read as gap."""
    index = {c: i for i, c in enumerate(ALPHABET)}
    index["."] = 0
    return np.array([[index[s[j]] for j in columns] for s in seqs], dtype=np.int64)


def sequence_weights(states: np.ndarray, threshold: float = IDENTITY) -> np.ndarray:
    """EVcouplings' weights: 1 / #{j : identity(i, j) >= threshold} (i itself included)."""
    assert ALPHABET_PROTEIN == ALPHABET
    return 1.0 / num_cluster_members(states, threshold)


def one_hot(states: np.ndarray) -> np.ndarray:
    """(N, 21, L) float32, channels-first."""
    return np.transpose(np.eye(len(ALPHABET), dtype=np.float32)[states], (0, 2, 1)).copy()


class VAE(nn.Module):
    def __init__(self, length: int):
        super().__init__()
        self.length = length
        q = len(ALPHABET)
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(q * length, HIDDEN), nn.ReLU())
        self.mean = nn.Linear(HIDDEN, LATENT)
        self.log_variance = nn.Linear(HIDDEN, LATENT)
        self.decoder = nn.Sequential(nn.Linear(LATENT, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, q * length))

    def posterior(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x)
        return self.mean(h), self.log_variance(h)

    def elbo(self, x: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """Mean over eps (K, LATENT) of log p(x|z_k) - KL; x (N, 21, L) -> (N, 1)."""
        mu, log_var = self.posterior(x)
        z = mu.unsqueeze(1) + torch.exp(0.5 * log_var).unsqueeze(1) * eps      # (N, K, LATENT)
        logits = self.decoder(z).reshape(-1, eps.shape[0], len(ALPHABET), self.length)
        log_p = (F.log_softmax(logits, dim=2) * x.unsqueeze(1)).sum(dim=(2, 3))  # (N, K)
        kl = 0.5 * (mu * mu + torch.exp(log_var) - 1.0 - log_var).sum(dim=1)
        return (log_p.mean(dim=1) - kl).unsqueeze(1)


class ExportedELBO(nn.Module):
    """The VAE with its K samples baked in: what seqlens runs."""

    def __init__(self, vae: VAE, eps: torch.Tensor):
        super().__init__()
        self.vae = vae
        self.register_buffer("eps", eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.vae.elbo(x, self.eps)


def train(vae: VAE, x: torch.Tensor, w: np.ndarray, steps: int, batch: int, generator: torch.Generator,
          log) -> list[dict]:
    optimiser = torch.optim.Adam(vae.parameters(), lr=1e-3, weight_decay=WEIGHT_DECAY)
    probabilities = torch.tensor(w / w.sum())
    history = []
    running = 0.0
    for step in range(1, steps + 1):
        rows = torch.multinomial(probabilities, batch, replacement=True, generator=generator)
        eps = torch.randn(batch, 1, LATENT, generator=generator)
        xb = x[rows]
        mu, log_var = vae.posterior(xb)
        z = mu.unsqueeze(1) + torch.exp(0.5 * log_var).unsqueeze(1) * eps
        logits = vae.decoder(z).reshape(-1, len(ALPHABET), vae.length)
        log_p = (F.log_softmax(logits, dim=1) * xb).sum(dim=(1, 2))
        kl = 0.5 * (mu * mu + torch.exp(log_var) - 1.0 - log_var).sum(dim=1)
        loss = (kl - log_p).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        running += loss.item()
        if step % 500 == 0:
            history.append({"step": step, "train_negative_elbo": round(running / 500, 3)})
            log(f"step {step}: mean -ELBO {running / 500:.3f}")
            running = 0.0
    return history


def weighted_mean(values: np.ndarray, w: np.ndarray) -> float:
    return float((values * w).sum() / w.sum())


def independent_site_log_likelihood(train_states: np.ndarray, train_w: np.ndarray, test_states: np.ndarray) -> np.ndarray:
    """Held-out log-likelihood of a site-independent model (weighted frequencies, pseudocount
    0.5 per letter): the baseline a VAE should beat."""
    q = len(ALPHABET)
    counts = np.full((train_states.shape[1], q), 0.5)
    for l in range(train_states.shape[1]):
        np.add.at(counts[l], train_states[:, l], train_w)
    log_f = np.log(counts / counts.sum(1, keepdims=True))
    return log_f[np.arange(test_states.shape[1]), test_states].sum(1)


def export(model: ExportedELBO, length: int, path: str) -> None:
    x = torch.zeros(2, len(ALPHABET), length)
    torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["elbo"],
                      dynamic_axes={"input": {0: "batch"}, "elbo": {0: "batch"}}, opset_version=17,
                      dynamo=False, do_constant_folding=True)


def set_metadata(path: str, card: dict) -> None:
    m = onnx.load(path)
    del m.metadata_props[:]
    for key in ("tasks", "alphabet", "layout", "description"):
        value = card[key]
        m.metadata_props.append(onnx.StringStringEntryProto(key=key, value=value if isinstance(value, str) else json.dumps(value)))
    m.doc_string = card["description"]
    onnx.save(m, path)
    onnx.checker.check_model(path)


def op_histogram(path: str) -> dict:
    counts: dict[str, int] = {}
    for node in onnx.load(path).graph.node:
        counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    started = time.time()

    all_ids, all_aligned = read_aligned_fasta(ALIGNMENT)
    columns = focus_columns(all_aligned)
    kept = [n for n, s in enumerate(all_aligned) if valid(s, columns)]
    left_out = [all_ids[n] for n in range(len(all_ids)) if n not in set(kept)]
    ids, aligned = [all_ids[n] for n in kept], [all_aligned[n] for n in kept]
    states = encode(aligned, columns)
    length = len(columns)
    w = sequence_weights(states)
    print(f"{len(ids)} sequences (left out {left_out}), {length} focus columns, N_eff {w.sum():.1f} at identity {IDENTITY}")

    order = np.random.default_rng(SEED).permutation(len(ids))
    held_out = np.sort(order[: len(ids) // 10])
    training = np.sort(order[len(ids) // 10:])
    x = torch.tensor(one_hot(states))

    vae = VAE(length)
    history = train(vae, x[training], w[training], args.steps, args.batch, generator, print)
    vae.eval()

    eps = torch.randn(SAMPLES, LATENT, generator=torch.Generator().manual_seed(SEED + 1))
    exported = ExportedELBO(vae, eps).eval()
    with torch.no_grad():
        elbo = exported(x).squeeze(1).numpy().astype(np.float64)
    baseline = independent_site_log_likelihood(states[training], w[training], states[held_out])
    held_out_elbo = weighted_mean(elbo[held_out], w[held_out])
    training_elbo = weighted_mean(elbo[training], w[training])
    baseline_ll = weighted_mean(baseline, w[held_out])
    shuffled = np.array([np.random.default_rng(SEED + i).permutation(s) for i, s in enumerate(states[held_out])])
    with torch.no_grad():
        shuffled_elbo = exported(torch.tensor(one_hot(shuffled))).squeeze(1).numpy()
    print(f"ELBO (weighted mean, K={SAMPLES}): training {training_elbo:.3f}, held-out {held_out_elbo:.3f}; "
          f"site-independent held-out log-likelihood {baseline_ll:.3f}; shuffled held-out ELBO {weighted_mean(shuffled_elbo, w[held_out]):.3f}")

    os.makedirs(os.path.dirname(MODEL), exist_ok=True)
    export(exported, length, MODEL)
    session = ort.InferenceSession(MODEL, providers=["CPUExecutionProvider"])
    ort_elbo = session.run(None, {"input": x.numpy()})[0].squeeze(1)
    torch_ort = float(np.abs(ort_elbo - elbo).max())
    print(f"max |torch - onnxruntime| over the alignment: {torch_ort:.1e}")

    parameters = sum(p.numel() for p in vae.parameters())
    focus = aligned[0]
    card = {
        "name": "ww-vae",
        "tasks": ["elbo"],
        "alphabet": "protein-gap",
        "layout": "channels-first",
        "input_length": length,
        "description": (
            f"Variational autoencoder of the WW domain (Pfam PF00397 RP15, the {len(all_ids):,}-sequence alignment in "
            f"logomaker's example data; {length} focus columns = the first sequence's residues = Pfam's match columns; "
            f"gap-first alphabet -ACDEFGHIKLMNPQRSTVWY). Output: the ELBO averaged over K={SAMPLES} fixed standard-normal "
            f"samples (seed {SEED + 1}), so ISM = ELBO(mutant) - ELBO(wild type) is DeepSequence's/EVE's mutation score. "
            f"Held-out weighted mean ELBO {held_out_elbo:.2f} nats (site-independent model {baseline_ll:.2f}). "
            "Not validated against measured mutation effects: no WW-domain measurements ship offline."),
        "dataset": (f"logomaker {logomaker.__version__} examples/datafiles/ww_sequences.fa: {len(all_ids)} sequences x "
                    f"{len(aligned[0])} columns; focus sequence {ids[0]}; '.' reads as gap; left out (a letter outside "
                    f"the 21 states at a focus column, as plmc): {', '.join(left_out)}; weights 1/#neighbours at >= "
                    f"{IDENTITY} identity over the focus columns (EVcouplings' num_cluster_members), N_eff {w.sum():.1f}; "
                    f"held out 10 % ({len(held_out)} of {len(ids)} sequences, numpy seed {SEED})"),
        "architecture": (f"encoder 21x{length} one-hot -> dense {HIDDEN} + ReLU -> mean, log-variance ({LATENT}); "
                         f"decoder z ({LATENT}) -> dense {HIDDEN} + ReLU -> dense 21x{length}, softmax over the 21 letters "
                         "per position; ELBO = mean_k log p(x | mu + sigma eps_k) - KL(N(mu, sigma^2) || N(0, I))"),
        "samples": SAMPLES,
        "sample_seed": SEED + 1,
        "training": (f"Adam lr 1e-3, weight decay {WEIGHT_DECAY:g}, {args.steps} steps of {args.batch} sequences drawn in proportion to "
                     f"their weights, one reparameterised sample per sequence; torch.manual_seed({SEED}), 1 CPU thread, "
                     f"{time.time() - started:.0f} s; torch {torch.__version__}; tools/train-protein-vae.py"),
        "parameters": parameters,
        "metrics": {
            "held_out_elbo": round(held_out_elbo, 4),
            "training_elbo": round(training_elbo, 4),
            "held_out_site_independent_log_likelihood": round(baseline_ll, 4),
            "held_out_shuffled_elbo": round(weighted_mean(shuffled_elbo, w[held_out]), 4),
            "effective_sequences": round(float(w.sum()), 2),
            "max_abs_torch_minus_onnxruntime": torch_ort,
        },
        "validation": ("None against measurements: no deep mutational scan of a WW domain ships offline (mavenn's "
                       "datasets are GB1, amyloid beta, TDP-43 and splicing/promoter libraries; the Pfam alignments in "
                       "hmmer-doc are fn3, Pkinase and globins). Validating it needs a WW-domain scan such as YAP1's "
                       "(Araya et al. 2012, in ProteinGym as YAP1_HUMAN_Araya_2012) and Spearman of ISM against it."),
        "focus_sequence": focus.replace(".", "").upper(),
        "license": "CC BY 4.0 (model); alignment from Pfam (CC0)",
    }
    set_metadata(MODEL, card)
    with open(CARD, "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")

    os.makedirs(os.path.dirname(SEQUENCES), exist_ok=True)
    with open(SEQUENCES, "w") as f:
        for name in SHIPPED:
            residues = "".join(ALPHABET[s] for s in states[ids.index(name)])
            f.write(f">{name} WW domain, {length} focus columns of Pfam PF00397\n{residues}\n")

    size = os.path.getsize(MODEL)
    m = card["metrics"]
    write_training_section("ww-vae", "\n".join([
        "## ww-vae",
        "",
        f"- {card['description']}",
        f"- data: {card['dataset']}",
        f"- architecture: {card['architecture']}",
        f"- parameters: {parameters}; files: ww-vae.onnx ({size:,} bytes); exporter legacy (opset 17); ops {json.dumps(op_histogram(MODEL))}",
        f"- training: {card['training']}",
        f"- **held-out ELBO {m['held_out_elbo']:.3f} nats** (weighted mean, K={SAMPLES}); training {m['training_elbo']:.3f}; "
        f"site-independent model on the same held-out sequences {m['held_out_site_independent_log_likelihood']:.3f}; "
        f"column-shuffled held-out sequences {m['held_out_shuffled_elbo']:.3f}; max |torch - onnxruntime| {torch_ort:.1e}",
        f"- validation: {card['validation']}",
        "",
        "| step | training -ELBO (500-step mean) |",
        "|---|---|",
        *[f"| {h['step']} | {h['train_negative_elbo']:.3f} |" for h in history],
    ]))
    print(f"wrote {MODEL} ({size:,} bytes), {CARD}, {SEQUENCES}, TRAINING.md section")


if __name__ == "__main__":
    main()
