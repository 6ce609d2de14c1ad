import Alignments
import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import Interactive
import Interpretation
import TestSupport
import XCTest

/// A Potts model in the explorer: its ΔH map against the model's own ΔH, before and after edits,
/// and the edits' epistasis against the brute-force energies.
final class ProteinSessionAppTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func makeApp(_ potts: PottsModel) throws -> ExplorerApp {
        let model = try SequenceModel(potts: potts, url: directory.appendingPathComponent("family.params"))
        var state = ExplorerState(modelName: "family", alphabet: model.alphabet, taskNames: ["H"],
                                  records: [SequenceRecord(id: "focus", sequence: potts.focusSequence)])
        state.attachFamilyLogo(FamilyLogo(potts: potts))
        let app = AppDriver.start(state, model: model, modelPath: "family.params", sequencesPath: "family.params", directory: directory)
        AppDriver.wait(app, until: { !$0.isBusy })
        return app
    }

    func states(_ potts: PottsModel, _ sequence: [UInt8]) -> [UInt8] { sequence.map { UInt8(Alphabet.proteinGapped.index(of: $0)!) } }

    /// The explorer's map against `deltaHamiltonian` of every single mutant of `sequence`.
    func assertMapIsDeltaH(_ app: ExplorerApp, _ potts: PottsModel, file: StaticString = #filePath, line: UInt = #line) throws {
        let state = app.state, l = potts.length
        let deltas = try XCTUnwrap(state.mutagenesis?.value.deltas, file: file, line: line)
        XCTAssertEqual(state.mutagenesis?.version, state.version, file: file, line: line)
        let wild = states(potts, state.sequence)
        for i in 0 ..< l { for b in 0 ..< potts.stateCount {
            let expected = Int(wild[i]) == b ? 0 : potts.deltaHamiltonian(of: [(position: i, state: UInt8(b))], in: wild)
            XCTAssertEqual(deltas[b * l + i], expected, accuracy: 1e-4, "\(b) at \(i)", file: file, line: line)
        } }
    }

    /// `letter`, or another where the focus sequence has it already (an edit must change something).
    func differing(_ letter: Character, at position: Int, _ potts: PottsModel) -> String {
        potts.focusSequence[position] != letter.asciiValue! ? String(letter) : letter == "H" ? "W" : "H"
    }

    func press(_ keys: [Key], _ app: ExplorerApp) { for key in keys { app.handle(.key(key)) } }
    func type(_ text: String) -> [Key] { text.map { .character($0) } }

    func testTheMapIsDeltaHBeforeAndAfterEditsAndTheEditsSplitIntoSinglesAndEpistasis() throws {
        let potts = randomPottsModel(length: 24, seed: 21, withFrequencies: true)
        let app = try makeApp(potts)
        XCTAssertEqual(app.state.predictions?.value[0] ?? .nan, potts.hamiltonian(states(potts, potts.focusSequence)), accuracy: 1e-4)
        try assertMapIsDeltaH(app, potts)
        // D and H are keys in normal mode: `=` writes them.
        for keys in [":5", "=" + differing("D", at: 5, potts), ":9", "=" + differing("H", at: 9, potts)] { press(type(keys) + [.enter], app) }
        AppDriver.wait(app, until: { !$0.isBusy && $0.editEpistasis != nil })
        try assertMapIsDeltaH(app, potts)
        let wild = states(potts, potts.focusSequence), now = states(potts, app.state.sequence)
        XCTAssertEqual(app.state.mutatedPositions, [5, 9])
        let split = try XCTUnwrap(app.state.editEpistasis)
        let edits = [(position: 5, state: now[5]), (position: 9, state: now[9])]
        XCTAssertEqual(split.combined, potts.hamiltonian(now) - potts.hamiltonian(wild), accuracy: 1e-3)
        XCTAssertEqual(split.combined, potts.deltaHamiltonian(of: edits, in: wild), accuracy: 1e-3)
        XCTAssertEqual(split.singles, potts.deltaHamiltonian(of: [edits[0]], in: wild) + potts.deltaHamiltonian(of: [edits[1]], in: wild), accuracy: 1e-3)
        // The epistasis of two sites is their coupling term's change.
        let coupling = potts.coupling(5, 9, Int(now[5]), Int(now[9])) - potts.coupling(5, 9, Int(wild[5]), Int(now[9]))
            - potts.coupling(5, 9, Int(now[5]), Int(wild[9])) + potts.coupling(5, 9, Int(wild[5]), Int(wild[9]))
        XCTAssertEqual(split.epistasis, coupling, accuracy: 1e-3)
        // `w`: each substitution elsewhere now minus in the wild type, the couplings with the edits.
        press([Key.character("w")], app)
        let map = try XCTUnwrap(app.state.epistasisDeltas)
        for (i, b) in [(0, 3), (12, 20), (23, 0)] {
            let expected = potts.deltaHamiltonian(of: [(position: i, state: UInt8(b))], in: now) - potts.deltaHamiltonian(of: [(position: i, state: UInt8(b))], in: wild)
            XCTAssertEqual(map[b * potts.length + i], expected, accuracy: 1e-3, "\(b) at \(i)")
        }
    }

    func testAPSSMHasNoEpistasis() throws {
        let potts = randomPottsModel(length: 12, seed: 22, siteIndependent: true)
        let app = try makeApp(potts)
        XCTAssertEqual(app.state.familyLogo?.signed, true, "no frequencies: the centred fields")
        press(type(":2") + [Key.enter], app)
        press(type("R" + differing("W", at: 2, potts) + differing("A", at: 3, potts)) + [Key.escape], app)
        AppDriver.wait(app, until: { !$0.isBusy && $0.editEpistasis != nil })
        try assertMapIsDeltaH(app, potts)
        XCTAssertEqual(app.state.editEpistasis?.edits, 2)
        XCTAssertEqual(app.state.editEpistasis?.epistasis ?? .nan, 0, accuracy: 1e-4)
        press([Key.character("w")], app)
        XCTAssertEqual(app.state.epistasisDeltas?.map(abs).max() ?? .nan, 0, accuracy: 1e-4)
    }
}
