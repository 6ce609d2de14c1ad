import Genomics
import XCTest

final class BackgroundSequencesTests: XCTestCase {
    private let letters = Array("ACGT".utf8)

    private func counts(_ sequence: some Sequence<UInt8>) -> [UInt8: Int] {
        sequence.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    private func pairCounts(_ s: [UInt8]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for i in 0..<(s.count - 1) { counts[String(decoding: [s[i], s[i + 1]], as: UTF8.self), default: 0] += 1 }
        return counts
    }

    private func records(_ count: Int, length: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (0..<length).map { _ in letters.randomElement(using: &generator)! } }
    }

    func testUniformIsEvenAndReproducible() throws {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        let first = try BackgroundSequences.make(.uniform, count: 500, length: 200, records: [], alphabet: .dna, using: &a)
        XCTAssertEqual(first, try BackgroundSequences.make(.uniform, count: 500, length: 200, records: [], alphabet: .dna, using: &b))
        XCTAssertEqual(first.count, 500)
        XCTAssertTrue(first.allSatisfy { $0.count == 200 })
        let tally = counts(first.joined())
        XCTAssertEqual(Set(tally.keys), Set(letters))
        for letter in letters { XCTAssertEqual(Double(tally[letter]!) / 100_000, 0.25, accuracy: 0.005) }
    }

    func testProfileDrawsEachPositionFromItsFrequencies() throws {
        // Position 0 always A; position 1 C in three records of four, G in one (N ignored);
        // position 2 only N: uniform.
        let records = ["ACN", "ACN", "ACN", "AGN", "NNN"].map { Array($0.utf8) }
        let frequencies = BackgroundSequences.positionFrequencies(records, alphabet: .dna)
        XCTAssertEqual(frequencies, [[1, 0, 0, 0], [0, 0.75, 0.25, 0], [0.25, 0.25, 0.25, 0.25]])
        var generator = SeededGenerator(seed: 9)
        let drawn = try BackgroundSequences.make(.profile, count: 20_000, length: 3, records: records, alphabet: .dna, using: &generator)
        XCTAssertTrue(drawn.allSatisfy { $0[0] == UInt8(ascii: "A") })
        let second = counts(drawn.map { $0[1] })
        XCTAssertEqual(Set(second.keys), [UInt8(ascii: "C"), UInt8(ascii: "G")])
        XCTAssertEqual(Double(second[UInt8(ascii: "C")]!) / 20_000, 0.75, accuracy: 0.01)
        let third = counts(drawn.map { $0[2] })
        for letter in letters { XCTAssertEqual(Double(third[letter]!) / 20_000, 0.25, accuracy: 0.01) }
    }

    func testShufflesKeepEachRecordsCompositionTakingRecordsInTurn() throws {
        let source = records(3, length: 120, seed: 2)
        var generator = SeededGenerator(seed: 4)
        let shuffled = try BackgroundSequences.make(.shuffle, count: 7, length: 120, records: source, alphabet: .dna, using: &generator)
        for (index, background) in shuffled.enumerated() {
            XCTAssertEqual(counts(background), counts(source[index % 3]))
            XCTAssertNotEqual(background, source[index % 3])
        }
        let dinucleotide = try BackgroundSequences.make(.dinucleotide, count: 7, length: 120, records: source, alphabet: .dna, using: &generator)
        for (index, background) in dinucleotide.enumerated() {
            XCTAssertEqual(pairCounts(background), pairCounts(source[index % 3]))
            XCTAssertNotEqual(background, source[index % 3])
        }
    }

    func testRecordsOfTheWrongLengthOrNoneAreRefused() {
        var generator = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try BackgroundSequences.make(.profile, count: 2, length: 200, records: records(2, length: 150, seed: 1), alphabet: .dna, using: &generator)) {
            XCTAssertEqual(String(describing: $0), "--background profile: a record has 150 nt but the model takes 200; give records of 200 nt")
        }
        XCTAssertThrowsError(try BackgroundSequences.make(.dinucleotide, count: 2, length: 200, records: [], alphabet: .dna, using: &generator)) {
            XCTAssertEqual(String(describing: $0), "--background dinucleotide needs records to draw from; give a FASTA file with --fasta")
        }
    }

    func testEmbeddedPatternsReplaceKeepOrDrawBases() throws {
        var sequence = Array("AAAAAAAAAA".utf8)
        let pattern = try EmbeddedPattern("cgNtR", alphabet: .dna)
        XCTAssertEqual(pattern.text, "CGNTR")
        XCTAssertEqual(pattern.width, 5)
        XCTAssertTrue(pattern.isDegenerate)
        var generator = SeededGenerator(seed: 8)
        var drawn: Set<UInt8> = []
        for _ in 0..<50 {
            let instance = pattern.instance(using: &generator)
            XCTAssertEqual(Array(instance.prefix(4)), Array("CGNT".utf8))
            drawn.insert(instance[4])
        }
        XCTAssertEqual(drawn, [UInt8(ascii: "A"), UInt8(ascii: "G")])  // R = A or G
        EmbeddedPattern.write(Array("CGNTG".utf8), into: &sequence, at: 3)
        XCTAssertEqual(String(decoding: sequence, as: UTF8.self), "AAACGATGAA")  // N kept the A
        XCTAssertFalse(try EmbeddedPattern("ACGT", alphabet: .dna).isDegenerate)
        XCTAssertEqual(EmbeddedPattern.centredStart(width: 6, length: 200), 97)
        XCTAssertEqual(EmbeddedPattern.centredStart(width: 7, length: 41), 17)  // 20 − 3, tangermeme's integer division
        XCTAssertThrowsError(try EmbeddedPattern("ACXT", alphabet: .dna))
    }
}
