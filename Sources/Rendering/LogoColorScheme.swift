/// Letter colours of logos and sequence rows.
public enum LogoColorScheme: String, Hashable, Sendable, CaseIterable {
    /// logomaker's "classic": A green, C blue, G orange, T/U red.
    case classic
    /// Okabe–Ito colours, told apart with the common colour-vision deficiencies: A bluish green,
    /// C blue, G orange, T/U reddish purple.
    case colorBlindSafe = "colorblind"

    public func color(for letter: Character) -> Color {
        switch (self, letter.uppercased()) {
        case (.classic, "A"): return .rgb(0, 128, 0)
        case (.classic, "C"): return .rgb(0, 0, 255)
        case (.classic, "G"): return .rgb(255, 165, 0)
        case (.classic, "T"), (.classic, "U"): return .rgb(255, 0, 0)
        case (.colorBlindSafe, "A"): return Color(hex: 0x009E73)
        case (.colorBlindSafe, "C"): return Color(hex: 0x0072B2)
        case (.colorBlindSafe, "G"): return Color(hex: 0xE69F00)
        case (.colorBlindSafe, "T"), (.colorBlindSafe, "U"): return Color(hex: 0xCC79A7)
        default: return .rgb(128, 128, 128)
        }
    }

    /// The colour of negative (below-baseline) letters: faded towards grey, as logomaker draws them
    /// with lower opacity. The 16-colour palette has no faded shades, so there the colour stays.
    func negativeColor(for letter: Character, depth: ColorDepth) -> Color {
        depth <= .ansi16 ? color(for: letter) : color(for: letter).mixed(with: .rgb(128, 128, 128), 0.5)
    }
}

/// Black or white, whichever reads better on `background`.
func textColor(on background: Color) -> Color {
    background.luminance > 0.18 ? .rgb(0, 0, 0) : .rgb(255, 255, 255)
}
