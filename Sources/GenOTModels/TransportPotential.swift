import GenOTNN
import GenOTTensor

/// The value function u_θ(x, t, c) of the Hamilton–Jacobi equation
/// ∂ₜu + H(∇ₓu) = 0 (docs/method.md §2–4): an MLP on [x, t, one-hot c] with a
/// smooth activation (it is differentiated twice), and the transport maps read
/// off its characteristics:
///
///     forward  T(x)   = x + t_f ∇H(∇ₓu(x, 0))
///     inverse  T⁻¹(y) = y − t_f ∇H(∇ₓu(y, t_f))
///     path     x + s·t_f ∇H(p),  s ∈ [0, 1]
///
/// `classes == 0` is the unconditional variant (point clouds): no class code.
///
/// Coordinates: the network works in normalised coordinates (see
/// `Normalization`: source points ξ = (x − a_c)/s, target points
/// η = (y − b_c)/s, fixed before training), chosen so that the optimal map
/// commutes with them: T(x) = b_c + s·T̃((x − a_c)/s). The `…Map` functions
/// take and return data coordinates; `callAsFunction` and `momentum` work
/// in the normalised frame (what the trainer uses).
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
    /// Optional convex network ψ for the forward map (docs/method.md §5.8):
    /// with it u(ξ, 0) = (ψ − ½‖ξ‖²)/t_f, so T = ∇ψ is monotone, and the MLP
    /// learns only the evolution, u = … + t·u_θ(ξ, t, c).
    public let convexPart: ConvexPotential?

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
                gaussianBase: [QuadraticPotential]? = nil, classNetworks: [Int: MLP] = [:], convexPart: ConvexPotential? = nil) {
        precondition(network.layers.first?.inputSize == dimension + 1 + classes && network.layers.last?.outputSize == 1,
                     "TransportPotential: network maps \(network.layers.first?.inputSize ?? 0) → \(network.layers.last?.outputSize ?? 0), expected \(dimension + 1 + classes) → 1")
        precondition(normalization.dimension == dimension, "normalization centres have \(normalization.dimension) coordinates, d = \(dimension)")
        precondition(normalization.sourceCenters.count == 1 || normalization.sourceCenters.count == classes,
                     "\(normalization.sourceCenters.count) centres for \(classes) classes")
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
        if let convexPart {
            precondition(cost == .quadratic, "a convex forward potential is the Brenier potential of the quadratic cost only")
            precondition(convexPart.dimension == dimension && convexPart.classes == classes && classNetworks.isEmpty,
                         "convex part for d = \(convexPart.dimension), \(convexPart.classes) classes; map d = \(dimension), \(classes) classes, \(classNetworks.count) class networks")
        }
        self.convexPart = convexPart
    }

    /// The same map with a Gaussian base added (or replaced).
    public func withGaussianBase(_ base: [QuadraticPotential]?) -> TransportPotential {
        TransportPotential(network: network, dimension: dimension, classes: classes, cost: cost, finalTime: finalTime,
                           normalization: normalization, gaussianBase: base, classNetworks: classNetworks, convexPart: convexPart)
    }

    /// The same map with a convex forward potential (or without one).
    public func withConvexPart(_ convex: ConvexPotential?) -> TransportPotential {
        TransportPotential(network: network, dimension: dimension, classes: classes, cost: cost, finalTime: finalTime,
                           normalization: normalization, gaussianBase: gaussianBase, classNetworks: classNetworks, convexPart: convex)
    }

    /// The same map with class c's rows handled by `network`.
    public func withClassNetwork(_ c: Int, _ classNetwork: MLP) -> TransportPotential {
        var networks = classNetworks
        networks[c] = classNetwork
        return TransportPotential(network: network, dimension: dimension, classes: classes, cost: cost, finalTime: finalTime,
                                  normalization: normalization, gaussianBase: gaussianBase, classNetworks: networks)
    }

    /// A potential with one network — class c's if it has its own, else the
    /// common one — as fresh trainable copies: what `--class c` trains.
    public func trainableCopy(for c: Int) -> TransportPotential {
        let source = classNetworks[c] ?? network
        let copy = MLP(layers: source.layers.map {
            Linear(weight: $0.weight.detached().requiringGrad(), bias: $0.bias.detached().requiringGrad())
        }, activation: source.activation)
        return TransportPotential(network: copy, dimension: dimension, classes: classes, cost: cost, finalTime: finalTime,
                                  normalization: normalization, gaussianBase: gaussianBase)
    }

    /// The network's parameters, under `u.` (the checkpoint keys).
    public var parameters: [(name: String, tensor: Tensor)] {
        parameters(of: network, prefix: "u") + (convexPart.map { parameters(of: $0, prefix: "psi") } ?? [])
    }

    /// The class networks' parameters, under `u_class<c>.` (checkpoint keys).
    public var classNetworkParameters: [(name: String, tensor: Tensor)] {
        classNetworks.keys.sorted().flatMap { parameters(of: classNetworks[$0]!, prefix: "u_class\($0)") }
    }

    public var width: Int { network.layers.first?.outputSize ?? 0 }
    public var depth: Int { network.layers.count - 1 }
    public var activation: Activation { network.activation }

    // MARK: - In normalised coordinates (training)

    /// u(ξ, t, c): ξ [n, d], t [n, 1], code [n, classes] → [n, 1].
    /// `fixedConvexRows`: in the first that many rows ψ enters with its
    /// parameters held fixed (no gradient reaches them), so a loss on those
    /// rows — the HJ residual — trains the evolution u_θ and leaves the
    /// forward map to the losses on the pushed points.
    public func callAsFunction(_ xi: Tensor, time t: Tensor, code: Tensor, fixedConvexRows: Int = 0) -> Tensor {
        func evolution() -> Tensor { learnedPart([xi, t, code], code: code) }
        guard let convexPart else {
            guard let gaussianBase else { return evolution() }
            return code.classWeightedSum(classes: classes, adding: evolution()) { gaussianBase[$0](xi, t) }
        }
        let n = xi.shape[0], k = Swift.min(fixedConvexRows, n)
        let psi = k == 0 ? convexPart(xi, code: code)
            : k == n ? convexPart.fixed(xi, code: code)
            : Tensor.concat([convexPart.fixed(xi.slice(axis: 0, start: 0, length: k), code: code.slice(axis: 0, start: 0, length: k)),
                             convexPart(xi.slice(axis: 0, start: k, length: n - k), code: code.slice(axis: 0, start: k, length: n - k))],
                            axis: 0)
        // ½‖ξ‖² + t_f·u(ξ, 0) = ψ(ξ, c) + t_f b_cᵀξ: ψ replaces the base's
        // quadratic part (it starts there) and the base keeps its shift.
        // t·u_θ and its ξ-derivatives vanish at t = 0: rows all at a fixed
        // t = 0 (the forward map, the preimage solves) skip the network. (A
        // t that takes a gradient keeps it: ∂ₜ(t·u_θ) = u_θ there.)
        let evolving = t.requiresGrad || t.storage.contains { $0 != 0 }
        var learned = (psi - xi.square().sum(axis: 1, keepDims: true).scaled(by: 0.5)).scaled(by: 1 / finalTime)
        if evolving { learned = t * evolution() + learned }
        guard let gaussianBase else { return learned }
        learned = learned - code.classWeightedSum(classes: classes, adding: Tensor(0)) { gaussianBase[$0].quadraticPart(xi) }
        return code.classWeightedSum(classes: classes, adding: learned) { gaussianBase[$0](xi, t) }
    }

    /// u_θ: the common network, with the rows of classes that have their own
    /// network (present in this batch) taken from it instead.
    private func learnedPart(_ input: [Tensor], code: Tensor) -> Tensor {
        var total = network(blocks: input)
        for (c, classNetwork) in classNetworks {
            let column = code.slice(axis: 1, start: c, length: 1)
            guard column.storage.contains(where: { $0 != 0 }) else { continue }
            total = total + column * (classNetwork(blocks: input) - total)
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
        let centers = centerLabels(labels)
        let image = forwardMap(atNormalized: normalization.normalizeSource(x, labels: centers), labels: labels)
        return normalization.denormalizeTarget(image, labels: centers)
    }

    /// T⁻¹(y) = y − t_f ∇H(∇ₓu(y, t_f)): y [n, d] → [n, d], then
    /// `refinements` quasi-Newton steps towards the preimage (0: the closed form alone;
    /// nil: `defaultInverseRefinements`; see `preimages(ofNormalized:class:refinements:)`).
    public func inverseMap(_ y: Tensor, labels: [Int]? = nil, refinements: Int? = nil) -> Tensor {
        let refinements = refinements ?? defaultInverseRefinements
        guard refinements > 0 else { return closedFormInverse(y, labels: labels) }
        let centers = centerLabels(labels)
        let eta = normalization.normalizeTarget(y, labels: centers)
        let n = y.shape[0], d = dimension
        var xi = [Float](repeating: 0, count: n * d)
        // One solve per class: the preconditioner is the class's base.
        let groups = Dictionary(grouping: 0..<n) { classes == 0 ? -1 : labels![$0] }
        for (label, rows) in groups {
            let solved = preimages(ofNormalized: eta.gatherRows(rows), class: label < 0 ? nil : label, refinements: refinements)
            for (k, r) in rows.enumerated() { for j in 0..<d { xi[r * d + j] = solved.points.storage[k * d + j] } }
        }
        return normalization.denormalizeSource(Tensor(shape: [n, d], storage: xi), labels: centers)
    }

    /// T(x) for every row of `x` in one class (`nil` when unconditional).
    public func forwardMap(_ x: Tensor, class label: Int?) -> Tensor {
        forwardMap(x, labels: label.map { Array(repeating: $0, count: x.shape[0]) })
    }

    public func inverseMap(_ y: Tensor, class label: Int?, refinements: Int? = nil) -> Tensor {
        inverseMap(y, labels: label.map { Array(repeating: $0, count: y.shape[0]) }, refinements: refinements)
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
    public func momentum(atNormalized xi: Tensor, time: Float, labels: [Int]?, chunk: Int = 4096) -> Tensor {
        valueAndMomentum(atNormalized: xi, time: time, labels: labels, chunk: chunk).p
    }

    /// T(ξ) = ξ + t_f ∇H(∇u(ξ, 0)) from the source's normalised frame to the
    /// target's, detached.
    public func forwardMap(atNormalized xi: Tensor, labels: [Int]?) -> Tensor {
        let p = momentum(atNormalized: xi, time: 0, labels: labels)
        return withoutGradient { xi + cost.hamiltonianGradient(p).scaled(by: finalTime) }
    }

    /// u(x, t) [n, 1] and ∇ₓu(x, t) [n, d] in the normalised frame, detached.
    /// NOTE: p needs a graph of its own even at inference (it is a gradient),
    /// so this runs `withGradient` and detaches the result.
    public func valueAndMomentum(atNormalized xi: Tensor, time: Float, labels: [Int]?, chunk: Int = 4096) -> (u: Tensor, p: Tensor) {
        precondition(xi.rank == 2 && xi.shape[1] == dimension, "points of shape \(xi.shape) for a map of dimension \(dimension)")
        precondition(labels == nil || labels!.count == xi.shape[0], "\(labels?.count ?? 0) labels for \(xi.shape[0]) points")
        precondition(classes == 0 || labels != nil, "a class-conditional map needs a class per point")
        let n = xi.shape[0]
        var values: [Tensor] = [], parts: [Tensor] = []
        var start = 0
        while start < n {
            let length = Swift.min(chunk, n - start)
            let rows = xi.slice(axis: 0, start: start, length: length).detached().requiringGrad()
            let code = classCode(labels.map { Array($0[start..<(start + length)]) } ?? Array(repeating: 0, count: length))
            let (u, p) = withGradient {
                momentum(rows, time: Tensor.full([length, 1], time), code: code, createGraph: false)
            }
            values.append(u.detached())
            parts.append(p.detached())
            start += length
        }
        guard !parts.isEmpty else { return (Tensor.zeros([0, 1]), Tensor.zeros([0, dimension])) }
        return (Tensor.concat(values, axis: 0), Tensor.concat(parts, axis: 0))
    }

    /// T⁻¹(y) = y − t_f ∇H(∇u(y, t_f)) in the closed form, between the
    /// normalised frames of the two sides.
    private func closedFormInverse(_ y: Tensor, labels: [Int]?) -> Tensor {
        let centers = centerLabels(labels)
        let eta = normalization.normalizeTarget(y, labels: centers)
        let p = momentum(atNormalized: eta, time: finalTime, labels: labels)
        return withoutGradient {
            normalization.denormalizeSource(eta - cost.hamiltonianGradient(p).scaled(by: finalTime), labels: centers)
        }
    }

    /// The labels that pick each row's centres: none when one centre serves every class.
    private func centerLabels(_ labels: [Int]?) -> [Int]? { normalization.sourceCenters.count == 1 ? nil : labels }
}
