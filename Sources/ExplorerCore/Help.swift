import Genomics
import Rendering

extension ExplorerState {
    /// The help overlay's lines: the key table, then every mark the screen draws and what it means.
    package var helpLines: [String] {
        let keysWidth = KeyMap.bindings.map(\.keys.count).max()! + 2
        let keys = KeyMap.bindings.map { $0.keys + String(repeating: " ", count: keysWidth - $0.keys.count) + $0.what }
        let letters = alphabet.letters.map { Character(Unicode.Scalar($0)) }
        return keys + ["", "marks"] + MarkLegend(marks: Mark.explorer(letters: letters)).lines
    }
}
