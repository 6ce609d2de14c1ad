// libFuzzer harness: ONNX import, planning and one forward pass (ONNXImporter.load(data:),
// ExecutionPlan). Built by Fuzz/build.sh; see docs/FUZZING.md.
import Foundation
import Inference

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let graph = try? ONNXImporter.load(data: Data(bytes: data, count: size), modelDirectory: nil) else { return 0 }
    // Unknown dimensions get small sizes, as a one-sequence prediction would (batch 1, 100 nt).
    var shapes: [String: [Int]] = [:]
    for input in graph.inputs where input.declaredType == "float" {
        shapes[input.name] = input.dimensions.enumerated().map { axis, dimension in dimension.fixedValue ?? (axis == 0 ? 1 : 100) }
    }
    guard let plan = try? ExecutionPlan(graph: graph, inputShapes: shapes) else { return 0 }
    // Running is only fuzzed on small plans: a valid model with a huge input is slow, not broken.
    let elements = shapes.values.reduce(0) { $0 + $1.reduce(1, *) }
    guard elements <= 1 << 16 else { return 0 }
    let inputs = shapes.mapValues { Tensor<Float>(shape: $0, repeating: 0.25) }
    _ = try? plan.run(inputs)
    return 0
}
