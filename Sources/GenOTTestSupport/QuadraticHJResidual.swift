import GenOTTensor

/// The implicit Hamilton–Jacobi residual for the quadratic cost
/// H(p) = ½‖p‖² (docs/method.md §2, §5.1), written out from the formula
/// rather than taken from GenOTTraining, so that tests below that module
/// can use it and tests of the library's residual have an independent
/// reference:
///
///     r(x, t) = u(x, t) − u(x − t p, 0) − t‖p‖²/2,   p = ∇ₓu(x, t).
///
/// `u` maps points (N×d) and times (N×1) to values (N×1); `x` must require a
/// gradient. With `createGraph` the residual can be differentiated again,
/// with respect to whatever `u` closes over (its parameters).
public func quadraticHJResidual(_ u: (Tensor, Tensor) -> Tensor, x: Tensor, t: Tensor,
                                createGraph: Bool = false) -> Tensor {
    let value = u(x, t)
    let p = gradient(of: value.sum(), wrt: x, createGraph: createGraph)
    return value - u(x - t * p, Tensor.zeros(t.shape)) - t * p.square().sum(axis: 1, keepDims: true).scaled(by: 0.5)
}

/// L_HJ for the quadratic cost: the mean square of `quadraticHJResidual`,
/// differentiable with respect to what `u` closes over.
public func quadraticHJLoss(_ u: (Tensor, Tensor) -> Tensor, x: Tensor, t: Tensor) -> Tensor {
    quadraticHJResidual(u, x: x, t: t, createGraph: true).square().mean()
}
