import GenOTTensor

/// A Gaussian N(mean, covariance) in d dimensions, Float64, row-major.
public struct Gaussian: Sendable {
    public let mean: [Double]
    public let covariance: [Double]
    public var dimension: Int { mean.count }

    public init(mean: [Double], covariance: [Double]) {
        precondition(covariance.count == mean.count * mean.count, "covariance must be d×d")
        self.mean = mean
        self.covariance = covariance
    }

    /// Maximum-likelihood fit (covariance divided by n − 1) to samples [n, d].
    public init(fitting samples: Tensor) {
        precondition(samples.rank == 2 && samples.shape[0] > 1, "fit needs [n, d] samples with n > 1, got \(samples.shape)")
        let n = samples.shape[0], d = samples.shape[1]
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(samples.storage[i * d + j]) } }
        mean = mean.map { $0 / Double(n) }
        var covariance = [Double](repeating: 0, count: d * d)
        var centred = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { centred[j] = Double(samples.storage[i * d + j]) - mean[j] }
            for j in 0..<d { for k in j..<d { covariance[j * d + k] += centred[j] * centred[k] } }
        }
        for j in 0..<d { for k in j..<d {
            covariance[j * d + k] /= Double(n - 1)
            covariance[k * d + j] = covariance[j * d + k]
        } }
        self.init(mean: mean, covariance: covariance)
    }

    /// The standard normal N(0, I_d).
    public static func standard(_ d: Int) -> Gaussian {
        var identity = [Double](repeating: 0, count: d * d)
        for i in 0..<d { identity[i * d + i] = 1 }
        return Gaussian(mean: [Double](repeating: 0, count: d), covariance: identity)
    }

    /// Samples mean + L·(T·z) with L = covariance^{1/2} (symmetric root):
    /// N(mean, T²·covariance) at temperature T.
    public func sample(_ count: Int, temperature: Float = 1, using random: inout SeededRandom) throws -> Tensor {
        let d = dimension
        let root = try SymmetricMatrix(size: d, values: covariance).sqrtm().values
        let z = random.normal([count, d]).scaled(by: temperature)
        var out = [Float](repeating: 0, count: count * d)
        for i in 0..<count { for j in 0..<d {
            var v = mean[j]
            for k in 0..<d { v += root[j * d + k] * Double(z.storage[i * d + k]) }
            out[i * d + j] = Float(v)
        } }
        return Tensor(shape: [count, d], storage: out)
    }
}

/// The optimal map between two Gaussians for the quadratic cost:
/// T*(x) = m₂ + A(x − m₁), A = Σ₁^{-1/2}(Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2} Σ₁^{-1/2}
/// (symmetric positive definite).
public struct GaussianOTMap: Sendable {
    /// Row-major [d, d].
    public let matrix: [Double]
    /// T*(x) = matrix·x + offset, offset = m₂ − A m₁.
    public let offset: [Double]
    public var dimension: Int { offset.count }

    public init(from source: Gaussian, to target: Gaussian) throws {
        let d = source.dimension
        precondition(target.dimension == d, "Gaussians of different dimensions")
        let a = try Self.closedForm(source: SymmetricMatrix(size: d, values: source.covariance),
                                    target: SymmetricMatrix(size: d, values: target.covariance)).values
        matrix = a
        offset = (0..<d).map { i in target.mean[i] - (0..<d).reduce(0) { $0 + a[i * d + $1] * source.mean[$1] } }
    }

    /// A = Σ₁^{-1/2}(Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}Σ₁^{-1/2}, from the covariances.
    public static func closedForm(source: SymmetricMatrix, target: SymmetricMatrix) throws -> SymmetricMatrix {
        let n = source.size
        let root = try source.sqrtm(), inverseRoot = try source.inverseSqrtm()
        let middle = try SymmetricMatrix(size: n, values: SymmetricMatrix.product([root, target, root])).sqrtm()
        return SymmetricMatrix(size: n, values: SymmetricMatrix.product([inverseRoot, middle, inverseRoot]))
    }

    /// T*(x) for rows of x: [n, d].
    public func apply(_ x: Tensor) -> Tensor {
        let n = x.shape[0], d = dimension
        var out = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d {
            var v = offset[j]
            for k in 0..<d { v += matrix[j * d + k] * Double(x.storage[i * d + k]) }
            out[i * d + j] = Float(v)
        } }
        return Tensor(shape: [n, d], storage: out)
    }

}
