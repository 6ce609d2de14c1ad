/// Chromosome names as genomes spell them: UCSC writes `chr1` and `chrM`, Ensembl and NCBI write
/// `1` and `MT`. A name one genome uses is often missing from another only for its spelling; these
/// helpers find the spelling a genome uses and say so in one line.
public enum ChromosomeNames {
    /// The name among `names` that spells `name` another way (`chr1` for `1`, `MT` for `chrM`,
    /// `chrX` for `ChrX`), or nil when none does.
    public static func spelling(of name: String, among names: [String]) -> String? {
        let key = comparisonKey(name)
        return names.first { $0 != name && comparisonKey($0) == key }
    }

    /// "no chromosome '1'; this genome calls it 'chr1' (UCSC names, with 'chr')" or "no
    /// chromosome 'chrZ' (it has chr1, chr2, …, 25 in all)": why `name` is not among `names`.
    public static func missingMessage(_ name: String, among names: [String]) -> String {
        guard let spelling = spelling(of: name, among: names) else {
            let listed = names.prefix(5).joined(separator: ", ")
            return "no chromosome '\(name)' (it has \(listed)\(names.count > 5 ? ", … \(names.count) in all" : ""))"
        }
        let why: String
        if comparisonKey(name) == "mt" {
            why = "the mitochondrion is chrM in UCSC genomes, MT in Ensembl's"
        } else if hasUCSCPrefix(spelling) && !hasUCSCPrefix(name) {
            why = "UCSC names, with 'chr'"
        } else if hasUCSCPrefix(name) && !hasUCSCPrefix(spelling) {
            why = "Ensembl/NCBI names, without 'chr'"
        } else {
            why = "names are case-sensitive"
        }
        return "no chromosome '\(name)'; this genome calls it '\(spelling)' (\(why))"
    }

    private static func hasUCSCPrefix(_ name: String) -> Bool { name.lowercased().hasPrefix("chr") }

    /// The name without letter case and without a `chr` prefix; the mitochondrion as "mt".
    private static func comparisonKey(_ name: String) -> String {
        var key = name.lowercased()
        if key.hasPrefix("chr") { key.removeFirst(3) }
        return key == "m" ? "mt" : key
    }
}
