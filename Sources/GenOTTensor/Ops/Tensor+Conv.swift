// Convolutions over NHWC images. Three ops on one geometry (image side
// [N, H, W, C], other side [N, Ho, Wo, O], weight [O, k, k, C]) are each
// other's gradients, so every derivative of every order is exact:
//   convolved(x, W)          = im2col(x)·Wᵀ      (conv2d)
//   convolvedTransposed(y, W) = col2im(y·W)       (convTranspose2d)
//   convolutionWeightGradient(x, y) = yᵀ·im2col(x)
// Each runs chunk by chunk of samples, or directly over one-channel images
// (`Convolution`). A layer's bias is
// written into the output before the products accumulate onto it; its
// gradient is the output gradient summed over every axis but the last.

extension Tensor {
    /// 2-D convolution (cross-correlation, as in PyTorch).
    /// x: [N, H, W, C], weight: [O, k, k, C], bias: [O] → [N, Ho, Wo, O].
    public func conv2d(weight: Tensor, bias: Tensor?, stride: Int, padding: Int) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == weight.shape[2] && weight.shape[3] == shape[3],
                     "conv2d: input \(shape) (NHWC) and weight \(weight.shape) ([O, k, k, C]) do not fit")
        let g = ConvGeometry(batch: shape[0], height: shape[1], width: shape[2], channels: shape[3],
                             kernel: weight.shape[1], stride: stride, padding: padding)
        return convolved(weight, bias: bias, g)
    }

    /// Transposed convolution, the adjoint of conv2d in its input.
    /// x: [N, H, W, Cin], weight: [Cin, k, k, Cout], bias: [Cout] →
    /// [N, (H−1)s − 2p + k, (W−1)s − 2p + k, Cout].
    public func convTranspose2d(weight: Tensor, bias: Tensor?, stride: Int, padding: Int) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == weight.shape[2] && weight.shape[0] == shape[3],
                     "convTranspose2d: input \(shape) (NHWC) and weight \(weight.shape) ([Cin, k, k, Cout]) do not fit")
        let k = weight.shape[1]
        let g = ConvGeometry(batch: shape[0], height: (shape[1] - 1) * stride - 2 * padding + k,
                             width: (shape[2] - 1) * stride - 2 * padding + k, channels: weight.shape[3],
                             kernel: k, stride: stride, padding: padding)
        precondition(g.outHeight == shape[1] && g.outWidth == shape[2], "convTranspose2d: geometry does not invert")
        return convolvedTransposed(weight, bias: bias, g)
    }

    /// im2col(self)·Wᵀ + b: self [N, H, W, C] (g's image side), weight
    /// [O, k, k, C], bias [O] → [N, Ho, Wo, O].
    func convolved(_ weight: Tensor, bias: Tensor? = nil, _ g: ConvGeometry) -> Tensor {
        let outputs = weight.shape[0], x = self
        precondition(bias == nil || bias!.shape == [outputs], "conv: bias \(bias!.shape) for \(outputs) outputs")
        return product("conv", weight, bias, shape: [g.batch, g.outHeight, g.outWidth, outputs], [
            { grad, _ in grad.convolvedTransposed(weight, g) },
            { grad, _ in Tensor.convolutionWeightGradient(image: x, output: grad, g) },
        ]) { Convolution.forward($0, $1, bias: $2, $3, g, outputs: outputs) }
    }

    /// col2im(self·W) + b: self [N, Ho, Wo, O], weight [O, k, k, C], bias
    /// [C] → [N, H, W, C] (g's image side).
    func convolvedTransposed(_ weight: Tensor, bias: Tensor? = nil, _ g: ConvGeometry) -> Tensor {
        let outputs = weight.shape[0], y = self
        precondition(bias == nil || bias!.shape == [g.channels], "convT: bias \(bias!.shape) for \(g.channels) outputs")
        return product("convT", weight, bias, shape: g.imageShape, [
            { grad, _ in grad.convolved(weight, g) },
            { grad, _ in Tensor.convolutionWeightGradient(image: grad, output: y, g) },
        ]) { Convolution.transposed($0, $1, bias: $2, $3, g, outputs: outputs) }
    }

    /// `compute(self, weight, bias or nil, result)` into a new tensor of
    /// `shape`, recorded as `op` with `rules` for self and the weight and,
    /// with a bias, `biasGradient` for it.
    private func product(_ op: String, _ weight: Tensor, _ bias: Tensor?, shape: [Int],
                         _ rules: [(_ g: Tensor, _ y: Tensor) -> Tensor],
                         _ compute: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?, UnsafeMutablePointer<Float>) -> Void)
        -> Tensor {
        let result = storage.withUnsafeBufferPointer { input in
            weight.storage.withUnsafeBufferPointer { w in
                (bias?.storage ?? []).withUnsafeBufferPointer { b in
                    Tensor.make(shape) { compute(input.baseAddress!, w.baseAddress!, bias == nil ? nil : b.baseAddress!, $0.baseAddress!) }
                }
            }
        }
        return Tensor.record(result, op, [self, weight] + (bias.map { [$0] } ?? []),
                             rules + (bias == nil ? [] : [Tensor.biasGradient]))
    }

    /// The gradient of a bias along the last axis: the output gradient's
    /// column sums, viewed as [rows, C].
    private static func biasGradient(_ grad: Tensor, _ output: Tensor) -> Tensor {
        let channels = grad.shape[grad.rank - 1]
        return grad.reshaped([channels == 0 ? 0 : grad.count / channels, channels]).sum(axis: 0)
    }

    /// outputᵀ·im2col(image): image [N, H, W, C] (g's image side),
    /// output [N, Ho, Wo, O] → [O, k, k, C], the weight gradient of both convolutions.
    static func convolutionWeightGradient(image x: Tensor, output y: Tensor, _ g: ConvGeometry) -> Tensor {
        let outputs = y.shape[3]
        let result = x.storage.withUnsafeBufferPointer { px in
            y.storage.withUnsafeBufferPointer { py in
                Tensor.make([outputs, g.kernel, g.kernel, g.channels]) { w in
                    Convolution.weightGradient(px.baseAddress!, py.baseAddress!, w.baseAddress!, g, outputs: outputs)
                }
            }
        }
        return Tensor.record(result, "convW", [x, y], [
            { grad, _ in y.convolvedTransposed(grad, g) },
            { grad, _ in x.convolved(grad, g) },
        ])
    }
}
