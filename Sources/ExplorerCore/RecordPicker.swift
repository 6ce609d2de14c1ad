import Genomics
import Interactive

/// The `g` overlay: the records whose id or description contains what was typed (a number also
/// picks the N-th record), one of them selected; Enter opens it.
public struct RecordPicker: Sendable, Equatable {
    public internal(set) var filter = ""
    /// Index into the matches of `filter`.
    public internal(set) var selection = 0

    public init(filter: String = "", selection: Int = 0) {
        self.filter = filter
        self.selection = selection
    }
}

/// What the picker's keys do.
public enum RecordPickerAction: Sendable, Equatable {
    case open
    case type(Character)
    case backspace
    case select(by: Int)
    case confirm

    /// The picker's meaning of a key (Esc and Ctrl-C cancel, as in every mode).
    static func action(for key: Key) -> Action? {
        switch key {
        case .enter: return .recordPicker(.confirm)
        case .escape, .control("c"): return .cancel
        case .backspace: return .recordPicker(.backspace)
        case .up: return .recordPicker(.select(by: -1))
        case .down, .tab: return .recordPicker(.select(by: 1))
        case .pageUp: return .recordPicker(.select(by: -10))
        case .pageDown: return .recordPicker(.select(by: 10))
        case .character(let character): return .recordPicker(.type(character))
        default: return nil
        }
    }
}

extension ExplorerState {
    /// Indices of the records `filter` picks, in file order: first the N-th record when it is a
    /// number N (1-based, as the header counts), then every record whose id or description
    /// contains it, letter case ignored. Every record when it is empty.
    public func recordMatches(_ filter: String) -> [Int] {
        guard !filter.isEmpty else { return Array(records.indices) }
        let needle = filter.lowercased()
        var matches: [Int] = []
        if let number = Int(filter), records.indices.contains(number - 1) { matches.append(number - 1) }
        for (index, record) in records.enumerated() where !matches.contains(index) {
            if record.id.lowercased().contains(needle) || record.description.lowercased().contains(needle) { matches.append(index) }
        }
        return matches
    }

    mutating func updateRecordPicker(_ action: RecordPickerAction) -> [Effect] {
        if action == .open {
            // Opens on the current record, so Enter alone changes nothing.
            mode = .pickRecord(RecordPicker(filter: "", selection: recordIndex))
            return []
        }
        guard case .pickRecord(var picker) = mode else { return [] }
        switch action {
        case .open: break
        case .type(let character):
            picker.filter.append(character)
            picker.selection = 0
        case .backspace:
            picker.filter = String(picker.filter.dropLast())
            picker.selection = 0
        case .select(let offset):
            let count = recordMatches(picker.filter).count
            picker.selection = max(0, min(count - 1, picker.selection + offset))
        case .confirm:
            let matches = recordMatches(picker.filter)
            guard matches.indices.contains(picker.selection) else { return [] }
            mode = .normal
            let chosen = matches[picker.selection]
            return chosen == recordIndex ? [] : showRecord(chosen)
        }
        mode = .pickRecord(picker)
        return []
    }
}
