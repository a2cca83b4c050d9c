import GenOTTensor

/// The inverse map, refined: T⁻¹(y) = y − t_f∇H(∇u(y, t_f)) is exact only
/// where the HJ residual vanishes, while the forward map reads u(·, 0) alone.
/// A few quasi-Newton steps towards the preimage, started from the closed
/// form, make the inverse the inverse of the forward map itself
/// (docs/method.md §3).
extension TransportPotential {
    /// Refinement steps `inverseMap` takes by default.
    public static let inverseRefinements = 32
    /// The same with a convex ψ: its solve converges from anywhere (f is
    /// convex), so steps beyond 32 still gain where ψ is sharply curved.
    /// The loop stops as soon as every row is solved.
    public static let convexInverseRefinements = 128

    /// The default for this map.
    public var defaultInverseRefinements: Int { convexPart == nil ? Self.inverseRefinements : Self.convexInverseRefinements }

    /// x with T(x) ≈ η for the rows of `eta` [n, d] in the normalised frames
    /// (all of one class, `label`, or unconditional), and each row's
    /// |T(x) − η|. Starts from the closed-form inverse T⁻¹(η).
    ///
    /// Quadratic cost: the preimage minimises the Hopf–Lax objective
    /// f(x) = ½‖x‖² + t_f·u(x, 0) − ⟨x, η⟩, whose gradient is T(x) − η
    /// (docs/method.md §3). Each row runs limited-memory BFGS on f with the
    /// class's Gaussian base for the initial inverse Hessian (its inverse
    /// Jacobian P, the identity without a base) and keeps a step only when it
    /// lowers f enough (Armijo), else halves it. Judging by f rather than by
    /// |T(x) − η| matters where u(·, 0) is not yet convex: there T(x) = η can
    /// have a solution that is a saddle of f, which the dual term would then
    /// count at the wrong value of the conjugate.
    ///
    /// Other costs: steps x ← x − s·P(T(x) − η), kept for the rows whose
    /// |T(x) − η| they lower, s halved on the others and otherwise re-sized by
    /// the secant condition (Barzilai–Borwein) within [1/64, 64].
    public func preimages(ofNormalized eta: Tensor, class label: Int?, refinements: Int) -> (points: Tensor, errors: [Float]) {
        preimages(ofNormalized: eta, class: label, refinements: refinements, from: nil)
    }

    /// The same from a given start instead of the closed form (for tests).
    func preimages(ofNormalized eta: Tensor, class label: Int?, refinements: Int, from given: Tensor?) -> (points: Tensor, errors: [Float]) {
        let n = eta.shape[0], tf = finalTime
        let labels = label.map { Array(repeating: $0, count: n) }
        let base = gaussianBase?[classes == 0 ? 0 : (label ?? 0)]
        let start = given ?? withoutGradient {
            eta - cost.hamiltonianGradient(momentum(atNormalized: eta, time: tf, labels: labels)).scaled(by: tf)
        }
        func precondition(_ v: Tensor) -> Tensor { withoutGradient { base?.inverseJacobian(v, finalTime: tf) ?? v } }
        return cost == .quadratic
            ? minimizeHopfLax(from: start, eta: eta, labels: labels, refinements: refinements, precondition: precondition)
            : solveResidual(from: start, eta: eta, labels: labels, refinements: refinements, precondition: precondition)
    }

    /// Rows whose |T(x) − η| is below this count as solved.
    static let solvedResidual: Float = 1e-6

    /// ‖v_row‖ for row-major rows of `width` values.
    private static func rowNorm(_ v: [Float], row: Int, width d: Int) -> Float {
        (0..<d).reduce(Float(0)) { $0 + v[row * d + $1] * v[row * d + $1] }.squareRoot()
    }

    private func minimizeHopfLax(from start: Tensor, eta: Tensor, labels: [Int]?, refinements: Int,
                                 precondition: (Tensor) -> Tensor) -> (points: Tensor, errors: [Float]) {
        let n = start.shape[0], d = dimension, tf = finalTime
        // f and its gradient T(x) − η at every row of x.
        func evaluate(_ x: Tensor) -> (gradient: [Float], merit: [Float]) {
            let (u, p) = valueAndMomentum(atNormalized: x, time: 0, labels: labels)
            let gradient = withoutGradient { x + p.scaled(by: tf) - eta }.storage
            return (gradient, (0..<n).map { i in
                (0..<d).reduce(tf * u.storage[i]) { total, j in
                    let xj = x.storage[i * d + j]
                    return total + xj * (0.5 * xj - eta.storage[i * d + j])
                }
            })
        }
        func batch(_ v: [Float]) -> [Float] { precondition(Tensor(shape: [n, d], storage: v)).storage }
        var x = start.storage
        var (gradient, merit) = evaluate(start)
        var errors = (0..<n).map { Self.rowNorm(gradient, row: $0, width: d) }
        var memory = PreimageMemory(rows: n, dimension: d, capacity: 8)
        var stepScales = [Float](repeating: 1, count: n)
        for _ in 0..<refinements where errors.contains(where: { $0 > Self.solvedResidual }) {
            var direction = memory.direction(gradients: gradient, precondition: batch)
            var slopes = (0..<n).map { i in (0..<d).reduce(Float(0)) { $0 + gradient[i * d + $1] * direction[i * d + $1] } }
            // A direction that does not descend (rounding in a long history): start the row afresh.
            if slopes.contains(where: { !($0 < 0) }) {
                let plain = batch(gradient)
                for i in 0..<n where !(slopes[i] < 0) {
                    memory.reset(row: i)
                    for j in 0..<d { direction[i * d + j] = -plain[i * d + j] }
                    slopes[i] = (0..<d).reduce(Float(0)) { $0 - gradient[i * d + $1] * plain[i * d + $1] }
                }
            }
            var candidate = x
            for i in 0..<n where errors[i] > Self.solvedResidual {
                for j in 0..<d { candidate[i * d + j] += stepScales[i] * direction[i * d + j] }
            }
            let (movedGradient, movedMerit) = evaluate(Tensor(shape: [n, d], storage: candidate))
            var change = [Float](repeating: 0, count: n * d)
            for k in 0..<(n * d) { change[k] = movedGradient[k] - gradient[k] }
            let preconditionedChange = batch(change)
            for i in 0..<n where errors[i] > Self.solvedResidual {
                let movedError = Self.rowNorm(movedGradient, row: i, width: d)
                // Near the solution f's decrease drowns in Float32 rounding: there
                // a smaller gradient that leaves f (to rounding) unchanged counts too.
                let sufficient = movedMerit[i] <= merit[i] + 1e-4 * stepScales[i] * slopes[i]
                let level = movedError < errors[i] && movedMerit[i] <= merit[i] + 1e-6 * (1 + abs(merit[i]))
                guard sufficient || level else { stepScales[i] *= 0.5; continue }
                let row = (i * d)..<((i + 1) * d)
                let step = zip(candidate[row], x[row]).map { $0 - $1 }
                memory.record(row: i, step: step[...], change: change[row], preconditionedChange: preconditionedChange[row])
                stepScales[i] = 1
                errors[i] = movedError
                merit[i] = movedMerit[i]
                for k in row { x[k] = candidate[k]; gradient[k] = movedGradient[k] }
            }
        }
        return (Tensor(shape: [n, d], storage: x), errors)
    }

    private func solveResidual(from start: Tensor, eta: Tensor, labels: [Int]?, refinements: Int,
                               precondition: (Tensor) -> Tensor) -> (points: Tensor, errors: [Float]) {
        let n = start.shape[0], d = dimension
        func residualOf(_ x: Tensor) -> Tensor {
            let image = forwardMap(atNormalized: x, labels: labels)
            return withoutGradient { image - eta }
        }
        func rowNorms(_ r: Tensor) -> [Float] { (0..<n).map { Self.rowNorm(r.storage, row: $0, width: d) } }
        var x = start
        var residual = residualOf(x)
        var errors = rowNorms(residual)
        var stepSizes = [Float](repeating: 1, count: n)
        for _ in 0..<refinements where errors.contains(where: { $0 > Self.solvedResidual }) {
            let direction = precondition(residual)
            var candidate = x.storage
            for i in 0..<n { for j in 0..<d { candidate[i * d + j] -= stepSizes[i] * direction.storage[i * d + j] } }
            let moved = Tensor(shape: [n, d], storage: candidate)
            let movedResidual = residualOf(moved)
            let movedErrors = rowNorms(movedResidual)
            // P(r_new − r_old): with the step s taken, the secant s ≈ α·P·Δr sizes the next step.
            let change = precondition(movedResidual - residual)
            var points = x.storage, residuals = residual.storage
            for i in 0..<n {
                guard movedErrors[i] < errors[i] else { stepSizes[i] *= 0.5; continue }
                var sg: Float = 0, gg: Float = 0
                for j in 0..<d {
                    let g = change.storage[i * d + j]
                    sg -= stepSizes[i] * direction.storage[i * d + j] * g
                    gg += g * g
                }
                if gg > 0, sg > 0 { stepSizes[i] = Swift.min(Swift.max(sg / gg, 1.0 / 64), 64) }
                errors[i] = movedErrors[i]
                for j in 0..<d { points[i * d + j] = candidate[i * d + j]; residuals[i * d + j] = movedResidual.storage[i * d + j] }
            }
            x = Tensor(shape: [n, d], storage: points)
            residual = Tensor(shape: [n, d], storage: residuals)
        }
        return (x, errors)
    }
}
