import GenOTTensor
import GenOTTransport

/// A mixture of Gaussians Σ_c w_c N(m_c, Σ_c) in R^d, Float64, row-major:
/// the source μ of the mixture benchmark.
public struct GaussianMixture: Sendable {
    /// w_c, summing to 1.
    public let weights: [Double]
    /// m_c, each of length d.
    public let means: [[Double]]
    /// Σ_c.
    public let covariances: [SymmetricMatrix]
    /// Σ_c^{1/2}, the sampling factors (x = m_c + Σ_c^{1/2} z, z ~ N(0, I)).
    let roots: [SymmetricMatrix]

    public init(weights: [Double], means: [[Double]], covariances: [SymmetricMatrix]) throws {
        precondition(!weights.isEmpty && weights.count == means.count && weights.count == covariances.count,
                     "a mixture needs one weight, mean and covariance per component")
        let d = means[0].count
        precondition(means.allSatisfy { $0.count == d } && covariances.allSatisfy { $0.size == d },
                     "components of different dimensions")
        let total = weights.reduce(0, +)
        self.weights = weights.map { $0 / total }
        self.means = means
        self.covariances = covariances
        roots = try covariances.map { try $0.sqrtm() }
    }

    public var dimension: Int { means[0].count }
    public var componentCount: Int { weights.count }

    /// The overall mean Σ_c w_c m_c.
    public var mean: [Double] {
        (0..<dimension).map { j in zip(weights, means).reduce(0) { $0 + $1.0 * $1.1[j] } }
    }

    /// Var μ = tr Cov μ = Σ_c w_c (tr Σ_c + ‖m_c − m̄‖²), exact.
    public var variance: Double {
        let m = mean
        return zip(weights, zip(means, covariances)).reduce(0) { total, item in
            let (w, (mc, cov)) = item
            return total + w * (cov.trace + zip(mc, m).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
        }
    }

    /// n points [n, d]: a component drawn by weight, then m_c + Σ_c^{1/2} z.
    public func sample(_ n: Int, using random: inout SeededRandom) -> Tensor {
        let d = dimension
        var out = [Float](repeating: 0, count: n * d)
        var z = [Double](repeating: 0, count: d)
        for i in 0..<n {
            let c = component(at: Double(random.nextUniform()))
            for k in 0..<d { z[k] = Double(random.nextNormal()) }
            let root = roots[c].values, m = means[c]
            for j in 0..<d {
                var v = m[j]
                for k in 0..<d { v += root[j * d + k] * z[k] }
                out[i * d + j] = Float(v)
            }
        }
        return Tensor(shape: [n, d], storage: out)
    }

    /// The component whose cumulative-weight interval holds u ∈ [0, 1).
    private func component(at u: Double) -> Int {
        var cumulative = 0.0
        for (c, w) in weights.enumerated() {
            cumulative += w
            if u < cumulative { return c }
        }
        return weights.count - 1
    }

    /// Fresh draws from μ for training on the distribution itself.
    public var sampler: Sampler {
        let mixture = self
        return Sampler(dimension: dimension) { n, random in mixture.sample(n, using: &random) }
    }
}
