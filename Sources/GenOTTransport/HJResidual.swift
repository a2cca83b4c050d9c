import GenOTModels
import GenOTTensor

// The implicit Hamilton–Jacobi residual (docs/method.md §2, §5.1): for any (x, t),
// with p = ∇ₓu(x, t), a solution of ∂ₜu + H(∇ₓu) = 0 satisfies
//
//     u(x, t) = u(x − t∇H(p), 0) + t·(p·∇H(p) − H(p)),
//
// so the residual below is zero for it, and L_HJ = E[residual²].
// No ODE solver: the characteristic through (x, t) is the straight line back
// to x − t∇H(p) at time 0.

/// The residual from values already computed, so a caller can share u(x, t)
/// and p with other terms (the trainer evaluates u once on a stacked batch):
/// `value` = u(x, t) [n, 1], `p` = ∇ₓu(x, t) [n, d] (with a graph when the
/// residual is to be differentiated), x [n, d] and t [n, 1] constants,
/// `initial(x0)` = u(x0, 0) [n, 1].
public func hjResidual(value: Tensor, p: Tensor, x: Tensor, t: Tensor, cost: Cost,
                       initial: (Tensor) -> Tensor) -> Tensor {
    precondition(value.shape == [x.shape[0], 1] && p.shape == x.shape && t.shape == [x.shape[0], 1],
                 "hjResidual: u \(value.shape), p \(p.shape), x \(x.shape), t \(t.shape)")
    let velocity = cost.hamiltonianGradient(p)
    let start = x - t * velocity
    return value - initial(start) - t * cost.characteristicRate(p, velocity: velocity)
}

/// The residual as above, plus the gradient-consistency gap of docs/method.md §5.4
/// (optional term): p is constant along a characteristic, so
/// ∇ₓu(x, t) = ∇ₓu(x − t∇H(p), 0); returns ‖∇ₓu(x, t) − ∇ₓu(x0, 0)‖² [n, 1]
/// with x0 = x − t∇H(p). The value residual sees gradient errors only at
/// second order; this term sees them directly (the inverse map reads p at
/// t_f). Costs one more backward pass, recorded for differentiation.
public func hjResidualAndGradientGap(value: Tensor, p: Tensor, x: Tensor, t: Tensor, cost: Cost,
                                     initial: (Tensor) -> Tensor) -> (residual: Tensor, gradientGap: Tensor) {
    let velocity = cost.hamiltonianGradient(p)
    let start = x - t * velocity
    let initialValue = initial(start)
    let initialMomentum = gradient(of: initialValue, wrt: start, createGraph: true)
    let residual = value - initialValue - t * cost.characteristicRate(p, velocity: velocity)
    let gap = (p - initialMomentum).square().sum(axis: 1, keepDims: true)
    return (residual, gap)
}

/// The residual of any differentiable `u(x, t)` ([n, d], [n, 1] → [n, 1]):
/// p = ∇ₓu is taken with a graph, so the result can be differentiated again.
public func hjResidual(_ u: (Tensor, Tensor) -> Tensor, cost: Cost, x: Tensor, t: Tensor) -> Tensor {
    let leaf = x.detached().requiringGrad()
    let value = u(leaf, t)
    let p = gradient(of: value, wrt: leaf, createGraph: true)
    return hjResidual(value: value, p: p, x: x.detached(), t: t, cost: cost) { start in
        u(start, Tensor.zeros(t.shape))
    }
}

/// The residual of a transport potential at normalised points ξ [n, d],
/// times t [n, 1] and class codes [n, classes].
public func hjResidual(_ potential: TransportPotential, x: Tensor, t: Tensor, code: Tensor) -> Tensor {
    hjResidual({ potential($0, time: $1, code: code) }, cost: potential.cost, x: x, t: t)
}

/// L_HJ = mean of the squared residual.
public func hjLoss(_ residual: Tensor) -> Tensor { residual.square().mean() }
