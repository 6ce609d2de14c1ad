import Foundation
import XCTest
import Genomics

/// FASTAStream must read what FASTAReader reads, and fail as it fails, whatever the block size.
final class FASTAStreamTests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    private func streamed(_ url: URL, blockSize: Int, chunk: Int) throws -> [SequenceRecord] {
        let stream = try FASTAStream(contentsOf: url, blockSize: blockSize)
        var records: [SequenceRecord] = []
        while true {
            let next = try stream.next(chunk)
            if next.isEmpty { return records }
            XCTAssertLessThanOrEqual(next.count, chunk)
            records += next
        }
    }

    private enum Outcome: Equatable {
        case records([SequenceRecord])
        case failure(String)
    }

    private func outcome(_ read: () throws -> [SequenceRecord]) -> Outcome {
        do { return .records(try read()) } catch { return .failure("\(error)") }
    }

    private func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).fa")
        try Data(text.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func assertSameAsReader(_ url: URL, file: StaticString = #filePath, line: UInt = #line) {
        let whole = outcome { try FASTAReader.read(contentsOf: url) }
        for blockSize in [1, 2, 3, 7, 64, 1 << 20] {
            for chunk in [1, 2, 5] {
                XCTAssertEqual(outcome { try streamed(url, blockSize: blockSize, chunk: chunk) }, whole, "block \(blockSize), chunk \(chunk)", file: file, line: line)
            }
        }
    }

    func testFixturesReadAsTheWholeFileReaderReadsThem() throws {
        let folder = fixtures.appendingPathComponent("fasta")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".fa") }.sorted()
        XCTAssertEqual(names, ["multi.fa", "no-sequence.fa", "soft-masked.fa"])
        for name in names { assertSameAsReader(folder.appendingPathComponent(name)) }
        // A fixture of several records must really be read, not fail alike.
        XCTAssertEqual(try streamed(folder.appendingPathComponent("multi.fa"), blockSize: 3, chunk: 2).count,
                       try FASTAReader.read(contentsOf: folder.appendingPathComponent("multi.fa")).count)
    }

    func testErrorsMatchTheWholeFileReaderAcrossBlockBoundaries() throws {
        for text in [
            ">a desc\r\nAC\r\nGT\r\n\r\n>b\r\nTT",          // CRLF, no final newline
            ">a\nACGT\n>b\nAC*GT\n",                          // bad character on a later record
            ">a\nACGT\n>\nAC\n",                               // header without id
            "ACGT\n>a\nAC\n",                                  // text before the first header
            "@r1\nACGT\n+\nIIII\n",                            // FASTQ
            ">a\nAC\n>b\n\n>c\nGG\n",                          // record without sequence
            "",                                                // empty file
            "\n\n  \n",                                        // blank lines only
        ] {
            assertSameAsReader(try temporaryFile(text))
        }
        // The error names the line and column, counted across blocks.
        let bad = try temporaryFile(">a\nACGT\n>b\nAC#GT\n")
        XCTAssertEqual(outcome { try streamed(bad, blockSize: 2, chunk: 1) },
                       .failure("\(bad.relativePath):4: unexpected character '#' in the sequence of record 'b' (column 3); sequence lines may hold only letters, '-', '.' and '*'"))
    }
}
