import Foundation
import XCTest
import Genomics

final class GenomicsErrorTests: XCTestCase {
    func testDescriptionAndLocalizedDescriptionAreTheMessage() {
        let e = GenomicsError("a.fa:3: something; do this")
        XCTAssertEqual(e.description, "a.fa:3: something; do this")
        XCTAssertEqual("\(e)", "a.fa:3: something; do this")
        XCTAssertEqual((e as Error).localizedDescription, "a.fa:3: something; do this")
        XCTAssertEqual(e, GenomicsError("a.fa:3: something; do this"))
    }
}
