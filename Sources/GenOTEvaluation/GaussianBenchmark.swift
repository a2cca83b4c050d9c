import Foundation
import GenOTModels
import GenOTTensor
import GenOTTraining

/// `gen-ot benchmark gaussian`: learn the map between two random Gaussians
/// per dimension and score it against the closed form.
public enum GaussianBenchmark {
    public struct Row: Sendable {
        public var dimension: Int
        /// 100·E‖T̂(x) − T*(x)‖²/tr(Σ2), x ~ μ.
        public var uvp: Double
        /// The inverse's UVP: 100·E‖T̂⁻¹(y) − T*⁻¹(y)‖²/tr(Σ1), y ~ ν.
        public var inverseUVP: Double
        /// E‖T̂⁻¹(T̂(x)) − x‖²/d.
        public var inverseConsistency: Double
        public var hjLoss: Float
        public var mmdLoss: Float
        public var seconds: Double
        public var steps: Int
    }

    /// The config the benchmark uses for dimension d (before command-line overrides).
    public static func defaultConfig(dimension: Int) -> TransportConfig {
        var config = TransportConfig()
        config.steps = 8000
        config.sourceBatch = 256
        config.targetBatch = 1024
        config.collocationBatch = 256
        config.lambda = 1
        config.learningRate = 1e-3
        config.schedule = .cosine(finalFactor: 0.01)
        config.characteristicFraction = 0.8
        return config
    }

    /// Scores of `potential` on fresh samples (`count` per side).
    public static func score(_ potential: TransportPotential, against problem: GaussianOT, count: Int = 8192,
                             seed: UInt64) -> (uvp: Double, inverseUVP: Double, inverseConsistency: Double, nonMonotone: Double) {
        var random = SeededRandom(seed: seed)
        let x = problem.sourceSampler.sample(count, using: &random)
        let y = problem.targetSampler.sample(count, using: &random)
        let pushed = potential.forwardMap(x)
        let uvp = problem.unexplainedVariancePercent(source: x, estimate: pushed)
        let back = potential.inverseMap(pushed)
        let consistency = meanSquaredDistancePerCoordinate(back, x)
        // The exact inverse of T*: the closed-form map from ν to μ.
        let inverseUVP: Double
        if let reverse = try? GaussianOT(sourceMean: problem.targetMean, sourceCovariance: problem.targetCovariance,
                                         targetMean: problem.sourceMean, targetCovariance: problem.sourceCovariance) {
            inverseUVP = reverse.unexplainedVariancePercent(source: y, estimate: potential.inverseMap(y))
        } else {
            inverseUVP = .nan
        }
        return (uvp, inverseUVP, consistency, nonMonotoneShare(x, pushed))
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

    /// Runs every dimension with `configure(d)`'s config; the random Gaussian
    /// pair of dimension d comes from `seed + d`, so each row is reproducible
    /// on its own. `evaluateEvery` > 0 prints UVP along the way.
    public static func run(dimensions: [Int], seed: UInt64, evaluateEvery: Int = 0,
                           configure: (Int) -> TransportConfig, log: (String) -> Void) throws -> [Row] {
        var rows: [Row] = []
        for d in dimensions {
            let problem = try GaussianOT.random(dimension: d, seed: seed &+ UInt64(d))
            var config = configure(d)
            config.seed = seed
            log("d = \(d): source N(m1, Σ1), target N(m2, Σ2), seed \(seed &+ UInt64(d))")
            let trainer = try TransportTrainer(problem: TransportProblem(source: problem.sourceSampler, target: problem.targetSampler),
                                               config: config)
            let summary = try trainer.train(label: "gaussian d=\(d)", evaluateEvery: evaluateEvery, evaluate: { step, potential in
                let s = score(potential, against: problem, count: 2048, seed: seed &+ 1)
                return String(format: "UVP %.3f%%  inverse UVP %.3f%%  inverse consistency %.2e  non-monotone pairs %.3f%%",
                              s.uvp, s.inverseUVP, s.inverseConsistency, 100 * s.nonMonotone)
            }, log: log)
            let s = score(trainer.potential, against: problem, seed: seed &+ 2)
            if let parts = try? uvpParts(trainer.potential, against: problem, seed: seed &+ 3) {
                log(String(format: "  UVP parts: mean %.3f%%, affine %.3f%%, nonlinear %.3f%%", parts.mean, parts.linear, parts.nonlinear))
            }
            let row = Row(dimension: d, uvp: s.uvp, inverseUVP: s.inverseUVP, inverseConsistency: s.inverseConsistency,
                          hjLoss: summary.hjLoss, mmdLoss: summary.mmdLoss, seconds: summary.seconds, steps: summary.steps)
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
    public static func table(_ rows: [Row]) -> String {
        var lines = ["    d   steps     UVP %   inv UVP %   inv consistency      L_HJ     L_MMD   time"]
        for r in rows {
            lines.append(String(format: "%5d %7d %9.3f %11.3f %17.2e %9.2e %9.2e   ", r.dimension, r.steps, r.uvp,
                                r.inverseUVP, r.inverseConsistency, r.hjLoss, r.mmdLoss) + Progress.duration(r.seconds))
        }
        return lines.joined(separator: "\n")
    }
}
