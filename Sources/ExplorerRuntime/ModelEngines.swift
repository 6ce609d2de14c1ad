import Foundation
import Inference
import Interpretation

/// One model and what computes with it: a fast and a slow lane (see `BackgroundLane`) and the
/// lanes' live models of its output, and of its logits once asked for (`x`, `--logits`). The
/// explorer has one per model; with two (Comparison.swift) `M` swaps them.
struct ModelEngines {
    let model: SequenceModel
    let fast: BackgroundLane
    let slow: BackgroundLane
    private let output: (fast: LiveModel, slow: LiveModel)
    private var logits: (fast: LiveModel, slow: LiveModel)?
    /// The live models in use: the output's or the logits'.
    private(set) var live: (fast: LiveModel, slow: LiveModel)

    /// Both lanes use every core: the slow lane waits while the fast one has work (see
    /// `ExplorerApp.yielding`), so they rarely run at once. One thread for the fast lane left the
    /// other core idle during a map: Basset's saliency after an edit at 1,000 nt took 17 ms on
    /// one thread and 11–12 ms on two (bench/RESULTS.md, issue 18's seventh round).
    init(model: SequenceModel, name: String) {
        self.model = model
        fast = BackgroundLane(name: "\(name).fast")
        slow = BackgroundLane(name: "\(name).slow")
        let threads = ThreadBudget.threads(requested: nil, cores: ProcessInfo.processInfo.activeProcessorCount)
        output = (LiveModel(model: model, threads: threads), LiveModel(model: model, threads: threads))
        live = output
    }

    /// Switches both lanes to the logits' models (made the first time, for inputs of `length`) or back to the output's.
    mutating func useLogits(_ on: Bool, length: Int) throws {
        if on && logits == nil {
            let model = try self.model.logits(length: length)
            logits = (LiveModel(model: model, threads: output.fast.threads), LiveModel(model: model, threads: output.slow.threads))
        }
        live = on ? logits! : output
    }

    /// Neither lane has a job running or waiting.
    var isIdle: Bool { fast.isIdle && slow.isIdle }

    func stop() {
        fast.stop()
        slow.stop()
    }
}
