import CVectorMath
import Foundation

/// ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceLogSumExp, ReduceL2, and ArgMax.
enum Reduce {
    /// Axes to reduce, normalised; nil/empty means all axes unless `noopWithEmptyAxes`.
    static func axes(_ raw: [Int64]?, rank: Int, noopWithEmptyAxes: Bool, node: Node) throws -> Set<Int> {
        guard let raw, !raw.isEmpty else { return noopWithEmptyAxes ? [] : Set(0..<rank) }
        return Set(try raw.map { try ShapeOps.normalizedAxis(Int($0), rank: rank, node: node) })
    }

    static func outputShape(_ shape: [Int], axes raw: [Int64]?, keepDims: Bool, noopWithEmptyAxes: Bool, node: Node) throws -> [Int] {
        let reduced = try axes(raw, rank: shape.count, noopWithEmptyAxes: noopWithEmptyAxes, node: node)
        return shape.indices.compactMap { axis in
            reduced.contains(axis) ? (keepDims ? 1 : nil) : shape[axis]
        }
    }

    static func apply(_ function: ReduceFunction, _ x: Value, axes raw: [Int64]?, keepDims: Bool, noopWithEmptyAxes: Bool, outputShape: [Int], node: Node) throws -> Value {
        let reduced = try axes(raw, rank: x.shape.count, noopWithEmptyAxes: noopWithEmptyAxes, node: node)
        switch x {
        case .float(let t):
            if let fast = reduceRun(t, axes: reduced, outputShape: outputShape, function: function) { return .float(fast) }
            return .float(reduce(t, axes: reduced, outputShape: outputShape, function: function))
        case .int(let t):
            let result = reduce(Tensor(shape: t.shape, scalars: t.scalars.map { Double($0) }), axes: reduced, outputShape: outputShape, function: function)
            // An empty group's min or max is infinite: saturate rather than trap.
            return .int(Tensor(shape: outputShape, scalars: result.scalars.map { $0.isNaN ? 0 : $0 >= 0x1p63 ? .max : $0 <= -0x1p63 ? .min : Int64($0) }))
        }
    }

    /// Max, min, sum or mean of floats over axes that form one run, in C (CVectorMath): eight lanes
    /// wide where the generic fold below calls a closure per element. Nil for other cases.
    private static func reduceRun(_ x: Tensor<Float>, axes: Set<Int>, outputShape: [Int], function: ReduceFunction) -> Tensor<Float>? {
        let code: Int32
        switch function {
        case .max: code = 0
        case .min: code = 1
        case .sum, .mean: code = 2
        case .logSumExp, .l2: return nil
        }
        let sorted = axes.sorted()
        guard let first = sorted.first, let last = sorted.last, last - first + 1 == sorted.count else { return nil }
        let outer = x.shape[..<first].reduce(1, *), length = x.shape[first...last].reduce(1, *)
        let inner = x.shape[(last + 1)...].reduce(1, *)
        var y = [Float](repeating: 0, count: outer * inner)
        x.scalars.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { target in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                seqlens_reduce_run(from, to, outer, length, inner, code)
            }
        }
        if function == .mean, length > 0 {
            let scale = 1 / Float(length)
            for i in y.indices { y[i] *= scale }
        }
        return Tensor(shape: outputShape, scalars: y)
    }

    private static func reduce<S: BinaryFloatingPoint>(_ x: Tensor<S>, axes: Set<Int>, outputShape: [Int], function: ReduceFunction) -> Tensor<S> {
        let keptShape = x.shape.indices.map { axes.contains($0) ? 1 : x.shape[$0] }
        let keptStrides = strides(of: keptShape)
        let inputStrides = strides(of: x.shape)
        let outputCount = keptShape.reduce(1, *)
        // Each function folds by an extreme or by a sum (of x, exp(x − max) or x²), then
        // finishes the group: mean divides, LogSumExp takes the log and adds the max back,
        // L2 takes the root.
        let extreme: (initial: S, pick: (S, S) -> S)? = switch function {
        case .max, .logSumExp: (-S.infinity, { Swift.max($0, $1) })
        case .min: (S.infinity, { Swift.min($0, $1) })
        case .sum, .mean, .l2: nil
        }
        func target(_ flat: Int) -> Int {
            var offset = 0
            for axis in x.shape.indices where !axes.contains(axis) {
                offset += (flat / inputStrides[axis]) % x.shape[axis] * keptStrides[axis]
            }
            return offset
        }
        // Reduced axes that form one run (the usual case: one axis) are walked in memory order as
        // (outer, run, inner), with no index arithmetic per element.
        let sorted = axes.sorted()
        let run: (outer: Int, length: Int, inner: Int)? = sorted.isEmpty || sorted.last! - sorted.first! + 1 != sorted.count ? nil
            : (x.shape[..<sorted.first!].reduce(1, *), x.shape[sorted.first!...sorted.last!].reduce(1, *), x.shape[(sorted.last! + 1)...].reduce(1, *))
        func visit(_ body: (_ target: Int, _ value: S) -> Void) {
            x.scalars.withUnsafeBufferPointer { scalars in
                if let run {
                    var flat = 0
                    for o in 0..<run.outer {
                        for _ in 0..<run.length {
                            for i in 0..<run.inner {
                                body(o * run.inner + i, scalars[flat])
                                flat += 1
                            }
                        }
                    }
                } else {
                    for flat in 0..<scalars.count { body(target(flat), scalars[flat]) }
                }
            }
        }
        var peaks = [S](repeating: extreme?.initial ?? 0, count: extreme == nil ? 0 : outputCount)
        if let extreme {
            visit { t, v in peaks[t] = extreme.pick(peaks[t], v) }
            if function != .logSumExp { return Tensor(shape: outputShape, scalars: peaks) }
        }
        var accumulator = [S](repeating: 0, count: outputCount)
        visit { t, v in
            switch function {
            case .logSumExp: if peaks[t].isFinite { accumulator[t] += S(Foundation.exp(Double(v - peaks[t]))) }
            case .l2: accumulator[t] += v * v
            case .sum, .mean, .max, .min: accumulator[t] += v
            }
        }
        let groupSize = outputCount == 0 ? 0 : x.count / outputCount
        for i in accumulator.indices {
            switch function {
            case .mean: if groupSize > 0 { accumulator[i] /= S(groupSize) }
            // An infinite (or empty, −∞) group's LogSumExp is its maximum.
            case .logSumExp: accumulator[i] = peaks[i].isFinite ? S(Foundation.log(Double(accumulator[i]))) + peaks[i] : peaks[i]
            case .l2: accumulator[i] = accumulator[i].squareRoot()
            case .sum, .max, .min: break
            }
        }
        return Tensor(shape: outputShape, scalars: accumulator)
    }
}

extension Reduce {
    /// Sum: the gradient broadcast back; mean: divided by the group size; max and min: shared
    /// evenly among the elements equal to the extreme (as torch.amax does); LogSumExp:
    /// times softmax, exp(x − y); L2: times x / y (zero where y is).
    static func backward(_ function: ReduceFunction, outputGradient dy: Tensor<Float>, x: Tensor<Float>, y: Tensor<Float>, axes: Set<Int>) -> Tensor<Float> {
        let keptShape = x.shape.indices.map { axes.contains($0) ? 1 : x.shape[$0] }
        let keptStrides = strides(of: keptShape), inputStrides = strides(of: x.shape)
        let groupSize = max(1, x.count / max(1, keptShape.reduce(1, *)))
        func target(_ flat: Int) -> Int {
            var offset = 0
            for axis in x.shape.indices where !axes.contains(axis) { offset += (flat / inputStrides[axis]) % x.shape[axis] * keptStrides[axis] }
            return offset
        }
        let sharesAmongTies: Bool = switch function {
        case .max, .min: true
        case .sum, .mean, .logSumExp, .l2: false
        }
        var ties = [Float](repeating: 0, count: sharesAmongTies ? y.count : 0)
        if sharesAmongTies { for flat in 0..<x.count where x.scalars[flat] == y.scalars[target(flat)] { ties[target(flat)] += 1 } }
        var dx = [Float](repeating: 0, count: x.count)
        for flat in 0..<x.count {
            let t = target(flat)
            switch function {
            case .sum: dx[flat] = dy.scalars[t]
            case .mean: dx[flat] = dy.scalars[t] / Float(groupSize)
            case .max, .min: dx[flat] = x.scalars[flat] == y.scalars[t] ? dy.scalars[t] / ties[t] : 0
            case .logSumExp: dx[flat] = dy.scalars[t] * Foundation.exp(x.scalars[flat] - y.scalars[t])
            case .l2: dx[flat] = y.scalars[t] == 0 ? 0 : dy.scalars[t] * x.scalars[flat] / y.scalars[t]
            }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }
}

extension Reduce {
    /// ArgMax: the index of the largest element along `axis` (the first one, or the last with
    /// `selectLastIndex`), as an integer tensor.
    static func argMaxShape(_ shape: [Int], axis: Int, keepDims: Bool, node: Node) throws -> [Int] {
        let a = try ShapeOps.normalizedAxis(axis, rank: shape.count, node: node)
        var result = shape
        if keepDims { result[a] = 1 } else { result.remove(at: a) }
        return result
    }

    static func argMax(_ x: Value, axis: Int, selectLastIndex: Bool, outputShape: [Int], node: Node) throws -> Tensor<Int64> {
        let values: [Double] = switch x {
        case .float(let t): t.scalars.map(Double.init)
        case .int(let t): t.scalars.map(Double.init)
        }
        let a = try ShapeOps.normalizedAxis(axis, rank: x.shape.count, node: node)
        let outer = x.shape[..<a].reduce(1, *), dim = x.shape[a], inner = x.shape[(a + 1)...].reduce(1, *)
        var result = [Int64](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                for j in 0..<dim {
                    let v = values[(o * dim + j) * inner + i], b = values[(o * dim + best) * inner + i]
                    if v > b || (selectLastIndex && v == b) { best = j }
                }
                result[o * inner + i] = Int64(best)
            }
        }
        return Tensor(shape: outputShape, scalars: result)
    }
}
