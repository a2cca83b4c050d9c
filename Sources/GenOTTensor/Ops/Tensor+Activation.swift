import Foundation

// Activations. SiLU, and its first two derivatives times an incoming gradient,
// are fused SIMD kernels (the HJ loss differentiates the network twice, and
// the profile put SiLU first after GEMM); each has a rule for every input, so
// every order is exact. The others are short rules over primitive ops.

extension Tensor {
    public func tanh() -> Tensor {
        Tensor.record(Elementwise.map(self) { Foundation.tanh($0) }, "tanh", [self], [
            { g, y in g * (1 - y.square()) },
        ])
    }

    public func sigmoid() -> Tensor {
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(shape) { dst in FastMath.map(src, dst, SigmoidKernel.self) }
        }
        return Tensor.record(result, "sigmoid", [self], [
            { g, y in g * (y - y.square()) },
        ])
    }

    /// log(1 + eˣ), computed stably as max(x, 0) + log1p(e^−|x|).
    public func softplus() -> Tensor {
        Tensor.record(Elementwise.map(self) { max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) },
                      "softplus", [self], [{ g, _ in g * self.sigmoid() }])
    }

    public func relu() -> Tensor {
        Tensor.record(Elementwise.map(self) { max($0, 0) }, "relu", [self], [{ g, _ in g * self.step() }])
    }

    /// SiLU with sharpness β: x·σ(βx) = SiLU(βx)/β (β = 1: SiLU(x) = x·σ(x)).
    /// One fused pass for any β. σ(βx) is kept for the backward kernels,
    /// which then need no exp (the HJ step evaluates SiLU′ and SiLU″ at every
    /// activation; recomputing σ there was the largest cost after GEMM).
    public func silu(sharpness beta: Float = 1) -> Tensor {
        var sigmoid = [Float]()
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(shape) { dst in
                sigmoid = [Float](unsafeUninitializedCapacity: src.count) { s, initialized in
                    FastMath.silu(src, sigmoid: s, product: dst, sharpness: beta)
                    initialized = src.count
                }
            }
        }
        return Tensor.record(result, "silu", [self], [
            { g, _ in self.siluDerivative(1, times: g, sigmoid: sigmoid, sharpness: beta) },
        ])
    }

    /// g ⊙ f⁽ᵏ⁾(x) for f(x) = x·σ(βx) and k = 1 or 2, one fused kernel (the
    /// backward and the double backward of `silu(sharpness:)`), from x and
    /// σ(βx). With u = βx: f′ = SiLU′(u) = σ + uσ′, f″ = β·SiLU″(u) =
    /// β(2σ′ + uσ″), where σ′ = σ(1 − σ), σ″ = σ′(1 − 2σ).
    /// Rules: for g, the same op; for x, order k + 1 (f‴ = β²·SiLU‴(u) is
    /// written in ops, so every order stays exact).
    func siluDerivative(_ order: Int, times g: Tensor, sigmoid: [Float], sharpness beta: Float = 1) -> Tensor {
        precondition(g.shape == shape && sigmoid.count == count, "siluDerivative: g \(g.shape) vs x \(shape)")
        let result = storage.withUnsafeBufferPointer { xs in
            g.storage.withUnsafeBufferPointer { gs in
                sigmoid.withUnsafeBufferPointer { ss in
                    Tensor.make(shape) { dst in
                        if order == 1 {
                            FastMath.zip3(xs, ss, gs, dst, SiLUFirstDerivativeKernel.self, constant: beta)
                        } else {
                            FastMath.zip3(xs, ss, gs, dst, SiLUSecondDerivativeKernel.self, constant: beta)
                        }
                    }
                }
            }
        }
        return Tensor.record(result, "silu′×g", [self, g], [
            { h, _ in
                order == 1 ? self.siluDerivative(2, times: h * g, sigmoid: sigmoid, sharpness: beta)
                    : h * g * self.siluThird(sharpness: beta)
            },
            { h, _ in self.siluDerivative(order, times: h, sigmoid: sigmoid, sharpness: beta) },
        ])
    }

    /// f‴(x) = β²·SiLU‴(βx), SiLU‴(u) = 3σ″ + uσ‴, σ‴ = σ″(1 − 2σ) − 2σ′²,
    /// in primitive ops.
    func siluThird(sharpness beta: Float = 1) -> Tensor {
        let u = beta == 1 ? self : scaled(by: beta)
        let s = u.sigmoid()
        let d1 = s - s.square()
        let oneMinusTwoS = 1 - s.scaled(by: 2)
        let d2 = d1 * oneMinusTwoS
        let d3 = d2 * oneMinusTwoS - d1.square().scaled(by: 2)
        let third = d2.scaled(by: 3) + u * d3
        return beta == 1 ? third : third.scaled(by: beta * beta)
    }
}
