import Alignments
import Foundation
import Genomics
import TestSupport
import XCTest

/// End-to-end runs of a protein session: a Potts model's parameter file, its focus sequence as
/// the record, edits typed with `=`, their epistasis against the model's own ΔH.
extension ExploreEndToEndTests {
    var familyParameters: URL { Fixtures.url("potts/ww-small.params") }

    func makeFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-protein-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        folders.append(folder)
        return folder
    }

    /// The three numbers of "ΔH -1.23 = singles -0.9 + epistasis -0.33".
    static func epistasisLine(_ screen: [String]) -> [Float]? {
        guard let line = screen.first(where: { $0.contains("= singles") }), let start = line.range(of: "ΔH ") else { return nil }
        let words = line[start.upperBound...].split(separator: " ")
        guard words.count >= 7 else { return nil }
        return [words[0], words[3], words[6]].compactMap { Float($0) }
    }

    func testAPottsModelOpensOnItsFocusSequenceAndSplitsTwoEditsIntoSinglesAndEpistasis() throws {
        let potts = try PlmcParameterFile(contentsOf: familyParameters).model
        let folder = try makeFolder()
        let tmux = try TmuxSession(width: 80, height: 24, command: exploreCommand([familyParameters.path, "--save-as", folder.appendingPathComponent("ww").path]))
        sessions.append(tmux)
        let id = "ww-small/\(potts.positions.first!)-\(potts.positions.last!)"
        try tmux.waitFor("the focus sequence as the record, the family logo and ΔH") { screen in
            screen.first?.contains("ww-small │ record 1/1 \(id)") == true && screen.first?.contains("family logo") == true
                && screen.contains { $0.hasPrefix("ΔH of every single mutant") } && (Self.status(screen)?.contains("update ") ?? false)
        }
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("ww.focus.fa"), encoding: .utf8),
                       ">\(id)\n\(String(decoding: potts.focusSequence, as: UTF8.self))\n")
        // Two residues that differ from the focus; H and D are keys in normal mode, so `=` types them.
        let letters = Alphabet.proteinGapped.letters
        func other(_ position: Int, _ wanted: Character) -> UInt8 {
            potts.focusSequence[position] != wanted.asciiValue! ? wanted.asciiValue! : UInt8(ascii: "A")
        }
        let edits = [(position: 3, letter: other(3, "H")), (position: 6, letter: other(6, "D"))]
        for edit in edits {
            try jump(tmux, to: edit.position)
            try tmux.type("=")
            try tmux.waitFor("the change prompt") { Self.bottom($0).hasPrefix("change to ") }
            try tmux.type(String(Character(Unicode.Scalar(edit.letter))))
            try tmux.send("Enter")
        }
        let screen = try tmux.waitFor("the two edits' split") { Self.epistasisLine($0) != nil && $0.first?.contains("[+]") == true }
        let numbers = try XCTUnwrap(Self.epistasisLine(screen))
        let wild = potts.focusSequence.map { UInt8(letters.firstIndex(of: $0)!) }
        let substitutions = edits.map { (position: $0.position, state: UInt8(letters.firstIndex(of: $0.letter)!)) }
        let combined = potts.deltaHamiltonian(of: substitutions, in: wild)
        let singles = substitutions.reduce(Float(0)) { $0 + potts.deltaHamiltonian(of: [$1], in: wild) }
        for (shown, expected) in zip(numbers, [combined, singles, combined - singles]) {
            XCTAssertEqual(shown, expected, accuracy: 0.006 * max(1, abs(expected)), "\(screen.first { $0.contains("= singles") } ?? "")")
        }
        try tmux.type("w")
        try tmux.waitFor("the epistasis map") { $0.contains { $0.hasPrefix("epistasis: ΔH now − in the wild type (w: back)") } }
    }

    func testARecordWithALetterTheModelHasNoStateForIsRefused() throws {
        let folder = try makeFolder()
        let fasta = folder.appendingPathComponent("variants.fa")
        let potts = try PlmcParameterFile(contentsOf: familyParameters).model
        var sequence = potts.focusSequence
        sequence[2] = UInt8(ascii: "X")
        try Data(">v1\n\(String(decoding: sequence, as: UTF8.self))\n".utf8).write(to: fasta)
        let result = try runSeqlens(["explore", familyParameters.path, fasta.path, "--snapshot", folder.appendingPathComponent("view.svg").path])
        assertRefusal(result, "\(fasta.path): record v1 has 'X' at position 2, which ww-small.params has no state for (-ACDEFGHIKLMNPQRSTVWY); replace it, e.g. by the gap '-'")
    }
}
