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

    /// Samples mean + L·z with L = covariance^{1/2} (symmetric root).
    public func sample(_ count: Int, using random: inout SeededRandom) throws -> Tensor {
        let d = dimension
        let root = try SymmetricEigen.squareRoot(covariance, size: d)
        let z = random.normal([count, d])
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
        let root1 = try SymmetricEigen.squareRoot(source.covariance, size: d)
        let inverseRoot1 = try SymmetricEigen.apply(source.covariance, size: d) { 1 / $0.squareRoot() }
        let middle = try SymmetricEigen.squareRoot(Self.product(Self.product(root1, target.covariance, d), root1, d), size: d)
        var a = Self.product(Self.product(inverseRoot1, middle, d), inverseRoot1, d)
        // Symmetrise away rounding.
        for i in 0..<d { for j in (i + 1)..<max(i + 1, d) {
            let s = 0.5 * (a[i * d + j] + a[j * d + i]); a[i * d + j] = s; a[j * d + i] = s
        } }
        matrix = a
        offset = (0..<d).map { i in target.mean[i] - (0..<d).reduce(0) { $0 + a[i * d + $1] * source.mean[$1] } }
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

    /// Row-major n×n product (small matrices; not a hot path).
    public static func product(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for k in 0..<n { let aik = a[i * n + k]; for j in 0..<n { c[i * n + j] += aik * b[k * n + j] } } }
        return c
    }
}
