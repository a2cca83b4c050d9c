import GenOTLanes

/// The three products of a convolution layer, each an im2col (or col2im) and
/// a GEMM per chunk of samples. The geometry `g` is the image side
/// ([N, H, W, C]); the other side is [N, Ho, Wo, O] and the weight [O, k, k, C].
///
/// Why chunks: the column matrix of a whole batch (for the VAE's second
/// layer 64 images × 49 positions × 512 floats, 6.4 MB) does not fit in a
/// core's cache, so the GEMM read it back from memory and, in the transposed
/// direction, OpenBLAS zeroed and wrote it there first. A chunk's columns
/// (about `budget` floats) are written, multiplied and consumed in cache, and
/// no column matrix outlives the call. A 4 × 4 window over an image side of
/// one channel goes to GenOTLanes' `SingleChannelConvolution` instead, which needs no
/// columns.
enum Convolution {
    /// Floats of column matrix per chunk (512 KiB): a quarter of a 2 MiB L2
    /// and half of a 1 MiB one, leaving room for OpenBLAS's packed panels;
    /// 256 KiB to 1 MiB ran alike on a 2 MiB L2, 2 MiB was slower.
    static let budget = 1 << 17

    /// Samples per chunk for geometry `g` (at least one).
    static func samplesPerChunk(_ g: ConvGeometry) -> Int {
        max(1, budget / max(1, g.outHeight * g.outWidth * g.patchSize))
    }

    /// y = im2col(x)·Wᵀ + b: x [N, H, W, C], weight [O, kkC], bias [O] (or
    /// none) → y [N·Ho·Wo, O].
    static func forward(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, outputs: Int, chunk: Int? = nil) {
        if isSingleChannel(g) {
            let (image, w, b, out) = (ReadPointer(x), ReadPointer(weight), bias.map(ReadPointer.init), SendablePointer(y))
            samples(g, outputs) { range, part in
                VectorUnit.kernels.singleChannelForward(part, image.pointer + range.lowerBound * g.height * g.width, w.pointer,
                                                        b?.pointer, out.pointer + range.lowerBound * g.outHeight * g.outWidth * outputs)
            }
            return
        }
        chunks(g, chunk) { part, first, columns in
            Im2Col.im2col(UnsafeBufferPointer(start: x + first * g.height * g.width * g.channels, count: part.imageCount),
                          columns, part)
            let out = y + first * g.outHeight * g.outWidth * outputs
            BLAS.sgemm(columns.baseAddress!, weight, out, m: part.positions, n: outputs, k: g.patchSize,
                       transposeA: false, transposeB: true, rowBias: bias)
        }
    }

    /// x = col2im(y·W) + b: y [N·Ho·Wo, O], weight [O, kkC], bias [C] (or
    /// none) → x [N, H, W, C].
    static func transposed(_ y: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                           _ x: UnsafeMutablePointer<Float>, _ g: ConvGeometry, outputs: Int, chunk: Int? = nil) {
        if isSingleChannel(g) {
            let (other, w, image) = (ReadPointer(y), ReadPointer(weight), SendablePointer(x)), b = bias?.pointee
            samples(g, outputs) { range, part in
                VectorUnit.kernels.singleChannelTransposed(part, other.pointer + range.lowerBound * g.outHeight * g.outWidth * outputs,
                                                           w.pointer, b, image.pointer + range.lowerBound * g.height * g.width)
            }
            return
        }
        chunks(g, chunk) { part, first, columns in
            BLAS.sgemm(y + first * g.outHeight * g.outWidth * outputs, weight, columns.baseAddress!,
                       m: part.positions, n: g.patchSize, k: outputs, transposeA: false, transposeB: false)
            Im2Col.col2im(UnsafeBufferPointer(columns),
                          UnsafeMutableBufferPointer(start: x + first * g.height * g.width * g.channels, count: part.imageCount),
                          part, bias: bias)
        }
    }

    /// dW = yᵀ·im2col(x): x [N, H, W, C], y [N·Ho·Wo, O] → dW [O, kkC],
    /// summed over the chunks in order.
    static func weightGradient(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ gradient: UnsafeMutablePointer<Float>,
                               _ g: ConvGeometry, outputs: Int, chunk: Int? = nil) {
        if g.batch == 0 { gradient.update(repeating: 0, count: outputs * g.patchSize) }
        if isSingleChannel(g) {
            VectorUnit.kernels.singleChannelWeightGradient(single(g, outputs), x, y, gradient)
            return
        }
        chunks(g, chunk) { part, first, columns in
            Im2Col.im2col(UnsafeBufferPointer(start: x + first * g.height * g.width * g.channels, count: part.imageCount),
                          columns, part)
            BLAS.sgemm(y + first * g.outHeight * g.outWidth * outputs, columns.baseAddress!, gradient,
                       m: outputs, n: g.patchSize, k: part.positions, transposeA: true, transposeB: false,
                       beta: first == 0 ? 0 : 1)
        }
    }

    /// Whether the one-channel kernels (GenOTLanes' `SingleChannelConvolution`,
    /// 4 × 4 windows) compute this geometry's products.
    private static func isSingleChannel(_ g: ConvGeometry) -> Bool {
        g.channels == 1 && g.kernel == singleChannelWindow && g.batch > 0
    }

    /// `g` as the one-channel kernels' geometry, of `batch` samples.
    private static func single(_ g: ConvGeometry, _ outputs: Int, batch: Int? = nil) -> WindowGeometry {
        (batch ?? g.batch, g.height, g.width, g.stride, g.padding, outputs)
    }

    /// `body(samples, their geometry)` over blocks of whole samples, on all
    /// cores when allowed (each block writes only its samples' memory).
    private static func samples(_ g: ConvGeometry, _ outputs: Int,
                                _ body: @Sendable (Range<Int>, WindowGeometry) -> Void) {
        Parallel.ranges(g.batch, minimum: 2, granularity: 1) { range in body(range, single(g, outputs, batch: range.count)) }
    }

    /// Calls `body(geometry of the chunk, its first sample, column scratch)`
    /// for consecutive chunks of samples; one scratch buffer serves them all.
    private static func chunks(_ g: ConvGeometry, _ chunk: Int?,
                               _ body: (ConvGeometry, Int, UnsafeMutableBufferPointer<Float>) -> Void) {
        guard g.batch > 0 else { return }
        let size = min(g.batch, max(1, chunk ?? samplesPerChunk(g)))
        let columns = UnsafeMutableBufferPointer<Float>.allocate(capacity: size * g.outHeight * g.outWidth * g.patchSize)
        defer { columns.deallocate() }
        var first = 0
        while first < g.batch {
            let count = min(size, g.batch - first)
            let part = ConvGeometry(batch: count, height: g.height, width: g.width, channels: g.channels,
                                    kernel: g.kernel, stride: g.stride, padding: g.padding)
            body(part, first, UnsafeMutableBufferPointer(rebasing: columns[0..<(part.positions * g.patchSize)]))
            first += count
        }
    }
}
