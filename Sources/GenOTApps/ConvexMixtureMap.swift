import Foundation
import GenOTTensor

/// The gradient of a strictly convex potential built from K affine pieces:
///
///     ψ(x) = (1/β) log Σ_k exp(β(a_k·x + b_k)) + (ε/2)‖x‖² + ½ xᵀAx,   A ⪰ 0, ε > 0, β > 0,
///     ∇ψ(x) = Σ_k p_k(x) a_k + εx + Ax,   p(x) = softmax_k(β(a_k·x + b_k)),
///     ∇²ψ(x) = β(Σ_k p_k a_k a_kᵀ − āāᵀ) + εI + A,   ā = Σ_k p_k a_k.
///
/// The first term is a smoothed max of the pieces (log-sum-exp is convex);
/// its Hessian β·Cov_p(a) is positive semi-definite, so ∇²ψ ⪰ εI and ψ is
/// strictly convex. By Brenier's theorem ∇ψ is then the quadratic-cost OT
/// map from any μ with a density to (∇ψ)#μ. Where one piece dominates, ∇ψ
/// is the affine map a_k + (εI + A)x; across the boundary between pieces j
/// and k the weight moves from one to the other as the logistic function of
/// β(a_k − a_j)·x + β(b_k − b_j), over a slab of logistic scale
/// 1/(β‖a_k − a_j‖): that slab is the map's transition width. All arithmetic
/// is Float64.
public struct ConvexMixtureMap: Sendable {
    /// a_k as rows: [K, d].
    public let slopes: [Double]
    /// b_k: [K].
    public let offsets: [Double]
    /// β, the inverse temperature of the smoothed max.
    public let sharpness: Double
    /// ε, the isotropic curvature that makes ψ strictly convex.
    public let curvature: Double
    /// A ⪰ 0.
    public let quadratic: SymmetricMatrix

    public init(slopes: [Double], offsets: [Double], sharpness: Double, curvature: Double, quadratic: SymmetricMatrix) {
        precondition(!offsets.isEmpty && slopes.count == offsets.count * quadratic.size,
                     "\(offsets.count) pieces need \(offsets.count)×\(quadratic.size) slopes, got \(slopes.count)")
        precondition(sharpness > 0 && curvature > 0, "β and ε must be positive")
        self.slopes = slopes
        self.offsets = offsets
        self.sharpness = sharpness
        self.curvature = curvature
        self.quadratic = quadratic
    }

    public var dimension: Int { quadratic.size }
    public var pieceCount: Int { offsets.count }

    /// The logits β(a_k·x + b_k) of the rows of x: [n, d] → [n, K].
    func logits(_ x: [Double], rows n: Int) -> [Double] {
        var logits = Matrix.multiply(x, slopes, n, dimension, pieceCount, transposeB: true)
        let k = pieceCount
        for r in 0..<n { for j in 0..<k { logits[r * k + j] = sharpness * (logits[r * k + j] + offsets[j]) } }
        return logits
    }

    /// p(x) = softmax_k(β(a_k·x + b_k)) for the rows of x: [n, d] → [n, K].
    public func pieceWeights(_ x: [Double], rows n: Int) -> [Double] {
        var p = logits(x, rows: n)
        let k = pieceCount
        for r in 0..<n {
            // NOTE: subtract the row's max before exp: β(a·x + b) reaches hundreds.
            let top = p[(r * k)..<(r * k + k)].max()!
            var total = 0.0
            for j in 0..<k { p[r * k + j] = Foundation.exp(p[r * k + j] - top); total += p[r * k + j] }
            for j in 0..<k { p[r * k + j] /= total }
        }
        return p
    }

    /// ψ at one point x ∈ R^d.
    public func potential(_ x: [Double]) -> Double {
        precondition(x.count == dimension, "x has \(x.count) coordinates, ψ lives in d = \(dimension)")
        let l = logits(x, rows: 1), top = l.max()!
        let smoothMax = (top + Foundation.log(l.reduce(0) { $0 + Foundation.exp($1 - top) })) / sharpness
        let ax = Matrix.multiply(quadratic.values, x, dimension, dimension, 1)
        let quadraticPart = zip(x, ax).reduce(0) { $0 + 0.5 * curvature * $1.0 * $1.0 + 0.5 * $1.0 * $1.1 }
        return smoothMax + quadraticPart
    }

    /// ∇ψ(x) = Σ_k p_k(x) a_k + εx + Ax for the rows of x: [n, d] → [n, d].
    public func gradient(_ x: [Double], rows n: Int) -> [Double] {
        let d = dimension
        precondition(x.count == n * d, "\(x.count) values for \(n) rows in d = \(d)")
        let p = pieceWeights(x, rows: n)
        var y = Matrix.multiply(p, slopes, n, pieceCount, d)
        let ax = Matrix.multiply(x, quadratic.values, n, d, d)   // A symmetric: xA = (Ax)ᵀ
        for i in 0..<(n * d) { y[i] += curvature * x[i] + ax[i] }
        return y
    }

    /// ∇ψ at one point.
    public func gradient(_ x: [Double]) -> [Double] { gradient(x, rows: 1) }

    /// ∇ψ(x) for the rows of a Float32 tensor [n, d], computed in Float64.
    public func apply(_ x: Tensor) -> [Double] {
        precondition(x.rank == 2 && x.shape[1] == dimension, "x is \(x.shape), the map lives in d = \(dimension)")
        return gradient(x.storage.map(Double.init), rows: x.shape[0])
    }

    /// ∇ψ as a Float32 tensor [n, d] (training targets).
    public func push(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, storage: apply(x).map(Float.init))
    }
}
