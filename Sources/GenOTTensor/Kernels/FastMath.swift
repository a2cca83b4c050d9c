/// Vectorised transcendental functions on SIMD8<Float>, for the activation
/// kernels (libm's expf bounded SiLU at ~2 GB/s; this is several times faster).
enum FastMath {
    /// eˣ with relative error ≈ 1.2e-7 (Cephes expf: n = round(x/ln 2),
    /// r = x − n·ln 2 in two parts, degree-6 polynomial, 2ⁿ set in the
    /// exponent bits). Inputs are clamped to [−87.3, 88.3] so results stay
    /// finite and normal.
    /// NOTE: rounding with the 1.5·2²³ trick, not `.rounded()` or
    /// `SIMD8<Int32>(_:rounding:)`: those are per-lane generic code here and
    /// made the kernel 20× slower.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var x = x.replacing(with: 88.3, where: x .> 88.3)
        x = x.replacing(with: -87.3, where: x .< -87.3)
        let magic = SIMD8<Float>(repeating: 12_582_912)   // 1.5·2²³
        let shifted = x * 1.442_695_04 + magic           // n in the low mantissa bits
        let n = shifted - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_40e-4
        var p = SIMD8<Float>(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let y = p * (r * r) + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        return y * unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
    }

    /// σ(x) = 1 / (1 + e⁻ˣ); the clamp inside `exp` keeps both tails finite.
    @inline(__always)
    static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exp(-x)) }

    /// Applies `f` to `count` elements eight at a time; the tail goes through
    /// a zero-padded vector so every element sees the same arithmetic.
    @inline(__always)
    static func map(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>,
                    _ f: (SIMD8<Float>) -> SIMD8<Float>) {
        let n = src.count, whole = n & ~7
        var i = 0
        guard n > 0 else { return }
        let from = UnsafeRawPointer(src.baseAddress!), to = UnsafeMutableRawPointer(dst.baseAddress!)
        while i < whole {
            let y = f(from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
            to.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        if i < n {
            var v = SIMD8<Float>(repeating: 0)
            for j in 0..<(n - i) { v[j] = src[i + j] }
            let y = f(v)
            for j in 0..<(n - i) { dst[i + j] = y[j] }
        }
    }

    /// Like `map`, for two inputs of the same length.
    @inline(__always)
    static func zip(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>,
                    _ dst: UnsafeMutableBufferPointer<Float>, _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
        let n = a.count, whole = n & ~7
        var i = 0
        guard n > 0 else { return }
        let left = UnsafeRawPointer(a.baseAddress!), right = UnsafeRawPointer(b.baseAddress!)
        let to = UnsafeMutableRawPointer(dst.baseAddress!)
        while i < whole {
            let y = f(left.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                      right.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
            to.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        if i < n {
            var u = SIMD8<Float>(repeating: 0), v = SIMD8<Float>(repeating: 0)
            for j in 0..<(n - i) { u[j] = a[i + j]; v[j] = b[i + j] }
            let y = f(u, v)
            for j in 0..<(n - i) { dst[i + j] = y[j] }
        }
    }
}
