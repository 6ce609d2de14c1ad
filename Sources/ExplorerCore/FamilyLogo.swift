import Genomics

/// A protein family's logo, drawn for models learned from an alignment (Potts models, PSSMs): what
/// the family tolerates at each position, beside the heatmap of what each substitution of this
/// sequence does to the model's score.
public struct FamilyLogo: Sendable, Equatable {
    /// What the heights are, e.g. "family: information (bits)".
    public var title: String
    /// (A, L) letter-major over the model's input.
    public var values: [Float]
    /// Heights can be negative (fields centred per position), so the axis has a baseline.
    public var signed: Bool

    public init(title: String, values: [Float], signed: Bool) {
        self.title = title
        self.values = values
        self.signed = signed
    }
}

extension ExplorerState {
    /// The family's logo opens the session; `m` steps through the attribution methods and back to it.
    public mutating func attachFamilyLogo(_ logo: FamilyLogo) {
        precondition(logo.values.count == alphabet.size * window.inputLength, "one value per letter and input position")
        familyLogo = logo
        showsFamilyLogo = true
    }

    /// What the logo shows, as the header names it.
    public var logoName: String { showsFamilyLogo ? "family logo" : method.title }

    /// `m`: the next attribution method; with a family logo, after the last method the family again.
    mutating func cycleMethod() -> [Effect] {
        let methods = ExplorerMethod.allCases
        if showsFamilyLogo {
            showsFamilyLogo = false
            method = methods[0]
        } else if familyLogo != nil && method == methods[methods.count - 1] {
            showsFamilyLogo = true
            return []
        } else {
            method = methods[(methods.firstIndex(of: method)! + 1) % methods.count]
        }
        return requestAttribution()
    }
}
