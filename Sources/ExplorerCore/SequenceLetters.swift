import Genomics

extension ExplorerState {
    /// "base" or "residue": how messages name one letter of the sequence.
    var letterNoun: String { alphabet.isNucleic ? "base" : "residue" }

    /// The letters an edit may write, as messages list them: "ACGT or N", or the amino acids (N among them).
    var editableLetters: String { alphabet.isNucleic ? "\(alphabet.lettersString) or N" : alphabet.lettersString }
}
