import Foundation

extension Motif {
    /// Motifs as a MEME minimal-format file (MEME suite, tangermeme's read_meme and `MotifReader`
    /// read it back): probabilities with 6 decimals, as `modisco meme` writes them. The alphabet
    /// and background are the first motif's; all motifs share them.
    public static func memeText(_ motifs: [Motif]) -> String {
        let alphabet = motifs.first?.alphabet ?? .dna
        let background = motifs.first?.background ?? [Double](repeating: 1 / Double(alphabet.size), count: alphabet.size)
        let letters = alphabet.lettersString
        var text = "MEME version 4\n\nALPHABET= \(letters)\n\nstrands: + -\n\nBackground letter frequencies\n"
        text += zip(letters, background).map { "\($0) \(String(format: "%.4f", $1))" }.joined(separator: " ") + "\n"
        for motif in motifs {
            text += "\nMOTIF \(motif.id)\(motif.name.isEmpty ? "" : " \(motif.name)")\n"
            text += "letter-probability matrix: alength= \(alphabet.size) w= \(motif.width) nsites= \(motif.sites ?? 1) E= 0\n"
            for position in 0 ..< motif.width {
                text += motif.column(position).map { String(format: "%.6f", $0) }.joined(separator: " ") + "\n"
            }
        }
        return text
    }
}
