import ExplorerCore
import ExplorerRuntime
import Foundation
import Genomics
import Interpretation

/// `seqlens benchmark --live`: drives the explorer's core (`ExplorerApp`, no terminal) with
/// scripted key presses and times, for every edit, how long after the mutate key the new
/// predictions, the new saliency map and the new ISM heatmap are in the state (what the user
/// sees). Used by bench/live.py.
struct LiveBenchmark {
    var modelPath: String
    var fastaPath: String?
    var record: String?
    var length: Int?
    var edits: Int
    /// 0: after each edit wait until predictions, map and ISM have all arrived (each ISM is
    /// timed). > 0: type an edit every `interval` ms whatever has arrived ("typing").
    var interval: Double
    var seed: UInt64
    var timeout: Double

    func run() throws {
        let model = try ExploredFamily.matches(modelPath) ? ExploredFamily(path: modelPath).model : loadModel(modelPath)
        let sequence: [UInt8]
        let recordID: String
        var generator = SeededGenerator(seed: seed)
        if let fastaPath {
            let chosen = try readRecords(fastaPath, alphabet: model.alphabet, choosing: record ?? "0")[0]
            sequence = chosen.sequence
            recordID = chosen.id
        } else {
            let length = self.length ?? model.fixedLength ?? 1000
            let letters = model.alphabet.letters
            sequence = (0 ..< length).map { _ in letters[Int(generator.next() % UInt64(letters.count))] }
            recordID = "random"
        }
        if let fixed = model.fixedLength, fixed != sequence.count {
            throw InterpretationError("the model reads \(fixed) nt, record '\(recordID)' has \(sequence.count) nt")
        }
        let taskNames = try model.taskNames(length: sequence.count)
        var state = ExplorerState(modelName: URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent,
                                  alphabet: model.alphabet, taskNames: taskNames,
                                  records: [SequenceRecord(id: recordID, sequence: sequence)])
        // Stay on task 0 (the map's cost does not depend on the task).
        state.followsTopTask = false
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-live-bench-\(getpid())").path
        let files = ExplorerApp.SessionFiles(modelPath: modelPath, sequencesPath: fastaPath ?? "random.fa", annotationsPath: nil, prefix: scratch)
        let app = ExplorerApp(state: state, model: model, files: files)
        // The edits are autosaved for recovery: nothing to keep once the run ends.
        defer { app.stop(); files.recovery.remove() }

        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }
        func failIfError() throws {
            if let message = app.state.message, message.hasPrefix("error") { throw InterpretationError("explorer: \(message)") }
        }

        // Start (the first key also starts the version-0 work) and wait until idle.
        let startTime = now()
        app.handle(.resize(width: 160, height: 48))
        while app.state.isBusy {
            guard app.waitForResults(timeout: timeout) else { throw InterpretationError("no results within \(timeout) s at start") }
            try failIfError()
        }
        let initial = now() - startTime

        var predictions: [Double] = [], maps: [Double] = [], mutagenesis: [Double] = [], visibleMutagenesis: [Double] = []
        var runtimePredictions: [Double] = [], runtimeMaps: [Double] = [], runtimeMutagenesis: [Double] = []
        var supersededPredictions = 0, supersededMaps = 0, cancelledMutagenesis = 0
        var keyTimes: [Int: Double] = [:]
        var finalISM: Double?
        var sessionSequences: [[UInt8]] = []
        var seen = (predictions: 0, map: 0, ism: 0, visibleISM: 0)
        /// Takes in results and books each new version's latency from its key press.
        func collect() {
            let t = now()
            let s = app.state
            if let p = s.predictions, p.version > seen.predictions {
                seen.predictions = p.version
                if let t0 = keyTimes[p.version] { predictions.append(t - t0); runtimePredictions.append(p.milliseconds) }
            }
            if let a = s.attribution, a.version > seen.map {
                seen.map = a.version
                if let t0 = keyTimes[a.version] { maps.append(t - t0); runtimeMaps.append(a.milliseconds) }
            }
            // The positions on screen arrive first; the heatmap is complete when they all have.
            if let m = s.mutagenesis, m.version > seen.visibleISM {
                seen.visibleISM = m.version
                if let t0 = keyTimes[m.version] { visibleMutagenesis.append(t - t0) }
            }
            if let m = s.mutagenesis, m.version > seen.ism, m.value.positions == 0 ..< s.length {
                seen.ism = m.version
                if let t0 = keyTimes[m.version] {
                    mutagenesis.append(t - t0)
                    runtimeMutagenesis.append(m.milliseconds)
                    if m.version == edits { finalISM = t - t0 }
                }
            }
        }

        let letters = model.alphabet.letters
        for edit in 0 ..< edits {
            // Move a few to a few dozen bases with h/l, as a user would (wrapping at the ends).
            let target = Int(generator.next() % UInt64(sequence.count))
            let step: Character = target > app.state.cursor ? "l" : "h"
            for _ in 0 ..< abs(target - app.state.cursor) { app.handle(.key(.character(step))) }
            // An upper-case letter that differs from the one under the cursor.
            let current = app.state.sequence[app.state.cursor]
            let choices = letters.filter { $0 != current && $0 != UInt8(ascii: "-") }  // '-' is a key (zoom out), a gap no edit a user types
            let base = choices[Int(generator.next() % UInt64(choices.count))]
            let version = app.state.version + 1
            // Amino-acid letters are also keys (D, F, V...): a protein edit is typed in replace mode.
            let replaces = !model.alphabet.isNucleic
            if replaces { app.handle(.key(.character("R"))) }
            let t0 = now()
            keyTimes[version] = t0
            app.handle(.key(.character(Character(Unicode.Scalar(base)))))
            if replaces { app.handle(.key(.escape)) }
            guard app.state.version == version else { throw InterpretationError("edit \(edit) did not change the sequence (\(app.state.message ?? ""))") }
            sessionSequences.append(app.state.sequence)
            if interval > 0 && edit < edits - 1 {
                // Typing: the next key comes `interval` ms after this one.
                let deadline = t0 + interval
                while now() < deadline {
                    if app.waitForResults(timeout: (deadline - now()) / 1000) { collect() }
                    try failIfError()
                }
            } else {
                while app.state.isBusy {
                    guard app.waitForResults(timeout: timeout) else { throw InterpretationError("no results within \(timeout) s after edit \(edit)") }
                    collect()
                    try failIfError()
                }
            }
        }
        if interval > 0 {
            supersededPredictions = edits - predictions.count
            supersededMaps = edits - maps.count
            cancelledMutagenesis = edits - mutagenesis.count
        }

        // The incremental predictions must match a full pass of the final sequence.
        let final = app.state.sequence
        let expected = try model.predict([final], batchSize: 1, threads: 1).scalars
        let shown = app.state.predictions?.value ?? []
        let difference = zip(expected, shown).map { abs($0 - $1) }.max() ?? .infinity

        // The same work alone (no explorer, no ISM on the other lane), for comparison: an
        // incremental single-base prediction, a full batch-1 pass and a saliency map.
        let live = LiveModel(model: model, threads: 1)
        try live.setReference(sequence)
        var isolatedPredict: [Double] = [], isolatedFull: [Double] = [], isolatedSaliency: [Double] = []
        for _ in 0 ..< 20 {
            var mutant = sequence
            let position = Int(generator.next() % UInt64(sequence.count))
            mutant[position] = letters.first { $0 != sequence[position] }!
            var t = now()
            _ = try live.predict(mutant)
            isolatedPredict.append(now() - t)
            t = now()
            _ = try model.predict([mutant], batchSize: 1, threads: 1)
            isolatedFull.append(now() - t)
            t = now()
            _ = try live.attribution(mutant, method: .saliency, task: 0)
            isolatedSaliency.append(now() - t)
        }

        // The session's sequences replayed through a fresh LiveModel (as the fast lane sees them:
        // edits accumulate against the record, or the last rebase), to show which path ran.
        let replay = LiveModel(model: model, threads: 1)
        try replay.setReference(sequence)
        var replayTimes: [Double] = []
        var paths = (incremental: 0, full: 0, reference: 0)
        var windows: [Double] = []
        for edited in sessionSequences {
            let t = now()
            _ = try replay.predict(edited)
            replayTimes.append(now() - t)
            switch replay.lastPredictionPath {
            case .incremental(let window): paths.incremental += 1; windows.append(Double(window.count))
            case .full: paths.full += 1
            case .reference: paths.reference += 1
            }
        }

        func summary(_ values: [Double]) -> [String: Any] {
            guard !values.isEmpty else { return ["n": 0] }
            let sorted = values.sorted()
            // Nearest-rank percentiles (p99 of fewer than 100 values is the maximum).
            func percentile(_ p: Double) -> Double { sorted[max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)] }
            return ["n": sorted.count, "p50": percentile(50), "p90": percentile(90), "p99": percentile(99),
                    "mean": sorted.reduce(0, +) / Double(sorted.count), "max": sorted.last!, "min": sorted.first!]
        }
        var result: [String: Any] = [
            "model": URL(fileURLWithPath: modelPath).lastPathComponent,
            "record": recordID,
            "length": sequence.count,
            "tasks": taskNames.count,
            "edits": edits,
            "interval_ms": interval,
            "seed": seed,
            "initial_ms": initial,
            // From the mutate key press to the result being in the state (benchmark clock).
            "predictions_ms": summary(predictions),
            "saliency_ms": summary(maps),
            "ism_ms": summary(mutagenesis),
            "ism_visible_ms": summary(visibleMutagenesis),
            // The runtime's own `Computed.milliseconds` (from submitting the job to its result).
            "runtime_predictions_ms": summary(runtimePredictions),
            "runtime_saliency_ms": summary(runtimeMaps),
            "runtime_ism_ms": summary(runtimeMutagenesis),
            "max_abs_diff_vs_full_pass": Double(difference),
            "isolated_predict_ms": summary(isolatedPredict),
            "isolated_full_pass_ms": summary(isolatedFull),
            "isolated_saliency_ms": summary(isolatedSaliency),
            "replay_predict_ms": summary(replayTimes),
            "replay_paths": ["incremental": paths.incremental, "full": paths.full, "reference": paths.reference],
            "replay_window_positions": summary(windows),
        ]
        if interval > 0 {
            result["superseded_predictions"] = supersededPredictions
            result["superseded_saliency"] = supersededMaps
            result["cancelled_ism"] = cancelledMutagenesis
            // The last edit's ISM, from its key press (work for earlier edits may delay it).
            result["final_ism_ms"] = finalISM ?? -1
        }
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}
