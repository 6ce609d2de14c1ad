import Foundation
import Interpretation
import TestSupport
import XCTest

/// Replays the sidecar fuzz corpus and crash inputs (see FuzzCorpus) through what Fuzz/sidecar.swift
/// calls: the sidecar JSON, and the same text as ONNX metadata values.
final class ModelCardFuzzReplayTests: XCTestCase {
    func testInputsParseOrThrowOneLine() throws {
        for url in FuzzCorpus.inputs("sidecar") {
            let data = try Data(contentsOf: url)
            do { _ = try ModelCard(sidecar: data, path: url.path, source: url.lastPathComponent) } catch {
                FuzzCorpus.assertOneLine(error, input: url)
            }
            for key in ["tasks", "alphabet", "layout"] {
                do { _ = try ModelCard(metadata: [key: String(decoding: data, as: UTF8.self)], source: "metadata") } catch {
                    FuzzCorpus.assertOneLine(error, input: url)
                }
            }
        }
    }

    /// The seeds are the sample models' sidecars: each names its tasks.
    func testSeedsAreValid() throws {
        for url in FuzzCorpus.inputs("sidecar") where FuzzCorpus.isSeed(url) {
            let card = try ModelCard(sidecar: Data(contentsOf: url), path: url.path, source: url.lastPathComponent)
            XCTAssertFalse(card.tasks?.isEmpty ?? true, url.lastPathComponent)
        }
    }
}
