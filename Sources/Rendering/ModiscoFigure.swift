import Genomics

/// Which of a TF-MoDISco pattern's matrices a logo shows.
public enum ModiscoLogo: String, Sendable, Equatable, CaseIterable {
    /// The contribution weight matrix (modisco's `contrib_scores`).
    case cwm
    /// Hypothetical contributions: every base's contribution had it been there.
    case hcwm
    /// The seqlets' base frequencies, drawn in bits.
    case ppm

    public var title: String {
        switch self {
        case .cwm: "contribution weight matrix"
        case .hcwm: "hypothetical contributions"
        case .ppm: "base frequencies in bits"
        }
    }
}

extension AttributionFigure {
    /// A pattern's logo (`logo`), titled with its name, its consensus as the sequence row.
    public init(pattern: ModiscoPattern, logo: ModiscoLogo) {
        let values: [Double], kind: LogoKind
        switch logo {
        case .cwm: (values, kind) = (pattern.contributions, .attribution)
        case .hcwm: (values, kind) = (pattern.hypotheticalContributions, .attribution)
        case .ppm: (values, kind) = (pattern.sequence, .informationContent(background: nil))
        }
        self.init(matrix: PositionMatrix(alphabet: .dna, length: pattern.width, values: values.map { Float($0) }),
                  kind: kind, title: "\(pattern.name) · \(logo.title)")
        sequence = Array(pattern.motif.consensus.utf8)
    }
}
