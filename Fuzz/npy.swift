// libFuzzer harness: .npy arrays (NPY.decodeArray, and NPY.decode as `show` and `--input` read them).
// Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Inference

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = try? NPY.decodeArray(bytes)
    _ = try? NPY.decode(bytes)
    return 0
}
