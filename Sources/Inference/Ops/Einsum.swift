/// Einsum, forward and backward. Operands are reduced to tensors with one axis per distinct
/// label (diagonals taken, lone labels summed out), then contracted pairwise as batched
/// matrix products through BLAS: attention's `bhid,bhjd->bhij` is one sgemm per head with
/// no copy. The gradient of an einsum is an einsum of the output gradient with the other
/// operands.
public struct EinsumEquation: Sendable, Equatable {
    /// A letter (its Unicode scalar value) or the ellipsis.
    enum Subscript: Sendable, Equatable {
        case letter(Int)
        case ellipsis
    }

    var inputs: [[Subscript]]
    /// nil when implicit (numpy's rule: the ellipsis, then the letters used once, sorted).
    var output: [Subscript]?

    /// Parses an ONNX/numpy equation such as `bhid,bhjd->bhij` or `...ii->...i`.
    init(parsing text: String) throws {
        let compact = text.filter { !$0.isWhitespace }
        let sides = compact.components(separatedBy: "->")
        guard sides.count <= 2 else { throw InferenceError("'\(text)' has more than one '->'") }
        func terms(_ side: String) throws -> [Subscript] {
            var result: [Subscript] = []
            var rest = Substring(side)
            while let first = rest.first {
                if rest.hasPrefix("...") {
                    guard !result.contains(.ellipsis) else { throw InferenceError("'\(text)' has two ellipses in one term") }
                    result.append(.ellipsis)
                    rest = rest.dropFirst(3)
                } else if first.isASCII, first.isLetter, let scalar = first.unicodeScalars.first {
                    result.append(.letter(Int(scalar.value)))
                    rest = rest.dropFirst()
                } else {
                    throw InferenceError("'\(text)' contains '\(first)'; subscripts are letters and '...'")
                }
            }
            return result
        }
        inputs = try sides[0].split(separator: ",", omittingEmptySubsequences: false).map { try terms(String($0)) }
        output = sides.count == 2 ? try terms(sides[1]) : nil
    }
}

enum Einsum {
    /// Labels as integers: letters by their scalar value, the ellipsis' axes as −1, −2, …
    /// (right-aligned across operands, as numpy broadcasts them).
    struct Resolved {
        var inputs: [[Int]]
        var output: [Int]
        /// Each label's size; a label of size 1 in one operand broadcasts to the others.
        var sizes: [Int: Int]
    }

    static func resolve(_ equation: EinsumEquation, shapes: [[Int]], node: Node) throws -> Resolved {
        func fail(_ message: String) -> InferenceError {
            InferenceError("node '\(node.name)' (Einsum): \(message)")
        }
        guard equation.inputs.count == shapes.count else {
            throw fail("the equation names \(equation.inputs.count) operands but the node has \(shapes.count) inputs")
        }
        var ellipsisRanks: [Int] = []
        for (term, shape) in zip(equation.inputs, shapes) {
            let letters = term.filter { $0 != .ellipsis }.count
            if term.contains(.ellipsis) {
                guard shape.count >= letters else { throw fail("operand of shape \(shape) has fewer axes than its subscripts") }
                ellipsisRanks.append(shape.count - letters)
            } else {
                guard shape.count == letters else { throw fail("operand of shape \(shape) has \(shape.count) axes but \(letters) subscripts") }
                ellipsisRanks.append(0)
            }
        }
        let ellipsisRank = ellipsisRanks.max() ?? 0
        func labels(_ term: [EinsumEquation.Subscript], ellipsis rank: Int) -> [Int] {
            term.flatMap { item -> [Int] in
                switch item {
                case .letter(let value): [value]
                case .ellipsis: ((ellipsisRank - rank)..<ellipsisRank).map { -1 - $0 }
                }
            }
        }
        let inputs = zip(equation.inputs, ellipsisRanks).map { labels($0, ellipsis: $1) }
        var sizes: [Int: Int] = [:]
        for (labelList, shape) in zip(inputs, shapes) {
            // A diagonal (`ii`) needs equal sizes; it does not broadcast.
            var own: [Int: Int] = [:]
            for (label, size) in zip(labelList, shape) where own.updateValue(size, forKey: label).map({ $0 != size }) ?? false {
                throw fail("an operand of shape \(shape) repeats subscript '\(name(of: label))' over axes of different sizes")
            }
            for (label, size) in zip(labelList, shape) {
                guard let known = sizes[label], known != size else { sizes[label] = size; continue }
                guard known == 1 || size == 1 else { throw fail("subscript '\(name(of: label))' has sizes \(known) and \(size)") }
                sizes[label] = known == 1 ? size : known  // 1 broadcasts, to 0 as well
            }
        }
        let output: [Int]
        if let explicit = equation.output {
            output = labels(explicit, ellipsis: ellipsisRank)
            guard Set(output).count == output.count else { throw fail("the output repeats a subscript") }
            for label in output where sizes[label] == nil { throw fail("output subscript '\(name(of: label))' is in no operand") }
        } else {
            var counts: [Int: Int] = [:]
            for label in inputs.joined() where label >= 0 { counts[label, default: 0] += 1 }
            output = (0..<ellipsisRank).map { -1 - $0 } + counts.filter { $0.value == 1 }.keys.sorted()
        }
        return Resolved(inputs: inputs, output: output, sizes: sizes)
    }

    private static func name(of label: Int) -> String {
        label >= 0 ? String(UnicodeScalar(UInt8(label))) : "..."
    }

    static func outputShape(_ equation: EinsumEquation, shapes: [[Int]], node: Node) throws -> [Int] {
        let resolved = try resolve(equation, shapes: shapes, node: node)
        return resolved.output.map { resolved.sizes[$0]! }
    }

    /// A tensor with one distinct label per axis.
    struct Labeled {
        var tensor: Tensor<Float>
        var labels: [Int]
    }

    static func forward(_ equation: EinsumEquation, _ operands: [Tensor<Float>], node: Node, context: ExecutionContext) throws -> Tensor<Float> {
        let resolved = try resolve(equation, shapes: operands.map(\.shape), node: node)
        let distinct = zip(operands, resolved.inputs).map { diagonal($0, labels: $1) }
        return evaluate(distinct, output: resolved.output, sizes: resolved.sizes, context: context).tensor
    }

    /// Contracts the operands left to right, keeping at each step only the labels the output
    /// or a later operand needs; the result has exactly `output`'s labels, in its order.
    private static func evaluate(_ operands: [Labeled], output: [Int], sizes: [Int: Int], context: ExecutionContext) -> Labeled {
        var accumulated = operands[0]
        for index in operands.indices.dropFirst() {
            let needed = Set(output).union(operands[(index + 1)...].flatMap(\.labels))
            accumulated = contract(accumulated, operands[index], keeping: needed, sizes: sizes, context: context)
        }
        accumulated = sumOut(accumulated, keeping: Set(output))
        return permuted(accumulated, to: output)
    }

    // MARK: Building blocks

    /// Takes the diagonal of repeated labels (`ii->i`), so every label names one axis.
    static func diagonal(_ x: Tensor<Float>, labels: [Int]) -> Labeled {
        var distinct: [Int] = []
        for label in labels where !distinct.contains(label) { distinct.append(label) }
        guard distinct.count < labels.count else { return Labeled(tensor: x, labels: labels) }
        let inputStrides = strides(of: x.shape)
        let shape = distinct.map { label in x.shape[labels.firstIndex(of: label)!] }
        // Each distinct axis steps over all the input axes it labels at once.
        let steps = distinct.map { label in labels.indices.filter { labels[$0] == label }.reduce(0) { $0 + inputStrides[$1] } }
        var result = [Float](repeating: 0, count: shape.reduce(1, *))
        let outputStrides = strides(of: shape)
        for flat in result.indices {
            var offset = 0
            for axis in shape.indices { offset += (flat / outputStrides[axis]) % shape[axis] * steps[axis] }
            result[flat] = x.scalars[offset]
        }
        return Labeled(tensor: Tensor(shape: shape, scalars: result), labels: distinct)
    }

    /// The inverse of `diagonal` for gradients: values on the diagonal, zeros elsewhere.
    static func undiagonal(_ g: Labeled, to labels: [Int]) -> Tensor<Float> {
        guard g.labels.count < labels.count else { return permuted(g, to: labels).tensor }
        let shape = labels.map { g.tensor.shape[g.labels.firstIndex(of: $0)!] }
        let outputStrides = strides(of: shape)
        let steps = g.labels.map { label in labels.indices.filter { labels[$0] == label }.reduce(0) { $0 + outputStrides[$1] } }
        var result = [Float](repeating: 0, count: shape.reduce(1, *))
        let sourceStrides = strides(of: g.tensor.shape)
        for flat in 0..<g.tensor.count {
            var offset = 0
            for axis in g.tensor.shape.indices { offset += (flat / sourceStrides[axis]) % g.tensor.shape[axis] * steps[axis] }
            result[offset] = g.tensor.scalars[flat]
        }
        return Tensor(shape: shape, scalars: result)
    }

    static func sumOut(_ x: Labeled, keeping kept: Set<Int>) -> Labeled {
        let dropped = x.labels.indices.filter { !kept.contains(x.labels[$0]) }
        guard !dropped.isEmpty else { return x }
        let keptShape = x.tensor.shape.indices.map { dropped.contains($0) ? 1 : x.tensor.shape[$0] }
        let summed = Broadcast.reduceToShape(x.tensor, keptShape)
        let labels = x.labels.filter(kept.contains)
        return Labeled(tensor: Tensor(shape: labels.map { x.tensor.shape[x.labels.firstIndex(of: $0)!] }, scalars: summed.scalars), labels: labels)
    }

    static func permuted(_ x: Labeled, to labels: [Int]) -> Labeled {
        guard x.labels != labels else { return x }
        let permutation = labels.map { x.labels.firstIndex(of: $0)! }
        return Labeled(tensor: ShapeOps.transposed(x.tensor, permutation, permutation.map { x.tensor.shape[$0] }), labels: labels)
    }

    /// Broadcasts size-1 axes to the label's full size (a label shared with a wider operand).
    private static func widened(_ x: Labeled, sizes: [Int: Int], labels: Set<Int>) -> Labeled {
        let shape = x.labels.map { labels.contains($0) ? sizes[$0]! : x.tensor.shape[x.labels.firstIndex(of: $0)!] }
        guard shape != x.tensor.shape else { return x }
        return Labeled(tensor: x.tensor.broadcastIfNeeded(to: shape), labels: x.labels)
    }

    /// One pairwise contraction as batched sgemm: (batch, m, k) × (batch, k, n). Labels in
    /// both operands that `needed` keeps are batch axes, the other shared ones are summed.
    static func contract(_ a: Labeled, _ b: Labeled, keeping needed: Set<Int>, sizes: [Int: Int], context: ExecutionContext) -> Labeled {
        let shared = Set(a.labels).intersection(b.labels)
        let a = widened(sumOut(a, keeping: needed.union(b.labels)), sizes: sizes, labels: shared)
        let b = widened(sumOut(b, keeping: needed.union(a.labels)), sizes: sizes, labels: shared)
        let batch = a.labels.filter { shared.contains($0) && needed.contains($0) }
        let summed = a.labels.filter { shared.contains($0) && !needed.contains($0) }
        let aKept = a.labels.filter { !shared.contains($0) }
        let bKept = b.labels.filter { !shared.contains($0) }
        // Kept axes keep their own size (a size-1 axis broadcasts at a later operand).
        func dims(_ x: Labeled, _ labels: [Int]) -> [Int] { labels.map { x.tensor.shape[x.labels.firstIndex(of: $0)!] } }
        let shape = dims(a, batch) + dims(a, aKept) + dims(b, bKept)
        func size(_ dims: [Int]) -> Int { dims.reduce(1, *) }
        let (batchCount, m, k, n) = (size(dims(a, batch)), size(dims(a, aKept)), size(dims(a, summed)), size(dims(b, bKept)))

        if let direct = contractBroadcastingB(a, b, batch: batch, summed: summed, aKept: aKept, bKept: bKept, context: context) {
            return direct
        }

        // Use each operand as stored when it already is (batch, rows, cols) in either
        // orientation; otherwise transpose it once.
        func layout(_ x: Labeled, _ rows: [Int], _ cols: [Int]) -> (Labeled, transposed: Bool) {
            if x.labels == batch + rows + cols { return (x, false) }
            if x.labels == batch + cols + rows { return (x, true) }
            return (permuted(x, to: batch + rows + cols), false)
        }
        let (left, transA) = layout(a, aKept, summed)
        let (right, transB) = layout(b, summed, bKept)
        let y = products(count: batchCount, m: m, n: n, k: k, left.tensor, transA: transA, right.tensor, transB: transB,
                         bOffset: { $0 * k * n }, context: context)
        return Labeled(tensor: Tensor(shape: shape, scalars: y), labels: batch + aKept + bKept)
    }

    /// The contraction without a transpose of either operand or of the result when `a` leads
    /// with labels `b` lacks, mixed with the batch labels (relative attention's
    /// `bhid,hjd->bhij`: `b` is a batch axis over which `b`'s operand repeats). `a` must be
    /// (outer, rows, summed) and `b` (its outer labels, summed and kept) in either orientation;
    /// nil otherwise (the general path transposes).
    private static func contractBroadcastingB(_ a: Labeled, _ b: Labeled, batch: [Int], summed: [Int], aKept: [Int], bKept: [Int],
                                              context: ExecutionContext) -> Labeled? {
        // Outer labels run up to the last batch label; the kept labels after it are the rows of
        // each product (taking them as outer too would make products of one row).
        guard let lastBatch = a.labels.lastIndex(where: batch.contains) else { return nil }
        let outer = Array(a.labels[...lastBatch])
        let rows = aKept.filter { !outer.contains($0) }
        guard outer.allSatisfy({ batch.contains($0) || aKept.contains($0) }), outer.contains(where: { !batch.contains($0) }),
              a.labels == outer + rows + summed else { return nil }
        let bOuter = outer.filter(batch.contains)
        let transB: Bool
        if b.labels == bOuter + summed + bKept { transB = false } else if b.labels == bOuter + bKept + summed { transB = true } else { return nil }
        func size(_ x: Labeled, _ labels: [Int]) -> Int { labels.reduce(1) { $0 * x.tensor.shape[x.labels.firstIndex(of: $1)!] } }
        let (m, k, n) = (size(a, rows), size(a, summed), size(b, bKept))
        let outerShape = outer.map { a.tensor.shape[a.labels.firstIndex(of: $0)!] }
        // b's offset for each outer index: its own batch labels' strides, 0 along labels it lacks.
        let bBlock = k * n
        var bStrides = [Int](repeating: 0, count: outer.count)
        var stride = bBlock
        for axis in outer.indices.reversed() where batch.contains(outer[axis]) {
            bStrides[axis] = stride
            stride *= outerShape[axis]
        }
        let outerCount = outerShape.reduce(1, *)
        let bOffsets = (0..<outerCount).map { flat in
            var rest = flat, offset = 0
            for axis in outer.indices.reversed() {
                offset += rest % outerShape[axis] * bStrides[axis]
                rest /= outerShape[axis]
            }
            return offset
        }
        let y = products(count: outerCount, m: m, n: n, k: k, a.tensor, transA: false, b.tensor, transB: transB,
                         bOffset: { bOffsets[$0] }, context: context)
        let shape = outerShape + rows.map { a.tensor.shape[a.labels.firstIndex(of: $0)!] } + bKept.map { b.tensor.shape[b.labels.firstIndex(of: $0)!] }
        return Labeled(tensor: Tensor(shape: shape, scalars: y), labels: outer + rows + bKept)
    }
}

extension Einsum {
    /// d operand_i = einsum(dY, the other operands → operand_i's labels), broadcast along
    /// labels the forward pass summed out of operand_i alone, put back on its diagonals, and
    /// summed over axes where operand_i was broadcast.
    static func backward(_ equation: EinsumEquation, outputGradient dy: Tensor<Float>, _ operands: [Tensor<Float>], wanted: [Bool], node: Node, context: ExecutionContext) throws -> [Tensor<Float>?] {
        let resolved = try resolve(equation, shapes: operands.map(\.shape), node: node)
        let distinct = zip(operands, resolved.inputs).map { diagonal($0, labels: $1) }
        let gradient = Labeled(tensor: dy, labels: resolved.output)
        return operands.indices.map { index in
            guard index < wanted.count, wanted[index] else { return nil }
            let target = distinct[index].labels
            let others = [gradient] + distinct.enumerated().filter { $0.offset != index }.map(\.element)
            let available = Set(others.flatMap(\.labels))
            let reached = target.filter(available.contains)
            let g = evaluate(others, output: reached, sizes: resolved.sizes, context: context)
            // Labels only this operand had got the same gradient at every index: size 1
            // there (`reached` is in `target`'s order), then broadcast.
            let unitShape = target.map { label in reached.firstIndex(of: label).map { g.tensor.shape[$0] } ?? 1 }
            let fullShape = target.map { resolved.sizes[$0]! }
            var full = Tensor(shape: unitShape, scalars: g.tensor.scalars).broadcastIfNeeded(to: fullShape)
            // Axes of size 1 that broadcast against a wider operand sum back.
            let ownShape = target.map { operands[index].shape[resolved.inputs[index].firstIndex(of: $0)!] }
            full = Broadcast.reduceToShape(full, ownShape)
            return undiagonal(Labeled(tensor: full, labels: target), to: resolved.inputs[index])
        }
    }

    /// `count` products (m × k)·(k × n), the i-th reading a's i-th block, b at `bOffset(i)` and
    /// writing y's i-th block.
    private static func products(count: Int, m: Int, n: Int, k: Int, _ a: Tensor<Float>, transA: Bool, _ b: Tensor<Float>, transB: Bool,
                                 bOffset: (Int) -> Int, context: ExecutionContext) -> [Float] {
        var y = k > 0 ? context.buffers.take(count: count * m * n) : [Float](repeating: 0, count: count * m * n)
        a.scalars.withUnsafeBufferPointer { ap in
        b.scalars.withUnsafeBufferPointer { bp in
        y.withUnsafeMutableBufferPointer { yp in
            guard k > 0 else { return }
            nonisolated(unsafe) let (aBase, bBase, yBase) = (ap.baseAddress!, bp.baseAddress!, yp.baseAddress!)
            withoutActuallyEscaping(bOffset) { bOffset in
                nonisolated(unsafe) let bOffset = bOffset
                func product(_ index: Int) {
                    BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k,
                               a: aBase + index * m * k, lda: transA ? m : k,
                               b: bBase + bOffset(index), ldb: transB ? k : n,
                               c: yBase + index * m * n, ldc: n)
                }
                // Many small products (heads of attention): one single-threaded product per
                // thread beats BLAS splitting each small one.
                guard count > 1, context.threads > 1 else {
                    for index in 0..<count { product(index) }
                    return
                }
                BLAS.setThreads(1)
                parallelFor(count, threads: context.threads, work: count * m * n * k, product)
                BLAS.setThreads(context.threads)
            }
        }}}
        return y
    }
}
