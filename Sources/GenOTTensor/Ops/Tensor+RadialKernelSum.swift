// A weighted sum of a radial kernel over all pairs of two point sets, with
// its gradient written out: the MMD's terms in one fused pass (no graph).

/// A radial kernel as a function of the squared distance s.
public enum RadialProfile: Sendable, Equatable {
    /// Σ_b exp(a_b·s): Gaussian kernels, a_b = −1/(2σ_b²).
    case exponentials(rates: [Float])
    /// −√(s + ε): the energy distance's kernel.
    case negativeRoot(epsilon: Float)
}

extension Tensor {
    /// For the rows aᵢ of self [s, d] and z_j of `columns` [c, d], with
    /// S_ij = max(‖aᵢ − z_j‖², 0) (rounding can leave it below 0):
    ///
    ///     value = Σ_ij v_j·k(S_ij),   gradientᵢ = Σ_j g_j·∂k(S_ij)/∂aᵢ = 2 Σ_j g_j·k′(S_ij)·(aᵢ − z_j)
    ///
    /// (k′ taken as 0 where the clamp is active), leaving out the pairs
    /// (i, skip[i]). v and g are per-column weights. No graph: the gradient
    /// is written out, 2(Σ_j W_ij·aᵢ − (W z)ᵢ) with W_ij = g_j·k′(S_ij), so
    /// the work is two GEMMs and one pass over the [s, c] matrix.
    public func radialKernelSum(columns z: Tensor, profile: RadialProfile, valueWeights: [Float], slopeWeights: [Float],
                                skip: [Int]? = nil) -> (value: Double, gradient: Tensor) {
        let s = shape[0], c = z.shape[0], d = shape[1]
        precondition(rank == 2 && z.rank == 2 && z.shape[1] == d && valueWeights.count == c && slopeWeights.count == c
                     && (skip?.count ?? s) == s, "radialKernelSum: rows \(shape), columns \(z.shape), \(valueWeights.count) weights")
        let (rates, epsilon): ([Float], Float) = switch profile {
        case .exponentials(let rates): (rates, 0)
        case .negativeRoot(let epsilon): ([], epsilon)
        }
        if case .exponentials = profile { precondition(!rates.isEmpty, "radialKernelSum: no rates") }
        return withoutGradient {
            func squares(_ t: Tensor, _ n: Int) -> [Float] {
                (0..<n).map { i in (0..<d).reduce(Float(0)) { $0 + t.storage[i * d + $1] * t.storage[i * d + $1] } }
            }
            let weights = matmul(z, transposeOther: true)
            let (value, rowSums) = weights.storage.withUnsafeMutableBufferPointer {
                VectorUnit.kernels.radialKernelSum($0, s, c, squares(self, s), squares(z, c), valueWeights, slopeWeights,
                                                   skip ?? [Int](repeating: -1, count: s), rates, epsilon)
            }
            let gradient = (self * Tensor(shape: [s, 1], storage: rowSums) - weights.matmul(z)).scaled(by: 2)
            return (value, gradient)
        }
    }
}
