import GenOTTensor

/// What to transport: per class c, a source μ_c and a target ν_c, each a
/// `Sampler` (a distribution or a finite set). Unconditional problems (point
/// clouds, the Gaussian benchmark) have one pair and a network without class
/// code; class-conditional ones give the network a one-hot code of c.
///
/// Examples:
/// - latent generation: `sources = Array(repeating: .standardNormal(dimension: 16), count: 10)`,
///   `targets = (0..<10).map { .empirical(encoderMeans(ofClass: $0)) }`;
/// - Fashion→MNIST: `sources[c] = .empirical(fashionLatents(c))`, `targets[c] = .empirical(mnistLatents(c))`.
public struct TransportProblem: Sendable {
    public let sources: [Sampler]
    public let targets: [Sampler]
    /// Whether the network takes a class code (false: one pair, no code).
    public let isConditional: Bool

    /// One source and one target, no class code.
    public init(source: Sampler, target: Sampler) {
        precondition(source.dimension == target.dimension, "source in d = \(source.dimension), target in d = \(target.dimension)")
        sources = [source]
        targets = [target]
        isConditional = false
    }

    /// Class c transports `sources[c]` to `targets[c]`.
    public init(sources: [Sampler], targets: [Sampler]) {
        precondition(!sources.isEmpty && sources.count == targets.count, "\(sources.count) sources for \(targets.count) targets")
        let d = sources[0].dimension
        precondition((sources + targets).allSatisfy { $0.dimension == d }, "samplers of different dimensions")
        self.sources = sources
        self.targets = targets
        isConditional = true
    }

    public var dimension: Int { sources[0].dimension }
    /// Pairs (μ_c, ν_c): the classes, or 1.
    public var pairCount: Int { sources.count }
    /// The width of the network's class code: 0 when unconditional.
    public var codeClasses: Int { isConditional ? pairCount : 0 }
}
