import Foundation
import GenOTNN
import GenOTTensor

/// ψ(ξ, c), convex in ξ for every class c: an input-convex network (Amos,
/// Xu & Kolter 2017) over a positive semi-definite quadratic,
///
///     z₁     = σ_β₁(W₁ξ + b₁ + C₁c)
///     zₖ₊₁   = σ_βₖ₊₁(V⁺ₖ zₖ + Wₖ₊₁ξ + bₖ₊₁ + Cₖ₊₁c)      k + 1 < K
///     s      = V⁺_{K−1} z_{K−1} + W_Kξ + b_K + C_Kc        (the last layer, no σ)
///     ψ(ξ, c) = ½‖L_cᵀξ‖² + g²·LSE_γ(s),   LSE_γ(s) = (1/γ) log Σⱼ e^{γsⱼ}
///
/// with V⁺ = softplus(κV)/κ elementwise (non-negative), σ_β(x) =
/// softplus(βx)/β per unit and β = e^a, γ = e^h learned: each zₖ and each sⱼ
/// is a convex function of ξ (σ_β is convex and nondecreasing, and
/// non-negative sums of convex functions are convex), and so is the
/// smoothed maximum LSE_γ, which is convex and nondecreasing in each sⱼ.
/// The class code c enters the biases only, which keeps convexity in ξ. The
/// learned sharpnesses let a unit's kink, and the head's choice between
/// units, narrow geometrically under Adam's steps of about the learning rate,
/// where growing the weights themselves would take many steps.
///
/// Why a smoothed maximum on top: a non-negative sum (the classic ICNN
/// readout v⁺·z_K) cannot form the maximum of many affine pieces, the shape
/// of a potential whose gradient sends regions of space to separate places
/// (a map that splits a mode); the maximum of convex functions is convex and
/// forms it in one layer. Maps written with the earlier sum readout
/// (`readout`, v⁺ = softplus(κv)/κ, σ on every layer) still load and run.
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
    /// aₖ [1, width]: each unit's log sharpness, log β (layers 1…K−1; all K
    /// with the sum readout).
    public let sharpness: [Tensor]
    /// How the last layer's units become one number.
    public let head: Head
    /// g [1, 1]: the network's share, squared (small at the start, so ψ
    /// starts near its quadratic).
    public let gain: Tensor

    /// The last layer: a smoothed maximum of its units (`head.sharpness`, h
    /// [1, 1], γ = e^h), or the earlier non-negative sum of σ-units
    /// (`readout`, v [width, 1] before the positive map).
    public enum Head {
        case logSumExp(sharpness: Tensor)
        case sum(readout: Tensor)

        var parameter: (name: String, tensor: Tensor) {
            switch self {
            case .logSumExp(let h): ("head.sharpness", h)
            case .sum(let v): (Head.readoutName, v)
            }
        }

        /// The sum head's tensor name: a set of tensors holding it has that head.
        static let readoutName = "readout"
    }

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
        // The last layer feeds the head directly: no σ, so no sharpness.
        sharpness = (0..<(depth - 1)).map { _ in Tensor.zeros([1, width]).requiringGrad() }
        // softplus(V) ≈ 1/width on average: a layer passes on about the mean
        // of the previous one, so activations neither grow nor vanish with depth.
        let raw = Self.inverseSoftplus(Self.positiveRate / Float(width))
        hiddenWeights = (1..<max(depth, 1)).map { _ in
            Tensor(shape: [width, width], storage: (0..<(width * width)).map { _ in (raw + 0.5 * random.nextNormal()) / Self.positiveRate })
                .requiringGrad()
        }
        head = .logSumExp(sharpness: Tensor.zeros([1, 1]).requiringGrad())
        gain = Tensor(shape: [1, 1], storage: [0.1]).requiringGrad()
    }

    /// Rebuilds ψ from tensors named as in `parameters` (a checkpoint, or a
    /// copy); nil when one is missing or has another shape than
    /// `shapes(…)` gives. The head is the one whose tensor is there.
    public init?(named values: [String: Tensor], dimension d: Int, classes: Int, width: Int, depth: Int) {
        let sumHead = values[Head.readoutName] != nil
        guard width > 0, depth > 0,
              Self.shapes(dimension: d, classes: classes, width: width, depth: depth, sumHead: sumHead)
                .allSatisfy({ values[$0.name]?.shape == $0.shape })
        else { return nil }
        quadraticFactors = (0..<Swift.max(classes, 1)).map { values["quadratic.\($0)"]! }
        inputWeights = (0..<depth).map { values["layers.\($0).input"]! }
        biases = (0..<depth).map { values["layers.\($0).bias"]! }
        classBiases = classes == 0 ? [] : (0..<depth).map { values["layers.\($0).class_bias"]! }
        sharpness = (0..<(sumHead ? depth : depth - 1)).map { values["layers.\($0).sharpness"]! }
        hiddenWeights = (1..<depth).map { values["layers.\($0).mixing"]! }
        head = sumHead ? .sum(readout: values[Head.readoutName]!) : .logSumExp(sharpness: values["head.sharpness"]!)
        gain = values["gain"]!
    }

    /// The tensor shapes a network of these sizes has, by parameter name
    /// (`sumHead`: the earlier readout instead of the smoothed maximum).
    public static func shapes(dimension d: Int, classes: Int, width: Int, depth: Int,
                              sumHead: Bool = false) -> [(name: String, shape: [Int])] {
        var list: [(name: String, shape: [Int])] = (0..<Swift.max(classes, 1)).map { ("quadratic.\($0)", [d, d]) }
        for k in 0..<depth {
            list.append(("layers.\(k).input", [width, d]))
            list.append(("layers.\(k).bias", [width]))
            if classes > 0 { list.append(("layers.\(k).class_bias", [classes, width])) }
            if sumHead || k < depth - 1 { list.append(("layers.\(k).sharpness", [1, width])) }
            if k > 0 { list.append(("layers.\(k).mixing", [width, width])) }
        }
        return list + [sumHead ? (Head.readoutName, [width, 1]) : ("head.sharpness", [1, 1]), ("gain", [1, 1])]
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        var list: [(name: String, tensor: Tensor)] = quadraticFactors.enumerated().map { ("quadratic.\($0)", $1) }
        for k in 0..<depth {
            list.append(("layers.\(k).input", inputWeights[k]))
            list.append(("layers.\(k).bias", biases[k]))
            if !classBiases.isEmpty { list.append(("layers.\(k).class_bias", classBiases[k])) }
            if k < sharpness.count { list.append(("layers.\(k).sharpness", sharpness[k])) }
            if k > 0 { list.append(("layers.\(k).mixing", hiddenWeights[k - 1])) }
        }
        return list + [head.parameter, ("gain", gain)]
    }

    /// ψ(ξ, c): ξ [n, d], code [n, classes] (one-hot; [n, 0] when
    /// unconditional) → [n, 1].
    public func callAsFunction(_ xi: Tensor, code: Tensor) -> Tensor {
        var z = Tensor(0)
        for k in 0..<depth {
            var pre = xi.affine(weight: inputWeights[k], bias: biases[k])
            if !classBiases.isEmpty { pre = pre + code.matmul(classBiases[k]) }
            if k > 0 { pre = pre + z.matmul(Self.positive(hiddenWeights[k - 1]), transposeOther: true) }
            // The smoothed maximum takes the last layer's units as they are.
            if k == depth - 1, case .logSumExp = head { z = pre; break }
            let beta = sharpness[k].exp()
            z = (pre * beta).softplus() / beta
        }
        let network: Tensor
        switch head {
        case .logSumExp(let h):
            let gamma = h.exp()
            network = Losses.logSumExp(z * gamma) / gamma
        case .sum(let readout):
            network = z.matmul(Self.positive(readout))
        }
        return quadratic(xi, code: code) + network * gain.square()
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
