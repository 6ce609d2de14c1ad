import Foundation
import TestSupport
import XCTest

final class InspectCommandTests: XCTestCase {
    func testTextReportOfTheTinyModel() throws {
        let result = try runSeqlens(["inspect", Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        for line in [
            "input        input  float (batch, 4, 200)",
            "layout       channels-first (N, A, L — PyTorch)",
            "tasks        2: GATA, Ebox",
            "parameters   7,362",
            // conv 13 → pool 4 → conv 5 → pool 5: 13 + 3 + 4·4 + 4·4 = 48.
            "receptive    48 nt through the convolution and pooling layers; later layers mix all positions",
            "ops          Relu ×3, Conv ×2, Gemm ×2, MaxPool ×2, Flatten ×1, Sigmoid ×1",
            "supported    yes, every op runs in seqlens",
        ] {
            XCTAssert(result.stdout.contains(line), "missing '\(line)' in\n\(result.stdout)")
        }
    }

    /// A protein model names its alphabet as its card would ("protein-gap": 21 channels) and counts residues.
    func testAProteinModelCountsResidues() throws {
        let result = try runSeqlens(["inspect", Fixtures.repositoryRoot.appendingPathComponent("sample-models/ww-vae.onnx").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        for line in ["alphabet     protein-gap", "length       31 residues (fixed)", "receptive    1 residue through"] {
            XCTAssert(result.stdout.contains(line), "missing '\(line)' in\n\(result.stdout)")
        }
    }

    func testJSONOfAChannelsLastModel() throws {
        let result = try runSeqlens(["inspect", "--json", Fixtures.url("parity/channels_last_b16_L100/model.onnx").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(report["layout"] as? String, "channels-last")
        XCTAssertEqual(report["alphabet"] as? String, "DNA")
        XCTAssertEqual(report["supported"] as? Bool, true)
        XCTAssertEqual((report["ops"] as? [String: Int])?["Transpose"], 2)
    }
}
