// Matrix product of two 2-D tensors, either operand read transposed in place
// (no copy). The four rules are matrix products of the same kind.

extension Tensor {
    /// op(a)·op(b): a [m, k] (or [k, m] transposed) times b [k, n] (or [n, k]).
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let a = self, b = other
        precondition(a.rank == 2 && b.rank == 2, "matmul needs 2-D operands, got \(a.shape) and \(b.shape)")
        let m = transposeSelf ? a.shape[1] : a.shape[0], k = transposeSelf ? a.shape[0] : a.shape[1]
        let n = transposeOther ? b.shape[0] : b.shape[1], kb = transposeOther ? b.shape[1] : b.shape[0]
        precondition(k == kb, "matmul: inner sizes differ, \(a.shape)\(transposeSelf ? "ᵀ" : "") · \(b.shape)\(transposeOther ? "ᵀ" : "")")
        let product = a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                Tensor.make([m, n]) { pc in
                    if k == 0 { pc.initialize(repeating: 0); return }
                    BLAS.sgemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, n: n, k: k,
                               transposeA: transposeSelf, transposeB: transposeOther)
                }
            }
        }
        // Each input's gradient is one product of the incoming gradient g and
        // the other operand: (left, right, transpose left, transpose right).
        let factors: [(Tensor) -> ProductFactors]
        switch (transposeSelf, transposeOther) {
        case (false, false): // C = A B: dA = g Bᵀ, dB = Aᵀ g
            factors = [{ ProductFactors($0, b, false, true) }, { ProductFactors(a, $0, true, false) }]
        case (false, true): // C = A Bᵀ: dA = g B, dB = gᵀ A
            factors = [{ ProductFactors($0, b, false, false) }, { ProductFactors($0, a, true, false) }]
        case (true, false): // C = Aᵀ B: dA = B gᵀ, dB = A g
            factors = [{ ProductFactors(b, $0, false, true) }, { ProductFactors(a, $0, false, false) }]
        case (true, true): // C = Aᵀ Bᵀ: dA = Bᵀ gᵀ, dB = gᵀ Aᵀ
            factors = [{ ProductFactors(b, $0, true, true) }, { ProductFactors($0, a, true, true) }]
        }
        return Tensor.record(product, "matmul", [a, b], factors.map { factor in { g, _ in factor(g).product() } },
                             fused: { g, _, needed, totals in
            factors.indices.map { needed[$0] ? factors[$0](g).product(onto: totals[$0]) : nil }
        })
    }
}

/// op(left)·op(right): the matrix product that gives one input's gradient.
struct ProductFactors {
    let left: Tensor, right: Tensor, transposeLeft: Bool, transposeRight: Bool

    init(_ left: Tensor, _ right: Tensor, _ transposeLeft: Bool, _ transposeRight: Bool) {
        (self.left, self.right, self.transposeLeft, self.transposeRight) = (left, right, transposeLeft, transposeRight)
    }

    /// The product as a new tensor (recorded when a graph is).
    func product() -> Tensor { left.matmul(right, transposeSelf: transposeLeft, transposeOther: transposeRight) }

    /// Without a graph: added onto the input's running total when the
    /// backward pass hands one over (one GEMM with β = 1: no tensor for the
    /// contribution and no pass to add it), else a new tensor.
    func product(onto total: Tensor?) -> Tensor? {
        guard let total else { return product() }
        let m = transposeLeft ? left.shape[1] : left.shape[0], k = transposeLeft ? left.shape[0] : left.shape[1]
        let n = transposeRight ? right.shape[0] : right.shape[1]
        precondition(total.shape == [m, n], "gradient total \(total.shape) for a [\(m), \(n)] product")
        guard k > 0 else { return nil }
        left.storage.withUnsafeBufferPointer { pa in
            right.storage.withUnsafeBufferPointer { pb in
                total.storage.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, n: n, k: k,
                               transposeA: transposeLeft, transposeB: transposeRight, beta: 1)
                }
            }
        }
        return nil
    }
}

extension Tensor {
    /// x Wᵀ + b in one GEMM (b is written first, then accumulated onto):
    /// x: [n, in], weight: [out, in], bias: [out] → [n, out].
    public func affine(weight: Tensor, bias: Tensor) -> Tensor {
        let x = self
        precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1] && bias.shape == [weight.shape[0]],
                     "affine: x \(x.shape), weight \(weight.shape), bias \(bias.shape) do not fit")
        let n = x.shape[0], k = x.shape[1], m = weight.shape[0]
        let result = x.storage.withUnsafeBufferPointer { px in
            weight.storage.withUnsafeBufferPointer { pw in
                bias.storage.withUnsafeBufferPointer { pb in
                    Tensor.make([n, m]) { out in
                        for row in 0..<n { (out.baseAddress! + row * m).update(from: pb.baseAddress!, count: m) }
                        if k > 0 {
                            BLAS.sgemm(px.baseAddress!, pw.baseAddress!, out.baseAddress!, m: n, n: m, k: k,
                                       transposeA: false, transposeB: true, beta: 1)
                        }
                    }
                }
            }
        }
        // dx = g W and dW = gᵀ x, products as in `matmul`; db = Σ_rows g.
        let factors: [(Tensor) -> ProductFactors] = [{ ProductFactors($0, weight, false, false) }, { ProductFactors($0, x, true, false) }]
        return Tensor.record(result, "affine", [x, weight, bias], [
            { g, _ in factors[0](g).product() },
            { g, _ in factors[1](g).product() },
            { g, _ in g.sum(axis: 0) },
        ], fused: { g, _, needed, totals in
            factors.indices.map { needed[$0] ? factors[$0](g).product(onto: totals[$0]) : nil } + [needed[2] ? g.sum(axis: 0) : nil]
        })
    }
}
