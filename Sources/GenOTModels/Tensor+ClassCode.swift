import GenOTTensor

extension Tensor {
    /// start + Σ_c code_c ⊙ f(c) for a one-hot class code `self` [n, classes],
    /// over the classes present in this batch only, summed in that order
    /// (start + f(0) when `classes` is 0: unconditional). Per-class parts of
    /// a potential (the Gaussian bases, ψ's quadratics) are combined with it.
    func classWeightedSum(classes: Int, adding start: Tensor, _ f: (Int) -> Tensor) -> Tensor {
        if classes == 0 { return start + f(0) }
        var total = start
        for c in 0..<classes {
            let column = slice(axis: 1, start: c, length: 1)
            guard column.storage.contains(where: { $0 != 0 }) else { continue }
            total = total + column * f(c)
        }
        return total
    }
}
