import Genomics
import XCTest

/// Protein FASTA detection, the refusal of the other kind of sequence, protein references and
/// protein substitutions (issue 16, item 1).
final class ProteinSequenceTests: XCTestCase {
    private func kind(_ text: String) -> SequenceKind { SequenceKind(of: Array(text.utf8)) }

    func testLettersNoNucleotideCodeUsesMakeAProtein() {
        XCTAssertEqual(kind("MKTAYIAKQR"), .protein)
        XCTAssertEqual(kind("acgtE"), .protein, "E is no IUPAC nucleotide code")
        XCTAssertEqual(kind("ACGT*"), .protein, "a stop")
        // Only IUPAC-looking letters, but most of them outside ACGTUN: a peptide.
        XCTAssertEqual(kind("MKRSW"), .protein)
    }

    func testBasesMakeDNAOnlyWhenLongAndVariedEnough() {
        XCTAssertEqual(kind("ACGTNNACGTAC"), .nucleic)
        XCTAssertEqual(kind("ACGUACGUAC"), .nucleic)
        XCTAssertEqual(kind("ACGT-ACGTAC"), .nucleic, "gaps aside")
        XCTAssertEqual(kind("ACGTRACGTACGT"), .nucleic, "an IUPAC code among bases is still DNA")
        XCTAssertEqual(kind("GATTACA"), .undecided, "short: a peptide too")
        XCTAssertEqual(kind("AAAAAAAAAAAAAAAAAAAA"), .undecided, "poly-A: a poly-alanine peptide too")
        XCTAssertEqual(kind("GGGGAGGGGAGGGGA"), .undecided, "two letters: a glycine linker too")
    }

    func testAlphabetForDrawingsWithoutAModel() {
        XCTAssertEqual(SequenceKind.alphabet(for: [SequenceRecord(id: "a", sequence: "ACGTACGTAC"), SequenceRecord(id: "p", sequence: "MKTAYIAKQR")]), .protein)
        XCTAssertEqual(SequenceKind.alphabet(for: [SequenceRecord(id: "r", sequence: "ACGUACGUAC")]), .rna)
        XCTAssertEqual(SequenceKind.alphabet(for: [SequenceRecord(id: "d", sequence: "ACGTACGTAC")]), .dna)
    }

    func testTheOtherKindIsRefusedNamingFileLineAndRecord() throws {
        let protein = SequenceRecord(id: "p1", sequence: "MKTAYIAKQR", line: 3)
        let dna = SequenceRecord(id: "d1", sequence: "ACGTACGTACGT", line: 1)
        assertGenomicsError("seqs.fa:3: record 'p1' is a protein sequence but the model reads DNA (ACGT); give DNA sequences or a protein model") {
            try Alphabet.dna.refuseOtherKind([dna, protein], source: "seqs.fa")
        }
        assertGenomicsError("seqs.fa:1: record 'd1' is DNA (only A, C, G, T and N) but the model reads protein (ACDEFGHIKLMNPQRSTVWY); translate it first or give a DNA model") {
            try Alphabet.protein.refuseOtherKind([dna, protein], source: "seqs.fa")
        }
        try Alphabet.protein.refuseOtherKind([protein, SequenceRecord(id: "linker", sequence: "GGGGAGGGGA")], source: "seqs.fa")
        try Alphabet.dna.refuseOtherKind([dna, SequenceRecord(id: "short", sequence: "GATTACA")], source: "seqs.fa")
    }

    func testNonStandardResiduesAreAllZeroColumnsWithTheWarning() {
        let record = SequenceRecord(id: "p", sequence: "MXB*-K")
        let encoded = OneHot.decode(try! OneHot.encode([record.sequence], alphabet: .protein, layout: .channelsFirst), alphabet: .protein, layout: .channelsFirst)
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), "MNNNNK", "X, B, *, and the gap are all-zero columns (decoded as N)")
        XCTAssertEqual(SequenceRecord.ambiguityWarning(records: [record], alphabet: .protein),
                       "warning: 1 of 1 record contains 4 non-ACDEFGHIKLMNPQRSTVWY letters (X, B, Z, *, gaps and the like); they are encoded as all-zero columns")
        XCTAssertEqual(SequenceRecord.ambiguityWarning(records: [record], alphabet: .proteinGapped),
                       "warning: 1 of 1 record contains 3 non--ACDEFGHIKLMNPQRSTVWY letters (X, B, Z, * and the like); they are encoded as all-zero columns")
    }

    func testProteinReferencesArePlainShufflesKeepingTheComposition() {
        let sequence = Array("MKTAYIAKQRQISFVKSHFSRQ".utf8)
        var generator = SeededGenerator(seed: 1)
        let shuffles = (0 ..< 5).map { _ in ReferenceShuffle.shuffle(sequence, alphabet: .protein, using: &generator) }
        for shuffled in shuffles { XCTAssertEqual(shuffled.sorted(), sequence.sorted()) }
        XCTAssertGreaterThan(Set(shuffles).count, 3, "distinct permutations")
        XCTAssertFalse(shuffles.contains(sequence))
        // DNA keeps tangermeme's dinucleotide shuffle, the same draw as before.
        let dna = Array("ACGTTGCAACGGTACCATGA".utf8)
        var a = SeededGenerator(seed: 2), b = SeededGenerator(seed: 2)
        XCTAssertEqual(ReferenceShuffle.shuffle(dna, alphabet: .dna, using: &a), DinucleotideShuffle.shuffle(dna, using: &b))
        XCTAssertEqual(ReferenceShuffle.kind(for: .protein), "residue")
    }

    func testProteinSubstitutionsReadAsREFRESIDUEALTCountedFromOne() throws {
        let substitution = try Substitution(parsing: "a24g", alphabet: .protein)
        XCTAssertEqual(substitution, Substitution(position: 23, reference: UInt8(ascii: "A"), alternative: UInt8(ascii: "G"), isProteinNotation: true))
        XCTAssertEqual(substitution.description, "A24G")
        XCTAssertEqual(try Substitution(parsing: "23:A>G", alphabet: .protein).description, "A24G")
        XCTAssertEqual(try Substitution(parsing: "24:A>G", alphabet: .dna).description, "24:A>G")
        for bad in ["A24", "24G", "AG", "A2x4G", "A-1G", "A0G", "A24GG"] {
            assertGenomicsError("mutation '\(bad)' is not REF RESIDUE ALT with residues numbered from 1 (e.g. A24G: the A at residue 24 to G)") {
                try Substitution(parsing: bad, alphabet: .protein)
            }
        }
        // A 0-based position is the usual slip: the message says how residues count.
        let record = SequenceRecord(id: "p", sequence: "MKTAYIAK")
        assertGenomicsError("mutation K1A: record 'p' has M at residue 1, not K; K is at residue 2: residues are numbered from 1") {
            try Substitution(parsing: "K1A", alphabet: .protein).check(in: record)
        }
        assertGenomicsError("mutation K9A is past the end of record 'p' (8 residues)") {
            try Substitution(parsing: "K9A", alphabet: .protein).check(in: record)
        }
    }
}
