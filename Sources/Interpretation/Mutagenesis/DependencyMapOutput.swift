import Foundation
import Genomics
import Inference

/// Dependency maps of several records written as .npy (the map alone), .npz (with the
/// reference ISM, the one-hot input and the labels `seqlens attr --help` describes) or long .tsv.
public struct DependencyMapOutput: Sendable {
    /// Which of a result's maps to write.
    public enum Kind: String, Sendable, CaseIterable {
        /// (N, L, W): tangermeme's `dependency_map`.
        case positions
        /// (N, A, L, A, W): every substitution's change of every ISM value.
        case substitutions
    }

    public var kind: Kind
    public var results: [DependencyMap.Result]
    public var ids: [String]
    public var alphabet: Alphabet
    /// Per record: its own position of column 0 of the rows (the whole input) and its own length.
    public var starts: [Int]
    public var lengths: [Int]
    public var task: String
    /// (N, A, L) one-hot input.
    public var oneHot: Tensor<Float>

    public init(kind: Kind, results: [DependencyMap.Result], ids: [String], alphabet: Alphabet, starts: [Int], lengths: [Int],
                task: String, oneHot: Tensor<Float>) {
        self.kind = kind
        self.results = results
        self.ids = ids
        self.alphabet = alphabet
        self.starts = starts
        self.lengths = lengths
        self.task = task
        self.oneHot = oneHot
    }

    /// The map of every record in one array.
    public var values: Tensor<Float> {
        let a = alphabet.size, length = oneHot.shape[2], width = results.first?.window.count ?? 0
        switch kind {
        case .positions: return Tensor(shape: [results.count, length, width], scalars: results.flatMap(\.positions))
        case .substitutions: return Tensor(shape: [results.count, a, length, a, width], scalars: results.flatMap(\.substitutions))
        }
    }

    /// Per record: its own position of the first substituted column.
    public var substitutedStarts: [Int] { zip(starts, results).map { $0 + $1.window.lowerBound } }

    public func write(to url: URL) throws {
        if ArrayOutput.Format(path: url.path) == .tsv {
            do {
                try tsv.write(to: url, options: .atomic)
            } catch {
                throw InterpretationError("\(url.path): cannot write (\(fileErrorReason(error)))")
            }
            return
        }
        let a = alphabet.size, length = oneHot.shape[2]
        var output = ArrayOutput(name: "dependency", values: values, ids: ids, alphabet: alphabet, starts: starts, lengths: lengths,
                                 tasks: [task], oneHot: oneHot)
        output.extras = [("ism", .float(Tensor(shape: [results.count, a, length], scalars: results.flatMap(\.ism)))),
                         ("substituted_starts", .int(Tensor(shape: [results.count], scalars: substitutedStarts.map(Int64.init))))]
        try output.write(to: url)
    }

    /// Long format, the records' own positions: record, position[, base], substituted[, substituted_base], value.
    var tsv: Data {
        let a = alphabet.size, length = oneHot.shape[2]
        let letters = alphabet.letters.map { String(UnicodeScalar($0)) }
        var text = kind == .positions ? "record\tposition\tsubstituted\tvalue\n" : "record\tposition\tbase\tsubstituted\tsubstituted_base\tvalue\n"
        let firsts = substitutedStarts
        for (s, result) in results.enumerated() {
            let width = result.window.count, first = firsts[s]
            for j in 0..<length {
                for i in 0..<width {
                    switch kind {
                    case .positions:
                        text += "\(ids[s])\t\(starts[s] + j)\t\(first + i)\t\(result.positions[j * width + i])\n"
                    case .substitutions:
                        for c in 0..<a {
                            for b in 0..<a {
                                let value = result.substitutions[((c * length + j) * a + b) * width + i]
                                text += "\(ids[s])\t\(starts[s] + j)\t\(letters[c])\t\(first + i)\t\(letters[b])\t\(value)\n"
                            }
                        }
                    }
                }
            }
        }
        return Data(text.utf8)
    }
}
