import ArgumentParser
import Foundation
import GenOTModels
import GenOTNN
import GenOTTransport

/// Training flags of the transport commands (docs/method.md §9.1); each
/// overrides the command's default config only when given.
struct TransportOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Adam steps.") var steps: Int?
    @Option(parsing: .unconditional, help: "λ in L = L_HJ + λ·L_MMD.") var lambda: Float?
    @Option(name: .customLong("symmetric"),
            parsing: .unconditional, help: "Weight (× λ) of the symmetric term MMD²(T⁻¹#ν, μ) (0: off).") var symmetricWeight: Float?
    @Option(name: .customLong("gradient-consistency"),
            parsing: .unconditional, help: "Weight of E‖∇u(x,t) − ∇u(x − t∇H(p), 0)‖² added to L_HJ (0: off).") var gradientConsistency: Float?
    @Option(name: .customLong("dual"), parsing: .unconditional,
            help: "Weight of the Kantorovich dual term E_μ u(x,0) − E_ν u(T⁻¹(y),0) (0: off; see docs/method.md).") var dualWeight: Float?
    @Option(name: .customLong("dual-refinements"), parsing: .unconditional,
            help: "Quasi-Newton steps refining each preimage T⁻¹(y) in the dual term (0…64).") var dualRefinements: Int?
    @Option(name: .customLong("monotone"), parsing: .unconditional,
            help: "Weight of the penalty on non-monotone nearby pairs, E relu(−(T(x+hv) − T(x))·v/h)² (0: off).") var monotoneWeight: Float?
    @Option(name: .customLong("monotone-margin"), parsing: .unconditional,
            help: "Slope m in [0, 1) the monotonicity penalty asks of every probe, relu(m − slope)² (0: only folds cost).") var monotoneMargin: Float?
    @Option(name: .customLong("monotone-preimages"), parsing: .unconditional,
            help: "Aim the monotonicity probes at each source point's second preimage, where T⁻¹(T(x)) ≠ x (true/false; one preimage solve per source point and step).") var monotonePreimages: Bool?
    @Option(name: .customLong("held-out"), parsing: .unconditional,
            help: "Share of each point set held out to choose the step whose parameters are kept (0: the last step's; point clouds).") var heldOutShare: Float?
    @Option(help: "Transport cost: quadratic or power:Q with Q > 1.") var cost: String?
    @Option(parsing: .unconditional, help: "Random seed (sampling, initialisation; default: the preset's, 0).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Source samples pushed per step (per class).") var batch: Int?
    @Option(name: .customLong("target-batch"), parsing: .unconditional, help: "Target samples per step (per class).") var targetBatch: Int?
    @Option(parsing: .unconditional, help: "Collocation points (x, t) per step.") var collocation: Int?
    @Option(name: .customLong("classes-per-step"),
            parsing: .unconditional, help: "Classes whose MMD terms each step averages (cycling through a shuffled order).") var classesPerStep: Int?
    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Base learning rate.") var learningRate: Float?
    @Option(help: "Learning-rate schedule: constant, cosine, cosine:F, step:EVERY:FACTOR.") var schedule: String?
    @Option(help: "MMD kernel: energy, gaussian or gaussian:M1,M2,… (multiples of the median distance).") var kernel: String?
    @Option(name: .customLong("characteristic-fraction"),
            parsing: .unconditional, help: "Share of collocation points on current characteristics (the rest in a box).") var characteristicFraction: Float?
    @Option(name: .customLong("center-each-side"),
            help: "Centre source and target on their own means (quadratic cost only; true/false).") var centerEachSide: Bool?
    @Option(name: .customLong("scale-each-side"),
            help: "Scale source and target each to unit spread (with --center-each-side; quadratic cost only; true/false).") var scaleEachSide: Bool?
    @Option(parsing: .unconditional, help: "Hidden layer width of u_θ.") var width: Int?
    @Option(parsing: .unconditional, help: "Hidden layers of u_θ.") var depth: Int?
    @Option(name: .customLong("convex-width"), parsing: .unconditional,
            help: "Hidden width of the convex potential ψ that gives the forward map T = ∇ψ (0: none; quadratic cost).") var convexWidth: Int?
    @Option(name: .customLong("convex-depth"), parsing: .unconditional, help: "Hidden layers of ψ.") var convexDepth: Int?
    @Option(help: "Activation of u_θ: \(Activation.smoothNames) (silu4 = SiLU(4x)/4).") var activation: String?
    @Option(name: .customLong("final-time"), parsing: .unconditional, help: "t_f, the time the characteristics take.") var finalTime: Float?
    @Option(name: .customLong("gaussian-base"),
            help: "Start from the Gaussian OT map of each pair (true/false; quadratic cost).") var gaussianBase: Bool?
    @OptionGroup var threads: ThreadOptions

    /// The run's seed: `--seed`, else 0, every preset's.
    var runSeed: UInt64 { seed ?? 0 }

    func validate() throws {
        if let cost { do { _ = try Cost(parsing: cost) } catch let error as SettingError { throw ValidationError(error.named("--cost").description) } }
        if let schedule { do { _ = try LearningRateSchedule(parsing: schedule) } catch let error as SettingError { throw ValidationError(error.named("--schedule").description) } }
        if let kernel { do { _ = try MMDKernel(parsing: kernel) } catch let error as SettingError { throw ValidationError(error.named("--kernel").description) } }
        if let activation, !Activation.smooth.contains(where: { $0.rawValue == activation }) {
            throw ValidationError("--activation must be \(Activation.smoothNames) (u_θ is differentiated twice), got '\(activation)'")
        }
        _ = try apply(to: TransportConfig())
    }

    /// `base` with every given flag applied, validated.
    func apply(to base: TransportConfig) throws -> TransportConfig {
        var config = base
        if let steps { config.steps = steps }
        if let lambda { config.lambda = lambda }
        if let gradientConsistency { config.gradientConsistency = gradientConsistency }
        if let symmetricWeight { config.symmetricWeight = symmetricWeight }
        if let dualWeight { config.dualWeight = dualWeight }
        if let dualRefinements { config.dualRefinements = dualRefinements }
        if let monotoneWeight { config.monotoneWeight = monotoneWeight }
        if let monotoneMargin { config.monotoneMargin = monotoneMargin }
        if let monotonePreimages { config.monotonePreimages = monotonePreimages }
        if let heldOutShare { config.heldOutShare = heldOutShare }
        if let cost { config.cost = try Cost(parsing: cost) }
        if let seed { config.seed = seed }
        if let batch { config.sourceBatch = batch }
        if let targetBatch { config.targetBatch = targetBatch }
        if let collocation { config.collocationBatch = collocation }
        if let classesPerStep { config.classesPerStep = classesPerStep }
        if let learningRate { config.learningRate = learningRate }
        if let schedule { config.schedule = try LearningRateSchedule(parsing: schedule) }
        if let kernel { config.kernel = try MMDKernel(parsing: kernel) }
        if let characteristicFraction { config.characteristicFraction = characteristicFraction }
        if let centerEachSide { config.centerEachSide = centerEachSide }
        if let scaleEachSide { config.scaleEachSide = scaleEachSide }
        if let width { config.width = width }
        if let depth { config.depth = depth }
        if let convexWidth { config.convexWidth = convexWidth }
        if let convexDepth { config.convexDepth = convexDepth }
        if let activation, let value = Activation(rawValue: activation) { config.activation = value }
        if let finalTime { config.finalTime = finalTime }
        // The Gaussian base solves the quadratic-cost equation only: a preset's
        // base gives way to another --cost unless it is asked for.
        if config.cost != .quadratic && gaussianBase == nil { config.gaussianBase = false }
        if config.cost != .quadratic && convexWidth == nil { config.convexWidth = 0 }
        if let gaussianBase { config.gaussianBase = gaussianBase }
        // Checked here, against the command's own preset, before any data is loaded.
        do { try config.validate() } catch let error as SettingError {
            throw ValidationError(error.named(Self.flags[error.setting] ?? error.setting).description)
        } catch { throw ValidationError("\(error)") }
        return config
    }

    /// The flags that set each config field `TransportConfig.validate` names,
    /// so that a refused value is reported under the flag the user typed.
    static let flags: [String: String] = [
        "steps": "--steps", "source and target batches": "--batch and --target-batch", "collocation_batch": "--collocation",
        "classes_per_step": "--classes-per-step", "lambda": "--lambda", "symmetric_weight": "--symmetric", "dual_weight": "--dual",
        "monotone_weight": "--monotone", "monotone_margin": "--monotone-margin", "monotone_preimages": "--monotone-preimages", "held_out_share": "--held-out", "dual_refinements": "--dual-refinements",
        "gradient_consistency": "--gradient-consistency", "learning_rate": "--lr", "final_time": "--final-time", "width": "--width",
        "depth": "--depth", "width² × depth": "--width² × --depth", "characteristic_fraction": "--characteristic-fraction",
        "gaussian_base": "--gaussian-base", "convex_width": "--convex-width", "convex_depth": "--convex-depth",
        "convex_width² × convex_depth": "--convex-width² × --convex-depth",
    ]
}

/// Writes a line to stdout unbuffered, so report lines and the progress lines
/// (on stderr) stay in order when both go to one log file.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
