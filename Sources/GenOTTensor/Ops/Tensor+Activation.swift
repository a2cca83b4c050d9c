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
            Tensor.make(shape) { dst in Pointwise.map(src, dst, VectorUnit.kernels.sigmoid) }
        }
        return Tensor.record(result, "sigmoid", [self], [
            { g, y in g * (y - y.square()) },
        ])
    }

    /// log(1 + eˣ), computed stably as max(x, 0) + log1p(e^−|x|) through the
    /// SIMD kernel (libm's log1pf and expf made it the largest cost of a
    /// convex potential's preimage solves).
    public func softplus() -> Tensor {
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(shape) { dst in Pointwise.map(src, dst, VectorUnit.kernels.softplus) }
        }
        return Tensor.record(result, "softplus", [self], [{ g, _ in g * self.sigmoid() }])
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
                    Pointwise.silu(src, sigmoid: s, product: dst, sharpness: beta)
                    initialized = src.count
                }
            }
        }
        return Tensor.record(result, "silu", [self], [
            { g, _ in self.siluDerivative(1, times: g, sigmoid: sigmoid, sharpness: beta) },
        ], fused: { g, _, _, totals in
            // x's gradient also comes from SiLU′'s node in a double backward:
            // added to that total in the same pass.
            guard let total = totals[0] else { return [self.siluDerivative(1, times: g, sigmoid: sigmoid, sharpness: beta)] }
            self.siluDerivativeBackward(g: g, h: nil, sigmoid: sigmoid, sharpness: beta, addingTo: total, first: false, second: false)
            return [nil]
        })
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
                        Pointwise.siluDerivative(order, xs, sigmoid: ss, gs, dst, sharpness: beta)
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
        ], fused: order == 1 ? { h, _, needed, totals in
            // Both gradients in one pass over x, σ, g and h (the training
            // step's double backward), x's added to its total when it has one.
            let made = self.siluDerivativeBackward(g: g, h: h, sigmoid: sigmoid, sharpness: beta,
                                                   addingTo: needed[0] ? totals[0] : nil,
                                                   first: needed[0] && totals[0] == nil, second: needed[1])
            return [made.first, made.second]
        } : nil)
    }

    /// The backward of g·f′(x) for an incoming gradient h, on (x, σ(βx), g,
    /// h): x's gradient h·g·f″(x) (with h nil: SiLU's own backward g·f′(x))
    /// added to `total` when given, else written to a new tensor when
    /// `first`; g's gradient h·f′(x) written to a new tensor when `second`.
    /// Returns the new tensors.
    @discardableResult
    private func siluDerivativeBackward(g: Tensor, h: Tensor?, sigmoid: [Float], sharpness beta: Float,
                                        addingTo total: Tensor?, first: Bool, second: Bool) -> (first: Tensor?, second: Tensor?) {
        precondition(g.shape == shape && (h?.shape ?? shape) == shape && sigmoid.count == count && (total?.shape ?? shape) == shape,
                     "silu′ backward: g \(g.shape), h \(h?.shape ?? shape), total \(total?.shape ?? shape) vs x \(shape)")
        var made: (first: Tensor?, second: Tensor?) = (nil, nil)
        func run(_ out1: UnsafeMutablePointer<Float>?, _ out2: UnsafeMutablePointer<Float>?) {
            guard count > 0 else { return }
            storage.withUnsafeBufferPointer { xs in
                sigmoid.withUnsafeBufferPointer { ss in
                    g.storage.withUnsafeBufferPointer { gs in
                        (h?.storage ?? []).withUnsafeBufferPointer { hs in
                            Pointwise.siluDerivativeBackward(xs.baseAddress!, sigmoid: ss.baseAddress!, gs.baseAddress!,
                                                             h == nil ? nil : hs.baseAddress!, count: count, sharpness: beta,
                                                             first: out1, addFirst: total != nil, second: out2, addSecond: false)
                        }
                    }
                }
            }
        }
        func withSecond(_ out1: UnsafeMutablePointer<Float>?) {
            if second { made.second = Tensor.make(shape) { run(out1, $0.baseAddress) } } else { run(out1, nil) }
        }
        if let total {
            total.storage.withUnsafeMutableBufferPointer { withSecond($0.baseAddress) }
        } else if first {
            made.first = Tensor.make(shape) { withSecond($0.baseAddress) }
        } else {
            withSecond(nil)
        }
        if OpProfiler.isEnabled { OpProfiler.mark("silu′ fused backward") }
        return made
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
