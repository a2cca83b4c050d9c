import Foundation
import GenOTModels
import GenOTNN
import GenOTTensor

/// The VAE training step that `gen-ot speed vae` times, identical to the one
/// scripts/bench/torch_vae_step.py times in PyTorch and to one step of
/// `gen-ot train-vae` (rows split into one shard per core): batch 128 of 28×28 images (uniform noise, made before
/// timing), d = 16, z = μ + exp(½ log σ²) ε, loss = (BCE sum + KL) / 128,
/// backward to every parameter, one Adam (lr 1e-3) update.
public struct VAEStepBenchmark {
    public static let batch = 128, latentDim = 16
    /// Steps in one 60 000-image epoch at batch 128 (as in the torch script).
    public static let stepsPerEpoch = 469

    public let model: VAE
    var optimizer = Adam(learningRate: 1e-3)
    var random: SeededRandom
    /// Input batches prepared up front and cycled, so timing excludes data.
    let batches: [Tensor]
    var next = 0
    /// Shards per step (nil: one per core); 1 is the unsharded step, whole
    /// batch with multi-threaded BLAS, as before sharding.
    public var shards: Int?

    public init(seed: UInt64 = 0, preparedBatches: Int = 16) {
        random = SeededRandom(seed: seed)
        model = VAE(latentDim: Self.latentDim, using: &random)
        var data = random
        batches = (0..<preparedBatches).map { _ in data.uniform([Self.batch, 28, 28, 1]) }
    }

    /// One training step; returns the loss.
    @discardableResult
    public mutating func step() -> Float {
        let images = batches[next % batches.count]
        next += 1
        let noise = random.normal([Self.batch, Self.latentDim])
        OpProfiler.mark("(noise)")
        let parameters = model.parameters
        let (loss, _, _, grads) = model.negativeELBOGradients(images: images, noise: noise, shards: shards)
        OpProfiler.mark("(backward walk)")
        optimizer.step(parameters, gradients: grads)
        OpProfiler.mark("(adam)")
        return loss
    }
}

/// `gen-ot speed vae`: the median VAE step, optionally with its op profile.
public enum VAEBenchmark {
    public static func run(steps: Int, profile: Bool, shards: Int? = nil, print: (String) -> Void) {
        print("threads: \(BLAS.threadCount) (OpenBLAS), core: \(BLASCore.summary), kernels: \(VectorUnit.summary)")
        var bench = VAEStepBenchmark()
        bench.shards = shards
        var loss: Float = .nan
        let samples = Timing.samples(runs: steps, warmup: 10) { loss = bench.step() }
        let median = Timing.median(samples)
        print(String(format: "vae_step median_ms=%.2f p25_ms=%.2f p75_ms=%.2f threads=%d shards=%d batch=%d steps=%d epoch_s=%.2f last_loss=%.6g",
                     median * 1e3, Timing.quantile(samples, 0.25) * 1e3, Timing.quantile(samples, 0.75) * 1e3,
                     BLAS.threadCount, shards ?? DataParallel.shardCount, VAEStepBenchmark.batch, steps,
                     median * Double(VAEStepBenchmark.stepsPerEpoch), Double(loss)))
        if profile { printProfile(steps: 20, print: print) { bench.step() } }
    }

    /// Runs `body` `steps` times under `OpProfiler` and prints where the time went.
    static func printProfile(steps: Int, print: (String) -> Void, _ body: () -> Void) {
        OpProfiler.start()
        for _ in 0..<steps { body() }
        let entries = OpProfiler.stop()
        let total = entries.reduce(0) { $0 + $1.seconds }
        print("profile over \(steps) steps (time charged to the op that ran it; "
              + "time between ops, e.g. the optimiser, goes to the next op):")
        for entry in entries.prefix(20) {
            print("  " + entry.op.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: " %7.2f ms/step  %5.1f%%  %4d calls/step", entry.seconds / Double(steps) * 1e3,
                           100 * entry.seconds / total, entry.calls / steps))
        }
    }
}
