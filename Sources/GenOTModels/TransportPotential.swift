import GenOTNN
import GenOTTensor

/// The value function u_θ(x, t, c) of the Hamilton–Jacobi equation
/// ∂ₜu + H(∇ₓu) = 0 (method.md §2–4): an MLP on [x, t, one-hot c] with a
/// smooth activation (it is differentiated twice), and the transport maps read
/// off its characteristics:
///
///     forward  T(x)   = x + t_f ∇H(∇ₓu(x, 0))
///     inverse  T⁻¹(y) = y − t_f ∇H(∇ₓu(y, t_f))
///     path     x + s·t_f ∇H(p),  s ∈ [0, 1]
///
/// `classes == 0` is the unconditional variant (point clouds): no class code.
///
/// Coordinates: the network works in normalised coordinates
/// ξ = (x − center) / scale (one shift and one isotropic scale shared by
/// source and target, fixed before training). The costs here are translation
/// invariant and homogeneous, so the optimal map commutes with that change of
/// coordinates: T(x) = center + scale · T̃((x − center)/scale). The `…Map`
/// functions take and return data coordinates; `callAsFunction` and
/// `momentum` work in ξ (what the trainer uses).
public struct TransportPotential: Layer {
    public let network: MLP
    /// d, the dimension of x.
    public let dimension: Int
    /// Number of classes of the one-hot code (0: unconditional).
    public let classes: Int
    public let cost: Cost
    /// t_f, the time at which the characteristics reach the target.
    public let finalTime: Float
    public let normalization: Normalization
    /// Optional exact quadratic potentials under the network, one per class
    /// (or one when unconditional), in ξ: u = u_Gauss,c + u_θ. They make the
    /// untrained map the Gaussian OT map of each pair (see QuadraticPotential).
    public let gaussianBase: [QuadraticPotential]?
    /// Networks trained later for single classes (`train-transport --class c`
    /// on an existing map): rows of class c use them instead of `network`, so
    /// retraining one class leaves every other class's map exactly as it was.
    public let classNetworks: [Int: MLP]

    /// A fresh network [d + 1 + classes → width × depth → 1].
    public init(dimension: Int, classes: Int = 0, width: Int = 256, depth: Int = 4, activation: Activation = .silu,
                cost: Cost = .quadratic, finalTime: Float = 1, normalization: Normalization? = nil,
                using random: inout SeededRandom) {
        precondition(dimension > 0 && classes >= 0 && width > 0 && depth > 0 && finalTime > 0,
                     "TransportPotential: bad sizes d \(dimension), classes \(classes), \(depth) × \(width), t_f \(finalTime)")
        let sizes = [dimension + 1 + classes] + Array(repeating: width, count: depth) + [1]
        self.init(network: MLP(sizes: sizes, activation: activation, using: &random), dimension: dimension,
                  classes: classes, cost: cost, finalTime: finalTime,
                  normalization: normalization ?? .identity(dimension: dimension))
    }

    /// Wraps an existing network (e.g. loaded from a checkpoint).
    public init(network: MLP, dimension: Int, classes: Int, cost: Cost, finalTime: Float, normalization: Normalization,
                gaussianBase: [QuadraticPotential]? = nil, classNetworks: [Int: MLP] = [:]) {
        precondition(network.layers.first?.inputSize == dimension + 1 + classes && network.layers.last?.outputSize == 1,
                     "TransportPotential: network maps \(network.layers.first?.inputSize ?? 0) → \(network.layers.last?.outputSize ?? 0), expected \(dimension + 1 + classes) → 1")
        precondition(normalization.center.count == dimension, "normalization centre has \(normalization.center.count) coordinates, d = \(dimension)")
        self.network = network
        self.dimension = dimension
        self.classes = classes
        self.cost = cost
        self.finalTime = finalTime
        self.normalization = normalization
        if let gaussianBase {
            precondition(cost == .quadratic, "a Gaussian base solves the quadratic-cost HJ equation only")
            precondition(gaussianBase.count == Swift.max(classes, 1) && gaussianBase.allSatisfy { $0.dimension == dimension },
                         "Gaussian base: \(gaussianBase.count) potentials for \(classes) classes in d = \(dimension)")
        }
        self.gaussianBase = gaussianBase
        precondition(classNetworks.keys.allSatisfy { (0..<classes).contains($0) }, "class networks for classes outside 0..<\(classes)")
        self.classNetworks = classNetworks
    }

    /// The same map with a Gaussian base added (or replaced).
    public func withGaussianBase(_ base: [QuadraticPotential]?) -> TransportPotential {
        TransportPotential(network: network, dimension: dimension, classes: classes, cost: cost, finalTime: finalTime,
                           normalization: normalization, gaussianBase: base, classNetworks: classNetworks)
    }

    /// The same map with class c's rows handled by `network`.
    public func withClassNetwork(_ c: Int, _ classNetwork: MLP) -> TransportPotential {
        var networks = classNetworks
        networks[c] = classNetwork
        return TransportPotential(network: network, dimension: dimension, classes: classes, cost: cost, finalTime: finalTime,
                                  normalization: normalization, gaussianBase: gaussianBase, classNetworks: networks)
    }

    /// A potential with one network — class c's if it has its own, else the
    /// shared one — as fresh trainable copies: what `--class c` trains.
    public func trainableCopy(for c: Int) -> TransportPotential {
        let source = classNetworks[c] ?? network
        let copy = MLP(layers: source.layers.map {
            Linear(weight: $0.weight.detached().requiringGrad(), bias: $0.bias.detached().requiringGrad())
        }, activation: source.activation)
        return TransportPotential(network: copy, dimension: dimension, classes: classes, cost: cost, finalTime: finalTime,
                                  normalization: normalization, gaussianBase: gaussianBase)
    }

    /// The network's parameters, under `u.` (the checkpoint keys).
    public var parameters: [(name: String, tensor: Tensor)] { parameters(of: network, prefix: "u") }

    /// The class networks' parameters, under `u_class<c>.` (checkpoint keys).
    public var classNetworkParameters: [(name: String, tensor: Tensor)] {
        classNetworks.keys.sorted().flatMap { parameters(of: classNetworks[$0]!, prefix: "u_class\($0)") }
    }

    public var width: Int { network.layers.first?.outputSize ?? 0 }
    public var depth: Int { network.layers.count - 1 }
    public var activation: Activation { network.activation }

    // MARK: - In normalised coordinates (training)

    /// u(ξ, t, c): ξ [n, d], t [n, 1], code [n, classes] → [n, 1].
    public func callAsFunction(_ xi: Tensor, time t: Tensor, code: Tensor) -> Tensor {
        let learned = learnedPart(Tensor.concat([xi, t, code], axis: 1), code: code)
        guard let gaussianBase else { return learned }
        if classes == 0 { return learned + gaussianBase[0](xi, t) }
        // Σ_c code_c ⊙ u_Gauss,c, over the classes present in this batch only.
        var total = learned
        for c in 0..<classes {
            let column = code.slice(axis: 1, start: c, length: 1)
            guard column.storage.contains(where: { $0 != 0 }) else { continue }
            total = total + column * gaussianBase[c](xi, t)
        }
        return total
    }

    /// u_θ: the shared network, with the rows of classes that have their own
    /// network (present in this batch) taken from it instead.
    private func learnedPart(_ input: Tensor, code: Tensor) -> Tensor {
        var total = network(input)
        for (c, classNetwork) in classNetworks {
            let column = code.slice(axis: 1, start: c, length: 1)
            guard column.storage.contains(where: { $0 != 0 }) else { continue }
            total = total + column * (classNetwork(input) - total)
        }
        return total
    }

    /// The one-hot class code [labels.count, classes] ([n, 0] when unconditional).
    public func classCode(_ labels: [Int]) -> Tensor {
        if classes == 0 { return Tensor.zeros([labels.count, 0]) }
        return Tensor.oneHot(labels, classes: classes)
    }

    /// u(ξ, t, c) and p = ∇_ξ u, for a leaf `xi` that requires a gradient.
    /// With `createGraph` p can be differentiated again (the HJ loss needs it).
    public func momentum(_ xi: Tensor, time t: Tensor, code: Tensor, createGraph: Bool) -> (u: Tensor, p: Tensor) {
        precondition(xi.requiresGrad, "momentum: ξ must require a gradient (use requiringGrad())")
        let u = self(xi, time: t, code: code)
        let p = gradient(of: u, wrt: xi, createGraph: createGraph)
        return (u, p)
    }

    // MARK: - Maps in data coordinates (inference: no graph is kept)

    /// T(x) = x + t_f ∇H(∇ₓu(x, 0)): x [n, d] → [n, d]. `labels`: one class per
    /// row, or nil when unconditional.
    public func forwardMap(_ x: Tensor, labels: [Int]? = nil) -> Tensor {
        displaced(x, labels: labels, time: 0, direction: 1)
    }

    /// T⁻¹(y) = y − t_f ∇H(∇ₓu(y, t_f)): y [n, d] → [n, d].
    public func inverseMap(_ y: Tensor, labels: [Int]? = nil) -> Tensor {
        displaced(y, labels: labels, time: finalTime, direction: -1)
    }

    /// T(x) for every row of `x` in one class (`nil` when unconditional).
    public func forwardMap(_ x: Tensor, class label: Int?) -> Tensor {
        forwardMap(x, labels: label.map { Array(repeating: $0, count: x.shape[0]) })
    }

    public func inverseMap(_ y: Tensor, class label: Int?) -> Tensor {
        inverseMap(y, labels: label.map { Array(repeating: $0, count: y.shape[0]) })
    }

    /// Points along each straight characteristic x + s·t_f∇H(p), s = k/(points−1):
    /// `points` tensors [n, d], the first x, the last T(x).
    public func transportPath(_ x: Tensor, labels: [Int]? = nil, points: Int) -> [Tensor] {
        precondition(points >= 2, "a path needs at least 2 points, got \(points)")
        let end = forwardMap(x, labels: labels)
        return withoutGradient {
            let step = end - x
            return (0..<points).map { k in x + step.scaled(by: Float(k) / Float(points - 1)) }
        }
    }

    /// ∇ₓu(x, t) in data coordinates' normalised frame, detached, in chunks
    /// so memory stays bounded for large n.
    /// NOTE: p needs a graph of its own even at inference (it is a gradient),
    /// so this runs `withGradient` and detaches the result.
    public func momentum(atNormalized xi: Tensor, time: Float, labels: [Int]?, chunk: Int = 4096) -> Tensor {
        precondition(xi.rank == 2 && xi.shape[1] == dimension, "points of shape \(xi.shape) for a map of dimension \(dimension)")
        precondition(labels == nil || labels!.count == xi.shape[0], "\(labels?.count ?? 0) labels for \(xi.shape[0]) points")
        precondition(classes == 0 || labels != nil, "a class-conditional map needs a class per point")
        let n = xi.shape[0]
        var parts: [Tensor] = []
        var start = 0
        while start < n {
            let length = Swift.min(chunk, n - start)
            let rows = xi.slice(axis: 0, start: start, length: length).detached().requiringGrad()
            let code = classCode(labels.map { Array($0[start..<(start + length)]) } ?? Array(repeating: 0, count: length))
            let p = withGradient {
                momentum(rows, time: Tensor.full([length, 1], time), code: code, createGraph: false).p
            }
            parts.append(p.detached())
            start += length
        }
        return parts.isEmpty ? Tensor.zeros([0, dimension]) : Tensor.concat(parts, axis: 0)
    }

    /// x + direction · t_f ∇H(∇u(x, time)), through the normalisation.
    private func displaced(_ x: Tensor, labels: [Int]?, time: Float, direction: Float) -> Tensor {
        let xi = normalization.normalize(x)
        let p = momentum(atNormalized: xi, time: time, labels: labels)
        return withoutGradient {
            let velocity = cost.hamiltonianGradient(p)
            return normalization.denormalize(xi + velocity.scaled(by: direction * finalTime))
        }
    }
}

/// ξ = (x − center) / scale, one shift and one isotropic scale for every
/// coordinate (so the OT map is unchanged by it, see `TransportPotential`).
public struct Normalization: Sendable, Equatable {
    /// [d]
    public let center: [Float]
    public let scale: Float

    public init(center: [Float], scale: Float) {
        precondition(scale > 0 && scale.isFinite, "normalization scale must be positive, got \(scale)")
        self.center = center
        self.scale = scale
    }

    public static func identity(dimension: Int) -> Normalization {
        Normalization(center: Array(repeating: 0, count: dimension), scale: 1)
    }

    /// Centre = mean of all points, scale = root mean square distance to it
    /// per coordinate (the pooled standard deviation), over every set given.
    public static func fitted(to sets: [Tensor]) -> Normalization {
        precondition(!sets.isEmpty, "normalization of no point sets")
        let d = sets[0].shape[1]
        var sum = [Double](repeating: 0, count: d), count = 0
        for set in sets {
            precondition(set.rank == 2 && set.shape[1] == d, "point sets of shapes \(set.shape) and [_, \(d)]")
            for r in 0..<set.shape[0] { for j in 0..<d { sum[j] += Double(set.storage[r * d + j]) } }
            count += set.shape[0]
        }
        let mean = sum.map { $0 / Double(Swift.max(count, 1)) }
        var squares: Double = 0
        for set in sets {
            for r in 0..<set.shape[0] { for j in 0..<d { let v = Double(set.storage[r * d + j]) - mean[j]; squares += v * v } }
        }
        let std = (squares / Double(Swift.max(count * d, 1))).squareRoot()
        return Normalization(center: mean.map { Float($0) }, scale: std > 1e-12 ? Float(std) : 1)
    }

    /// [n, d] → [n, d]
    public func normalize(_ x: Tensor) -> Tensor {
        withoutGradient { (x - Tensor(shape: [1, center.count], storage: center)).scaled(by: 1 / scale) }
    }

    public func denormalize(_ xi: Tensor) -> Tensor {
        withoutGradient { xi.scaled(by: scale) + Tensor(shape: [1, center.count], storage: center) }
    }
}
