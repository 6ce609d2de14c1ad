import Foundation

extension MotifReader {
    /// Parses TRANSFAC matrices (as TRANSFAC and JASPAR's TRANSFAC export write them): two-letter line
    /// codes, `AC` accession, `ID` identifier, `NA` name, a `P0` (or `PO`) line naming the letter
    /// columns (`P0 A C G T`, any order; a `U` column makes the motif RNA), then one row per position,
    /// `01 12 0 3 5 [consensus letter]`, and `//` after each motif. The id is AC (ID when there is no
    /// AC), the name NA, else ID. Rows of counts become probabilities with `pseudocount` spread by the
    /// background; rows that already sum to 1 are probabilities and are kept as they are.
    public static func parseTRANSFAC(_ text: String, source: String, pseudocount: Double = defaultPseudocount, background: [Double]? = nil) throws -> [Motif] {
        var motifs: [Motif] = []
        var accession: String?, identifier: String?, name: String?
        var start = 0
        var letters: [Int]?
        var alphabet = Alphabet.dna
        var rows: [[Double]] = []
        /// The number of the first row, 1 (or 0 in some files); the rest count up from it.
        var firstRow = 1

        func error(_ line: Int, _ message: String) -> GenomicsError { GenomicsError("\(source):\(line): \(message)") }

        func finish() throws {
            defer { accession = nil; identifier = nil; name = nil; letters = nil; rows = []; alphabet = .dna }
            guard let id = accession ?? identifier else {
                if letters != nil { throw error(start, "matrix has no AC or ID line to name it") }
                return
            }
            guard letters != nil, !rows.isEmpty else { throw error(start, "motif '\(id)' has no P0 table of counts") }
            let isProbabilities = rows.allSatisfy { abs($0.reduce(0, +) - 1) <= 0.01 }
            var sites = 0.0
            let columns = try rows.enumerated().map { position, counts -> [Double] in
                let total = counts.reduce(0, +)
                guard total <= Double(Int32.max) else { throw error(start, "motif '\(id)' has \(total) sites at position \(position + 1); counts above \(Int32.max) are not site counts") }
                guard total + (isProbabilities ? 0 : pseudocount) > 0 else { throw error(start, "motif '\(id)' has no counts at position \(position + 1)") }
                sites = max(sites, total)
                return isProbabilities ? counts : probabilities(counts: counts, pseudocount: pseudocount, background: background)
            }
            let label = name ?? (accession != nil ? identifier : nil) ?? ""
            motifs.append(Motif(id: id, name: label, alphabet: alphabet, columns: columns, sites: isProbabilities ? nil : Int(sites.rounded())))
        }

        for (number, line) in numberedLines(text) where !line.isEmpty {
            let code = String(line.prefix(2))
            let value = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
            if code == "//" {
                try finish()
                continue
            }
            if code == "AC" || code == "ID" || code == "NA" {
                // A second accession starts the next motif when the file leaves out '//'.
                if code == "AC" || (code == "ID" && identifier != nil), letters != nil { try finish() }
                if accession == nil, identifier == nil { start = number }
                guard !value.isEmpty else { throw error(number, "\(code) line has no value") }
                let first = String(value.split(whereSeparator: \.isWhitespace)[0])
                switch code {
                case "AC": accession = first
                case "ID": identifier = first
                default: name = value
                }
                continue
            }
            if code == "P0" || code == "PO" {
                guard letters == nil else { throw error(number, "a second P0 line in one motif; end each motif with '//'") }
                if accession == nil, identifier == nil { start = number }
                let names = value.split(whereSeparator: \.isWhitespace).map { $0.uppercased() }
                if names.contains("U") { alphabet = .rna }
                let channels = names.map { $0.count == 1 ? alphabet.index(of: $0.utf8.first!) : nil }
                guard channels.count == 4, Set(channels.compactMap { $0 }).count == 4 else {
                    throw error(number, "P0 line names '\(names.joined(separator: " "))'; expected the four letters A C G T (or A C G U)")
                }
                letters = channels.map { $0! }
                continue
            }
            guard let order = letters, let position = Int(line.split(whereSeparator: \.isWhitespace)[0]) else {
                // XX, DE, BF, BA, CC and other annotation lines carry nothing the matrix needs.
                continue
            }
            var tokens = line.split(whereSeparator: \.isWhitespace).dropFirst()
            if tokens.count == 5, let last = tokens.last, Double(last) == nil { tokens = tokens.dropLast() }
            guard tokens.count == 4 else { throw error(number, "row \(position) has \(tokens.count) counts, expected 4 (one per letter of the P0 line)") }
            var counts = [Double](repeating: 0, count: 4)
            for (channel, token) in zip(order, tokens) {
                guard let value = count(token) else { throw error(number, "'\(token)' is not a count (a number of 0 or more)") }
                counts[channel] = value
            }
            if rows.isEmpty, position == 0 || position == 1 { firstRow = position }
            guard position == firstRow + rows.count else {
                throw error(number, "row numbered \(position) where \(firstRow + rows.count) belongs; rows are numbered 01, 02, ... in order")
            }
            rows.append(counts)
        }
        try finish()
        guard !motifs.isEmpty else { throw GenomicsError("\(source): no motifs found; a TRANSFAC matrix has an 'AC' or 'ID' line and a 'P0 A C G T' table") }
        return motifs
    }
}
