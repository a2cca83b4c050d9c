// A bias added along the last axis (convolution outputs), as one op.

extension Tensor {
    /// x + b along the last axis: x [..., C], bias [C] → [..., C].
    /// Rules: the gradient itself for x; its column sums (over every axis but
    /// the last, viewed as [rows, C]) for the bias.
    public func addingBias(_ bias: Tensor) -> Tensor {
        precondition(rank >= 1 && bias.shape == [shape[rank - 1]],
                     "addingBias: bias \(bias.shape) does not match the last axis of \(shape)")
        let cols = bias.count, rows = cols == 0 ? 0 : count / cols
        let result = storage.withUnsafeBufferPointer { x in
            bias.storage.withUnsafeBufferPointer { b in
                Tensor.make(shape) { y in RowBias.add(x, b, rows: rows, cols: cols, y) }
            }
        }
        return Tensor.record(result, "addBias", [self, bias], [
            { g, _ in g },
            { g, _ in g.reshaped([rows, cols]).sum(axis: 0) },
        ])
    }
}
