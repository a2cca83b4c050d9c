// A quadratic form on every row of a matrix, as one op with its gradient and
// Hessian in closed form. The Gaussian base of a transport potential is such
// a form at a fixed time; written in primitive ops it took about twenty small
// ops per evaluation, each recorded again by the double backward of the HJ loss.

/// The constants of qᵢ(x) = ½ Σⱼ wᵢⱼ zᵢⱼ² + Σⱼ cⱼ zᵢⱼ + κᵢ with zᵢ = Qᵀxᵢ − oᵢ,
/// for row xᵢ of an [n, d] matrix: a basis Q [d, d], per-row weights w [n, d],
/// offsets o [n, d] and constants κ [n, 1], a linear part c [1, d] (offsets,
/// constants and linear part may be absent: zero).
///
/// ∇qᵢ = Q(wᵢ ⊙ zᵢ + c) and the Hessian Q diag(wᵢ) Qᵀ is constant, so the
/// gradient's own derivative is the same form without its affine parts
/// (`hessian`): every order of differentiation stays in these two ops.
/// The constants take no gradient.
public struct RowQuadratic {
    public let basis: Tensor, weights: Tensor
    public let offsets: Tensor?, constants: Tensor?, linear: Tensor?

    public init(basis: Tensor, weights: Tensor, offsets: Tensor? = nil, constants: Tensor? = nil, linear: Tensor? = nil) {
        let d = basis.shape.first ?? 0, n = weights.shape.first ?? 0
        precondition(basis.shape == [d, d] && weights.shape == [n, d] && offsets.map { $0.shape == [n, d] } ?? true
                     && constants.map { $0.shape == [n, 1] } ?? true && linear.map { $0.shape == [1, d] } ?? true,
                     "RowQuadratic: basis \(basis.shape), weights \(weights.shape), offsets \(offsets?.shape ?? []), constants \(constants?.shape ?? []), linear \(linear?.shape ?? [])")
        precondition(!([basis, weights] + [offsets, constants, linear].compactMap { $0 }).contains { $0.requiresGrad },
                     "RowQuadratic: its constants take no gradient")
        self.basis = basis
        self.weights = weights
        self.offsets = offsets
        self.constants = constants
        self.linear = linear
    }

    /// The form whose gradient is this one's Hessian-vector product:
    /// h ↦ Q diag(wᵢ) Qᵀ hᵢ.
    var hessian: RowQuadratic { RowQuadratic(basis: basis, weights: weights) }

    /// z = xQ − o, [n, d].
    func coordinates(_ x: Tensor) -> [Float] {
        precondition(x.shape == weights.shape, "RowQuadratic: x \(x.shape) for weights \(weights.shape)")
        let n = x.shape[0], d = x.shape[1]
        var z = x.storage.withUnsafeBufferPointer { px in
            basis.storage.withUnsafeBufferPointer { pq in
                [Float](unsafeUninitializedCapacity: n * d) { pz, initialized in
                    if d > 0 {
                        BLAS.sgemm(px.baseAddress!, pq.baseAddress!, pz.baseAddress!, m: n, n: d, k: d,
                                   transposeA: false, transposeB: false)
                    }
                    initialized = n * d
                }
            }
        }
        if let offsets { offsets.storage.withUnsafeBufferPointer { o in for i in z.indices { z[i] -= o[i] } } }
        return z
    }

    /// (s ⊙ (w ⊙ z + c))Qᵀ for per-row scales s (all 1 when nil): the
    /// gradient, or the incoming gradient times it; added to `total` when given.
    func gradient(coordinates z: [Float], rowScales s: [Float]?, addingTo total: Tensor?) -> Tensor? {
        let n = weights.shape[0], d = weights.shape[1]
        let c = linear?.storage ?? [Float](repeating: 0, count: d)
        let v = weights.storage.withUnsafeBufferPointer { w in
            [Float](unsafeUninitializedCapacity: n * d) { v, initialized in
                for i in 0..<n {
                    let scale = s?[i] ?? 1
                    for j in 0..<d { v[i * d + j] = scale * (w[i * d + j] * z[i * d + j] + c[j]) }
                }
                initialized = n * d
            }
        }
        return Tensor.product(Tensor(shape: [n, d], storage: v), basis, transposeB: true, addingTo: total)
    }
}

extension Tensor {
    /// The rows' values qᵢ(xᵢ), [n, 1].
    public func rowQuadratic(_ q: RowQuadratic) -> Tensor {
        let z = q.coordinates(self)
        let n = shape[0], d = shape[1]
        let c = q.linear?.storage ?? [Float](repeating: 0, count: d)
        let values = q.weights.storage.withUnsafeBufferPointer { w in
            (0..<n).map { i in
                var total = q.constants?.storage[i] ?? 0
                for j in 0..<d { total += (0.5 * w[i * d + j] * z[i * d + j] + c[j]) * z[i * d + j] }
                return total
            }
        }
        return Tensor.record(Tensor(shape: [n, 1], storage: values), "rowQuadratic", [self], [
            { g, _ in g * self.rowQuadraticGradient(q) },
        ], fused: { g, _, _, totals in
            [q.gradient(coordinates: z, rowScales: g.storage, addingTo: totals[0])]
        })
    }

    /// The rows' gradients ∇qᵢ(xᵢ), [n, d].
    public func rowQuadraticGradient(_ q: RowQuadratic) -> Tensor {
        let result = q.gradient(coordinates: q.coordinates(self), rowScales: nil, addingTo: nil)!
        let hessian = q.hessian
        return Tensor.record(result, "rowQuadraticGradient", [self], [
            { h, _ in h.rowQuadraticGradient(hessian) },
        ], fused: { h, _, _, totals in
            [hessian.gradient(coordinates: hessian.coordinates(h), rowScales: nil, addingTo: totals[0])]
        })
    }
}
