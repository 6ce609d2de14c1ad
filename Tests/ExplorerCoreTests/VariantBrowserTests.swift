import ExplorerCore
import Genomics
import Interactive
import XCTest

/// `explore --vcf`: the `V` list (navigation, sorting, jumping), the scores filling it chunk by
/// chunk, and `v` switching a record between the reference and the alternative allele.
final class VariantBrowserTests: XCTestCase {
    /// Windows of 11 around each variant (REF at the centre, 5): an SNV, a deletion whose right
    /// part shifts left (as VariantWindows makes it), another SNV.
    static let references = ["CCCCCACCCCC", "GGGGGCATTTG", "TTTTTGTTTTT"]
    static let alternatives = ["CCCCCGCCCCC", "GGGGGCTTTGA", "TTTTTATTTTT"]
    static let variants = [
        GenomicVariant(chromosome: "chr1", position: 100, id: "rs1", reference: "A", alternative: "G"),
        GenomicVariant(chromosome: "chr1", position: 300, id: ".", reference: "CA", alternative: "C"),
        GenomicVariant(chromosome: "chr2", position: 50, id: "rs3", reference: "G", alternative: "A"),
    ]

    static func entries(count: Int = 3) -> [VariantEntry] {
        (0 ..< count).map { index in
            let reference = Array(references[index % 3].utf8), alternative = Array(alternatives[index % 3].utf8)
            let changed = reference.indices.filter { reference[$0] != alternative[$0] }
                .map { Substitution(position: $0, reference: reference[$0], alternative: alternative[$0]) }
            return VariantEntry(variant: variants[index % 3], position: 5, alternative: changed)
        }
    }

    static func makeState(variants count: Int? = 3, start: Bool = true) -> ExplorerState {
        let records = (0 ..< (count ?? 3)).map { SequenceRecord(id: "v\($0)", sequence: references[$0 % 3]) }
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["a", "b"], records: records)
        if count != nil { state.attachVariants(entries(count: records.count)) }
        if start {
            _ = state.start()
            _ = state.update(.resize(width: 80, height: 24))
        }
        return state
    }

    func press(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
        guard let action = KeyMap.action(for: .key(key), in: state) else {
            XCTFail("\(key) means nothing in \(state.mode)")
            return []
        }
        return state.update(action)
    }

    func testWithoutAVCFBothKeysSayHowToOpenVariants() {
        var state = Self.makeState(variants: nil)
        let hint = "no variants: open them with seqlens explore MODEL --genome G.fa --vcf calls.vcf"
        XCTAssertEqual(press(.character("V"), &state), [])
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(state.message, hint)
        XCTAssertEqual(press(.character("v"), &state), [])
        XCTAssertEqual(state.message, hint)
        XCTAssertEqual(state.sequence, Array(Self.references[0].utf8))
    }

    func testScoresAreAskedForChunkByChunkUntilEveryVariantIsScored() {
        var state = Self.makeState(variants: 40, start: false)
        XCTAssertEqual(state.start().last, .scoreVariants(0 ..< 32))
        let rows = [[Float?]](repeating: [0.5, nil], count: 32)
        XCTAssertEqual(state.update(.variantBrowser(.scored(first: 0, deltas: rows))), [.scoreVariants(32 ..< 40)])
        XCTAssertEqual(state.variants?.scoredCount, 32)
        XCTAssertEqual(state.update(.variantBrowser(.scored(first: 32, deltas: Array(rows.prefix(8))))), [], "all 40 are scored")
        XCTAssertEqual(state.variants?.deltas[39]!, [0.5, nil])
        var plain = Self.makeState(variants: nil, start: false)
        XCTAssertNil(plain.start().first { if case .scoreVariants = $0 { return true } else { return false } })
    }

    func testTheListSelectsSortsAndJumpsWithTheCursorOnTheVariant() {
        var state = Self.makeState()
        _ = state.update(.variantBrowser(.scored(first: 0, deltas: [[0.1, 0], [-0.5, 0], [0.2, 0]])))
        _ = press(.character("0"), &state)
        XCTAssertEqual(state.cursor, 0)
        _ = press(.character("V"), &state)
        XCTAssertEqual(state.mode, .browseVariants(VariantBrowser(selection: 0)), "opens on the current record's variant")
        _ = press(.down, &state)
        _ = press(.down, &state)
        _ = press(.down, &state)
        XCTAssertEqual(state.mode, .browseVariants(VariantBrowser(selection: 2)), "stops at the last variant")
        _ = press(.character("o"), &state)
        XCTAssertEqual(state.mode, .browseVariants(VariantBrowser(selection: 1, sortsByEffect: true)), "the selected variant stays selected")
        XCTAssertEqual(state.variantOrder(VariantBrowser(sortsByEffect: true)), [1, 2, 0], "by |Δ| of task a, largest first")
        _ = press(.up, &state)
        let effects = press(.enter, &state)
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(state.recordIndex, 1, "the deletion, largest |Δ|")
        XCTAssertEqual(state.cursor, 5, "on the variant's first base")
        XCTAssertTrue(effects.contains(.setReference(record: 1, sequence: Array(Self.references[1].utf8))))
        _ = press(.character("V"), &state)
        _ = press(.escape, &state)
        XCTAssertEqual(state.mode, .normal)
        XCTAssertFalse(state.isFinished)
    }

    func testVTogglesAnSNVThroughTheEditPathAndUndoesIt() {
        var state = Self.makeState()
        _ = state.update(.referencePredicted(record: 0, values: [1, 2]))
        _ = press(.character("0"), &state)
        let effects = press(.character("v"), &state)
        XCTAssertEqual(state.sequence, Array(Self.alternatives[0].utf8))
        XCTAssertEqual(state.cursor, 5)
        XCTAssertEqual(state.histories[0].applied, [[Substitution(position: 5, reference: UInt8(ascii: "A"), alternative: UInt8(ascii: "G"))]])
        XCTAssertEqual(state.message, "chr1:101 A>G: alternative allele, effects are alt − ref (v: reference)")
        XCTAssertTrue(effects.contains(.predict(version: state.version, sequence: Array(Self.alternatives[0].utf8))))
        _ = state.update(.predicted(version: state.version, values: [3, 2], milliseconds: 1))
        XCTAssertEqual(state.lastEdit?.substitution, Substitution(position: 5, reference: UInt8(ascii: "A"), alternative: UInt8(ascii: "G")))
        XCTAssertEqual(state.lastEdit.map { [$0.before, $0.after] }, [[1, 2][state.task], [3, 2][state.task]], "the effect line: alt − ref")
        _ = press(.character("v"), &state)
        XCTAssertEqual(state.sequence, Array(Self.references[0].utf8))
        XCTAssertEqual(state.histories[0].applied, [], "the toggle is undone, not stacked")
        XCTAssertEqual(state.message, "chr1:101 A>G: reference allele (v: alternative)")
    }

    func testVAppliesAnIndelsShiftedWindowAsOneEdit() {
        var state = Self.makeState()
        _ = state.update(.nextRecord)
        _ = press(.character("v"), &state)
        XCTAssertEqual(state.sequence, Array(Self.alternatives[1].utf8), "the scorer's alternative window")
        XCTAssertEqual(state.histories[1].applied.count, 1, "one undo group")
        XCTAssertEqual(state.cursor, 6, "on the first changed base")
        _ = press(.character("u"), &state)
        XCTAssertEqual(state.sequence, Array(Self.references[1].utf8))
        _ = press(.character("v"), &state)
        _ = press(.character("v"), &state)
        XCTAssertEqual(state.sequence, Array(Self.references[1].utf8))
        XCTAssertEqual(state.histories[1].applied, [])
    }
}
