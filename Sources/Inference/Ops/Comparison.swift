/// Comparisons, logic and Where. Booleans are integer tensors holding 0 or 1, as bool
/// constants load; logic ops read any nonzero value as true.
enum Comparisons {
    static func apply(_ comparison: ComparisonFunction, _ a: Value, _ b: Value, outputShape: [Int], node: Node) throws -> Tensor<Int64> {
        switch (a, b) {
        case (.float(let x), .float(let y)):
            return compare(x, y, outputShape: outputShape, predicate(comparison, Float.self))
        case (.int(let x), .int(let y)):
            return compare(x, y, outputShape: outputShape, predicate(comparison, Int64.self))
        default:
            throw InferenceError("node '\(node.name)' (\(node.opType)): inputs have different element types (\(a.elementType) and \(b.elementType))")
        }
    }

    private static func predicate<S: Comparable & Numeric>(_ comparison: ComparisonFunction, _: S.Type) -> (S, S) -> Bool {
        switch comparison {
        case .greater: { $0 > $1 }
        case .less: { $0 < $1 }
        case .equal: { $0 == $1 }
        case .greaterOrEqual: { $0 >= $1 }
        case .lessOrEqual: { $0 <= $1 }
        case .and: { $0 != 0 && $1 != 0 }
        case .or: { $0 != 0 || $1 != 0 }
        case .xor: { ($0 != 0) != ($1 != 0) }
        }
    }

    private static func compare<S>(_ a: Tensor<S>, _ b: Tensor<S>, outputShape: [Int], _ holds: (S, S) -> Bool) -> Tensor<Int64> {
        let wideA = a.broadcastIfNeeded(to: outputShape), wideB = b.broadcastIfNeeded(to: outputShape)
        return Tensor(shape: outputShape, scalars: zip(wideA.scalars, wideB.scalars).map { holds($0, $1) ? 1 : 0 })
    }

    static func apply(_ test: ElementTest, _ x: Value) -> Tensor<Int64> {
        func flags<S>(_ t: Tensor<S>, _ holds: (S) -> Bool) -> Tensor<Int64> {
            Tensor(shape: t.shape, scalars: t.scalars.map { holds($0) ? 1 : 0 })
        }
        switch (test, x) {
        case (.not, .int(let t)): return flags(t) { $0 == 0 }
        case (.not, .float(let t)): return flags(t) { $0 == 0 }
        case (.isNonZero, .int(let t)): return flags(t) { $0 != 0 }
        case (.isNonZero, .float(let t)): return flags(t) { $0 != 0 }
        case (.isNaN, .float(let t)): return flags(t) { $0.isNaN }
        case (.isInf(let positive, let negative), .float(let t)):
            return flags(t) { $0.isInfinite && ($0 > 0 ? positive : negative) }
        // Integers are never NaN or infinite.
        case (.isNaN, .int(let t)), (.isInf, .int(let t)): return flags(t) { _ in false }
        }
    }

    /// Where: x where the condition is nonzero, y elsewhere, all three broadcast.
    static func select(_ condition: Tensor<Int64>, _ x: Value, _ y: Value, outputShape: [Int], node: Node) throws -> Value {
        let mask = condition.broadcastIfNeeded(to: outputShape).scalars
        func pick<S>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> {
            let wideA = a.broadcastIfNeeded(to: outputShape), wideB = b.broadcastIfNeeded(to: outputShape)
            return Tensor(shape: outputShape, scalars: mask.indices.map { mask[$0] != 0 ? wideA.scalars[$0] : wideB.scalars[$0] })
        }
        switch (x, y) {
        case (.float(let a), .float(let b)): return .float(pick(a, b))
        case (.int(let a), .int(let b)): return .int(pick(a, b))
        default:
            throw InferenceError("node '\(node.name)' (Where): x and y have different element types (\(x.elementType) and \(y.elementType))")
        }
    }

    /// As PyTorch's where: dy goes to x where the condition holds and to y elsewhere, each
    /// summed back over the axes it was broadcast along.
    static func selectBackward(
        _ dy: Tensor<Float>, condition: Tensor<Int64>, shapes: ([Int], [Int]), wanted: (Bool, Bool)
    ) -> (Tensor<Float>?, Tensor<Float>?) {
        let mask = condition.broadcastIfNeeded(to: dy.shape).scalars
        func routed(_ taken: Bool, to shape: [Int]) -> Tensor<Float> {
            let masked = Tensor(shape: dy.shape, scalars: mask.indices.map { (mask[$0] != 0) == taken ? dy.scalars[$0] : 0 })
            return Broadcast.reduceToShape(masked, shape)
        }
        return (wanted.0 ? routed(true, to: shapes.0) : nil, wanted.1 ? routed(false, to: shapes.1) : nil)
    }
}
