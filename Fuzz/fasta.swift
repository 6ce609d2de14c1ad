// libFuzzer harness: FASTA text (FASTAReader.parse). Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Genomics

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFASTA(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? FASTAReader.parse(Array(UnsafeBufferPointer(start: data, count: size)), source: "fuzz.fa")
    return 0
}
