import Foundation
import TestSupport
import XCTest

/// End-to-end runs of the navigation features: the record picker, the mouse wheel and the
/// warnings on the first screen.
extension ExploreEndToEndTests {
    func testThePickerOpensARecordByPartOfItsId() throws {
        let tmux = try startExplorer()
        try tmux.type("g")
        try tmux.waitFor("records: 50 of 50")
        try tmux.type("03540")
        try tmux.waitFor("the one match") { screen in
            screen.contains { $0.contains("records: 1 of 50") } && screen.contains { $0.contains("3  mt_test_03540  [single FOSL1]") }
        }
        try tmux.send("Enter")
        try tmux.waitFor("the third record") { $0.first?.contains("record 3/50 mt_test_03540") == true }
        // At 100 columns the description is cut to what fits after "task FOSL1 (3/12) auto".
        try tmux.waitFor("its description in the header") { $0.first?.contains("│ [single") == true }
    }

    /// 200-nt records at 100 columns show 92 positions; each notch moves the view 3 and the cursor
    /// keeps a tenth of the view (9) from the edge.
    func testTheWheelScrollsTheViewAndTheCursorFollows() throws {
        let tmux = try startExplorer()
        try tmux.waitFor("the cursor on the CEBPB site") { Self.status($0)?.hasPrefix(" pos 40/200") == true }
        try tmux.wheel(down: true, notches: 40, x: 50, y: 15)
        try tmux.waitFor("the view at its end") { Self.status($0)?.hasPrefix(" pos 117/200") == true }
        try tmux.wheel(down: false, notches: 40, x: 50, y: 15)
        try tmux.waitFor("the view back at the start") { Self.status($0)?.hasPrefix(" pos 82/200") == true }
    }

    func testAnAnnotationFileNamingNoRecordIsWarnedAboutOnTheFirstScreen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-nav-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        folders.append(folder)
        let bed = folder.appendingPathComponent("elsewhere.bed")
        try "chrX\t10\t20\tsite\nchrY\t0\t5\tother\n".write(to: bed, atomically: true, encoding: .utf8)
        let tmux = try startExplorer([model, fasta, "--annotations", bed.path, "--record", record])
        try tmux.waitFor("the first of two warnings") {
            Self.bottom($0).hasPrefix("(1/2) warning: elsewhere.bed names no record of multitask.fa (it names chrX, chrY; the FASTA has mt")
        }
        try tmux.type("l")
        try tmux.waitFor("the second after a key") { Self.bottom($0).hasPrefix("(2/2) warning: 1 of 50 records contains 3 non-ACGT letters") }
    }

    /// A DNA motif file on the RNA model, with a motif too short to pass p < 1e-4 (the third warning is the FASTA's letters).
    func testMotifWarningsOnTheFirstScreen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-nav-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        folders.append(folder)
        let meme = folder.appendingPathComponent("short.meme")
        let rows = String(repeating: " 0.97 0.01 0.01 0.01\n", count: 6)
        try "MEME version 4\n\nALPHABET= ACGT\n\nMOTIF SHORT6 polyA\nletter-probability matrix: alength= 4 w= 6 nsites= 100\n\(rows)".write(to: meme, atomically: true, encoding: .utf8)
        let rnaModel = Fixtures.repositoryRoot.appendingPathComponent("sample-models/residualbind.onnx").path
        let rnaFasta = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/rna-binding.fa").path
        let tmux = try TmuxSession(width: 160, height: 30, command: exploreCommand([rnaModel, rnaFasta, "--motifs", meme.path]))
        sessions.append(tmux)
        try tmux.waitFor("the alphabet warning") {
            Self.bottom($0) == "(1/3) warning: the motifs of short.meme are DNA and the model reads RNA: they are scanned with U read as T"
        }
        try tmux.type("l")
        try tmux.waitFor("the threshold warning") {
            Self.bottom($0).hasPrefix("(2/3) warning: 1 of 1 motifs cannot reach p < 0.0001 even at their best score, so they show no hits (SHORT6 polyA best p 2.4e-04)")
        }
    }
}
