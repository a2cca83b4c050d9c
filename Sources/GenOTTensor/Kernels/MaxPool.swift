/// k×k max pooling with stride k over NHWC images, and the flat-index
/// gather/scatter its gradient is made of. Channels are the innermost axis,
/// so each window is k·k runs of C contiguous floats, compared run by run.
/// (Per-element index arithmetic cost ~20 ms per classifier batch; this ~1 ms.)
enum MaxPool {
    /// y[n, oh, ow, c] = max over the k×k window of x (the first maximum in
    /// window order i, j); argmax[…] = the flat index of that element in x.
    /// x: [n, h, w, c]; y, argmax: [n, h/k, w/k, c].
    static func forward(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>,
                        _ argmax: UnsafeMutableBufferPointer<Int32>, n: Int, h: Int, w: Int, c: Int, k: Int) {
        let ho = h / k, wo = w / k
        let xs = x.baseAddress!, ys = y.baseAddress!, idx = argmax.baseAddress!
        for b in 0..<n {
            for oh in 0..<ho {
                for ow in 0..<wo {
                    let out = ((b * ho + oh) * wo + ow) * c
                    let first = ((b * h + oh * k) * w + ow * k) * c
                    for ch in 0..<c {
                        ys[out + ch] = xs[first + ch]
                        idx[out + ch] = Int32(truncatingIfNeeded: first + ch)
                    }
                    for i in 0..<k {
                        for j in 0..<k where i > 0 || j > 0 {
                            let at = ((b * h + oh * k + i) * w + ow * k + j) * c
                            // NOTE: lane selects, not branches: on real activations the
                            // comparison is a coin flip and mispredictions cost ~4 ns each.
                            var ch = 0
                            while ch + 8 <= c {
                                let value = UnsafeRawPointer(xs + at + ch).loadUnaligned(as: SIMD8<Float>.self)
                                let bestPointer = UnsafeMutableRawPointer(ys + out + ch)
                                let indexPointer = UnsafeMutableRawPointer(idx + out + ch)
                                let best = bestPointer.loadUnaligned(as: SIMD8<Float>.self)
                                let better = value .> best
                                let candidate = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: at + ch)) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7)
                                bestPointer.storeBytes(of: best.replacing(with: value, where: better), as: SIMD8<Float>.self)
                                let index = indexPointer.loadUnaligned(as: SIMD8<Int32>.self)
                                indexPointer.storeBytes(of: index.replacing(with: candidate, where: better), as: SIMD8<Int32>.self)
                                ch += 8
                            }
                            for ch in ch..<c {
                                let value = xs[at + ch], best = ys[out + ch]
                                let better = value > best
                                ys[out + ch] = better ? value : best
                                idx[out + ch] = better ? Int32(truncatingIfNeeded: at + ch) : idx[out + ch]
                            }
                        }
                    }
                }
            }
        }
    }

    /// dst[i] = src[index[i]].
    static func gather(_ src: UnsafeBufferPointer<Float>, _ index: UnsafeBufferPointer<Int32>,
                       _ dst: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<index.count { dst[i] = src[Int(index[i])] }
    }

    /// dst = 0, then dst[index[i]] += src[i].
    static func scatter(_ src: UnsafeBufferPointer<Float>, _ index: UnsafeBufferPointer<Int32>,
                        _ dst: UnsafeMutableBufferPointer<Float>) {
        dst.initialize(repeating: 0)
        for i in 0..<index.count { dst[Int(index[i])] += src[i] }
    }
}
