import Foundation

// Pointwise math. Each rule uses the op's output `y` where that is cheaper
// than recomputing (exp, sqrt).

extension Tensor {
    /// eˣ through the SIMD kernel (the Gaussian MMD kernels take millions
    /// per training step; libm's expf was ~10× slower). Overflows to +∞ above
    /// 88.72 like expf; results below ~1e-38 (x < −87.3) are flushed to 0.
    public func exp() -> Tensor {
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(shape) { dst in Pointwise.map(src, dst, VectorUnit.kernels.exp) }
        }
        return Tensor.record(result, "exp", [self], [{ g, y in g * y }])
    }

    public func log() -> Tensor {
        Tensor.record(Elementwise.map(self) { Foundation.log($0) }, "log", [self], [{ g, _ in g / self }])
    }

    public func sqrt() -> Tensor {
        Tensor.record(Elementwise.map(self) { $0.squareRoot() }, "sqrt", [self], [
            { g, y in (g / y).scaled(by: 0.5) },
        ])
    }

    public func square() -> Tensor {
        Tensor.record(Elementwise.map(self) { $0 * $0 }, "square", [self], [
            { g, _ in (g * self).scaled(by: 2) },
        ])
    }

    /// `x^c` for a constant exponent.
    public func pow(_ c: Float) -> Tensor {
        if c == 1 { return self }
        return Tensor.record(Elementwise.map(self) { Foundation.pow($0, c) }, "pow", [self], [
            { g, _ in g * self.pow(c - 1).scaled(by: c) },
        ])
    }

    public func abs() -> Tensor {
        Tensor.record(Elementwise.map(self) { Swift.abs($0) }, "abs", [self], [{ g, _ in g * self.sign() }])
    }

    /// −1, 0 or 1. Its derivative is zero wherever it exists, so it records nothing.
    public func sign() -> Tensor {
        Elementwise.map(self) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
    }

    /// 1 where x > 0, else 0; piecewise constant, so it records nothing.
    public func step() -> Tensor {
        Elementwise.map(self) { $0 > 0 ? 1 : 0 }
    }
}
