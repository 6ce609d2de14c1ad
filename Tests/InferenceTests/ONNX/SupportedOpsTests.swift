import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// `ONNXOpType` is the one list of supported ONNX ops; the README's op list, the conformance
/// copier's filter and `inspect`'s survey must all agree with it.
final class SupportedOpsTests: XCTestCase {
    let supported = Set(ONNXOpType.supportedNames)

    /// The difference of two op sets in both directions, as a failure message.
    private func difference(_ listed: Set<String>, in source: String) -> String {
        let unknown = listed.subtracting(supported).sorted()
        let unlisted = supported.subtracting(listed).sorted()
        return "\(source) lists ops the engine does not support: \(unknown); the engine supports ops \(source) does not list: \(unlisted)"
    }

    /// The names of README.md's "**Ops.**" bullet, parenthesised remarks dropped:
    /// "- **Ops.** Conv (1-D, …), BatchNormalization, … Cast — opsets 6 and newer."
    private static func readmeOps() throws -> [String]? {
        let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = readme.range(of: "- **Ops.**"),
              let end = readme.range(of: " — opsets", range: start.upperBound..<readme.endIndex) else { return nil }
        let list = readme[start.upperBound..<end.lowerBound]
            .replacingOccurrences(of: #"\([^)]*\)"#, with: "", options: .regularExpression)
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    func testReadmeListsExactlyTheSupportedOps() throws {
        guard let names = try Self.readmeOps() else { return XCTFail("README.md has no '- **Ops.** … — opsets' bullet") }
        XCTAssertEqual(names.filter { $0.range(of: #"^[A-Z][A-Za-z0-9]+$"#, options: .regularExpression) == nil }, [],
                       "README's op list has entries that are not op names")
        XCTAssertEqual(names.count, Set(names).count, "README lists an op twice: \(names)")
        XCTAssert(Set(names) == supported, difference(Set(names), in: "README.md"))
    }

    /// tools/copy-onnx-conformance.py copies the cases whose ops are in its SUPPORTED_OPS.
    func testConformanceCopierFiltersOnTheSupportedOps() throws {
        let script = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("tools/copy-onnx-conformance.py"), encoding: .utf8)
        guard let start = script.range(of: "SUPPORTED_OPS = {"),
              let end = script.range(of: "}", range: start.upperBound..<script.endIndex) else {
            return XCTFail("tools/copy-onnx-conformance.py has no 'SUPPORTED_OPS = {…}' set")
        }
        let body = String(script[start.upperBound..<end.lowerBound])
        let names = body.components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        XCTAssert(Set(names) == supported, difference(Set(names), in: "tools/copy-onnx-conformance.py"))
    }

    /// `inspect` names exactly the ops outside the list, custom domains included.
    func testSurveyNamesTheOpsOutsideTheList() throws {
        var builder = ModelBuilder.tinyConvModel()
        let known = ONNXOpType.allCases.map { ModelBuilder.node($0.rawValue, inputs: ["x"], outputs: ["\($0.rawValue)_out"]) }
        var custom = ModelBuilder.node("Relu", inputs: ["x"], outputs: ["custom_out"])
        custom.domain = "com.microsoft"
        builder.model.graph.node += known + [ModelBuilder.node("NonMaxSuppression", inputs: ["x"], outputs: ["nms_out"]), custom]
        let url = try builder.write(to: temporaryDirectory())
        let survey = try ModelSurvey(contentsOf: url)
        XCTAssertEqual(survey.unsupportedOpTypes, ["NonMaxSuppression", "com.microsoft.Relu"])
        XCTAssertEqual(survey.opHistogram.first { $0.opType == "Conv" }?.count, 2)
    }
}
