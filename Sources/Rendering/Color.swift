import Foundation

/// A cell colour. Widgets pick truecolor (`rgb`); writers quantise to what the output can show.
public enum Color: Hashable, Sendable {
    /// The terminal's own foreground or background.
    case `default`
    case rgb(UInt8, UInt8, UInt8)
    /// An xterm palette index: 0–15 the ANSI colours, 16–231 the 6×6×6 cube, 232–255 greys.
    case indexed(UInt8)

    /// `Color(hex: 0x1F77B4)`.
    public init(hex: UInt32) {
        self = .rgb(UInt8(hex >> 16 & 0xFF), UInt8(hex >> 8 & 0xFF), UInt8(hex & 0xFF))
    }

    /// Red, green and blue (palette entries as xterm shows them); nil for `default`.
    public var components: (red: UInt8, green: UInt8, blue: UInt8)? {
        switch self {
        case .default: return nil
        case .rgb(let r, let g, let b): return (r, g, b)
        case .indexed(let index): return Color.paletteComponents(index)
        }
    }

    /// The colour as the given depth can show it: truecolor keeps it, 256 and 16 pick the nearest
    /// palette entry, monochrome drops it.
    public func quantized(to depth: ColorDepth) -> Color {
        guard let (r, g, b) = components else { return .default }
        switch depth {
        case .trueColor: return self
        case .palette256:
            if case .indexed = self { return self }
            return .indexed(Color.nearest(r, g, b, in: 16 ... 255))
        case .ansi16:
            if case .indexed(let index) = self, index < 16 { return self }
            return .indexed(Color.nearest(r, g, b, in: 0 ... 15))
        case .monochrome: return .default
        }
    }

    /// Linear blend towards `other` (0 = self, 1 = other); `default` blends as if it were `fallback`.
    public func mixed(with other: Color, _ amount: Double, fallback: Color = .rgb(128, 128, 128)) -> Color {
        guard let a = components ?? fallback.components, let b = other.components ?? fallback.components else { return self }
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) + (Double(y) - Double(x)) * amount).rounded()) }
        return .rgb(mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue))
    }

    /// Relative luminance (0 black … 1 white), for picking readable text on a background.
    public var luminance: Double {
        guard let (r, g, b) = components else { return 0.5 }
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// "#RRGGBB" (for SVG); nil for `default`.
    public var hex: String? {
        guard let (r, g, b) = components else { return nil }
        let digits = Array("0123456789ABCDEF")
        return "#" + String([r, g, b].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    // MARK: - xterm palette

    private static let ansi: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    private static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    private static func paletteComponents(_ index: UInt8) -> (UInt8, UInt8, UInt8) {
        switch index {
        case 0 ..< 16: return ansi[Int(index)]
        case 16 ..< 232:
            let i = Int(index) - 16
            return (cubeLevels[i / 36], cubeLevels[i / 6 % 6], cubeLevels[i % 6])
        default:
            let grey = UInt8(8 + 10 * (Int(index) - 232))
            return (grey, grey, grey)
        }
    }

    /// Nearest palette entry by the "redmean" distance, a cheap perceptual weighting.
    private static func nearest(_ r: UInt8, _ g: UInt8, _ b: UInt8, in range: ClosedRange<UInt8>) -> UInt8 {
        var best = range.lowerBound, bestDistance = Double.infinity
        for index in range {
            let (pr, pg, pb) = paletteComponents(index)
            let mean = (Double(r) + Double(pr)) / 2
            let dr = Double(r) - Double(pr), dg = Double(g) - Double(pg), db = Double(b) - Double(pb)
            let distance = (2 + mean / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean) / 256) * db * db
            if distance < bestDistance { bestDistance = distance; best = index }
        }
        return best
    }
}

/// How many colours an output can show. Every widget stays readable at every depth: monochrome
/// (plain text, no escape sequences) carries meaning in glyphs alone.
public enum ColorDepth: Int, Comparable, Sendable, CaseIterable {
    case monochrome, ansi16, palette256, trueColor

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }

    /// The depth to draw at. `never` is plain text. `auto` gives colour only to a terminal, and honours
    /// NO_COLOR (https://no-color.org) and TERM=dumb; `always` colours pipes too (e.g. for `less -R`).
    /// With colour on, COLORTERM=truecolor|24bit gives truecolor, a TERM naming 256color gives 256,
    /// anything else the 16 ANSI colours.
    public static func detect(mode: ColorMode, environment: [String: String], isTerminal: Bool) -> ColorDepth {
        switch mode {
        case .never: return .monochrome
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
            if !isTerminal || environment["TERM"] == "dumb" { return .monochrome }
        case .always: break
        }
        let colorTerm = environment["COLORTERM"]?.lowercased() ?? ""
        if colorTerm == "truecolor" || colorTerm == "24bit" { return .trueColor }
        if environment["TERM"]?.contains("256color") == true { return .palette256 }
        return .ansi16
    }
}

/// The `--color` choice of a command.
public enum ColorMode: String, Sendable, CaseIterable {
    case auto, always, never
}
