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

    /// Applies `f` to every element, eight at a time; the tail goes through
    /// a zero-padded vector so every element sees the same arithmetic. Large
    /// inputs are split over the cores.
    @inline(__always)
    static func map(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>,
                    _ f: @escaping @Sendable (SIMD8<Float>) -> SIMD8<Float>) {
        guard let from = src.baseAddress, let to = dst.baseAddress else { return }
        let input = SendablePointer(UnsafeMutablePointer(mutating: from)), output = SendablePointer(to)
        Parallel.ranges(src.count) { range in
            let from = UnsafeRawPointer(input.pointer), to = UnsafeMutableRawPointer(output.pointer)
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let y = f(from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
                to.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            if i < range.upperBound {
                var v = SIMD8<Float>(repeating: 0)
                for j in 0..<(range.upperBound - i) { v[j] = input.pointer[i + j] }
                let y = f(v)
                for j in 0..<(range.upperBound - i) { output.pointer[i + j] = y[j] }
            }
        }
    }

    /// Like `map`, for two inputs of the same length.
    @inline(__always)
    static func zip(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>,
                    _ dst: UnsafeMutableBufferPointer<Float>,
                    _ f: @escaping @Sendable (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
        guard let left = a.baseAddress, let right = b.baseAddress, let to = dst.baseAddress else { return }
        let first = SendablePointer(UnsafeMutablePointer(mutating: left))
        let second = SendablePointer(UnsafeMutablePointer(mutating: right)), output = SendablePointer(to)
        Parallel.ranges(a.count) { range in
            let left = UnsafeRawPointer(first.pointer), right = UnsafeRawPointer(second.pointer)
            let to = UnsafeMutableRawPointer(output.pointer)
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let y = f(left.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                          right.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
                to.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            if i < range.upperBound {
                var u = SIMD8<Float>(repeating: 0), v = SIMD8<Float>(repeating: 0)
                for j in 0..<(range.upperBound - i) { u[j] = first.pointer[i + j]; v[j] = second.pointer[i + j] }
                let y = f(u, v)
                for j in 0..<(range.upperBound - i) { output.pointer[i + j] = y[j] }
            }
        }
    }
}
