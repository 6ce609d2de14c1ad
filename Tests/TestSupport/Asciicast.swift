import Foundation

/// An asciicast v2 file read strictly (what `explore --cast` writes): the header line as JSON,
/// then one `[time, code, data]` array per line. Throws at the first line that breaks the format.
public struct Asciicast {
    public struct Event: Equatable {
        public var time: Double
        public var code: String
        public var data: String
    }

    public var header: [String: Any]
    public var events: [Event]

    public struct FormatError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(contentsOf url: URL) throws {
        try self.init(text: String(contentsOf: url, encoding: .utf8))
    }

    public init(text: String) throws {
        var lines = text.components(separatedBy: "\n")
        guard lines.last == "" else { throw FormatError(description: "the file does not end with a line break") }
        lines.removeLast()
        guard let first = lines.first,
              let header = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any] else {
            throw FormatError(description: "line 1 is not a JSON object")
        }
        self.header = header
        events = try lines.dropFirst().enumerated().map { index, line in
            // The time as written: a JSON number (not a string or a boolean), seconds.
            guard let written = line.prefixMatch(of: #/\[(\d+(?:\.\d+)?), /#), let time = Double(written.1),
                  let array = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any], array.count == 3,
                  let code = array[1] as? String, let data = array[2] as? String else {
                throw FormatError(description: "line \(index + 2) is not [time, code, data]: \(line.prefix(80))")
            }
            return Event(time: time, code: code, data: data)
        }
    }

    /// The screen after each event, one row per string, by a terminal of the header's size that
    /// understands exactly what the recorder emits: cursor moves (CSI row;col H), clearing (CSI 2J),
    /// SGR (ignored: text only), cursor show/hide; a resize event starts a blank screen of its size.
    public func screens() throws -> [[String]] {
        guard let width = header["width"] as? Int, let height = header["height"] as? Int else {
            throw FormatError(description: "the header has no integer width and height")
        }
        var screen = TerminalScreen(width: width, height: height)
        return try events.map { event in
            switch event.code {
            case "o": try screen.feed(event.data)
            case "r":
                let size = event.data.split(separator: "x").compactMap { Int($0) }
                guard size.count == 2 else { throw FormatError(description: "bad resize event \(event.data)") }
                screen = TerminalScreen(width: size[0], height: size[1])
            default: throw FormatError(description: "unexpected event code \(event.code)")
            }
            return screen.rows.map { String($0) }
        }
    }

    /// The screen the recording ends on.
    public func finalScreen() throws -> [String] {
        guard let last = try screens().last else { throw FormatError(description: "the recording has no events") }
        return last
    }
}

/// The characters of a terminal screen, fed with text and escape sequences.
struct TerminalScreen {
    let width: Int
    let height: Int
    var rows: [[Character]]
    var x = 0
    var y = 0

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        rows = Array(repeating: Array(repeating: " ", count: width), count: height)
    }

    mutating func feed(_ text: String) throws {
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "\u{1B}" else {
                guard y < height, x < width else { throw Asciicast.FormatError(description: "text drawn outside the screen at \(x), \(y)") }
                rows[y][x] = character
                x += 1
                index += 1
                continue
            }
            guard index + 1 < characters.count, characters[index + 1] == "[" else {
                throw Asciicast.FormatError(description: "an escape that is not CSI")
            }
            var end = index + 2
            while end < characters.count, !(characters[end].asciiValue.map { (0x40 ... 0x7E).contains($0) } ?? false) { end += 1 }
            guard end < characters.count else { throw Asciicast.FormatError(description: "an unfinished escape sequence") }
            let parameters = String(characters[index + 2 ..< end])
            try apply(final: characters[end], parameters: parameters)
            index = end + 1
        }
    }

    private mutating func apply(final: Character, parameters: String) throws {
        switch (final, parameters) {
        case ("m", _), ("l", "?25"), ("h", "?25"): break
        case ("J", "2"): rows = Array(repeating: Array(repeating: " ", count: width), count: height)
        case ("H", ""): (x, y) = (0, 0)
        case ("H", _):
            let numbers = parameters.split(separator: ";").compactMap { Int($0) }
            guard numbers.count == 2 else { throw Asciicast.FormatError(description: "bad cursor move \(parameters)H") }
            (y, x) = (numbers[0] - 1, numbers[1] - 1)
        default: throw Asciicast.FormatError(description: "unexpected sequence ESC[\(parameters)\(final)")
        }
    }
}
