import ExplorerCore
@testable import ExplorerView
import Foundation
import Genomics
import Rendering
import TestSupport
import XCTest

/// A protein session's screens: the family logo, the 21-row ΔH heatmap in half-block rows, and
/// the epistasis of two edits. Results are injected as actions, so no model runs.
final class ProteinScreenTests: XCTestCase {
    static let length = 64

    /// ΔH of letter a at position p in a deterministic pattern, 0 at the present residue; after
    /// edits (`coupled`) every effect near them shifts by a little: the couplings' share.
    static func deltas(_ sequence: [UInt8], coupled: Bool) -> [Float] {
        let alphabet = Alphabet.proteinGapped
        return (0 ..< 21).flatMap { a in
            (0 ..< length).map { p -> Float in
                guard alphabet.index(of: sequence[p]) != a else { return 0 }
                let base = -2.5 * Float((a * 7 + p * 3) % 11) / 10 + (a == 0 ? -1.5 : 0.4 * Float(sin(Double(p + a))))
                return base + (coupled && (20 ..< 30).contains(p) ? 0.3 * Float(a % 3) : 0)
            }
        }
    }

    /// A 64-residue protein with a family logo, the cursor at 22 after edits at 22 (K) and 25 (W).
    func makeState(width: Int, height: Int, epistasis: Bool = false) -> ExplorerState {
        var generator = SeededGenerator(seed: 16)
        let residues = Array("ACDEFGHIKLMNPQRSTVWY".utf8)
        let sequence = (0 ..< Self.length).map { _ in residues[Int(generator.next() % 20)] }
        var state = ExplorerState(modelName: "PF00397", alphabet: .proteinGapped, taskNames: ["H"],
                                  records: [SequenceRecord(id: "YAP1_HUMAN/170-205", sequence: sequence)])
        let logo = (0 ..< 21).flatMap { a in
            (0 ..< Self.length).map { p -> Float in a == 0 ? 0 : (Int(sequence[p]) % 21 == a || (a * 5 + p) % 13 == 0 ? Float(1 + p % 4) / 2 : 0.02) }
        }
        state.attachFamilyLogo(FamilyLogo(title: "family: information (bits) of the alignment's columns", values: logo, signed: false))
        _ = state.start()
        _ = state.update(.resize(width: width, height: height))
        _ = state.update(.referencePredicted(record: 0, values: [-41.2]))
        _ = state.update(.predicted(version: 0, values: [-41.2], milliseconds: 0.1))
        _ = state.update(.mutagenized(version: 0, map: MutagenesisMap(deltas: Self.deltas(sequence, coupled: false), centered: [], positions: 0 ..< Self.length), milliseconds: 0.8))
        for (position, letter) in [(25, "W"), (22, "K")] {
            _ = state.update(.moveTo(position: position))
            _ = state.update(.mutate(base: Character(letter).asciiValue!))
        }
        _ = state.update(.predicted(version: state.version, values: [-44.9], milliseconds: 0.1))
        _ = state.update(.mutagenized(version: state.version, map: MutagenesisMap(deltas: Self.deltas(state.sequence, coupled: true), centered: [], positions: 0 ..< Self.length), milliseconds: 0.9))
        if epistasis { _ = state.update(.toggleEpistasis) }
        return state
    }

    func testSnapshot80x24() throws {
        let canvas = Screen.render(makeState(width: 80, height: 24), depth: .palette256)
        try assertSnapshot(canvas.lines.joined(separator: "\n") + "\n", "explorer-protein-80x24.txt")
        try assertSnapshot(ANSIWriter.render(canvas, depth: .palette256), "explorer-protein-80x24.ansi")
    }

    func testSnapshotOfTheEpistasisMap80x24() throws {
        let canvas = Screen.render(makeState(width: 80, height: 24, epistasis: true), depth: .palette256)
        try assertSnapshot(canvas.lines.joined(separator: "\n") + "\n", "explorer-protein-epistasis-80x24.txt")
    }

    func testSnapshot160x48() throws {
        let canvas = Screen.render(makeState(width: 160, height: 48), depth: .trueColor)
        try assertSnapshot(canvas.lines.joined(separator: "\n") + "\n", "explorer-protein-160x48.txt")
    }

    func testTheScreenNamesWhatAProteinScientistReads() throws {
        let state = makeState(width: 80, height: 24)
        let lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertTrue(lines[0].hasPrefix(" PF00397 │ record 1/1 YAP1_HUMAN/170-205 [+] │ task H (1/1) auto │ family logo"), lines[0])
        // ΔH of the two edits together, what the singles in the wild type add up to, and the rest.
        let wildType = Self.deltas(state.reference, coupled: false)
        let singles = wildType[Int(Alphabet.proteinGapped.index(of: UInt8(ascii: "K"))!) * Self.length + 22]
            + wildType[Int(Alphabet.proteinGapped.index(of: UInt8(ascii: "W"))!) * Self.length + 25]
        let split = try XCTUnwrap(state.editEpistasis)
        XCTAssertEqual(split.singles, singles, accuracy: 1e-5)
        XCTAssertEqual(split.combined, -3.7, accuracy: 1e-4)
        XCTAssertEqual(lines[1], "predictions: now, reference, Δ │ ΔH \(Screen.signed(-3.7)) = singles \(Screen.signed(singles)) + epistasis \(Screen.signed(-3.7 - singles))".padding(toLength: 80, withPad: " ", startingAt: 0))
        let layout = try XCTUnwrap(state.layout)
        XCTAssertEqual(layout.heatmapLettersPerRow, 2)
        XCTAssertEqual(layout.heatmap.height, 11, "21 letters, two per row")
        XCTAssertTrue(lines[layout.heatmapTitle.y].hasPrefix("ΔH of every single mutant · w: epistasis with the edits"), lines[layout.heatmapTitle.y])
        let labels = (0 ..< 11).map { lines[layout.heatmap.y + $0].prefix(ExplorerLayout.gutter).trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(labels, ["-/A│", "C/D│", "E/F│", "G/H│", "I/K│", "L/M│", "N/P│", "Q/R│", "S/T│", "V/W│", "Y│"])
        XCTAssertTrue(lines[23].hasPrefix("? help · ←→ move · = or R change residues · w epistasis · u undo · q quit"), lines[23])
    }

    func testHalfBlocksCarryTwoAminoAcidsPerCell() throws {
        let state = makeState(width: 80, height: 24)
        let layout = try XCTUnwrap(state.layout)
        let canvas = Screen.render(state, depth: .trueColor)
        // Position 40 (on screen at its column): row "I/K" holds I above K.
        let column = layout.plotX + 40 - state.viewStart
        let cell = canvas[column, layout.heatmap.y + 4]
        let deltas = Self.deltas(state.sequence, coupled: true)
        let scale = DivergingScale.fitting(deltas)
        let i = Alphabet.proteinGapped.index(of: UInt8(ascii: "I"))!, k = Alphabet.proteinGapped.index(of: UInt8(ascii: "K"))!
        XCTAssertEqual(cell.character, "▀")
        XCTAssertEqual(cell.style.foreground, DivergingScale.color(normalized: scale.normalized(deltas[i * Self.length + 40])))
        XCTAssertEqual(cell.style.background, DivergingScale.color(normalized: scale.normalized(deltas[k * Self.length + 40])))
    }
}
