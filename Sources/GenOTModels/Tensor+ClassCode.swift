import GenOTTensor

extension Tensor {
    /// start + Σ_c code_c ⊙ f(c) for a one-hot class code `self` [n, classes],
    /// over the classes present in this batch only, summed in that order
    /// (start + f(0) when `classes` is 0: unconditional). Per-class parts of
    /// a potential (the Gaussian bases, ψ's quadratics) are combined with it.
    func classWeightedSum(classes: Int, adding start: Tensor, _ f: (Int) -> Tensor) -> Tensor {
        if classes == 0 { return start + f(0) }
        let n = shape[0]
        var total = start
        for c in 0..<classes {
            var present = false, everyRow = true
            storage.withUnsafeBufferPointer { code in
                for i in 0..<n {
                    present = present || code[i * classes + c] != 0
                    everyRow = everyRow && code[i * classes + c] == 1
                }
            }
            guard present else { continue }
            // A batch of one class (the usual step) needs no weighting.
            total = total + (everyRow && !requiresGrad ? f(c) : slice(axis: 1, start: c, length: 1) * f(c))
        }
        return total
    }
}
