import ExplorerCore
import ExplorerView
import Genomics
import Rendering
import XCTest

final class MotifImportanceScreenTests: XCTestCase {
    func testTheStatusLineShowsTheMeasuredImportance() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"],
                                  records: [SequenceRecord(id: "one", sequence: String(repeating: "ACGTTGCA", count: 15))], scansMotifs: true)
        state.motifs = [NavigationScreenTests.cebpb]
        _ = state.start()
        _ = state.update(.resize(width: 120, height: 30))
        let hit = MotifSite(motifIndex: 0, positions: 0 ..< 10, strand: "+", score: 12.34, pValue: 2.1e-5)
        _ = state.update(.motifsFound(version: 0, hits: [hit], milliseconds: 1))
        _ = state.update(.globalImportance)
        _ = state.update(.importanceMeasured(version: 0, importance: MotifImportance(label: "CEBPB+", positions: 0 ..< 10, mean: [0.6234, 0.01], halfWidth: [0.0456, 0.002], count: 100),
                                             milliseconds: 1200))
        let lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertEqual(lines[28], " pos 0/120 │ base A │ in MA0466.4 CEBPB(+) score 12.3 p 2.1e-5 │ GIA CEBPB+ on up +0.623 ± 0.046 (100 shuffles)         ")
        XCTAssertEqual(lines[29].trimmingCharacters(in: .whitespaces), "GIA CEBPB+ on up +0.623 ± 0.046 (100 shuffles) · 1200 ms")
    }
}
