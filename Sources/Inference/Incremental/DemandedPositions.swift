/// Which positions of each value the evaluated output can read, found backwards from it once
/// per evaluator (issue 18). BPNet's counts head averages positions [557, 1557) of a tower whose
/// eight dilated convolutions spread a substitution over 1,041 positions: a substitution near
/// either end changes many positions that the crop drops, and each layer before the crop is
/// read only over the crop widened by the dilations after it. `evaluate` clips every window to
/// these ranges as it is made, so no layer computes positions no reader reaches (30 % of the
/// tower's columns over a full ISM of BPNet-L2114).
///
/// A clipped window is exact only inside its value's demanded range; outside it the value may
/// differ from the variants' true one, which nothing downstream reads. `values(start:patch:)`,
/// whose caller reads every value, does not clip.
enum PositionDemand: Equatable {
    /// No step on the way to the output reads the value (yet, while walking backwards).
    case unread
    /// Every position, or the value has no positional axis the rules below follow.
    case all
    /// Only these positions of `axis`.
    case positions(axis: Int, Range<Int>)

    /// What two readers need together: the hull of their ranges on one axis.
    func union(_ other: PositionDemand) -> PositionDemand {
        switch (self, other) {
        case (.unread, _): other
        case (_, .unread): self
        case (.positions(let a, let r), .positions(let b, let s)) where a == b: .positions(axis: a, min(r.lowerBound, s.lowerBound) ..< max(r.upperBound, s.upperBound))
        default: .all
        }
    }
}

extension IncrementalEvaluator {
    /// By slot, what the output reads of each value computed on the way to it.
    static func positionDemands(plan: ExecutionPlan, outputSlot: Int, feedsOutput: [Bool]) -> [PositionDemand] {
        var demands = [PositionDemand](repeating: .unread, count: plan.slotShapes.count)
        demands[outputSlot] = .all
        for (index, step) in plan.steps.enumerated().reversed() where feedsOutput[index] {
            // Several outputs (MaxPool's indices, Split): not followed.
            let read: PositionDemand = step.outputSlots.count == 1 ? step.outputSlots[0].map { demands[$0] } ?? .all : .all
            for (operand, slot) in step.inputSlots.enumerated() {
                guard let slot, plan.constants[slot] == nil else { continue }
                let demand = read == .unread ? .all : inputDemand(step, operand: operand, read: read, plan: plan)
                demands[slot] = demands[slot].union(demand)
            }
        }
        return demands
    }

    /// The positions of operand `operand` that the step reads to give `read` of its output.
    /// Follows the rules whose positions map one to one or by a kernel; anything else reads all.
    private static func inputDemand(_ step: ExecutionPlan.Step, operand: Int, read: PositionDemand, plan: ExecutionPlan) -> PositionDemand {
        guard let slot = step.inputSlots[operand], let outputSlot = step.outputSlots[0] else { return .all }
        let inputShape = plan.slotShapes[slot], outputShape = plan.slotShapes[outputSlot]
        let node = step.node
        if case .crop = node.op.windowRule, operand == 0 {
            // Reading all of a crop reads its bounds on the last axis (the positional one of
            // channels-first towers, BPNet's).
            let axis: Int
            let positions: Range<Int>
            switch read {
            case .positions(let a, let r): (axis, positions) = (a, r)
            default: (axis, positions) = (outputShape.count - 1, 0 ..< outputShape[outputShape.count - 1])
            }
            let constants: [Value?] = [nil] + step.inputSlots.dropFirst().map { $0.flatMap { plan.constants[$0] } }
            guard step.inputSlots.dropFirst().allSatisfy({ $0.map { plan.constants[$0] != nil } ?? true }),
                  let region = try? ShapeOps.SliceRegion(inputShape, io: KernelIO(node: node, values: constants), node: node),
                  axis < inputShape.count, region.steps[axis] == 1 else { return .all }
            let start = region.starts[axis]
            return .positions(axis: axis, start + positions.lowerBound ..< start + positions.upperBound)
        }
        guard case .positions(let axis, let positions) = read else { return .all }
        switch node.op.windowRule {
        case .pointwise, .perChannel:
            return operand == 0 ? read : .all
        case .broadcasting:
            return inputShape.count == outputShape.count && inputShape[axis] == outputShape[axis] ? read : .all
        case .convolution(let attributes):
            guard operand == 0, let weightSlot = step.inputSlots[1],
                  let geometry = try? Conv.geometry(attributes, input: inputShape, weights: plan.slotShapes[weightSlot], node: node) else { return .all }
            return kernelDemand(axis: axis, positions: positions, geometry: geometry, inputShape: inputShape)
        case .pool(let attributes, _):
            guard operand == 0, let geometry = try? Pool.geometry(attributes, input: inputShape, node: node) else { return .all }
            return kernelDemand(axis: axis, positions: positions, geometry: geometry, inputShape: inputShape)
        default:
            return .all
        }
    }

    /// The input positions that output positions `positions` of the last axis read through a
    /// kernel (the padding's positions dropped).
    private static func kernelDemand(axis: Int, positions: Range<Int>, geometry: WindowGeometry, inputShape: [Int]) -> PositionDemand {
        let last = geometry.kernel.count - 1
        guard axis == inputShape.count - 1, !positions.isEmpty else { return .all }
        let (kernel, stride, dilation, padBegin) = (geometry.kernel[last], geometry.strides[last], geometry.dilations[last], geometry.padBegin[last])
        let from = positions.lowerBound * stride - padBegin
        let to = (positions.upperBound - 1) * stride - padBegin + (kernel - 1) * dilation + 1
        let length = inputShape[axis]
        return .positions(axis: axis, max(0, from) ..< max(max(0, from), min(length, to)))
    }

    /// The positions of `axis` of `slot` that `evaluate` computes; nil: all of them.
    func demandedPositions(_ slot: Int?, axis: Int) -> Range<Int>? {
        guard clipsToDemand, let slot, case .positions(axis, let positions) = positionDemands[slot] else { return nil }
        return positions
    }

    /// A window cut to its value's demanded positions: `.reference` when none of it is read.
    func clippedToDemand(_ variant: Variant, slot: Int?) -> Variant {
        guard case .window(let axis, let start, let data) = variant, let demanded = demandedPositions(slot, axis: axis) else { return variant }
        let end = start + data.shape[axis]
        let from = max(start, demanded.lowerBound), to = min(end, demanded.upperBound)
        if from >= to { return .reference }
        if from == start && to == end { return variant }
        return .window(axis: axis, start: from, data: data.slice(axis: axis, from - start, to - start))
    }
}

extension IncrementalEvaluator {
    /// The positions of a named value that `evaluate` computes; nil: all of them.
    package func demandedPositions(ofValue name: String) -> (axis: Int, positions: Range<Int>)? {
        guard let slot = plan.slotOf[name], case .positions(let axis, let positions) = positionDemands[slot] else { return nil }
        return (axis, positions)
    }
}
