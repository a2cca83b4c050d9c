import Foundation
import GenOTMetrics
import GenOTModels
import GenOTTensor
import GenOTTransport

/// `gen-ot benchmark gaussian`: learn the map between two random Gaussians
/// per dimension and score it against the closed form.
public enum GaussianBenchmark {
    public typealias Row = BenchmarkRow

    /// Fresh points x ~ μ (`count`) and their images under the closed form.
    public static func knownMap(_ problem: GaussianOT, count: Int = 8192, seed: UInt64) -> KnownMapScores {
        var random = SeededRandom(seed: seed)
        let x = problem.sourceSampler.sample(count, using: &random)
        return KnownMapScores(source: x, exact: problem.optimalMap(x), sourceVariance: problem.sourceCovariance.trace,
                              targetVariance: problem.targetCovariance.trace)
    }

    /// Scores of `potential` on fresh samples (`count`).
    public static func score(_ potential: TransportPotential, against problem: GaussianOT, count: Int = 8192,
                             seed: UInt64) -> KnownMapScores.Learned {
        knownMap(problem, count: count, seed: seed).learned(potential)
    }

    /// Splits the UVP of T̂ into parts (each in % of tr Σ2, summing to the
    /// UVP): the error of the mean, of the best affine fit of T̂ beyond the
    /// mean (the covariance the map reaches), and T̂'s departure from
    /// that affine fit (nonlinear wiggles).
    public static func uvpParts(_ potential: TransportPotential, against problem: GaussianOT, count: Int = 8192,
                                seed: UInt64) throws -> (mean: Double, linear: Double, nonlinear: Double) {
        var random = SeededRandom(seed: seed)
        let x = problem.sourceSampler.sample(count, using: &random)
        let pushed = potential.forwardMap(x)
        let exact = problem.optimalMap(x)
        let d = problem.dimension, n = count
        func mean(_ values: [Double]) -> [Double] {
            (0..<d).map { j in stride(from: j, to: values.count, by: d).reduce(0) { $0 + values[$1] } / Double(n) }
        }
        let xs = x.storage.map(Double.init), ys = pushed.storage.map(Double.init)
        let mx = mean(xs), my = mean(ys), me = mean(exact)
        var cx = xs, cy = ys
        for r in 0..<n { for j in 0..<d { cx[r * d + j] -= mx[j]; cy[r * d + j] -= my[j] } }
        // Least squares B = (XᵀX)⁻¹XᵀY on centred data; affine fit = my + (x − mx)B.
        let gram = SymmetricMatrix(size: d, values: Matrix.multiply(cx, cx, d, n, d, transposeA: true))
        let b = Matrix.multiply(try gram.applying { 1 / $0 }.values, Matrix.multiply(cx, cy, d, n, d, transposeA: true), d, d, d)
        let fit = Matrix.multiply(cx, b, n, d, d)
        let trace = problem.targetCovariance.trace
        var linear = 0.0, nonlinear = 0.0
        for r in 0..<n {
            for j in 0..<d {
                let k = r * d + j
                let affine = my[j] + fit[k]
                let e = affine - exact[k] - (my[j] - me[j])
                linear += e * e
                nonlinear += (ys[k] - affine) * (ys[k] - affine)
            }
        }
        let meanPart = zip(my, me).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return (100 * meanPart / trace, 100 * linear / Double(n) / trace, 100 * nonlinear / Double(n) / trace)
    }

    /// Runs every dimension with `configure(d)`'s config, training on `points`
    /// samples per side (as a user's `fit` would see them); the random
    /// Gaussian pair of dimension d comes from `seed + d`, so each row is
    /// reproducible on its own. `evaluateEvery` > 0 prints UVP along the way.
    public static func run(dimensions: [Int], seed: UInt64, points: Int = BenchmarkRow.defaultPoints, evaluateEvery: Int = 0,
                           configure: (Int) -> TransportConfig, log: (String) -> Void) throws -> [Row] {
        var rows: [Row] = []
        for d in dimensions {
            let problem = try GaussianOT.random(dimension: d, seed: seed &+ UInt64(d))
            var config = configure(d)
            config.seed = seed
            log("d = \(d): source N(m1, Σ1), target N(m2, Σ2), seed \(seed &+ UInt64(d)), \(points) points per side")
            var random = SeededRandom(seed: BenchmarkRow.trainingSeed(seed, dimension: d))
            let source = problem.sourceSampler.sample(points, using: &random)
            let target = problem.targetSampler.sample(points, using: &random)
            let (row, potential) = try BenchmarkRow.train(label: "gaussian d=\(d)", trainingSource: source, trainingTarget: target,
                                                          fresh: knownMap(problem, seed: seed &+ 2),
                                                          monitor: knownMap(problem, count: 2048, seed: seed &+ 1),
                                                          config: config, evaluateEvery: evaluateEvery, log: log)
            if let parts = try? uvpParts(potential, against: problem, seed: seed &+ 3) {
                log(String(format: "  UVP parts: mean %.3f%%, affine %.3f%%, nonlinear %.3f%%", parts.mean, parts.linear, parts.nonlinear))
            }
            log(table([row]))
            rows.append(row)
        }
        return rows
    }

    /// Where one training step's time goes, by op, for dimension d (after
    /// `warmup` steps): median step time and the op table.
    public static func profile(dimension d: Int, config: TransportConfig, steps: Int = 30, warmup: Int = 10,
                               log: (String) -> Void) throws {
        let problem = try GaussianOT.random(dimension: d, seed: config.seed &+ UInt64(d))
        let trainer = try TransportTrainer(problem: TransportProblem(source: problem.sourceSampler, target: problem.targetSampler),
                                           config: config)
        for _ in 0..<warmup { trainer.step() }
        var times: [Double] = []
        for _ in 0..<steps {
            let start = Date()
            trainer.step()
            times.append(Date().timeIntervalSince(start))
        }
        times.sort()
        log(String(format: "d = %d: median step %.2f ms (p25 %.2f, p75 %.2f) over %d steps", d, times[steps / 2] * 1e3,
                   times[steps / 4] * 1e3, times[3 * steps / 4] * 1e3, steps))
        OpProfiler.start()
        for _ in 0..<steps { trainer.step() }
        let entries = OpProfiler.stop()
        let total = entries.reduce(0) { $0 + $1.seconds }
        for entry in entries.prefix(20) {
            log(entry.op.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: " %7.2f ms/step  %5.1f%%  %4d calls/step", entry.seconds / Double(steps) * 1e3,
                         100 * entry.seconds / total, entry.calls / steps))
        }
    }

    /// A plain-text table, one row per dimension.
    public static func table(_ rows: [Row]) -> String { BenchmarkRow.table(rows) }
}
