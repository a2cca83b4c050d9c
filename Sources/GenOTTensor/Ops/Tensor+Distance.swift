// Pairwise squared distances, composed from primitives (no rule of its own).

extension Tensor {
    /// ‖xᵢ − yⱼ‖² for x: [n, d], y: [m, d] → [n, m], as ‖x‖² + ‖y‖² − 2xyᵀ.
    /// NOTE: rounding can leave tiny negatives; callers taking a square root
    /// clamp or add an epsilon.
    public func pairwiseSquaredDistances(_ y: Tensor) -> Tensor {
        precondition(rank == 2 && y.rank == 2 && shape[1] == y.shape[1],
                     "pairwise distances need [n, d] and [m, d], got \(shape) and \(y.shape)")
        let xx = square().sum(axis: 1, keepDims: true)               // [n, 1]
        let yy = y.square().sum(axis: 1, keepDims: true).reshaped([1, y.shape[0]])  // [1, m]
        return (xx + yy) - matmul(y, transposeOther: true).scaled(by: 2)
    }
}
