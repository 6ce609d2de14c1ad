import Foundation

/// Compares rows of the variant TSV (`seqlens variant --vcf`: chrom, pos, id, ref, alt, task,
/// ref_score, alt_score, delta, log2fc, jsd; header excluded) with a reference table:
/// identical first six cells and NA cells, numbers within 1e-4 (absolute or relative). A log2
/// fold change of scores below 0.01 amplifies float32 rounding (engines that agree to 1e-8 on
/// a probability of 1e-4 disagree by 1e-4 of its log), so there it must instead equal
/// log2(alt/ref) of the row's own scores. Returns one message per mismatch (empty: equal).
public func variantTableMismatches(_ actual: [[String]], _ expected: [[String]]) -> [String] {
    var mismatches: [String] = []
    if actual.count != expected.count { mismatches.append("\(actual.count) rows, expected \(expected.count)") }
    for (got, want) in zip(actual, expected) {
        guard got.count == 11, want.count == 11, got[0 ..< 6] == want[0 ..< 6] else {
            mismatches.append("row \(got) where \(want) was expected")
            continue
        }
        for column in 6 ..< 11 {
            guard (got[column] == "NA") == (want[column] == "NA") else {
                mismatches.append("\(got[0 ..< 6].joined(separator: " ")) column \(column): \(got[column]) where \(want[column]) was expected")
                continue
            }
            guard let value = Float(got[column]), let reference = Float(want[column]) else { continue }
            if column == 9, let wantedReference = Float(want[6]), let wantedAlternative = Float(want[7]), min(wantedReference, wantedAlternative) < 0.01,
               let scoreReference = Float(got[6]), let scoreAlternative = Float(got[7]) {
                let own = log2(scoreAlternative / scoreReference)
                if abs(own - value) > 1e-5 * max(1, abs(own)) {
                    mismatches.append("\(got[0 ..< 6].joined(separator: " ")) log2fc \(value) is not log2(\(scoreAlternative) / \(scoreReference)) = \(own)")
                }
                continue
            }
            if abs(value - reference) > 1e-4 && abs(value - reference) > 1e-4 * abs(reference) {
                mismatches.append("\(got[0 ..< 6].joined(separator: " ")) column \(column): \(value) where \(reference) was expected")
            }
        }
    }
    return mismatches
}

/// The rows of a TSV (header included), cells split on tabs.
public func tableRows(_ text: String) -> [[String]] {
    text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
}
