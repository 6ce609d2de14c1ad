import Foundation
import Inference

/// `--target`, one syntax for every command:
///   [OUTPUT:]TASK                          a task of a one-axis output, by index or name (as ever)
///   [OUTPUT:]KEY=VALUE[,KEY=VALUE…]        a target on any output, keys:
///       track=NAME|INDEX   one track (default: every track)
///       bins=START:END     bins, 0-based, end excluded; bins=I is one bin (default: every bin)
///       reduce=sum|mean|profile             (default: sum)
///       axes=tracks-bins|bins-tracks        which axis of a two-axis output is which (default: inferred)
/// OUTPUT picks an output by name (default: the first); OUTPUT alone reads all of it, summed.
/// On a two-axis output a plain NAME|INDEX is a track.
public enum TargetSyntax {
    public static let summary = "[OUTPUT:]TASK or [OUTPUT:]track=NAME|INDEX,bins=START:END,reduce=sum|mean|profile"
    static let keys = ["track", "bins", "reduce", "axes"]
}

/// A model read through a target: the model whose tasks a command reads, and the task
/// (nil: every task, `--target all`).
public struct TargetedModel: Sendable {
    public var model: SequenceModel
    public var task: Int?

    public init(model: SequenceModel, task: Int?) {
        self.model = model
        self.task = task
    }
}

extension SequenceModel {
    /// The per-sequence shape of every output for sequences of `length`.
    public func outputShapes(length: Int) throws -> [(name: String, shape: [Int])] {
        let plan = try plan(batch: 1, length: length)
        return graph.outputs.map { ($0.name, Array((plan.outputShapes[$0.name] ?? []).dropFirst())) }
    }

    /// Resolves `--target` (nil: not given) for sequences of `length`. A one-axis output without
    /// a target reads task 0, as ever; a two-axis output needs a target.
    /// - Parameter allowingAll: `all` reads every task of a one-axis output (ism).
    public func resolveTarget(_ text: String?, length: Int, allowingAll: Bool = false) throws -> TargetedModel {
        let outputs = try outputShapes(length: length)
        var model = self, selection = text ?? ""
        if let text {
            let prefix = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            if outputs.contains(where: { $0.name == text }) {
                (model, selection) = (try reading(output: text), "")
            } else if prefix.count == 2, outputs.contains(where: { $0.name == prefix[0] }) {
                (model, selection) = (try reading(output: String(prefix[0])), String(prefix[1]))
            } else if prefix.count == 2, let equals = text.firstIndex(of: "="), equals > text.firstIndex(of: ":")! {
                throw InterpretationError("target '\(text)': no output named '\(prefix[0])'; outputs: \(Self.listing(outputs))")
            }
        }
        let shape = outputs.first { $0.name == model.outputName }!.shape
        let tasks = try model.taskNames(length: length)
        if text == nil {
            guard shape.count <= 1 else {
                throw InterpretationError("output '\(model.outputName)' has \(shape.count) axes per sequence, so say what to read with --target \(TargetSyntax.summary); outputs: \(Self.listing(outputs))")
            }
            return TargetedModel(model: model, task: 0)
        }
        if selection == "all", allowingAll {
            guard shape.count <= 1 else {
                throw InterpretationError("target 'all' reads every task of a one-axis output, and '\(model.outputName)' has \(shape.count) axes per sequence; give --target \(TargetSyntax.summary)")
            }
            return TargetedModel(model: model, task: nil)
        }
        if shape.count <= 1, !selection.isEmpty, !selection.contains("=") {
            return TargetedModel(model: model, task: try resolveName(selection, among: tasks, kind: "task"))
        }
        if shape.count <= 1, selection.isEmpty, tasks.count == 1 { return TargetedModel(model: model, task: 0) }
        guard shape.count <= 2 else {
            throw InterpretationError("output '\(model.outputName)' has \(shape.count) axes per sequence (\(shape.map(String.init).joined(separator: ", "))); targets read outputs of at most two (tracks and bins)")
        }
        let pairs = selection.isEmpty ? [] : selection.contains("=") ? selection.split(separator: ",").map(String.init) : ["track=\(selection)"]
        return TargetedModel(model: model.targeting(try model.outputTarget(pairs, text: text!, shape: shape)), task: 0)
    }

    /// The target that `key=value` pairs describe on an output of per-sequence `shape`.
    private func outputTarget(_ pairs: [String], text: String, shape: [Int]) throws -> OutputTarget {
        var values: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, TargetSyntax.keys.contains(parts[0]) else {
                throw InterpretationError("target '\(text)': '\(pair)' is not one of \(TargetSyntax.keys.map { "\($0)=…" }.joined(separator: ", ")); the syntax is \(TargetSyntax.summary)")
            }
            values[parts[0]] = parts[1]
        }
        var axes = OutputAxes.tracksBins
        if shape.count == 2 {
            if let given = values["axes"] {
                guard let parsed = OutputAxes(rawValue: given) else {
                    throw InterpretationError("target '\(text)': axes=\(given) is not tracks-bins or bins-tracks")
                }
                axes = parsed
            } else {
                axes = inferredAxes(shape: shape)
            }
        }
        let trackCount = shape.count == 2 ? (axes == .tracksBins ? shape[0] : shape[1]) : shape.first ?? 1
        let binCount = shape.count == 2 ? (axes == .tracksBins ? shape[1] : shape[0]) : 1
        let names = card.tasks?.count == trackCount ? card.tasks! : (0..<trackCount).map { "track_\($0)" }
        var tracks = Array(0..<trackCount)
        var label = outputName
        var settings: [String] = []
        if let track = values["track"] {
            let index = try resolveName(track, among: names, kind: "track", output: outputName)
            tracks = [index]
            settings.append("track=\(names[index])")
        }
        var bins = 0..<binCount
        if let given = values["bins"] {
            bins = try Self.binRange(given, count: binCount, target: text, output: outputName)
            settings.append("bins=\(bins.lowerBound):\(bins.upperBound)")
        }
        let reduction: TargetReduction
        if let given = values["reduce"] {
            guard let parsed = TargetReduction(rawValue: given) else {
                throw InterpretationError("target '\(text)': reduce=\(given) is not one of \(TargetReduction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            reduction = parsed
        } else {
            reduction = .sum
        }
        if reduction != .sum { settings.append("reduce=\(reduction.rawValue)") }
        if !settings.isEmpty { label += ":" + settings.joined(separator: ",") }
        return OutputTarget(trackCount: trackCount, binCount: binCount, axes: axes, tracks: tracks, bins: bins, reduction: reduction, label: label)
    }

    /// Which axis of a two-axis output holds the tracks: the model card's "axes", else the axis
    /// whose size matches the card's task names, else the input's layout (channels-first models
    /// emit (tracks, bins), channels-last ones (bins, tracks)).
    public func inferredAxes(shape: [Int]) -> OutputAxes {
        if let axes = card.axes { return axes }
        if let count = card.tasks?.count, (shape[0] == count) != (shape[1] == count) {
            return shape[0] == count ? .tracksBins : .binsTracks
        }
        return layout == .channelsFirst ? .tracksBins : .binsTracks
    }

    /// `bins=START:END` or `bins=I` within `count` bins.
    private static func binRange(_ text: String, count: Int, target: String, output: String) throws -> Range<Int> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        let range: Range<Int>
        switch parts.count {
        case 1 where parts[0] != nil: range = parts[0]! ..< parts[0]! + 1
        case 2 where parts[0] != nil && parts[1] != nil && parts[0]! < parts[1]!: range = parts[0]! ..< parts[1]!
        default:
            throw InterpretationError("target '\(target)': bins=\(text) is not START:END with START < END or one bin I (0-based, end excluded: bins=400:600 is 200 bins)")
        }
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw InterpretationError("target '\(target)': bins=\(text) is outside output '\(output)', which has \(count) bins (0:\(count), end excluded)")
        }
        return range
    }

    static func listing(_ outputs: [(name: String, shape: [Int])]) -> String {
        outputs.map { "\($0.name) (N, \($0.shape.map(String.init).joined(separator: ", ")))" }.joined(separator: ", ")
    }
}

/// A task (or track) given by index or by name, the name in any letter case (cebpb finds CEBPB)
/// unless that matches several; the errors list the names.
public func resolveName(_ text: String, among names: [String], kind: String = "task", output: String? = nil) throws -> Int {
    if let index = Int(text), names.indices.contains(index) { return index }
    if let index = names.firstIndex(of: text) { return index }
    let matches = names.indices.filter { names[$0].caseInsensitiveCompare(text) == .orderedSame }
    if matches.count == 1 { return matches[0] }
    let owner = output.map { "output '\($0)'" } ?? "the model"
    if matches.count > 1 {
        throw InterpretationError("target '\(text)' matches \(matches.count) \(kind)s in different letter case (\(matches.map { "\($0) \(names[$0])" }.joined(separator: ", "))); give the exact name or the index")
    }
    if let index = Int(text) {
        throw InterpretationError("target \(index) is out of range: \(owner) has \(names.count) \(kind)\(names.count == 1 ? "" : "s") (0–\(names.count - 1))")
    }
    // A model may have thousands of tasks: the message stays one readable line.
    let shown = names.count > 12 ? 8 : names.count
    let listing = names.prefix(shown).enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")
    let more = shown < names.count ? ", … (\(names.count) in all; seqlens inspect MODEL lists them)" : ""
    throw InterpretationError("target '\(text)' is not a \(kind) of \(output == nil ? "this model" : owner); \(kind)s: \(listing)\(more)")
}
