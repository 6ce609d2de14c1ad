import Genomics
import Interactive

/// One variant of `seqlens explore MODEL --genome G.fa --vcf calls.vcf`: its record is the
/// reference window centred on it (GenomicVariant.windows).
public struct VariantEntry: Sendable, Equatable {
    public var variant: GenomicVariant
    /// Where REF's first base lies in the record (the window's centre).
    public var position: Int
    /// The substitutions (record positions) that turn the reference window into the alternative
    /// one: for an SNV the one base; after an indel also the shifted bases to its right.
    public var alternative: [Substitution]

    public init(variant: GenomicVariant, position: Int, alternative: [Substitution]) {
        self.variant = variant
        self.position = position
        self.alternative = alternative
    }
}

/// The session's variants, one per record in the same order, and their effects as the
/// background scorer (GenomicVariantScorer) delivers them.
public struct VariantList: Sendable, Equatable {
    public let entries: [VariantEntry]
    /// Per variant, alt − ref of each task (nil: not scored yet; a nil task: no Δ for it).
    public internal(set) var deltas: [[Float?]?]

    public init(entries: [VariantEntry]) {
        self.entries = entries
        deltas = Array(repeating: nil, count: entries.count)
    }

    public var scoredCount: Int { deltas.lazy.filter { $0 != nil }.count }

    /// The variants in the order the list shows them: the VCF's, or by |Δ| of `task`, largest
    /// first (unscored last, ties in VCF order).
    public func order(sortedBy task: Int?) -> [Int] {
        guard let task else { return Array(entries.indices) }
        let magnitude = { (index: Int) -> Float in (self.deltas[index]?[task]).flatMap { $0 }.map(abs) ?? -1 }
        return entries.indices.sorted { magnitude($0) != magnitude($1) ? magnitude($0) > magnitude($1) : $0 < $1 }
    }
}

/// The `V` list: one variant selected; Enter opens it with the cursor on the variant.
public struct VariantBrowser: Sendable, Equatable {
    /// Index into the list's order.
    public internal(set) var selection = 0
    public internal(set) var sortsByEffect = false

    public init(selection: Int = 0, sortsByEffect: Bool = false) {
        self.selection = selection
        self.sortsByEffect = sortsByEffect
    }
}

/// What the variant list's keys do, and the scores arriving for it.
public enum VariantBrowserAction: Sendable, Equatable {
    case open
    case select(by: Int)
    case toggleSort
    case confirm
    /// alt − ref per task of the variants from `first` on (GenomicVariantScorer, both strands averaged).
    case scored(first: Int, deltas: [[Float?]])

    /// The list's meaning of a key (Esc and Ctrl-C cancel, as in every mode).
    static func action(for key: Key) -> Action? {
        switch key {
        case .enter: return .variantBrowser(.confirm)
        case .escape, .control("c"), .character("V"), .character("q"): return .cancel
        case .up, .character("k"): return .variantBrowser(.select(by: -1))
        case .down, .tab, .character("j"): return .variantBrowser(.select(by: 1))
        case .pageUp: return .variantBrowser(.select(by: -10))
        case .pageDown: return .variantBrowser(.select(by: 10))
        case .home: return .variantBrowser(.select(by: Int.min / 2))
        case .end: return .variantBrowser(.select(by: Int.max / 2))
        case .character("o"): return .variantBrowser(.toggleSort)
        default: return nil
        }
    }
}

extension ExplorerState {
    /// Variants scored per background job: the list fills in steps while the explorer stays responsive.
    static let variantChunk = 32

    /// Makes each record a variant's window (`entries[i]` is `records[i]`) and scores them in the background.
    public mutating func attachVariants(_ entries: [VariantEntry]) {
        precondition(entries.count == records.count, "one variant per record")
        variants = VariantList(entries: entries)
    }

    /// The variant of the current record.
    public var currentVariant: VariantEntry? { variants?.entries[recordIndex] }

    /// The list's rows in the browser's order.
    public func variantOrder(_ browser: VariantBrowser) -> [Int] {
        variants?.order(sortedBy: browser.sortsByEffect ? task : nil) ?? []
    }

    /// The first chunk of scoring (the rest follows each result).
    func scoreVariants(from first: Int) -> [Effect] {
        guard let variants, first < variants.entries.count else { return [] }
        return [.scoreVariants(first ..< min(variants.entries.count, first + Self.variantChunk))]
    }

    mutating func updateVariantBrowser(_ action: VariantBrowserAction) -> [Effect] {
        if case .scored(let first, let deltas) = action {
            guard variants != nil else { return [] }
            for (offset, row) in deltas.enumerated() { variants!.deltas[first + offset] = row }
            return scoreVariants(from: first + deltas.count)
        }
        guard let variants else {
            message = "no variants: open them with seqlens explore MODEL --genome G.fa --vcf calls.vcf"
            return []
        }
        if action == .open {
            // Opens on the current variant, so Enter alone changes nothing.
            mode = .browseVariants(VariantBrowser(selection: recordIndex))
            return []
        }
        guard case .browseVariants(var browser) = mode else { return [] }
        switch action {
        case .open, .scored: break
        case .select(let offset):
            browser.selection = max(0, min(variants.entries.count - 1, browser.selection + offset))
        case .toggleSort:
            let current = variantOrder(browser)[browser.selection]
            browser.sortsByEffect.toggle()
            browser.selection = variantOrder(browser).firstIndex(of: current) ?? 0
        case .confirm:
            mode = .normal
            let chosen = variantOrder(browser)[browser.selection]
            let effects = chosen == recordIndex ? [] : showRecord(chosen)
            opensOnInformativeRegion = false
            moveCursor(to: variants.entries[chosen].position + trackOffset)
            return effects
        }
        mode = .browseVariants(browser)
        return []
    }

    /// `v`: the current record between the variant's reference and alternative allele, through
    /// the normal edit path (undo works; the status line shows the effect, alt − ref).
    mutating func toggleVariantAllele() -> [Effect] {
        guard let entry = currentVariant else {
            message = "no variants: open them with seqlens explore MODEL --genome G.fa --vcf calls.vcf"
            return []
        }
        let offset = trackOffset
        let alternative = entry.alternative.map {
            Substitution(position: $0.position + offset, reference: $0.reference, alternative: $0.alternative)
        }
        let showsAlternative = alternative.allSatisfy { sequence[$0.position] == $0.alternative }
        let label = entry.variant.label
        if showsAlternative {
            // Back to the reference: undo the toggle when it was the last edit, else edit back.
            if histories[recordIndex].applied.last?.map(\.position) == alternative.map(\.position),
               histories[recordIndex].applied.last?.map(\.alternative) == alternative.map(\.alternative) {
                let effects = undo()
                message = "\(label): reference allele (v: alternative)"
                return effects
            }
            let effects = applyVariantGroup(alternative.map { Substitution(position: $0.position, reference: $0.alternative, alternative: $0.reference) })
            message = "\(label): reference allele (v: alternative)"
            return effects
        }
        let effects = applyVariantGroup(alternative)
        message = "\(label): alternative allele, effects are alt − ref (v: reference)"
        return effects
    }

    /// Applies substitutions as one undo group: one base as a typed edit, more as a pasted run.
    private mutating func applyVariantGroup(_ wanted: [Substitution]) -> [Effect] {
        let group = wanted.map { Substitution(position: $0.position, reference: sequence[$0.position], alternative: $0.alternative) }
            .filter { $0.reference != $0.alternative }
        guard let first = group.first else { return [] }
        opensOnInformativeRegion = false
        if group.count == 1 {
            moveCursor(to: first.position)
            return mutate(first.alternative)
        }
        let before = currentPredictions
        histories[recordIndex].applied.append(group)
        histories[recordIndex].undone = []
        for substitution in group { sequence[substitution.position] = substitution.alternative }
        lastEdit = nil
        pendingEdit = nil
        moveCursor(to: first.position)
        let effects = sequenceChanged()
        finishRun(group, before: before)
        return effects
    }
}
