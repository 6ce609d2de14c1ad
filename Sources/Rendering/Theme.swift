/// The background a figure is drawn on. Colour ramps start at it, so the largest values stand out
/// most: towards light colours on a dark terminal, towards deep ones on paper.
public enum Background: String, Hashable, Sendable, CaseIterable {
    case dark, light

    /// The colour assumed for it (a terminal does not say which it has; dark is the common one).
    public var color: Color {
        switch self {
        case .dark: return Color(hex: 0x1C1C1C)
        case .light: return Color(hex: 0xFFFFFF)
        }
    }
}

/// The colours of a figure: the letter scheme, which also picks the diverging colours (red–blue,
/// or blue–orange for the colour-blind safe schemes), and the background.
public struct Theme: Hashable, Sendable {
    public var scheme: LogoColorScheme
    public var background: Background

    public init(scheme: LogoColorScheme = .classic, background: Background = .dark) {
        self.scheme = scheme
        self.background = background
    }

    /// Terminals: classic letters on a dark background.
    public static let terminal = Theme()
    /// SVG: classic letters on white.
    public static let print = Theme(background: .light)

    /// Diverging stops from 0 (next to the background) to the largest magnitude, evenly spaced,
    /// for negative and positive values. Lightness runs away from the background's on both sides
    /// alike, so equal |value| reads as equal contrast.
    var divergingStops: (negative: [UInt32], positive: [UInt32]) {
        switch (scheme.isColorBlindSafe, background) {
        case (false, .light):
            // ColorBrewer RdBu (colour-blind safe), as ISM heatmaps are usually printed.
            return ([0xF7F7F7, 0xD1E5F0, 0x92C5DE, 0x4393C3, 0x2166AC, 0x053061],
                    [0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F])
        case (false, .dark):
            // The same hues with lightness reversed: deep next to the background, light at the ends.
            return ([0x1C1C1C, 0x0B3A6E, 0x2166AC, 0x4393C3, 0x7CC4F2],
                    [0x1C1C1C, 0x6B1020, 0xB2182B, 0xE0533F, 0xFF9A73])
        case (true, .light):
            // Okabe–Ito blue and orange/vermillion, apart on the blue–yellow axis every deficiency keeps.
            return ([0xF7F7F7, 0xC6E3F5, 0x56B4E9, 0x0072B2, 0x003F66],
                    [0xF7F7F7, 0xFBE3B5, 0xE69F00, 0xD55E00, 0x8A3800])
        case (true, .dark):
            return ([0x1C1C1C, 0x003F66, 0x0072B2, 0x56B4E9, 0xA8DBF7],
                    [0x1C1C1C, 0x7A3400, 0xD55E00, 0xE69F00, 0xF5CB6B])
        }
    }

    /// Palette indices of the 16-colour shading, (negative, positive): blue and red, which every
    /// colour-vision deficiency tells apart by lightness; the bright ones on a dark background.
    var sixteenColorSigns: (negative: UInt8, positive: UInt8) {
        background == .dark ? (12, 9) : (4, 1)
    }

    /// Prediction bars: the bar, a gain over the reference, a loss.
    var barColor: Color { Color(hex: 0x6C8EBF) }
    var gainColor: Color { !scheme.isColorBlindSafe ? Color(hex: 0x4DAF4A) : Color(hex: 0x009E73) }
    var lossColor: Color { !scheme.isColorBlindSafe ? Color(hex: 0xE41A1C) : Color(hex: 0xD55E00) }

    /// Text and lines of SVG figures.
    var ink: String { background == .dark ? "#E6E6E6" : "#000000" }
    var mutedInk: String { background == .dark ? "#AAAAAA" : "#555555" }
    var axisInk: String { background == .dark ? "#BBBBBB" : "#333333" }
    var faintInk: String { background == .dark ? "#666666" : "#999999" }
    /// The empty part of a prediction bar.
    var track: String { background == .dark ? "#2E2E2E" : "#F2F2F2" }
    /// Column tints of highlighted positions (logo columns in the terminal and in SVG).
    func tint(_ kind: Highlight.Kind) -> Color {
        switch (kind, background) {
        case (.motif, .light): return Color(hex: 0xE8EEF8)
        case (.mutated, .light): return Color(hex: 0xFFF3C4)
        case (.cursor, .light): return Color(hex: 0xE0E0E0)
        case (.motif, .dark): return Color(hex: 0x303048)
        case (.mutated, .dark): return Color(hex: 0x4A4020)
        case (.cursor, .dark): return Color(hex: 0x585858)
        }
    }

    /// The star over an edited base: gold on dark, dark goldenrod on light.
    var editedMark: Color { background == .dark ? Color(hex: 0xFFD700) : Color(hex: 0xB8860B) }
}
