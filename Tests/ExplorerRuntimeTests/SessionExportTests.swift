import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import TestSupport
import XCTest

/// The edited FASTA `s` writes: unedited records byte for byte, edited ones with their line
/// breaks and soft-masked (lower-case) bases kept.
final class SessionExportTests: XCTestCase {
    static let fasta = Fixtures.url("fasta/soft-masked.fa")

    /// The fixture's records with their case, and their texts, as `seqlens explore` loads them.
    func load() throws -> ([SequenceRecord], [FASTARecordText?], [UInt8]) {
        let bytes = Array(try Data(contentsOf: Self.fasta))
        let texts = FASTARecordText.split(bytes)
        var records = try FASTAReader.read(contentsOf: Self.fasta)
        for index in records.indices { records[index].sequence = texts[index].sequence }
        return (records, texts, bytes)
    }

    func snapshot(_ records: [SequenceRecord], _ histories: [EditHistory]) -> SessionSnapshot {
        SessionSnapshot(records: records, histories: histories,
                        view: SavedView(record: 0, cursor: 0, task: 0, method: .saliency, zoomLevel: 1, columnsPerPosition: 1, sortsPredictions: false))
    }

    func substitution(_ text: String) throws -> Substitution { try Substitution(parsing: text) }

    func testUneditedRecordsAreCopiedByteForByte() throws {
        let (records, texts, bytes) = try load()
        let unedited = snapshot(records, Array(repeating: EditHistory(), count: records.count))
        XCTAssertEqual(SessionExport.fasta(unedited, texts: texts), bytes, "CRLF, a blank line, odd widths and lower case all survive")
    }

    func testEditedRecordsKeepTheirLinesAndTheCaseOfUneditedBases() throws {
        let (records, texts, bytes) = try load()
        // Position 6 is a soft-masked g: the new base takes its case.
        let histories = [EditHistory(applied: [[try substitution("0:A>G")], [try substitution("6:G>A")]]), EditHistory(), EditHistory()]
        let written = String(decoding: SessionExport.fasta(snapshot(records, histories), texts: texts), as: UTF8.self)
        let original = String(decoding: bytes, as: UTF8.self)
        let expectedFirst = ">masked chr1:100-160 repeat-rich seqlens_edits=0:A>G,6:G>A\r\nGCGTAcatacgTTGA\r\nCCATGgggaaaTTTC\r\nGATTAc\r\n\r\n"
        let unedited = try XCTUnwrap(original.range(of: ">plain"))
        XCTAssertEqual(written, expectedFirst + original[unedited.lowerBound...], "the records after it are copied as they were")
        let reread = try FASTAReader.parse(written, source: "run.fa")
        XCTAssertEqual(reread.map(\.id), ["masked", "plain", "odd"])
        XCTAssertEqual(reread[0].description, "chr1:100-160 repeat-rich seqlens_edits=0:A>G,6:G>A")
    }

    func testRecordsWithoutTheirTextKeepTheirCase() throws {
        let (records, _, _) = try load()
        let histories = [EditHistory(applied: [[try substitution("6:G>A")]]), EditHistory(), EditHistory()]
        let written = String(decoding: SessionExport.fasta(snapshot(records, histories), lineWidth: 20), as: UTF8.self)
        XCTAssertEqual(written.split(separator: "\n").prefix(3).map(String.init),
                       [">masked chr1:100-160 repeat-rich seqlens_edits=6:G>A", "ACGTAcatacgTTGACCATG", "gggaaaTTTCGATTAc"])
    }
}
