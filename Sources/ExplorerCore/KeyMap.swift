import Interactive

/// Keys to actions, per mode. Upper-case letters that are bases mutate; lower-case letters and
/// punctuation are commands (vim's habit: H, L, R, Z are commands too, none of them a base).
public enum KeyMap {
    /// One help line per binding, in the order the help overlay lists them.
    public static let help: [(keys: String, what: String)] = [
        ("← → h l", "move one base"),
        ("H L PgUp PgDn", "move one screen"),
        ("0 $ Home End", "first / last base"),
        (":", "jump to a position (0-based)"),
        ("A C G T N", "mutate the base under the cursor (U for RNA models)"),
        ("R", "replace mode: typed bases overwrite, Esc ends"),
        ("u  Ctrl-R", "undo / redo"),
        ("r", "reset the record to its reference"),
        ("n p", "next / previous record"),
        ("[ ] ↑ ↓", "previous / next task"),
        ("m", "cycle the attribution method"),
        ("z Z", "zoom in / out"),
        ("o", "sort predictions (by |Δ| once edited) or model order"),
        ("/  * #", "find a subsequence (IUPAC ok), next / previous hit"),
        ("click", "move the cursor to a base"),
        ("s", "save edited FASTA, mutation log and session"),
        ("q  Ctrl-C", "quit (asks when edits are unsaved)"),
        ("?", "this help"),
    ]

    /// The action an input event means in `state`'s mode, or nil when it means nothing there.
    public static func action(for event: InputEvent, in state: ExplorerState) -> Action? {
        switch event {
        case .resize(let width, let height): return .resize(width: width, height: height)
        case .click(let x, let y): return .click(x: x, y: y)
        case .key(let key): return action(for: key, in: state)
        }
    }

    static func action(for key: Key, in state: ExplorerState) -> Action? {
        switch state.mode {
        case .help:
            return .toggleHelp
        case .confirmQuit:
            switch key {
            case .character("s"), .character("S"): return .save
            case .character("q"), .character("y"), .character("Y"), .control("c"): return .discardAndQuit
            default: return .cancel
            }
        case .prompt:
            switch key {
            case .enter: return .promptSubmit
            case .escape, .control("c"): return .cancel
            case .backspace: return .promptBackspace
            case .character(let character): return .promptInput(character)
            default: return nil
            }
        case .replace:
            switch key {
            case .escape, .enter, .control("c"): return .cancel
            case .backspace: return .replaceBackspace
            case .character(let character):
                guard let ascii = character.asciiValue, Character(Unicode.Scalar(ascii)).isLetter else { return nil }
                return .mutate(base: ascii)
            default: return movement(key)
            }
        case .normal:
            if let movement = movement(key) { return movement }
            switch key {
            case .up: return .previousTask
            case .down: return .nextTask
            case .escape: return .cancel
            case .control("r"): return .redo
            case .control("c"): return .quit
            case .character(let character): return command(character, in: state)
            default: return nil
            }
        }
    }

    /// Keys that move the cursor in normal and replace mode.
    static func movement(_ key: Key) -> Action? {
        switch key {
        case .left, .character("h"): return .move(by: -1)
        case .right, .character("l"): return .move(by: 1)
        case .pageUp, .character("H"): return .page(by: -1)
        case .pageDown, .character("L"): return .page(by: 1)
        case .home, .character("0"): return .moveToStart
        case .end, .character("$"): return .moveToEnd
        default: return nil
        }
    }

    static func command(_ character: Character, in state: ExplorerState) -> Action? {
        switch character {
        case ":": return .openPrompt(.jump)
        case "/": return .openPrompt(.search)
        case "*": return .nextHit
        case "#": return .previousHit
        case "R": return .enterReplaceMode
        case "u": return .undo
        case "r": return .resetRecord
        case "n": return .nextRecord
        case "p": return .previousRecord
        case "[": return .previousTask
        case "]": return .nextTask
        case "m": return .cycleMethod
        case "z": return .zoomIn
        case "Z": return .zoomOut
        case "o": return .toggleSort
        case "?": return .toggleHelp
        case "s": return .save
        case "q": return .quit
        default:
            // Any other upper-case letter is a mutation attempt: update explains what is allowed.
            guard let ascii = character.asciiValue, character.isUppercase else { return nil }
            return .mutate(base: ascii)
        }
    }
}
