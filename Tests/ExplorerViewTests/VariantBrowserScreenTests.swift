import ExplorerCore
import ExplorerView
import Genomics
import Rendering
import XCTest

/// The `V` list of variants, exactly as drawn.
final class VariantBrowserScreenTests: XCTestCase {
    func makeState() -> ExplorerState {
        let variants = [GenomicVariant(chromosome: "chr1", position: 100, id: "rs1", reference: "A", alternative: "G"),
                        GenomicVariant(chromosome: "chr1", position: 300, id: ".", reference: "CA", alternative: "C"),
                        GenomicVariant(chromosome: "chr2", position: 50, id: "rs3", reference: "G", alternative: "A")]
        let records = variants.map { SequenceRecord(id: $0.label, sequence: "CCCCCACCCCC") }
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["a", "b"], records: records)
        state.attachVariants(variants.map { VariantEntry(variant: $0, position: 5, alternative: []) })
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.variantBrowser(.scored(first: 0, deltas: [[0.125, 1], [-0.5, nil]])))
        return state
    }

    func testTheListShowsEachVariantWithItsDeltaAndSortsByItsSize() {
        var state = makeState()
        _ = state.update(.variantBrowser(.open))
        _ = state.update(.variantBrowser(.select(by: 1)))
        var canvas = Screen.render(state, depth: .monochrome)
        XCTAssertTrue(canvas[3, 12].style.attributes.contains(.reverse), "the selected variant is reversed")
        XCTAssertTrue(canvas[4, 11].style.attributes.contains(.bold), "the current record's variant is bold")
        XCTAssertEqual(Array(canvas.lines[8 ..< 16]), [
            "  ┌─ variants: 3 · scored 2 · VCF order ─────────────────────────────────────┐  ",
            "  │ Δ = a alt − ref (both strands averaged) · o sorts                        │  ",
            "  │                                                                          │  ",
            "  │ 1  chr1:101 A>G   rs1  Δ    +0.125                                       │  ",
            "  │ 2  chr1:301 CA>C  .    Δ      -0.5                                       │  ",
            "  │ 3  chr2:51 G>A    rs3  Δ         …                                       │  ",
            "IS│                                                                          │  ",
            "  └──────────────────────────────────────────────────────────────────────────┘  ",
        ], "Δ of task a; … while not scored")
        XCTAssertEqual(canvas.lines[23], "↑↓ select · Enter jumps to the variant · o sorts by |Δ| · Esc closes" + String(repeating: " ", count: 12))

        _ = state.update(.variantBrowser(.toggleSort))
        _ = state.update(.variantBrowser(.scored(first: 2, deltas: [[nil, 2]])))
        canvas = Screen.render(state, depth: .monochrome)
        XCTAssertEqual(Array(canvas.lines[8 ..< 16]), [
            "  ┌─ variants: 3 · by |Δ| ───────────────────────────────────────────────────┐  ",
            "  │ Δ = a alt − ref (both strands averaged) · o sorts                        │  ",
            "  │                                                                          │  ",
            "  │ 2  chr1:301 CA>C  .    Δ      -0.5                                       │  ",
            "  │ 1  chr1:101 A>G   rs1  Δ    +0.125                                       │  ",
            "  │ 3  chr2:51 G>A    rs3  Δ        NA                                       │  ",
            "IS│                                                                          │  ",
            "  └──────────────────────────────────────────────────────────────────────────┘  ",
        ], "largest |Δ| first; a task without Δ is NA, last")
    }
}
