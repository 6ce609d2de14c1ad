import CVectorMath

/// A residual Add of two same-shaped values on windows (BPNet's x + relu(conv(x)) per layer):
/// the operand whose window spans the result, cut to it, plus the other operand added in place,
/// its window where it has one and the reference elsewhere. The broadcasting rule would first
/// expand the other operand over the whole range (the reference repeated per variant, then its
/// window written in) and write the sum to a third buffer: two more passes over every window.
extension IncrementalEvaluator {
    /// nil when the step is not such an Add (the broadcasting rule then runs it).
    func residualAdd(_ step: ExecutionPlan.Step, inputs: [Variant?], axis: Int, range: Range<Int>) -> [Variant]? {
        guard case .binary(.add) = step.node.op, step.inputSlots.count == 2, let outputSlot = step.outputSlots[0] else { return nil }
        let shape = plan.slotShapes[outputSlot]
        guard axis == shape.count - 1 else { return nil }
        var operands: [(slot: Int, window: Window?)] = []
        for (index, slot) in step.inputSlots.enumerated() {
            guard let slot, plan.constants[slot] == nil, plan.slotShapes[slot] == shape, case .float? = reference[slot] else { return nil }
            switch inputs[index] {
            case .window(let a, let s, let d)? where a == axis: operands.append((slot, Window(axis: a, start: s, data: d)))
            case .reference?, nil: operands.append((slot, nil))
            default: return nil
            }
        }
        let spans = operands.map { $0.window.map { $0.start <= range.lowerBound && $0.start + $0.data.shape[axis] >= range.upperBound } ?? false }
        guard let baseIndex = spans.firstIndex(of: true), let base = operands[baseIndex].window,
              case .float(let otherReference)? = reference[operands[1 - baseIndex].slot] else { return nil }
        let other = operands[1 - baseIndex].window
        var result = base.data.slice(axis: axis, range.lowerBound - base.start, range.upperBound - base.start)
        let width = range.count, length = shape[axis], variants = result.shape[0]
        let rows = result.count / (variants * width)
        // The other operand's window within the range; the reference on either side of it.
        let otherStart = other.map { min(max($0.start, range.lowerBound), range.upperBound) } ?? range.upperBound
        let otherEnd = other.map { max(min($0.start + $0.data.shape[axis], range.upperBound), otherStart) } ?? range.upperBound
        let otherWidth = other?.data.shape[axis] ?? 0
        result.scalars.withUnsafeMutableBufferPointer { out in
        otherReference.scalars.withUnsafeBufferPointer { ref in
        (other?.data.scalars ?? []).withUnsafeBufferPointer { window in
            for variant in 0..<variants {
                // This variant's rows, shifted so that column p of the range is index p.
                let target = out.baseAddress! + variant * rows * width - range.lowerBound
                seqlens_add_rows(ref.baseAddress! + range.lowerBound, length, target + range.lowerBound, width, rows, otherStart - range.lowerBound)
                if otherEnd > otherStart, let start = other?.start {
                    let windowRows = window.baseAddress! + variant * rows * otherWidth - start
                    seqlens_add_rows(windowRows + otherStart, otherWidth, target + otherStart, width, rows, otherEnd - otherStart)
                }
                seqlens_add_rows(ref.baseAddress! + otherEnd, length, target + otherEnd, width, rows, range.upperBound - otherEnd)
            }
        }}}
        return [.window(axis: axis, start: range.lowerBound, data: result)]
    }

}
