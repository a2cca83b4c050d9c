import Foundation
import GenOTNN
import GenOTTensor

/// ψ(ξ, c), convex in ξ for every class c: an input-convex network (Amos,
/// Xu & Kolter 2017) over a positive semi-definite quadratic,
///
///     z₁     = σ_β₁(W₁ξ + b₁ + C₁c)
///     zₖ₊₁   = σ_βₖ₊₁(V⁺ₖ zₖ + Wₖ₊₁ξ + bₖ₊₁ + Cₖ₊₁c)
///     ψ(ξ, c) = ½‖L_cᵀξ‖² + g²·v⁺·z_K
///
/// with V⁺ = softplus(κV)/κ and v⁺ = softplus(κv)/κ elementwise (non-negative) and
/// σ_β(x) = softplus(βx)/β per unit, β = e^a learned: each zₖ is a convex
/// function of ξ (σ_β is convex and nondecreasing, and non-negative sums of
/// convex functions are convex). The class code c enters the biases only,
/// which keeps convexity in ξ. The learned sharpness lets a unit's kink
/// narrow geometrically under Adam's steps of about the learning rate in a,
/// where growing the weights themselves would take many steps.
///
/// TransportPotential uses it as the forward map's Brenier potential:
/// u(ξ, 0) = (ψ − ½‖ξ‖²)/t_f, so T(ξ) = ∇ψ(ξ) is the gradient of a convex
/// function — monotone, one preimage per point, and the OT map onto its
/// image by Brenier's theorem (docs/method.md §5.8).
public struct ConvexPotential: Layer {
    /// L_c, one [d, d] factor per class (one when unconditional).
    public let quadraticFactors: [Tensor]
    /// Wₖ [width, d]: the input's direct paths (any sign).
    public let inputWeights: [Tensor]
    /// bₖ [width].
    public let biases: [Tensor]
    /// Cₖ [classes, width]: class-dependent biases (none when unconditional).
    public let classBiases: [Tensor]
    /// Vₖ [width, width] before the positive map, for layers 2…K (`layers.k.mixing`).
    public let hiddenWeights: [Tensor]
    /// aₖ [1, width]: each unit's log sharpness, log β.
    public let sharpness: [Tensor]
    /// v [width, 1] before the positive map (`readout`).
    public let outputWeights: Tensor
    /// g [1, 1]: the network's share, squared (small at the start, so ψ
    /// starts near its quadratic).
    public let gain: Tensor

    public var dimension: Int { quadraticFactors[0].shape[0] }
    public var classes: Int { classBiases.first?.shape[0] ?? 0 }
    public var width: Int { biases[0].count }
    public var depth: Int { biases.count }

    /// A fresh network whose quadratic part has Hessian L_c L_cᵀ for the
    /// given factors L_c, one per class or one for all (e.g. square roots of the Gaussian OT maps'
    /// matrices A_c, so that ψ starts near the Gaussian maps' potentials).
    public init(factors: [Tensor], classes: Int, width: Int, depth: Int, using random: inout SeededRandom) {
        let d = factors[0].shape[0]
        precondition(width > 0 && depth > 0 && factors.allSatisfy { $0.shape == [d, d] }
                     && (factors.count == 1 || factors.count == classes),
                     "ConvexPotential: \(factors.count) factors \(factors.map(\.shape)) for \(classes) classes, \(depth) × \(width)")
        // One factor per class (a shared start is copied to each).
        quadraticFactors = (0..<Swift.max(classes, 1)).map { factors[factors.count == 1 ? 0 : $0].detached().requiringGrad() }
        // Input weights at 4× PyTorch's scale: sharper units from the start.
        // Positive weights only average their inputs, so an ICNN's kinks come
        // from its input paths, and Adam's steps of about the learning rate
        // grow small weights slowly.
        inputWeights = (0..<depth).map { _ in
            Init.kaimingUniform([width, d], fanIn: d, using: &random).scaled(by: Self.inputScale).requiringGrad()
        }
        biases = (0..<depth).map { _ in Init.bias(width, fanIn: d, using: &random).requiringGrad() }
        classBiases = classes == 0 ? [] : (0..<depth).map { _ in Tensor.zeros([classes, width]).requiringGrad() }
        sharpness = (0..<depth).map { _ in Tensor.zeros([1, width]).requiringGrad() }
        // softplus(V) ≈ 1/width on average: a layer passes on about the mean
        // of the previous one, so activations neither grow nor vanish with depth.
        let raw = Self.inverseSoftplus(Self.positiveRate / Float(width))
        hiddenWeights = (1..<max(depth, 1)).map { _ in
            Tensor(shape: [width, width], storage: (0..<(width * width)).map { _ in (raw + 0.5 * random.nextNormal()) / Self.positiveRate })
                .requiringGrad()
        }
        outputWeights = Tensor(shape: [width, 1], storage: Array(repeating: raw / Self.positiveRate, count: width)).requiringGrad()
        gain = Tensor(shape: [1, 1], storage: [0.1]).requiringGrad()
    }

    /// Rebuilds ψ from tensors named as in `parameters` (a checkpoint, or a
    /// copy); nil when one is missing or has another shape than
    /// `shapes(…)` gives.
    public init?(named values: [String: Tensor], dimension d: Int, classes: Int, width: Int, depth: Int) {
        guard width > 0, depth > 0,
              Self.shapes(dimension: d, classes: classes, width: width, depth: depth).allSatisfy({ values[$0.name]?.shape == $0.shape })
        else { return nil }
        quadraticFactors = (0..<Swift.max(classes, 1)).map { values["quadratic.\($0)"]! }
        inputWeights = (0..<depth).map { values["layers.\($0).input"]! }
        biases = (0..<depth).map { values["layers.\($0).bias"]! }
        classBiases = classes == 0 ? [] : (0..<depth).map { values["layers.\($0).class_bias"]! }
        sharpness = (0..<depth).map { values["layers.\($0).sharpness"]! }
        hiddenWeights = (1..<depth).map { values["layers.\($0).mixing"]! }
        outputWeights = values["readout"]!
        gain = values["gain"]!
    }

    /// The tensor shapes a network of these sizes has, by parameter name.
    public static func shapes(dimension d: Int, classes: Int, width: Int, depth: Int) -> [(name: String, shape: [Int])] {
        var list: [(name: String, shape: [Int])] = (0..<Swift.max(classes, 1)).map { ("quadratic.\($0)", [d, d]) }
        for k in 0..<depth {
            list.append(("layers.\(k).input", [width, d]))
            list.append(("layers.\(k).bias", [width]))
            if classes > 0 { list.append(("layers.\(k).class_bias", [classes, width])) }
            list.append(("layers.\(k).sharpness", [1, width]))
            if k > 0 { list.append(("layers.\(k).mixing", [width, width])) }
        }
        return list + [("readout", [width, 1]), ("gain", [1, 1])]
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        var list: [(name: String, tensor: Tensor)] = quadraticFactors.enumerated().map { ("quadratic.\($0)", $1) }
        for k in 0..<depth {
            list.append(("layers.\(k).input", inputWeights[k]))
            list.append(("layers.\(k).bias", biases[k]))
            if !classBiases.isEmpty { list.append(("layers.\(k).class_bias", classBiases[k])) }
            list.append(("layers.\(k).sharpness", sharpness[k]))
            if k > 0 { list.append(("layers.\(k).mixing", hiddenWeights[k - 1])) }
        }
        return list + [("readout", outputWeights), ("gain", gain)]
    }

    /// ψ(ξ, c): ξ [n, d], code [n, classes] (one-hot; [n, 0] when
    /// unconditional) → [n, 1].
    public func callAsFunction(_ xi: Tensor, code: Tensor) -> Tensor {
        var z = Tensor(0)
        for k in 0..<depth {
            var pre = xi.affine(weight: inputWeights[k], bias: biases[k])
            if !classBiases.isEmpty { pre = pre + code.matmul(classBiases[k]) }
            if k > 0 { pre = pre + z.matmul(Self.positive(hiddenWeights[k - 1]), transposeOther: true) }
            let beta = sharpness[k].exp()
            z = (pre * beta).softplus() / beta
        }
        let network = z.matmul(Self.positive(outputWeights)) * gain.square()
        return quadratic(xi, code: code) + network
    }

    /// The same function with its parameters detached: ψ and its ξ-derivatives,
    /// but no gradient reaches the parameters.
    public var fixed: ConvexPotential {
        ConvexPotential(named: Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.tensor.detached()) }),
                        dimension: dimension, classes: classes, width: width, depth: depth)!
    }

    /// ½‖L_cᵀξ‖², each row with its class's factor.
    private func quadratic(_ xi: Tensor, code: Tensor) -> Tensor {
        func half(_ factor: Tensor) -> Tensor { xi.matmul(factor).square().sum(axis: 1, keepDims: true).scaled(by: 0.5) }
        if quadraticFactors.count == 1 { return half(quadraticFactors[0]) }
        return code.classWeightedSum(classes: classes, adding: Tensor(0)) { half(quadraticFactors[$0]) }
    }

    /// The input weights' scale at the start, relative to Kaiming's.
    static let inputScale: Float = 4

    /// V⁺ = softplus(κV)/κ for the raw positive weights V, κ = `positiveRate`.
    /// A softplus weight changes by about its own size times Adam's step in
    /// V, so at κ = 1 these weights, small and multiplied down the layers,
    /// grow far more slowly than the input weights; κ speeds them up alike.
    static func positive(_ raw: Tensor) -> Tensor { raw.scaled(by: positiveRate).softplus().scaled(by: 1 / positiveRate) }
    public static let positiveRate: Float = 10

    /// log(eˣ − 1): the raw value whose softplus is x > 0.
    static func inverseSoftplus(_ x: Float) -> Float { x > 20 ? x : Foundation.log(Foundation.expm1(x)) }
}
