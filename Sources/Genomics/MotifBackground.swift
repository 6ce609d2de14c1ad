import Foundation

extension MotifReader {
    /// Reads a background file as MEME's `fasta-get-markov` writes it (FIMO's `--bfile`): `#` comments,
    /// then one `letter frequency` pair per line, e.g. `A 0.295`. Only the single letters (order 0) are
    /// used; lines of longer words (`AA 0.091`, higher Markov orders) are skipped. The frequencies are
    /// normalised to sum to 1, in the order A, C, G, T.
    public static func readBackground(contentsOf url: URL) throws -> [Double] {
        let path = url.relativePath
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw GenomicsError("\(path): cannot read the background file; check the path (a file of lines such as 'A 0.295')")
        }
        return try parseBackground(text, source: path)
    }

    /// Parses background text; `source` names it in errors.
    public static func parseBackground(_ text: String, source: String) throws -> [Double] {
        var frequencies = [Double?](repeating: nil, count: 4)
        for (number, line) in numberedLines(text) where !line.isEmpty && !line.hasPrefix("#") {
            let tokens = line.split(whereSeparator: \.isWhitespace)
            guard tokens.count == 2, let value = count(tokens[1]) else {
                throw GenomicsError("\(source):\(number): expected a letter and its frequency, such as 'A 0.295'")
            }
            guard tokens[0].count == 1 else { continue }
            guard let letter = Alphabet.dna.index(of: tokens[0].utf8.first!) else {
                throw GenomicsError("\(source):\(number): '\(tokens[0])' is not one of the letters A, C, G, T")
            }
            guard value > 0 else { throw GenomicsError("\(source):\(number): the frequency of \(tokens[0]) is 0; every letter needs a frequency above 0") }
            frequencies[letter] = value
        }
        let given = frequencies.compactMap { $0 }
        guard given.count == 4 else {
            throw GenomicsError("\(source): gives \(given.count) of the 4 letter frequencies; write one line per letter of A, C, G, T")
        }
        let total = given.reduce(0, +)
        guard total.isFinite else { throw GenomicsError("\(source): frequencies sum to \(total); each is a fraction from 0 to 1") }
        return given.map { $0 / total }
    }
}
