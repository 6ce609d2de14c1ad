/// Keys typed by a script instead of a person (`--keys`, `--keys-file`): what the session is sent,
/// and when. Plain characters are keys; `<…>` names a special key, a pause, or a wait for the app.
/// Spaces, tabs and line breaks only separate tokens (type a space as `<Space>`), so a script can
/// be laid out on several lines.
public struct KeyScript: Equatable, Sendable {
    public enum Step: Equatable, Sendable {
        /// Sent to the app exactly as a person's key, click, wheel or paste would be.
        case input(InputEvent)
        /// A pause of this long (`<wait 500ms>`).
        case wait(Duration)
        /// Waits until the app has no background work left (`<idle>`), so what follows sees the
        /// finished maps whatever the machine's speed.
        case idle
        /// From here on, waits this long after every input (`<pace 80ms>`), as typing does.
        case pace(Duration)
    }

    public var steps: [Step]

    public init(steps: [Step]) { self.steps = steps }

    /// The longest `<wait>` or `<pace>` taken: a longer one is a typo, not a pause.
    public static let longestPause: Duration = .seconds(600)
    /// The most repeats of one key (`<Right*10>`).
    public static let maximumRepeat = 10_000

    /// Reads a script. `comments`: `#` starts a comment to the end of the line (key files; type
    /// `#` itself as `<hash>`). Throws at the first bad token, with its line and column.
    public static func parse(_ text: String, comments: Bool) throws(KeyScriptError) -> KeyScript {
        var steps: [Step] = []
        // "\r\n" is one Character: split on every kind of line break.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (lineIndex, line) in lines.enumerated() {
            let characters = Array(line)
            var index = 0
            while index < characters.count {
                let character = characters[index]
                let column = index + 1
                if character.isWhitespace {
                    index += 1
                } else if comments && character == "#" {
                    break
                } else if character == "<" {
                    guard let close = characters[index...].firstIndex(of: ">") else {
                        throw KeyScriptError(line: lineIndex + 1, column: column, message: "'<' is not closed by '>' on its line (type '<' itself as <lt>)")
                    }
                    let token = String(characters[index + 1 ..< close])
                    do {
                        steps += try special(token)
                    } catch let message {
                        throw KeyScriptError(line: lineIndex + 1, column: column, message: message.text)
                    }
                    index = close + 1
                } else {
                    steps.append(.input(.key(.character(character))))
                    index += 1
                }
            }
        }
        return KeyScript(steps: steps)
    }

    /// Special keys by name (matched ignoring case), in the order the syntax table lists them.
    static let namedKeys: [(names: [String], key: Key)] = [
        (["Up"], .up), (["Down"], .down), (["Left"], .left), (["Right"], .right),
        (["Enter", "Return"], .enter), (["Esc", "Escape"], .escape), (["Tab"], .tab), (["Space"], .character(" ")),
        (["BS", "Backspace"], .backspace), (["PgUp", "PageUp"], .pageUp), (["PgDn", "PageDown"], .pageDown),
        (["Home"], .home), (["End"], .end), (["lt"], .character("<")), (["gt"], .character(">")), (["hash"], .character("#")),
    ]

    /// The syntax as a markdown table: `explore --help` and the README show it (a test keeps the
    /// README's copy equal).
    public static let syntaxTable: [(token: String, meaning: String)] = [
        ("a A : 0 …", "the key itself (upper-case bases mutate)"),
        ("<Up> <Down> <Left> <Right>", "arrow keys"),
        ("<Enter> <Esc> <Tab> <Space> <BS>", "Enter, Escape, Tab, a space, Backspace"),
        ("<PgUp> <PgDn> <Home> <End>", "page and line keys"),
        ("<C-r>", "Ctrl plus a letter"),
        ("<lt> <gt> <hash>", "the characters < > #"),
        ("<Right*10>", "a key ten times (any key or character)"),
        ("<wait 500ms> <wait 2s>", "pause (at most 600 s)"),
        ("<pace 80ms>", "pause after every later key (0ms: stop)"),
        ("<idle>", "wait until predictions and maps are done"),
        ("<click 12 30>", "left click at column 12, row 30 (0-based)"),
        ("<scroll 3> <scroll -3>", "wheel notches towards / away from you"),
        ("<paste ACGT>", "paste text as one edit"),
        ("# …", "comment to end of line (--keys-file only)"),
    ]

    public static var markdownTable: String {
        let escape = { (text: String) in text.map { $0 == "|" ? "\\|" : String($0) }.joined() }
        return (["| script | what it sends |", "|---|---|"] + syntaxTable.map { "| `\($0.token)` | \(escape($0.meaning)) |" })
            .joined(separator: "\n")
    }

    /// A refusal inside `<…>`, placed by the caller.
    private struct TokenError: Error {
        let text: String
    }

    /// The steps one `<…>` token stands for.
    private static func special(_ token: String) throws(TokenError) -> [Step] {
        let words = token.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = words.first else { throw TokenError(text: "empty <> (type '<' itself as <lt>)") }
        let arguments = Array(words.dropFirst())
        switch name.lowercased() {
        case "wait", "pace":
            guard arguments.count == 1, let duration = duration(arguments[0]) else {
                throw TokenError(text: "<\(token)> needs one duration in ms or s, e.g. <\(name) 500ms> or <\(name) 2s>")
            }
            guard duration <= longestPause else { throw TokenError(text: "<\(token)> is longer than 600 s") }
            return [name.lowercased() == "wait" ? .wait(duration) : .pace(duration)]
        case "idle":
            guard arguments.isEmpty else { throw TokenError(text: "<idle> takes nothing: write <idle>") }
            return [.idle]
        case "click":
            guard arguments.count == 2, let x = Int(arguments[0]), let y = Int(arguments[1]), x >= 0, y >= 0 else {
                throw TokenError(text: "<\(token)> needs a column and a row, 0-based, e.g. <click 12 30>")
            }
            return [.input(.click(x: x, y: y))]
        case "scroll":
            guard arguments.count == 1, let notches = Int(arguments[0]), notches != 0, abs(notches) <= maximumRepeat else {
                throw TokenError(text: "<\(token)> needs a non-zero number of notches, e.g. <scroll 3> (towards you) or <scroll -3>")
            }
            return [.input(.scroll(by: notches))]
        case "paste":
            // The text after the name, its inner spaces kept.
            let text = token.drop { $0 == " " }.dropFirst(name.count).drop { $0 == " " }
            guard !text.isEmpty else { throw TokenError(text: "<paste> needs the text to paste, e.g. <paste ACGT>") }
            return [.input(.paste(String(text)))]
        default:
            guard arguments.isEmpty else { throw TokenError(text: "unknown key <\(token)>; \(namesHint)") }
            return try repeated(name)
        }
    }

    /// A key, or a key with a repeat count (`Right*10`).
    private static func repeated(_ word: String) throws(TokenError) -> [Step] {
        var name = word, count = 1
        if let star = word.lastIndex(of: "*"), star != word.startIndex {
            guard let parsed = Int(word[word.index(after: star)...]), (1 ... maximumRepeat).contains(parsed) else {
                throw TokenError(text: "the repeat count in <\(word)> must be 1 to \(maximumRepeat), e.g. <Right*10>")
            }
            name = String(word[..<star])
            count = parsed
        }
        let key = try self.key(named: name)
        return Array(repeating: .input(.key(key)), count: count)
    }

    private static func key(named name: String) throws(TokenError) -> Key {
        if let named = namedKeys.first(where: { $0.names.contains { $0.lowercased() == name.lowercased() } }) { return named.key }
        if name.count == 1, let character = name.first { return .character(character) }
        if name.lowercased().hasPrefix("c-") {
            let letter = name.dropFirst(2)
            guard letter.count == 1, let character = letter.first, character.isASCII, character.isLetter else {
                throw TokenError(text: "<\(name)> is not a Ctrl key: Ctrl goes with one letter, e.g. <C-r>")
            }
            return .control(Character(character.lowercased()))
        }
        throw TokenError(text: "unknown key <\(name)>; \(namesHint)")
    }

    private static let namesHint = "special keys: " + namedKeys.map { $0.names[0] }.joined(separator: " ")
        + " C-x, and <wait 500ms> <pace 80ms> <idle> <click X Y> <scroll N> <paste TEXT>"

    /// "500ms", "2s", "1.5s": a non-negative number and its unit.
    static func duration(_ text: String) -> Duration? {
        let lowered = text.lowercased()
        let (number, scale): (Substring, Double) = lowered.hasSuffix("ms") ? (lowered.dropLast(2), 1e-3)
            : lowered.hasSuffix("s") ? (lowered.dropLast(1), 1) : ("", 0)
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value.isFinite, value >= 0 else { return nil }
        // Capped before the conversion (which traps past Int64): anything this long is refused anyway.
        return .milliseconds(Int64(min(value * scale * 1000, 1e12).rounded()))
    }
}

/// A bad key script: where (1-based line and column, in characters) and what is wrong.
public struct KeyScriptError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
