import Genomics
import Rendering

/// A seqlet of the current attribution map (tangermeme's recursive seqlets, found by the
/// runtime): its columns of the model input, and its label, the best-matching motif with its
/// strand ("CEBPB+") or "seqlet" when nothing matches.
public struct SeqletSpan: Sendable, Equatable {
    public var positions: Range<Int>
    public var label: String
    public var pValue: Double

    public init(positions: Range<Int>, label: String, pValue: Double) {
        self.positions = positions
        self.label = label
        self.pValue = pValue
    }

    /// Apart from the scanned hits' grey and the given annotations' cycle.
    static let trackColor = Color(hex: 0x8E44AD)

    var annotation: Annotation { Annotation(positions: positions, label: label, color: Self.trackColor) }
}

extension ExplorerState {
    /// `S`: seqlets of the map on the annotation track, or not.
    mutating func toggleSeqlets() -> [Effect] {
        showsSeqlets.toggle()
        seqlets = nil
        message = showsSeqlets ? (attribution == nil ? "seqlets: waiting for the attribution map" : nil) : "seqlets hidden"
        return seqletRequest()
    }

    /// Seqlets of the current map, when they are shown: asked again whenever the map changes.
    func seqletRequest() -> [Effect] {
        guard showsSeqlets, let map = attribution, map.version == version, map.value.method == method else { return [] }
        return [.findSeqlets(version: map.version, sequence: sequence, values: map.value.values)]
    }

    mutating func receiveSeqlets(version: Int, spans: [SeqletSpan], milliseconds: Double) {
        guard showsSeqlets, version >= max(recordVersion, seqlets?.version ?? -1) else { return }
        seqlets = Computed(version: version, value: spans, milliseconds: milliseconds)
    }
}
