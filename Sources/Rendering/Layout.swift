/// A rectangle of cells: column `x`, row `y`, `width` columns, `height` rows.
public struct Rect: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The overlap of two rectangles (empty when they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        return Rect(x: left, y: top, width: min(maxX, other.maxX) - left, height: min(maxY, other.maxY) - top)
    }

    /// Row `index` of the rectangle as a one-row rectangle.
    public func row(_ index: Int) -> Rect { Rect(x: x, y: y + index, width: width, height: 1) }

    /// The rectangle without `left` columns on the left (and `right` on the right).
    public func inset(left: Int = 0, right: Int = 0, top: Int = 0, bottom: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// Splits into stacked rectangles, top to bottom.
    public func rows(_ sizes: [Size]) -> [Rect] {
        Size.split(height, sizes).map { Rect(x: x, y: y + $0.offset, width: width, height: $0.length) }
    }

    /// Splits into side-by-side rectangles, left to right.
    public func columns(_ sizes: [Size]) -> [Rect] {
        Size.split(width, sizes).map { Rect(x: x + $0.offset, y: y, width: $0.length, height: height) }
    }

    /// How much of a split a part takes.
    public enum Size: Hashable, Sendable {
        /// Exactly this many cells (fewer when space runs out, earlier parts first).
        case fixed(Int)
        /// A share of what the fixed parts leave, in proportion to the weight.
        case fill(Int)

        static func split(_ total: Int, _ sizes: [Size]) -> [(offset: Int, length: Int)] {
            var remaining = total
            var lengths = sizes.map { size -> Int in
                guard case .fixed(let n) = size else { return 0 }
                let length = min(max(0, n), remaining)
                remaining -= length
                return length
            }
            let weights = sizes.map { size -> Int in if case .fill(let w) = size { return max(0, w) } else { return 0 } }
            let totalWeight = weights.reduce(0, +)
            if totalWeight > 0 {
                var given = 0
                for (index, weight) in weights.enumerated() where weight > 0 {
                    lengths[index] = remaining * weight / totalWeight
                    given += lengths[index]
                }
                // The remainder goes to the first fill parts, one cell each.
                var leftover = remaining - given
                for index in weights.indices where weights[index] > 0 && leftover > 0 {
                    lengths[index] += 1
                    leftover -= 1
                }
            }
            var offset = 0
            return lengths.map { length in
                defer { offset += length }
                return (offset, length)
            }
        }
    }
}
