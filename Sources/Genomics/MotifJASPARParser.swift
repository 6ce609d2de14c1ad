import Foundation

extension MotifReader {
    /// Parses JASPAR count matrices as jaspar.elixir.no serves them: a `>ID NAME` header, then one row
    /// of counts per letter, `A [ 12 0 3 ]` (brackets and letters optional; bare rows are A, C, G, T).
    /// A `U` row makes the motif RNA. Counts become probabilities with `pseudocount` added per
    /// column, spread by the background (uniform unless given): p = (count + pseudocount·bg) / (sites + pseudocount).
    public static func parseJASPAR(_ text: String, source: String, pseudocount: Double = defaultPseudocount, background: [Double]? = nil) throws -> [Motif] {
        var motifs: [Motif] = []
        var header: (id: String, name: String, line: Int)?
        var rows: [(letter: UInt8?, counts: [Double], line: Int)] = []

        func error(_ line: Int, _ message: String) -> GenomicsError { GenomicsError("\(source):\(line): \(message)") }

        func finish() throws {
            guard let motif = header else { return }
            guard rows.count == 4 else {
                throw error(motif.line, "motif '\(motif.id)' has \(rows.count) rows of counts, expected 4 (A, C, G, T)")
            }
            let width = rows[0].counts.count
            if let ragged = rows.first(where: { $0.counts.count != width }) {
                throw error(ragged.line, "row has \(ragged.counts.count) counts, but the A row has \(width)")
            }
            let alphabet: Alphabet = rows.contains { $0.letter == UInt8(ascii: "U") } ? .rna : .dna
            var ordered = [[Double]](repeating: [], count: 4)
            for (offset, row) in rows.enumerated() {
                let channel = row.letter.flatMap { alphabet.index(of: $0) } ?? offset
                guard ordered[channel].isEmpty else { throw error(row.line, "letter row appears twice in motif '\(motif.id)'") }
                ordered[channel] = row.counts
            }
            var columns: [[Double]] = []
            var sites = 0.0
            for position in 0 ..< width {
                let counts = ordered.map { $0[position] }
                let total = counts.reduce(0, +)
                // Beyond 2^31 sites a count is a corrupt file, and larger sums lose the small counts.
                guard total <= Double(Int32.max) else {
                    throw error(motif.line, "motif '\(motif.id)' has \(total) sites at position \(position + 1); counts above \(Int32.max) are not site counts")
                }
                guard total + pseudocount > 0 else { throw error(motif.line, "motif '\(motif.id)' has no counts at position \(position + 1)") }
                sites = max(sites, total)
                columns.append(probabilities(counts: counts, pseudocount: pseudocount, background: background))
            }
            motifs.append(Motif(id: motif.id, name: motif.name, alphabet: alphabet, columns: columns, sites: Int(sites.rounded())))
            header = nil
            rows = []
        }

        for (number, line) in numberedLines(text) where !line.isEmpty && !line.hasPrefix("#") {
            if line.hasPrefix(">") {
                try finish()
                let tokens = line.dropFirst().split(whereSeparator: \.isWhitespace)
                guard let id = tokens.first else { throw error(number, "header has no id; write it as '>MA0079.5 SP1'") }
                header = (String(id), tokens.dropFirst().joined(separator: " "), number)
                continue
            }
            guard header != nil else { throw error(number, "counts before the first '>ID NAME' header") }
            if line.count > 1, line.allSatisfy(\.isLetter) {
                throw error(number, "a line of letters where counts belong; this looks like FASTA, not a JASPAR motif file")
            }
            var body = Substring(line)
            var letter: UInt8?
            if let first = body.first, first.isLetter {
                guard let ascii = first.uppercased().first?.asciiValue, "ACGTU".utf8.contains(ascii) else {
                    throw error(number, "row letter '\(first)' is not one of A, C, G, T, U")
                }
                letter = ascii
                body = body.dropFirst()
            }
            let tokens = body.replacingOccurrences(of: "[", with: " ").replacingOccurrences(of: "]", with: " ")
                .replacingOccurrences(of: ":", with: " ").split(whereSeparator: \.isWhitespace)
            let counts = try tokens.map { token -> Double in
                guard let value = count(token) else { throw error(number, "'\(token)' is not a count (a number of 0 or more)") }
                return value
            }
            guard !counts.isEmpty else { throw error(number, "row has no counts") }
            guard rows.count < 4 else { throw error(number, "a fifth row of counts; a JASPAR matrix has one row per letter of ACGT") }
            rows.append((letter, counts, number))
        }
        try finish()
        guard !motifs.isEmpty else { throw GenomicsError("\(source): no motifs found; a JASPAR matrix starts with a '>ID NAME' line") }
        return motifs
    }
}
