import Foundation
import GenOTMetrics
import GenOTModels
import GenOTTensor
import GenOTTransport

/// One dimension of a benchmark with a known OT map (`benchmark gaussian`,
/// `benchmark mixture`): the baselines, the learned map's scores (see
/// `KnownMapScores`) and the training run's losses and time.
public struct BenchmarkRow: Sendable {
    public var dimension: Int
    /// Points per side the map (and the linear baseline) were fitted to.
    public var points: Int
    /// 100·E‖x − T*(x)‖²/Var ν: the identity map's UVP.
    public var identityUVP: Double
    /// The UVP of the Gaussian closed form between the training sets' moments.
    public var linearUVP: Double
    /// That linear map's inverse (fitted from ν's set to μ's) against x.
    public var linearInverseUVP: Double
    /// 100·E‖T̂(x) − T*(x)‖²/Var ν, x ~ μ fresh.
    public var uvp: Double
    /// 100·E‖T̂⁻¹(y) − x‖²/Var μ, y = T*(x).
    public var inverseUVP: Double
    /// E‖T̂⁻¹(T̂(x)) − x‖²/d.
    public var inverseConsistency: Double
    public var hjLoss: Float
    public var mmdLoss: Float
    public var seconds: Double
    public var steps: Int

    /// Points per side in the training sets (`--points`): what a user's `fit` might see.
    public static let defaultPoints = 20_000

    /// The seed of dimension d's training sets (the pair itself comes from
    /// `seed + d`; the fresh scoring points from `seed + 1` and `seed + 2`).
    static func trainingSeed(_ seed: UInt64, dimension d: Int) -> UInt64 { (seed &+ UInt64(d)) ^ 0x7472_6169_6e73_6574 }

    /// Trains a map on the finite sets (`trainingSource` [N, d] from μ,
    /// `trainingTarget` [M, d] from ν, as a user's `fit` would see them) and
    /// scores it and the baselines on `fresh`. Batches larger than a set
    /// shrink to it, as in `fit`. `evaluateEvery` > 0 prints the scores on
    /// `monitor` along the way. Returns the row and the trained map.
    public static func train(label: String, trainingSource: Tensor, trainingTarget: Tensor, fresh: KnownMapScores,
                             monitor: KnownMapScores, config base: TransportConfig, evaluateEvery: Int = 0,
                             progress: Bool = true, log: (String) -> Void) throws -> (row: BenchmarkRow, potential: TransportPotential) {
        let trainer = try PointCloudTransport.trainer(source: trainingSource, target: trainingTarget, config: base)
        let summary = try trainer.train(label: label, progress: progress, evaluateEvery: evaluateEvery, evaluate: { _, potential in
            let s = monitor.learned(potential)
            return String(format: "UVP %.3f%%  inverse UVP %.3f%%  inverse consistency %.2e  non-monotone pairs %.3f%%",
                          s.uvp, s.inverseUVP, s.inverseConsistency, 100 * s.nonMonotone)
        }, log: log)
        let learned = fresh.learned(trainer.potential)
        let baselines = try fresh.baselines(trainingSource: trainingSource, trainingTarget: trainingTarget)
        let row = BenchmarkRow(dimension: trainingSource.shape[1], points: trainingSource.shape[0],
                               identityUVP: baselines.identityUVP, linearUVP: baselines.linearUVP,
                               linearInverseUVP: baselines.linearInverseUVP, uvp: learned.uvp, inverseUVP: learned.inverseUVP,
                               inverseConsistency: learned.inverseConsistency, hjLoss: summary.hjLoss, mmdLoss: summary.mmdLoss,
                               seconds: summary.seconds, steps: summary.steps)
        return (row, trainer.potential)
    }

    /// A plain-text table, one row per dimension: the baselines, then gen-ot.
    public static func table(_ rows: [BenchmarkRow]) -> String {
        var lines = ["    d   steps  identity UVP %  linear UVP %  lin inv UVP %     UVP %   inv UVP %  inv consistency      L_HJ     L_MMD   seconds"]
        for r in rows {
            lines.append(String(format: "%5d %7d %15.3f %13.3f %14.3f %9.3f %11.3f %16.2e %9.2e %9.2e %9.1f", r.dimension, r.steps,
                                r.identityUVP, r.linearUVP, r.linearInverseUVP, r.uvp, r.inverseUVP, r.inverseConsistency,
                                r.hjLoss, r.mmdLoss, r.seconds))
        }
        return lines.joined(separator: "\n")
    }
}
