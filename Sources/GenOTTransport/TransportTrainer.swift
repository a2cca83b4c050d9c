import Foundation
import GenOTModels
import GenOTNN
import GenOTTensor

/// Trains u_θ by Adam on L = L_HJ + λ·L_MMD (docs/method.md §5, §8).
///
/// One step: draw `classesPerStep` classes; for each, `sourceBatch` points
/// x0 ~ μ_c and `targetBatch` points y ~ ν_c; draw collocation points (x, t)
/// (a share on the characteristics of the previous step's x0, the rest in a
/// box around the supports). u is evaluated once on the stacked batch
/// [collocation at t; sources at 0], p = ∇ₓu taken with a graph; its
/// collocation rows give the HJ residual, its source rows the pushed points
/// T(x0) = x0 + t_f∇H(p0) for the per-class MMD. Everything runs in the
/// potential's normalised coordinates.
public final class TransportTrainer {
    public let config: TransportConfig
    public let problem: TransportProblem
    public let potential: TransportPotential
    /// The pairs trained (all by default).
    public let trainedClasses: [Int]
    // Internal, not private: TransportTrainer+Resume saves and restores them.
    public internal(set) var optimizer: Adam
    public internal(set) var stepIndex = 0
    var random: SeededRandom
    private let boxLow: [Float], boxHigh: [Float]
    private(set) var bandwidths: [[Float]]
    /// Per pair, the kernel's σ_b on the source side (the symmetric term).
    private let sourceBandwidths: [[Float]]
    /// Per pair: estimates of E k(y, y′) under ν_c (the y–y term of MMD²,
    /// constant in θ, so only the reported L_MMD needs it): their sum and
    /// count. Exact (and frozen) for a finite set of at most 4096 points;
    /// otherwise a running mean over target batches (every 100th step: an
    /// m × m kernel costs as much as the rest of the step), whose error
    /// shrinks as training goes.
    var targetTermSums: [Double], targetTermCounts: [Int]
    let targetTermExact: [Bool]
    /// Per pair: the last step's x0 [n, d] and their velocities ∇H(p0) [n, d].
    var characteristics: [Int: (start: Tensor, velocity: Tensor)] = [:]
    var classOrder: [Int] = []
    /// Held-out points: when set, `train` evaluates the dual objective on
    /// them every `heldOutEvery` steps and ends with the best parameters.
    public var heldOut: HeldOutDual?
    /// The processes training this map together (one unless run under MPI).
    public let collective = ProcessGroup.world

    /// `potential`: continue training an existing map (its normalisation and
    /// architecture are kept; the config's architecture fields are ignored).
    /// `baseProblem`: the pairs whose moments the Gaussian base fits
    /// (default: `problem`), e.g. whole point sets of which `problem` holds
    /// the training part: moments overfit little, and every point sharpens them.
    public init(problem: TransportProblem, config: TransportConfig, classes: [Int]? = nil,
                potential existing: TransportPotential? = nil, baseProblem: TransportProblem? = nil) throws {
        try config.validate()
        let ranks = ProcessGroup.world.size
        guard ranks <= Swift.min(config.collocationBatch, config.sourceBatch) else {
            throw SettingError("MPI ranks", expected: "at most \(Swift.min(config.collocationBatch, config.sourceBatch)) (one collocation and one source point per rank and step)",
                               found: "\(ranks) MPI ranks", hint: "use fewer ranks or larger batches")
        }
        let classes = classes ?? Array(0..<problem.pairCount)
        guard !classes.isEmpty, classes.allSatisfy({ (0..<problem.pairCount).contains($0) }) else {
            throw SettingError("classes", expected: "classes in 0..<\(problem.pairCount)", found: "\(classes)")
        }
        self.config = config
        self.problem = problem
        trainedClasses = classes
        random = SeededRandom(seed: config.seed)

        // Fix the normalisation and the box from a first draw of every pair.
        var firstSources: [Tensor] = [], firstTargets: [Tensor] = []
        for c in 0..<problem.pairCount {
            firstSources.append(problem.sources[c].sample(Self.probeCount(problem.sources[c]), using: &random))
            firstTargets.append(problem.targets[c].sample(Self.probeCount(problem.targets[c]), using: &random))
        }
        if let existing {
            guard existing.dimension == problem.dimension, existing.classes == problem.codeClasses else {
                throw SettingError("the existing map", expected: "d = \(problem.dimension) and \(problem.codeClasses) classes, like the problem",
                                   found: "d = \(existing.dimension) and \(existing.classes) classes")
            }
            potential = existing
        } else {
            let fresh = TransportPotential(dimension: problem.dimension, classes: problem.codeClasses, width: config.width,
                                           depth: config.depth, activation: config.activation, cost: config.cost,
                                           finalTime: config.finalTime,
                                           normalization: .fitted(sources: firstSources, targets: firstTargets,
                                                                  separateCenters: config.separatesCenters,
                                                                  separateScales: config.separatesScales),
                                           using: &random)
            var initial = fresh
            if config.gaussianBase || config.convexWidth > 0 {
                // u_θ starts at 0 (its output layer zeroed, the hidden layers
                // random), so the untrained map is the Gaussian OT map itself
                // (or ψ's quadratic alone).
                if let output = fresh.network.layers.last {
                    output.weight.storage = [Float](repeating: 0, count: output.weight.count)
                    output.bias.storage = [Float](repeating: 0, count: output.bias.count)
                }
            }
            if config.gaussianBase {
                initial = initial.withGaussianBase(try Self.gaussianBase(baseProblem ?? problem, normalization: fresh.normalization,
                                                                         using: &random))
            }
            if config.convexWidth > 0 {
                // ψ's quadratic starts at the base's forward Hessian (the identity without a base).
                let d = problem.dimension, tf = config.finalTime
                let factors = initial.gaussianBase?.map { $0.forwardHessianFactor(finalTime: tf) }
                    ?? [Tensor(shape: [d, d], storage: (0..<(d * d)).map { $0 % (d + 1) == 0 ? 1 : 0 })]
                initial = initial.withConvexPart(ConvexPotential(factors: factors, classes: problem.codeClasses, width: config.convexWidth,
                                                                 depth: config.convexDepth, using: &random))
            }
            potential = initial
        }
        let normalization = potential.normalization
        let perClass = normalization.sourceCenters.count > 1
        let normalized = firstSources.enumerated().map { c, x in
            normalization.normalizeSource(x, labels: perClass ? Array(repeating: c, count: x.shape[0]) : nil)
        } + firstTargets.enumerated().map { c, y in
            normalization.normalizeTarget(y, labels: perClass ? Array(repeating: c, count: y.shape[0]) : nil)
        }
        let d = problem.dimension
        var low = [Float](repeating: .infinity, count: d), high = [Float](repeating: -.infinity, count: d)
        for set in normalized {
            for r in 0..<set.shape[0] {
                for j in 0..<d { low[j] = Swift.min(low[j], set.storage[r * d + j]); high[j] = Swift.max(high[j], set.storage[r * d + j]) }
            }
        }
        boxLow = zip(low, high).map { $0 - config.boxMargin * ($1 - $0) }
        boxHigh = zip(low, high).map { $1 + config.boxMargin * ($1 - $0) }
        let kernel = config.kernel
        let targetProbes = Array(normalized[problem.pairCount...])
        let bandwidths = targetProbes.map { MMD.bandwidths(for: kernel, targets: $0) }
        self.bandwidths = bandwidths
        sourceBandwidths = normalized[..<problem.pairCount].map { MMD.bandwidths(for: kernel, targets: $0) }
        targetTermSums = zip(targetProbes, bandwidths).map { MMD.targetTerm($0, kernel: kernel, bandwidths: $1) }
        targetTermCounts = Array(repeating: 1, count: problem.pairCount)
        targetTermExact = zip(problem.targets, targetProbes).map { $0.pointCount == $1.shape[0] }
        optimizer = Adam(learningRate: config.learningRate)
    }

    /// Per pair, the exact potential of the OT map between Gaussians fitted to
    /// μ_c and ν_c (in normalised coordinates; all of a finite set, else 65536 draws).
    static func gaussianBase(_ problem: TransportProblem, normalization: Normalization,
                             using random: inout SeededRandom) throws -> [QuadraticPotential] {
        let perClass = normalization.sourceCenters.count > 1
        return try (0..<problem.pairCount).map { c in
            func draw(_ sampler: Sampler) -> (Tensor, [Int]?) {
                let x = sampler.sample(sampler.pointCount ?? 65536, using: &random)
                return (x, perClass ? Array(repeating: c, count: x.shape[0]) : nil)
            }
            let (x, sourceLabels) = draw(problem.sources[c]), (y, targetLabels) = draw(problem.targets[c])
            let d = problem.dimension
            guard x.shape[0] > d, y.shape[0] > d else {
                throw SettingError("gaussian_base (pair \(c))", expected: "at least d + 1 = \(d + 1) of each of source and target points (a \(d) × \(d) covariance)",
                                   found: "\(x.shape[0]) and \(y.shape[0])", hint: "or turn the Gaussian base off")
            }
            do {
                return try QuadraticPotential(map: GaussianOTMap(
                    from: Gaussian(fitting: normalization.normalizeSource(x, labels: sourceLabels)),
                    to: Gaussian(fitting: normalization.normalizeTarget(y, labels: targetLabels))))
            } catch {
                throw SettingError("gaussian_base (pair \(c))", expected: "source and target points that spread in all \(d) directions",
                                   found: "a degenerate covariance (\(error))", hint: "turn the Gaussian base off (--gaussian-base false) or add points")
            }
        }
    }

    /// How many points to draw to fix the normalisation: 2048, or all of a small set.
    private static func probeCount(_ sampler: Sampler) -> Int {
        sampler.pointCount.map { Swift.min($0, 4096) } ?? 2048
    }

    /// The learning rate at the current step.
    public var learningRate: Float {
        config.learningRate * config.schedule.factor(step: stepIndex, total: config.steps, warmup: config.warmupSteps)
    }

    /// MMD²(T⁻¹#ν̂, μ̂) averaged over the step's classes: `sourceBatch` of
    /// the step's target points per class pulled back to t = 0, against the
    /// step's source points (the y–y constant left out: same gradient).
    func symmetricTerm(_ chosen: [Int], sources: [Tensor], targets: [Tensor]) -> Tensor {
        let n = Swift.min(config.sourceBatch, config.targetBatch), tf = config.finalTime
        var total = Tensor(0)
        for (k, c) in chosen.enumerated() {
            let y = targets[k].slice(axis: 0, start: 0, length: n).requiringGrad()
            let u = potential(y, time: Tensor.full([n, 1], tf), code: potential.classCode(codeLabels(c, count: n)))
            let p = gradient(of: u, wrt: y, createGraph: true)
            let pulled = y - potential.cost.hamiltonianGradient(p).scaled(by: tf)
            total = total + MMD.squared(pulled, sources[k], kernel: config.kernel, bandwidths: sourceBandwidths[c],
                                        includeTargetTerm: false)
        }
        return total.scaled(by: 1 / Float(chosen.count))
    }

    /// L_HJ and the weighted gradient-consistency term (zero when off) at the
    /// collocation points, and the unweighted gap for reporting.
    func hjTerms(value: Tensor, p: Tensor, x: Tensor, t: Tensor, code: Tensor) -> (Tensor, Tensor, Float) {
        let potential = self.potential, n = x.shape[0]
        let initial = { (start: Tensor) in potential(start, time: Tensor.zeros([n, 1]), code: code, fixedConvexRows: n) }
        guard config.gradientConsistency > 0 else {
            return (hjLoss(hjResidual(value: value, p: p, x: x, t: t, cost: potential.cost, initial: initial)), Tensor(0), 0)
        }
        let terms = hjResidualAndGradientGap(value: value, p: p, x: x, t: t, cost: potential.cost, initial: initial)
        let gap = terms.gradientGap.mean()
        return (hjLoss(terms.residual), gap.scaled(by: config.gradientConsistency), gap.scalarValue)
    }

    /// Per source row, a random offset h·v (v a unit direction, h uniform in
    /// [0.05, 1.5] in the normalised frame) and v / h: the pairs (x0, x0 + h·v)
    /// whose monotonicity the penalty checks. Long probes reach beyond μ's
    /// support, where nothing else constrains the map and a region can fold
    /// onto the image of the support, giving the inverse a second preimage.
    func monotoneProbes(count n: Int) -> (offsets: Tensor, slopes: Tensor) {
        let d = problem.dimension
        var offsets = [Float](repeating: 0, count: n * d), slopes = offsets
        for i in 0..<n {
            var norm: Float = 0
            for j in 0..<d { let g = random.nextNormal(); offsets[i * d + j] = g; norm += g * g }
            let h = 0.05 + 1.45 * random.nextUniform(), scale = 1 / norm.squareRoot()
            for j in 0..<d { let v = offsets[i * d + j] * scale; offsets[i * d + j] = h * v; slopes[i * d + j] = v / h }
        }
        return (Tensor(shape: [n, d], storage: offsets), Tensor(shape: [n, d], storage: slopes))
    }

    /// The probes of source rows `rows` (points x0, the step's classes
    /// stacked `sourceBatch` rows each), each aimed at the preimage x̂ that
    /// the refined inverse finds for T(x0) where that lies farther than
    /// 10⁻³ from x0: T then maps x̂ and x0 to one point, and the penalty
    /// raises the slope along the segment between them. Other rows keep
    /// their random probe.
    func aimedAtPreimages(_ x0: Tensor, rows: Range<Int>, classes: [Int],
                          offsets: Tensor, slopes: Tensor) -> (offsets: Tensor, slopes: Tensor) {
        let n = config.sourceBatch, d = problem.dimension
        var offsetValues = offsets.storage, slopeValues = slopes.storage
        for (k, c) in classes.enumerated() {
            let low = Swift.max(rows.lowerBound, k * n), high = Swift.min(rows.upperBound, (k + 1) * n)
            guard low < high else { continue }
            let points = x0.slice(axis: 0, start: low - rows.lowerBound, length: high - low)
            let labels = problem.isConditional ? Array(repeating: c, count: high - low) : nil
            let images = potential.forwardMap(atNormalized: points, labels: labels)
            let found = potential.preimages(ofNormalized: images, class: problem.isConditional ? c : nil,
                                            refinements: config.dualRefinements).points
            for i in 0..<(high - low) {
                let row = low - rows.lowerBound + i
                let step = (0..<d).map { found.storage[i * d + $0] - points.storage[i * d + $0] }
                let h = step.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard h > 1e-3 else { continue }
                for j in 0..<d { offsetValues[row * d + j] = step[j]; slopeValues[row * d + j] = step[j] / (h * h) }
            }
        }
        return (Tensor(shape: offsets.shape, storage: offsetValues), Tensor(shape: slopes.shape, storage: slopeValues))
    }

    /// Σ relu(m − (T(x0 + h·v) − T(x0))·v / h)² over the rows, from the
    /// velocities ∇H(p) at x0 and at x0 + h·v and the rows of v / h: with
    /// T(x) = x + t_f∇H(p), the slope along v is 1 + t_f(∇H(p′) − ∇H(p0))·v / h.
    static func monotonePenalty(velocity: Tensor, movedVelocity: Tensor, slopes: Tensor, finalTime tf: Float,
                                margin: Float = 0) -> Tensor {
        let slope = ((movedVelocity - velocity) * slopes).sum(axis: 1).scaled(by: tf).shifted(by: 1 - margin)
        return (-slope).relu().square().sum()
    }

    /// The labels the network's class code gets for pair c (all 0 when unconditional).
    func codeLabels(_ c: Int, count: Int) -> [Int] { Array(repeating: problem.isConditional ? c : 0, count: count) }

    /// The next `classesPerStep` classes of a shuffled cycle through `trainedClasses`.
    func nextClasses() -> [Int] {
        let k = Swift.min(config.classesPerStep, trainedClasses.count)
        var chosen: [Int] = []
        while chosen.count < k {
            if classOrder.isEmpty { classOrder = trainedClasses.shuffled(using: &random) }
            let c = classOrder.removeLast()
            if !chosen.contains(c) { chosen.append(c) } else { classOrder.insert(c, at: 0) }
        }
        return chosen
    }

    /// Collocation points (x, t) with t ~ U[0, t_f]: a share on the cached
    /// characteristics x0 + t∇H(p0) of the step's classes, the rest uniform
    /// in the box. Returns x [n, d], t [n, 1] and the code labels.
    func collocation(_ chosen: [Int]) -> (Tensor, Tensor, [Int]) {
        let n = config.collocationBatch, d = problem.dimension, tf = config.finalTime
        let known = chosen.map { characteristics[$0] }, low = boxLow, high = boxHigh
        // A local generator, written back at the end: the trainer's own, a
        // class property, is checked for exclusive access on every draw.
        var random = self.random
        defer { self.random = random }
        var xs = [Float](repeating: 0, count: n * d), ts = [Float](repeating: 0, count: n), labels: [Int] = []
        labels.reserveCapacity(n)
        for i in 0..<n {
            let k = i % chosen.count
            labels.append(problem.isConditional ? chosen[k] : 0)
            let t = tf * random.nextUniform()
            ts[i] = t
            if random.nextUniform() < config.characteristicFraction, let (start, velocity) = known[k] {
                let r = Int.random(in: 0..<start.shape[0], using: &random)
                start.storage.withUnsafeBufferPointer { x0 in
                    velocity.storage.withUnsafeBufferPointer { v in
                        for j in 0..<d { xs[i * d + j] = x0[r * d + j] + t * v[r * d + j] }
                    }
                }
            } else {
                for j in 0..<d { xs[i * d + j] = low[j] + (high[j] - low[j]) * random.nextUniform() }
            }
        }
        return (Tensor(shape: [n, d], storage: xs), Tensor(shape: [n, 1], storage: ts), labels)
    }

    /// Holds out `sources[c]` and `targets[c]` (data coordinates, one pair
    /// per class) to choose the parameters `train` keeps.
    public func holdOut(sources: [Tensor], targets: [Tensor]) {
        heldOut = HeldOutDual(sources: sources, targets: targets, normalization: potential.normalization,
                              conditional: problem.isConditional)
    }
}

