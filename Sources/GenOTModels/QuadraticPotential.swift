import GenOTTensor

/// The exact solution of ∂ₜu + ½‖∇u‖² = 0 whose forward map is a given
/// affine map T(x) = x + Bx + b with B symmetric and I + tB positive definite
/// on [0, 1] — the Gaussian OT map, T = m₂ + A(x − m₁), has B = A − I.
///
/// u(x, 0) = ½xᵀBx + bᵀx; along characteristics x = (I + tB)x₀ + tb, so with
/// B = QΛQᵀ, z₀ = Qᵀ(x − tb) / (1 + tλ) (x₀ in B's eigenbasis) and β = Qᵀb:
///     u(x, t) = ½ Σ λᵢz₀ᵢ² + β·z₀ + (t/2)‖Λz₀ + β‖².
/// Written in differentiable ops, so ∇ₓu and the HJ residual go through it.
/// gen-ot uses it as a base under the network (u = u_Gauss + u_θ): training
/// starts from the Gaussian map of each class instead of the identity.
public struct QuadraticPotential: Sendable {
    /// Eigenvalues of B, [1, d].
    public let eigenvalues: Tensor
    /// Eigenvectors of B as columns, [d, d].
    public let eigenvectors: Tensor
    /// b, [1, d].
    public let shift: Tensor
    /// β = Qᵀb, [1, d].
    let shiftInEigenbasis: Tensor

    public init(map: GaussianOTMap) throws {
        let d = map.dimension
        var b = map.matrix
        for i in 0..<d { b[i * d + i] -= 1 }
        let e = try SymmetricMatrix(size: d, values: b).eigen()
        // I + tB must stay positive definite on [0, 1]; a target squeezed to a
        // point or a line (A singular, or nearly: its inverse then overflows
        // in Float32 at t = 1) breaks that.
        if let smallest = e.eigenvalues.min(), let largest = e.eigenvalues.max(), smallest + 1 <= 1e-4 * (largest + 1) {
            throw LinearAlgebraError(routine: "QuadraticPotential", info: 0,
                                     detail: "the Gaussian OT map is singular (smallest eigenvalue of A is \(smallest + 1)): the target does not spread in every direction")
        }
        eigenvalues = Tensor(shape: [1, d], storage: e.eigenvalues.map(Float.init))
        eigenvectors = Tensor(shape: [d, d], storage: e.vectors.map(Float.init))
        shift = Tensor(shape: [1, d], storage: map.offset.map(Float.init))
        shiftInEigenbasis = shift.matmul(eigenvectors)
    }

    /// Rebuilds a potential from its tensors (a checkpoint).
    public init(eigenvalues: Tensor, eigenvectors: Tensor, shift: Tensor) {
        let d = shift.count
        precondition(eigenvalues.shape == [1, d] && eigenvectors.shape == [d, d] && shift.shape == [1, d],
                     "QuadraticPotential: shapes \(eigenvalues.shape), \(eigenvectors.shape), \(shift.shape)")
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
        self.shift = shift
        shiftInEigenbasis = shift.matmul(eigenvectors)
    }

    /// Its tensors under `prefix.` (checkpoint keys).
    public func tensors(prefix: String) -> [(name: String, tensor: Tensor)] {
        [("\(prefix).eigenvalues", eigenvalues), ("\(prefix).eigenvectors", eigenvectors), ("\(prefix).shift", shift)]
    }

    public var dimension: Int { shift.count }

    /// (I + t_f B)⁻¹ r: the inverse Jacobian of the affine map x ↦ x + t_f(Bx + b)
    /// applied to the rows of r [n, d] (a Newton step's preconditioner).
    public func inverseJacobian(_ r: Tensor, finalTime tf: Float) -> Tensor {
        let scaled = r.matmul(eigenvectors) / (1 + tf * eigenvalues)
        return scaled.matmul(eigenvectors, transposeOther: true)
    }

    /// ½xᵀBx, the quadratic part of u(x, 0): x [n, d] → [n, 1].
    public func quadraticPart(_ x: Tensor) -> Tensor {
        (eigenvalues * x.matmul(eigenvectors).square()).sum(axis: 1, keepDims: true).scaled(by: 0.5)
    }

    /// L with L Lᵀ = I + t_f B, the Hessian of the forward map's potential
    /// ½‖x‖² + t_f u(x, 0): Q diag(√(1 + t_f λ)) (a convex potential's start).
    public func forwardHessianFactor(finalTime tf: Float) -> Tensor {
        let d = dimension
        var factor = eigenvectors.storage
        for i in 0..<d { for j in 0..<d { factor[i * d + j] *= Swift.max(1 + tf * eigenvalues.storage[j], 1e-6).squareRoot() } }
        return Tensor(shape: [d, d], storage: factor)
    }

    /// u(x, t): x [n, d], t [n, 1] (or one time for all rows) → [n, 1].
    ///
    /// At times that take no gradient, expanding the formula above gives one
    /// quadratic form per row, u = ½ Σ λᵢ/(1 + tλᵢ) zᵢ² + β·z + (t/2)‖β‖² with
    /// z = Qᵀx − tβ: a single op whose derivatives in x are closed forms
    /// (`RowQuadratic`). A time that takes a gradient goes through the
    /// characteristic form, op by op.
    public func callAsFunction(_ x: Tensor, _ t: Tensor) -> Tensor {
        let n = x.shape[0], d = dimension
        guard !t.requiresGrad, x.shape == [n, d], t.count == n || t.count == 1 else { return characteristicForm(x, t) }
        let times = t.count == n ? t.storage : [Float](repeating: t.storage[0], count: n)
        let lambda = eigenvalues.storage, beta = shiftInEigenbasis.storage
        var weights = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d { weights[i * d + j] = times[i] == 0 ? lambda[j] : lambda[j] / (1 + times[i] * lambda[j]) }
        }
        let moving = times.contains { $0 != 0 }
        let offsets = moving ? Tensor(shape: [n, d], storage: (0..<(n * d)).map { times[$0 / d] * beta[$0 % d] }) : nil
        let halfSquare = beta.reduce(0) { $0 + $1 * $1 } / 2
        let constants = moving ? Tensor(shape: [n, 1], storage: times.map { $0 * halfSquare }) : nil
        return x.rowQuadratic(RowQuadratic(basis: eigenvectors, weights: Tensor(shape: [n, d], storage: weights),
                                           offsets: offsets, constants: constants, linear: shiftInEigenbasis))
    }

    /// u(x, t) along the characteristics, z₀ = Qᵀ(x − tb) / (1 + tλ), in
    /// primitive ops (differentiable in t too).
    func characteristicForm(_ x: Tensor, _ t: Tensor) -> Tensor {
        let z = (x - t * shift).matmul(eigenvectors)            // Qᵀ(x − tb), as rows
        let z0 = z / (1 + t * eigenvalues)                        // [n, d]
        let slope = eigenvalues * z0 + shiftInEigenbasis          // Λz₀ + β = p in the eigenbasis
        let initial = (eigenvalues * z0.square()).sum(axis: 1, keepDims: true).scaled(by: 0.5)
            + (shiftInEigenbasis * z0).sum(axis: 1, keepDims: true)
        return initial + t * slope.square().sum(axis: 1, keepDims: true).scaled(by: 0.5)
    }
}
