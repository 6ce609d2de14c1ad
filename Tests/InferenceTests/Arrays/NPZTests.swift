import Foundation
import Inference
import TestSupport
import XCTest

final class NPZTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-npz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Arrays numpy wrote (Tests/Fixtures/rendering/README.md): compressed and stored, three dtypes.
    func testReadsWhatNumpyWrites() throws {
        for name in ["numpy-compressed.npz", "numpy-stored.npz"] {
            let arrays = try NPZ.read(contentsOf: Fixtures.url("rendering/\(name)"))
            XCTAssertEqual(arrays.map(\.name), ["a", "b", "c"])
            guard case .float(let a) = arrays[0].value, case .float(let b) = arrays[1].value, case .int(let c) = arrays[2].value else {
                return XCTFail("element types of \(name)")
            }
            XCTAssertEqual(a.shape, [2, 4, 6])
            XCTAssertEqual(a.scalars, (0 ..< 48).map { Float($0) / 8 - 2 })
            XCTAssertEqual(b.shape, [3, 2])
            XCTAssertEqual(b.scalars, [0.5, -1.25, 3, 1e-3, -7.5, 2])
            XCTAssertEqual(c.scalars, [-2, -1, 0, 1, 2])
        }
    }

    func testRoundTripIsExactAndReproducible() throws {
        let url = directory.appendingPathComponent("out.npz")
        let x = Tensor(shape: [2, 4, 3], scalars: (0 ..< 24).map { Float($0) * 0.37 - 3 })
        let y = Tensor(shape: [], scalars: [Float.pi])
        try NPZ.write([("attributions", .float(x)), ("scale", .float(y))], to: url)
        let arrays = try NPZ.read(contentsOf: url)
        XCTAssertEqual(arrays.map(\.name), ["attributions", "scale"])
        guard case .float(let readX) = arrays[0].value, case .float(let readY) = arrays[1].value else { return XCTFail() }
        XCTAssertEqual(readX, x)
        XCTAssertEqual(readY, y)
        let first = try Data(contentsOf: url)
        try NPZ.write([("attributions", .float(x)), ("scale", .float(y))], to: url)
        XCTAssertEqual(try Data(contentsOf: url), first, "same arrays, same bytes")
    }

    /// Text arrays as numpy writes them ('<U', read without pickle) and as seqlens writes them back.
    func testTextAndIntegerArrays() throws {
        let arrays = try NPZ.read(contentsOf: Fixtures.url("rendering/numpy-text.npz"))
        XCTAssertEqual(arrays.map(\.name), ["ids", "tasks", "starts"])
        guard case .text(let ids) = arrays[0].value, case .text(let tasks) = arrays[1].value, case .int(let starts) = arrays[2].value else {
            return XCTFail("element types")
        }
        XCTAssertEqual(ids, Tensor(shape: [3], scalars: ["seq_0", "chr1:100-200", "Δ-β"]))
        XCTAssertEqual(tasks.scalars, ["CTCF", "GATA1"])
        XCTAssertEqual(starts.scalars, [-3, 0, 12])

        let url = directory.appendingPathComponent("labels.npz")
        try NPZ.write(arrays.map { ($0.name, $0.value) }, to: url)
        let back = try NPZ.read(contentsOf: url)
        guard case .text(let readIDs) = back[0].value, case .int(let readStarts) = back[2].value else { return XCTFail() }
        XCTAssertEqual(readIDs, ids)
        XCTAssertEqual(readStarts, starts)
        // numpy pads to the longest string: 12 code points of 4 bytes each.
        XCTAssertTrue(String(decoding: NPY.encode(.text(ids)).prefix(80), as: UTF8.self).contains("'descr': '<U12'"))
        XCTAssertThrowsError(try NPY.decode(NPY.encode(.text(ids)))) { error in
            XCTAssertEqual((error as? InferenceError)?.description, ".npy array of shape [3] holds text, not numbers")
        }
    }

    func testOneLineErrors() throws {
        let text = directory.appendingPathComponent("text.npz")
        try Data("not a zip".utf8).write(to: text)
        assertInferenceError(try NPZ.read(contentsOf: text), "text.npz: not a .npz file (not a zip archive); save arrays with numpy.savez or numpy.savez_compressed")
        assertInferenceError(try NPZ.read(contentsOf: directory.appendingPathComponent("none.npz")), "\(directory.path)/none.npz: no such file; check the path")
        let cut = directory.appendingPathComponent("cut.npz")
        let bytes = try Data(contentsOf: Fixtures.url("rendering/numpy-compressed.npz"))
        try bytes.prefix(bytes.count / 2).write(to: cut)
        assertInferenceError(try NPZ.read(contentsOf: cut), "cut.npz: not a .npz file (not a zip archive); save arrays with numpy.savez or numpy.savez_compressed")
        let t = Tensor(shape: [1], scalars: [Float(1)])
        assertInferenceError(try NPZ.write([("a", .float(t)), ("a", .float(t))], to: directory.appendingPathComponent("d.npz")), "d.npz: array name 'a' is used twice; names must be unique")
        assertInferenceError(try NPZ.write([("", .float(t))], to: directory.appendingPathComponent("e.npz")), "e.npz: an array name is empty; numpy.load needs a name per array")
    }

    private func assertInferenceError<T>(_ body: @autoclosure () throws -> T, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("expected \(message)", file: file, line: line)
        } catch let error as InferenceError {
            XCTAssertEqual(error.description, message, file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }
}
