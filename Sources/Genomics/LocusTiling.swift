/// A fixed-length model's windows (tiles) laid along a longer locus: tile k starts at k × stride,
/// and the last one ends at the locus's end, so every base is covered (the last stride may be
/// shorter). Pure geometry, shared by the computation (Interpretation's `LocusScan`) and the
/// explorer's locus view, which draws each tile's predictions and the per-base attribution.
public struct LocusTiling: Sendable, Equatable {
    public let locusLength: Int
    public let tileLength: Int
    public let stride: Int

    public init(locusLength: Int, tileLength: Int, stride: Int) {
        precondition(tileLength > 0 && locusLength >= tileLength, "LocusTiling: a \(locusLength)-nt locus cannot hold a \(tileLength)-nt tile")
        precondition((1 ... tileLength).contains(stride), "LocusTiling: stride \(stride) must be from 1 to the tile length \(tileLength)")
        self.locusLength = locusLength
        self.tileLength = tileLength
        self.stride = stride
    }

    /// Tiles: one per stride, plus one ending at the locus's end when the strides do not reach it.
    public var count: Int { (locusLength - tileLength + stride - 1) / stride + 1 }

    /// The locus position of tile `index`'s first base.
    public func start(ofTile index: Int) -> Int { min(index * stride, locusLength - tileLength) }

    /// The locus positions tile `index` reads.
    public func positions(ofTile index: Int) -> Range<Int> {
        let start = start(ofTile: index)
        return start ..< start + tileLength
    }

    /// The tiles that read `position` (consecutive: tile starts never decrease).
    public func tiles(covering position: Int) -> ClosedRange<Int> {
        let last = count - 1
        let first = min(last, position < tileLength ? 0 : (position - tileLength) / stride + 1)
        let final = position >= locusLength - tileLength ? last : min(last, position / stride)
        return first ... final
    }

    /// The tiles that read any of `positions` (non-empty, within the locus).
    public func tiles(covering positions: Range<Int>) -> ClosedRange<Int> {
        tiles(covering: positions.lowerBound).lowerBound ... tiles(covering: positions.upperBound - 1).upperBound
    }

    /// The tile whose centre is nearest to `position` (the earlier on a tie): where a tile's
    /// prediction is drawn, so the prediction track steps at the midpoints between tile centres.
    public func nearestTile(to position: Int) -> Int {
        tiles(covering: position).min { abs(start(ofTile: $0) + tileLength / 2 - position) < abs(start(ofTile: $1) + tileLength / 2 - position) }!
    }
}
