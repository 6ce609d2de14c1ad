// libFuzzer harness: MEME motif text (MotifReader.parseMEME). Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Genomics

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMEME(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? MotifReader.parseMEME(text, source: "fuzz.meme")
    return 0
}
