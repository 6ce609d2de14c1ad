import Foundation
@testable import Inference
import TestSupport
import XCTest

/// Malformed .npy headers and .npz entries are refused in one line before anything is allocated.
final class NPYTests: XCTestCase {
    /// A version 1.0 .npy file with this header dictionary and body.
    private func npy(_ header: String, body: [UInt8] = []) -> Data {
        let text = Array((header + "\n").utf8)
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + body)
    }

    private func assertRefused(_ data: Data, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try NPY.decodeArray(data), file: file, line: line) { error in
            XCTAssertEqual((error as? InferenceError)?.description, message, file: file, line: line)
        }
    }

    func testShapesThatCannotBeAllocatedAreRefused() {
        assertRefused(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4, 8), }"), "bad .npy shape (-1, 4, 8)")
        assertRefused(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 4), }"), "bad .npy shape (99999999999999999999, 4)")
        assertRefused(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4, 4), }"),
                      ".npy shape [4611686018427387904, 4, 4] holds more than 2147483648 values, the most seqlens reads; the file is corrupt or too large")
        assertRefused(npy("{'descr': '<U9999999999', 'fortran_order': False, 'shape': (4,), }"),
                      ".npy shape [4] of <U9999999999 holds more than 2147483648 characters, the most seqlens reads; the file is corrupt or too large")
        // Within the maximum but not in the file: refused from the file's size, nothing allocated.
        assertRefused(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 4, 200), }"),
                      ".npy data is 0 bytes, expected 3200000000 for shape [1000000, 4, 200] (<f4); the file is truncated")
    }

    func testCorruptHeadersAreNamedBriefly() {
        var long = Data([0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0x7F])
        long.append(contentsOf: [UInt8](repeating: 0x20, count: 16))
        assertRefused(long, ".npy header declares 2147483647 bytes, more than numpy writes (10000); the file is corrupt")
        let junk = String(repeating: "x", count: 5000)
        assertRefused(npy(junk), "unreadable .npy header: \(String(repeating: "x", count: 80))…")
    }

    /// The body as numpy writes it: little-endian values after a header padded to 64 bytes.
    func testEncodedBodiesAreNumpysBytes() {
        func body(_ array: NPYArray, bytes: Int) -> [UInt8] {
            let data = NPY.encode(array)
            XCTAssertEqual((data.count - bytes) % 64, 0)
            return Array(data.suffix(bytes))
        }
        XCTAssertEqual(body(.float(Tensor(shape: [2], scalars: [1, -2])), bytes: 8), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        XCTAssertEqual(body(.int(Tensor(shape: [2], scalars: [258, -1])), bytes: 16), [0x02, 0x01, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8))
        XCTAssertEqual(body(.text(Tensor(shape: [2], scalars: ["ab", "Δ"])), bytes: 16), [0x61, 0, 0, 0, 0x62, 0, 0, 0, 0x94, 0x03, 0, 0, 0, 0, 0, 0])
    }

    func testEmptyArraysDecode() throws {
        let value = try NPY.decodeArray(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4, 8), }"))
        XCTAssertEqual(value.shape, [0, 4, 8])
    }

    /// A central directory that claims a far larger array than its compressed bytes could inflate to.
    func testNPZEntryDeclaringAnAbsurdSizeIsRefusedBeforeUnpacking() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("lie.npz")
        try NPZ.write([("a", .float(Tensor(shape: [4, 2], scalars: [Float](repeating: 1, count: 8))))], to: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        let central = try XCTUnwrap((0 ..< bytes.count - 4).first { bytes[$0 ..< $0 + 4] == [0x50, 0x4B, 0x01, 0x02] })
        let compressed = (0 ..< 4).reduce(0) { $0 | Int(bytes[central + 20 + $1]) << (8 * $1) }
        for (offset, byte) in [0xFF, 0xFF, 0xFF, 0x7F].enumerated() { bytes[central + 24 + offset] = UInt8(byte) }
        try Data(bytes).write(to: url)
        XCTAssertThrowsError(try NPZ.read(contentsOf: url)) { error in
            XCTAssertEqual((error as? InferenceError)?.description,
                           "lie.npz: array 'a' declares an absurd size (2147483647 bytes from \(compressed) stored); the file is corrupt")
        }
    }
}
