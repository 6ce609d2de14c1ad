import ExplorerCore
import ExplorerView
import Genomics
import Rendering
import XCTest

/// The profile panel: a target's bins, the reference above the edited sequence, on one scale.
final class ProfileTrackScreenTests: XCTestCase {
    func makeState() -> ExplorerState {
        var state = ExplorerState(modelName: "bpnet", alphabet: .dna, taskNames: ["profile:reduce=profile"],
                                  records: [SequenceRecord(id: "peak", sequence: String(repeating: "ACGTTGCA", count: 8))])
        state.profileTrack = ProfileTrack(label: "profile:reduce=profile")
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.referencePredicted(record: 0, values: [0.5]))
        _ = state.update(.predicted(version: 0, values: [0.4], milliseconds: 1))
        return state
    }

    func profileLines(_ state: ExplorerState) -> [String] {
        let area = state.layout!.profile
        return Array(Screen.render(state, depth: .monochrome).lines[area.y ..< area.maxY])
    }

    func testReferenceAndNowShareOneScale() {
        var state = makeState()
        XCTAssertEqual(profileLines(state), [
            "profile:reduce=profile · 0 bins · reference, now                                ",
            "                                                                                ",
            "ref     computing…                                                              ",
            "                                                                                ",
            "now     computing…                                                              ",
        ])
        // Eight bins over 72 columns, nine each, scaled 0 to 0.8 over two rows (0.1 = ▂): the
        // edit moved the peak from bin 3 to bin 6.
        _ = state.update(.referenceProfiled(record: 0, values: [0, 0.1, 0.3, 0.8, 0.3, 0.1, 0, 0]))
        _ = state.update(.profiled(version: 0, values: [0, 0, 0.1, 0.2, 0.1, 0.2, 0.4, 0.1]))
        XCTAssertEqual(profileLines(state), [
            "profile:reduce=profile · 8 bins · reference, now                                ",
            "                                   █████████                                    ",
            "ref              ▂▂▂▂▂▂▂▂▂▆▆▆▆▆▆▆▆▆█████████▆▆▆▆▆▆▆▆▆▂▂▂▂▂▂▂▂▂                  ",
            "                                                                                ",
            "now                       ▂▂▂▂▂▂▂▂▂▄▄▄▄▄▄▄▄▄▂▂▂▂▂▂▂▂▂▄▄▄▄▄▄▄▄▄█████████▂▂▂▂▂▂▂▂▂",
        ])
    }

    func testAProfileOfAnOlderRecordVersionIsIgnored() {
        var state = makeState()
        _ = state.update(.profiled(version: 0, values: [1, 2]))
        _ = state.update(.profiled(version: -1, values: [3, 4]))
        XCTAssertEqual(state.profileTrack?.current?.value, [1, 2])
    }
}
