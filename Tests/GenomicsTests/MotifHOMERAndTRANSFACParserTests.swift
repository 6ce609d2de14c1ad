import Foundation
import Genomics
import XCTest

/// HOMER and TRANSFAC motifs, against the same matrix (JASPAR's SP1, MA0079.5) written in JASPAR form.
final class MotifHOMERAndTRANSFACParserTests: XCTestCase {
    private let jaspar = """
    >MA0079.5\tSP1
    A  [   1.05   1.05   1.05   1.05 266.88   1.05   1.05 254.22 161.39 ]
    C  [   1.05   1.05   1.05   1.05 731.01   1.05  85.44  51.69   1.05 ]
    G  [ 950.42 996.84 996.84 996.84   1.05 996.84 912.45 659.28 836.50 ]
    T  [  47.47   1.05   1.05   1.05   1.05   1.05   1.05  34.81   1.05 ]
    """

    /// TRANSFAC as JASPAR exports it: the columns in another order than ACGT to show they are read by letter.
    private let transfac = """
    AC MA0079.5
    XX
    ID SP1
    XX
    DE MA0079.5 SP1 ; From JASPAR
    P0       T       A       C       G
    01   47.47    1.05    1.05  950.42 G
    02    1.05    1.05    1.05  996.84 G
    03    1.05    1.05    1.05  996.84 G
    04    1.05    1.05    1.05  996.84 G
    05    1.05  266.88  731.01    1.05 C
    06    1.05    1.05    1.05  996.84 G
    07    1.05    1.05   85.44  912.45 G
    08   34.81  254.22   51.69  659.28 G
    09    1.05  161.39    1.05  836.50 G
    XX
    //
    AC M00001
    ID V$MYOD_01
    NA MyoD
    P0      A      C      G      T
    01      1      2      2      0      S
    02      2      1      2      0      R
    03      3      0      1      1      A
    04      0      5      0      0      C
    XX
    //
    """

    func testFormatsAreToldFromTheContent() {
        XCTAssertEqual(MotifFormat.detect(jaspar), .jaspar)
        XCTAssertEqual(MotifFormat.detect(transfac), .transfac)
        XCTAssertEqual(MotifFormat.detect(">GGGGCGGGG\tSP1(Zf)/HEK293-SP1.GFP-ChIP-Seq/Homer\t9.08\n0.1 0.2 0.3 0.4\n"), .homer)
        XCTAssertEqual(MotifFormat.detect("ID just text\nnothing else\n"), nil)
    }

    func testTRANSFACCountsMatchTheJASPARMatrix() throws {
        let expected = try MotifReader.parse(jaspar, source: "sp1.jaspar")[0]
        let motifs = try MotifReader.parse(transfac, source: "sp1.transfac")
        XCTAssertEqual(motifs.map(\.label), ["MA0079.5 SP1", "M00001 MyoD"])
        XCTAssertEqual(motifs[0].width, 9)
        XCTAssertEqual(motifs[0].sites, expected.sites)
        for (p, q) in zip(motifs[0].probabilities, expected.probabilities) { XCTAssertEqual(p, q, accuracy: 1e-12) }
        // MyoD: 5 sites, pseudocount 1 spread evenly: (2 + 0.25) / 6 for C at position 1.
        XCTAssertEqual(motifs[1].probability(1, at: 0), 2.25 / 6, accuracy: 1e-12)
        XCTAssertEqual(motifs[1].consensus, "CAAC", "ties go to the first letter")
    }

    /// The pseudocount is spread by the background when one is given, which the motifs then carry.
    func testABackgroundSpreadsThePseudocount() throws {
        let background = [0.3, 0.2, 0.2, 0.3]
        let motif = try MotifReader.parse(transfac, source: "sp1.transfac", background: background)[1]
        XCTAssertEqual(motif.probability(0, at: 0), (1 + 0.3) / 6, accuracy: 1e-12)
        XCTAssertEqual(motif.background, background)
        let sp1 = try MotifReader.parse(jaspar, source: "sp1.jaspar", pseudocount: 2, background: background)[0]
        XCTAssertEqual(sp1.probability(3, at: 0), (47.47 + 2 * 0.3) / (999.99 + 2), accuracy: 1e-12)
    }

    func testHOMERProbabilities() throws {
        let text = """
        >GGGGCGGGG\tSP1(Zf)/HEK293-SP1.GFP-ChIP-Seq(GSE58341)/Homer\t9.084\t-1.0e-2\t0
        0.001\t0.001\t0.950\t0.048
        0.001 0.001 0.997 0.001
        0.25 0.25 0.25 0.25

        >ACGT\tplain\t4.5
        2 0 0 0
        0 1 1 0
        """
        let motifs = try MotifReader.parse(text, source: "known.motif")
        XCTAssertEqual(motifs.map(\.id), ["SP1(Zf)/HEK293-SP1.GFP-ChIP-Seq(GSE58341)/Homer", "plain"])
        XCTAssertEqual(motifs.map(\.name), ["SP1", "plain"])
        XCTAssertEqual(motifs[0].width, 3)
        XCTAssertEqual(motifs[0].probability(2, at: 0), 0.95, accuracy: 1e-12)
        XCTAssertEqual(motifs[0].background, [0.25, 0.25, 0.25, 0.25])
        // Rows that are not probabilities are normalised, and no pseudocount is added.
        XCTAssertEqual(motifs[1].column(1), [0, 0.5, 0.5, 0])
    }

    func testHOMERErrorsNameTheLine() {
        assertGenomicsError("m.motif:1: header needs a third tab-separated field, the log-odds threshold (a number), as in '>ACGTACGT<tab>NAME<tab>6.5'") {
            try MotifReader.parseHOMER(">ACGT\tname\n0.25 0.25 0.25 0.25\n", source: "m.motif")
        }
        assertGenomicsError("m.motif:3: row has 3 fields, expected 4 probabilities (A C G T) per position") {
            try MotifReader.parse(">ACGT\tname\t5\n0.25 0.25 0.25 0.25\n0.5 0.5 0\n", source: "m.motif")
        }
        assertGenomicsError("m.motif:2: 'x' is not a probability (a number from 0 to 1)") {
            try MotifReader.parse(">ACGT\tname\t5\n0.25 x 0.25 0.25\n", source: "m.motif")
        }
        assertGenomicsError("m.motif:1: motif 'name' has no rows of probabilities; each position is a row 'A C G T'") {
            try MotifReader.parse(">ACGT\tname\t5\n>CCCC\tother\t5\n0.25 0.25 0.25 0.25\n", source: "m.motif")
        }
        assertGenomicsError("m.motif:2: row is all zeros; each position needs a probability above 0 for some letter") {
            try MotifReader.parse(">ACGT\tname\t5\n0 0 0 0\n", source: "m.motif")
        }
    }

    func testTRANSFACErrorsNameTheLine() {
        assertGenomicsError("m.tf:2: P0 line names 'A C G'; expected the four letters A C G T (or A C G U)") {
            try MotifReader.parseTRANSFAC("ID x\nP0 A C G\n01 1 1 1\n//\n", source: "m.tf")
        }
        assertGenomicsError("m.tf:3: row 1 has 3 counts, expected 4 (one per letter of the P0 line)") {
            try MotifReader.parseTRANSFAC("ID x\nP0 A C G T\n01 1 1 1\n//\n", source: "m.tf")
        }
        assertGenomicsError("m.tf:4: row numbered 3 where 2 belongs; rows are numbered 01, 02, ... in order") {
            try MotifReader.parseTRANSFAC("ID x\nP0 A C G T\n01 1 1 1 1\n03 1 1 1 1\n//\n", source: "m.tf")
        }
        assertGenomicsError("m.tf:3: '-2' is not a count (a number of 0 or more)") {
            try MotifReader.parseTRANSFAC("ID x\nP0 A C G T\n01 1 -2 1 1\n//\n", source: "m.tf")
        }
        assertGenomicsError("m.tf:1: motif 'x' has no P0 table of counts") {
            try MotifReader.parseTRANSFAC("ID x\nXX\n//\n", source: "m.tf")
        }
        assertGenomicsError("m.tf: no motifs found; a TRANSFAC matrix has an 'AC' or 'ID' line and a 'P0 A C G T' table") {
            try MotifReader.parseTRANSFAC("XX\n//\n", source: "m.tf")
        }
    }
}
