// Matrix product of two 2-D tensors, either operand read transposed in place
// (no copy). The four rules are matrix products of the same kind; without a
// graph to record, each adds its product straight to the input's running
// gradient total when the backward pass owns one (`product(addingTo:)`).

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
        switch (transposeSelf, transposeOther) {
        case (false, false): // C = A B
            return Tensor.record(product, "matmul", [a, b], [
                { g, _ in g.matmul(b, transposeOther: true) },
                { g, _ in a.matmul(g, transposeSelf: true) },
            ], fused: { g, _, needed, totals in [
                needed[0] ? Tensor.product(g, b, transposeB: true, addingTo: totals[0]) : nil,
                needed[1] ? Tensor.product(a, g, transposeA: true, addingTo: totals[1]) : nil,
            ] })
        case (false, true): // C = A Bᵀ
            return Tensor.record(product, "matmul", [a, b], [
                { g, _ in g.matmul(b) },
                { g, _ in g.matmul(a, transposeSelf: true) },
            ], fused: { g, _, needed, totals in [
                needed[0] ? Tensor.product(g, b, addingTo: totals[0]) : nil,
                needed[1] ? Tensor.product(g, a, transposeA: true, addingTo: totals[1]) : nil,
            ] })
        case (true, false): // C = Aᵀ B
            return Tensor.record(product, "matmul", [a, b], [
                { g, _ in b.matmul(g, transposeOther: true) },
                { g, _ in a.matmul(g) },
            ], fused: { g, _, needed, totals in [
                needed[0] ? Tensor.product(b, g, transposeB: true, addingTo: totals[0]) : nil,
                needed[1] ? Tensor.product(a, g, addingTo: totals[1]) : nil,
            ] })
        case (true, true): // C = Aᵀ Bᵀ
            return Tensor.record(product, "matmul", [a, b], [
                { g, _ in b.matmul(g, transposeSelf: true, transposeOther: true) },
                { g, _ in g.matmul(a, transposeSelf: true, transposeOther: true) },
            ], fused: { g, _, needed, totals in [
                needed[0] ? Tensor.product(b, g, transposeA: true, transposeB: true, addingTo: totals[0]) : nil,
                needed[1] ? Tensor.product(g, a, transposeA: true, transposeB: true, addingTo: totals[1]) : nil,
            ] })
        }
    }
}

extension Tensor {
    /// x Wᵀ + b in one GEMM (b added as the product is written, `BLAS.sgemm`):
    /// x: [n, in], weight: [out, in], bias: [out] → [n, out].
    public func affine(weight: Tensor, bias: Tensor) -> Tensor {
        Tensor.affine(blocks: [self], weight: weight, bias: bias)
    }

    /// [x₁ | x₂ | …]·Wᵀ + b for column blocks xᵢ [n, wᵢ] side by side, as
    /// `concat(blocks, axis: 1).affine(…)`, but each block's gradient is
    /// g·W[:, its columns] and only blocks that take one get it: a network
    /// on [x, t, class code] differentiated in x alone forms x's columns of
    /// the input gradient instead of all of them and a slice.
    public static func affine(blocks: [Tensor], weight: Tensor, bias: Tensor) -> Tensor {
        let x = blocks.count == 1 ? blocks[0] : Tensor.concat(blocks, axis: 1)
        precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1] && bias.shape == [weight.shape[0]],
                     "affine: x \(x.shape), weight \(weight.shape), bias \(bias.shape) do not fit")
        let n = x.shape[0], k = x.shape[1], m = weight.shape[0]
        let y = x.storage.withUnsafeBufferPointer { px in
            weight.storage.withUnsafeBufferPointer { pw in
                bias.storage.withUnsafeBufferPointer { pb in
                    Tensor.make([n, m]) { out in
                        if k > 0 {
                            BLAS.sgemm(px.baseAddress!, pw.baseAddress!, out.baseAddress!, m: n, n: m, k: k,
                                       transposeA: false, transposeB: true, rowBias: pb.baseAddress!)
                        } else {
                            RowBias.fill(pb.baseAddress!, rows: n, cols: m, out.baseAddress!)
                        }
                    }
                }
            }
        }
        var offsets: [Int] = [], offset = 0
        for block in blocks { offsets.append(offset); offset += block.shape[1] }
        // A block's columns of W (all of W for a single block: no copy).
        let columns = { (i: Int) in blocks.count == 1 ? weight : weight.slice(axis: 1, start: offsets[i], length: blocks[i].shape[1]) }
        let blockRules: [(_ g: Tensor, _ y: Tensor) -> Tensor] = blocks.indices.map { i in { g, _ in g.matmul(columns(i)) } }
        return record(y, "affine", blocks + [weight, bias], blockRules + [
            { g, _ in g.matmul(x, transposeSelf: true) },
            { g, _ in g.sum(axis: 0) },
        ], fused: { g, _, needed, totals in
            blocks.indices.map { i in needed[i] ? product(g, columns(i), addingTo: totals[i]) : nil } + [
                needed[blocks.count] ? product(g, x, transposeA: true, addingTo: totals[blocks.count]) : nil,
                needed[blocks.count + 1] ? g.sum(axis: 0) : nil,
            ]
        })
    }

    /// op(a)·op(b) for a backward rule that records no graph: added to
    /// `total` in place (one GEMM with β = 1: no zeroed product to write and
    /// read back for the sum) when the backward pass owns a running total,
    /// else a new tensor.
    static func product(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                        addingTo total: Tensor?) -> Tensor? {
        guard let total else { return a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB) }
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(total.shape == [m, n] && (transposeB ? b.shape[1] : b.shape[0]) == k,
                     "product: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") added to \(total.shape)")
        guard k > 0 else { return nil }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                total.storage.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, n: n, k: k,
                               transposeA: transposeA, transposeB: transposeB, beta: 1)
                }
            }
        }
        return nil
    }
}
