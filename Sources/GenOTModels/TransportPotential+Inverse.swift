import GenOTTensor

/// The inverse map, refined: T⁻¹(y) = y − t_f∇H(∇u(y, t_f)) is exact only
/// where the HJ residual vanishes, while the forward map reads u(·, 0) alone.
/// A few Newton-like steps on T(x) = y, started from the closed form, make
/// the inverse the inverse of the forward map itself (docs/method.md §3).
extension TransportPotential {
    /// Refinement steps `inverseMap` takes by default.
    public static let inverseRefinements = 32
    /// The same with a convex ψ: its solve converges from anywhere (the merit
    /// is convex), so steps beyond 32 still gain where ψ is sharply curved.
    /// The loop stops as soon as every row is solved.
    public static let convexInverseRefinements = 128

    /// The default for this map.
    public var defaultInverseRefinements: Int { convexPart == nil ? Self.inverseRefinements : Self.convexInverseRefinements }

    /// x with T(x) ≈ η for the rows of `eta` [n, d] in the normalised frames
    /// (all of one class, `label`, or unconditional), and each row's
    /// |T(x) − η|. Starts from the closed-form inverse; each step
    /// x ← x − s·P(T(x) − η), P the inverse Jacobian of the class's Gaussian
    /// base (the identity without one), is kept only for the rows it brings
    /// closer (with a convex ψ: whose convex f it lowers, see below); the
    /// other rows halve s, so a map that is not yet monotone
    /// (during training) cannot throw a row off. After an accepted step, s
    /// is re-sized by the secant condition (Barzilai–Borwein): the s that best
    /// explains the change of T(x) − y along the step, within [1/64, 64], so
    /// rows where T compresses or stretches more than the base still converge.
    public func preimages(ofNormalized eta: Tensor, class label: Int?, refinements: Int) -> (points: Tensor, errors: [Float]) {
        let n = eta.shape[0], d = dimension, tf = finalTime
        let labels = label.map { Array(repeating: $0, count: n) }
        let base = gaussianBase?[classes == 0 ? 0 : (label ?? 0)]
        func move(_ x: Tensor, time: Float, by sign: Float) -> Tensor {
            let p = momentum(atNormalized: x, time: time, labels: labels)
            return withoutGradient { x + cost.hamiltonianGradient(p).scaled(by: sign * tf) }
        }
        // With a convex ψ the preimage is the minimiser of the convex
        // f(x) = ½‖x‖² + t_f·u(x, 0) − ⟨x, η⟩ (its gradient is T(x) − η), so a
        // step that lowers f is progress even where it raises ‖T(x) − η‖,
        // which on a sharply curved ψ would halve the steps to a standstill.
        let convex = convexPart != nil && cost == .quadratic
        func forward(_ x: Tensor) -> (residual: Tensor, merit: [Float]) {
            let (u, p) = valueAndMomentum(atNormalized: x, time: 0, labels: labels)
            let residual = withoutGradient { x + cost.hamiltonianGradient(p).scaled(by: tf) - eta }
            guard convex else { return (residual, []) }
            return (residual, (0..<n).map { i in
                (0..<d).reduce(tf * u.storage[i]) { total, j in
                    let xj = x.storage[i * d + j]
                    return total + xj * (0.5 * xj - eta.storage[i * d + j])
                }
            })
        }
        func rowNorms(_ r: Tensor) -> [Float] {
            (0..<n).map { i in (0..<d).reduce(Float(0)) { $0 + r.storage[i * d + $1] * r.storage[i * d + $1] }.squareRoot() }
        }
        var x = move(eta, time: tf, by: -1)
        var (residual, merit) = forward(x)
        var errors = rowNorms(residual)
        var stepSizes = [Float](repeating: 1, count: n)
        for _ in 0..<refinements where errors.contains(where: { $0 > 1e-6 }) {
            let direction = withoutGradient { base?.inverseJacobian(residual, finalTime: tf) ?? residual }
            var candidate = x.storage
            for i in 0..<n { for j in 0..<d { candidate[i * d + j] -= stepSizes[i] * direction.storage[i * d + j] } }
            let moved = Tensor(shape: [n, d], storage: candidate)
            let (movedResidual, movedMerit) = forward(moved)
            let movedErrors = rowNorms(movedResidual)
            // P(r_new − r_old): with the step s taken, the secant s ≈ α·P·Δr sizes the next step.
            let change = withoutGradient { base?.inverseJacobian(movedResidual - residual, finalTime: tf) ?? movedResidual - residual }
            var points = x.storage, residuals = residual.storage
            for i in 0..<n {
                // Near the solution f's decrease drowns in Float32 rounding: there
                // a smaller residual that leaves f (to rounding) unchanged counts too.
                let better = convex
                    ? movedMerit[i] < merit[i] || (movedErrors[i] < errors[i] && movedMerit[i] <= merit[i] + 1e-6 * (1 + abs(merit[i])))
                    : movedErrors[i] < errors[i]
                guard better else { stepSizes[i] *= 0.5; continue }
                var sg: Float = 0, gg: Float = 0
                for j in 0..<d {
                    let g = change.storage[i * d + j]
                    sg -= stepSizes[i] * direction.storage[i * d + j] * g
                    gg += g * g
                }
                if gg > 0, sg > 0 { stepSizes[i] = Swift.min(Swift.max(sg / gg, 1.0 / 64), 64) }
                errors[i] = movedErrors[i]
                if convex { merit[i] = movedMerit[i] }
                for j in 0..<d { points[i * d + j] = candidate[i * d + j]; residuals[i * d + j] = movedResidual.storage[i * d + j] }
            }
            x = Tensor(shape: [n, d], storage: points)
            residual = Tensor(shape: [n, d], storage: residuals)
        }
        return (x, errors)
    }
}
