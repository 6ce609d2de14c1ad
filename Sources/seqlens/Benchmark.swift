import ArgumentParser
import Foundation
import Inference
import Genomics
import Interpretation

/// Forward-pass throughput, for bench/forward.py (which times onnxruntime the same way); with
/// --method, attribution maps, for bench/attribution.py (PyTorch and captum, timed in their
/// process the same way); with --live the explorer's edit-to-result latency, for bench/live.py.
struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time batched forward passes (or attribution maps) on random one-hot input; prints one JSON line.",
        discussion: """
        Used by bench/forward.py to compare with onnxruntime at the same thread count.

        With --method, times attribution maps of task 0 instead (saliency, ig with 50 steps, \
        ...: `seqlens attr`'s methods and defaults), --batch sequences a call; the JSON then \
        counts maps. Used by bench/attribution.py to compare with PyTorch autograd and captum \
        in their own process, without `seqlens attr`'s start-up and file output.

        With --live, times the explorer instead: a scripted session (no terminal) moves the \
        cursor with h/l and types --edits upper-case bases, and for each edit measures the time \
        from the key press until the new predictions, the new saliency map and the new ISM \
        heatmap are in the explorer's state (p50/p90/p99 in ms, one JSON line). The sequence is \
        a record of --fasta (--record, default the first) or a random one of --length. Like \
        `seqlens explore`, both background lanes use every core (--threads and --batch are \
        ignored). --interval 0 waits for all three results after every edit, so \
        every ISM is timed; --interval MS types an edit every MS ms ("typing": stale work is \
        superseded or cancelled, the final edit's results are waited for).

        Example:
          seqlens benchmark --live sample-models/multitask-deep-relu.onnx \\
              --fasta assets/sequences/multitask.fa --edits 100
        """
    )

    @Argument(help: "An ONNX model file.")
    var model: String

    @Option(help: "Sequence length, at most 1000000 (default: the model's fixed length, else 1000).")
    var length: Int?

    @Option(help: "Minimum seconds to keep timing.")
    var seconds: Double = 3

    @Option(help: ArgumentHelp("Split the timed passes into this many consecutive repeats of equal pass counts and also report the median repeat's rate (as bench/forward.py times onnxruntime).", valueName: "n"))
    var repeats: Int = 5

    @Flag(help: "Also print the time spent per node, the fastest of five passes (to stderr).")
    var profile = false

    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Time attribution maps of task 0 by this method instead of forward passes.", valueName: "method"))
    var method: String?

    @Flag(help: "Time the explorer's edit-to-result latency instead (see below).")
    var live = false

    @Option(help: ArgumentHelp("--live: sequences to edit (default: a random sequence of --length).", valueName: "file"))
    var fasta: String?

    @Option(help: ArgumentHelp("--live: the record to edit, an id or a 0-based index (default: the first).", valueName: "id|index"))
    var record: String?

    @Option(help: "--live: number of edits, at most 100000.")
    var edits: Int = 30

    @Option(help: ArgumentHelp("--live: ms between edits; 0 waits for every result after each edit.", valueName: "ms"))
    var interval: Double = 0

    @Option(help: "--live: seed of the cursor moves, bases and random sequence.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("--live: give up when nothing arrives for this many seconds.", valueName: "seconds"))
    var timeout: Double = 600

    func validate() throws {
        if live { try OptionLimits.check(edits, in: OptionLimits.edits, option: "--edits") }
        if let length { try OptionLimits.check(length, in: OptionLimits.length, option: "--length") }
        try OptionLimits.check(seconds, atLeast: 0, option: "--seconds")
        try OptionLimits.check(repeats, in: 1...1000, option: "--repeats")
        try OptionLimits.check(interval, atLeast: 0, option: "--interval")
        try OptionLimits.check(timeout, atLeast: 0, option: "--timeout")
        if !live && (fasta != nil || record != nil) { throw ValidationError("--fasta and --record go with --live") }
        if let method, AttributionMethod(rawValue: method) == nil {
            throw ValidationError("unknown --method '\(method)'; methods: \(AttributionMethod.names)")
        }
        if method != nil && (live || profile) { throw ValidationError("--method times attribution maps; it does not go with --live or --profile") }
    }

    func run() throws {
        if live {
            try LiveBenchmark(modelPath: model, fastaPath: fasta, record: record, length: length, edits: edits,
                              interval: interval, seed: seed, timeout: timeout).run()
            return
        }
        let model = try loadModel(self.model)
        let length = self.length ?? model.fixedLength ?? 1000
        var generator = SystemRandomNumberGenerator()
        let letters: [UInt8] = Array("ACGT".utf8)
        let sequences = (0..<compute.batch).map { _ in (0..<length).map { _ in letters.randomElement(using: &generator)! } }
        // Read once: working out the cores reads cgroup files (~6 µs, a sixth of a small model's batch-1 pass).
        let threads = compute.threads
        let pass: () throws -> Void
        if let method = method.flatMap(AttributionMethod.init(rawValue:)) {
            let attributor = Attributor(model: model, batchSize: compute.batch, threads: threads)
            pass = { _ = try attributor.attribute(sequences, settings: AttributionSettings(method: method)) }
        } else {
            pass = { _ = try model.predict(sequences, batchSize: self.compute.batch, threads: threads) }
        }
        try pass()  // warm-up, plans
        var passSeconds: [Double] = []
        let start = Date()
        repeat {
            let passStart = Date()
            try pass()
            passSeconds.append(Date().timeIntervalSince(passStart))
        } while Date().timeIntervalSince(start) < seconds || passSeconds.count < repeats
        let elapsed = Date().timeIntervalSince(start)
        if profile { try printProfile(model: model, sequences: sequences) }
        var result: [String: Any] = [
            "sequences_per_second": Double(passSeconds.count * compute.batch) / elapsed,
            "median_sequences_per_second": Self.medianRepeatRate(passSeconds, repeats: repeats, batch: compute.batch),
            "repeats": repeats,
            "best_pass_seconds": passSeconds.min()!,
            "passes": passSeconds.count,
            "batch": compute.batch,
            "length": length,
            "threads": compute.threads,
        ]
        if let method { result["method"] = method }
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }

    /// Sequences a second of the median of `repeats` consecutive runs of equal pass counts (the
    /// last takes the remainder): a VM's slow spell moves one repeat, not the reported rate.
    static func medianRepeatRate(_ passSeconds: [Double], repeats: Int, batch: Int) -> Double {
        let perRepeat = passSeconds.count / repeats
        let rates = (0..<repeats).map { index in
            let end = index == repeats - 1 ? passSeconds.count : (index + 1) * perRepeat
            let passes = passSeconds[index * perRepeat..<end]
            return Double(passes.count * batch) / passes.reduce(0, +)
        }.sorted()
        return repeats % 2 == 1 ? rates[repeats / 2] : (rates[repeats / 2 - 1] + rates[repeats / 2]) / 2
    }

    /// Five more passes, timing every node; each node's fastest pass (a loaded machine
    /// deschedules threads mid-op, which one pass would charge to whatever op was running),
    /// totals per node, largest first.
    private func printProfile(model: SequenceModel, sequences: [[UInt8]]) throws {
        let plan = try model.plan(batch: sequences.count, length: sequences[0].count)
        let input = Tensor(shape: model.inputShape(batch: sequences.count, length: sequences[0].count),
                           scalars: try OneHot.encode(sequences, alphabet: model.alphabet, layout: model.layout))
        var totals: [String: Double] = [:]
        for _ in 0..<5 {
            var pass: [String: Double] = [:]
            _ = try plan.run(model.feed(input), threads: compute.threads) { node, seconds in pass["\(node.opType) \(node.name)", default: 0] += seconds }
            totals.merge(pass) { Swift.min($0, $1) }
        }
        let sum = totals.values.reduce(0, +)
        for (op, seconds) in totals.sorted(by: { $0.value > $1.value }) {
            let name = op.padding(toLength: max(op.count, 40), withPad: " ", startingAt: 0)
            // Microseconds: a batch-1 node often takes less than 10.
            warn(name + String(format: " %9.1f µs  %5.1f%%", seconds * 1e6, 100 * seconds / sum))
        }
    }
}
