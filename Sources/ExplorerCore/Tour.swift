import Genomics

/// A guided tour of the explorer, read from a `.tour` file (the format is in docs/TOURS.md): what
/// to open, then steps that each explain the screen, point at a pane or at positions, and may wait
/// for an action of the user and check the model's answer before going on.
public struct Tour: Sendable, Equatable {
    /// The file it was read from, as given (error messages start with it).
    public var source: String
    public var title: String
    /// One line for `seqlens demo --list`.
    public var about: String
    /// One or two models (two: side by side); paths as written, relative to the tour file.
    public var models: [String]
    public var fasta: String
    public var annotations: String?
    public var motifs: String?
    /// The record, task and attribution method to start on (nil: the explorer's defaults).
    public var record: String?
    public var task: String?
    public var method: ExplorerMethod?
    public var steps: [TourStep]
    /// The line of each setting, for errors found once the model is loaded.
    var lines: [String: Int]
}

public struct TourStep: Sendable, Equatable {
    public var title: String
    /// Paragraphs, each one string (the file's lines of a paragraph joined by spaces).
    public var paragraphs: [String]
    /// Positions to point at, in the record's own coordinates (0-based, end-exclusive).
    public var positions: Range<Int>?
    public var pane: TourPane?
    /// What to press, as the box shows it ("press : 44 Enter, then A").
    public var press: String?
    /// The step waits until all of these hold (and the results are in), then goes on by itself.
    public var expectations: [Line<TourExpectation>]
    /// Claims about the model's results, checked once those are in; the box shows ✓ or ✗.
    public var claims: [Line<TourClaim>]
    public var line: Int
}

/// A value and the line of the tour file it was written on.
public struct Line<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var line: Int
    /// As written in the file, for the box and for errors.
    public var text: String
}

/// The panes a step can point at.
public enum TourPane: String, Sendable, Equatable, CaseIterable {
    case predictions, logo, heatmap, sequence
}

/// What a step waits for the user to do, checked against the explorer's state.
public enum TourExpectation: Sendable, Equatable {
    /// The cursor within these record positions.
    case cursor(Range<Int>)
    /// The record's base at the position (its own coordinates) changed from REF to ALT.
    case substitution(Substitution)
    /// The record as read: every edit undone (u) or reset (r).
    case unedited
    case method(ExplorerMethod)
    case task(String)
    case record(String)
    /// With two models: this one (its file name without .onnx) is the first (M swaps them).
    case model(String)
    case showing(TourToggle)
}

/// Views a key switches on or off.
public enum TourToggle: String, Sendable, Equatable, CaseIterable {
    case dependencies, seqlets, logits
}

/// A statement about the model's results that the tour's text makes, checked against them.
public enum TourClaim: Sendable, Equatable {
    /// The task's prediction now minus the record's reference prediction (its size with `absolute`).
    case change(task: String, absolute: Bool, TourComparison, Float)
    /// The task's prediction now.
    case prediction(task: String, TourComparison, Float)
    /// The position of the largest effect on the map lies in these record positions.
    case peak(TourMap, in: Range<Int>)
    /// The fraction of the map's total effect that lies in these record positions.
    case share(TourMap, in: Range<Int>, TourComparison, Float)
}

public enum TourMap: String, Sendable, Equatable {
    /// The current method's attribution map: the position of the largest Σ|attribution|.
    case attribution
    /// The ISM heatmap of the current task: the position of the substitution with the largest |Δ|.
    case ism
}

public enum TourComparison: String, Sendable, Equatable, CaseIterable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    func holds(_ value: Float, _ bound: Float) -> Bool {
        switch self {
        case .less: return value < bound
        case .lessOrEqual: return value <= bound
        case .greater: return value > bound
        case .greaterOrEqual: return value >= bound
        }
    }
}

/// A tour file that cannot be used: "FILE:LINE: what is wrong and what to write".
public struct TourError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String

    init(_ source: String, line: Int?, _ message: String) {
        description = "\(source)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}

extension Tour {
    static let settings = ["title", "about", "model", "fasta", "annotations", "motifs", "record", "task", "method"]
    static let stepFields = ["step", "highlight", "press", "expect", "check"]
    static let expectationForms = "cursor A:B, substitution POS:REF>ALT, unedited, method NAME, task NAME, record ID, model NAME, showing dependencies|seqlets|logits"
    static let claimForms = "change TASK OP X, |change| TASK OP X, prediction TASK OP X, peak attribution|ism in A:B, share attribution|ism A:B OP X (OP one of < <= > >=)"

    /// Reads a tour file's text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws -> Tour {
        var tour = Tour(source: source, title: "", about: "", models: [], fasta: "", steps: [], lines: [:])
        var pendingBreak = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = String(rawLine.reversed().drop(while: \.isWhitespace).reversed())
            func fail(_ message: String) -> TourError { TourError(source, line: number, message) }
            if line.isEmpty {
                pendingBreak = true
                continue
            }
            if line.hasPrefix("#") { continue }
            if line.first!.isWhitespace {
                guard !tour.steps.isEmpty else { throw fail("indented text before the first step: a step's text follows its 'step:' line, indented") }
                let words = String(line.drop(while: \.isWhitespace))
                let last = tour.steps.count - 1
                if tour.steps[last].paragraphs.isEmpty || pendingBreak {
                    tour.steps[last].paragraphs.append(words)
                } else {
                    tour.steps[last].paragraphs[tour.steps[last].paragraphs.count - 1] += " " + words
                }
                pendingBreak = false
                continue
            }
            pendingBreak = false
            guard let colon = line.firstIndex(of: ":") else {
                throw fail("'\(line)' is not 'field: value' (indent a step's text by two spaces)")
            }
            let field = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop(while: \.isWhitespace))
            guard !value.isEmpty else { throw fail("'\(field):' needs a value") }
            if settings.contains(field) {
                guard tour.steps.isEmpty else { throw fail("'\(field)' is a setting of the whole tour: move it above the first 'step:'") }
                try tour.set(field, value, line: number)
            } else if stepFields.contains(field) {
                if field == "step" {
                    tour.steps.append(TourStep(title: value, paragraphs: [], positions: nil, pane: nil, press: nil, expectations: [], claims: [], line: number))
                    continue
                }
                guard !tour.steps.isEmpty else { throw fail("'\(field)' belongs to a step: start one with 'step: TITLE' first") }
                try tour.steps[tour.steps.count - 1].set(field, value, source: source, line: number)
            } else {
                throw fail("unknown field '\(field)' (settings: \(settings.joined(separator: ", ")); in a step: \(stepFields.joined(separator: ", ")))")
            }
        }
        for required in ["title", "model", "fasta"] where tour.lines[required] == nil {
            throw TourError(source, line: nil, "no '\(required):' line; a tour names at least its title, model and fasta")
        }
        guard !tour.steps.isEmpty else { throw TourError(source, line: nil, "no steps; add at least one 'step: TITLE' with indented text") }
        for step in tour.steps where step.paragraphs.isEmpty {
            throw TourError(source, line: step.line, "step '\(step.title)' has no text; write it on the lines below, indented")
        }
        return tour
    }

    private mutating func set(_ field: String, _ value: String, line: Int) throws {
        if field == "model" {
            guard models.count < 2 else { throw TourError(source, line: line, "a third 'model:'; a tour shows one model, or two side by side") }
            models.append(value)
        } else if lines[field] != nil {
            throw TourError(source, line: line, "'\(field)' given twice (first on line \(lines[field]!))")
        }
        lines[field] = lines[field] ?? line
        switch field {
        case "title": title = value
        case "about": about = value
        case "fasta": fasta = value
        case "annotations": annotations = value
        case "motifs": motifs = value
        case "record": record = value
        case "task": task = value
        case "method":
            guard let parsed = ExplorerMethod(rawValue: value) else {
                throw TourError(source, line: line, "method '\(value)' is not one of \(ExplorerMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            method = parsed
        default: break
        }
    }

    /// Refuses names and positions the loaded model and records do not have, each error at its line.
    public func check(taskNames: [String], records: [SequenceRecord]) throws {
        func knownTask(_ name: String, line: Int) throws {
            guard taskNames.contains(name) else {
                throw TourError(source, line: line, "task '\(name)' is not a task of the model (\(taskNames.joined(separator: ", ")))")
            }
        }
        func knownRecord(_ id: String, line: Int) throws {
            guard records.contains(where: { $0.id == id }) else {
                throw TourError(source, line: line, "record '\(id)' is not in \(fasta)")
            }
        }
        if let task, let line = lines["task"] { try knownTask(task, line: line) }
        if let record, let line = lines["record"] { try knownRecord(record, line: line) }
        let longest = records.map(\.length).max() ?? 0
        func inRecords(_ range: Range<Int>, line: Int) throws {
            guard range.upperBound <= longest else {
                throw TourError(source, line: line, "positions \(range.lowerBound):\(range.upperBound) lie past the end of every record (the longest has \(longest))")
            }
        }
        for step in steps {
            if let positions = step.positions { try inRecords(positions, line: step.line) }
            for expectation in step.expectations {
                switch expectation.value {
                case .task(let name): try knownTask(name, line: expectation.line)
                case .record(let id): try knownRecord(id, line: expectation.line)
                case .cursor(let range): try inRecords(range, line: expectation.line)
                case .substitution(let substitution): try inRecords(substitution.position ..< substitution.position + 1, line: expectation.line)
                case .model(let name):
                    let names = models.map { String($0.split(separator: "/").last ?? "").replacing(".onnx", with: "") }
                    guard names.contains(name), names.count == 2 else {
                        throw TourError(source, line: expectation.line, "model '\(name)' is not one of the tour's two models (\(names.joined(separator: ", ")))")
                    }
                case .unedited, .method, .showing: break
                }
            }
            for claim in step.claims {
                switch claim.value {
                case .change(let task, _, _, _), .prediction(let task, _, _): try knownTask(task, line: claim.line)
                case .peak(_, let range), .share(_, let range, _, _): try inRecords(range, line: claim.line)
                }
            }
        }
    }
}

extension TourStep {
    fileprivate mutating func set(_ field: String, _ value: String, source: String, line: Int) throws {
        func fail(_ message: String) -> TourError { TourError(source, line: line, message) }
        let words = value.split(separator: " ").map(String.init)
        switch field {
        case "highlight":
            if let pane = TourPane(rawValue: value) {
                guard self.pane == nil else { throw fail("a second pane to highlight in one step") }
                self.pane = pane
            } else if let range = Self.positions(value) {
                guard positions == nil else { throw fail("a second range to highlight in one step") }
                positions = range
            } else {
                throw fail("highlight '\(value)' is neither a pane (\(TourPane.allCases.map(\.rawValue).joined(separator: ", "))) nor positions A:B (0-based, end-exclusive)")
            }
        case "press":
            guard press == nil else { throw fail("a second 'press:' in one step; say all the keys on one line") }
            press = value
        case "expect":
            guard let expectation = Self.expectation(words) else {
                throw fail("expectation '\(value)' is not one of: \(Tour.expectationForms)")
            }
            expectations.append(Line(value: expectation, line: line, text: value))
        case "check":
            guard let claim = Self.claim(words) else { throw fail("check '\(value)' is not one of: \(Tour.claimForms)") }
            claims.append(Line(value: claim, line: line, text: value))
        default: break
        }
    }

    /// `A:B`, 0-based and end-exclusive, not empty.
    static func positions(_ text: String) -> Range<Int>? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int(parts[0]), let end = Int(parts[1]), start >= 0, end > start else { return nil }
        return start ..< end
    }

    static func expectation(_ words: [String]) -> TourExpectation? {
        switch (words.first ?? "", words.count) {
        case ("cursor", 2): return positions(words[1]).map { .cursor($0) }
        case ("substitution", 2): return (try? Substitution(parsing: words[1])).map { .substitution($0) }
        case ("unedited", 1): return .unedited
        case ("method", 2): return ExplorerMethod(rawValue: words[1]).map { .method($0) }
        case ("task", 2): return .task(words[1])
        case ("record", 2): return .record(words[1])
        case ("model", 2): return .model(words[1])
        case ("showing", 2): return TourToggle(rawValue: words[1]).map { .showing($0) }
        default: return nil
        }
    }

    static func claim(_ words: [String]) -> TourClaim? {
        switch (words.first ?? "", words.count) {
        case ("change", 4), ("|change|", 4), ("prediction", 4):
            guard let comparison = TourComparison(rawValue: words[2]), let bound = Float(words[3]), bound.isFinite else { return nil }
            return words[0] == "prediction" ? .prediction(task: words[1], comparison, bound)
                : .change(task: words[1], absolute: words[0] == "|change|", comparison, bound)
        case ("peak", 4):
            guard let map = TourMap(rawValue: words[1]), words[2] == "in", let range = positions(words[3]) else { return nil }
            return .peak(map, in: range)
        case ("share", 5):
            guard let map = TourMap(rawValue: words[1]), let range = positions(words[2]), let comparison = TourComparison(rawValue: words[3]),
                  let bound = Float(words[4]), bound.isFinite else { return nil }
            return .share(map, in: range, comparison, bound)
        default: return nil
        }
    }
}
