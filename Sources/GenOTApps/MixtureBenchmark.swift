import Foundation
import GenOTMetrics
import GenOTTensor
import GenOTTransport

/// `gen-ot benchmark mixture`: per dimension, a mixture of Gaussians μ and
/// its push-forward ν = (∇ψ)#μ by a convex ψ with many more modes
/// (`MixturePair`), so the OT map ∇ψ is known while neither the identity nor
/// the linear map comes close. The map is trained on finite sets from μ and
/// ν, as `fit` would see them, and scored on fresh points (`KnownMapScores`).
public enum MixtureBenchmark {
    /// Points per side in the training sets (`--points`).
    public static let defaultPoints = BenchmarkRow.defaultPoints

    /// The training sets of `pair`: `points` source points x ~ μ and, from an
    /// independent draw x', the target points ∇ψ(x') (the network never sees
    /// which source point goes where).
    public static func trainingSets(_ pair: MixturePair, points: Int, seed: UInt64) -> (source: Tensor, target: Tensor) {
        var random = SeededRandom(seed: BenchmarkRow.trainingSeed(seed, dimension: pair.dimension))
        let source = pair.source.sample(points, using: &random)
        let target = pair.map.push(pair.source.sample(points, using: &random))
        return (source, target)
    }

    /// Fresh points x ~ μ and their images ∇ψ(x).
    public static func knownMap(_ pair: MixturePair, count: Int = 8192, seed: UInt64) -> KnownMapScores {
        var random = SeededRandom(seed: seed)
        let (x, y) = pair.sample(count, using: &random)
        return KnownMapScores(source: x, exact: y, sourceVariance: pair.sourceVariance, targetVariance: pair.targetVariance)
    }

    /// One row: the pair of dimension d from `seed + d`, a map trained with
    /// `config` (default: `TransportPreset.pointCloud`; its seed set to `seed`) on `points` points per side, scored
    /// with the baselines on 8192 fresh points.
    public static func run(dimension d: Int, config: TransportConfig? = nil,
                           points: Int = defaultPoints, seed: UInt64 = 0, shape: MixturePair.Shape = MixturePair.Shape(),
                           evaluateEvery: Int = 0, progress: Bool = true, log: (String) -> Void = { _ in }) throws -> BenchmarkRow {
        let pair = try MixturePair.random(dimension: d, seed: seed &+ UInt64(d), shape: shape)
        var config = config ?? TransportPreset.pointCloud
        config.seed = seed
        log("d = \(d): μ a mixture of \(shape.components) Gaussians, ν = (∇ψ)#μ with \(pair.map.pieceCount) pieces, "
            + "seed \(seed &+ UInt64(d)), \(points) points per side")
        let sets = trainingSets(pair, points: points, seed: seed)
        return try BenchmarkRow.train(label: "mixture d=\(d)", trainingSource: sets.source, trainingTarget: sets.target,
                                      fresh: knownMap(pair, seed: seed &+ 2), monitor: knownMap(pair, count: 2048, seed: seed &+ 1),
                                      config: config, evaluateEvery: evaluateEvery, progress: progress, log: log).row
    }

    /// Every dimension with `configure(d)`'s config, printing each row as it ends.
    public static func run(dimensions: [Int], seed: UInt64, points: Int = defaultPoints, evaluateEvery: Int = 0,
                           configure: (Int) -> TransportConfig, log: (String) -> Void) throws -> [BenchmarkRow] {
        var rows: [BenchmarkRow] = []
        for d in dimensions {
            let row = try run(dimension: d, config: configure(d), points: points, seed: seed, evaluateEvery: evaluateEvery, log: log)
            log(BenchmarkRow.table([row]))
            rows.append(row)
        }
        return rows
    }

    /// The baselines alone (no training): identity and linear UVP of the
    /// pair of dimension d, the linear map fitted to `points` per side.
    public static func baselines(dimension d: Int, points: Int = defaultPoints, seed: UInt64 = 0,
                                 shape: MixturePair.Shape = MixturePair.Shape()) throws -> KnownMapScores.Baselines {
        let pair = try MixturePair.random(dimension: d, seed: seed &+ UInt64(d), shape: shape)
        let sets = trainingSets(pair, points: points, seed: seed)
        return try knownMap(pair, seed: seed &+ 2).baselines(trainingSource: sets.source, trainingTarget: sets.target)
    }

    /// Writes the pair of dimension d as .npy files in `folder`, so that it
    /// can be fitted and scored from outside (`gen-ot fit`, `gen-ot map`):
    /// `mixture-d<d>-source.npy` and `-target.npy`, the training sets [N, d];
    /// `-test-x.npy`, fresh points x ~ μ [8192, d], and `-test-y.npy`, their
    /// exact images ∇ψ(x). Returns the four URLs.
    @discardableResult
    public static func export(dimension d: Int, points: Int = defaultPoints, seed: UInt64 = 0,
                              shape: MixturePair.Shape = MixturePair.Shape(), to folder: URL) throws -> [URL] {
        let pair = try MixturePair.random(dimension: d, seed: seed &+ UInt64(d), shape: shape)
        let sets = trainingSets(pair, points: points, seed: seed)
        let fresh = knownMap(pair, seed: seed &+ 2)
        let files: [(String, Tensor)] = [("source", sets.source), ("target", sets.target),
                                         ("test-x", fresh.source), ("test-y", fresh.exactTensor)]
        return try files.map { name, points in
            let url = folder.appendingPathComponent("mixture-d\(d)-\(name).npy")
            try PointCloud.write(points, to: url)
            return url
        }
    }

    /// The baselines of every dimension as a table (`--baselines-only`): how
    /// hard each pair is before any training.
    public static func baselinesTable(dimensions: [Int], points: Int = defaultPoints, seed: UInt64 = 0,
                                      shape: MixturePair.Shape = MixturePair.Shape()) throws -> String {
        var lines = ["    d  pieces  identity UVP %  linear UVP %  lin inv UVP %"]
        for d in dimensions {
            let b = try baselines(dimension: d, points: points, seed: seed, shape: shape)
            lines.append(String(format: "%5d %7d %15.3f %13.3f %14.3f", d, shape.components * shape.pieces(dimension: d),
                                b.identityUVP, b.linearUVP, b.linearInverseUVP))
        }
        return lines.joined(separator: "\n")
    }
}
