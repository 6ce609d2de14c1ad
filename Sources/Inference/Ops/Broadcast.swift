import Foundation

/// Numpy-style broadcasting: Add, Sub, Mul, Div, Pow, Mod, PRelu, and Expand.
enum Broadcast {
    /// The broadcast shape of two shapes, right-aligned.
    static func shape(_ a: [Int], _ b: [Int], node: Node) throws -> [Int] {
        let rank = max(a.count, b.count)
        var result = Array(repeating: 1, count: rank)
        for axis in 0..<rank {
            let da = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let db = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw InferenceError("node '\(node.name)' (\(node.opType)): shapes \(a) and \(b) do not broadcast")
            }
            result[axis] = da == 1 ? db : da
        }
        return result
    }

    /// The broadcast shape of any number of shapes (Where, Min, Max, Sum, Mean).
    static func shape(_ shapes: [[Int]], node: Node) throws -> [Int] {
        try shapes.dropFirst().reduce(shapes.first ?? []) { try shape($0, $1, node: node) }
    }

    /// Checks that a parameter (Gemm's C, LayerNormalization's scale and bias) broadcasts to
    /// `target` without growing it: `broadcastIfNeeded` reads out of bounds otherwise.
    static func checkFits(_ parameter: [Int], _ target: [Int], label: String, node: Node) throws {
        guard parameter.count <= target.count, (try? shape(parameter, target, node: node)) == target else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): \(label) of shape \(parameter) does not broadcast to \(target)")
        }
    }

    static func apply(_ function: BinaryFunction, _ a: Value, _ b: Value, outputShape: [Int], node: Node, context: ExecutionContext) throws -> Value {
        switch (a, b) {
        case (.float(let x), .float(let y)) where x.shape == y.shape:
            // The common large case (residual additions): one tight loop into a pooled buffer.
            var result = context.buffers.take(count: x.count)
            result.withUnsafeMutableBufferPointer { out in
            x.scalars.withUnsafeBufferPointer { p in
            y.scalars.withUnsafeBufferPointer { q in
                guard let o = out.baseAddress, let a = p.baseAddress, let b = q.baseAddress else { return }
                parallelRanges(out.count, threads: context.threads) { range in
                    switch function {
                    case .add: for i in range { o[i] = a[i] + b[i] }
                    case .sub: for i in range { o[i] = a[i] - b[i] }
                    case .mul: for i in range { o[i] = a[i] * b[i] }
                    case .div: for i in range { o[i] = a[i] / b[i] }
                    case .pow, .mod, .fmod, .prelu:
                        let operation = floatOperation(function)
                        for i in range { o[i] = operation(a[i], b[i]) }
                    }
                }
            }}}
            return .float(Tensor(shape: outputShape, scalars: result))
        case (.float(let x), .float(let y)) where [.add, .sub, .mul, .div].contains(function)
            && (x.shape == outputShape && blockLayout(y.shape, of: outputShape) != nil
                || y.shape == outputShape && blockLayout(x.shape, of: outputShape) != nil):
            // One operand varies along one run of axes only: a scalar, a per-channel scale or
            // shift (Keras batch norms become Mul and Add by (1, C, 1)), a bias over the last
            // axes. Its value is hoisted out of the contiguous inner loop.
            let smallFirst = x.shape != outputShape
            let (full, small) = smallFirst ? (y, x) : (x, y)
            let block = blockLayout(small.shape, of: outputShape)!
            var result = context.buffers.take(count: full.count)
            result.withUnsafeMutableBufferPointer { out in
            full.scalars.withUnsafeBufferPointer { p in
            small.scalars.withUnsafeBufferPointer { q in
                blockLoop(function, smallFirst: smallFirst, out, p, q, block, threads: context.threads)
            }}}
            return .float(Tensor(shape: outputShape, scalars: result))
        case (.float(let x), .float(let y)):
            if [.add, .sub, .mul, .div].contains(function),
               let result = rowwise(function, x, y, outputShape: outputShape, buffers: context.buffers) {
                return .float(result)
            }
            return .float(combine(x, y, outputShape: outputShape, floatOperation(function)))
        case (.float(let x), .int(let y)) where function == .pow:
            return .float(combine(x, Tensor(shape: y.shape, scalars: y.scalars.map { Float($0) }), outputShape: outputShape, floatOperation(function)))
        case (.int(let x), .float(let y)) where function == .pow:
            let base = Tensor(shape: x.shape, scalars: x.scalars.map { Float($0) })
            let result = combine(base, y, outputShape: outputShape, floatOperation(function))
            return .int(Tensor(shape: outputShape, scalars: result.scalars.map { Int64($0.rounded(.towardZero)) }))
        case (.int(let x), .int(let y)):
            if [.div, .mod, .fmod].contains(function), y.scalars.contains(0) {
                throw InferenceError("node '\(node.name)' (\(node.opType)): integer division by zero")
            }
            return .int(combine(x, y, outputShape: outputShape, intOperation(function)))
        default:
            throw InferenceError("node '\(node.name)' (\(node.opType)): inputs have different element types (\(a.elementType) and \(b.elementType))")
        }
    }

    /// The output seen as (outer, middle, inner) when `shape` varies only along one run of
    /// its axes (the middle) and is 1 elsewhere; nil when it varies along separated axes.
    static func blockLayout(_ shape: [Int], of outputShape: [Int]) -> (outer: Int, middle: Int, inner: Int)? {
        guard shape.count <= outputShape.count else { return nil }
        let aligned = Array(repeating: 1, count: outputShape.count - shape.count) + shape
        let varying = aligned.indices.filter { aligned[$0] != 1 }
        guard let first = varying.first, let last = varying.last else { return (outputShape.reduce(1, *), 1, 1) }
        guard (first...last).allSatisfy({ aligned[$0] == outputShape[$0] }) else { return nil }
        return (outputShape[..<first].reduce(1, *), outputShape[first...last].reduce(1, *), outputShape[(last + 1)...].reduce(1, *))
    }

    /// out = function(p, q) (q first when `smallFirst`) with q broadcast over `block`'s outer and
    /// inner axes; rows shared between threads when large.
    @inline(__always)
    private static func blockLoop(
        _ function: BinaryFunction, smallFirst: Bool, _ out: UnsafeMutableBufferPointer<Float>, _ p: UnsafeBufferPointer<Float>,
        _ q: UnsafeBufferPointer<Float>, _ block: (outer: Int, middle: Int, inner: Int), threads: Int
    ) {
        let (outer, middle, inner) = block
        guard let o = out.baseAddress, let a = p.baseAddress, let b = q.baseAddress else { return }
        if middle == 1 {
            // A scalar.
            parallelRanges(out.count, threads: threads) { range in
                blockRow(function, smallFirst: smallFirst, o + range.lowerBound, a + range.lowerBound, b, step: 0, count: range.count)
            }
        } else if inner == 1 {
            // A row along the last axes, repeated.
            parallelFor(outer, threads: threads, work: out.count) { row in
                blockRow(function, smallFirst: smallFirst, o + row * middle, a + row * middle, b, step: 1, count: middle)
            }
        } else {
            // One value per row of `inner` (a per-channel scale or shift).
            parallelFor(outer * middle, threads: threads, work: out.count) { row in
                blockRow(function, smallFirst: smallFirst, o + row * inner, a + row * inner, b + row % middle, step: 0, count: inner)
            }
        }
    }

    /// Rows shorter than this go through `combine`: a call per row would cost more than its loop.
    private static let minimumRowwiseRow = 4

    /// out = function(x, y) one row of the output's last axis at a time, when at least one
    /// operand runs along that axis and the other runs along it too or repeats one value per
    /// row; the rows themselves broadcast in any way. A per-head bias (1, H, 1, D) over
    /// attention's (1, H, L, D) varies along separated axes, which `blockLayout` cannot take,
    /// and `combine`'s per-element closure made each such Add 5–6 ns an element (gReLU's
    /// transformer). nil where this does not apply.
    private static func rowwise(_ function: BinaryFunction, _ x: Tensor<Float>, _ y: Tensor<Float>, outputShape: [Int], buffers: BufferPool) -> Tensor<Float>? {
        guard let inner = outputShape.last, inner >= minimumRowwiseRow else { return nil }
        let lastAxis = outputShape.count - 1
        let xStrides = broadcastStrides(x.shape, to: outputShape), yStrides = broadcastStrides(y.shape, to: outputShape)
        guard xStrides[lastAxis] == 1 || yStrides[lastAxis] == 1 else { return nil }
        // The operand that runs along the rows is blockRow's `a`; the other, `b`, steps 0 or 1.
        let smallFirst = xStrides[lastAxis] != 1
        let (full, small) = smallFirst ? (y, x) : (x, y)
        let (fullStrides, smallStrides) = smallFirst ? (yStrides, xStrides) : (xStrides, yStrides)
        let outerShape = Array(outputShape[..<lastAxis])
        let rows = outerShape.reduce(1, *)
        var result = buffers.take(count: rows * inner)
        result.withUnsafeMutableBufferPointer { out in
        full.scalars.withUnsafeBufferPointer { p in
        small.scalars.withUnsafeBufferPointer { q in
            var fullIndex = [Int](repeating: 0, count: lastAxis), smallIndex = fullIndex
            var fullOffset = 0, smallOffset = 0
            for row in 0..<rows {
                blockRow(function, smallFirst: smallFirst, out.baseAddress! + row * inner, p.baseAddress! + fullOffset,
                         q.baseAddress! + smallOffset, step: smallStrides[lastAxis], count: inner)
                advanceOdometer(&fullIndex, offset: &fullOffset, strides: fullStrides, shape: outerShape, lastAxis: lastAxis - 1)
                advanceOdometer(&smallIndex, offset: &smallOffset, strides: smallStrides, shape: outerShape, lastAxis: lastAxis - 1)
            }
        }}}
        return Tensor(shape: outputShape, scalars: result)
    }

    /// o[i] = function(a[i], b[i·step]) for i < count (operands swapped when `smallFirst`): a
    /// tight loop per case, written out rather than through a closure, which a worker thread's
    /// copy of the loop would call per element.
    @inline(__always)
    private static func blockRow(
        _ function: BinaryFunction, smallFirst: Bool, _ o: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        step: Int, count: Int
    ) {
        if step == 0 {
            let v = b[0]
            switch (function, smallFirst) {
            case (.add, _): for i in 0..<count { o[i] = a[i] + v }
            case (.mul, _): for i in 0..<count { o[i] = a[i] * v }
            case (.sub, false): for i in 0..<count { o[i] = a[i] - v }
            case (.sub, true): for i in 0..<count { o[i] = v - a[i] }
            case (.div, false): for i in 0..<count { o[i] = a[i] / v }
            case (.div, true): for i in 0..<count { o[i] = v / a[i] }
            default: break
            }
            return
        }
        switch (function, smallFirst) {
        case (.add, _): for i in 0..<count { o[i] = a[i] + b[i] }
        case (.mul, _): for i in 0..<count { o[i] = a[i] * b[i] }
        case (.sub, false): for i in 0..<count { o[i] = a[i] - b[i] }
        case (.sub, true): for i in 0..<count { o[i] = b[i] - a[i] }
        case (.div, false): for i in 0..<count { o[i] = a[i] / b[i] }
        case (.div, true): for i in 0..<count { o[i] = b[i] / a[i] }
        default: break
        }
    }

    private static func floatOperation(_ function: BinaryFunction) -> (Float, Float) -> Float {
        switch function {
        case .add: { $0 + $1 }
        case .sub: { $0 - $1 }
        case .mul: { $0 * $1 }
        case .div: { $0 / $1 }
        case .pow: { Foundation.pow($0, $1) }
        case .fmod: { Foundation.fmod($0, $1) }
        case .mod:
            { a, b in
                let r = Foundation.fmod(a, b)
                return r != 0 && (r < 0) != (b < 0) ? r + b : r
            }
        case .prelu: { x, slope in x < 0 ? slope * x : x }
        }
    }

    private static func intOperation(_ function: BinaryFunction) -> (Int64, Int64) -> Int64 {
        switch function {
        case .add: { $0 &+ $1 }
        case .sub: { $0 &- $1 }
        case .mul: { $0 &* $1 }
        // Truncating toward zero as ONNX and onnxruntime do; Int64.min / -1 wraps rather than traps.
        case .div: { $0.dividedReportingOverflow(by: $1).partialValue }
        case .pow: { base, exponent in exponent < 0 ? 0 : (0..<exponent).reduce(Int64(1)) { product, _ in product &* base } }
        case .fmod: { $0.remainderReportingOverflow(dividingBy: $1).partialValue }
        case .mod:
            { a, b in
                let r = a.remainderReportingOverflow(dividingBy: b).partialValue
                return r != 0 && (r < 0) != (b < 0) ? r &+ b : r
            }
        case .prelu: { x, slope in x < 0 ? slope &* x : x }
        }
    }

    /// Strides of `shape` seen through the broadcast `outputShape` (0 along broadcast axes).
    static func broadcastStrides(_ shape: [Int], to outputShape: [Int]) -> [Int] {
        let own = strides(of: shape)
        let offset = outputShape.count - shape.count
        return outputShape.indices.map { axis in
            axis < offset || shape[axis - offset] == 1 ? 0 : own[axis - offset]
        }
    }

    /// Elementwise `operation` over the broadcast of `a` and `b`; the innermost axis is a tight loop.
    @inline(__always)
    static func combine<S>(_ a: Tensor<S>, _ b: Tensor<S>, outputShape: [Int], _ operation: (S, S) -> S) -> Tensor<S> {
        let count = outputShape.reduce(1, *)
        if a.shape == b.shape {
            return Tensor(shape: outputShape, scalars: zip(a.scalars, b.scalars).map(operation))
        }
        if b.count == 1 {
            let v = b.scalars[0]
            return Tensor(shape: outputShape, scalars: a.scalars.map { operation($0, v) }).broadcastIfNeeded(to: outputShape)
        }
        guard count > 0 else { return Tensor(shape: outputShape, scalars: []) }
        let rank = outputShape.count
        let sa = broadcastStrides(a.shape, to: outputShape)
        let sb = broadcastStrides(b.shape, to: outputShape)
        let inner = rank == 0 ? 1 : outputShape[rank - 1]
        let ia = rank == 0 ? 0 : sa[rank - 1], ib = rank == 0 ? 0 : sb[rank - 1]
        var index = Array(repeating: 0, count: max(0, rank - 1))
        var result = [S]()
        result.reserveCapacity(count)
        a.scalars.withUnsafeBufferPointer { ap in
        b.scalars.withUnsafeBufferPointer { bp in
            var offsetA = 0, offsetB = 0
            for _ in 0..<(count / inner) {
                for i in 0..<inner { result.append(operation(ap[offsetA + i * ia], bp[offsetB + i * ib])) }
                // Advance the outer multi-index (odometer), updating offsets incrementally.
                var axis = rank - 2
                while axis >= 0 {
                    index[axis] += 1
                    offsetA += sa[axis]
                    offsetB += sb[axis]
                    if index[axis] < outputShape[axis] { break }
                    offsetA -= sa[axis] * index[axis]
                    offsetB -= sb[axis] * index[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }}
        return Tensor(shape: outputShape, scalars: result)
    }

    /// Expand: broadcast `x` against `shape` (the result may be larger than `shape` too).
    static func expand(_ x: Value, to outputShape: [Int]) throws -> Value {
        switch x {
        case .float(let t): .float(t.broadcastIfNeeded(to: outputShape))
        case .int(let t): .int(t.broadcastIfNeeded(to: outputShape))
        }
    }
}

extension Tensor {
    /// This tensor repeated along broadcast axes to fill `outputShape`.
    func broadcastIfNeeded(to outputShape: [Int]) -> Tensor {
        if shape == outputShape { return self }
        let total = outputShape.reduce(1, *)
        if count == 1 { return Tensor(shape: outputShape, repeating: scalars[0]) }
        guard total > 0 else { return Tensor(shape: outputShape, scalars: []) }
        // Rows of the innermost axis copied or repeated whole; the outer index advances as an
        // odometer (attention masks make this large, so no division per element).
        let rank = outputShape.count
        let source = Broadcast.broadcastStrides(shape, to: outputShape)
        let inner = outputShape[rank - 1], innerStride = source[rank - 1]
        var index = Array(repeating: 0, count: rank - 1)
        var offset = 0
        var result = [Scalar]()
        result.reserveCapacity(total)
        for _ in 0..<(total / inner) {
            if innerStride == 0 {
                result.append(contentsOf: repeatElement(scalars[offset], count: inner))
            } else {
                result.append(contentsOf: scalars[offset..<(offset + inner)])
            }
            advanceOdometer(&index, offset: &offset, strides: source, shape: outputShape, lastAxis: rank - 2)
        }
        return Tensor(shape: outputShape, scalars: result)
    }
}

extension Broadcast {
    /// Sums a gradient over the axes along which `shape` was broadcast, giving `shape`.
    static func reduceToShape(_ gradient: Tensor<Float>, _ shape: [Int]) -> Tensor<Float> {
        if gradient.shape == shape { return gradient }
        let outputShape = gradient.shape
        let target = broadcastStrides(shape, to: outputShape)
        let source = strides(of: outputShape)
        var result = [Float](repeating: 0, count: shape.reduce(1, *))
        for flat in 0..<gradient.count {
            var offset = 0
            for axis in outputShape.indices { offset += (flat / source[axis]) % outputShape[axis] * target[axis] }
            result[offset] += gradient.scalars[flat]
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// Gradients of a broadcast binary op with respect to each operand.
    static func backward(
        _ function: BinaryFunction, outputGradient dy: Tensor<Float>, _ a: Tensor<Float>, _ b: Tensor<Float>, wanted: (Bool, Bool)
    ) throws -> (Tensor<Float>?, Tensor<Float>?) {
        let shape = dy.shape
        let wideA = a.broadcastIfNeeded(to: shape), wideB = b.broadcastIfNeeded(to: shape)
        func gradient(_ partial: (Float, Float) -> Float, to target: [Int]) -> Tensor<Float> {
            var values = [Float](repeating: 0, count: dy.count)
            for i in values.indices { values[i] = dy.scalars[i] * partial(wideA.scalars[i], wideB.scalars[i]) }
            return reduceToShape(Tensor(shape: shape, scalars: values), target)
        }
        var da: Tensor<Float>?, db: Tensor<Float>?
        switch function {
        case .add:
            if wanted.0 { da = reduceToShape(dy, a.shape) }
            if wanted.1 { db = reduceToShape(dy, b.shape) }
        case .sub:
            if wanted.0 { da = reduceToShape(dy, a.shape) }
            if wanted.1 { db = reduceToShape(dy, b.shape).scaled(by: -1) }
        case .mul:
            if wanted.0 { da = gradient({ _, y in y }, to: a.shape) }
            if wanted.1 { db = gradient({ x, _ in x }, to: b.shape) }
        case .div:
            if wanted.0 { da = gradient({ _, y in 1 / y }, to: a.shape) }
            if wanted.1 { db = gradient({ x, y in -x / (y * y) }, to: b.shape) }
        case .pow:
            if wanted.0 { da = gradient({ x, y in y * Foundation.pow(x, y - 1) }, to: a.shape) }
            if wanted.1 { db = gradient({ x, y in x > 0 ? Foundation.pow(x, y) * Foundation.log(x) : 0 }, to: b.shape) }
        // As torch.remainder and torch.fmod: a − b·floor(a/b) and a − b·trunc(a/b).
        case .mod:
            if wanted.0 { da = reduceToShape(dy, a.shape) }
            if wanted.1 { db = gradient({ x, y in -(x / y).rounded(.down) }, to: b.shape) }
        case .fmod:
            if wanted.0 { da = reduceToShape(dy, a.shape) }
            if wanted.1 { db = gradient({ x, y in -(x / y).rounded(.towardZero) }, to: b.shape) }
        // As torch.prelu: the slope's gradient where x ≤ 0, x's is the slope there.
        case .prelu:
            if wanted.0 { da = gradient({ x, slope in x > 0 ? 1 : slope }, to: a.shape) }
            if wanted.1 { db = gradient({ x, _ in x > 0 ? 0 : x }, to: b.shape) }
        }
        return (da, db)
    }
}
