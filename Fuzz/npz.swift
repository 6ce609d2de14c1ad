// libFuzzer harness: .npz archives (NPZ.read). The reader takes a file, so each input is written
// to one scratch file first, in memory (/dev/shm) where there is one: a disk write per input
// would be most of the time. Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Inference

private let scratch = URL(fileURLWithPath: FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
    .appendingPathComponent("seqlens-fuzz-\(ProcessInfo.processInfo.processIdentifier).npz")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard (try? Data(bytes: data, count: size).write(to: scratch)) != nil else { return 0 }
    _ = try? NPZ.read(contentsOf: scratch)
    return 0
}
