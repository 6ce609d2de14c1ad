import Foundation
import Genomics
import Inference

/// Per-position arrays (attributions, ISM effects) with what labels them, written as
/// .npy (the array alone), .npz (with predictions and the one-hot input) or long .tsv.
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
    /// The sequence position of column 0 (a window's start).
    public var firstPosition: Int
    /// Task names for the last axis of 4-D values.
    public var tasks: [String]
    /// (N, T) predictions and (N, A, W) one-hot input, stored in .npz files.
    public var predictions: Tensor<Float>?
    public var oneHot: Tensor<Float>?

    public init(name: String, values: Tensor<Float>, ids: [String], alphabet: Alphabet, firstPosition: Int = 0,
                tasks: [String] = [], predictions: Tensor<Float>? = nil, oneHot: Tensor<Float>? = nil) {
        self.name = name
        self.values = values
        self.ids = ids
        self.alphabet = alphabet
        self.firstPosition = firstPosition
        self.tasks = tasks
        self.predictions = predictions
        self.oneHot = oneHot
    }

    /// Long format: record, position, base[, task], value — one row per cell.
    public var tsv: Data {
        let (n, a, w) = (values.shape[0], values.shape[1], values.shape[2])
        let t = values.rank == 4 ? values.shape[3] : 1
        let letters = alphabet.letters.map { String(UnicodeScalar($0)) }
        var text = values.rank == 4 ? "record\tposition\tbase\ttask\tvalue\n" : "record\tposition\tbase\tvalue\n"
        for s in 0..<n {
            for p in 0..<w {
                for b in 0..<a {
                    for task in 0..<t {
                        let value = values.scalars[((s * a + b) * w + p) * t + task]
                        let taskColumn = values.rank == 4 ? "\t\(task < tasks.count ? tasks[task] : "task_\(task)")" : ""
                        text += "\(ids[s])\t\(firstPosition + p)\t\(letters[b])\(taskColumn)\t\(value)\n"
                    }
                }
            }
        }
        return Data(text.utf8)
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
                var arrays = [(name, values)]
                if let predictions { arrays.append(("predictions", predictions)) }
                if let oneHot { arrays.append(("X", oneHot)) }
                try NPZ.write(arrays, to: url)
            }
        } catch let error as InferenceError {
            throw InterpretationError("\(url.path): \(error.description)")
        } catch let error as InterpretationError {
            throw error
        } catch {
            throw InterpretationError("\(url.path): cannot write (\((error as NSError).localizedDescription))")
        }
    }
}
