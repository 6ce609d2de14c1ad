import Genomics

/// Letter colours of logos and sequence rows: two for DNA and RNA, three for proteins.
public enum LogoColorScheme: String, Hashable, Sendable, CaseIterable {
    /// logomaker's "classic": A green, C blue, G orange, T/U red.
    case classic
    /// Okabe–Ito colours, told apart with the common colour-vision deficiencies: A bluish green,
    /// C blue, G orange, T/U reddish purple. For proteins it means `chemistryColorBlindSafe`.
    case colorBlindSafe = "colorblind"
    /// logomaker's "chemistry" for amino acids: polar GSTYC green, neutral QN purple, basic KRH
    /// blue, acidic DE red, hydrophobic AVLIPWFM black.
    case chemistry
    /// logomaker's "hydrophobicity": hydrophilic RKDENQ blue, neutral SGHTAP green, hydrophobic
    /// YVMCLFIW black.
    case hydrophobicity
    /// chemistry's five groups in Okabe–Ito colours: polar bluish green, neutral reddish purple,
    /// basic blue, acidic vermillion, hydrophobic black (red and green no longer tell groups apart).
    case chemistryColorBlindSafe = "colorblind-chemistry"

    /// Whether the scheme colours amino acids (the others colour A, C, G, T and U).
    public var isProtein: Bool { [.chemistry, .hydrophobicity, .chemistryColorBlindSafe].contains(self) }

    /// Whether the scheme and the heatmap colours that go with it are colour-blind safe.
    public var isColorBlindSafe: Bool { self == .colorBlindSafe || self == .chemistryColorBlindSafe }

    /// The scheme a figure of `alphabet` uses: `requested`, or classic for DNA/RNA and chemistry for
    /// proteins; colorblind becomes its protein form for proteins. A scheme for the other kind
    /// of letters is refused in one line.
    public static func resolved(_ requested: LogoColorScheme?, for alphabet: Alphabet) throws -> LogoColorScheme {
        guard let requested else { return alphabet.isNucleic ? .classic : .chemistry }
        if alphabet.isNucleic, requested.isProtein {
            throw RenderingError("--scheme \(requested.rawValue) colours amino acids; \(alphabet.displayName) figures take classic or colorblind")
        }
        if !alphabet.isNucleic, requested == .classic {
            throw RenderingError("--scheme classic colours A, C, G and T; protein figures take chemistry (the default), hydrophobicity or colorblind")
        }
        return !alphabet.isNucleic && requested == .colorBlindSafe ? .chemistryColorBlindSafe : requested
    }

    /// The letter's colour as logomaker draws it on paper; grey for letters the scheme does not colour.
    public func color(for letter: Character) -> Color {
        guard let ascii = letter.uppercased().first?.asciiValue, let group = groups.first(where: { $0.letters.contains(ascii) }) else {
            return .rgb(128, 128, 128)
        }
        return group.color
    }

    /// The letter's colour on `background`: logomaker's black (hydrophobic residues) is ink, so it
    /// turns light on a dark background, where black would vanish.
    public func color(for letter: Character, on background: Background) -> Color {
        let color = color(for: letter)
        return background == .dark && color == Self.black ? Color(hex: 0xE6E6E6) : color
    }

    /// Whether the scheme colours this letter (the others are drawn grey).
    public func colors(_ letter: Character) -> Bool {
        guard let ascii = letter.uppercased().first?.asciiValue else { return false }
        return groups.contains { $0.letters.contains(ascii) }
    }

    /// The protein schemes' groups, named as logomaker's documentation names them, letters in its
    /// order; empty for the DNA schemes, whose key lists the letters one by one.
    public var groupNames: [(name: String, letters: String)] {
        switch self {
        case .classic, .colorBlindSafe: return []
        case .chemistry, .chemistryColorBlindSafe:
            return [("polar", "GSTYC"), ("neutral", "QN"), ("basic", "KRH"), ("acidic", "DE"), ("hydrophobic", "AVLIPWFM")]
        case .hydrophobicity: return [("hydrophilic", "RKDENQ"), ("neutral", "SGHTAP"), ("hydrophobic", "YVMCLFIW")]
        }
    }

    private static let black = Color.rgb(0, 0, 0)

    private var groups: [(letters: Set<UInt8>, color: Color)] {
        func group(_ letters: String, _ color: Color) -> (Set<UInt8>, Color) { (Set(letters.utf8), color) }
        switch self {
        case .classic:
            return [group("A", .rgb(0, 128, 0)), group("C", .rgb(0, 0, 255)), group("G", .rgb(255, 165, 0)), group("TU", .rgb(255, 0, 0))]
        case .colorBlindSafe:
            return [group("A", Color(hex: 0x009E73)), group("C", Color(hex: 0x0072B2)), group("G", Color(hex: 0xE69F00)), group("TU", Color(hex: 0xCC79A7))]
        case .chemistry:
            return [group("GSTYC", .rgb(0, 128, 0)), group("QN", .rgb(128, 0, 128)), group("KRH", .rgb(0, 0, 255)),
                    group("DE", .rgb(255, 0, 0)), group("AVLIPWFM", Self.black)]
        case .hydrophobicity:
            return [group("RKDENQ", .rgb(0, 0, 255)), group("SGHTAP", .rgb(0, 128, 0)), group("YVMCLFIW", Self.black)]
        case .chemistryColorBlindSafe:
            return [group("GSTYC", Color(hex: 0x009E73)), group("QN", Color(hex: 0xCC79A7)), group("KRH", Color(hex: 0x0072B2)),
                    group("DE", Color(hex: 0xD55E00)), group("AVLIPWFM", Self.black)]
        }
    }

    /// The colour of negative (below-baseline) letters: faded towards grey, as logomaker draws them
    /// with lower opacity. The 16-colour palette has no faded shades, so there the colour stays.
    func negativeColor(for letter: Character, depth: ColorDepth, on background: Background) -> Color {
        let color = color(for: letter, on: background)
        return depth <= .ansi16 ? color : color.mixed(with: .rgb(128, 128, 128), 0.5)
    }
}

/// Black or white, whichever reads better on `background`.
func textColor(on background: Color) -> Color {
    background.luminance > 0.18 ? .rgb(0, 0, 0) : .rgb(255, 255, 255)
}
