import ExplorerCore
import ExplorerView
import Genomics
import Interactive
import Rendering
import XCTest

/// `S`: seqlets of the attribution map on the annotation track, asked for with every new map.
final class SeqletTrackTests: XCTestCase {
    static let sequence = "ACGTACGTAATGACTCATTTACGTACGTAC"

    func makeState() -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "one", sequence: Self.sequence), SequenceRecord(id: "two", sequence: Self.sequence)])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        return state
    }

    func press(_ character: Character, _ state: inout ExplorerState) -> [Effect] {
        KeyMap.action(for: .key(.character(character)), in: state).map { state.update($0) } ?? []
    }

    func testSeqletsFollowTheMapAndAreDrawnWithTheirLabels() {
        var state = makeState()
        let values = (0 ..< 4 * 30).map { Float($0 % 5) }
        XCTAssertEqual(press("S", &state), [], "no map yet: nothing to call seqlets on")
        XCTAssertEqual(state.message, "seqlets: waiting for the attribution map")
        let map = AttributionMap(method: .saliency, task: 0, values: values)
        XCTAssertEqual(state.update(.attributed(version: 0, map: map, milliseconds: 1)),
                       [.findSeqlets(version: 0, sequence: Array(Self.sequence.utf8), values: values)], "a new map asks for its seqlets")
        let span = SeqletSpan(positions: 10 ..< 17, label: "FOS+", pValue: 1e-6)
        _ = state.update(.seqletsFound(version: 0, spans: [span], milliseconds: 3))
        XCTAssertEqual(state.shownAnnotations, [Annotation(positions: 10 ..< 17, label: "FOS+", color: Color(hex: 0x8E44AD))])
        let lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertEqual(lines.first { $0.contains("FOS+") }, "                  ├FOS+─┤" + String(repeating: " ", count: 55), "the track names the seqlet's motif over its positions")

        // Pressing S again hides them and stops asking; another record drops them.
        XCTAssertEqual(press("S", &state), [])
        XCTAssertEqual(state.shownAnnotations, [])
        XCTAssertEqual(state.update(.attributed(version: 0, map: map, milliseconds: 1)), [])
        XCTAssertEqual(press("S", &state), [.findSeqlets(version: 0, sequence: Array(Self.sequence.utf8), values: values)], "shown again: the current map's seqlets")
        _ = state.update(.seqletsFound(version: 0, spans: [span], milliseconds: 3))
        _ = press("n", &state)
        XCTAssertNil(state.seqlets, "another record's sequence has its own seqlets")
        _ = state.update(.seqletsFound(version: 0, spans: [span], milliseconds: 3))
        XCTAssertNil(state.seqlets, "a late result for the previous record is dropped")
    }
}
