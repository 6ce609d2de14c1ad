import Foundation

extension MotifReader {
    /// Parses HOMER motif files (http://homer.ucsd.edu/homer/motif/creatingCustomMotifs.html): a header
    /// `>CONSENSUS<tab>NAME<tab>log-odds threshold[<tab>...]`, then one row per position of the
    /// probabilities of A, C, G, T (rows that do not sum to 1, such as counts, are normalised).
    /// The id is NAME as written ("CTCF(Zf)/CD4+-CTCF-ChIP-Seq(Barski_et_al.)/Homer"), the name its
    /// leading factor name ("CTCF"); the background is uniform. HOMER applies no pseudocount to its
    /// probabilities, and neither does this reader.
    public static func parseHOMER(_ text: String, source: String) throws -> [Motif] {
        var motifs: [Motif] = []
        var header: (id: String, name: String, line: Int)?
        var columns: [[Double]] = []

        func error(_ line: Int, _ message: String) -> GenomicsError { GenomicsError("\(source):\(line): \(message)") }

        func finish() throws {
            guard let motif = header else { return }
            guard !columns.isEmpty else { throw error(motif.line, "motif '\(motif.id)' has no rows of probabilities; each position is a row 'A C G T'") }
            motifs.append(Motif(id: motif.id, name: motif.name, alphabet: .dna, columns: columns))
            header = nil
            columns = []
        }

        for (number, line) in numberedLines(text) where !line.isEmpty && !line.hasPrefix("#") {
            if line.hasPrefix(">") {
                try finish()
                let fields = line.dropFirst().split(separator: "\t", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                guard let consensus = fields.first, !consensus.isEmpty else {
                    throw error(number, "header has no consensus; write it as '>ACGTACGT<tab>NAME<tab>6.5'")
                }
                guard fields.count >= 3, let threshold = Double(fields[2]), threshold.isFinite else {
                    throw error(number, "header needs a third tab-separated field, the log-odds threshold (a number), as in '>ACGTACGT<tab>NAME<tab>6.5'")
                }
                let id = fields[1].isEmpty ? consensus : fields[1]
                let factor = id.prefix { $0 != "(" && $0 != "/" }
                header = (id, fields[1].isEmpty ? "" : String(factor), number)
                continue
            }
            guard header != nil else { throw error(number, "a row before the first '>CONSENSUS<tab>NAME<tab>threshold' header") }
            let tokens = line.split(whereSeparator: \.isWhitespace)
            guard tokens.count == 4 else {
                throw error(number, "row has \(tokens.count) fields, expected 4 probabilities (A C G T) per position")
            }
            let values = try tokens.map { token -> Double in
                guard let value = count(token), value <= Double(Int32.max) else { throw error(number, "'\(token)' is not a probability (a number from 0 to 1)") }
                return value
            }
            guard values.reduce(0, +) > 0 else { throw error(number, "row is all zeros; each position needs a probability above 0 for some letter") }
            columns.append(values)
        }
        try finish()
        guard !motifs.isEmpty else { throw GenomicsError("\(source): no motifs found; a HOMER motif starts with a '>CONSENSUS<tab>NAME<tab>threshold' line") }
        return motifs
    }
}
