// Sums and means, over everything or along one axis.

extension Tensor {
    /// Sum of all elements, a scalar.
    public func sum() -> Tensor {
        let source = shape
        return Tensor.record(Tensor(Reduce.sumAll(self)), "sum", [self], [{ g, _ in g.broadcast(to: source) }])
    }

    /// Sum along `axis` (negative counts from the end), keeping it as size 1
    /// when `keepDims`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis)
        var kept = shape
        kept[axis] = 1
        var resultShape = kept
        if !keepDims { resultShape.remove(at: axis) }
        let source = shape
        let result = Tensor(shape: resultShape, storage: Reduce.sum(self, axis: axis).values)
        return Tensor.record(result, "sumAxis", [self], [
            { g, _ in g.reshaped(kept).broadcast(to: source) },
        ])
    }

    public func mean() -> Tensor { sum().scaled(by: 1 / Float(Swift.max(count, 1))) }

    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        sum(axis: axis, keepDims: keepDims).scaled(by: 1 / Float(shape[normalizedAxis(axis)]))
    }

    func normalizedAxis(_ axis: Int) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "axis \(axis) out of range for shape \(shape)")
        return resolved
    }
}
