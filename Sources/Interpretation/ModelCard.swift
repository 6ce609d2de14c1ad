import Foundation
import Genomics
import Inference

/// What a model says about itself: task names, alphabet, layout, description. Read from
/// the ONNX `metadata_props` and from an optional sidecar MODEL.json next to the model
/// (same basename); the sidecar wins, key by key.
public struct ModelCard: Sendable, Equatable {
    public var tasks: [String]?
    public var alphabet: Alphabet?
    public var layout: SequenceLayout?
    /// Which axis of a two-axis output holds the tracks ("tracks-bins" or "bins-tracks").
    public var axes: OutputAxes?
    public var description: String?
    /// Where the sidecar was found, if any.
    public var sidecar: URL?

    public init(tasks: [String]? = nil, alphabet: Alphabet? = nil, layout: SequenceLayout? = nil, description: String? = nil, sidecar: URL? = nil) {
        self.tasks = tasks
        self.alphabet = alphabet
        self.layout = layout
        self.description = description
        self.sidecar = sidecar
    }

    /// Merges metadata_props with the sidecar of `modelURL` (if present).
    public static func load(for modelURL: URL, metadata: [String: String]) throws -> ModelCard {
        var card = try ModelCard(metadata: metadata, source: "\(modelURL.lastPathComponent) metadata")
        let sidecarURL = modelURL.deletingPathExtension().appendingPathExtension("json")
        guard FileManager.default.fileExists(atPath: sidecarURL.path) else { return card }
        let data: Data
        do { data = try Data(contentsOf: sidecarURL) } catch {
            throw InterpretationError("\(sidecarURL.path): cannot read the sidecar (\((error as NSError).localizedDescription)); fix its permissions or remove it")
        }
        let sidecar = try ModelCard(sidecar: data, path: sidecarURL.path, source: sidecarURL.lastPathComponent)
        card.tasks = sidecar.tasks ?? card.tasks
        card.alphabet = sidecar.alphabet ?? card.alphabet
        card.layout = sidecar.layout ?? card.layout
        card.axes = sidecar.axes ?? card.axes
        card.description = sidecar.description ?? card.description
        card.sidecar = sidecarURL
        return card
    }

    /// From the bytes of a sidecar JSON file; `path` names it in errors about the whole file,
    /// `source` in errors about one key.
    package init(sidecar data: Data, path: String, source: String) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw InterpretationError("\(path): not valid JSON (\((error as NSError).localizedDescription)); fix or remove the sidecar")
        }
        guard let dictionary = object as? [String: Any] else {
            throw InterpretationError("\(path): expected a JSON object with keys such as \"tasks\", \"alphabet\", \"description\"")
        }
        try self.init(json: dictionary, source: source)
    }

    /// From ONNX metadata_props: "tasks" as a comma-separated list or a JSON array.
    package init(metadata: [String: String], source: String) throws {
        if let tasks = metadata["tasks"] ?? metadata["task_names"], !tasks.isEmpty {
            if tasks.hasPrefix("["), let list = try? JSONSerialization.jsonObject(with: Data(tasks.utf8)) as? [String] {
                self.tasks = list
            } else {
                self.tasks = tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        self.alphabet = try metadata["alphabet"].map { try Self.alphabet($0, source: source) }
        self.layout = try metadata["layout"].map { try Self.layout($0, source: source) }
        self.axes = try metadata["axes"].map { try Self.axes($0, source: source) }
        self.description = metadata["description"]
    }

    init(json: [String: Any], source: String) throws {
        if let tasks = json["tasks"] {
            guard let list = tasks as? [String] else { throw InterpretationError("\(source): \"tasks\" must be a list of names") }
            self.tasks = list
        }
        if let alphabet = json["alphabet"] {
            guard let text = alphabet as? String else { throw InterpretationError("\(source): \"alphabet\" must be \"DNA\", \"RNA\", \"protein\" or \"protein-gap\"") }
            self.alphabet = try Self.alphabet(text, source: source)
        }
        if let layout = json["layout"] {
            guard let text = layout as? String else { throw InterpretationError("\(source): \"layout\" must be \"channels-first\" or \"channels-last\"") }
            self.layout = try Self.layout(text, source: source)
        }
        if let axes = json["axes"] {
            guard let text = axes as? String else { throw InterpretationError("\(source): \"axes\" must be \"tracks-bins\" or \"bins-tracks\"") }
            self.axes = try Self.axes(text, source: source)
        }
        self.description = json["description"] as? String
    }

    /// A value from the file as echoed in a one-line error: line breaks as spaces, at most 80 characters.
    private static func shown(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 80 ? flat.prefix(79) + "…" : flat
    }

    private static func axes(_ text: String, source: String) throws -> OutputAxes {
        guard let axes = OutputAxes(rawValue: text.lowercased()) else {
            throw InterpretationError("\(source): axes '\(shown(text))' is not one of tracks-bins, bins-tracks")
        }
        return axes
    }

    private static func alphabet(_ text: String, source: String) throws -> Alphabet {
        guard let alphabet = Alphabet(name: text) else {
            throw InterpretationError("\(source): alphabet '\(shown(text))' is not supported (DNA, RNA, protein or protein-gap)")
        }
        return alphabet
    }

    private static func layout(_ text: String, source: String) throws -> SequenceLayout {
        guard let layout = SequenceLayout(rawValue: text.lowercased()) else {
            throw InterpretationError("\(source): layout '\(shown(text))' is not one of channels-first, channels-last")
        }
        return layout
    }
}

/// A problem with how a model or its inputs are used, in one line.
public struct InterpretationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
