// libFuzzer harness: TRANSFAC motif text (MotifReader.parseTRANSFAC). Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Genomics

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTRANSFAC(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? MotifReader.parseTRANSFAC(text, source: "fuzz.transfac")
    return 0
}
