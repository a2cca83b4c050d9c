import Foundation
import GenOTModels
import GenOTTensor

/// How close maps come to a known OT map T* from μ to ν, on fresh points
/// x ~ μ and their exact images y = T*(x) (so the exact inverse is known
/// without inverting T*): the scores both benchmarks print.
///
///     UVP         = 100 · E‖T̂(x) − y‖² / Var ν
///     inverse UVP = 100 · E‖T̂⁻¹(y) − x‖² / Var μ
///     inverse consistency = E‖T̂⁻¹(T̂(x)) − x‖² / d
///
/// with Var = tr Cov. The baselines score the identity and the linear map:
/// the Gaussian closed form between the sample means and covariances of
/// the training sets (what a user gets from the moments alone).
public struct KnownMapScores: Sendable {
    /// x ~ μ, fresh: [n, d].
    public let source: Tensor
    /// y = T*(x): [n, d], Float64.
    public let exact: [Double]
    public let sourceVariance: Double
    public let targetVariance: Double

    public init(source: Tensor, exact: [Double], sourceVariance: Double, targetVariance: Double) {
        precondition(source.rank == 2 && exact.count == source.count, "x is \(source.shape), T*(x) has \(exact.count) values")
        self.source = source
        self.exact = exact
        self.sourceVariance = sourceVariance
        self.targetVariance = targetVariance
    }

    /// y = T*(x) as Float32, the input of T̂⁻¹.
    public var exactTensor: Tensor { Tensor(shape: source.shape, storage: exact.map(Float.init)) }

    /// A learned map's scores (forward, inverse, round trip, and the share of
    /// non-monotone pairs, see `nonMonotoneShare`).
    public struct Learned: Sendable {
        public var uvp: Double
        public var inverseUVP: Double
        public var inverseConsistency: Double
        public var nonMonotone: Double
    }

    public func learned(_ potential: TransportPotential) -> Learned {
        let pushed = potential.forwardMap(source)
        let back = potential.inverseMap(exactTensor)
        return Learned(uvp: unexplainedVariancePercent(pushed, exact, variance: targetVariance),
                       inverseUVP: unexplainedVariancePercent(back, source.storage.map(Double.init), variance: sourceVariance),
                       inverseConsistency: meanSquaredDistancePerCoordinate(potential.inverseMap(pushed), source),
                       nonMonotone: nonMonotoneShare(source, pushed))
    }

    /// The baselines' scores: the identity T(x) = x, and the linear map fitted
    /// to the training sets (forward: Gaussian closed form from the source
    /// set's moments to the target set's; inverse: the other way round).
    public struct Baselines: Sendable {
        public var identityUVP: Double
        public var linearUVP: Double
        public var linearInverseUVP: Double
    }

    public func baselines(trainingSource: Tensor, trainingTarget: Tensor) throws -> Baselines {
        let fittedSource = Gaussian(fitting: trainingSource), fittedTarget = Gaussian(fitting: trainingTarget)
        let forward = try GaussianOTMap(from: fittedSource, to: fittedTarget)
        let backward = try GaussianOTMap(from: fittedTarget, to: fittedSource)
        return Baselines(identityUVP: unexplainedVariancePercent(source, exact, variance: targetVariance),
                         linearUVP: unexplainedVariancePercent(forward.apply(source), exact, variance: targetVariance),
                         linearInverseUVP: unexplainedVariancePercent(backward.apply(exactTensor), source.storage.map(Double.init),
                                                                      variance: sourceVariance))
    }
}

/// 100 · E‖estimate − exact‖² / variance over the rows of `estimate` [n, d]
/// (`exact`: the same [n, d], Float64): the UVP in percent.
public func unexplainedVariancePercent(_ estimate: Tensor, _ exact: [Double], variance: Double) -> Double {
    precondition(estimate.rank == 2 && estimate.count == exact.count, "estimate \(estimate.shape), exact \(exact.count) values")
    var total = 0.0
    for (a, b) in zip(estimate.storage, exact) { total += (Double(a) - b) * (Double(a) - b) }
    return 100 * total / Double(estimate.shape[0]) / variance
}

/// E‖a − b‖² / d over rows: the inverse-consistency error E‖T⁻¹(T(x)) − x‖²/d.
public func meanSquaredDistancePerCoordinate(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.shape == b.shape && a.rank == 2, "shapes \(a.shape) and \(b.shape)")
    var total = 0.0
    for (u, v) in zip(a.storage, b.storage) { total += (Double(u) - Double(v)) * (Double(u) - Double(v)) }
    return total / Double(a.count)
}

/// Share of pairs (i, j), i < j, among the first 500 points with
/// ⟨T(xᵢ) − T(xⱼ), xᵢ − xⱼ⟩ < 0. An optimal map for the quadratic cost is the
/// gradient of a convex function, hence monotone: 0 is expected, and a
/// positive share means crossing characteristics.
public func nonMonotoneShare(_ x: Tensor, _ pushed: Tensor) -> Double {
    let n = Swift.min(500, x.shape[0]), d = x.shape[1]
    var bad = 0, total = 0
    for i in 0..<n {
        for j in (i + 1)..<n {
            var dot: Float = 0
            for k in 0..<d { dot += (pushed.storage[i * d + k] - pushed.storage[j * d + k]) * (x.storage[i * d + k] - x.storage[j * d + k]) }
            if dot < 0 { bad += 1 }
            total += 1
        }
    }
    return total > 0 ? Double(bad) / Double(total) : 0
}
