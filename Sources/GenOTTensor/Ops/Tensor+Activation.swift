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
            Tensor.make(shape) { dst in FastMath.map(src, dst, FastMath.sigmoid) }
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

    /// SiLU(x) = x·σ(x).
    public func silu() -> Tensor {
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(shape) { dst in FastMath.map(src, dst) { x in x * FastMath.sigmoid(x) } }
        }
        return Tensor.record(result, "silu", [self], [{ g, _ in self.siluDerivative(1, times: g) }])
    }

    /// g ⊙ SiLU⁽ᵏ⁾(x) for k = 1 or 2, one fused kernel (the backward and the
    /// double backward of SiLU). With σ′ = σ(1 − σ), σ″ = σ′(1 − 2σ):
    /// SiLU′ = σ + xσ′, SiLU″ = 2σ′ + xσ″.
    /// Rules: for g, the same op; for x, order k + 1 (SiLU‴ = 3σ″ + xσ‴ is
    /// written in ops, so every order stays exact).
    func siluDerivative(_ order: Int, times g: Tensor) -> Tensor {
        precondition(g.shape == shape, "siluDerivative: g \(g.shape) vs x \(shape)")
        let result = storage.withUnsafeBufferPointer { xs in
            g.storage.withUnsafeBufferPointer { gs in
                Tensor.make(shape) { dst in
                    if order == 1 {
                        FastMath.zip(xs, gs, dst) { x, g in
                            let s = FastMath.sigmoid(x)
                            return g * (s + x * s * (1 - s))
                        }
                    } else {
                        FastMath.zip(xs, gs, dst) { x, g in
                            let s = FastMath.sigmoid(x), d1 = s * (1 - s)
                            return g * (2 * d1 + x * d1 * (1 - 2 * s))
                        }
                    }
                }
            }
        }
        return Tensor.record(result, "silu′×g", [self, g], [
            { h, _ in order == 1 ? self.siluDerivative(2, times: h * g) : h * g * self.siluThird() },
            { h, _ in self.siluDerivative(order, times: h) },
        ])
    }

    /// SiLU‴(x) = 3σ″ + xσ‴, σ‴ = σ″(1 − 2σ) − 2σ′², in primitive ops.
    func siluThird() -> Tensor {
        let s = sigmoid()
        let d1 = s - s.square()
        let oneMinusTwoS = 1 - s.scaled(by: 2)
        let d2 = d1 * oneMinusTwoS
        let d3 = d2 * oneMinusTwoS - d1.square().scaled(by: 2)
        return d2.scaled(by: 3) + self * d3
    }
}
