/// SIMD kernels for the binary cross-entropy of logits: the loss
/// softplus(z) − y·z and its gradient g·(σ(z) − y). libm's log1pf and expf
/// cost ~25 ns per element; these ~1–2 ns. Eight lanes at a time, the tail
/// through a zero-padded vector so every element sees the same arithmetic.
enum Logistic {
    /// dst = softplus(z) − y·z.
    static func loss(_ z: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                     _ dst: UnsafeMutableBufferPointer<Float>) {
        forEachBlock(dst.count) { i, n in
            let zv = load(z, i, n), yv = load(y, i, n)
            store(softplus(zv) - yv * zv, dst, i, n)
        }
    }

    /// dst = g·(σ(z) − y).
    static func residual(_ z: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                         _ g: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>) {
        forEachBlock(dst.count) { i, n in
            let zv = load(z, i, n)
            store(load(g, i, n) * (1 / (1 + FastMath.exp(-zv)) - load(y, i, n)), dst, i, n)
        }
    }

    /// softplus(z) = log(1 + eᶻ) = max(z, 0) + log1p(e^−|z|), stable for any z.
    @inline(__always)
    static func softplus(_ z: SIMD8<Float>) -> SIMD8<Float> {
        let negative = z .< 0
        return z.replacing(with: 0, where: negative) + log1p(FastMath.exp(-z.replacing(with: -z, where: negative)))
    }

    /// log(1 + u) for u ≥ 0, accurate for tiny u too: log(w)·u / (w − 1) with
    /// w = 1 + u rounded (Goldberg's trick), and u itself when w rounds to 1.
    @inline(__always)
    static func log1p(_ u: SIMD8<Float>) -> SIMD8<Float> {
        let w = 1 + u
        let d = w - 1
        let exact = d .== 0
        return (log(w) * (u / d.replacing(with: 1, where: exact))).replacing(with: u, where: exact)
    }

    /// Natural log of a positive normal x, relative error ≈ 1e-7 (Cephes
    /// logf: x = m·2ᵉ with m in [√½, √2), log m by a degree-9 polynomial in
    /// m − 1, e·ln 2 added in two parts). Zero, negatives and subnormals are
    /// outside its domain.
    @inline(__always)
    static func log(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
        var e = SIMD8<Float>((bits &>> 23) &- 126)
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: SIMD8<Float>.self)   // [0.5, 1)
        let small = m .< 0.707_106_781_186_547_524
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var p = SIMD8<Float>(repeating: 7.037_683_629_2e-2)
        p = p * m - 1.151_461_031_0e-1
        p = p * m + 1.167_699_874_0e-1
        p = p * m - 1.242_014_084_6e-1
        p = p * m + 1.424_932_278_7e-1
        p = p * m - 1.666_805_766_5e-1
        p = p * m + 2.000_071_476_5e-1
        p = p * m - 2.499_999_399_3e-1
        p = p * m + 3.333_333_117_4e-1
        let y = p * m * z + e * -2.121_944_40e-4 - 0.5 * z
        return m + y + e * 0.693_359_375
    }

    // MARK: - Blocks of eight

    /// Calls `body(start, n)` for blocks of n = 8 elements (the last may be shorter).
    @inline(__always)
    static func forEachBlock(_ count: Int, _ body: (Int, Int) -> Void) {
        var i = 0
        while i < count {
            body(i, min(8, count - i))
            i += 8
        }
    }

    @inline(__always)
    static func load(_ p: UnsafeBufferPointer<Float>, _ i: Int, _ n: Int) -> SIMD8<Float> {
        if n == 8 { return UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>(repeating: 0)
        for j in 0..<n { v[j] = p[i + j] }
        return v
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutableBufferPointer<Float>, _ i: Int, _ n: Int) {
        if n == 8 { UnsafeMutableRawPointer(p.baseAddress! + i).storeBytes(of: v, as: SIMD8<Float>.self); return }
        for j in 0..<n { p[i + j] = v[j] }
    }
}
