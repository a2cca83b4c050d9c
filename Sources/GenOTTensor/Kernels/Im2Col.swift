import Dispatch

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
    public var columnsShape: [Int] { [positions, patchSize] }
}

/// im2col and its adjoint col2im. Windows are rows of the column matrix, so a
/// convolution is one GEMM with the weights; samples run in parallel.
enum Im2Col {
    /// cols[(n, oh, ow), (i, j, c)] = x[n, oh·s − p + i, ow·s − p + j, c] (0 outside).
    static func im2col(_ x: UnsafeBufferPointer<Float>, _ cols: UnsafeMutableBufferPointer<Float>, _ g: ConvGeometry) {
        let xs = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!)), cs = SendablePointer(cols.baseAddress!)
        parallelOverSamples(g.batch) { n in
            let x = xs.pointer, cols = cs.pointer
            let c = g.channels
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    var row = cols + ((n * g.outHeight + oh) * g.outWidth + ow) * g.patchSize
                    for i in 0..<g.kernel {
                        let ih = oh * g.stride - g.padding + i
                        for j in 0..<g.kernel {
                            let iw = ow * g.stride - g.padding + j
                            if ih >= 0 && ih < g.height && iw >= 0 && iw < g.width {
                                row.update(from: x + ((n * g.height + ih) * g.width + iw) * c, count: c)
                            } else {
                                row.update(repeating: 0, count: c)
                            }
                            row += c
                        }
                    }
                }
            }
        }
    }

    /// The adjoint: x[n, ih, iw, c] = Σ over windows covering it of cols.
    static func col2im(_ cols: UnsafeBufferPointer<Float>, _ x: UnsafeMutableBufferPointer<Float>, _ g: ConvGeometry) {
        x.initialize(repeating: 0)
        let xs = SendablePointer(x.baseAddress!), cs = SendablePointer(UnsafeMutablePointer(mutating: cols.baseAddress!))
        parallelOverSamples(g.batch) { n in
            let x = xs.pointer, cols = cs.pointer
            let c = g.channels
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    var row = cols + ((n * g.outHeight + oh) * g.outWidth + ow) * g.patchSize
                    for i in 0..<g.kernel {
                        let ih = oh * g.stride - g.padding + i
                        for j in 0..<g.kernel {
                            let iw = ow * g.stride - g.padding + j
                            if ih >= 0 && ih < g.height && iw >= 0 && iw < g.width {
                                let target = x + ((n * g.height + ih) * g.width + iw) * c
                                for k in 0..<c { target[k] += row[k] }
                            }
                            row += c
                        }
                    }
                }
            }
        }
    }

    /// Splits samples into chunks run by Dispatch's pool (each writes only
    /// its own samples' memory).
    static func parallelOverSamples(_ count: Int, _ body: @Sendable (Int) -> Void) {
        let chunks = min(count, 16)
        guard chunks > 1 else { for n in 0..<count { body(n) }; return }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for n in stride(from: chunk, to: count, by: chunks) { body(n) }
        }
    }
}

/// NOTE: Swift 6 refuses to capture raw pointers in a @Sendable closure; each
/// parallel task writes a disjoint range, which makes this wrapper safe.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
