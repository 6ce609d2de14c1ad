// libFuzzer harness: BED and TSV annotations (IntervalFile.parse, both formats on each input).
// Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Genomics

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIntervals(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? IntervalFile.parse(text, format: .bed, source: "fuzz.bed")
    _ = try? IntervalFile.parse(text, format: .tsv, source: "fuzz.tsv")
    return 0
}
