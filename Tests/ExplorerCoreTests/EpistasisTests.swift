@testable import ExplorerCore
import Genomics
import XCTest

/// Protein sessions in the pure core: the wild type's ISM, the edits' split into singles and
/// epistasis, the `w` map, the `=` prompt and the family logo in the `m` cycle.
final class EpistasisTests: XCTestCase {
    static let letters = Alphabet.proteinGapped.letters

    /// A 6-residue protein, one task "H", its reference predicted and (when `wildType`) its ISM in.
    func makeState(wildType: Bool = true) -> ExplorerState {
        var state = ExplorerState(modelName: "family", alphabet: .proteinGapped, taskNames: ["H"],
                                  records: [SequenceRecord(id: "focus", sequence: Array("MKVLAW".utf8))])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.referencePredicted(record: 0, values: [10]))
        _ = state.update(.predicted(version: 0, values: [10], milliseconds: 1))
        if wildType { _ = state.update(.mutagenized(version: 0, map: Self.map(offset: 0), milliseconds: 1)) }
        return state
    }

    /// ISM deltas (21, 6, 1): letter a at position p is offset + a + 100·p.
    static func map(offset: Float) -> MutagenesisMap {
        let deltas = (0 ..< 21).flatMap { a in (0 ..< 6).map { p in offset + Float(a) + 100 * Float(p) } }
        return MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< 6)
    }

    func mutate(_ state: inout ExplorerState, at position: Int, to letter: Character) -> [Effect] {
        _ = state.update(.moveTo(position: position))
        return state.update(.mutate(base: letter.asciiValue!))
    }

    func testTheUneditedMapIsTheWildTypesAndTwoEditsSplitIntoSinglesAndEpistasis() {
        var state = makeState()
        XCTAssertEqual(state.wildTypeMutagenesis[0]?.deltas, Self.map(offset: 0).deltas, "the ISM of the unedited input is kept")
        let first = mutate(&state, at: 1, to: "A")
        XCTAssertFalse(first.contains { if case .mutagenizeWildType = $0 { true } else { false } }, "known already: not asked for")
        XCTAssertNil(state.editEpistasis, "one edit has no epistasis")
        _ = mutate(&state, at: 4, to: "Y")
        _ = state.update(.predicted(version: state.version, values: [4], milliseconds: 1))
        // Singles in the wild type: A (channel 1) at 1 → 1 + 100; Y (channel 20) at 4 → 20 + 400.
        XCTAssertEqual(state.editEpistasis, EditEpistasis(edits: 2, combined: -6, singles: 521))
        XCTAssertEqual(state.editEpistasis?.epistasis, -527)
    }

    func testEditsBeforeTheWildTypesMapAskForItOnce() {
        var state = makeState(wildType: false)
        XCTAssertEqual(mutate(&state, at: 0, to: "A").filter { if case .mutagenizeWildType = $0 { true } else { false } },
                       [.mutagenizeWildType(record: 0, sequence: Array("MKVLAW".utf8))])
        XCTAssertFalse(mutate(&state, at: 2, to: "C").contains { if case .mutagenizeWildType = $0 { true } else { false } })
        _ = state.update(.predicted(version: state.version, values: [9], milliseconds: 1))
        XCTAssertNil(state.editEpistasis, "not before the wild type's map")
        _ = state.update(.wildTypeMutagenized(record: 0, input: Array("MKVLAW".utf8), deltas: Self.map(offset: 0).deltas))
        XCTAssertEqual(state.editEpistasis, EditEpistasis(edits: 2, combined: -1, singles: 1 + 2 + 200))
    }

    func testTheEpistasisMapIsNowMinusTheWildTypeAndBlankAtTheEdits() {
        var state = makeState()
        _ = mutate(&state, at: 2, to: "W")
        XCTAssertTrue(state.update(.toggleEpistasis).isEmpty, "the wild type's map is known")
        XCTAssertTrue(state.showsEpistasis)
        _ = state.update(.mutagenized(version: state.version, map: Self.map(offset: 0.5), milliseconds: 1))
        let values = state.epistasisDeltas!
        XCTAssertEqual(values.count, 21 * 6)
        for a in 0 ..< 21 {
            for p in 0 ..< 6 { XCTAssertEqual(values[a * 6 + p], p == 2 ? 0 : 0.5, "letter \(a) at \(p)") }
        }
        _ = state.update(.toggleEpistasis)
        XCTAssertFalse(state.showsEpistasis)
    }

    func testTheChangePromptWritesResiduesThatAreKeysAsOneUndoStep() {
        var state = makeState()
        _ = state.update(.moveTo(position: 1))
        for action in [Action.openPrompt(.change), .promptInput("D"), .promptInput("H"), .promptSubmit] { _ = state.update(action) }
        XCTAssertEqual(String(decoding: state.sequence, as: UTF8.self), "MDHLAW")
        XCTAssertEqual(state.histories[0].applied.count, 1)
        _ = state.update(.undo)
        XCTAssertEqual(String(decoding: state.sequence, as: UTF8.self), "MKVLAW")
        for action in [Action.openPrompt(.change), .promptInput("B"), .promptSubmit] { _ = state.update(action) }
        XCTAssertEqual(state.message, "paste refused: 'B' is not a residue of this protein model (paste -ACDEFGHIKLMNPQRSTVWY; spaces and line breaks are skipped)")
    }

    func testMethodsCycleThroughTheFamilyLogo() {
        var state = makeState()
        state.attachFamilyLogo(FamilyLogo(title: "family", values: [Float](repeating: 0.1, count: 21 * 6), signed: false))
        XCTAssertEqual(state.logoName, "family logo")
        XCTAssertFalse(state.isAttributionStale, "the family's logo needs no map")
        XCTAssertEqual(state.update(.cycleMethod), [.attribute(version: 0, sequence: Array("MKVLAW".utf8), method: .saliency, task: 0)])
        XCTAssertEqual(state.logoName, "saliency")
        for _ in 1 ..< ExplorerMethod.allCases.count { _ = state.update(.cycleMethod) }
        XCTAssertEqual(state.method, .deepshap)
        XCTAssertEqual(state.update(.cycleMethod), [])
        XCTAssertEqual(state.logoName, "family logo")
    }
}
