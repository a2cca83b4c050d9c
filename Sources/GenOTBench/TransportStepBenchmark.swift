import Foundation
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTraining

/// `gen-ot bench transport` and `bench allreduce`: the speed of one
/// `TransportTrainer.step` of the MNIST latent map, in one process or over
/// MPI ranks (`ProcessGroup.world`), and the cost of summing a gradient
/// over the ranks (docs/mpi.md).
public enum TransportStepBenchmark {
    /// The latent problem of `train-transport --dataset mnist`, with
    /// synthetic latents: noise → 10 classes of 2000 points in d = 16 (the
    /// step's cost does not depend on the points' values).
    public static func trainer() throws -> TransportTrainer {
        var random = SeededRandom(seed: 7)
        let d = 16, classes = 10
        let targets = (0..<classes).map { c in
            Sampler.empirical(random.normal([2000, d], mean: Float(c)))
        }
        let problem = TransportProblem(sources: Array(repeating: .standardNormal(dimension: d), count: classes),
                                       targets: targets)
        var config = TransportPreset.latent
        config.steps = 1_000_000
        return try TransportTrainer(problem: problem, config: config)
    }

    /// Median seconds per step over `steps` steps after 5 warm-up steps;
    /// every rank runs the same steps, rank 0 prints.
    public static func run(steps: Int, log: (String) -> Void) throws {
        let trainer = try trainer(), world = ProcessGroup.world
        log("transport step: MNIST latent map (d = 16, 10 classes, \(trainer.potential.parameterCount) parameters, "
            + "batch \(trainer.config.sourceBatch) sources + \(trainer.config.collocationBatch) collocation points)")
        log("\(world.size) process(es) × \(BLAS.threadCount) BLAS thread(s); \(BLASCore.configLine)")
        var times = Timing.samples(runs: steps, warmup: 5) { trainer.step() }
        // Every rank's median, so a slow rank shows; the step waits for the slowest anyway.
        times = world.gather([Float(Timing.median(times))]).map(Double.init)
        log(String(format: "median s/step: %.4f (per rank: %@)", times.max() ?? .nan,
                   times.map { String(format: "%.4f", $0) }.joined(separator: " ")))
    }

    /// The parameter counts of the MNIST latent map and of the VAE: the
    /// gradients an MPI step sums.
    public static func modelParameterCounts() throws -> (map: Int, vae: Int) {
        var random = SeededRandom(seed: 0)
        let vae = VAE(latentDim: VAEStepBenchmark.latentDim, using: &random)
        return (try trainer().potential.parameterCount, vae.parameters.reduce(0) { $0 + $1.tensor.count })
    }

    /// Median seconds of one sum over the ranks of `count` floats, for each count.
    public static func allreduce(counts: [Int], runs: Int, log: (String) -> Void) {
        let world = ProcessGroup.world
        log("allreduce (MPI_Allreduce, sum, float32) over \(world.size) process(es)")
        for count in counts {
            var buffer = [Float](repeating: 1, count: count)
            let times = Timing.samples(runs: runs, warmup: 5) { buffer.withUnsafeMutableBufferPointer { world.sum($0) } }
            let median = Timing.median(times)
            log(String(format: "%9d floats (%.2f MB): median %.1f µs, %.2f GB/s of buffer", count, Double(count * 4) / 1e6,
                       median * 1e6, Double(count * 4) / median / 1e9))
        }
    }
}
