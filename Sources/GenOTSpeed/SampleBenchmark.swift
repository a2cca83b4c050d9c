import GenOTApps
import GenOTModels
import GenOTTensor

/// `gen-ot speed sample`: throughput, in images per second, of what
/// `gen-ot sample` and `gen-ot evaluate` do per image, with untrained
/// models of the shipped shapes (the cost does not depend on the weights,
/// and the measurement needs no checkpoints):
/// - sample: z ~ N(0, I) → T_c(z) (the latent map: 4 × 256, SiLU(4x)/4,
///   d = 16, 10 classes; one forward pass and an input gradient) → VAE decoder;
/// - classify: the classifier's logits on those images (accuracy, and the
///   features that FID is computed from);
/// - encode: the VAE encoder's means (what `invert` and the latent sets take).
public enum SampleBenchmark {
    public static func run(images count: Int, runs: Int, print: (String) -> Void) throws {
        print("threads: \(BLAS.threadCount) (OpenBLAS), core: \(BLASCore.summary), kernels: \(VectorUnit.summary)")
        var random = SeededRandom(seed: 0)
        let vae = VAE(latentDim: 16, using: &random)
        let potential = TransportPotential(dimension: 16, classes: 10, width: 256, depth: 4, activation: .silu4, using: &random)
        let classifier = Classifier(classCount: 10, using: &random)
        let generator = try LatentGenerator(potential: potential, vae: vae)
        let labels = (0..<count).map { $0 % 10 }
        var images = Tensor.zeros([count, 28, 28])
        // Interleaved, so that other load on the machine hits all three alike.
        var sample: [Double] = [], classify: [Double] = [], encode: [Double] = []
        for run in 0..<(runs + 1) {
            let s = Timing.seconds { images = generator.images(for: labels, seed: UInt64(run)) }
            let c = Timing.seconds { _ = classifier.logits(images: images) }
            let e = Timing.seconds { _ = vae.encodeMean(images: images) }
            if run > 0 { sample.append(s); classify.append(c); encode.append(e) }
        }
        for (name, seconds) in [("sample", sample), ("classify", classify), ("encode", encode)] {
            print(String(format: "%@ images_per_s=%.0f median_ms=%.1f p25_ms=%.1f p75_ms=%.1f images=%d runs=%d threads=%d",
                         name, Double(count) / Timing.median(seconds), Timing.median(seconds) * 1e3,
                         Timing.quantile(seconds, 0.25) * 1e3, Timing.quantile(seconds, 0.75) * 1e3, count, runs, BLAS.threadCount))
        }
    }
}
