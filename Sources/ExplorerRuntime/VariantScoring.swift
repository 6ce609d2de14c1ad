import ExplorerCore
import Genomics
import Interpretation

/// `seqlens explore MODEL --genome G.fa --vcf calls.vcf`: what scores the variant list, as
/// `seqlens variant` does (GenomicVariantScorer: both strands averaged unless --no-rc).
public struct VariantScoring: Sendable {
    public let scorer: GenomicVariantScorer
    /// One per record of the explorer, in the same order.
    public let windows: [VariantWindows]

    public init(scorer: GenomicVariantScorer, windows: [VariantWindows]) {
        self.scorer = scorer
        self.windows = windows
    }

    /// alt − ref of each explorer task (by name: a profile output's row has no Δ) for the
    /// variants in `range`, as the list takes them.
    func score(_ range: Range<Int>, taskNames: [String], threads: Int) -> Action {
        do {
            let rows = try scorer.score(Array(windows[range]), threads: threads)
            let deltas = rows.map { row in taskNames.map { name in row.first { $0.task == name }?.delta } }
            return .variantBrowser(.scored(first: range.lowerBound, deltas: deltas))
        } catch {
            return .failed("error scoring variants \(range.lowerBound + 1)–\(range.upperBound): \(error)")
        }
    }
}
