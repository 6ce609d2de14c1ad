import Foundation

/// Which axis of a two-axis output (per sequence) holds the tracks and which the bins:
/// PyTorch models (BPNet) emit (N, tracks, bins), Enformer and Keras models (N, bins, tracks).
public enum OutputAxes: String, Sendable, CaseIterable {
    case tracksBins = "tracks-bins"
    case binsTracks = "bins-tracks"
}

/// How the selected values of an output become one number per sequence.
public enum TargetReduction: String, Sendable, CaseIterable {
    case sum
    case mean
    /// BPNet's profile target, as bpnet-lite's ProfileWrapper and chrombpnet attribute it:
    /// the logits, mean-normalised, weighted by their softmax held constant, summed.
    case profile
}

/// One number per sequence read from a model output: a track, a bin range and a reduction.
/// Its value and its gradient seed (∂value/∂output) are explicit functions of the output, so
/// attributions are exact: the seed is what the backward pass starts from.
public struct OutputTarget: Sendable, Equatable {
    /// Tracks × bins of the output per sequence (a one-axis output has one bin per track).
    public var trackCount: Int
    public var binCount: Int
    public var axes: OutputAxes
    public var tracks: [Int]
    public var bins: Range<Int>
    public var reduction: TargetReduction
    /// How outputs name it (the task column): e.g. `profile:track=1,bins=16:48,reduce=profile`.
    public var label: String

    package init(trackCount: Int, binCount: Int, axes: OutputAxes, tracks: [Int], bins: Range<Int>, reduction: TargetReduction, label: String) {
        self.trackCount = trackCount
        self.binCount = binCount
        self.axes = axes
        self.tracks = tracks
        self.bins = bins
        self.reduction = reduction
        self.label = label
    }

    /// Offsets of the selected values within one sequence's output.
    var offsets: [Int] {
        tracks.flatMap { track in bins.map { bin in axes == .tracksBins ? track * binCount + bin : bin * trackCount + track } }
    }

    /// The target of one sequence's output values (`trackCount · binCount` of them).
    public func value(_ output: ArraySlice<Float>) -> Float {
        let base = output.startIndex
        let selected = offsets.map { output[base + $0] }
        switch reduction {
        case .sum: return selected.reduce(0, +)
        case .mean: return selected.reduce(0, +) / Float(selected.count)
        case .profile:
            let centred = Self.centred(selected)
            return zip(Self.softmax(centred), centred).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    /// ∂value/∂output for one sequence, the softmax weights of `.profile` held constant.
    public func seed(_ output: ArraySlice<Float>) -> [Float] {
        var seed = [Float](repeating: 0, count: output.count)
        let offsets = self.offsets
        let n = Float(offsets.count)
        switch reduction {
        case .sum: for offset in offsets { seed[offset] = 1 }
        case .mean: for offset in offsets { seed[offset] = 1 / n }
        case .profile:
            // Σ pᵢ (yᵢ − ȳ) with p constant: ∂/∂yⱼ = pⱼ − Σ pᵢ / n = pⱼ − 1/n.
            let weights = Self.softmax(Self.centred(offsets.map { output[output.startIndex + $0] }))
            for (offset, weight) in zip(offsets, weights) { seed[offset] = weight - 1 / n }
        }
        return seed
    }

    /// The selected bins as one track, for a figure: the predicted distribution (the softmax of
    /// the selected logits) for `.profile`, the values otherwise; several tracks summed per bin.
    public func binTrack(_ output: ArraySlice<Float>) -> [Float] {
        let offsets = self.offsets
        var selected = offsets.map { output[output.startIndex + $0] }
        if reduction == .profile { selected = Self.softmax(selected) }
        var track = [Float](repeating: 0, count: bins.count)
        for (index, value) in selected.enumerated() { track[index % bins.count] += value }
        return track
    }

    /// Whether the seed depends on the output's values (else one forward pass is saved).
    public var seedReadsOutput: Bool { reduction == .profile }

    private static func centred(_ values: [Float]) -> [Float] {
        let mean = values.reduce(0, +) / Float(values.count)
        return values.map { $0 - mean }
    }

    private static func softmax(_ values: [Float]) -> [Float] {
        let largest = values.max() ?? 0
        let exponentials = values.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }
}
