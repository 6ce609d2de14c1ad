import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Builds one-node graphs: float graph inputs, integer initializers, one output "y".
enum SingleNodeGraph {
    static func plan(
        _ opType: String, floats: [(String, Tensor<Float>)], integers: [String: Tensor<Int64>] = [:],
        inputs: [String], attributes: [Onnx_AttributeProto] = [], opset: Int64 = 18
    ) throws -> ExecutionPlan {
        var builder = ModelBuilder(opset: opset)
        builder.model.graph.input = floats.map { ModelBuilder.valueInfo($0.0, dims: $0.1.shape.map { Int64($0) }) }
        builder.model.graph.initializer = integers.sorted { $0.key < $1.key }.map {
            ModelBuilder.int64Tensor($0.key, dims: $0.value.shape.map { Int64($0) }, values: $0.value.scalars)
        }
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [])]
        builder.model.graph.node = [ModelBuilder.node(opType, inputs: inputs, outputs: ["y"], name: "op", attributes: attributes)]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        return try ExecutionPlan(graph: graph, inputShapes: Dictionary(uniqueKeysWithValues: floats.map { ($0.0, $0.1.shape) }))
    }

    static func ints(_ values: [Int64], shape: [Int]? = nil) -> Tensor<Int64> {
        Tensor(shape: shape ?? [values.count], scalars: values)
    }

    /// Deterministic values in [−1, 1) that differ from element to element.
    static func values(_ shape: [Int], seed: Int) -> Tensor<Float> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(($0 * 7919 + seed * 104_729 + 17) % 211) / 105.5 - 1 })
    }
}

/// Einsum against a brute-force reference, on the equations exporters emit for attention
/// and on numpy's other forms (implicit output, ellipsis, diagonals, broadcasting, 3 operands).
final class EinsumTests: XCTestCase {
    /// (equation as written in the model, the same with letters and an explicit output for
    /// the reference, operand shapes).
    static let equations: [(String, String, [[Int]])] = [
        ("bhid,bhjd->bhij", "bhid,bhjd->bhij", [[1, 2, 3, 4], [1, 2, 5, 4]]),
        // Relative attention: b is a batch axis the second operand repeats over (no transposes),
        // in both orientations of that operand, and a head axis of 1 that broadcasts.
        ("b h i d, h j d -> b h i j", "bhid,hjd->bhij", [[3, 2, 4, 5], [2, 6, 5]]),
        ("bhid,hdj->bhij", "bhid,hdj->bhij", [[3, 2, 4, 5], [2, 5, 6]]),
        ("bhid,hjd->bhij", "bhid,hjd->bhij", [[3, 2, 4, 5], [1, 6, 5]]),
        ("bhij,bhjd->bhid", "bhij,bhjd->bhid", [[1, 2, 3, 5], [1, 2, 5, 4]]),
        ("bnd,de->bne", "bnd,de->bne", [[2, 3, 4], [4, 5]]),
        ("...id,...jd->...ij", "zid,zjd->zij", [[2, 3, 4], [2, 5, 4]]),
        ("b h i d, b h j d -> b h i j", "bhid,bhjd->bhij", [[2, 1, 3, 2], [2, 1, 2, 2]]),
        ("ij,jk", "ij,jk->ik", [[3, 4], [4, 5]]),
        ("ji", "ji->ij", [[3, 4]]),
        ("ii->i", "ii->i", [[3, 3]]),
        ("bii,bij->bj", "bii,bij->bj", [[2, 3, 3], [2, 3, 4]]),
        ("ij->", "ij->", [[3, 4]]),
        ("i,i", "i,i->", [[5], [5]]),
        ("bij->bji", "bij->bji", [[2, 3, 4]]),
        ("...ij,...jk->...ik", "yzij,zjk->yzik", [[2, 1, 3, 4], [5, 4, 2]]),
        ("ij,jk,kl->il", "ij,jk,kl->il", [[2, 3], [3, 4], [4, 2]]),
        ("bi,bj,bk->bijk", "bi,bj,bk->bijk", [[2, 2], [2, 3], [2, 2]]),
        (",ij->ij", ",ij->ij", [[], [2, 3]]),
        // A size-1 axis broadcasts to size 0 too.
        ("ij,jk->ik", "ij,jk->ik", [[2, 0], [1, 3]]),
    ]

    static func plan(_ equation: String, _ shapes: [[Int]]) throws -> (ExecutionPlan, [String: Tensor<Float>]) {
        let names = ["a", "b", "c"].prefix(shapes.count)
        let operands = zip(names, shapes.enumerated()).map { ($0, SingleNodeGraph.values($1.element, seed: $1.offset)) }
        let plan = try SingleNodeGraph.plan("Einsum", floats: operands, inputs: Array(names), attributes: [ModelBuilder.stringAttribute("equation", equation)])
        return (plan, Dictionary(uniqueKeysWithValues: operands))
    }

    /// Every assignment of the labels: the product of the operands' elements, summed into the
    /// output element it names. Size-1 axes broadcast.
    static func bruteForce(_ equation: String, _ operands: [Tensor<Float>]) -> Tensor<Float> {
        let sides = equation.components(separatedBy: "->")
        let terms = sides[0].split(separator: ",", omittingEmptySubsequences: false).map(Array.init)
        let output = Array(sides[1])
        var sizes: [Character: Int] = [:]
        for (term, x) in zip(terms, operands) {
            for (label, size) in zip(term, x.shape) { sizes[label] = sizes[label].map { $0 == 1 ? size : $0 } ?? size }
        }
        let labels = sizes.keys.sorted()
        let outputShape = output.map { sizes[$0]! }
        var result = [Float](repeating: 0, count: outputShape.reduce(1, *))
        for flat in 0..<labels.reduce(1, { $0 * sizes[$1]! }) {
            var value: [Character: Int] = [:]
            var rest = flat
            for label in labels { value[label] = rest % sizes[label]!; rest /= sizes[label]! }
            var product: Float = 1
            for (term, x) in zip(terms, operands) {
                var offset = 0
                for (axis, label) in term.enumerated() { offset = offset * x.shape[axis] + (x.shape[axis] == 1 ? 0 : value[label]!) }
                product *= x.scalars[offset]
            }
            var target = 0
            for label in output { target = target * sizes[label]! + value[label]! }
            result[target] += product
        }
        return Tensor(shape: outputShape, scalars: result)
    }

    func testEquationsEqualBruteForce() throws {
        for (equation, reference, shapes) in Self.equations {
            let (plan, inputs) = try Self.plan(equation, shapes)
            guard case .float(let y)? = try plan.run(inputs)["y"] else { XCTFail(equation); continue }
            let expected = Self.bruteForce(reference, inputs.keys.sorted().map { inputs[$0]! })
            XCTAssertEqual(y.shape, expected.shape, equation)
            let comparison = compare(y.scalars, expected.scalars, absolute: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "\(equation): \(comparison)")
        }
    }

    /// Enough heads and work that the products are spread over threads.
    func testHeadsOnTwoThreadsEqualBruteForce() throws {
        for equation in ["bhid,bhjd->bhij", "bhij,bhjd->bhid", "bhid,hjd->bhij"] {
            let shapes = switch equation {
            case "bhid,bhjd->bhij": [[2, 4, 48, 12], [2, 4, 48, 12]]
            case "bhid,hjd->bhij": [[2, 4, 48, 12], [4, 95, 12]]
            default: [[2, 4, 48, 48], [2, 4, 48, 12]]
            }
            let (plan, inputs) = try Self.plan(equation, shapes)
            guard case .float(let y)? = try plan.run(inputs, threads: 2)["y"] else { return XCTFail(equation) }
            let expected = Self.bruteForce(equation, [inputs["a"]!, inputs["b"]!])
            let comparison = compare(y.scalars, expected.scalars, absolute: 1e-4)
            XCTAssertEqual(comparison.failures, 0, "\(equation): \(comparison)")
        }
    }

    func testBadEquationsAreRefusedNamingTheNode() throws {
        let cases: [(String, [[Int]], String)] = [
            ("ij,jk->ix", [[2, 3], [3, 4]], "node 'op' (Einsum): output subscript 'x' is in no operand"),
            ("ij,jk->ik", [[2, 3], [4, 5]], "node 'op' (Einsum): subscript 'j' has sizes 3 and 4"),
            ("ii->i", [[1, 3]], "node 'op' (Einsum): an operand of shape [1, 3] repeats subscript 'i' over axes of different sizes"),
            ("ijk->i", [[2, 3]], "node 'op' (Einsum): operand of shape [2, 3] has 2 axes but 3 subscripts"),
            ("ij,j1->i", [[2, 3], [3, 1]], "node 'op' (Einsum): equation 'ij,j1->i' contains '1'; subscripts are letters and '...'"),
            ("ij->i", [[2, 3], [3, 1]], "node 'op' (Einsum): the equation names 1 operands but the node has 2 inputs"),
        ]
        for (equation, shapes, message) in cases {
            XCTAssertThrowsError(try Self.plan(equation, shapes), equation) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }
}
