import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// The arrays attr and ism write: windows per record, the labels in .npz files, TSV positions.
final class ArrayOutputTests: XCTestCase {
    /// Two records, four letters, five positions: value = 100·record + 10·letter + position.
    private let array: Tensor<Float> = {
        let values: [Int] = (0 ..< 40).map { index in 100 * (index / 20) + 10 * (index / 5 % 4) + index % 5 }
        return Tensor(shape: [2, 4, 5], scalars: values.map(Float.init))
    }()

    func testColumnsCutEachRecordsOwnWindow() {
        let cut = ArrayOutput.columns(array, windows: [1 ..< 3, 3 ..< 5])
        XCTAssertEqual(cut.shape, [2, 4, 2])
        XCTAssertEqual(cut.scalars, [1, 2, 11, 12, 21, 22, 31, 32, 103, 104, 113, 114, 123, 124, 133, 134])
        XCTAssertEqual(ArrayOutput.columns(array, windows: [0 ..< 5, 0 ..< 5]), array)
    }

    func testLabelsAndPositionsAreTheRecordsOwn() throws {
        let output = ArrayOutput(name: "attributions", values: ArrayOutput.columns(array, windows: [3 ..< 5, 0 ..< 2]), ids: ["a", "b"], alphabet: .rna,
                                 starts: [43, -2], lengths: [300, 150], tasks: ["CTCF"])
        let rows = String(decoding: output.tsv, as: UTF8.self).split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.first, ["a", "43", "A", "3.0"])
        XCTAssertEqual(rows.last, ["b", "-1", "U", "131.0"], "position -1: the padding before record b")

        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.npz")
        try output.write(to: url)
        let stored = try NPZ.read(contentsOf: url)
        XCTAssertEqual(stored.map(\.name), ["attributions", "ids", "tasks", "alphabet", "starts", "lengths"])
        guard case .text(let ids) = stored[1].value, case .text(let tasks) = stored[2].value, case .text(let letters) = stored[3].value,
              case .int(let starts) = stored[4].value, case .int(let lengths) = stored[5].value else { return XCTFail("types") }
        XCTAssertEqual(ids.scalars, ["a", "b"])
        XCTAssertEqual(tasks.scalars, ["CTCF"])
        XCTAssertEqual(letters.scalars, ["A", "C", "G", "U"])
        XCTAssertEqual(starts, Tensor(shape: [2], scalars: [43, -2]))
        XCTAssertEqual(lengths.scalars, [300, 150])
    }
}
