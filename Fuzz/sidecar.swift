// libFuzzer harness: the model card, from a sidecar MODEL.json (ModelCard(sidecar:)) and from
// ONNX metadata_props (the same bytes as the "tasks", "alphabet" and "layout" values).
// Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Interpretation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSidecar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = try? ModelCard(sidecar: bytes, path: "fuzz.json", source: "fuzz.json")
    let text = String(decoding: bytes, as: UTF8.self)
    for key in ["tasks", "alphabet", "layout"] {
        _ = try? ModelCard(metadata: [key: text], source: "fuzz.onnx metadata")
    }
    return 0
}
