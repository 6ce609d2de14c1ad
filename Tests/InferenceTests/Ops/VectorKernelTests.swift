import CVectorMath
import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// The C kernels behind Sigmoid, Exp, LayerNormalization and ReduceMax/Min/Sum/Mean (CVectorMath)
/// against double-precision loops written here, on sizes that cover the eight-lane loops and
/// their remainders, with extreme and NaN entries.
final class VectorKernelTests: XCTestCase {
    /// One node from x (and `constants`) to y, run on `x`.
    private func run(_ opType: String, _ x: Tensor<Float>, inputs: [String] = ["x"], constants: [Onnx_TensorProto] = [],
                     attributes: [Onnx_AttributeProto] = [], opset: Int64 = 17) throws -> Tensor<Float> {
        var builder = ModelBuilder(opset: opset)
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: x.shape.map { Int64($0) })]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [])]
        builder.model.graph.initializer = constants
        builder.model.graph.node = [ModelBuilder.node(opType, inputs: inputs, outputs: ["y"], name: "op", attributes: attributes)]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        guard case .float(let y)? = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape]).run(["x": x])["y"] else {
            throw XCTSkip("no output")
        }
        return y
    }

    func testSigmoidAndExpKeepRelativeAccuracy() throws {
        var values: [Float] = (0..<203).map { Float($0 - 101) / 4 }
        values += [-80, -87, 1e-7, 0, 88, 88.5, 89, .infinity, -.infinity]
        let x = Tensor(shape: [values.count], scalars: values)
        let sigmoid = try run("Sigmoid", x).scalars, exp = try run("Exp", x).scalars
        for (i, v) in values.enumerated() {
            let expectedSigmoid = 1 / (1 + Foundation.exp(-Double(v))), expectedExp = Foundation.exp(Double(v))
            // Relative: sigmoid(−25) = 1.4e-11 must not come out as 0 or as a rounding error of 1.
            XCTAssertEqual(Double(sigmoid[i]), expectedSigmoid, accuracy: 4e-7 * expectedSigmoid + 1e-37, "sigmoid(\(v))")
            if expectedExp < Double(Float.greatestFiniteMagnitude) {
                XCTAssertEqual(Double(exp[i]), expectedExp, accuracy: 4e-7 * expectedExp + 1.2e-38, "exp(\(v))")
            } else {
                XCTAssertEqual(exp[i], .infinity, "exp(\(v)) overflows")
            }
        }
        let nan = Tensor<Float>(shape: [3], scalars: [0.5, .nan, -0.5])
        XCTAssertTrue(try run("Sigmoid", nan).scalars[1].isNaN, "NaN propagates")
        XCTAssertTrue(try run("Exp", nan).scalars[1].isNaN, "NaN propagates")
    }

    func testLayerNormalizationAgainstDoublePrecision() throws {
        // Sizes: two eight-lane blocks and a remainder; three blocks (one left over after the
        // pairs) and a remainder; a transformer's 64.
        for size in [19, 27, 64] { try checkLayerNormalization(size: size) }
    }

    private func checkLayerNormalization(size: Int) throws {
        let rows = 5
        // A large common offset: a one-pass E[x²] − mean² would cancel it away.
        let values: [Float] = (0..<(rows * size)).map { 1000 + Float(($0 * 7919) % 97) / 13 }
        let gamma: [Float] = (0..<size).map { 0.5 + Float($0) / 10 }, beta: [Float] = (0..<size).map { Float($0) / 7 - 1 }
        let x = Tensor(shape: [rows, size], scalars: values)
        for withBias in [true, false] {
            var constants = [ModelBuilder.floatTensor("gamma", dims: [Int64(size)], values: gamma)]
            if withBias { constants.append(ModelBuilder.floatTensor("beta", dims: [Int64(size)], values: beta)) }
            let y = try run("LayerNormalization", x, inputs: withBias ? ["x", "gamma", "beta"] : ["x", "gamma"], constants: constants,
                            attributes: [ModelBuilder.intAttribute("axis", -1), ModelBuilder.floatAttribute("epsilon", 1e-5)]).scalars
            for row in 0..<rows {
                let slice = values[(row * size)..<((row + 1) * size)].map(Double.init)
                let mean = slice.reduce(0, +) / Double(size)
                let variance = slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(size)
                for (j, v) in slice.enumerated() {
                    let expected = (v - mean) / (variance + 1e-5).squareRoot() * Double(gamma[j]) + (withBias ? Double(beta[j]) : 0)
                    XCTAssertEqual(Double(y[row * size + j]), expected, accuracy: 2e-4, "size \(size) row \(row) column \(j), bias \(withBias)")
                }
            }
        }
    }

    func testReductionsOverOneRunOfAxes() throws {
        // (2, 11, 3): reducing axis 1 folds rows of 3 (inner > 1), reducing axis 2 or axes 1–2
        // folds contiguous runs (inner = 1, the eight-lane path with a remainder).
        let shape = [2, 11, 3]
        var values: [Float] = (0..<66).map { Float(($0 * 37) % 29) - 14 }
        values[40] = .nan
        let x = Tensor(shape: shape, scalars: values)
        /// The group of input values that lands in each output element, in output order.
        func groups(axes: [Int]) -> [[Double]] {
            let kept = shape.indices.filter { !axes.contains($0) }
            let outputShape = kept.map { shape[$0] }
            var result = [[Double]](repeating: [], count: outputShape.reduce(1, *))
            for b in 0..<shape[0] { for l in 0..<shape[1] { for c in 0..<shape[2] {
                let coordinates = [b, l, c]
                let target = kept.reduce(0) { $0 * shape[$1] + coordinates[$1] }
                result[target].append(Double(values[(b * shape[1] + l) * shape[2] + c]))
            } } }
            return result
        }
        // Opset 18: every reduction takes its axes as an input.
        for function in ["ReduceMax", "ReduceMin", "ReduceSum", "ReduceMean"] {
            for axes in [[1], [2], [1, 2]] {
                let y = try run(function, x, inputs: ["x", "axes"], constants: [ModelBuilder.int64Tensor("axes", dims: [Int64(axes.count)], values: axes.map(Int64.init))],
                                attributes: [ModelBuilder.intAttribute("keepdims", 0)], opset: 18).scalars
                let expected = groups(axes: axes)
                XCTAssertEqual(y.count, expected.count, "\(function) over \(axes)")
                for (index, group) in expected.enumerated() where index < y.count {
                    let got = Double(y[index])
                    if group.contains(where: \.isNaN) {
                        XCTAssertTrue(got.isNaN, "\(function) over \(axes) at \(index) propagates NaN")
                        continue
                    }
                    let value = switch function {
                    case "ReduceMax": group.max()!
                    case "ReduceMin": group.min()!
                    case "ReduceSum": group.reduce(0, +)
                    default: group.reduce(0, +) / Double(group.count)
                    }
                    XCTAssertEqual(got, value, accuracy: 1e-5 * max(1, abs(value)), "\(function) over \(axes) at \(index)")
                }
            }
        }
    }

    /// Transposes that move the contiguous last axis (`seqlens_transpose`'s 8 × 8 register
    /// tiles and their edges) and that keep it (`seqlens_copy_rows`: rows of 7 to 300 floats,
    /// axes of one, axes merged into the rows or with each other, blocks of rows stepped over
    /// one to three more axes) against each output element's source worked out by index.
    func testTransposeTilesAgainstIndexArithmetic() throws {
        let movingTheLastAxis = [([3, 37, 21], [0, 2, 1]), ([4, 16, 32], [0, 2, 1]), ([2, 5, 40, 24], [0, 3, 1, 2]), ([19, 23], [1, 0])]
        let keepingTheLastAxis = [([1, 49, 6, 3, 32], [3, 1, 2, 0, 4]), ([49, 6, 16], [1, 0, 2]), ([6, 2, 7, 16], [2, 0, 1, 3]),
                                  ([2, 3, 4, 5, 7], [1, 0, 3, 2, 4]), ([3, 4, 17], [0, 1, 2]), ([5, 1, 33], [1, 0, 2]),
                                  ([4, 3, 300], [1, 0, 2]), ([2, 3, 4, 16], [2, 0, 1, 3]), ([3, 2, 5, 2, 9], [3, 1, 0, 2, 4])]
        for (shape, perm) in movingTheLastAxis + keepingTheLastAxis {
            let count = shape.reduce(1, *)
            let x = Tensor(shape: shape, scalars: (0..<count).map { Float($0) })
            let y = try run("Transpose", x, attributes: [ModelBuilder.intsAttribute("perm", perm.map { Int64($0) })])
            let outputShape = perm.map { shape[$0] }
            XCTAssertEqual(y.shape, outputShape)
            let inputStrides = shape.indices.map { shape[($0 + 1)...].reduce(1, *) }
            var expected: [Float] = []
            for flat in 0..<count {
                // The output index of `flat`, then the input element it comes from.
                var rest = flat, source = 0
                for axis in outputShape.indices.reversed() {
                    source += rest % outputShape[axis] * inputStrides[perm[axis]]
                    rest /= outputShape[axis]
                }
                expected.append(Float(source))
            }
            XCTAssertEqual(y.scalars, expected, "\(shape) perm \(perm)")
        }
    }

    /// `seqlens_add_rows` (ISM's scatter of windowed convolutions) on row lengths that cover the
    /// masked tails below and above a vector, with strides apart from the length: every element
    /// inside the rows gains its source, and the floats between the rows are untouched.
    func testAddRowsTouchesExactlyTheRows() {
        for count in [0, 1, 7, 8, 11, 15, 16, 17, 19, 33, 40] {
            let rows = 5, sourceStride = count + 3, targetStride = count + 6
            let source = (0..<(rows * sourceStride)).map { Float($0 % 13) - 6.5 }
            var target = (0..<(rows * targetStride)).map { Float($0) * 0.25 }
            var expected = target
            for r in 0..<rows {
                for i in 0..<count { expected[r * targetStride + i] += source[r * sourceStride + i] }
            }
            target.withUnsafeMutableBufferPointer { t in
                seqlens_add_rows(source, sourceStride, t.baseAddress!, targetStride, rows, count)
            }
            XCTAssertEqual(target, expected, "rows of \(count)")
        }
    }

    /// `seqlens_add_weighted_rows` (a first layer's change added as its channels' weight rows):
    /// a substitution's two terms (+1, −1), every term non-zero, and more non-zero terms than the
    /// vector paths hold (the plain loop), on row lengths around a vector; the floats between
    /// the rows are untouched.
    func testAddWeightedRowsAddsEachScaledTerm() {
        let cases: [[Float]] = [[0, 1, 0, -1], [0.5, -2, 0.25, 3], [0, 0, 0, 0], (0..<10).map { Float($0) - 4.5 }]
        for scale in cases {
            for count in [1, 7, 8, 11, 16, 19, 33] {
                let rows = 4, terms = scale.count, termStride = count + 2, sourceStride = terms * termStride + 1
                let targetStride = count + 5
                let source = (0..<(rows * sourceStride)).map { Float($0 % 17) * 0.125 - 1 }
                var target = (0..<(rows * targetStride)).map { Float($0) * 0.5 }
                var expected = target
                for r in 0..<rows {
                    for i in 0..<count {
                        var sum = expected[r * targetStride + i]
                        for j in 0..<terms where scale[j] != 0 { sum += scale[j] * source[r * sourceStride + j * termStride + i] }
                        expected[r * targetStride + i] = sum
                    }
                }
                target.withUnsafeMutableBufferPointer { t in
                    seqlens_add_weighted_rows(source, sourceStride, termStride, scale, terms, t.baseAddress!, targetStride, rows, count)
                }
                for (index, (got, want)) in zip(target, expected).enumerated() {
                    XCTAssertEqual(got, want, accuracy: 1e-5 * max(1, abs(want)), "scale \(scale), rows of \(count), element \(index)")
                }
            }
        }
    }

    /// `seqlens_row_changes` (which columns of an ISM window differ from the reference): the
    /// changes exactly, and a column flagged only where some channel's change is not zero; a
    /// change of −0 (0 − 0 is +0, but −0 − 0 is −0) is no change. Widths around a vector, a
    /// reference wider than the window.
    func testRowChangesFlagsExactlyTheChangedColumns() {
        for width in [1, 7, 8, 9, 15, 16, 17, 33] {
            let channels = 3, referenceStride = width + 5
            let reference = (0..<(channels * referenceStride)).map { Float($0 % 11) * 0.5 - 2 }
            var rows = [Float](repeating: 0, count: channels * width)
            var expectedFlags = [UInt8](repeating: 0, count: width)
            for i in 0..<width {
                // Every third column equal to the reference, every fifth −0 where it is 0.
                for c in 0..<channels {
                    let value = reference[c * referenceStride + i]
                    rows[c * width + i] = i % 3 == 0 ? (value == 0 ? -0.0 : value) : value + Float(c + 1) * 0.25
                }
                if i % 3 != 0 { expectedFlags[i] = 1 }
            }
            // A change in one channel only.
            if width > 4 {
                rows[2 * width + 3] += 1
                expectedFlags[3] = 1
            }
            var change = [Float](repeating: .nan, count: channels * width)
            var flags = [UInt8](repeating: 9, count: width)
            seqlens_row_changes(rows, reference, referenceStride, channels, width, &change, &flags)
            for c in 0..<channels {
                for i in 0..<width {
                    XCTAssertEqual(change[c * width + i], rows[c * width + i] - reference[c * referenceStride + i], "width \(width), (\(c), \(i))")
                }
            }
            XCTAssertEqual(flags, expectedFlags, "width \(width)")
        }
    }

    /// `seqlens_add_run_taps` (a run of columns' per-column products added where their taps
    /// land) against adding each column's taps one at a time: runs shorter and longer than a
    /// register pair holds (pieces), kernels of 1 to 16 taps and one of 17 (the column-by-column
    /// path), clipped at either end; the floats outside [low, high) and between the filters'
    /// rows are untouched.
    func testAddRunTapsEqualsAddingColumnByColumn() {
        for kernel in [1, 4, 11, 16, 17] {
            for columns in [1, 2, 7, 22, 23, 40] {
                for (low, cut) in [(0, 0), (3, 2), (kernel + 1, kernel)] {
                    let filters = 3, sourceStride = filters * kernel + 2
                    let span = columns + kernel - 1, offset = 4, targetStride = offset + span + 6
                    let high = span - cut
                    let source = (0..<(columns * sourceStride)).map { Float($0 % 19) * 0.125 - 1 }
                    var target = (0..<(filters * targetStride)).map { Float($0) * 0.5 }
                    var expected = target
                    for j in 0..<columns {
                        for f in 0..<filters {
                            for t in 0..<kernel where j + t >= low && j + t < high {
                                expected[f * targetStride + offset + j + t] += source[j * sourceStride + f * kernel + t]
                            }
                        }
                    }
                    seqlens_add_run_taps(source, sourceStride, columns, kernel, &target, targetStride, filters, offset, low, high)
                    for (index, (got, want)) in zip(target, expected).enumerated() {
                        XCTAssertEqual(got, want, accuracy: 1e-5 * max(1, abs(want)),
                                       "kernel \(kernel), \(columns) columns, [\(low), \(high)), element \(index)")
                    }
                }
            }
        }
    }
}
