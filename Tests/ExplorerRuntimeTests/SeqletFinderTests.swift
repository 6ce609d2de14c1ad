import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import TestSupport
import XCTest

/// The explorer's seqlets: a map that is high over an SP1 site gives one seqlet over it, labelled
/// by TOMTOM's best match among the scanned motifs (a GC-box factor: SP or KLF).
final class SeqletFinderTests: XCTestCase {
    func testASiteOfHighAttributionIsASeqletNamedAfterItsMotif() throws {
        let motifs = try MotifReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme"))
        let background = Array("ATTACATATTAGATCATTTAATTCATAAATTGACTTATTCAATAACTATTAAT".utf8)
        let site = Array("GGGGCGGGGC".utf8)
        let sequence = Array(background[0 ..< 20]) + site + Array(background[20 ..< 50])
        let length = sequence.count
        var values = [Float](repeating: 0, count: 4 * length)
        for l in 0 ..< length {
            let letter = Alphabet.dna.index(of: sequence[l])!
            values[letter * length + l] = (20 ..< 30).contains(l) ? 1 + Float(l % 3) / 10 : -Float(l % 3) / 100
        }
        let spans = try SeqletFinder(motifs: motifs).spans(sequence: sequence, values: values, alphabet: .dna)
        XCTAssertEqual(spans.count, 1, "\(spans)")
        let positions = try XCTUnwrap(spans.first?.positions)
        XCTAssertTrue(positions.lowerBound <= 20 && positions.upperBound >= 30 && positions.count <= 12, "the seqlet covers the site: \(positions)")
        let label = spans.first?.label ?? ""
        XCTAssertTrue((label.hasPrefix("SP") || label.hasPrefix("KLF")) && label.hasSuffix("+"), "a GC box on the forward strand: \(spans)")
        // Without motifs the span is just a seqlet.
        XCTAssertEqual(try SeqletFinder(motifs: []).spans(sequence: sequence, values: values, alphabet: .dna).map(\.label), ["seqlet"])
    }
}
