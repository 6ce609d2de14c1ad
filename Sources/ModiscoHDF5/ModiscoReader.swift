import Genomics

/// Reads the HDF5 results of modisco-lite (`modisco motifs -o RESULTS.h5`, modiscolite.io.save_hdf5):
///
/// ```text
/// /pos_patterns, /neg_patterns          (either may be absent)
///   pattern_N/                          N = 0, 1, ...
///     sequence, contrib_scores, hypothetical_contribs    (width, 4) numbers, A C G T
///     seqlets/ n_seqlets (1), start, end, example_idx, is_revcomp (n_seqlets each)
///     subpattern_N/                     the same layout (subpatterns of subpatterns are not read)
/// attribute window_size                 (optional)
/// ```
///
/// Every dataset's type and shape is checked before its values are used; values must be finite,
/// sequence fractions in 0...1, seqlets 0 <= start < end. The per-seqlet matrices
/// (`seqlets/sequence`, ...) are not read. Errors are one line naming the file and dataset.
public enum ModiscoReader {
    /// The widest pattern read (modisco's are tens of positions).
    static let maximumWidth = 100_000

    public static func read(path: String) throws -> ModiscoResults {
        let file = try HDF5File(path: path)
        let root = try file.root
        var patterns: [ModiscoPattern] = []
        var sawGroup = false
        for group in ["pos_patterns", "neg_patterns"] where try file.has(group, in: root) {
            sawGroup = true
            let patternGroup = try file.group(group, in: root)
            for name in try numbered(try file.memberNames(of: patternGroup), prefix: "pattern_", in: patternGroup, file: file) {
                patterns.append(try pattern(name, in: patternGroup, tag: "\(group).\(name)", file: file, depth: 0))
            }
        }
        guard sawGroup else {
            throw GenomicsError("\(path): holds neither pos_patterns nor neg_patterns; give modisco-lite's results (modisco motifs -o RESULTS.h5)")
        }
        let windowSize = try file.rootIntegerAttribute("window_size")
        guard windowSize.map({ (1 ... Int64(Int32.max)).contains($0) }) ?? true else {
            throw GenomicsError("\(path): attribute window_size is \(windowSize!), expected a positive length")
        }
        return ModiscoResults(patterns: patterns, windowSize: windowSize.map { Int($0) })
    }

    /// `names`, each `prefix` + a number, in the order of the numbers (pattern_2 before pattern_10);
    /// any other name is refused.
    private static func numbered(_ names: [String], prefix: String, in group: HDF5File.Object, file: HDF5File) throws -> [String] {
        var result: [(Int, String)] = []
        for name in names {
            guard name.hasPrefix(prefix), let number = Int(name.dropFirst(prefix.count)), number >= 0, name == "\(prefix)\(number)" else {
                throw GenomicsError("\(file.path): \(group.name) holds '\(name.prefix(60))', expected groups named \(prefix)0, \(prefix)1, ...")
            }
            result.append((number, name))
        }
        return result.sorted { $0.0 < $1.0 }.map(\.1)
    }

    private static let matrices = ["sequence", "contrib_scores", "hypothetical_contribs"]

    private static func pattern(_ name: String, in parent: HDF5File.Object, tag: String, file: HDF5File, depth: Int) throws -> ModiscoPattern {
        let group = try file.group(name, in: parent)
        var width = 0
        var values: [[Double]] = []
        for matrix in matrices {
            let (shape, data) = try file.doubles(matrix, in: group)
            let where_ = "\(group.name)/\(matrix)"
            guard shape.count == 2, shape[1] == 4, (1 ... maximumWidth).contains(shape[0]) else {
                throw GenomicsError("\(file.path): \(where_) has shape \(shape), expected (width, 4) with width 1 to \(maximumWidth) (A, C, G, T per position)")
            }
            if values.isEmpty { width = shape[0] }
            guard shape[0] == width else {
                throw GenomicsError("\(file.path): \(where_) has \(shape[0]) positions but \(group.name)/sequence has \(width)")
            }
            guard data.allSatisfy(\.isFinite) else { throw GenomicsError("\(file.path): \(where_) holds NaN or infinity") }
            if matrix == "sequence", let bad = data.first(where: { !(0 ... 1).contains($0) }) {
                throw GenomicsError("\(file.path): \(where_) holds \(bad), expected fractions of seqlets from 0 to 1")
            }
            // (width, 4) row-major to letter-major (4, width).
            values.append((0 ..< 4).flatMap { letter in (0 ..< width).map { data[$0 * 4 + letter] } })
        }
        let seqlets = try self.seqlets(in: try file.group("seqlets", in: group), file: file)
        var subpatterns: [ModiscoPattern] = []
        if depth == 0 {
            let names = try file.memberNames(of: group).filter { $0.hasPrefix("subpattern_") }
            for subpattern in try numbered(names, prefix: "subpattern_", in: group, file: file) {
                subpatterns.append(try pattern(subpattern, in: group, tag: "\(tag).\(subpattern)", file: file, depth: depth + 1))
            }
        }
        return ModiscoPattern(name: tag, width: width, sequence: values[0], contributions: values[1], hypotheticalContributions: values[2],
                              seqlets: seqlets, subpatterns: subpatterns)
    }

    private static func seqlets(in group: HDF5File.Object, file: HDF5File) throws -> [ModiscoSeqlet] {
        let (countShape, countValues) = try file.integers("n_seqlets", in: group)
        guard countValues.count == 1, countShape.count <= 1, let count = countValues.first, count >= 0 else {
            throw GenomicsError("\(file.path): \(group.name)/n_seqlets has shape \(countShape), expected one count of 0 or more")
        }
        var columns: [[Int64]] = []
        for name in ["start", "end", "example_idx", "is_revcomp"] {
            let (shape, values) = try file.integers(name, in: group)
            guard shape.count == 1, Int64(values.count) == count else {
                throw GenomicsError("\(file.path): \(group.name)/\(name) has shape \(shape), expected (\(count)) as n_seqlets says")
            }
            columns.append(values)
        }
        return try (0 ..< Int(count)).map { index in
            let (start, end, example) = (columns[0][index], columns[1][index], columns[2][index])
            guard start >= 0, start < end, end <= Int64(Int32.max), example >= 0, example <= Int64(Int32.max) else {
                throw GenomicsError("\(file.path): \(group.name) seqlet \(index) is example \(example), \(start) to \(end); expected 0 <= start < end and a row of 0 or more")
            }
            return ModiscoSeqlet(example: Int(example), start: Int(start), end: Int(end), isReverseComplement: columns[3][index] != 0)
        }
    }
}
