import Foundation

// Activations. SiLU and its first two derivatives are fused kernels (the HJ
// loss differentiates the network twice); each has a rule, so every order is
// exact. The other activations are short rules over primitive ops.

extension Tensor {
    public func tanh() -> Tensor {
        Tensor.record(Elementwise.map(self) { Foundation.tanh($0) }, "tanh", [self], [
            { g, y in g * (1 - y.square()) },
        ])
    }

    public func sigmoid() -> Tensor {
        Tensor.record(Elementwise.map(self) { Kernels.sigmoid($0) }, "sigmoid", [self], [
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
        Tensor.record(Elementwise.map(self) { $0 * Kernels.sigmoid($0) }, "silu", [self], [
            { g, _ in g * self.siluPrime() },
        ])
    }

    /// SiLU′(x) = σ + xσ′, with σ′ = σ(1 − σ).
    func siluPrime() -> Tensor {
        Tensor.record(Elementwise.map(self) { x in
            let s = Kernels.sigmoid(x)
            return s + x * s * (1 - s)
        }, "siluPrime", [self], [{ g, _ in g * self.siluSecond() }])
    }

    /// SiLU″(x) = 2σ′ + xσ″, with σ″ = σ′(1 − 2σ).
    func siluSecond() -> Tensor {
        Tensor.record(Elementwise.map(self) { x in
            let s = Kernels.sigmoid(x), d1 = s * (1 - s)
            return 2 * d1 + x * d1 * (1 - 2 * s)
        }, "siluSecond", [self], [
            // SiLU‴ = 3σ″ + xσ‴, σ‴ = σ″(1 − 2σ) − 2σ′², written in ops so
            // that even the fourth derivative stays exact.
            { g, _ in
                let s = self.sigmoid()
                let d1 = s - s.square()
                let oneMinusTwoS = 1 - s.scaled(by: 2)
                let d2 = d1 * oneMinusTwoS
                let d3 = d2 * oneMinusTwoS - d1.square().scaled(by: 2)
                return g * (d2.scaled(by: 3) + self * d3)
            },
        ])
    }
}

enum Kernels {
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        // Stable on both tails: e^x never overflows for the branch taken.
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }
}
