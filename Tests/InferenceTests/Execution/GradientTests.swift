import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Every backward is checked by central finite differences: on ONNX's own conformance
/// graphs (every supported op with its attribute variants) and on whole exported models.
final class GradientTests: XCTestCase {
    /// f(x) = Σ r ⊙ y with fixed pseudo-random r, so every output element contributes.
    private func weights(count: Int) -> [Float] {
        (0..<count).map { Float(($0 * 7919 + 13) % 101) / 101 - 0.5 }
    }

    private func objective(_ plan: ExecutionPlan, _ inputs: [String: Tensor<Float>], output: String, r: [Float]) throws -> Double {
        guard case .float(let y)? = try plan.run(inputs)[output] else { throw InferenceError("no float output") }
        return zip(y.scalars, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Checks up to `samples` elements of d f / d input against central differences.
    /// Elements where the one-sided slopes disagree sit on a kink (ReLU at 0, a max-pool
    /// tie), those where the slope depends on the step on a jump (Sign at 0, Floor at an
    /// integer); both are skipped. Returns a failure description or nil.
    func check(plan: ExecutionPlan, inputs: [String: Tensor<Float>], input: String, output: String, samples: Int = 12) throws -> String? {
        guard let outputShape = plan.shape(of: output) else { return nil }
        let r = weights(count: outputShape.reduce(1, *))
        let (_, gradient) = try plan.gradient(of: output, outputGradient: Tensor(shape: outputShape, scalars: r), inputs: inputs, respectTo: input)
        let x = inputs[input]!
        let indices = x.count <= samples ? Array(0..<x.count) : (0..<samples).map { ($0 * 104_729 + 7) % x.count }
        func value(_ i: Int, _ v: Float) throws -> Double {
            var shifted = inputs
            shifted[input]!.scalars[i] = v
            return try objective(plan, shifted, output: output, r: r)
        }
        for i in indices {
            let v = x.scalars[i]
            // Steps as actually represented in Float (large inputs round them).
            let up = v + 1e-2, down = v - 1e-2
            let center = try value(i, v), plus = try value(i, up), minus = try value(i, down)
            let forward = (plus - center) / Double(up - v), backward = (center - minus) / Double(v - down)
            let central = (plus - minus) / Double(up - down)
            let tolerance = 2e-2 * max(1, abs(central))
            if abs(forward - backward) > 2 * tolerance { continue }  // a kink: one-sided slopes differ
            // A jump centred on v (Sign at 0) has equal one-sided slopes, but they grow as the step shrinks.
            let halfUp = v + 5e-3, halfDown = v - 5e-3
            let halfCentral = (try value(i, halfUp) - value(i, halfDown)) / Double(halfUp - halfDown)
            if abs(halfCentral - central) > 2 * tolerance { continue }
            let analytic = Double(gradient.scalars[i])
            if abs(analytic - central) > tolerance {
                return "d/d \(input)[\(i)]: backward \(analytic), finite difference \(central)"
            }
        }
        return nil
    }

    func testConformanceGraphsAgainstFiniteDifferences() throws {
        var failures: [String] = []
        var checked = 0
        for testCase in ONNXConformanceTests.cases {
            guard let (graph, floats, integers) = try? ONNXConformanceTests.load(testCase, dataSet: "test_data_set_0"),
                  graph.outputs.count >= 1 else { continue }
            let plan = try ExecutionPlan(graph: graph, inputShapes: floats.mapValues(\.shape), integerInputs: integers)
            guard case .float? = try plan.run(floats)[graph.outputs[0].name] else { continue }
            for input in floats.keys.sorted() where floats[input]!.count > 0 {
                checked += 1
                do {
                    if let failure = try check(plan: plan, inputs: floats, input: input, output: graph.outputs[0].name) {
                        failures.append("\(testCase.suite)/\(testCase.name): \(failure)")
                    }
                } catch let error as InferenceError where error.description.contains("has no gradient for that input") {
                    checked -= 1  // a weight, bound or statistic fed as a graph input: not a data gradient
                } catch {
                    failures.append("\(testCase.suite)/\(testCase.name): \(error)")
                }
            }
        }
        XCTAssertGreaterThan(checked, 250)
        XCTAssert(failures.isEmpty, "\(failures.count) of \(checked) gradients disagree with finite differences:\n" + failures.joined(separator: "\n"))
    }

    func testExportedModelsAgainstFiniteDifferences() throws {
        for directory in ParityTests.cases {
            let meta = try JSONDecoder().decode(ParityTests.Meta.self, from: Data(contentsOf: directory.appendingPathComponent("meta.json")))
            let graph = try ONNXImporter.load(contentsOf: directory.appendingPathComponent("model.onnx"))
            guard case .float(var x) = try NPY.read(contentsOf: directory.appendingPathComponent("input.npy")) else { return XCTFail() }
            // Two sequences are enough, and keep the finite differences quick.
            let perSequence = x.count / x.shape[0]
            x = Tensor(shape: [min(2, x.shape[0])] + x.shape.dropFirst(), scalars: Array(x.scalars.prefix(min(2, x.shape[0]) * perSequence)))
            let plan = try ExecutionPlan(graph: graph, inputShapes: [meta.input_name: x.shape])
            let failure = try check(plan: plan, inputs: [meta.input_name: x], input: meta.input_name, output: meta.output_name, samples: 16)
            XCTAssertNil(failure, directory.lastPathComponent)
        }
    }

    func testLogitsNameBypassesTheFinalSigmoid() throws {
        let graph = try ONNXImporter.load(contentsOf: Fixtures.url("parity/basset_folded_b1_L200/model.onnx"))
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["input": [1, 4, 200]])
        let logits = try XCTUnwrap(plan.logitsName(for: "output"))
        XCTAssertEqual(plan.shape(of: logits), [1, 5])
        XCTAssertNil(plan.logitsName(for: logits))
    }
}
