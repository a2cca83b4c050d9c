import GenOTTensor

/// A multilayer perceptron: Linear, activation, …, Linear (no activation on
/// the output). x: [batch, sizes.first] → [batch, sizes.last].
public struct MLP: Layer {
    public let layers: [Linear]
    public let activation: Activation

    /// `sizes`: [in, hidden…, out], e.g. [27, 256, 256, 256, 256, 1].
    public init(sizes: [Int], activation: Activation = .silu, using random: inout SeededRandom) {
        precondition(sizes.count >= 2, "an MLP needs an input and an output size")
        layers = zip(sizes, sizes.dropFirst()).map { Linear($0, $1, using: &random) }
        self.activation = activation
    }

    public init(layers: [Linear], activation: Activation) {
        self.layers = layers
        self.activation = activation
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        layers.enumerated().flatMap { index, layer in parameters(of: layer, prefix: "layers.\(index)") }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        hidden(from: layers[0](x))
    }

    /// The network on column blocks side by side ([x, t, code]): as on
    /// their concatenation, with each block's gradient formed only when it
    /// takes one (`Tensor.affine(blocks:)`).
    public func callAsFunction(blocks: [Tensor]) -> Tensor {
        hidden(from: Tensor.affine(blocks: blocks, weight: layers[0].weight, bias: layers[0].bias))
    }

    /// The rest of the network from the first layer's output.
    private func hidden(from first: Tensor) -> Tensor {
        var h = first
        for layer in layers.dropFirst() { h = layer(activation(h)) }
        return h
    }
}
