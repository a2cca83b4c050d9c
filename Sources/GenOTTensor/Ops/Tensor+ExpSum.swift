// A sum of scaled exponentials as one op. Its derivative is the same op with
// the weights multiplied by the rates, so its rule is a table row and every
// derivative of every order is exact.

extension Tensor {
    /// Σ_b w_b·exp(a_b·x), elementwise (`rates` a, `weights` w, as many of
    /// each; weights default to 1). The Gaussian MMD kernel with bandwidths
    /// σ_b is `squaredDistances.expSum(rates: σ.map { −1 / (2σ²) })`.
    /// d/dx = Σ_b w_b·a_b·exp(a_b·x).
    public func expSum(rates: [Float], weights: [Float]? = nil) -> Tensor {
        let weights = weights ?? Array(repeating: 1, count: rates.count)
        precondition(!rates.isEmpty && weights.count == rates.count, "expSum: \(rates.count) rates, \(weights.count) weights")
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(shape) { dst in Pointwise.expSum(src, dst, rates: rates, weights: weights) }
        }
        return Tensor.record(result, "expSum", [self], [
            { g, _ in g * self.expSum(rates: rates, weights: zip(weights, rates).map { $0 * $1 }) },
        ])
    }
}
