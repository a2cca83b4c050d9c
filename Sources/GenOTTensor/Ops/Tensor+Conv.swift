// Convolutions over NHWC images as im2col + one GEMM. im2col and col2im are
// ops that are each other's gradient; conv2d and convTranspose2d are written
// from them and matmul, so every derivative of every order is exact.

extension Tensor {
    /// Windows of an NHWC image as rows: [N, H, W, C] → [N·Ho·Wo, k·k·C].
    public func im2col(_ g: ConvGeometry) -> Tensor {
        precondition(shape == g.imageShape, "im2col: input \(shape), geometry expects \(g.imageShape)")
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(g.columnsShape) { dst in Im2Col.im2col(src, dst, g) }
        }
        return Tensor.record(result, "im2col", [self], [{ grad, _ in grad.col2im(g) }])
    }

    /// Sums window rows back into an image: [N·Ho·Wo, k·k·C] → [N, H, W, C].
    public func col2im(_ g: ConvGeometry) -> Tensor {
        precondition(shape == g.columnsShape, "col2im: input \(shape), geometry expects \(g.columnsShape)")
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(g.imageShape) { dst in Im2Col.col2im(src, dst, g) }
        }
        return Tensor.record(result, "col2im", [self], [{ grad, _ in grad.im2col(g) }])
    }

    /// 2-D convolution (cross-correlation, as in PyTorch).
    /// x: [N, H, W, C], weight: [O, k, k, C], bias: [O] → [N, Ho, Wo, O].
    public func conv2d(weight: Tensor, bias: Tensor?, stride: Int, padding: Int) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == weight.shape[2] && weight.shape[3] == shape[3],
                     "conv2d: input \(shape) (NHWC) and weight \(weight.shape) ([O, k, k, C]) do not fit")
        let g = ConvGeometry(batch: shape[0], height: shape[1], width: shape[2], channels: shape[3],
                             kernel: weight.shape[1], stride: stride, padding: padding)
        let outputs = weight.shape[0]
        let y = im2col(g).matmul(weight.reshaped([outputs, g.patchSize]), transposeOther: true)
        return (bias.map { y.addingBias($0) } ?? y).reshaped([g.batch, g.outHeight, g.outWidth, outputs])
    }

    /// Transposed convolution, the adjoint of conv2d in its input.
    /// x: [N, H, W, Cin], weight: [Cin, k, k, Cout], bias: [Cout] →
    /// [N, (H−1)s − 2p + k, (W−1)s − 2p + k, Cout].
    public func convTranspose2d(weight: Tensor, bias: Tensor?, stride: Int, padding: Int) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == weight.shape[2] && weight.shape[0] == shape[3],
                     "convTranspose2d: input \(shape) (NHWC) and weight \(weight.shape) ([Cin, k, k, Cout]) do not fit")
        let k = weight.shape[1], outputs = weight.shape[3]
        let g = ConvGeometry(batch: shape[0], height: (shape[1] - 1) * stride - 2 * padding + k,
                             width: (shape[2] - 1) * stride - 2 * padding + k, channels: outputs,
                             kernel: k, stride: stride, padding: padding)
        precondition(g.outHeight == shape[1] && g.outWidth == shape[2], "convTranspose2d: geometry does not invert")
        let columns = reshaped([g.positions, shape[3]]).matmul(weight.reshaped([shape[3], g.patchSize]))
        let y = columns.col2im(g)
        return bias.map { y.addingBias($0) } ?? y
    }
}
