/// Every command's starting config, in one place (docs/method.md §9.2).
/// Command-line flags override these field by field.
public enum TransportPreset {
    /// `fit` and both benchmarks: the affine part in closed form (the
    /// Gaussian base, with each side scaled to unit spread) and the
    /// Kantorovich dual term for the rest, without the MMD; 10% of each set
    /// held out to keep the step that generalises best (a network fitted to
    /// a finite set drifts from the Gaussian map even when that map is
    /// exact). The dual term's preimages get 16 refinements on 256 targets
    /// per step rather than 8 on 512, for about the same time: closely
    /// solved preimages are what let the dual term unfold the map. The plain
    /// method of the paper is `--gaussian-base false --scale-each-side false
    /// --dual 0 --lambda 1 --held-out 0`.
    ///
    /// The forward map is a convex potential's gradient (ψ, 128 × 3 with the
    /// smoothed-maximum head, docs/method.md §5.8): monotone by construction,
    /// so the refined inverse finds the one preimage, and on maps that split
    /// modes it fitted 4× more closely than the MLP's u(·, 0). ψ needs the
    /// higher rate, and reaches in 3000 steps what the MLP did in 5000.
    /// `--convex-width 0 --lr 1e-3 --steps 5000` is the MLP map.
    public static var pointCloud: TransportConfig {
        var config = TransportConfig()
        config.steps = 3000
        config.convexWidth = 128
        config.learningRate = 3e-3
        config.sourceBatch = 256
        config.targetBatch = 256
        config.lambda = 0
        config.dualWeight = 1
        config.dualRefinements = 16
        config.gaussianBase = true
        config.scaleEachSide = true
        config.heldOutShare = 0.1
        return config
    }

    /// `toy`: 2-D pairs, HJ + MMD from the identity. A 2-d map needs no
    /// 4 × 256 network: 3 × 128 at a higher rate fits as well in a third of
    /// the steps, and 256-point batches cut the n² MMD, which dominated the
    /// step. The monotonicity penalty keeps the map from folding (an OT map
    /// for the quadratic cost is monotone), so the refined inverse has one
    /// solution: with only folds penalised, thin folds with small negative
    /// slopes stayed, each a second preimage; asking every probe for a slope
    /// of at least 0.2, at a weight that makes it bind, removed them for a
    /// little of the MMD fit. On 8gaussians → moons the point-cloud preset's dual term
    /// folded the map more in the same time. A convex forward potential
    /// (`--convex-width 64`) makes the inverse exact on every pair but, in
    /// the same steps, fits the targets visibly less closely.
    public static var toy: TransportConfig {
        var config = TransportConfig()
        config.steps = 2000
        config.width = 128
        config.depth = 3
        config.learningRate = 3e-3
        config.sourceBatch = 256
        config.targetBatch = 256
        config.monotoneWeight = 30
        config.monotoneMargin = 0.2
        return config
    }

    /// `train-transport`: per class, noise or another data set's latents to
    /// a VAE's latents, with multi-scale Gaussian kernels, a Gaussian base and
    /// the Kantorovich dual term with 8 preimage refinements: the dual term
    /// sharpens the samples at T = 1, and with fewer refinements its wrong
    /// preimages fold the map and spoil the round trip T(T⁻¹(y)) = y. The
    /// preimage solves are most of a step's work: 512 targets per step score
    /// as well as 1024 in half the time, and with one class per step the
    /// number of steps is what the scores follow, so the rate is 3e-3 to
    /// make the most of them.
    public static var latent: TransportConfig {
        var config = TransportConfig()
        config.steps = 6000
        config.learningRate = 3e-3
        config.sourceBatch = 512
        config.targetBatch = 512
        config.collocationBatch = 256
        config.classesPerStep = 1
        config.lambda = 10
        config.kernel = .gaussian(multipliers: [0.25, 0.5, 1, 2])
        config.activation = .silu4
        config.gaussianBase = true
        config.dualWeight = 1
        config.dualRefinements = 8
        return config
    }

    /// `color-transfer`: a small network over a Gaussian base (the classic
    /// mean/covariance colour transfer), refined by the HJ + MMD loss.
    public static var colorTransfer: TransportConfig {
        var config = TransportConfig()
        config.steps = 1500
        config.width = 64
        config.depth = 3
        config.sourceBatch = 512
        config.targetBatch = 512
        config.kernel = .defaultGaussian
        config.lambda = 10
        config.gaussianBase = true
        return config
    }
}
