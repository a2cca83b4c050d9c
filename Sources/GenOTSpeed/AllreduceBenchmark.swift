import Foundation
import GenOTModels
import GenOTTensor

/// `gen-ot speed allreduce`: the cost of summing the transport map's and
/// the VAE's gradients over MPI ranks (`ProcessGroup.world`, docs/mpi.md).
public enum AllreduceBenchmark {
    /// The parameter counts of the latent transport map and of the VAE: the
    /// gradients an MPI step sums.
    public static func modelParameterCounts() throws -> (map: Int, vae: Int) {
        var random = SeededRandom(seed: 0)
        let vae = VAE(latentDim: VAEStepBenchmark.latentDim, using: &random)
        return (try TransportStepBenchmark().trainer.potential.parameterCount, vae.parameters.reduce(0) { $0 + $1.tensor.count })
    }

    /// Median seconds of one sum over the ranks of `count` floats, for each count.
    public static func run(counts: [Int], runs: Int, log: (String) -> Void) {
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
