import GenOTTensor

/// 2-D convolution over NHWC images; x: [N, H, W, in] → [N, Ho, Wo, out].
/// Weight layout [out, k, k, in] (NHWC's natural order; PyTorch's is
/// [out, in, k, k]: permute axes (0, 3, 1, 2) to convert).
public struct Conv2d: Layer {
    public let weight: Tensor   // [out, k, k, in]
    public let bias: Tensor     // [out]
    public let stride: Int, padding: Int

    public init(_ inputs: Int, _ outputs: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                using random: inout SeededRandom) {
        let fanIn = inputs * kernel * kernel
        weight = Init.kaimingUniform([outputs, kernel, kernel, inputs], fanIn: fanIn, using: &random)
        bias = Init.bias(outputs, fanIn: fanIn, using: &random)
        self.stride = stride
        self.padding = padding
    }

    public var parameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// Transposed 2-D convolution (the adjoint of Conv2d in its input);
/// x: [N, H, W, in] → [N, (H−1)s − 2p + k, (W−1)s − 2p + k, out].
/// Weight layout [in, k, k, out].
public struct ConvTranspose2d: Layer {
    public let weight: Tensor   // [in, k, k, out]
    public let bias: Tensor     // [out]
    public let stride: Int, padding: Int

    public init(_ inputs: Int, _ outputs: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                using random: inout SeededRandom) {
        // PyTorch's fan-in for ConvTranspose weights [in, out, k, k] is out·k·k.
        let fanIn = outputs * kernel * kernel
        weight = Init.kaimingUniform([inputs, kernel, kernel, outputs], fanIn: fanIn, using: &random)
        bias = Init.bias(outputs, fanIn: fanIn, using: &random)
        self.stride = stride
        self.padding = padding
    }

    public var parameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.convTranspose2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
