import Foundation
import Inference
import TestSupport
import XCTest

/// What fuzzing found (issue 12), through the real binary: each class of crash, hang or
/// out-of-memory abort is now one line on stderr with exit status 2, or a clean figure.
final class HardeningTests: XCTestCase {
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa").path
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// A float32 (1, 4, 4) .npy file of these sixteen values.
    private func array(_ values: [Float], _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try NPY.encode(Tensor(shape: values.isEmpty ? [1, 4, 0] : [1, 4, values.count / 4], scalars: values)).write(to: url)
        return url.path
    }

    /// Under `ulimit -v`, a thread whose arena or stack is refused crashed or hung the process
    /// (OpenBLAS, before oneDNN, retried its 128 MB per-thread buffers forever).
    func testAnAddressSpaceLimitNeverHangs() throws {
        let multitask = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
        let sequences = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa").path
        let many = try runSeqlens(["predict", multitask, sequences, "--threads", "256"], addressSpaceLimit: 3_000_000)
        XCTAssertEqual(many.status, 0, many.stderr)
        XCTAssertEqual(many.stdout.split(separator: "\n").count, 51, "a header and 50 records")
        assertRefusal(try runSeqlens(["predict", multitask, sequences], addressSpaceLimit: 300_000),
                      "the address-space limit (ulimit -v) is 292 MB, but seqlens needs at least 336 MB; raise the limit")
    }

    func testOptionsBeyondTheirLimitsAreRefusedBeforeAnyWork() throws {
        assertRefusal(try runSeqlens(["predict", model, fasta, "--threads", "100000"]), "--threads must be at most 256 (got 100000); see `seqlens predict --help`")
        assertRefusal(try runSeqlens(["benchmark", model, "--batch", "99999999"]), "--batch must be at most 4096 (got 99999999); see `seqlens benchmark --help`")
        assertRefusal(try runSeqlens(["attr", model, fasta, "--method", "ig", "--steps", "100000000", "-o", "x.npy"]), "--steps must be at most 10000 (got 100000000); see `seqlens attr --help`")
        assertRefusal(try runSeqlens(["attr", model, fasta, "--method", "smoothgrad", "--sigma", "nan", "-o", "x.npy"]), "--sigma must be a finite number of at least 0; see `seqlens attr --help`")
        assertRefusal(try runSeqlens(["benchmark", model, "--length", "999999999999"]), "--length must be at most 1000000 (got 999999999999); see `seqlens benchmark --help`")
        let values = try array([Float](repeating: 0.5, count: 16), "ok.npy")
        assertRefusal(try runSeqlens(["show", values, "--width", "99999999"]), "--width must be at most 1000 (got 99999999); see `seqlens show --help`")
        assertRefusal(try runSeqlens(["show", values, "--height", "9999999"]), "--height must be at most 200 (got 9999999); see `seqlens show --help`")
        assertRefusal(try runSeqlens(["show", values, "--zoom", "99999999999"]), "--zoom must be at most 1000000 (got 99999999999); see `seqlens show --help`")
    }

    func testDirectoriesPipesAndDevicesAreNamedAsSuch() throws {
        let folder = directory.appendingPathComponent("maps.npy")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        assertRefusal(try runSeqlens(["show", folder.path]), "\(folder.path): is a directory; give the path of a .npy or .npz file")
        assertRefusal(try runSeqlens(["show", "/dev/null"]), "/dev/null: is a device; give the path of a .npy or .npz file")
        // inspect used to pass Foundation's "NSCocoaErrorDomain error 256" through.
        assertRefusal(try runSeqlens(["inspect", directory.path]), "\(directory.path): is a directory; give the path of an ONNX model")
        let fifo = directory.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // Opening a FIFO blocks until a writer comes: these would hang, not fail.
        assertRefusal(try runSeqlens(["show", fifo]), "\(fifo): is a named pipe (FIFO); give the path of a .npy or .npz file")
        assertRefusal(try runSeqlens(["predict", model, fifo]), "\(fifo): is a named pipe (FIFO); give the path of a FASTA file")
        assertRefusal(try runSeqlens(["predict", fifo, fasta]), "\(fifo): is a named pipe (FIFO); give the path of an ONNX model")
    }

    func testNonFiniteAndEmptyArraysAreRefusedInOneLine() throws {
        var values = [Float](repeating: 0.5, count: 16)
        values[6] = .nan
        assertRefusal(try runSeqlens(["show", try array(values, "nan.npy")]),
                      "nan.npy: map 0 holds nan at position 2 (letter C); only finite values can be drawn, e.g. after numpy.nan_to_num")
        values[6] = 0.5
        values[15] = -.infinity
        assertRefusal(try runSeqlens(["show", try array(values, "inf.npy"), "--format", "svg"]),
                      "inf.npy: map 0 holds -inf at position 3 (letter T); only finite values can be drawn, e.g. after numpy.nan_to_num")
        assertRefusal(try runSeqlens(["show", try array([], "empty.npy")]),
                      "empty.npy: shape (1, 4, 0) is empty: it holds no maps or no positions, so there is nothing to draw")
        let huge = directory.appendingPathComponent("huge.npy")
        let header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 4, 1000), }\n".utf8)
        try Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + header).write(to: huge)
        assertRefusal(try runSeqlens(["show", huge.path]),
                      "huge.npy: .npy shape [100000000, 4, 1000] holds more than 2147483648 values, the most seqlens reads; the file is corrupt or too large")
    }

    func testValuesNearFloatsLimitDrawCleanly() throws {
        let path = try array([Float](repeating: 1e38, count: 8) + [Float](repeating: -1e38, count: 8), "big.npy")
        for format in ["ansi", "svg"] {
            let result = try runSeqlens(["show", path, "--format", format, "--width", "60", "--color", "never"])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(result.stderr, "")
            XCTAssertTrue(result.stdout.contains(format == "svg" ? "</svg>" : "map 0 (1 of 1) · big.npy"), String(result.stdout.prefix(300)))
        }
    }
}
