import Foundation
import TestSupport
import XCTest

/// `seqlens explore MODEL MODEL2 FASTA` end to end: the ReLU and the exponential-activation
/// multitask models side by side, one edit, each model's effect of it on screen, and `M`.
extension ExploreEndToEndTests {
    var exponentialModel: String { Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-exp.onnx").path }

    /// The second model's row: "◆ NAME │ TASK now [ref r] [│ SUB before→after Δ delta]".
    static func comparisonRow(_ screen: [String], model: String) -> String? {
        screen.first { $0.hasPrefix("◆ \(model) │ ") }
    }

    /// (before, after, delta) of "SUB before→after Δ delta" in a row of " │ "-separated fields.
    static func effect(in row: String, substitution: String) -> (before: Double, after: Double, delta: Double)? {
        let fields = row.components(separatedBy: " │ ").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let field = fields.first(where: { $0.hasPrefix(substitution + " ") }) else { return nil }
        let words = field.split(separator: " ").map(String.init)
        guard words.count >= 4, words[2] == "Δ" else { return nil }
        let values = words[1].components(separatedBy: "→")
        guard values.count == 2, let before = Double(values[0]), let after = Double(values[1]),
              let delta = Double(words[3].replacingOccurrences(of: "+", with: "")) else { return nil }
        return (before, after, delta)
    }

    func testTwoModelsSideBySideShowEachModelsEffectOfAnEdit() throws {
        let tmux = try startExplorer([model, exponentialModel, fasta, "--annotations", annotations, "--record", record])
        let opened = try tmux.waitFor("the second model's prediction") { screen in
            Self.comparisonRow(screen, model: "multitask-deep-exp")?.range(of: #"CEBPB [0-9.]+"#, options: .regularExpression) != nil
        }
        XCTAssertTrue(opened.contains { $0.hasPrefix("multitask-deep-relu: saliency of CEBPB") }, "the first model's logo is named: \(opened.joined(separator: "\n"))")

        try jump(tmux, to: 44)
        try tmux.type("T")
        let screen = try tmux.waitFor("both models' effects of 44:C>T") { screen in
            Self.status(screen).flatMap { Self.editEffect($0, substitution: "44:C>T") } != nil
                && Self.comparisonRow(screen, model: "multitask-deep-exp").flatMap { Self.effect(in: $0, substitution: "44:C>T") } != nil
        }
        let first = try XCTUnwrap(Self.editEffect(try XCTUnwrap(Self.status(screen)), substitution: "44:C>T"))
        let row = try XCTUnwrap(Self.comparisonRow(screen, model: "multitask-deep-exp"))
        let second = try XCTUnwrap(Self.effect(in: row, substitution: "44:C>T"), row)
        XCTAssertEqual(first.task, "CEBPB")
        XCTAssertTrue(row.hasPrefix("◆ multitask-deep-exp │ CEBPB "), row)
        XCTAssertEqual(second.after - second.before, second.delta, accuracy: 0.002, row)
        XCTAssertNotEqual(first.after, second.after, "two models, two predictions of the edited sequence: \(row)")
        XCTAssertLessThan(first.delta, -0.1, "the edit breaks the CEBPB site for the ReLU model")
        XCTAssertLessThan(second.delta, -0.1, "and for the exponential one: \(row)")

        // M: the exponential model first, the ReLU one second, the edit kept.
        try tmux.type("M")
        let swapped = try tmux.waitFor("the models swapped") { screen in
            screen[0].contains("multitask-deep-exp │ record 2/50 mt_test_04056 [+]")
                && Self.comparisonRow(screen, model: "multitask-deep-relu")?.range(of: #"CEBPB [0-9.]+ ref"#, options: .regularExpression) != nil
        }
        XCTAssertTrue(Self.status(swapped)?.contains("ref C now T") == true, Self.status(swapped) ?? "")
    }

    func testModelsOfDifferentAlphabetsAreRefused() throws {
        // --snapshot: the inputs are checked before a terminal is needed.
        let rna = Fixtures.repositoryRoot.appendingPathComponent("sample-models/residualbind.onnx").path
        assertRefusal(try runSeqlens(["explore", model, rna, fasta, "--snapshot", "never-written.svg"]),
                      "residualbind.onnx reads RNA and multitask-deep-relu.onnx DNA: two models side by side must share the alphabet; compare models of one kind")
        assertRefusal(try runSeqlens(["explore", model, exponentialModel, "--snapshot", "never-written.svg"]),
                      "multitask-deep-exp.onnx is an ONNX model: to compare two models give the FASTA file third (MODEL MODEL2 FASTA)")
    }
}

extension ExploreEndToEndTests {
    func testASessionReopensItsSecondModel() throws {
        // A session naming an RNA model beside a DNA one: refused as the command line would be,
        // which shows --session reads the second model.
        let folder = try temporaryDirectory()
        folders.append(folder)
        let rna = Fixtures.repositoryRoot.appendingPathComponent("sample-models/residualbind.onnx").path
        let session = folder.appendingPathComponent("two.session.json")
        try """
        {"format": "seqlens-session", "version": 1, "model": "\(model)", "comparedModel": "\(rna)", "sequences": "\(fasta)", "edits": [],
         "view": {"record": 0, "cursor": 0, "task": 0, "method": "saliency", "zoomLevel": 1, "columnsPerPosition": 1, "sortsPredictions": false}}
        """.write(to: session, atomically: true, encoding: .utf8)
        assertRefusal(try runSeqlens(["explore", "--session", session.path, "--snapshot", folder.appendingPathComponent("x.svg").path]),
                      "residualbind.onnx reads RNA and multitask-deep-relu.onnx DNA: two models side by side must share the alphabet; compare models of one kind")
    }
}
