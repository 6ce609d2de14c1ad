import Genomics

extension ExplorerState {
    /// The strands the search pattern matches on at `start`, as the message names them: "+",
    /// "−", or "+/−" for a site that reads on both.
    func searchStrands(at start: Int) -> String {
        guard let pattern = searchPattern, start >= 0, start + pattern.length <= length else { return "" }
        let strands = Set(pattern.matchesBothStrands(in: Array(sequence[start ..< start + pattern.length])).map(\.strand))
        return [("+", "+"), ("-", "−")].filter { strands.contains($0.0) }.map(\.1).joined(separator: "/")
    }

    /// Positions inside `window` that a search hit covers, for the sequence row.
    package func searchHitPositions(in window: Range<Int>) -> Set<Int> {
        guard let pattern = searchPattern else { return [] }
        var covered = Set<Int>()
        for start in searchHits where start < window.upperBound && start + pattern.length > window.lowerBound {
            covered.formUnion((start ..< start + pattern.length).clamped(to: window))
        }
        return covered
    }
}
