/// Ops that move or select data without arithmetic, on float and integer tensors alike
/// (graphs compute shapes with them). One file per family: Reshape (Flatten, Squeeze,
/// Unsqueeze), Transpose, ConcatSplit, Slice, Gather, Pad; Expand is in Broadcast. This
/// file holds the shared axis helpers and the ops that only read shapes or make
/// constants: Shape, ConstantOfShape, Cast.
enum ShapeOps {
    static func normalizedAxis(_ axis: Int, rank: Int, node: Node) throws -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < rank else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): axis \(axis) is outside a rank-\(rank) tensor")
        }
        return normalized
    }

    static func replacing(_ shape: [Int], axis: Int, with value: Int, node: Node) throws -> [Int] {
        var result = shape
        result[try normalizedAxis(axis, rank: shape.count, node: node)] = value
        return result
    }

    // MARK: Shape, ConstantOfShape, Cast

    static func shapeSlice(_ shape: [Int], start: Int, end: Int?) -> [Int] {
        let rank = shape.count
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
        let s = clamp(start), e = clamp(end ?? rank)
        return s < e ? Array(shape[s..<e]) : []
    }

    static func filled(_ fill: Value, shape: [Int]) -> Value {
        switch fill {
        case .float(let t): .float(Tensor(shape: shape, repeating: t.scalars.first ?? 0))
        case .int(let t): .int(Tensor(shape: shape, repeating: t.scalars.first ?? 0))
        }
    }

    static func cast(_ x: Value, to type: ElementType) -> Value {
        switch (x, type) {
        case (.float, .float), (.int, .int): x
        case (.float(let t), .int): .int(Tensor(shape: t.shape, scalars: t.scalars.map { $0.isFinite ? Int64(clamping: Int($0.rounded(.towardZero))) : 0 }))
        case (.int(let t), .float): .float(Tensor(shape: t.shape, scalars: t.scalars.map { Float($0) }))
        }
    }
}
