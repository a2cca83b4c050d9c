import GenOTTensor
import GenOTTransport

/// The real transport training step that `gen-ot speed transport` times:
/// `TransportTrainer.step()` with `TransportPreset.latent` (HJ + λ·MMD,
/// λ = 10, four Gaussian bandwidths, SiLU(4x)/4, Gaussian base, the dual
/// term with 8 preimage refinements; per step one class, 512 sources, 512
/// targets, 256 collocation points) on a problem of
/// the latent model's shape: d = 16, 10 classes, μ_c = N(0, I), ν_c a finite
/// set of 6000 points per class (the size of an MNIST class). The targets are
/// a bent Gaussian (y = m_c + A_c z + 0.3(z² − 1)), not VAE latents: the cost
/// of a step does not depend on where the points lie, and the measurement
/// needs no data files. scripts/bench/torch_step.py --mmd repeats the same
/// step without the dual term (`dual: false`).
///
/// Unlike the PyTorch script, the timed step includes drawing its batches
/// (that is part of `step()`).
public struct TransportStepBenchmark {
    public static let dimension = 16, classes = 10, pointsPerClass = 6000

    public let trainer: TransportTrainer

    public init(seed: UInt64 = 0, dual: Bool = true) throws {
        var random = SeededRandom(seed: seed)
        let d = Self.dimension
        let targets = (0..<Self.classes).map { _ in Self.bentGaussian(count: Self.pointsPerClass, dimension: d, using: &random) }
        let problem = TransportProblem(sources: Array(repeating: .standardNormal(dimension: d), count: Self.classes),
                                       targets: targets.map(Sampler.empirical))
        var config = TransportPreset.latent
        config.seed = seed
        if !dual { config.dualWeight = 0 }
        trainer = try TransportTrainer(problem: problem, config: config)
    }

    /// One step of the trainer; returns L_HJ + λ·L_MMD as reported.
    @discardableResult
    public func step() -> Float {
        let losses = trainer.step()
        return losses.hj + trainer.config.lambda * losses.mmd
    }

    /// [count, d] points m + A z + 0.3(z² − 1), z ~ N(0, I), with a random
    /// mean m ~ N(0, I) and a random A (entries N(0, 1/d)).
    static func bentGaussian(count: Int, dimension d: Int, using random: inout SeededRandom) -> Tensor {
        let mean = (0..<d).map { _ in random.nextNormal() }
        let mixing = (0..<(d * d)).map { _ in random.nextNormal() / Float(d).squareRoot() }
        var points = [Float](repeating: 0, count: count * d)
        var z = [Float](repeating: 0, count: d)
        for i in 0..<count {
            for j in 0..<d { z[j] = random.nextNormal() }
            for j in 0..<d {
                var value = mean[j] + 0.3 * (z[j] * z[j] - 1)
                for k in 0..<d { value += mixing[j * d + k] * z[k] }
                points[i * d + j] = value
            }
        }
        return Tensor(shape: [count, d], storage: points)
    }
}

/// `gen-ot speed transport`: the median transport step, optionally with its
/// op profile; under MPI every rank runs the same steps over its share of
/// each batch (docs/mpi.md) and rank 0 prints every rank's median.
public enum TransportBenchmark {
    public static func run(steps: Int, profile: Bool, dual: Bool, print: (String) -> Void) throws {
        let world = ProcessGroup.world
        print("\(world.size) process(es) × \(BLAS.threadCount) BLAS thread(s) (OpenBLAS), core: \(BLASCore.summary), kernels: \(VectorUnit.summary)")
        let bench = try TransportStepBenchmark(dual: dual)
        var loss: Float = .nan
        // 20 warm-up steps: every class's first step also computes its
        // characteristics, which later steps take from the step before.
        let samples = Timing.samples(runs: steps, warmup: 20) { loss = bench.step() }
        // Every rank's median, so a slow rank shows; a step waits for the slowest anyway.
        let medians = world.gather([Float(Timing.median(samples))]).map(Double.init)
        print(String(format: "median s/step: %.4f (per rank: %@)", medians.max() ?? .nan,
                     medians.map { String(format: "%.4f", $0) }.joined(separator: " ")))
        print(String(format: "hj_mmd_step median_ms=%.2f p25_ms=%.2f p75_ms=%.2f threads=%d collocation=%d sources=%d targets=%d dual_refinements=%d steps=%d last_loss=%.6g",
                     Timing.median(samples) * 1e3, Timing.quantile(samples, 0.25) * 1e3, Timing.quantile(samples, 0.75) * 1e3,
                     BLAS.threadCount, bench.trainer.config.collocationBatch, bench.trainer.config.sourceBatch,
                     bench.trainer.config.targetBatch, dual ? bench.trainer.config.dualRefinements : 0, steps, Double(loss)))
        if profile { VAEBenchmark.printProfile(steps: 20, print: print) { bench.step() } }
    }
}
