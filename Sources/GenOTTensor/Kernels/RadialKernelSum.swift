/// The pass behind `Tensor.radialKernelSum`: over an [s, c] matrix holding
/// aᵢ·z_j, each element becomes the squared distance S = ‖aᵢ‖² + ‖z_j‖² −
/// 2aᵢ·z_j, the kernel value k(S) is added to the weighted total and the
/// slope weight g_j·k′(S) is written back in place, eight columns at a time.
/// One pass where the composed ops (distances, clamp, kernel, masks, sums)
/// made a dozen over the matrix and its gradient.
enum RadialKernelSum {
    /// `products` [s, c] is overwritten by W; returns Σ v_j·k(S_ij) and each
    /// row's Σ_j W_ij. `skip[i]`: a column left out of row i (or −1).
    static func apply(_ products: UnsafeMutableBufferPointer<Float>, rows s: Int, columns c: Int,
                      rowSquares: [Float], columnSquares: [Float], valueWeights: [Float], slopeWeights: [Float],
                      skip: [Int], profile: RadialProfile) -> (value: Double, rowSums: [Float]) {
        // Weights and squares padded to a multiple of 8 with zeros: the tail
        // then runs the body's arithmetic and adds nothing.
        let padded = (c + 7) & ~7
        func pad(_ v: [Float]) -> [Float] { v + [Float](repeating: 0, count: padded - c) }
        let zz = pad(columnSquares), vw = pad(valueWeights), gw = pad(slopeWeights)
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        let ladder = Self.ladder(profile)
        var value = 0.0
        var rowSums = [Float](repeating: 0, count: s)
        var chunk = [Float](repeating: 0, count: 8)
        for i in 0..<s {
            let row = products.baseAddress! + i * c
            let aa = SIMD8<Float>(repeating: rowSquares[i])
            var total = SIMD8<Float>(repeating: 0), slopes = SIMD8<Float>(repeating: 0)
            var j = 0
            while j < c {
                let full = j + 8 <= c
                var product: SIMD8<Float>
                if full {
                    product = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self)
                } else {
                    for l in 0..<8 { chunk[l] = j + l < c ? row[j + l] : 0 }
                    product = SIMD8(chunk)
                }
                let columnNorms = Self.load(zz, at: j)
                var valueWeight = Self.load(vw, at: j), slopeWeight = Self.load(gw, at: j)
                if skip[i] >= j && skip[i] < j + 8 {
                    let out = lanes .== SIMD8(repeating: Int32(skip[i] - j))
                    valueWeight.replace(with: 0, where: out)
                    slopeWeight.replace(with: 0, where: out)
                }
                let squared = aa + columnNorms - 2 * product
                let negative = squared .< 0
                let clamped = squared.replacing(with: 0, where: negative)
                var k = SIMD8<Float>(repeating: 0), slope = SIMD8<Float>(repeating: 0)
                switch profile {
                case .exponentials:
                    var term = SIMD8<Float>(repeating: 0)
                    for (rate, squarings) in ladder {
                        if squarings == 0 {
                            term = FastMath.exp(clamped * rate)
                        } else {
                            for _ in 0..<squarings { term *= term }
                        }
                        k += term
                        slope = slope.addingProduct(term, rate)
                    }
                case .negativeRoot(let epsilon):
                    let root = (clamped + epsilon).squareRoot()
                    k = -root
                    slope = -0.5 / root
                }
                total = total.addingProduct(valueWeight, k)
                let w = (slopeWeight * slope).replacing(with: 0, where: negative)
                slopes += w
                if full {
                    UnsafeMutableRawPointer(row + j).storeBytes(of: w, as: SIMD8<Float>.self)
                } else {
                    for l in 0..<(c - j) { row[j + l] = w[l] }
                }
                j += 8
            }
            value += Double(total.sum())
            rowSums[i] = slopes.sum()
        }
        return (value, rowSums)
    }

    /// Eight values of `v` from `index` on.
    @inline(__always)
    private static func load(_ v: [Float], at index: Int) -> SIMD8<Float> {
        v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self) }
    }

    /// The exponentials' rates in order of size, each with how many times to
    /// square the previous term to get it (0: call exp). exp(2ᵏa·s) =
    /// exp(a·s)^(2ᵏ), so for bandwidths in a ladder of factors √2 or 2 (the
    /// usual multi-scale choice) one exponential serves all. Each squaring
    /// doubles the relative rounding: over the four bandwidths of factor 2
    /// the narrowest term is within 64 × 1.2e-7 ≈ 8e-6 of exp's, far inside
    /// a batch's sampling noise; k ≤ 4 per rung bounds it.
    static func ladder(_ profile: RadialProfile) -> [(rate: Float, squarings: Int)] {
        guard case .exponentials(let rates) = profile else { return [] }
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
