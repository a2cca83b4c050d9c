/// The three products of a 4 × 4 convolution whose image side has one
/// channel (the VAE's first layer reads a grayscale image, its last one
/// writes one), computed directly, a vector of output channels at a time.
/// Through im2col and GEMM the column matrix had 16 floats a row, copied 4
/// at a time, and OpenBLAS ran those k = 16 products at a third of its speed.
///
/// Each image is first copied into a zero border of `padding` pixels, so
/// every tap of every window reads inside it. Sums run in four partial sums
/// (one per tap column j, or per output channel modulo 4), so that the
/// multiply-adds do not wait on each other; the order is fixed, so results
/// repeat exactly, at either vector width.
///
/// Shapes: image [N, H, W] (one channel), the other side [N·Ho·Wo, O],
/// weight [O, 4·4]; `stride` and `padding` as in GenOTTensor's `ConvGeometry`.
struct SingleChannelConvolution {
    static let kernel = 4
    let batch, height, width, stride, padding, outputs: Int

    init(_ g: WindowGeometry) {
        (batch, height, width, stride, padding, outputs) = (g.batch, g.height, g.width, g.stride, g.padding, g.outputs)
    }

    var outHeight: Int { (height + 2 * padding - Self.kernel) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - Self.kernel) / stride + 1 }
    var paddedHeight: Int { height + 2 * padding }
    var paddedWidth: Int { width + 2 * padding }
    /// Vectors per row of O outputs (the last one zero-padded).
    var vectors: Int { (outputs + laneCount - 1) / laneCount }
    var rowWidth: Int { vectors * laneCount }

    /// y[p, o] = b[o] + Σ_t x_t(p)·w[o, t] (b = 0 without a bias).
    func forward(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        _ y: UnsafeMutablePointer<Float>) {
        let width = rowWidth
        // The weight as [t, O] and the bias, rows padded to whole vectors;
        // the padded image; one row of results.
        let scratch = Scratch(count: 17 * width + paddedHeight * paddedWidth + width)
        defer { scratch.free() }
        let columns = scratch.pointer, start = columns + 16 * width
        let image = start + width, row = image + paddedHeight * paddedWidth
        for o in 0..<outputs {
            for t in 0..<16 { columns[t * width + o] = weight[o * 16 + t] }
            start[o] = bias?[o] ?? 0
        }
        // Whole vectors are stored in place; a padded row goes through `row`.
        let whole = outputs == width
        var p = 0
        for n in 0..<batch {
            pad(x + n * height * self.width, into: image)
            for oh in 0..<outHeight {
                for ow in 0..<outWidth {
                    let corner = image + oh * stride * paddedWidth + ow * stride, out = whole ? y + p * outputs : row
                    for v in 0..<vectors {
                        let w = columns + v * laneCount
                        var a0 = Lanes(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                        for i in 0..<4 {
                            let pixels = corner + i * paddedWidth, taps = w + 4 * i * width
                            a0 = a0.addingProduct(Lanes(repeating: pixels[0]), LaneMemory.load(taps, 0))
                            a1 = a1.addingProduct(Lanes(repeating: pixels[1]), LaneMemory.load(taps, width))
                            a2 = a2.addingProduct(Lanes(repeating: pixels[2]), LaneMemory.load(taps, 2 * width))
                            a3 = a3.addingProduct(Lanes(repeating: pixels[3]), LaneMemory.load(taps, 3 * width))
                        }
                        LaneMemory.store(LaneMemory.load(start, v * laneCount) + ((a0 + a1) + (a2 + a3)), out, v * laneCount)
                    }
                    if !whole { (y + p * outputs).update(from: row, count: outputs) }
                    p += 1
                }
            }
        }
    }

    /// x[n, ih, iw] = b + Σ over the windows covering the pixel of
    /// Σ_o y[p, o]·w[o, t] (b = 0 without a bias), windows in order.
    func transposed(_ y: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, bias: Float?,
                           _ x: UnsafeMutablePointer<Float>) {
        let tapVectors = (16 + laneCount - 1) / laneCount, padded = tapVectors * laneCount
        // The weight as [O, t] (rows padded to whole vectors of taps, plus
        // rows of zeros up to a multiple of 4), one window's values, the
        // padded image.
        let rowCount = (outputs + 3) / 4 * 4
        let scratch = Scratch(count: (rowCount + 1) * padded + paddedHeight * paddedWidth + rowCount)
        defer { scratch.free() }
        let rows = scratch.pointer, values = rows + rowCount * padded
        let image = values + padded, source = image + paddedHeight * paddedWidth
        for o in 0..<outputs { for t in 0..<16 { rows[o * padded + t] = weight[o * 16 + t] } }
        var p = 0
        for n in 0..<batch {
            image.update(repeating: 0, count: paddedHeight * paddedWidth)
            for oh in 0..<outHeight {
                for ow in 0..<outWidth {
                    source.update(from: y + p * outputs, count: outputs)
                    for v in 0..<tapVectors {
                        let w = rows + v * laneCount
                        var a0 = Lanes(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                        for o in Swift.stride(from: 0, to: rowCount, by: 4) {
                            a0 = a0.addingProduct(Lanes(repeating: source[o]), LaneMemory.load(w, o * padded))
                            a1 = a1.addingProduct(Lanes(repeating: source[o + 1]), LaneMemory.load(w, (o + 1) * padded))
                            a2 = a2.addingProduct(Lanes(repeating: source[o + 2]), LaneMemory.load(w, (o + 2) * padded))
                            a3 = a3.addingProduct(Lanes(repeating: source[o + 3]), LaneMemory.load(w, (o + 3) * padded))
                        }
                        LaneMemory.store((a0 + a1) + (a2 + a3), values, v * laneCount)
                    }
                    let corner = image + oh * stride * paddedWidth + ow * stride
                    for i in 0..<4 {
                        let pixels = corner + i * paddedWidth, tap = values + 4 * i
                        pixels[0] += tap[0]; pixels[1] += tap[1]; pixels[2] += tap[2]; pixels[3] += tap[3]
                    }
                    p += 1
                }
            }
            let out = x + n * height * width
            for ih in 0..<height {
                for iw in 0..<width { out[ih * width + iw] = (bias ?? 0) + image[(ih + padding) * paddedWidth + iw + padding] }
            }
        }
    }

    /// dw[o, t] = Σ_p y[p, o]·x_t(p): two rows of taps (eight sums) at a
    /// time over the windows in order.
    func weightGradient(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ gradient: UnsafeMutablePointer<Float>) {
        let width = rowWidth, imageSize = paddedHeight * paddedWidth
        // The sums as [t, O] (rows padded to whole vectors), one row of y,
        // the padded images.
        let scratch = Scratch(count: 17 * width + batch * imageSize)
        defer { scratch.free() }
        let sums = scratch.pointer, row = sums + 16 * width, images = row + width
        for n in 0..<batch { pad(x + n * height * self.width, into: images + n * imageSize) }
        for i in Swift.stride(from: 0, to: 4, by: 2) {
            for v in 0..<vectors {
                var s0 = Lanes(repeating: 0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0
                var p = 0
                for n in 0..<batch {
                    let image = images + n * imageSize
                    for oh in 0..<outHeight {
                        for ow in 0..<outWidth {
                            // Whole vectors are read in place; a padded row is copied.
                            let value: Lanes
                            if outputs == width {
                                value = LaneMemory.load(y + p * outputs, v * laneCount)
                            } else {
                                row.update(from: y + p * outputs, count: outputs)
                                value = LaneMemory.load(row, v * laneCount)
                            }
                            let upper = image + (oh * stride + i) * paddedWidth + ow * stride, lower = upper + paddedWidth
                            s0 = s0.addingProduct(Lanes(repeating: upper[0]), value)
                            s1 = s1.addingProduct(Lanes(repeating: upper[1]), value)
                            s2 = s2.addingProduct(Lanes(repeating: upper[2]), value)
                            s3 = s3.addingProduct(Lanes(repeating: upper[3]), value)
                            s4 = s4.addingProduct(Lanes(repeating: lower[0]), value)
                            s5 = s5.addingProduct(Lanes(repeating: lower[1]), value)
                            s6 = s6.addingProduct(Lanes(repeating: lower[2]), value)
                            s7 = s7.addingProduct(Lanes(repeating: lower[3]), value)
                            p += 1
                        }
                    }
                }
                for (j, s) in [s0, s1, s2, s3, s4, s5, s6, s7].enumerated() {
                    LaneMemory.store(s, sums, (4 * i + j) * width + v * laneCount)
                }
            }
        }
        for o in 0..<outputs { for t in 0..<16 { gradient[o * 16 + t] = sums[t * width + o] } }
    }

    /// Copies one image into the middle of a zeroed padded one.
    private func pad(_ x: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        image.update(repeating: 0, count: paddedHeight * paddedWidth)
        for ih in 0..<height {
            (image + (ih + padding) * paddedWidth + padding).update(from: x + ih * width, count: width)
        }
    }
}

/// A zeroed buffer for one call's weights, sums and images.
private struct Scratch {
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    func free() { pointer.deallocate() }
}
