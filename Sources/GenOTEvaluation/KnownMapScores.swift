import Foundation
import GenOTModels
import GenOTTensor
import GenOTTraining

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
