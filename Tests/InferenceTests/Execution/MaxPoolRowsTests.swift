import Foundation
@testable import Inference
import ONNXProto
import TestSupport
import XCTest

extension SequenceThreadingTests {
    /// 1-D MaxPool with windows inside the row (the C kernel: kernels 2 to 4 unrolled, others
    /// folded in a loop; strides below, equal to and above the kernel) against each window's
    /// maximum. At 156 positions the windows of stride = kernel tile every row, so the kernel
    /// pools the planes as one row.
    func testMaxPoolRowsMatchEachWindowsMaximum() throws {
        for (planes, length) in [(6, 997), (6, 156)] {
            let x = Tensor(shape: [1, planes, length], scalars: values(planes * length, seed: 10))
            for (kernel, stride) in [(2, 2), (2, 1), (3, 2), (3, 3), (4, 4), (4, 2), (13, 13), (5, 3), (4, 7)] {
                let plan = try plan("MaxPool", shape: x.shape, attributes: [ModelBuilder.intsAttribute("kernel_shape", [Int64(kernel)]),
                                                                            ModelBuilder.intsAttribute("strides", [Int64(stride)])])
                let y = try output(plan, x, threads: 1)
                let outW = (length - kernel) / stride + 1
                XCTAssertEqual(y.shape, [1, planes, outW], "kernel \(kernel) stride \(stride)")
                var expected: [Float] = []
                for plane in 0..<planes {
                    for o in 0..<outW {
                        let start = plane * length + o * stride
                        expected.append(x.scalars[start..<(start + kernel)].max()!)
                    }
                }
                XCTAssertEqual(y.scalars, expected, "kernel \(kernel) stride \(stride)")
            }
        }
    }
}
