import Foundation
import GenOTModels
import GenOTNN

/// How the learning rate moves over training (after the linear warm-up).
public enum LearningRateSchedule: Sendable, Equatable, CustomStringConvertible {
    case constant
    /// Half a cosine from the base rate down to base · finalFactor.
    case cosine(finalFactor: Float)
    /// Multiply by `factor` every `every` steps.
    case step(every: Int, factor: Float)

    /// Parses `constant`, `cosine` (to 1%), `cosine:F`, or `step:EVERY:FACTOR`.
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        switch (parts.first, parts.count) {
        case ("constant", 1): self = .constant; return
        case ("cosine", 1): self = .cosine(finalFactor: 0.01); return
        case ("cosine", 2):
            if let f = Float(parts[1]), f >= 0, f <= 1 { self = .cosine(finalFactor: f); return }
        case ("step", 3):
            if let every = Int(parts[1]), every > 0, let factor = Float(parts[2]), factor > 0 {
                self = .step(every: every, factor: factor); return
            }
        default: break
        }
        throw SettingError("schedule", expected: "'constant', 'cosine', 'cosine:F' (0 ≤ F ≤ 1) or 'step:EVERY:FACTOR'", found: "'\(text)'")
    }

    public var description: String {
        switch self {
        case .constant: "constant"
        case .cosine(let f): "cosine:\(f)"
        case .step(let every, let factor): "step:\(every):\(factor)"
        }
    }

    /// The multiplier of the base rate at `step` (0-based) of `total`.
    public func factor(step: Int, total: Int, warmup: Int) -> Float {
        if step < warmup { return Float(step + 1) / Float(warmup + 1) }
        let progress = Float(step - warmup) / Float(Swift.max(total - warmup, 1))
        switch self {
        case .constant: return 1
        case .cosine(let final): return final + (1 - final) * 0.5 * (1 + Foundation.cos(Float.pi * progress))
        case .step(let every, let factor): return Foundation.pow(factor, Float((step - warmup) / every))
        }
    }
}

/// Everything that decides a transport training run; printed at the start
/// and stored in the checkpoint's metadata (keys `config.<field>`).
public struct TransportConfig: Sendable, Equatable {
    /// Adam steps.
    public var steps = 5000
    /// Source samples x0 ~ μ_c per class per step (pushed through T, into the MMD).
    public var sourceBatch = 256
    /// Target samples y ~ ν_c per class per step (the MMD's other side; they
    /// cost no network evaluation, so more of them is cheap).
    public var targetBatch = 512
    /// Collocation points (x, t) per step, split among the step's classes.
    public var collocationBatch = 256
    /// Classes drawn per step (cycling through a shuffled order); more per
    /// step means fewer samples per class for the same batch.
    public var classesPerStep = 1
    /// λ in L = L_HJ + λ·L_MMD.
    public var lambda: Float = 1
    /// Weight (relative to λ) of the symmetric term MMD²(T⁻¹#ν̂, μ̂): target
    /// points pulled back by T⁻¹(y) = y − t_f∇H(∇u(y, t_f)) against the
    /// step's source points (0: off; it costs one more double backward).
    public var symmetricWeight: Float = 0
    /// Weight of the Kantorovich dual term E_μ u(x, 0) − E_ν u(x̂(y), 0),
    /// x̂(y) the preimage T(x̂) = y (0: off). Unlike the MMD it keeps its
    /// signal in high dimension; see `KantorovichDual`.
    public var dualWeight: Float = 0
    /// Quasi-Newton refinements of each preimage x̂(y) after T⁻¹(y).
    public var dualRefinements = 2
    /// Weight of the monotonicity penalty E relu(−(T(x0 + h·v) − T(x0))·v / h)²
    /// over random nearby pairs (0: off): T = ∇φ is an OT map only when φ
    /// is convex, that is when T is monotone.
    public var monotoneWeight: Float = 0
    /// The slope m that the penalty asks of every probe, relu(m − slope)²
    /// (0: only folds cost). A fold's negative slope can be small while its
    /// second preimage is far away, and the penalty's square makes small
    /// violations almost free; asking for a positive slope keeps the map
    /// away from folding and bounds how far it may collapse a direction.
    public var monotoneMargin: Float = 0
    /// Aim each source point's probe at the preimage that T⁻¹ finds for its
    /// image T(x0), when that is another point: a random direction in d
    /// dimensions rarely meets a fold, this pair is one by construction.
    /// Costs one preimage solve per source point and step.
    public var monotonePreimages = false
    /// Share of a finite point set held out to choose the parameters kept
    /// (the step with the best held-out dual objective, see `HeldOutDual`;
    /// 0: keep the last step's). Point clouds only.
    public var heldOutShare: Float = 0
    /// Steps between two held-out evaluations.
    public var heldOutEvery = 250
    /// Weight of the gradient-consistency term E‖∇u(x,t) − ∇u(x − t∇H(p), 0)‖²
    /// added to L_HJ (0: off; it costs one more backward pass).
    public var gradientConsistency: Float = 0
    /// Adam's base learning rate.
    public var learningRate: Float = 1e-3
    public var schedule = LearningRateSchedule.cosine(finalFactor: 0.01)
    /// Linear warm-up steps before the schedule.
    public var warmupSteps = 100
    /// Gradient-norm clip (0: none).
    public var maxGradientNorm: Float = 0
    public var cost = Cost.quadratic
    public var kernel = MMDKernel.energy
    /// t_f: characteristics run from t = 0 (source) to t_f (target).
    public var finalTime: Float = 1
    public var activation = Activation.silu
    public var width = 256
    public var depth = 4
    /// Hidden width of the convex forward potential ψ (0: none, the MLP
    /// alone gives u(·, 0); see ConvexPotential). Quadratic cost only.
    public var convexWidth = 0
    /// Hidden layers of ψ.
    public var convexDepth = 3
    /// Centre source and target (per class) on their own means before
    /// training. Only for the quadratic cost, where it leaves the OT map
    /// unchanged (see `Normalization`); other costs always share one centre.
    public var centerEachSide = true
    /// Scale source and target each to unit spread (with `centerEachSide`,
    /// quadratic cost only; see `Normalization`); otherwise one scale.
    public var scaleEachSide = false
    /// Share of collocation points on the current characteristics
    /// x0 + t∇H(p0) (x0 ~ μ); the rest are uniform in a box around the
    /// supports of μ and ν.
    public var characteristicFraction: Float = 0.8
    /// The box's margin on each side, as a fraction of the supports' extent.
    public var boxMargin: Float = 0.1
    public var seed: UInt64 = 0
    /// Put the exact Gaussian-to-Gaussian potential of each pair (fitted to
    /// samples) under the network, so training starts from the Gaussian OT
    /// map instead of the identity. Quadratic cost only.
    public var gaussianBase = false

    public init() {}

    /// Whether the normalisation uses separate centres (quadratic cost only).
    public var separatesCenters: Bool { centerEachSide && cost == .quadratic }
    /// Whether the normalisation uses a scale per side.
    public var separatesScales: Bool { separatesCenters && scaleEachSide }

    /// Field names and values, in a fixed order (printing and metadata).
    public var fields: [(name: String, value: String)] {
        [("steps", "\(steps)"), ("source_batch", "\(sourceBatch)"), ("target_batch", "\(targetBatch)"),
         ("collocation_batch", "\(collocationBatch)"), ("classes_per_step", "\(classesPerStep)"),
         ("lambda", "\(lambda)"), ("symmetric_weight", "\(symmetricWeight)"), ("gradient_consistency", "\(gradientConsistency)"),
         ("dual_weight", "\(dualWeight)"), ("dual_refinements", "\(dualRefinements)"), ("monotone_weight", "\(monotoneWeight)"), ("monotone_margin", "\(monotoneMargin)"), ("monotone_preimages", "\(monotonePreimages)"), ("held_out_share", "\(heldOutShare)"), ("held_out_every", "\(heldOutEvery)"), ("learning_rate", "\(learningRate)"), ("schedule", schedule.description),
         ("warmup_steps", "\(warmupSteps)"), ("max_gradient_norm", "\(maxGradientNorm)"),
         ("cost", cost.description), ("kernel", kernel.description), ("final_time", "\(finalTime)"),
         ("activation", activation.rawValue), ("width", "\(width)"), ("depth", "\(depth)"), ("convex_width", "\(convexWidth)"), ("convex_depth", "\(convexDepth)"),
         ("center_each_side", "\(centerEachSide)"), ("scale_each_side", "\(scaleEachSide)"), ("characteristic_fraction", "\(characteristicFraction)"), ("box_margin", "\(boxMargin)"),
         ("seed", "\(seed)"), ("gaussian_base", "\(gaussianBase)")]
    }

    /// One line: `steps=5000 source_batch=256 …`.
    public var summary: String { fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }

    /// Largest batch of points per step (source, target, collocation).
    public static let maxBatch = 8192
    /// Largest hidden width and depth of u_θ.
    public static let maxWidth = 4096, maxDepth = 64
    /// Largest width² × depth: 2²⁶ weights (1 GB with their gradients and Adam moments).
    public static let maxWeights = 1 << 26

    /// Checks the values a command line could get wrong; the message names the field.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ expected: String, _ found: Any) throws {
            try SettingError.require(ok, name, expected: expected, found: found)
        }
        try check(steps > 0, "steps", "a positive number", steps)
        try check(sourceBatch >= 2 && targetBatch >= 2, "source and target batches",
                  "at least 2 points each (the unbiased MMD)", "\(sourceBatch) and \(targetBatch)")
        // Upper bounds: each of these sizes an allocation (an n × n kernel matrix, a width × width layer).
        try check(sourceBatch <= Self.maxBatch && targetBatch <= Self.maxBatch, "source and target batches",
                  "at most \(Self.maxBatch) points each (an n × n kernel matrix per step)", "\(sourceBatch) and \(targetBatch)")
        try check((1...Self.maxBatch).contains(collocationBatch), "collocation_batch", "1...\(Self.maxBatch)", collocationBatch)
        try check(classesPerStep >= 1, "classes_per_step", "at least 1", classesPerStep)
        try check(lambda >= 0 && lambda.isFinite, "lambda", "a number ≥ 0", lambda)
        try check(symmetricWeight >= 0 && symmetricWeight.isFinite, "symmetric_weight", "a number ≥ 0", symmetricWeight)
        try check(dualWeight >= 0 && dualWeight.isFinite, "dual_weight", "a number ≥ 0", dualWeight)
        try check(monotoneWeight >= 0 && monotoneWeight.isFinite, "monotone_weight", "a number ≥ 0", monotoneWeight)
        try check(monotoneMargin >= 0 && monotoneMargin < 1, "monotone_margin", "a number in [0, 1)", monotoneMargin)
        // Aimed probes cost a preimage solve per point; without the penalty nothing would use them.
        try check(monotoneWeight > 0 || !monotonePreimages, "monotone_preimages", "false while monotone_weight is 0 (the penalty is off)", monotonePreimages)
        try check((0...0.5).contains(heldOutShare), "held_out_share", "a number in [0, 0.5]", heldOutShare)
        try check(heldOutEvery >= 1, "held_out_every", "at least 1", heldOutEvery)
        try check((0...64).contains(dualRefinements), "dual_refinements", "0…64", dualRefinements)
        try check(gradientConsistency >= 0 && gradientConsistency.isFinite, "gradient_consistency", "a number ≥ 0", gradientConsistency)
        try check(learningRate > 0 && learningRate.isFinite, "learning_rate", "a positive number", learningRate)
        try check(warmupSteps >= 0, "warmup_steps", "at least 0", warmupSteps)
        try check(maxGradientNorm >= 0, "max_gradient_norm", "a number ≥ 0", maxGradientNorm)
        try check(finalTime > 0 && finalTime <= 100, "final_time", "a number in (0, 100]", finalTime)
        try check((1...Self.maxWidth).contains(width), "width", "1...\(Self.maxWidth) (width × width weights per layer)", width)
        try check((1...Self.maxDepth).contains(depth), "depth", "1...\(Self.maxDepth)", depth)
        // Weights, gradients and two Adam moments: four floats per weight.
        try check(width * width * depth <= Self.maxWeights, "width² × depth",
                  "at most \(Self.maxWeights) weights", "\(width)² × \(depth) = \(width * width * depth)")
        try check((0...1).contains(characteristicFraction), "characteristic_fraction", "a number in [0, 1]", characteristicFraction)
        try check(boxMargin >= 0, "box_margin", "a number ≥ 0", boxMargin)
        try check((0...Self.maxWidth).contains(convexWidth), "convex_width", "0...\(Self.maxWidth) (0: no convex potential)", convexWidth)
        try check((1...Self.maxDepth).contains(convexDepth), "convex_depth", "1...\(Self.maxDepth)", convexDepth)
        try check(convexWidth * convexWidth * convexDepth <= Self.maxWeights, "convex_width² × convex_depth",
                  "at most \(Self.maxWeights) weights", "\(convexWidth)² × \(convexDepth) = \(convexWidth * convexWidth * convexDepth)")
        try check(convexWidth == 0 || cost == .quadratic, "convex_width", "0 with a cost other than quadratic (ψ is a Brenier potential)", "cost \(cost)")
        try check(!gaussianBase || cost == .quadratic, "gaussian_base", "the quadratic cost", "cost \(cost)")
    }
}
