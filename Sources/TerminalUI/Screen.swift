@preconcurrency import CNcurses
import Interactive
import Rendering
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The curses session: opens the terminal, draws canvases cell by cell where they changed, reads
/// input, and restores the terminal exactly once (`close`).
final class Screen {
    let colors: TerminalColors
    private var screen: OpaquePointer?
    /// The canvas on the screen now; nil forces a full redraw.
    private var drawn: Canvas?

    /// Puts the terminal into full-screen mode. Throws, with the terminal left as it was, when
    /// curses cannot use it.
    init(colorMode: ColorMode, environment: [String: String], wakeDescriptor: Int32) throws {
        Screen.selectUTF8Locale()
        guard let screen = seqlens_newterm() else {
            throw TerminalUIError("cannot open the terminal '\(environment["TERM"] ?? "")' (no terminfo entry?); try TERM=xterm-256color, or the headless commands")
        }
        self.screen = screen
        seqlens_install_signal_handlers(wakeDescriptor)
        // Raw: Ctrl-C, Ctrl-Z and Ctrl-S arrive as keys; the app decides what they do.
        raw()
        noecho()
        nonl()
        keypad(stdscr, true)
        nodelay(stdscr, true)
        curs_set(0)
        set_escdelay(25)
        seqlens_enable_mouse()
        Screen.setBracketedPaste(true)

        var hasDefaultColors = false
        if has_colors() {
            start_color()
            hasDefaultColors = use_default_colors() == OK
        }
        let palette = TerminalColors.palette(hasColors: has_colors(), colors: Int(COLORS), mode: colorMode, environment: environment)
        colors = TerminalColors(palette: palette, hasDefaultColors: hasDefaultColors)
    }

    deinit { close() }

    var width: Int { Int(COLS) }
    var height: Int { Int(LINES) }

    /// Leaves full-screen mode; safe to call more than once.
    func close() {
        guard let screen else { return }
        endwin()
        Screen.setBracketedPaste(false)
        seqlens_restore_signal_handlers()
        delscreen(screen)
        self.screen = nil
    }

    /// Shows `canvas`, writing only the cells that differ from the last one, then refreshes once.
    func draw(_ canvas: Canvas) {
        if drawn == nil || drawn?.width != canvas.width || drawn?.height != canvas.height {
            // Cells outside a smaller canvas must not keep old content.
            erase()
            drawn = nil
        }
        for run in CanvasDiff.changedRuns(from: drawn, to: canvas) {
            for (offset, cell) in run.cells.enumerated() { put(cell, x: run.x + offset, y: run.y) }
        }
        refresh()
        drawn = canvas
    }

    /// Bracketed paste (xterm's mode 2004): pasted text arrives between ESC [200~ and ESC [201~,
    /// so the explorer applies it as one edit instead of as keys.
    private static func setBracketedPaste(_ on: Bool) {
        let sequence = Array((on ? "\u{1b}[?2004h" : "\u{1b}[?2004l").utf8)
        _ = sequence.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    /// Everything typed, clicked or resized since the last call, without waiting.
    func readEvents() -> [InputEvent] {
        var inputs: [RawInput] = []
        var character: wint_t = 0
        // A long paste arrives in several reads: wait for its end (at most about a second).
        var waits = 0
        while true {
            let result = get_wch(&character)
            if result == ERR {
                guard InputDecoder.endsInsidePaste(inputs), waits < 100 else { break }
                waits += 1
                usleep(10_000)
                continue
            }
            guard result == KEY_CODE_YES else {
                inputs.append(.character(UInt32(character)))
                continue
            }
            switch Int32(character) {
            case KEY_MOUSE:
                var x: Int32 = 0, y: Int32 = 0
                switch seqlens_mouse_event(&x, &y) {
                case SEQLENS_MOUSE_CLICK: inputs.append(.click(x: Int(x), y: Int(y)))
                case SEQLENS_MOUSE_WHEEL_UP: inputs.append(.wheel(by: -1))
                case SEQLENS_MOUSE_WHEEL_DOWN: inputs.append(.wheel(by: 1))
                default: break
                }
            case KEY_RESIZE:
                // The terminal may have reflowed what it showed: repaint every cell.
                drawn = nil
                seqlens_force_repaint()
                inputs.append(.resize(width: width, height: height))
            default:
                inputs.append(.keyCode(Int32(character)))
            }
        }
        return InputDecoder.events(from: inputs)
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        let characters = cell.character.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        let style = cell.style
        let attributes = seqlens_attributes(
            style.attributes.contains(.bold) ? 1 : 0, style.attributes.contains(.dim) ? 1 : 0,
            style.attributes.contains(.reverse) ? 1 : 0, style.attributes.contains(.underline) ? 1 : 0
        )
        var pair: Int32 = 0
        if let (foreground, background) = colors.pairColors(style) {
            // alloc_pair reuses a pair for the same colours and recycles the oldest when the table is full.
            pair = max(0, alloc_pair(foreground, background))
        }
        _ = seqlens_put(Int32(y), Int32(x), characters, Int32(characters.count), attributes, pair)
    }

    /// ncurses draws block characters only under a UTF-8 codeset; the user's locale first, else C.UTF-8.
    private static func selectUTF8Locale() {
        setlocale(LC_ALL, "")
        if !isUTF8Codeset() { setlocale(LC_ALL, "C.UTF-8") }
        // Numbers formatted through C stay with a decimal point whatever the user's locale.
        setlocale(LC_NUMERIC, "C")
    }

    private static func isUTF8Codeset() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}
