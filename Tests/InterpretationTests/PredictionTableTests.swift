import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

final class PredictionTableTests: XCTestCase {
    func testGroupsRecordsOfDifferentLengthsAndKeepsOrder() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try SequenceModel(contentsOf: ModelBuilder.tinyConvModel(metadata: ["tasks": "a,b"]).write(to: directory))
        let records = [
            SequenceRecord(id: "r1", sequence: "ACGTACGTAC"),
            SequenceRecord(id: "r2", sequence: "ACGTACGTACGTAA"),
            SequenceRecord(id: "r3", sequence: "TTTTTTTTTT"),
        ]
        let table = try PredictionTable.predict(model: model, records: records, batchSize: 2, threads: 1)
        XCTAssertEqual(table.ids, ["r1", "r2", "r3"])
        XCTAssertEqual(table.values.shape, [3, 2])
        // Each row equals the record predicted alone.
        for (row, record) in records.enumerated() {
            let alone = try model.predict([record.sequence])
            XCTAssertEqual(Array(table.values.scalars[row * 2 ..< row * 2 + 2]), alone.scalars)
        }
        let lines = String(decoding: table.tsv, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.first, "id\ta\tb")
        XCTAssertEqual(lines.count, 4)
        XCTAssert(lines[1].hasPrefix("r1\t\(table.values.scalars[0])\t"))
    }

    func testNPYRoundTrip() throws {
        let tensor = Tensor<Float>(shape: [2, 3], scalars: [1, -2.5, 3e-8, .infinity, 0, 42])
        guard case .float(let back) = try NPY.decode(NPY.encode(tensor)) else { return XCTFail() }
        XCTAssertEqual(back, tensor)
        // numpy's header is padded so the data starts at a multiple of 64 bytes.
        let data = NPY.encode(tensor)
        XCTAssertEqual((data.count - 6 * 4) % 64, 0)
    }
}
