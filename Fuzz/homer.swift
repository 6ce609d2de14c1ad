// libFuzzer harness: HOMER motif text (MotifReader.parseHOMER). Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Genomics

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHOMER(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? MotifReader.parseHOMER(text, source: "fuzz.motif")
    return 0
}
