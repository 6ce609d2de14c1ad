// libFuzzer harness: modisco-lite's HDF5 results (ModiscoReader.read). The HDF5 library reads
// files, so each input is written to one scratch file first, in memory (/dev/shm) where there is
// one. libhdf5 itself is not instrumented: coverage steers through seqlens' checks, and ASan
// reports memory errors in either. Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import ModiscoHDF5

private let scratch = URL(fileURLWithPath: FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
    .appendingPathComponent("seqlens-fuzz-\(ProcessInfo.processInfo.processIdentifier).h5")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModisco(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard (try? Data(bytes: data, count: size).write(to: scratch)) != nil else { return 0 }
    _ = try? ModiscoReader.read(path: scratch.path)
    return 0
}
