@preconcurrency import CNcurses
import Interactive

/// One thing read from curses, before decoding.
enum RawInput: Equatable {
    /// A character from get_wch (OK): a Unicode scalar or a control code.
    case character(UInt32)
    /// A KEY_* code from get_wch (KEY_CODE_YES), other than mouse and resize.
    case keyCode(Int32)
    /// A button-1 press at a cell.
    case click(x: Int, y: Int)
    /// Notches of the mouse wheel (buttons 4 and 5): negative up, positive down.
    case wheel(by: Int)
    /// KEY_RESIZE, with the new COLS and LINES.
    case resize(width: Int, height: Int)
}

/// Curses input → explorer events.
enum InputDecoder {
    /// Decodes one batch of input. Escape sequences curses did not recognise (a TERM that does not
    /// match the terminal, e.g. Home/End under tmux as ESC [ 1 ~ / ESC [ 4 ~) arrive as separate
    /// characters within one batch and are decoded here; a lone ESC is Escape.
    static func events(from inputs: [RawInput]) -> [InputEvent] {
        var events: [InputEvent] = []
        var index = 0
        while index < inputs.count {
            switch inputs[index] {
            case .character(27):
                if let (text, length) = bracketedPaste(inputs[(index + 1)...]) {
                    events.append(.paste(text))
                    index += 1 + length
                    continue
                }
                if let (key, length) = escapeSequence(inputs[(index + 1)...]) {
                    events.append(.key(key))
                    index += 1 + length
                    continue
                }
                events.append(.key(.escape))
            case .character(let code):
                let burst = inputs[index...].prefix { $0.isBurstBase }
                if burst.count >= 2 {
                    events.append(.paste(String(burst.compactMap { input -> Character? in
                        guard case .character(let code) = input else { return nil }
                        return Unicode.Scalar(code).map(Character.init)
                    })))
                    index += burst.count
                    continue
                }
                if let key = key(character: code) { events.append(.key(key)) }
            case .keyCode(let code):
                if let key = key(keyCode: code) { events.append(.key(key)) }
            case .click(let x, let y):
                events.append(.click(x: x, y: y))
            case .wheel(let notches):
                // A fast turn arrives as a burst: one scroll for the batch's run of notches.
                if case .scroll(let previous)? = events.last, previous.signum() == notches.signum() {
                    events[events.count - 1] = .scroll(by: previous + notches)
                } else {
                    events.append(.scroll(by: notches))
                }
            case .resize(let width, let height):
                events.append(.resize(width: width, height: height))
            }
            index += 1
        }
        return events
    }

    /// A character code from get_wch.
    static func key(character code: UInt32) -> Key? {
        switch code {
        case 27: return .escape
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 9: return .tab
        case 1 ... 26: return .control(Character(Unicode.Scalar(UInt8(code) + 0x60)))
        case 0 ..< 32: return nil
        default: return Unicode.Scalar(code).map { .character(Character($0)) }
        }
    }

    /// A KEY_* code from get_wch; nil for keys the explorer has no use for (F-keys, Insert, ...).
    static func key(keyCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        // ESC [ 1 ~ and ESC [ 4 ~ are Find and Select in vt220 terminfo entries.
        case KEY_HOME, KEY_FIND: return .home
        case KEY_END, KEY_SELECT: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        default: return nil
        }
    }

    /// The key of `[` or `O` plus parameters and a final byte following an ESC, and how many inputs it used.
    private static func escapeSequence(_ rest: ArraySlice<RawInput>) -> (Key, Int)? {
        var characters: [Character] = []
        for input in rest.prefix(4) {
            guard case .character(let code) = input, let scalar = Unicode.Scalar(code), scalar.isASCII else { return nil }
            characters.append(Character(scalar))
            let sequence = String(characters)
            if let key = escapeSequences[sequence] { return (key, characters.count) }
        }
        return nil
    }

    private static let escapeSequences: [String: Key] = [
        "[A": .up, "[B": .down, "[C": .right, "[D": .left,
        "OA": .up, "OB": .down, "OC": .right, "OD": .left,
        "[H": .home, "[F": .end, "OH": .home, "OF": .end,
        "[1~": .home, "[7~": .home, "[4~": .end, "[8~": .end,
        "[5~": .pageUp, "[6~": .pageDown,
    ]
}

extension InputDecoder {
    static let pasteStart = Array("[200~".unicodeScalars.map(\.value))
    static let pasteEnd = Array("\u{1b}[201~".unicodeScalars.map(\.value))

    /// The text of a bracketed paste (ESC [200~ … ESC [201~) following an ESC, and how many inputs
    /// it used; nil when the inputs hold no whole paste. Carriage returns (Enter) become line breaks.
    static func bracketedPaste(_ rest: ArraySlice<RawInput>) -> (String, Int)? {
        var codes: [UInt32] = []
        for input in rest {
            guard case .character(let code) = input else { break }
            codes.append(code)
        }
        guard codes.starts(with: pasteStart) else { return nil }
        guard let end = codes.indices.dropFirst(pasteStart.count).first(where: { codes[$0...].starts(with: pasteEnd) }) else { return nil }
        let scalars = codes[pasteStart.count ..< end].compactMap { Unicode.Scalar($0 == 13 ? 10 : $0) }
        return (String(String.UnicodeScalarView(scalars)), end + pasteEnd.count)
    }

    /// The inputs end inside a bracketed paste whose end has not arrived yet (a long paste comes
    /// in more than one read).
    static func endsInsidePaste(_ inputs: [RawInput]) -> Bool {
        let starts = inputs.indices.filter { index in
            inputs[index] == .character(27) && inputs[(index + 1)...].prefix(pasteStart.count).elementsEqual(pasteStart.map(RawInput.character))
        }
        guard let last = starts.last else { return false }
        return bracketedPaste(inputs[(last + 1)...]) == nil
    }
}

extension RawInput {
    /// An upper-case base letter: a burst of two or more in one read is typed or pasted text
    /// (terminals without bracketed paste), not commands.
    var isBurstBase: Bool {
        guard case .character(let code) = self, let scalar = Unicode.Scalar(code) else { return false }
        return "ACGTUN".unicodeScalars.contains(scalar)
    }
}
