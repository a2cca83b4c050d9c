import GenOTModels
import GenOTTensor

/// The Kantorovich dual term (docs/method.md §5.5): with u₀ = u(·, 0) and the
/// Hopf–Lax formula u(y, t_f) = min_x [u₀(x) + c(x, y)],
///
///     W_c(μ, ν) = max over u₀ of  E_ν min_x [u₀(x) + c(x, y)] − E_μ u₀(x),
///
/// and the maximiser's map T(x) = x + t_f∇H(∇u₀(x)) is the OT map. The
/// inner minimiser x̂(y) solves T(x̂) = y, so by the envelope theorem the
/// parameter gradient of  L_dual = E_μ u₀(x) − E_ν u₀(x̂(y))  (x̂ held fixed)
/// is the gradient of −W's bound: a signal linear in u that, unlike a
/// kernel discrepancy, does not fade with the dimension.
///
/// x̂ starts at the closed-form inverse T⁻¹(y) = y − t_f∇H(∇u(y, t_f)) and
/// is refined by minimising u₀(x) + c(x, y) itself (quasi-Newton steps
/// preconditioned by the Gaussian base, `TransportPotential.preimages`), so
/// it is right while the HJ residual at t_f is still large, and it is a
/// minimiser, not any solution of T(x) = y, where u₀ is not convex.
enum KantorovichDual {
    /// The preimages x̂(y) of rows `rows(n)` of each of the step's target
    /// batches (`targets[k]`, n rows of class `classes[k]`, normalised
    /// coordinates), stacked in that order, with their class code and the sum
    /// of |T(x̂) − y|² over them; nil when the range holds no row. Each row is
    /// solved on its own, so a shard of rows gets the same preimages as the
    /// whole batch would: the solve is split over cores and ranks like the
    /// rest of the step.
    static func preimages(of targets: [Tensor], classes: [Int], rows: (Int) -> (start: Int, count: Int),
                          potential: TransportPotential, conditional: Bool,
                          refinements: Int) -> (points: Tensor, code: Tensor, squaredErrors: Float)? {
        var points: [Tensor] = [], labels: [Int] = [], squares: Float = 0
        for (batch, c) in zip(targets, classes) {
            let (start, count) = rows(batch.shape[0])
            guard count > 0 else { continue }
            let solved = potential.preimages(ofNormalized: batch.slice(axis: 0, start: start, length: count),
                                             class: conditional ? c : nil, refinements: refinements)
            points.append(solved.points)
            labels += Array(repeating: conditional ? c : 0, count: count)
            squares += solved.errors.reduce(0) { $0 + $1 * $1 }
        }
        guard !points.isEmpty else { return nil }
        return (Tensor.concat(points, axis: 0), potential.classCode(labels), squares)
    }
}
