import Genomics

/// `D`: the dependency map of the positions on screen, drawn in place of the logo. Column i is
/// a substituted position, row j a position whose ISM-derived score it moves (tangermeme's
/// dependency_map with ISM, as `seqlens dependency` computes it). It is computed on the slow
/// lane, the positions nearest the cursor first, posted as it fills in, and recomputed after
/// every edit, task change or move of the view; results carry the sequence version.
public struct DependencyPane: Sendable, Equatable {
    /// Input columns substituted and measured (those on screen when it was asked for).
    public var positions: Range<Int>
    public var task: Int
    /// positions.count × positions.count, `[j, i]` row-major.
    public var values: [Float]
    /// Columns (offsets into `positions`) computed so far.
    public var computed: Set<Int>

    public init(positions: Range<Int>, task: Int, values: [Float], computed: Set<Int>) {
        self.positions = positions
        self.task = task
        self.values = values
        self.computed = computed
    }

    public var isComplete: Bool { computed.count == positions.count }
}

/// What a dependency map was asked for: a new one is asked for when any of it changes.
struct DependencyRequest: Equatable, Sendable {
    var version: Int
    var task: Int
    var positions: Range<Int>
}

extension ExplorerState {
    /// The input columns on screen: what the pane maps.
    public var dependencyPositions: Range<Int> {
        let input = inputRange, visible = visiblePositions.clamped(to: input)
        return visible.lowerBound - input.lowerBound ..< visible.upperBound - input.lowerBound
    }

    /// True until the pane shows a complete map of the current sequence, task and screen.
    public var isDependencyStale: Bool {
        guard let dependencies else { return true }
        return dependencies.version != version || dependencies.value.task != task || dependencies.value.positions != dependencyPositions
            || !dependencies.value.isComplete
    }

    mutating func toggleDependencies() -> [Effect] {
        showsDependencies.toggle()
        if !showsDependencies { requestedDependencies = nil }
        return []
    }

    /// Asks for the map when the pane is shown and what it would show changed (`update` calls
    /// this after every action; a newer request cancels a running one on the lane).
    mutating func requestDependencies() -> [Effect] {
        guard showsDependencies, layout != nil else { return [] }
        let request = DependencyRequest(version: version, task: task, positions: dependencyPositions)
        guard request != requestedDependencies, !request.positions.isEmpty else { return [] }
        requestedDependencies = request
        return [.mapDependencies(version: version, sequence: modelInput, positions: request.positions, task: task,
                                 cursor: max(0, min(window.inputLength - 1, cursor - inputRange.lowerBound)))]
    }

    mutating func receiveDependencies(version: Int, pane: DependencyPane, milliseconds: Double) {
        guard version >= max(recordVersion, dependencies?.version ?? -1) else { return }
        dependencies = Computed(version: version, value: pane, milliseconds: milliseconds)
    }
}
