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
        var h = x
        for (index, layer) in layers.enumerated() {
            h = layer(h)
            if index < layers.count - 1 { h = activation(h) }
        }
        return h
    }
}
