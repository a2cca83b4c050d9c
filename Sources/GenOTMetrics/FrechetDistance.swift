import GenOTModels
import GenOTTensor

/// The Fréchet distance between Gaussian fits of two feature sets (FID when
/// the features come from the evaluation classifier):
/// ‖m₁ − m₂‖² + tr(C₁ + C₂ − 2(C₁^{1/2} C₂ C₁^{1/2})^{1/2}), in Float64.
public enum FrechetDistance {
    public static func between(_ a: Gaussian, _ b: Gaussian) throws -> Double {
        let d = a.dimension
        precondition(b.dimension == d, "Fréchet distance of \(d)- and \(b.dimension)-dimensional Gaussians")
        let rootA = try SymmetricMatrix(size: d, values: a.covariance).sqrtm()
        let middle = SymmetricMatrix.product([rootA, SymmetricMatrix(size: d, values: b.covariance), rootA])
        let crossRoot = try SymmetricMatrix(size: d, values: middle).sqrtm().values
        var distance = zip(a.mean, b.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        for i in 0..<d { distance += a.covariance[i * d + i] + b.covariance[i * d + i] - 2 * crossRoot[i * d + i] }
        return max(distance, 0)
    }

    /// Between two feature sets [n, k] and [m, k].
    public static func between(features a: Tensor, _ b: Tensor) throws -> Double {
        try between(Gaussian(fitting: a), Gaussian(fitting: b))
    }
}
