import Genomics
import Rendering

/// The global importance of the motif hit under the cursor, measured in the record's own
/// background (key `i`): the hit's bases written at its place in dinucleotide shuffles of the
/// current sequence, GI = mean f(shuffle with the site) − f(shuffle), per task.
public struct MotifImportance: Sendable, Equatable {
    /// The hit as the annotation row names it, "CEBPB+".
    public var label: String
    /// Its track positions.
    public var positions: Range<Int>
    /// Per task, the mean effect and the half-width of its 95 % interval.
    public var mean: [Float]
    public var halfWidth: [Float]
    /// Backgrounds the mean is over.
    public var count: Int

    public init(label: String, positions: Range<Int>, mean: [Float], halfWidth: [Float], count: Int) {
        self.label = label
        self.positions = positions
        self.mean = mean
        self.halfWidth = halfWidth
        self.count = count
    }
}

extension ExplorerState {
    /// Shuffles per measurement: enough for an interval of a few hundredths, quick on the slow lane.
    public static let importanceBackgrounds = 100

    /// `i`: asks for the GI of the motif hit under the cursor (the strongest, when hits overlap).
    mutating func requestImportance() -> [Effect] {
        guard scansMotifs else {
            message = "global importance needs motif hits: start the explorer with --motifs FILE"
            return []
        }
        let hits = (motifHits?.value ?? []).filter { $0.positions.contains(cursor) }
        guard let hit = hits.max(by: { $0.score < $1.score }) else {
            message = "no motif hit under the cursor; move onto one on the annotation row"
            return []
        }
        let input = inputRange
        guard hit.positions.clamped(to: input) == hit.positions else {
            message = "\(annotation(of: hit).label) lies partly outside the \(input.count) positions the model sees"
            return []
        }
        message = "global importance of \(annotation(of: hit).label) in \(Self.importanceBackgrounds) dinucleotide shuffles of \(record.id)…"
        return [.measureImportance(version: version, sequence: modelInput, site: hit.positions.lowerBound - input.lowerBound ..< hit.positions.upperBound - input.lowerBound,
                                   label: annotation(of: hit).label, positions: hit.positions)]
    }

    mutating func receiveImportance(version: Int, importance: MotifImportance, milliseconds: Double) {
        guard version == self.version else { return }
        motifImportance = Computed(version: version, value: importance, milliseconds: milliseconds)
        if let fact = importanceFact { message = fact + " · \(NumberFormat.milliseconds(milliseconds))" }
    }

    /// "GIA CEBPB+ on CEBPB +0.62 ± 0.05 (100 shuffles)" while the cursor is on the measured hit
    /// of the current sequence.
    public var importanceFact: String? {
        guard let measured = motifImportance, measured.version == version, measured.value.positions.contains(cursor),
              measured.value.mean.indices.contains(task) else { return nil }
        let value = measured.value, mean = value.mean[task]
        return "GIA \(value.label) on \(taskNames[task]) \(mean >= 0 ? "+" : "")\(Bars.number(mean)) ± \(Bars.number(value.halfWidth[task])) (\(value.count) shuffles)"
    }
}
