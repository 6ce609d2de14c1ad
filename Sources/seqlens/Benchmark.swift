import ArgumentParser
import Foundation
import Inference
import Interpretation

/// Forward-pass throughput, for bench/forward.py (which times onnxruntime the same way).
struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time batched forward passes on random one-hot input; prints one JSON line.",
        discussion: "Used by bench/forward.py to compare with onnxruntime at the same thread count."
    )

    @Argument(help: "An ONNX model file.")
    var model: String

    @Option(help: "Sequence length (default: the model's fixed length, else 1000).")
    var length: Int?

    @Option(help: "Minimum seconds to keep timing.")
    var seconds: Double = 3

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        try reportingErrors {
            let model = try loadModel(self.model)
            let length = self.length ?? model.fixedLength ?? 1000
            var generator = SystemRandomNumberGenerator()
            let letters: [UInt8] = Array("ACGT".utf8)
            let sequences = (0..<compute.batch).map { _ in (0..<length).map { _ in letters.randomElement(using: &generator)! } }
            _ = try model.predict(sequences, batchSize: compute.batch, threads: compute.threads)  // warm-up, plans
            var passes = 0
            var best = Double.infinity
            let start = Date()
            repeat {
                let passStart = Date()
                _ = try model.predict(sequences, batchSize: compute.batch, threads: compute.threads)
                best = min(best, Date().timeIntervalSince(passStart))
                passes += 1
            } while Date().timeIntervalSince(start) < seconds
            let elapsed = Date().timeIntervalSince(start)
            let result: [String: Any] = [
                "sequences_per_second": Double(passes * compute.batch) / elapsed,
                "best_pass_seconds": best,
                "passes": passes,
                "batch": compute.batch,
                "length": length,
                "threads": compute.threads,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
        }
    }
}
