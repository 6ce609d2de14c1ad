import Foundation

/// One substitution named as EVcouplings and EVmutation name it: wild-type letter, the focus
/// sequence's residue number, new letter ("A24G").
public struct Substitution: Sendable, Equatable {
    public var wildType: UInt8
    public var residue: Int
    public var mutant: UInt8

    public init(wildType: UInt8, residue: Int, mutant: UInt8) {
        self.wildType = wildType
        self.residue = residue
        self.mutant = mutant
    }

    public var name: String { "\(Character(UnicodeScalar(wildType)))\(residue)\(Character(UnicodeScalar(mutant)))" }
}

/// A single or multiple mutant of the focus sequence, written "A24G" or "A24G,K30R".
public struct Mutant: Sendable, Equatable {
    public var substitutions: [Substitution]

    public init(substitutions: [Substitution]) { self.substitutions = substitutions }

    public var name: String { substitutions.map(\.name).joined(separator: ",") }

    /// Parses "A24G" or "A24G,K30R" (letters in either case); a malformed name is a one-line error.
    public init(parsing text: some StringProtocol) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        substitutions = try parts.map { part in
            let bytes = Array(part.utf8)
            guard bytes.count >= 3, Self.isLetter(bytes[0]), Self.isLetter(bytes[bytes.count - 1]),
                  let residue = Int(String(decoding: bytes[1..<(bytes.count - 1)], as: UTF8.self)) else {
                throw AlignmentError("'\(text)' is not a mutant; write wild-type letter, residue number, new letter, e.g. A24G, and join several with commas: A24G,K30R")
            }
            return Substitution(wildType: Self.upper(bytes[0]), residue: residue, mutant: Self.upper(bytes[bytes.count - 1]))
        }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") || b == UInt8(ascii: "-") }
    private static func upper(_ b: UInt8) -> UInt8 { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? b - 32 : b }
}

/// ΔH of a mutant with its parts: for a multiple mutant, the sum of its singles' ΔH and the
/// epistasis, ΔH − that sum (EVmutation's epistatic term; 0 for a single).
public struct MutationEffect: Sendable, Equatable {
    public var mutant: Mutant
    public var delta: Float
    public var singlesSum: Float
    public var epistasis: Float { delta - singlesSum }
}

extension PottsModel {
    /// The model's column and state indices of a mutant's substitutions, checked against the focus
    /// sequence: residue numbers must be model columns, wild-type letters must match, new letters
    /// must be states, and no residue may be substituted twice.
    public func resolve(_ mutant: Mutant) throws -> [(position: Int, state: UInt8)] {
        var seen = Set<Int>()
        return try mutant.substitutions.map { s in
            guard let column = positions.firstIndex(of: s.residue) else {
                let range = positions.isEmpty ? "none" : "\(positions.first!)-\(positions.last!)"
                throw AlignmentError("\(mutant.name): residue \(s.residue) is not a column of the model (focus residues \(range)); "
                                    + "number residues as the focus sequence does")
            }
            guard focusSequence[column] == s.wildType else {
                throw AlignmentError("\(mutant.name): residue \(s.residue) is \(Character(UnicodeScalar(focusSequence[column]))) in the focus sequence, "
                                    + "not \(Character(UnicodeScalar(s.wildType))); check the wild-type letter")
            }
            guard let state = alphabet.firstIndex(of: s.mutant) else {
                throw AlignmentError("\(mutant.name): \(Character(UnicodeScalar(s.mutant))) is not a state of the model "
                                    + "(\(String(decoding: alphabet, as: UTF8.self)))")
            }
            guard seen.insert(column).inserted else {
                throw AlignmentError("\(mutant.name): residue \(s.residue) is substituted twice; name each residue once")
            }
            return (column, UInt8(state))
        }
    }

    /// The focus sequence as states; nil when the model has none (plmc without -f writes gaps).
    public var focusStates: [UInt8]? {
        let states = focusSequence.compactMap { letter in alphabet.firstIndex(of: letter).map(UInt8.init) }
        guard states.count == length, states.contains(where: { $0 != 0 }) else { return nil }
        return states
    }

    /// ΔH = H(mutant) − H(focus sequence), with the sum of its singles and the epistasis.
    public func effect(of mutant: Mutant) throws -> MutationEffect {
        guard let wildType = focusStates else {
            throw AlignmentError("the model has no focus sequence to mutate; fit it with --focus")
        }
        let substitutions = try resolve(mutant)
        let delta = deltaHamiltonian(of: substitutions, in: wildType)
        let singles = substitutions.count == 1 ? delta : substitutions.reduce(0) { $0 + deltaHamiltonian(of: [$1], in: wildType) }
        return MutationEffect(mutant: mutant, delta: delta, singlesSum: singles)
    }

    /// Every single substitution of the focus sequence to another residue (gap excluded), column by
    /// column in alphabet order.
    public func singleMutants() -> [Mutant] {
        var mutants = [Mutant]()
        for (column, wildType) in focusSequence.enumerated() {
            for letter in alphabet where letter != wildType && letter != UInt8(ascii: "-") {
                mutants.append(Mutant(substitutions: [Substitution(wildType: wildType, residue: positions[column], mutant: letter)]))
            }
        }
        return mutants
    }
}

/// EVmutation-style table: mutant, ΔH, sum of the singles' ΔH, epistasis.
public enum MutationEffectTable {
    public static func tsv(_ effects: [MutationEffect]) -> String {
        var text = "mutant\tdelta_H\tsingles_sum\tepistasis\n"
        for effect in effects {
            text += "\(effect.mutant.name)\t\(effect.delta)\t\(effect.singlesSum)\t\(effect.epistasis)\n"
        }
        return text
    }
}
