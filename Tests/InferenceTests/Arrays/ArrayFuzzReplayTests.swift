import Foundation
import Inference
import TestSupport
import XCTest

/// Replays the .npy and .npz fuzz corpora and crash inputs (see FuzzCorpus) through the readers
/// Fuzz/npy.swift and Fuzz/npz.swift call.
final class ArrayFuzzReplayTests: XCTestCase {
    func testNPYInputsDecodeOrThrowOneLine() throws {
        try FuzzCorpus.replay("npy") { data in
            _ = try? NPY.decode(data)
            _ = try NPY.decodeArray(data)
        }
    }

    func testNPZInputsReadOrThrowOneLine() throws {
        for url in FuzzCorpus.inputs("npz") {
            do { _ = try NPZ.read(contentsOf: url) } catch { FuzzCorpus.assertOneLine(error, input: url) }
        }
    }

    func testSeedsAreValid() throws {
        for url in FuzzCorpus.inputs("npy") where FuzzCorpus.isSeed(url) {
            XCTAssertNoThrow(try NPY.decode(Data(contentsOf: url)), url.lastPathComponent)
        }
        for url in FuzzCorpus.inputs("npz") where FuzzCorpus.isSeed(url) {
            XCTAssertFalse(try NPZ.read(contentsOf: url).isEmpty, url.lastPathComponent)
        }
    }
}
