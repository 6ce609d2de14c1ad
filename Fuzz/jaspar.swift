// libFuzzer harness: JASPAR motif text (MotifReader.parseJASPAR). Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Genomics

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJASPAR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? MotifReader.parseJASPAR(text, source: "fuzz.jaspar")
    return 0
}
