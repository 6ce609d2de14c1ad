import Foundation
@testable import Inference
import ONNXProto
import TestSupport
import XCTest

extension SequenceThreadingTests {
    /// Convolutions of few filters and long kernels (BPNet's profile head, strides, dilations,
    /// taps that fall wholly in the padding, a batch, a fused Relu) take the per-tap products
    /// and agree with the direct sum.
    func testFewFiltersLongKernelTapProductsMatchReference() throws {
        let cases = [
            ConvCase(input: [1, 64, 500], weights: [1, 64, 75], strides: [1], dilations: [1], pads: [37, 37]),
            ConvCase(input: [3, 32, 300], weights: [2, 32, 11], strides: [2], dilations: [3], pads: [4, 9], relu: true),
            ConvCase(input: [2, 16, 50], weights: [3, 16, 9], strides: [3], dilations: [1], pads: [0, 0]),
            ConvCase(input: [1, 20, 30], weights: [1, 20, 12], strides: [1], dilations: [2], pads: [15, 15]),
        ]
        for test in cases {
            let label = "input \(test.input), weights \(test.weights), strides \(test.strides), dilations \(test.dilations), pads \(test.pads)"
            XCTAssertTrue(test.weights[0] < test.input[1] && test.weights[0] <= Conv.maximumTapFilters && test.weights[2] >= Conv.minimumTaps,
                          "\(label): the case must take the tap products")
            let expected = try assertOneThreadMatchesReference(test, label: label)
            if test.relu { XCTAssertTrue(expected.scalars.contains(0) && expected.scalars.contains { $0 > 0 }, label) }
        }
    }

    /// 1×1 convolutions with unit strides and no padding read the input as im2col's columns:
    /// Enformer's 2-D attention-pool logits, grouped, and a batch run one sample per product.
    func testPointwiseConvolutionsMatchReference() throws {
        let cases = [
            ConvCase(input: [1, 24, 128, 2], weights: [24, 24, 1, 1], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0]),
            ConvCase(input: [2, 8, 300], weights: [16, 4, 1], strides: [1], dilations: [1], pads: [0, 0], group: 2, relu: true),
        ]
        for test in cases {
            let label = "input \(test.input), weights \(test.weights), group \(test.group)"
            try assertOneThreadMatchesReference(test, label: label)
        }
    }

    /// Stride-1 convolutions with kernels wider than one tap take CVectorMath's direct kernel:
    /// filter counts off its blocks (4 filters on AVX-512, 6 on AVX2: blocks of 1 to 6 filters
    /// here), outputs off its vectors (16 or 8 lanes) and blocks (64 or 16 positions),
    /// asymmetric pads, pads wider than the kernel (outputs that read only padding), dilation,
    /// groups down to depthwise, Keras's unit height, a batch and a fused Relu.
    func testDirectKernelConvolutionsMatchReference() throws {
        let cases = [
            ConvCase(input: [3, 4, 200], weights: [16, 4, 7], strides: [1], dilations: [1], pads: [3, 3], relu: true),
            ConvCase(input: [2, 16, 1, 100], weights: [16, 16, 1, 3], strides: [1, 1], dilations: [1, 1], pads: [0, 1, 0, 1]),
            ConvCase(input: [1, 5, 70], weights: [7, 5, 5], strides: [1], dilations: [2], pads: [0, 7]),
            ConvCase(input: [1, 3, 40], weights: [6, 3, 3], strides: [1], dilations: [1], pads: [20, 19], relu: true),
            ConvCase(input: [2, 8, 65], weights: [10, 4, 3], strides: [1], dilations: [1], pads: [1, 1], group: 2),
            ConvCase(input: [1, 8, 129], weights: [8, 1, 3], strides: [1], dilations: [3], pads: [3, 3], group: 8),
            ConvCase(input: [1, 24, 48], weights: [33, 24, 8], strides: [1], dilations: [1], pads: [0, 0]),
            ConvCase(input: [1, 9, 45], weights: [14, 9, 4], strides: [1], dilations: [1], pads: [2, 1], relu: true),
        ]
        for test in cases {
            let label = "input \(test.input), weights \(test.weights), dilations \(test.dilations), pads \(test.pads), group \(test.group)"
            let kernel = test.weights.last!, outW = test.input.last! + test.pads[test.pads.count / 2 - 1] + test.pads.last! - (kernel - 1) * test.dilations.last!
            XCTAssertTrue(test.strides.allSatisfy { $0 == 1 } && kernel > 1 && outW >= Conv.directOutputWidth
                          && (test.input.count == 3 || (test.input[2] == 1 && test.weights[2] == 1)), "\(label): the case must take the direct kernel")
            let expected = try assertOneThreadMatchesReference(test, label: label)
            if test.relu { XCTAssertTrue(expected.scalars.contains(0) && expected.scalars.contains { $0 > 0 }, label) }
        }
    }

    /// Short outputs of a batch run side by side in one row per channel: DeepSEA's 3-position
    /// layer, Keras DeepSTARR's 25, asymmetric pads and dilation, groups, and a batch past one
    /// row's width (two rows).
    func testShortOutputsSideBySideMatchReference() throws {
        let cases = [
            ConvCase(input: [5, 16, 10], weights: [16, 16, 8], strides: [1], dilations: [1], pads: [0, 0], relu: true),
            ConvCase(input: [3, 16, 1, 25], weights: [16, 16, 1, 3], strides: [1, 1], dilations: [1, 1], pads: [0, 1, 0, 1]),
            ConvCase(input: [4, 6, 20], weights: [10, 3, 4], strides: [1], dilations: [2], pads: [5, 0], group: 2, relu: true),
            ConvCase(input: [45, 3, 25], weights: [5, 3, 3], strides: [1], dilations: [1], pads: [1, 1]),
        ]
        for test in cases {
            let label = "input \(test.input), weights \(test.weights), dilations \(test.dilations), pads \(test.pads), group \(test.group)"
            let kernel = test.weights.last!, outW = test.input.last! + test.pads[test.pads.count / 2 - 1] + test.pads.last! - (kernel - 1) * test.dilations.last!
            XCTAssertTrue(test.input[0] > 1 && kernel > 1 && outW < Conv.directOutputWidth, "\(label): the case must run side by side")
            let expected = try assertOneThreadMatchesReference(test, label: label)
            if test.relu { XCTAssertTrue(expected.scalars.contains(0) && expected.scalars.contains { $0 > 0 }, label) }
        }
        XCTAssertGreaterThan(45 * 27, Conv.sideBySideWidth, "the last case must take two rows")
    }

    /// On two threads each block of output positions takes its own padded copy of the input, the
    /// first block here wholly in the padding: the same values as one thread, bit for bit (each
    /// output sums its terms in the same order), and as the direct sum.
    func testDirectKernelBlocksMatchOneThreadExactly() throws {
        let test = ConvCase(input: [1, 16, 100], weights: [64, 16, 9], strides: [1], dilations: [1], pads: [3000, 4], relu: true)
        XCTAssertGreaterThanOrEqual(64 * 16 * 9 * 3096, Conv.minimumBlockedWork, "the case must split into blocks")
        let (plan, x, w, b) = try convPlan(test)
        let one = try output(plan, x, threads: 1), two = try output(plan, x, threads: 2)
        XCTAssertEqual(two.scalars, one.scalars)
        let expected = reference(test, x: x.scalars, w: w, b: b)
        let comparison = compare(two.scalars, expected.scalars, absolute: 2e-6, relative: 1e-5)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")
    }

    /// The input gradient of 1-D convolutions (dilation, asymmetric pads, taps in the padding, a
    /// batch): from an output gradient with a fifth of its entries non-zero (as behind a ReLU and
    /// a max pool) it scatters the non-zeros' tap-major weight rows, from a dense one it runs as
    /// a convolution (or, with pads past the kernel's span, col2im); both, on one thread and two (positions split), agree
    /// with the direct sum dX[c, i] = Σ_f Σ_t w[f, c, t] · dY[f, i + pad − t·dilation].
    func testInputGradientSparseAndDenseMatchReference() throws {
        let cases = [
            ConvCase(input: [2, 24, 300], weights: [40, 24, 11], strides: [1], dilations: [1], pads: [0, 0]),
            ConvCase(input: [1, 32, 150], weights: [17, 32, 3], strides: [1], dilations: [4], pads: [6, 2]),
            ConvCase(input: [1, 16, 40], weights: [8, 16, 9], strides: [1], dilations: [1], pads: [12, 3]),
        ]
        for test in cases {
            let (channels, filters, kernel, inW) = (test.input[1], test.weights[0], test.weights[2], test.input[2])
            let (dilation, pad) = (test.dilations[0], test.pads[0])
            let outW = inW + test.pads[0] + test.pads[1] - (kernel - 1) * dilation
            let w = values(test.weights.reduce(1, *), seed: 1).map { $0 / 4 }
            let dense = values(test.input[0] * filters * outW, seed: 5)
            // Every fifth entry kept (a stride coprime to the rows, so each filter keeps some).
            let sparse = dense.indices.map { $0 % 5 == 2 ? dense[$0] : 0 }
            for (name, dy) in [("sparse", sparse), ("dense", dense)] {
                var expected = [Float](repeating: 0, count: test.input.reduce(1, *))
                for sample in 0..<test.input[0] {
                    for c in 0..<channels {
                        for i in 0..<inW {
                            var sum = 0.0
                            for f in 0..<filters {
                                for t in 0..<kernel {
                                    let o = i + pad - t * dilation
                                    guard o >= 0, o < outW else { continue }
                                    sum += Double(w[(f * channels + c) * kernel + t]) * Double(dy[(sample * filters + f) * outW + o])
                                }
                            }
                            expected[(sample * channels + c) * inW + i] = Float(sum)
                        }
                    }
                }
                for threads in [1, 2] {
                    let (plan, x, _, _) = try convPlan(test)
                    let label = "\(name) dY, input \(test.input), weights \(test.weights), \(threads) threads"
                    let gradient = try plan.gradient(of: "y", outputGradient: Tensor(shape: [test.input[0], filters, outW], scalars: dy),
                                                     inputs: ["x": x], respectTo: "x", threads: threads).gradient
                    // Sums of up to 440 float products (|dX| up to ~5): float rounding reaches 5e-6.
                    let comparison = compare(gradient.scalars, expected, absolute: 2e-5, relative: 1e-5)
                    XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison)")
                    // Which path ran: the scatter keeps tap-major weights.
                    XCTAssertEqual(plan.steps[0].convolutionWeights?.tapMajor.cached != nil, name == "sparse", label)
                }
            }
        }
    }

    /// Wide stride-1 convolutions take Winograd's F(4, 4): kernels of two or three chunks (the last
    /// one short), outputs that end mid-tile, pads on either side wider than a tile, filters off
    /// the direct kernel's blocks, a batch, a fused Relu, and Basset's second layer; one thread
    /// and two (tiles split) agree with the direct sum, and the transformed weights are kept by
    /// the plan.
    func testWinogradConvolutionsMatchReference() throws {
        let cases = [
            ConvCase(input: [2, 128, 200], weights: [128, 128, 7], strides: [1], dilations: [1], pads: [3, 3], relu: true),
            ConvCase(input: [1, 128, 201], weights: [130, 128, 9], strides: [1], dilations: [1], pads: [0, 9]),
            ConvCase(input: [1, 128, 200], weights: [128, 128, 11], strides: [1], dilations: [1], pads: [30, 2], relu: true),
            ConvCase(input: [1, 300, 333], weights: [200, 300, 11], strides: [1], dilations: [1], pads: [0, 0], relu: true),
        ]
        for test in cases {
            let label = "input \(test.input), weights \(test.weights), pads \(test.pads)"
            let (plan, x, w, b) = try convPlan(test)
            guard case .conv(let attributes) = plan.steps[0].node.op else { return XCTFail("\(label): the plan's first step is not the Conv") }
            let d = try Conv.Dimensions(attributes, input: test.input, weights: test.weights, node: plan.steps[0].node)
            XCTAssertTrue(Conv.usesWinograd(d), "\(label): the case must take Winograd's path")
            let expected = reference(test, x: x.scalars, w: w, b: b)
            // A float sum's rounding scales with its terms' magnitudes, Σ|w·x| + |b|; a tile's
            // transforms mix the inputs of neighbouring outputs, so each output's error is measured
            // against the largest such sum within a kernel and a tile of it (an output reading
            // only padding sits next to full ones).
            var magnitudeCase = test
            magnitudeCase.relu = false
            let magnitude = reference(magnitudeCase, x: x.scalars.map(abs), w: w.map(abs), b: b.map(abs)).scalars
            let outW = expected.shape[2], reach = test.weights[2] + Conv.winograd.m
            let scale = magnitude.indices.map { i in
                let (row, o) = (i / outW * outW, i % outW)
                return magnitude[(row + max(0, o - reach))...(row + min(outW - 1, o + reach))].max()!
            }
            for threads in [1, 2] {
                let y = try output(plan, x, threads: threads)
                XCTAssertEqual(y.shape, expected.shape, label)
                let worst = y.scalars.indices.map { Double(abs(y.scalars[$0] - expected.scalars[$0])) / (Double(Float.ulpOfOne) * Double(scale[$0])) }.max()!
                XCTAssertLessThan(worst, 4, "\(label), \(threads) threads: the largest error in units of ε·Σ|w·x|")
            }
            if test.relu { XCTAssertTrue(expected.scalars.contains(0) && expected.scalars.contains { $0 > 0 }, label) }
            XCTAssertNotNil(plan.steps[0].convolutionWeights?.winograd.cached, label)
        }
    }

    /// F(m, m)'s matrices turn a tile's correlation into n products: Aᵀ[(G·g) ⊙ (Bᵀ·d)] equals
    /// y[i] = Σ_k g[k] · d[i + k] for every m used or tried, and F(3, 3)'s Bᵀ has integer entries.
    func testWinogradTransformsComputeCorrelation() {
        for m in 2...4 {
            let transform = Conv.WinogradTransform(m: m)
            let n = transform.n
            let g = values(m, seed: 7).map(Double.init), d = values(n, seed: 8).map(Double.init)
            let transformedKernel = (0..<n).map { xi in (0..<m).reduce(0.0) { $0 + transform.kernelTransform[xi * m + $1] * g[$1] } }
            let transformedInput = (0..<n).map { xi in (0..<n).reduce(0.0) { $0 + Double(transform.inputTransform[xi * n + $1]) * d[$1] } }
            for i in 0..<m {
                let winograd = (0..<n).reduce(0.0) { $0 + Double(transform.outputTransform[i * n + $1]) * transformedKernel[$1] * transformedInput[$1] }
                let direct = (0..<m).reduce(0.0) { $0 + g[$1] * d[i + $1] }
                XCTAssertEqual(winograd, direct, accuracy: 1e-6, "F(\(m), \(m)), output \(i)")
            }
        }
        XCTAssertTrue(Conv.WinogradTransform(m: 3).inputTransform.allSatisfy { $0 == $0.rounded() })
    }

    /// The case's output on one thread against the direct sum; returns the direct sum.
    @discardableResult
    private func assertOneThreadMatchesReference(_ test: ConvCase, label: String, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor<Float> {
        let (plan, x, w, b) = try convPlan(test)
        let y = try output(plan, x, threads: 1)
        let expected = reference(test, x: x.scalars, w: w, b: b)
        XCTAssertEqual(y.shape, expected.shape, label, file: file, line: line)
        let comparison = compare(y.scalars, expected.scalars, absolute: 2e-6, relative: 1e-5)
        XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison)", file: file, line: line)
        return expected
    }
}
