import XCTest
import Genomics

/// Asserts that `body` throws a GenomicsError whose message is exactly `message`.
func assertGenomicsError<T>(_ message: String, file: StaticString = #filePath, line: UInt = #line,
                            _ body: () throws -> T) {
    do {
        let value = try body()
        XCTFail("expected error \"\(message)\", got \(value)", file: file, line: line)
    } catch let error as GenomicsError {
        XCTAssertEqual(error.description, message, file: file, line: line)
    } catch {
        XCTFail("expected GenomicsError, got \(type(of: error)): \(error)", file: file, line: line)
    }
}
