import Foundation
import TestSupport
import XCTest

/// End-to-end: `explore MODEL --genome G.fa --vcf calls.vcf` in the real binary: the variant
/// list fills with Δ, Enter jumps to a variant, v puts its alternative allele in.
extension ExploreEndToEndTests {
    func testVariantListJumpsToAVariantAndVTogglesItsAlternativeAllele() throws {
        let folder = try temporaryDirectory()
        folders.append(folder)
        let genome = folder.appendingPathComponent("mini.fa").path
        try FileManager.default.copyItem(atPath: Fixtures.url("genome/mini.fa").path, toPath: genome)
        let vcf = Fixtures.url("variants/mini.vcf").path
        let tmux = try TmuxSession(width: 100, height: 30, command: exploreCommand([model, "--genome", genome, "--build-index", "--vcf", vcf, "--task", "GABPA"]))
        sessions.append(tmux)
        try tmux.waitFor("the first variant's window") { screen in
            screen.first?.contains("record 1/18 chr1:5:A>C") == true && (Self.status(screen)?.contains("update ") ?? false)
        }
        try tmux.type("V")
        let list = try tmux.waitFor("the list, every variant scored") { screen in
            screen.contains { $0.contains("variants: 18 · VCF order") } && !screen.contains { $0.contains("Δ         …") }
        }
        // GABPA's Δ as `seqlens variant` gives it (mini.multitask.tsv: -0.7205133 for del5).
        XCTAssertTrue(list.contains { $0.contains("│  4  chr1:450 ATCCTG>A ") && $0.contains(" del5          Δ    -0.721 ") }, list.joined(separator: "\n"))
        try tmux.type("o")
        try tmux.waitFor("sorted by |Δ|") { $0.contains { $0.contains("variants: 18 · by |Δ|") } }
        try tmux.send("Home", "Enter")
        try tmux.waitFor("the deletion, largest |Δ| of GABPA, cursor on it") { screen in
            screen.first?.contains("record 4/18 chr1:450:ATCCTG>A") == true && (Self.status(screen)?.hasPrefix(" pos 100/200") ?? false)
        }
        try tmux.type("v")
        try tmux.waitFor("the alternative allele") { $0.contains { $0.contains("chr1:450 ATCCTG>A: alternative allele, effects are alt − ref (v: reference)") } }
        try tmux.type("v")
        try tmux.waitFor("back to the reference") { $0.contains { $0.contains("chr1:450 ATCCTG>A: reference allele (v: alternative)") } }
        try tmux.type("q")
    }
}
