"""JASPAR CORE vertebrates (newest release bundled in pyjaspar, latest version of each
matrix) and the synthetic RNA motifs; export to MEME minimal and JASPAR formats."""
from __future__ import annotations

import dataclasses
import os

import numpy as np

from .common import MOTIF_DIR, write_json

COLLECTION = "CORE"
TAX_GROUP = "vertebrates"


@dataclasses.dataclass
class Motif:
    matrix_id: str          # JASPAR id (MA0095.4) or a synthetic id (synthetic:RBFOX)
    name: str
    counts: np.ndarray      # (4, w) float64, rows A,C,G,T(U)

    @property
    def width(self) -> int:
        return self.counts.shape[1]

    @property
    def probs(self) -> np.ndarray:
        c = self.counts
        return c / c.sum(axis=0, keepdims=True)

    @property
    def ic(self) -> np.ndarray:
        """Information content per column (bits) against a uniform background."""
        p = self.probs
        with np.errstate(divide="ignore", invalid="ignore"):
            h = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0).sum(axis=0)
        return 2.0 + h

    @property
    def consensus(self) -> str:
        return "".join("ACGT"[i] for i in self.probs.argmax(axis=0))


def jaspar_release() -> str:
    from pyjaspar import jaspardb
    return jaspardb().release  # pyjaspar's default is its newest release


def load_jaspar() -> tuple[str, list[Motif]]:
    """All CORE vertebrate matrices of the newest bundled release, latest versions only,
    sorted by matrix id."""
    from pyjaspar import jaspardb
    db = jaspardb()
    ms = db.fetch_motifs(collection=COLLECTION, tax_group=[TAX_GROUP], all_versions=False)
    out = []
    for m in ms:
        counts = np.array([list(m.counts[b]) for b in "ACGT"], dtype=np.float64)
        out.append(Motif(m.matrix_id, m.name, counts))
    out.sort(key=lambda m: (m.matrix_id.split(".")[0], int(m.matrix_id.split(".")[1])))
    return db.release, out


def by_name(motifs: list[Motif], names: list[str]) -> list[Motif]:
    """The matrices named `names` (case-insensitive; one latest version per name)."""
    idx = {}
    for m in motifs:
        idx.setdefault(m.name.upper(), []).append(m)
    out = []
    for n in names:
        hits = idx.get(n.upper(), [])
        if len(hits) != 1:
            raise KeyError(f"JASPAR name {n!r}: {len(hits)} matrices")
        out.append(hits[0])
    return out


def normalised_motifs(path: str) -> dict[str, np.ndarray]:
    """A MEME file's motifs as memelite reads them ('ID NAME' -> (4, w) float64), each column
    divided by its sum added in letter order, as seqlens' Motif.init does: MEME rounds
    probabilities to 6 decimals, and a column off 1 by 1e-6 moves a score across a 0.1-bit bin
    now and then, so memelite's fimo then gives `seqlens scan`'s sites exactly."""
    from memelite.io import read_meme
    motifs = {}
    for name, pwm in read_meme(path).items():
        columns = []
        for column in pwm.T:
            total = 0.0
            for value in column:
                total += float(value)
            columns.append([float(value) / total for value in column])
        motifs[name] = np.ascontiguousarray(np.array(columns, dtype=np.float64).T)
    return motifs


# --------------------------------------------------------------- synthetic RNA motifs

def rna_motifs() -> list[Motif]:
    """RBP-like motifs of the RNA binding dataset as PWMs (rows A,C,G,U):
    RBFOX UGCAUG (near-deterministic), a U-rich element (7 nt, U 0.85 each) and a GC
    hairpin (5-bp G/C stem, GAAA loop, complementary stem; the PWM cannot express the
    pairing, so the stem columns are G/C 0.5 each)."""
    def pwm(cols):
        return np.array(cols, dtype=np.float64).T * 100.0

    det = {"A": [.94, .02, .02, .02], "C": [.02, .94, .02, .02], "G": [.02, .02, .94, .02],
           "U": [.02, .02, .02, .94]}
    rbfox = pwm([det[c] for c in "UGCAUG"])
    urich = pwm([[.05, .05, .05, .85]] * 7)
    gc = [0.0, 0.5, 0.5, 0.0]
    loop = [det[c] for c in "GAAA"]
    hairpin = pwm([gc] * 5 + loop + [gc] * 5)
    return [Motif("synthetic:RBFOX", "RBFOX", rbfox),
            Motif("synthetic:URE", "U-rich", urich),
            Motif("synthetic:GC-hairpin", "GC-hairpin", hairpin)]


# ----------------------------------------------------------------------- writers

def _fmt_count(v: float) -> str:
    return str(int(round(v))) if abs(v - round(v)) < 1e-9 else f"{v:.2f}"


def write_jaspar(path: str, motifs: list[Motif], letters: str = "ACGT") -> None:
    with open(path, "w") as f:
        for m in motifs:
            f.write(f">{m.matrix_id}\t{m.name}\n")
            for r, b in enumerate(letters):
                f.write(f"{b}  [" + "".join(f"{_fmt_count(v):>7s}" for v in m.counts[r]) + " ]\n")
            f.write("\n")


def write_meme(path: str, motifs: list[Motif], alphabet: str = "ACGT", url: bool = True) -> None:
    with open(path, "w") as f:
        f.write("MEME version 4\n\n")
        f.write(f"ALPHABET= {alphabet}\n\n")
        f.write("strands: + -\n\n" if alphabet == "ACGT" else "strands: +\n\n")
        f.write("Background letter frequencies\n")
        f.write(" ".join(f"{b} 0.25" for b in alphabet) + "\n\n")
        for m in motifs:
            nsites = int(round(m.counts.sum(axis=0).mean()))
            f.write(f"MOTIF {m.matrix_id} {m.name}\n")
            f.write(f"letter-probability matrix: alength= 4 w= {m.width} nsites= {nsites} E= 0\n")
            for col in m.probs.T:
                f.write(" " + "  ".join(f"{v:.6f}" for v in col) + "\n")
            if url and m.matrix_id.startswith("MA"):
                f.write(f"URL https://jaspar.elixir.no/matrix/{m.matrix_id}/\n")
            f.write("\n")


README = """# Motifs

## {prefix}.meme / {prefix}.jaspar

All **{n} matrices of the JASPAR CORE collection, vertebrates** taxonomic group, of the
**{release}** release, latest version of each matrix only (JASPAR's "non-redundant" set),
sorted by matrix id. Taken offline from the SQLite database bundled in the `pyjaspar`
{pyjaspar} package (pyjaspar's newest release; its README notes that JASPAR2026 was
published there for peer review ahead of the public release).

- `{prefix}.meme`: MEME minimal motif format (version 4, DNA alphabet ACGT, both strands,
  uniform background, letter-probability matrices = counts / column sum, `nsites` = column
  sum, a JASPAR URL per motif). Readable by MEME suite tools (FIMO, Tomtom), tangermeme
  `read_meme`, and seqlens.
- `{prefix}.jaspar`: JASPAR count-matrix format (`>ID<TAB>NAME` then rows `A [ ... ]`,
  `C`, `G`, `T`), as served by jaspar.elixir.no; counts written as integers where integral.

Regenerate with `make sample-models` (tools/sample_models/motifs.py).

### Licence

JASPAR data are distributed under the Creative Commons Attribution 4.0 International
licence (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/). The files here are a
format conversion of the JASPAR matrices; no values were changed except the
normalisation of counts to probabilities in the MEME file.

### Citation

If you use these matrices, cite JASPAR (the {release} paper once published; the latest
published release paper is):

> Rauluseviciute I, et al. JASPAR 2024: 20th anniversary of the open-access database of
> transcription factor binding profiles. *Nucleic Acids Research* 52(D1):D174-D182 (2024).
> doi:10.1093/nar/gkad1059

and pyJASPAR, through which they were obtained:

> Khan A. pyJASPAR: a Pythonic interface to JASPAR transcription factor motifs (2021).
> Zenodo. doi:10.5281/zenodo.4485856

JASPAR: https://jaspar.elixir.no/

## rna-synthetic.meme / rna-synthetic.jaspar

The three RNA-binding-protein-like motifs embedded in the synthetic RNA binding dataset
(assets/datasets/rna-binding), alphabet ACGU, written by the same script (not JASPAR data;
CC BY 4.0 like the rest of the sample assets):

{rna_table}
"""


def export(out_dir: str = MOTIF_DIR) -> dict:
    import importlib.metadata
    release, motifs = load_jaspar()
    os.makedirs(out_dir, exist_ok=True)
    prefix = f"{release}_{COLLECTION}_{TAX_GROUP}"
    write_meme(os.path.join(out_dir, prefix + ".meme"), motifs)
    write_jaspar(os.path.join(out_dir, prefix + ".jaspar"), motifs)
    rna = rna_motifs()
    write_meme(os.path.join(out_dir, "rna-synthetic.meme"), rna, alphabet="ACGU")
    write_jaspar(os.path.join(out_dir, "rna-synthetic.jaspar"), rna, letters="ACGU")
    rna_table = "\n".join(
        f"- `{m.matrix_id}` {m.name}: width {m.width}, consensus "
        f"{m.consensus.replace('T', 'U')}, {m.ic.sum():.1f} bits" for m in rna)
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write(README.format(prefix=prefix, n=len(motifs), release=release,
                              pyjaspar=importlib.metadata.version("pyjaspar"), rna_table=rna_table))
    print(f"motifs: {len(motifs)} {release} {COLLECTION} {TAX_GROUP} matrices -> {out_dir}")
    return {"release": release, "count": len(motifs), "prefix": prefix}
