import GenOTTensor

/// Affine map y = x Wᵀ + b; x: [batch, in] → y: [batch, out].
/// W is stored [out, in] as in PyTorch, so checkpoints read the same there.
public struct Linear: Layer {
    public let weight: Tensor   // [out, in]
    public let bias: Tensor     // [out]

    public init(_ inputSize: Int, _ outputSize: Int, using random: inout SeededRandom) {
        weight = Init.kaimingUniform([outputSize, inputSize], fanIn: inputSize, using: &random)
        bias = Init.bias(outputSize, fanIn: inputSize, using: &random)
    }

    /// Wraps existing tensors (e.g. loaded from a checkpoint).
    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[0]],
                     "Linear needs weight [out, in] and bias [out], got \(weight.shape) and \(bias.shape)")
        self.weight = weight
        self.bias = bias
    }

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public var parameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.affine(weight: weight, bias: bias)
    }
}
