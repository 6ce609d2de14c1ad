import ArgumentParser
import Foundation
import Inference
import Interpretation

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a model: inputs, outputs, layout, alphabet, tasks, ops, receptive field.",
        discussion: "Exit status 0 when seqlens can run the model, 2 when it cannot (the report says why)."
    )

    @Argument(help: "An ONNX model file.")
    var model: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        try refuseIfNotRegularFile(model, kind: "an ONNX model")
        let url = URL(fileURLWithPath: model)
        let report: ModelReport
        var usable = true
        do {
            report = ModelReport(model: try SequenceModel(contentsOf: url))
        } catch let error as InterpretationError {
            // It imported but is not a sequence model seqlens can feed: still describe it.
            let graph = try ONNXImporter.load(contentsOf: url)
            report = ModelReport(graph: graph, url: url, card: try? ModelCard.load(for: url, metadata: graph.metadata), problem: error.description)
            usable = false
        } catch let error as InferenceError {
            guard let survey = try? ModelSurvey(contentsOf: url) else { throw error }
            report = ModelReport(survey: survey, url: url, problem: error.description)
            usable = false
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
        if !usable { throw ExitCode(2) }
    }
}
