import Foundation
import Genomics
import Inference

/// Per-position arrays (attributions, ISM effects) with what labels them, written as
/// .npy (the array alone), .npz (with predictions, the one-hot input and the labels) or long .tsv.
/// Positions are the records' own: column 0 of record i is its position `starts[i]` (the start of
/// a window, shifted by cropping; negative where padding comes first).
public struct ArrayOutput: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case npy, npz, tsv

        public init?(path: String) {
            self.init(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased())
        }
    }

    /// The array's name inside .npz files ("attributions", "ism").
    public var name: String
    /// (N, A, W) or (N, A, W, T).
    public var values: Tensor<Float>
    public var ids: [String]
    public var alphabet: Alphabet
    /// Per record: its own position of column 0.
    public var starts: [Int]
    /// Per record: its own length (columns outside 0 ..< length are padding).
    public var lengths: [Int]
    /// Task names for the last axis of 4-D values.
    public var tasks: [String]
    /// (N, T) predictions and (N, A, W) one-hot input, stored in .npz files.
    public var predictions: Tensor<Float>?
    public var oneHot: Tensor<Float>?
    /// Further named arrays for .npz files (e.g. a dependency map's reference ISM).
    public var extras: [(String, NPYArray)] = []
    /// DeepSHAP's convergence delta per record: an array "convergence" in .npz files, a column in .tsv.
    public var convergence: [Float]?

    public init(name: String, values: Tensor<Float>, ids: [String], alphabet: Alphabet, starts: [Int], lengths: [Int],
                tasks: [String] = [], predictions: Tensor<Float>? = nil, oneHot: Tensor<Float>? = nil, convergence: [Float]? = nil) {
        self.name = name
        self.values = values
        self.ids = ids
        self.alphabet = alphabet
        self.starts = starts
        self.lengths = lengths
        self.tasks = tasks
        self.predictions = predictions
        self.oneHot = oneHot
        self.convergence = convergence
    }

    /// Columns `windows[i]` of record i of an (N, A, L) array: (N, A, W), every window W wide.
    public static func columns(_ array: Tensor<Float>, windows: [Range<Int>]) -> Tensor<Float> {
        let (n, a, l) = (array.shape[0], array.shape[1], array.shape[2])
        precondition(windows.count == n && Set(windows.map(\.count)).count <= 1, "one window of one width per record")
        let width = windows.first?.count ?? l
        if windows.allSatisfy({ $0 == 0 ..< l }) { return array }
        var scalars: [Float] = []
        scalars.reserveCapacity(n * a * width)
        for (record, window) in windows.enumerated() {
            for letter in 0 ..< a {
                let row = (record * a + letter) * l
                scalars += array.scalars[row + window.lowerBound ..< row + window.upperBound]
            }
        }
        return Tensor(shape: [n, a, width], scalars: scalars)
    }

    /// Long format: record, position, base[, task], value — one row per cell.
    public var tsv: Data {
        let (n, a, w) = (values.shape[0], values.shape[1], values.shape[2])
        let t = values.rank == 4 ? values.shape[3] : 1
        let letters = alphabet.letters.map { String(UnicodeScalar($0)) }
        var text = (values.rank == 4 ? "record\tposition\tbase\ttask\tvalue" : "record\tposition\tbase\tvalue") + (convergence == nil ? "\n" : "\tconvergence\n")
        for s in 0..<n {
            for p in 0..<w {
                for b in 0..<a {
                    for task in 0..<t {
                        let value = values.scalars[((s * a + b) * w + p) * t + task]
                        let taskColumn = values.rank == 4 ? "\t\(task < tasks.count ? tasks[task] : "task_\(task)")" : ""
                        let convergenceColumn = convergence.map { "\t\($0[s])" } ?? ""
                        text += "\(ids[s])\t\(starts[s] + p)\t\(letters[b])\(taskColumn)\t\(value)\(convergenceColumn)\n"
                    }
                }
            }
        }
        return Data(text.utf8)
    }

    /// The labels of the whole run rather than of its records: `seqlens merge` keeps them once.
    static let runLabels: Set<String> = ["tasks", "alphabet"]

    /// The arrays that name rows, columns and letters in .npz files (`seqlens show` reads them):
    /// ids (N,) and tasks (T,) and alphabet (A,) as text, starts and lengths (N,) as int64.
    var labels: [(String, NPYArray)] {
        func text(_ strings: [String]) -> NPYArray { .text(Tensor(shape: [strings.count], scalars: strings)) }
        func integers(_ values: [Int]) -> NPYArray { .int(Tensor(shape: [values.count], scalars: values.map(Int64.init))) }
        return [("ids", text(ids)), ("tasks", text(tasks)), ("alphabet", text(alphabet.letters.map { String(UnicodeScalar($0)) })),
                ("starts", integers(starts)), ("lengths", integers(lengths))]
    }

    /// Writes by extension, atomically.
    public func write(to url: URL) throws {
        guard let format = Format(path: url.path) else {
            throw InterpretationError("\(url.path): unknown output format; use .npy, .npz or .tsv")
        }
        do {
            switch format {
            case .npy: try NPY.encode(values).write(to: url, options: .atomic)
            case .tsv: try tsv.write(to: url, options: .atomic)
            case .npz:
                var arrays: [(String, NPYArray)] = [(name, .float(values))]
                if let predictions { arrays.append(("predictions", .float(predictions))) }
                if let oneHot { arrays.append(("X", .float(oneHot))) }
                if let convergence { arrays.append(("convergence", .float(Tensor(shape: [convergence.count], scalars: convergence)))) }
                arrays += labels + extras
                try NPZ.write(arrays, to: url)
            }
        } catch let error as InferenceError {
            throw InterpretationError("\(url.path): \(error.description)")
        } catch let error as InterpretationError {
            throw error
        } catch {
            throw InterpretationError("\(url.path): cannot write (\(fileErrorReason(error)))")
        }
    }
}
