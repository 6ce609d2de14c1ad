import Foundation

extension MotifReader {
    /// Parses the MEME minimal motif format (https://meme-suite.org/meme/doc/meme-format.html):
    /// `MEME version`, optional `ALPHABET=` (ACGT or ACGU; DNA when absent), optional
    /// `Background letter frequencies` (uniform when absent), then `MOTIF id [name]` blocks, each with a
    /// `letter-probability matrix:` of `w` rows of `alength` probabilities. Log-odds matrices, `URL` and
    /// `strands:` lines are skipped. Rows are normalised to sum to 1 (MEME rounds to 6 decimals).
    public static func parseMEME(_ text: String, source: String) throws -> [Motif] {
        let lines = numberedLines(text)
        var alphabet = Alphabet.dna
        var background: [Double]?
        var motifs: [Motif] = []
        var current: (id: String, name: String, line: Int)?
        var sawVersion = false
        var index = 0

        func error(_ line: Int, _ message: String) -> GenomicsError { GenomicsError("\(source):\(line): \(message)") }

        /// Reads rows of numbers after a matrix header: `expected` rows when the header says, else until a
        /// non-numeric line. Probabilities must be 0 or more; log-odds may be anything.
        func numericRows(expected: Int?, columns: Int, probabilities: Bool = true) throws -> [[Double]] {
            var rows: [[Double]] = []
            while index < lines.count, expected.map({ rows.count < $0 }) ?? true {
                let (number, line) = lines[index]
                if line.isEmpty { index += 1; continue }
                let tokens = line.split(whereSeparator: \.isWhitespace)
                guard Double(tokens[0]) != nil else {
                    if let expected { throw error(number, "matrix has \(rows.count) rows, but its header says w= \(expected)") }
                    break
                }
                let values = try tokens.map { token -> Double in
                    guard let value = probabilities ? count(token) : Double(token) else {
                        throw error(number, "'\(token)' is not a probability (a number from 0 to 1)")
                    }
                    return value
                }
                guard values.count == columns else {
                    throw error(number, "row has \(values.count) numbers, expected \(columns) (one per letter of \(alphabet.lettersString))")
                }
                rows.append(values)
                index += 1
            }
            if let expected, rows.count < expected { throw error(lines.last?.number ?? 0, "matrix ends after \(rows.count) rows, but its header says w= \(expected)") }
            return rows
        }

        while index < lines.count {
            let (number, line) = lines[index]
            index += 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !sawVersion {
                guard line.hasPrefix("MEME version") else { throw error(number, "a MEME motif file starts with 'MEME version 4'") }
                sawVersion = true
                continue
            }
            if line.hasPrefix("ALPHABET=") {
                let letters = line.dropFirst("ALPHABET=".count).trimmingCharacters(in: .whitespaces).uppercased()
                switch letters {
                case "ACGT": alphabet = .dna
                case "ACGU": alphabet = .rna
                default: throw error(number, "alphabet '\(letters)' is not supported; seqlens reads DNA (ACGT) and RNA (ACGU) motifs")
                }
            } else if line.hasPrefix("ALPHABET") {
                // A MEME 5 custom alphabet definition: only the standard nucleic-acid ones are supported.
                if line.contains("DNA-LIKE") { alphabet = .dna } else if line.contains("RNA-LIKE") { alphabet = .rna } else {
                    throw error(number, "custom alphabet '\(line)' is not supported; seqlens reads DNA (ACGT) and RNA (ACGU) motifs")
                }
                while index < lines.count, !lines[index].text.hasPrefix("END ALPHABET") { index += 1 }
                index += 1
            } else if line.hasPrefix("Background letter frequencies") {
                var frequencies: [Int: Double] = [:]
                while frequencies.count < alphabet.size, index < lines.count {
                    let (valueLine, text) = lines[index]
                    index += 1
                    if text.isEmpty { continue }
                    let tokens = text.split(whereSeparator: \.isWhitespace)
                    guard tokens.count % 2 == 0 else { throw error(valueLine, "background frequencies come in pairs such as 'A 0.25 C 0.25'") }
                    for pair in stride(from: 0, to: tokens.count, by: 2) {
                        guard tokens[pair].count == 1, let letter = alphabet.index(of: tokens[pair].utf8.first!),
                              let value = count(tokens[pair + 1]) else {
                            throw error(valueLine, "'\(tokens[pair]) \(tokens[pair + 1])' is not a letter of \(alphabet.lettersString) and its frequency")
                        }
                        frequencies[letter] = value
                    }
                }
                let total = frequencies.values.reduce(0, +)
                guard total.isFinite else { throw error(number, "background frequencies sum to \(total); each is a fraction from 0 to 1") }
                // Logos and scans divide by the background: a letter that never occurs has no odds.
                if let absent = (0 ..< alphabet.size).first(where: { frequencies[$0] == 0 }) {
                    throw error(number, "background frequency of \(Character(UnicodeScalar(alphabet.letters[absent]))) is 0; every letter needs a frequency above 0")
                }
                guard frequencies.count == alphabet.size, total > 0 else {
                    throw error(number, "background gives \(frequencies.count) of the \(alphabet.size) letters of \(alphabet.lettersString)")
                }
                background = (0 ..< alphabet.size).map { frequencies[$0]! / total }
            } else if line.hasPrefix("MOTIF") {
                if let current { throw error(current.line, "motif '\(current.id)' has no letter-probability matrix") }
                let tokens = line.split(whereSeparator: \.isWhitespace)
                guard tokens.count >= 2 else { throw error(number, "MOTIF needs an id, e.g. 'MOTIF MA0079.5 SP1'") }
                current = (String(tokens[1]), tokens.dropFirst(2).joined(separator: " "), number)
            } else if line.hasPrefix("letter-probability matrix") {
                guard let motif = current else { throw error(number, "letter-probability matrix before any MOTIF line") }
                let fields = headerFields(line)
                if let alength = fields["alength"], Int(alength) != alphabet.size {
                    throw error(number, "alength= \(alength) does not match the alphabet \(alphabet.lettersString)")
                }
                let width = try fields["w"].map { field -> Int in
                    guard let width = Int(field), width > 0 else { throw error(number, "w= \(field) is not a motif width (1 or more positions)") }
                    return width
                }
                let rows = try numericRows(expected: width, columns: alphabet.size)
                guard !rows.isEmpty else { throw error(number, "motif '\(motif.id)' has an empty matrix") }
                for (offset, row) in rows.enumerated() {
                    let sum = row.reduce(0, +)
                    guard abs(sum - 1) <= 0.1 else {
                        throw error(number + 1 + offset, "row sums to \(sum); each row of a letter-probability matrix sums to 1 (counts belong in JASPAR files)")
                    }
                }
                let sites = try fields["nsites"].map { field -> Int in
                    guard let value = count(Substring(field)), value <= Double(Int32.max) else {
                        throw error(number, "nsites= \(field) is not a number of sites (0 to \(Int32.max))")
                    }
                    return Int(value.rounded())
                }
                motifs.append(Motif(id: motif.id, name: motif.name, alphabet: alphabet, columns: rows, background: background, sites: sites))
                current = nil
            } else if line.hasPrefix("log-odds matrix") {
                _ = try numericRows(expected: nil, columns: alphabet.size, probabilities: false)
            }
            // Other lines (strands:, URL, free text) carry nothing a logo needs.
        }
        if let current { throw error(current.line, "motif '\(current.id)' has no letter-probability matrix") }
        guard sawVersion else { throw GenomicsError("\(source): empty; a MEME motif file starts with 'MEME version 4'") }
        guard !motifs.isEmpty else { throw GenomicsError("\(source): no MOTIF blocks found") }
        return motifs
    }

    /// `alength= 4 w= 9 nsites= 20 E= 0` as a dictionary (MEME allows spaces around '=').
    private static func headerFields(_ line: String) -> [String: String] {
        let body = line.split(separator: ":", maxSplits: 1).dropFirst().first ?? ""
        let tokens = body.replacingOccurrences(of: "=", with: " = ").split(whereSeparator: \.isWhitespace)
        var fields: [String: String] = [:]
        var i = 0
        while i + 2 < tokens.count {
            if tokens[i + 1] == "=" { fields[String(tokens[i])] = String(tokens[i + 2]); i += 3 } else { i += 1 }
        }
        return fields
    }
}
