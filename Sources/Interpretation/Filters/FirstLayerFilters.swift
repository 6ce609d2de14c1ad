import Foundation
import Genomics
import Inference

/// What one first-layer filter responds to: the probability matrix of the input windows where
/// its activation is high.
public struct FilterMotif: Sendable, Equatable {
    public var index: Int
    /// Windows aligned (activation above the threshold, window inside the sequence).
    public var windows: Int
    /// The filter's largest activation over the dataset.
    public var maxActivation: Float
    /// (A, W) letter-major probabilities, the mean of the aligned one-hot windows; uniform when
    /// no window passed.
    public var probabilities: [Double]
    public var width: Int

    /// As a `Motif` named `filter<index>`, for logos, TOMTOM and MEME files.
    public func motif(alphabet: Alphabet) -> Motif {
        Motif(id: "filter\(index)", alphabet: alphabet,
              columns: (0 ..< width).map { p in (0 ..< alphabet.size).map { probabilities[$0 * width + p] } }, sites: windows)
    }
}

/// First-layer filters as motifs, the Koo-lab convention (Koo & Eddy 2019; Koo & Ploenzke 2021):
/// for each filter of the first convolution, its activation's maximum over every position of
/// every sequence, then the one-hot input windows the filter reads at each position where the
/// activation exceeds `threshold` × that maximum, averaged into a position probability matrix.
/// Windows that run past either end of a sequence (into padding) are skipped.
public struct FirstLayerFilters {
    public let model: SequenceModel
    public let layer: FirstConvolution
    let probe: SequenceModel

    public init(model: SequenceModel) throws {
        switch FirstConvolution.find(in: model.graph) {
        case .success(let layer): self.layer = layer
        case .failure(let error): throw InterpretationError("\(model.url.lastPathComponent): \(error.description)")
        }
        self.model = model
        var graph = model.graph
        graph.outputs = [ValueInfo(name: layer.activation, declaredType: "float", dimensions: [])]
        probe = try SequenceModel(graph: graph, url: model.url, card: model.card, outputName: layer.activation)
    }

    /// Activations (N, F, L') of the first layer for sequences of one length.
    func activations(_ sequences: [[UInt8]], batchSize: Int = 64, threads: Int = 1) throws -> Tensor<Float> {
        guard let length = sequences.first?.count else { return Tensor(shape: [0, 0, 0], scalars: []) }
        guard let shape = try probe.plan(batch: 1, length: length).outputShapes[layer.activation], shape.count == 3 else {
            throw InterpretationError("\(model.url.lastPathComponent): the first layer's activation '\(layer.activation)' is not a (batch, filters, length) float tensor")
        }
        let values = try probe.predict(sequences, batchSize: batchSize, threads: threads)
        return Tensor(shape: [sequences.count, shape[1], shape[2]], scalars: values.scalars)
    }

    /// One motif per filter.
    public func motifs(_ sequences: [[UInt8]], threshold: Float = 0.5, batchSize: Int = 64, threads: Int = 1) throws -> [FilterMotif] {
        let values = try activations(sequences, batchSize: batchSize, threads: threads)
        guard values.count > 0 else { return [] }
        let (count, filters, positions) = (values.shape[0], values.shape[1], values.shape[2])
        let length = sequences[0].count, letters = model.alphabet.size, width = layer.width
        let oneHot = try OneHot.encode(sequences, alphabet: model.alphabet, layout: .channelsFirst)
        return (0 ..< filters).map { filter in
            var highest = -Float.infinity
            for n in 0 ..< count { for p in 0 ..< positions { highest = max(highest, values.scalars[(n * filters + filter) * positions + p]) } }
            let cut = threshold * highest
            var sums = [Double](repeating: 0, count: letters * width)
            var windows = 0
            for n in 0 ..< count {
                for p in 0 ..< positions where values.scalars[(n * filters + filter) * positions + p] > cut {
                    let window = layer.window(of: p, inputLength: length)
                    guard window.lowerBound >= 0, window.upperBound <= length else { continue }
                    windows += 1
                    for (offset, column) in window.enumerated() {
                        for a in 0 ..< letters { sums[a * width + offset] += Double(oneHot[(n * letters + a) * length + column]) }
                    }
                }
            }
            let probabilities = windows == 0 ? [Double](repeating: 1 / Double(letters), count: letters * width) : sums.map { $0 / Double(windows) }
            return FilterMotif(index: filter, windows: windows, maxActivation: highest, probabilities: probabilities, width: width)
        }
    }
}
