import Rendering

/// How the terminal's colours are used: which depth the app draws at and which ncurses colour
/// number each `Color` becomes. Mirrors ANSIWriter: colours are quantised to what the terminal shows,
/// and without colours only the attributes remain.
struct TerminalColors: Equatable {
    /// What the terminal can show, as terminfo reports it.
    enum Palette: Equatable {
        /// No colours (TERM=vt100, NO_COLOR, --color never): attributes only.
        case none
        /// COLORS = 8 (TERM=xterm).
        case eight
        /// COLORS = 16 up to 255.
        case sixteen
        /// COLORS = 256 (xterm-256color, tmux-256color).
        case palette256
        /// COLORS = 2^24 (xterm-direct): a colour number is 0xRRGGBB.
        case direct
    }

    let palette: Palette
    /// Whether -1 stands for the terminal's own colours (use_default_colors succeeded).
    let hasDefaultColors: Bool

    /// The palette from curses' report (`has_colors()`, `COLORS`); the colour mode, NO_COLOR and
    /// TERM=dumb can only turn colour off, never promise more than terminfo does.
    static func palette(hasColors: Bool, colors: Int, mode: ColorMode, environment: [String: String]) -> Palette {
        guard hasColors, ColorDepth.detect(mode: mode, environment: environment, isTerminal: true) != .monochrome else { return .none }
        switch colors {
        case 1 << 24 ... Int.max: return .direct
        case 256 ..< 1 << 24: return .palette256
        case 16 ..< 256: return .sixteen
        case 8 ..< 16: return .eight
        default: return .none
        }
    }

    /// The depth the app renders at (8 colours render as 16 and are folded here).
    var depth: ColorDepth {
        switch palette {
        case .none: return .monochrome
        case .eight, .sixteen: return .ansi16
        case .palette256: return .palette256
        case .direct: return .trueColor
        }
    }

    /// Foreground and background colour numbers for a colour pair; nil when the cell needs none
    /// (no colours at all, or both are the terminal's own).
    func pairColors(_ style: Style) -> (foreground: Int32, background: Int32)? {
        guard palette != .none, style.foreground != .default || style.background != .default else { return nil }
        return (number(style.foreground, background: false), number(style.background, background: true))
    }

    /// The ncurses colour number of one colour.
    func number(_ color: Color, background: Bool) -> Int32 {
        guard let (r, g, b) = color.components else {
            if hasDefaultColors { return -1 }
            return background ? 0 : 7
        }
        switch palette {
        case .none: return -1
        case .eight:
            if case .indexed(let index) = color, index < 8 { return Int32(index) }
            return Int32(Self.nearestANSI8(r, g, b))
        case .sixteen, .palette256:
            guard case .indexed(let index) = color.quantized(to: depth) else { return -1 }
            return Int32(index)
        case .direct:
            if case .indexed(let index) = color, index < 8 { return Int32(index) }
            // xterm-direct draws numbers below 8 as the ANSI colours: send near-black as black.
            let packed = Int32(r) << 16 | Int32(g) << 8 | Int32(b)
            return packed < 16 ? 0 : packed
        }
    }

    /// The nearest of the 8 ANSI colours (redmean distance, as `Color.quantized` uses).
    static func nearestANSI8(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func distance(_ index: UInt8) -> Double {
            let (pr, pg, pb) = Color.indexed(index).components!
            let mean = (Double(r) + Double(pr)) / 2
            let dr = Double(r) - Double(pr), dg = Double(g) - Double(pg), db = Double(b) - Double(pb)
            return (2 + mean / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean) / 256) * db * db
        }
        return (0 ..< 8).min { distance($0) < distance($1) }!
    }
}
