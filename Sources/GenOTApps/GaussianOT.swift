import Foundation
import GenOTMetrics
import GenOTModels
import GenOTTensor
import GenOTTransport

/// Optimal transport between two Gaussians (quadratic cost), in closed form
/// (docs/method.md §7, §11): μ = N(m1, Σ1), ν = N(m2, Σ2),
///
///     T*(x) = m2 + A(x − m1),  A = Σ1^{-1/2} (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2} Σ1^{-1/2},
///
/// and the scores of a learned map T̂ against it:
/// UVP = 100 · E_μ‖T̂(x) − T*(x)‖² / tr(Σ2) (percent of the target's variance
/// left unexplained). All closed-form arithmetic is Float64.
public struct GaussianOT: Sendable {
    public let sourceMean: [Double], targetMean: [Double]
    public let sourceCovariance: SymmetricMatrix, targetCovariance: SymmetricMatrix
    /// A, symmetric positive definite.
    public let map: SymmetricMatrix
    /// Σ1^{1/2}, Σ2^{1/2}: the sampling factors.
    let sourceRoot: SymmetricMatrix, targetRoot: SymmetricMatrix

    public init(sourceMean: [Double], sourceCovariance: SymmetricMatrix,
                targetMean: [Double], targetCovariance: SymmetricMatrix) throws {
        let d = sourceMean.count
        precondition(targetMean.count == d && sourceCovariance.size == d && targetCovariance.size == d,
                     "Gaussians of different dimensions")
        self.sourceMean = sourceMean
        self.targetMean = targetMean
        self.sourceCovariance = sourceCovariance
        self.targetCovariance = targetCovariance
        sourceRoot = try sourceCovariance.sqrtm()
        targetRoot = try targetCovariance.sqrtm()
        map = try GaussianOTMap.closedForm(source: sourceCovariance, target: targetCovariance)
    }

    /// A random pair in dimension d: covariances Q diag(λ) Qᵀ with λ ~ U[0.5, 2]
    /// and Q Haar-random orthogonal (Gram–Schmidt of a Gaussian matrix);
    /// means with entries ~ N(0, 1).
    public static func random(dimension d: Int, seed: UInt64) throws -> GaussianOT {
        var random = SeededRandom(seed: seed)
        let m1 = (0..<d).map { _ in Double(random.nextNormal()) }, s1 = randomCovariance(d, using: &random)
        let m2 = (0..<d).map { _ in Double(random.nextNormal()) }, s2 = randomCovariance(d, using: &random)
        return try GaussianOT(sourceMean: m1, sourceCovariance: s1, targetMean: m2, targetCovariance: s2)
    }

    /// Q diag(λ) Qᵀ with λ ~ U[low, high] and Q Haar-random (`randomOrthogonal`).
    static func randomCovariance(_ d: Int, low: Double = 0.5, high: Double = 2, using random: inout SeededRandom) -> SymmetricMatrix {
        let q = randomOrthogonal(d, using: &random)
        let lambda = (0..<d).map { _ in low + (high - low) * Double(random.nextUniform()) }
        var scaled = q
        for i in 0..<d { for k in 0..<d { scaled[i * d + k] *= lambda[k] } }
        return SymmetricMatrix(size: d, values: Matrix.multiply(scaled, q, d, d, d, transposeB: true))
    }

    /// A Haar-distributed orthogonal d×d matrix (row-major): modified
    /// Gram–Schmidt on the columns of a standard Gaussian matrix.
    static func randomOrthogonal(_ d: Int, using random: inout SeededRandom) -> [Double] {
        var columns = (0..<d).map { _ in (0..<d).map { _ in Double(random.nextNormal()) } }
        for k in 0..<d {
            for j in 0..<k {
                let dot = zip(columns[k], columns[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<d { columns[k][i] -= dot * columns[j][i] }
            }
            let norm = columns[k].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in 0..<d { columns[k][i] /= norm }
        }
        var q = [Double](repeating: 0, count: d * d)
        for k in 0..<d { for i in 0..<d { q[i * d + k] = columns[k][i] } }
        return q
    }

    public var dimension: Int { sourceMean.count }

    public var sourceSampler: Sampler {
        .gaussian(mean: sourceMean.map { Float($0) }, factor: sourceRoot.values.map { Float($0) })
    }

    public var targetSampler: Sampler {
        .gaussian(mean: targetMean.map { Float($0) }, factor: targetRoot.values.map { Float($0) })
    }

    /// T*(x) = m2 + A(x − m1) for x [n, d], computed in Float64.
    public func optimalMap(_ x: Tensor) -> [Double] {
        let d = dimension, n = x.shape[0]
        var centred = [Double](repeating: 0, count: n * d)
        for r in 0..<n { for j in 0..<d { centred[r * d + j] = Double(x.storage[r * d + j]) - sourceMean[j] } }
        var y = Matrix.multiply(centred, map.values, n, d, d)   // A symmetric: (x − m1)A = (A(x − m1))ᵀ
        for r in 0..<n { for j in 0..<d { y[r * d + j] += targetMean[j] } }
        return y
    }

    /// UVP% of `estimate` (T̂(x) [n, d]) against T*(x) at the same source points x.
    public func unexplainedVariancePercent(source x: Tensor, estimate: Tensor) -> Double {
        GenOTMetrics.unexplainedVariancePercent(estimate, optimalMap(x), variance: targetCovariance.trace)
    }
}
