/// y = Σ_b w_b·exp(a_b·x) elementwise, one pass over x for all terms: the
/// Gaussian MMD kernel Σ_b exp(−‖x − y‖²/(2σ_b²)) over an [n, m] matrix of
/// squared distances. Built from scale, exp and add it made 3 passes per
/// bandwidth forward and as many backward over matrices of up to 512 × 1024.
enum ExpSum {
    /// x, y: [count]; rates a, weights w: [terms]. Each term is computed as
    /// w·exp(a·x) and added in order b = 0, 1, …, the arithmetic of
    /// `x.scaled(by: a).exp()` summed term by term (bit for bit when w = 1).
    static func apply(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>,
                      rates: [Float], weights: [Float]) {
        precondition(x.count == y.count && rates.count == weights.count && !rates.isEmpty, "ExpSum: sizes")
        guard let from = x.baseAddress, let to = y.baseAddress else { return }
        let input = SendablePointer(UnsafeMutablePointer(mutating: from)), output = SendablePointer(to)
        let terms = rates.count
        Parallel.ranges(x.count) { range in
            @inline(__always) func value(_ v: SIMD8<Float>) -> SIMD8<Float> {
                var total = ExpKernel.apply(v * rates[0])
                if weights[0] != 1 { total = total * weights[0] }
                for b in 1..<terms {
                    let term = ExpKernel.apply(v * rates[b])
                    total = total + (weights[b] == 1 ? term : term * weights[b])
                }
                return total
            }
            let from = UnsafeRawPointer(input.pointer), to = UnsafeMutableRawPointer(output.pointer)
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                to.storeBytes(of: value(from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)),
                              toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            if i < range.upperBound {
                // The tail through a zero-padded vector: the same arithmetic as the body.
                var v = SIMD8<Float>(repeating: 0)
                for j in 0..<(range.upperBound - i) { v[j] = input.pointer[i + j] }
                let y = value(v)
                for j in 0..<(range.upperBound - i) { output.pointer[i + j] = y[j] }
            }
        }
    }
}
