/// The pass behind `Tensor.radialKernelSum`: over an [s, c] matrix holding
/// aᵢ·z_j, each element becomes the squared distance S = ‖aᵢ‖² + ‖z_j‖² −
/// 2aᵢ·z_j, the kernel value k(S) is added to the weighted total and the
/// slope weight g_j·k′(S) is written back in place, one vector of columns at
/// a time. One pass where the composed ops (distances, clamp, kernel, masks,
/// sums) made a dozen over the matrix and its gradient.
public enum RadialKernelSum {
    /// `products` [s, c] is overwritten by W; returns Σ v_j·k(S_ij) and each
    /// row's Σ_j W_ij. `skip[i]`: a column left out of row i (or −1). The
    /// kernel: k(S) = Σ_b exp(a_b·S) for the `rates` a_b, or −√(S + ε) with
    /// ε = `rootEpsilon` when there are no rates.
    public static func apply(_ products: UnsafeMutableBufferPointer<Float>, rows s: Int, columns c: Int,
                             rowSquares: [Float], columnSquares: [Float], valueWeights: [Float], slopeWeights: [Float],
                             skip: [Int], rates: [Float], rootEpsilon: Float) -> (value: Double, rowSums: [Float]) {
        // Weights and squares padded to whole vectors with zeros: the tail
        // then runs the body's arithmetic and adds nothing.
        let padded = (c + laneCount - 1) / laneCount * laneCount
        func pad(_ v: [Float]) -> [Float] { v + [Float](repeating: 0, count: padded - c) }
        let zz = pad(columnSquares), vw = pad(valueWeights), gw = pad(slopeWeights)
        let lanes = LaneBits((0..<Int32(laneCount)).map { $0 })
        let ladder = Self.ladder(rates)
        var value = 0.0
        var rowSums = [Float](repeating: 0, count: s)
        var chunk = [Float](repeating: 0, count: laneCount)
        for i in 0..<s {
            let row = products.baseAddress! + i * c
            let aa = Lanes(repeating: rowSquares[i])
            var total = Lanes(repeating: 0), slopes = Lanes(repeating: 0)
            /// Block j's clamped squared distances and where the clamp acted.
            func distances(_ j: Int) -> (clamped: Lanes, negative: SIMDMask<LaneBits>) {
                var product: Lanes
                if j + laneCount <= c {
                    product = UnsafeRawPointer(row + j).loadUnaligned(as: Lanes.self)
                } else {
                    for l in 0..<laneCount { chunk[l] = j + l < c ? row[j + l] : 0 }
                    product = Lanes(chunk)
                }
                let squared = aa + Self.load(zz, at: j) - 2 * product
                let negative = squared .< 0
                return (squared.replacing(with: 0, where: negative), negative)
            }
            /// Adds block j's terms to the totals and writes its W.
            func finish(_ j: Int, _ negative: SIMDMask<LaneBits>, _ k: Lanes, _ slope: Lanes) {
                var valueWeight = Self.load(vw, at: j), slopeWeight = Self.load(gw, at: j)
                if skip[i] >= j && skip[i] < j + laneCount {
                    let out = lanes .== LaneBits(repeating: Int32(skip[i] - j))
                    valueWeight.replace(with: 0, where: out)
                    slopeWeight.replace(with: 0, where: out)
                }
                total = total.addingProduct(valueWeight, k)
                let w = (slopeWeight * slope).replacing(with: 0, where: negative)
                slopes += w
                if j + laneCount <= c {
                    UnsafeMutableRawPointer(row + j).storeBytes(of: w, as: Lanes.self)
                } else {
                    for l in 0..<(c - j) { row[j + l] = w[l] }
                }
            }
            // Two blocks at a time: the exponential and its squarings are one
            // long chain of dependent operations, and two independent chains
            // keep the vector units busy while each waits.
            var j = 0
            while j < c {
                let second = j + laneCount < c
                let (x0, negative0) = distances(j)
                let (x1, negative1) = second ? distances(j + laneCount) : (x0, negative0)
                let (k0, slope0, k1, slope1) = Self.terms(x0, x1, ladder: ladder, rootEpsilon: rootEpsilon)
                finish(j, negative0, k0, slope0)
                if second { finish(j + laneCount, negative1, k1, slope1) }
                j += 2 * laneCount
            }
            value += Double(total.sum())
            rowSums[i] = slopes.sum()
        }
        return (value, rowSums)
    }

    /// k(S) and k′(S) at two vectors of squared distances.
    @inline(__always)
    private static func terms(_ x0: Lanes, _ x1: Lanes, ladder: [(rate: Float, squarings: Int)],
                              rootEpsilon: Float) -> (Lanes, Lanes, Lanes, Lanes) {
        guard !ladder.isEmpty else {
            let root0 = (x0 + rootEpsilon).squareRoot(), root1 = (x1 + rootEpsilon).squareRoot()
            return (-root0, -0.5 / root0, -root1, -0.5 / root1)
        }
        var k0 = Lanes(repeating: 0), slope0 = Lanes(repeating: 0), term0 = Lanes(repeating: 0)
        var k1 = Lanes(repeating: 0), slope1 = Lanes(repeating: 0), term1 = Lanes(repeating: 0)
        for (rate, squarings) in ladder {
            if squarings == 0 {
                term0 = VectorMath.exp(x0 * rate)
                term1 = VectorMath.exp(x1 * rate)
            } else {
                for _ in 0..<squarings {
                    term0 *= term0
                    term1 *= term1
                }
            }
            k0 += term0
            k1 += term1
            slope0 = slope0.addingProduct(term0, rate)
            slope1 = slope1.addingProduct(term1, rate)
        }
        return (k0, slope0, k1, slope1)
    }

    /// One vector of `v` from `index` on.
    @inline(__always)
    private static func load(_ v: [Float], at index: Int) -> Lanes {
        v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress! + index).loadUnaligned(as: Lanes.self) }
    }

    /// The exponentials' rates in order of size, each with how many times to
    /// square the previous term to get it (0: call exp). exp(2ᵏa·s) =
    /// exp(a·s)^(2ᵏ), so for bandwidths in a ladder of factors √2 or 2 (the
    /// usual multi-scale choice) one exponential serves all. Each squaring
    /// doubles the relative rounding: over the four bandwidths of factor 2
    /// the narrowest term is within 64 × 1.2e-7 ≈ 8e-6 of exp's, far inside
    /// a batch's sampling noise; k ≤ 4 per rung bounds it.
    static func ladder(_ rates: [Float]) -> [(rate: Float, squarings: Int)] {
        var steps: [(rate: Float, squarings: Int)] = []
        for rate in rates.sorted(by: { abs($0) < abs($1) }) {
            var squarings = 0
            if let previous = steps.last?.rate, previous != 0 {
                let ratio = rate / previous
                if let k = (1...4).first(where: { ratio == Float(1 << $0) }) { squarings = k }
            }
            steps.append((rate, squarings))
        }
        return steps
    }
}
