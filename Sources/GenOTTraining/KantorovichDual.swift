import GenOTModels
import GenOTTensor

/// The Kantorovich dual term (docs/method.md §5.6): with u₀ = u(·, 0) and the
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
/// is refined by a few Newton-like steps x ← x − P(T(x) − y), P the inverse
/// Jacobian of the Gaussian base's affine map when there is one (the
/// identity otherwise), so it stays exact while the HJ residual at t_f is
/// still large.
enum KantorovichDual {
    /// x̂ with T(x̂) ≈ η for the rows of `eta` [n, d] (normalised target
    /// coordinates, one class or unconditional), and each row's |T(x̂) − η|.
    static func preimages(of eta: Tensor, potential: TransportPotential, class label: Int?,
                          steps: Int) -> (points: Tensor, errors: [Float]) {
        potential.preimages(ofNormalized: eta, class: label, refinements: steps)
    }
}
