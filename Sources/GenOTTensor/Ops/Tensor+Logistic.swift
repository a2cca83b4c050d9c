// Binary cross-entropy on logits as fused ops. The loss of a Bernoulli
// decoder touches every pixel of every image, and the composite
// softplus(z) − y·z made three passes with scalar libm calls; here it is one
// SIMD pass, and its gradient another, each with a rule for every input
// (PyTorch's `binary_cross_entropy_with_logits` and its backward, in the
// style of derivatives.yaml), so higher orders stay exact.

extension Tensor {
    /// Elementwise ℓ(z, y) = softplus(z) − y·z, the binary cross-entropy of
    /// logits z (self) against targets y in [0, 1]; same shapes → same shape.
    /// ∂ℓ/∂z = σ(z) − y, ∂ℓ/∂y = −z.
    public func binaryCrossEntropyWithLogits(targets: Tensor) -> Tensor {
        precondition(shape == targets.shape, "binaryCrossEntropyWithLogits: logits \(shape), targets \(targets.shape)")
        let result = storage.withUnsafeBufferPointer { z in
            targets.storage.withUnsafeBufferPointer { y in
                Tensor.make(shape) { dst in VectorUnit.kernels.logisticLoss(z.baseAddress!, y.baseAddress!, dst.baseAddress!, dst.count) }
            }
        }
        let z = self
        return Tensor.record(result, "bceLogits", [z, targets], [
            { g, _ in z.logisticResidual(targets: targets, times: g) },
            { g, _ in -(g * z) },
        ])
    }

    /// g ⊙ (σ(z) − y), the gradient of `binaryCrossEntropyWithLogits` in z,
    /// one SIMD pass. Rules: for z, h·g·σ(z)(1 − σ(z)); for y, −h·g; for g,
    /// the same op with h.
    func logisticResidual(targets: Tensor, times g: Tensor) -> Tensor {
        precondition(shape == targets.shape && shape == g.shape,
                     "logisticResidual: z \(shape), targets \(targets.shape), g \(g.shape)")
        let result = storage.withUnsafeBufferPointer { z in
            targets.storage.withUnsafeBufferPointer { y in
                g.storage.withUnsafeBufferPointer { gs in
                    Tensor.make(shape) { dst in
                        VectorUnit.kernels.logisticResidual(z.baseAddress!, y.baseAddress!, gs.baseAddress!, dst.baseAddress!, dst.count)
                    }
                }
            }
        }
        let z = self
        return Tensor.record(result, "bceLogits′", [z, targets, g], [
            { h, _ in
                let s = z.sigmoid()
                return h * g * (s - s.square())
            },
            { h, _ in -(h * g) },
            { h, _ in z.logisticResidual(targets: targets, times: h) },
        ])
    }
}
