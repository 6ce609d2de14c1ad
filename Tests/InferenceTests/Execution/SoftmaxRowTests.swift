import Foundation
import Inference
import TestSupport
import XCTest

/// Softmax and LogSoftmax along contiguous rows run in a vectorised C kernel with its own exp:
/// checked against double-precision sums on rows shorter than a vector (softmaxed all rows at
/// once), rows that cover the eight-lane loop and its remainder, the AVX2 eight-lane path (whole blocks or an overlapping last block), and on
/// AVX-512 machines each sixteen-lane path (rows held in 2, 4 or 8 registers,
/// whole or with an overlapping last block, and rows longer than 128), with large, tiny,
/// masked (−∞) and NaN entries.
final class SoftmaxRowTests: XCTestCase {
    private func run(_ opType: String, _ x: Tensor<Float>) throws -> [Float] {
        var builder = ModelBuilder()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: x.shape.map { Int64($0) })]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: x.shape.map { Int64($0) })]
        builder.model.graph.node = [ModelBuilder.node(opType, inputs: ["x"], outputs: ["y"], name: "softmax", attributes: [ModelBuilder.intAttribute("axis", -1)])]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        guard case .float(let y)? = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape]).run(["x": x])["y"] else { throw XCTSkip("no output") }
        return y.scalars
    }

    func testRowsAgainstDoublePrecision() throws {
        for width in [2, 3, 5, 7, 8, 9, 10, 15, 37, 16, 20, 32, 49, 64, 125, 128, 200, 1000] {
            try checkRowsAgainstDoublePrecision(width: width)
        }
    }

    private func checkRowsAgainstDoublePrecision(width: Int) throws {
        var values: [Float] = (0..<(4 * width)).map { Float(($0 * 7919) % 101) / 9 - 5 }
        values[3] = -.infinity            // a masked attention score
        values[width + 5] = 80            // exp(80) overflows float unless the maximum is subtracted
        values[2 * width + 1] = -100      // far below the rest: exp underflows to ~0
        let x = Tensor(shape: [4, width], scalars: values)
        let softmax = try run("Softmax", x), logSoftmax = try run("LogSoftmax", x)
        for row in 0..<4 {
            let slice = values[(row * width)..<((row + 1) * width)].map(Double.init)
            let maximum = slice.max()!
            let sum = slice.reduce(0) { $0 + Foundation.exp($1 - maximum) }
            for (j, v) in slice.enumerated() {
                let expected = Foundation.exp(v - maximum) / sum
                XCTAssertEqual(Double(softmax[row * width + j]), expected, accuracy: 1e-6 * max(expected, 1e-30) + 1e-30, "width \(width): softmax row \(row) column \(j)")
                if v.isFinite {
                    let expectedLog = (v - maximum) - Foundation.log(sum)
                    XCTAssertEqual(Double(logSoftmax[row * width + j]), expectedLog, accuracy: 1e-5 * max(1, abs(expectedLog)), "width \(width): log-softmax row \(row) column \(j)")
                }
            }
        }
        XCTAssertEqual(softmax[3], 0, accuracy: 1e-30, "width \(width): a masked score gets no weight")
    }

    /// Wide rows: a NaN first value (every lane's starting maximum), one in the last block's
    /// overlap with the block before (sixteen lanes: width − 16; eight lanes: width − 6), and one
    /// in its new lanes each make their row NaN alone.
    func testNaNPropagatesThroughWideRows() throws {
        for width in [20, 49, 125, 200] {
            let nanColumns = [0, width - 16, width - 6, width - 1]
            var values = [Float](repeating: 0.5, count: (nanColumns.count + 1) * width)
            for (row, column) in nanColumns.enumerated() { values[row * width + column] = .nan }
            for opType in ["Softmax", "LogSoftmax"] {
                let y = try run(opType, Tensor(shape: [nanColumns.count + 1, width], scalars: values))
                for row in nanColumns.indices {
                    XCTAssertTrue(y[(row * width)..<((row + 1) * width)].allSatisfy(\.isNaN), "\(opType) width \(width): the row with NaN at \(nanColumns[row])")
                }
                let expected = opType == "Softmax" ? 1 / Double(width) : -Foundation.log(Double(width))
                XCTAssertEqual(y[(nanColumns.count * width)...].map { Double($0) }, Array(repeating: expected, count: width), accuracy: 1e-6)
            }
        }
    }

    func testNaNPropagatesThroughItsRow() throws {
        var values = [Float](repeating: 0.5, count: 20)
        values[11] = .nan
        let y = try run("Softmax", Tensor(shape: [2, 10], scalars: values))
        XCTAssertTrue(y[10..<20].allSatisfy(\.isNaN), "the row holding NaN")
        XCTAssertEqual(y[0..<10].map { Double($0) }, Array(repeating: 0.1, count: 10), accuracy: 1e-7)
        // Short rows: NaN first (the row's starting maximum) or last, beside a clean row.
        var short = [Float](repeating: 0.5, count: 9)
        short[0] = .nan
        short[8] = .nan
        let z = try run("Softmax", Tensor(shape: [3, 3], scalars: short))
        XCTAssertTrue(z[0..<3].allSatisfy(\.isNaN) && z[6..<9].allSatisfy(\.isNaN), "short rows holding NaN")
        XCTAssertEqual(z[3..<6].map { Double($0) }, Array(repeating: 1.0 / 3, count: 3), accuracy: 1e-7)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
