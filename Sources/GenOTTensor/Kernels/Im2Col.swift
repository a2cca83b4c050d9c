
/// Geometry of a 2-D convolution over NHWC images: an input of
/// [batch, height, width, channels] read through kernel × kernel windows.
public struct ConvGeometry: Equatable, Sendable {
    public let batch, height, width, channels: Int
    public let kernel, stride, padding: Int

    public init(batch: Int, height: Int, width: Int, channels: Int, kernel: Int, stride: Int, padding: Int) {
        self.batch = batch; self.height = height; self.width = width; self.channels = channels
        self.kernel = kernel; self.stride = stride; self.padding = padding
    }

    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Elements of one window: kernel·kernel·channels, ordered (i, j, c).
    public var patchSize: Int { kernel * kernel * channels }
    /// Rows of the column matrix: one per output position.
    public var positions: Int { batch * outHeight * outWidth }
    public var imageShape: [Int] { [batch, height, width, channels] }
    /// Floats of the image side: batch·height·width·channels.
    public var imageCount: Int { batch * height * width * channels }
    public var columnsShape: [Int] { [positions, patchSize] }
}

/// im2col and its adjoint col2im. Windows are rows of the column matrix, so a
/// convolution is one GEMM with the weights; samples run in parallel.
///
/// NOTE: within a window, the k taps of one kernel row read k·C consecutive
/// floats of the image (NHWC), so each kernel row is one block copy (or one
/// vector add), with the out-of-image taps at its ends zero-filled. Copying
/// per tap made the C = 1 layers (first conv, last transposed conv) cost
/// one call per element.
enum Im2Col {
    /// The taps j of a window starting at column `iw0` that fall inside the
    /// image: `lo ..< hi` (empty when lo ≥ hi).
    @inline(__always)
    static func insideTaps(_ iw0: Int, _ g: ConvGeometry) -> (lo: Int, hi: Int) {
        (max(0, -iw0), min(g.kernel, g.width - iw0))
    }

    /// cols[(n, oh, ow), (i, j, c)] = x[n, oh·s − p + i, ow·s − p + j, c] (0 outside).
    static func im2col(_ x: UnsafeBufferPointer<Float>, _ cols: UnsafeMutableBufferPointer<Float>, _ g: ConvGeometry) {
        let xs = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!)), cs = SendablePointer(cols.baseAddress!)
        parallelOverSamples(g.batch) { n in
            let x = xs.pointer, cols = cs.pointer
            let c = g.channels, kc = g.kernel * c
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let row = cols + ((n * g.outHeight + oh) * g.outWidth + ow) * g.patchSize
                    let iw0 = ow * g.stride - g.padding
                    let (lo, hi) = insideTaps(iw0, g)
                    for i in 0..<g.kernel {
                        let ih = oh * g.stride - g.padding + i
                        let dst = row + i * kc
                        guard ih >= 0 && ih < g.height && lo < hi else {
                            dst.update(repeating: 0, count: kc)
                            continue
                        }
                        if lo > 0 { dst.update(repeating: 0, count: lo * c) }
                        let src = x + ((n * g.height + ih) * g.width + iw0 + lo) * c
                        copy(dst + lo * c, src, (hi - lo) * c)
                        if hi < g.kernel { (dst + hi * c).update(repeating: 0, count: (g.kernel - hi) * c) }
                    }
                }
            }
        }
    }

    /// The adjoint: x[n, ih, iw, c] = b[c] + Σ over windows covering it of
    /// cols (b = 0 without a bias).
    static func col2im(_ cols: UnsafeBufferPointer<Float>, _ x: UnsafeMutableBufferPointer<Float>, _ g: ConvGeometry,
                       bias: UnsafePointer<Float>? = nil) {
        if let bias {
            RowBias.fill(bias, rows: g.batch * g.height * g.width, cols: g.channels, x.baseAddress!)
        } else {
            x.initialize(repeating: 0)
        }
        let xs = SendablePointer(x.baseAddress!), cs = SendablePointer(UnsafeMutablePointer(mutating: cols.baseAddress!))
        parallelOverSamples(g.batch) { n in
            let x = xs.pointer, cols = cs.pointer
            let c = g.channels, kc = g.kernel * c
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let row = cols + ((n * g.outHeight + oh) * g.outWidth + ow) * g.patchSize
                    let iw0 = ow * g.stride - g.padding
                    let (lo, hi) = insideTaps(iw0, g)
                    guard lo < hi else { continue }
                    for i in 0..<g.kernel {
                        let ih = oh * g.stride - g.padding + i
                        guard ih >= 0 && ih < g.height else { continue }
                        let src = row + i * kc + lo * c
                        let target = x + ((n * g.height + ih) * g.width + iw0 + lo) * c
                        accumulate(target, src, (hi - lo) * c)
                    }
                }
            }
        }
    }

    /// dst[0..<n] = src[0..<n]: short runs (4 floats for a 4-tap kernel over
    /// one channel) in SIMD blocks, where a memcpy call costs more than the
    /// copy; long ones (a kernel row over 32 channels) through memcpy, whose
    /// wide moves made the VAE's 1-thread step 7% faster than these blocks.
    @inline(__always)
    static func copy(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafeMutablePointer<Float>, _ n: Int) {
        if n >= 64 { dst.update(from: src, count: n); return }
        let to = UnsafeMutableRawPointer(dst), from = UnsafeRawPointer(src)
        var t = 0
        while t + 8 <= n {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: 4 * t, as: SIMD8<Float>.self), toByteOffset: 4 * t, as: SIMD8<Float>.self)
            t += 8
        }
        if t + 4 <= n {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: 4 * t, as: SIMD4<Float>.self), toByteOffset: 4 * t, as: SIMD4<Float>.self)
            t += 4
        }
        while t < n { dst[t] = src[t]; t += 1 }
    }

    /// dst[0..<n] += src[0..<n], in SIMD blocks (see `copy`).
    @inline(__always)
    static func accumulate(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafeMutablePointer<Float>, _ n: Int) {
        let to = UnsafeMutableRawPointer(dst), from = UnsafeRawPointer(src)
        var t = 0
        while t + 8 <= n {
            let sum = to.loadUnaligned(fromByteOffset: 4 * t, as: SIMD8<Float>.self)
                + from.loadUnaligned(fromByteOffset: 4 * t, as: SIMD8<Float>.self)
            to.storeBytes(of: sum, toByteOffset: 4 * t, as: SIMD8<Float>.self)
            t += 8
        }
        if t + 4 <= n {
            let sum = to.loadUnaligned(fromByteOffset: 4 * t, as: SIMD4<Float>.self)
                + from.loadUnaligned(fromByteOffset: 4 * t, as: SIMD4<Float>.self)
            to.storeBytes(of: sum, toByteOffset: 4 * t, as: SIMD4<Float>.self)
            t += 4
        }
        while t < n { dst[t] += src[t]; t += 1 }
    }

    /// `body(n)` for every sample, blocks of samples on all cores when
    /// allowed (each writes only its own samples' memory).
    static func parallelOverSamples(_ count: Int, _ body: @Sendable (Int) -> Void) {
        Parallel.ranges(count, minimum: 2, granularity: 1) { range in for n in range { body(n) } }
    }
}

/// NOTE: Swift 6 refuses to capture raw pointers in a @Sendable closure; each
/// parallel task writes a disjoint range, which makes this wrapper safe.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
