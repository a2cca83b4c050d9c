/// Vectorised elementary functions on `Lanes`, for the kernels (libm's
/// expf and log1pf cost ~25 ns per element; these ~1–2 ns).
public enum VectorMath {
    /// eˣ with relative error ≈ 1.2e-7 (Cephes expf: n = round(x/ln 2),
    /// r = x − n·ln 2 in two parts, degree-6 polynomial, 2ⁿ set in the
    /// exponent bits as two factors 2^⌊n/2⌋·2^⌈n/2⌉, so that n = 128 works).
    /// Inputs are clamped to [−87.3, 88.72] so results stay finite and normal.
    /// NOTE: rounding with the 1.5·2²³ trick, not `.rounded()` or
    /// `LaneBits(_:rounding:)`: those are per-lane generic code here and
    /// made the kernel 20× slower.
    @inline(__always)
    public static func exp(_ x: Lanes) -> Lanes {
        var x = x.replacing(with: 88.72, where: x .> 88.72)
        x = x.replacing(with: -87.3, where: x .< -87.3)
        let magic = Lanes(repeating: 12_582_912)   // 1.5·2²³
        let shifted = x * 1.442_695_04 + magic           // n in the low mantissa bits
        let n = shifted - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_40e-4
        // Horner steps as fused multiply-adds (vfmadd with AVX2 + FMA).
        var p = Lanes(repeating: 1.987_569_150_0e-4)
        p = Lanes(repeating: 1.398_199_950_7e-3).addingProduct(p, r)
        p = Lanes(repeating: 8.333_451_907_3e-3).addingProduct(p, r)
        p = Lanes(repeating: 4.166_579_589_4e-2).addingProduct(p, r)
        p = Lanes(repeating: 1.666_666_545_9e-1).addingProduct(p, r)
        p = Lanes(repeating: 5.000_000_120_1e-1).addingProduct(p, r)
        let y = (r + 1).addingProduct(p, r * r)
        let integer = unsafeBitCast(shifted, to: LaneBits.self) &- 0x4B40_0000
        let half = integer &>> 1
        return y * unsafeBitCast((half &+ 127) &<< 23, to: Lanes.self)
            * unsafeBitCast((integer &- half &+ 127) &<< 23, to: Lanes.self)
    }

    /// σ(x) = 1 / (1 + e⁻ˣ); the clamp inside `exp` keeps both tails finite.
    @inline(__always)
    public static func sigmoid(_ x: Lanes) -> Lanes { 1 / (1 + exp(-x)) }

    /// softplus(z) = log(1 + eᶻ) = max(z, 0) + log1p(e^−|z|), stable for any z.
    @inline(__always)
    public static func softplus(_ z: Lanes) -> Lanes {
        let negative = z .< 0
        return z.replacing(with: 0, where: negative) + log1p(exp(-z.replacing(with: -z, where: negative)))
    }

    /// log(1 + u) for u ≥ 0, accurate for tiny u too: log(w)·u / (w − 1) with
    /// w = 1 + u rounded (Goldberg's trick), and u itself when w rounds to 1.
    @inline(__always)
    public static func log1p(_ u: Lanes) -> Lanes {
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
    public static func log(_ x: Lanes) -> Lanes {
        let bits = unsafeBitCast(x, to: LaneBits.self)
        // The exponent field k as a float by the 2²³ trick (k + 2²³ has k in
        // its mantissa bits): a conversion of the integer vector was a call
        // into generic code that took the vector apart.
        var e = unsafeBitCast((bits &>> 23) &+ 0x4B00_0000, to: Lanes.self) - 8_388_734   // k − 126
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: Lanes.self)   // [0.5, 1)
        let small = m .< 0.707_106_781_186_547_524
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var p = Lanes(repeating: 7.037_683_629_2e-2)
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

    /// cos(2πu) and sin(2πu), absolute error ≈ 1e-7. The reduction is exact
    /// because it is done in turns: q = round(4u) quarter turns and the rest
    /// f = 4u − q in [−½, ½] (no rounding in the subtraction), so the
    /// polynomials (Cephes sinf and cosf on [−π/4, π/4]) see a = f·π/2 and
    /// the quadrant q mod 4 swaps and negates them (chosen by comparisons of
    /// floats: integer lane operations were compiled lane by lane here).
    @inline(__always)
    public static func cosSinOfTurns(_ u: Lanes) -> (cos: Lanes, sin: Lanes) {
        let magic = Lanes(repeating: 12_582_912)   // 1.5·2²³, as in `exp`
        let shifted = 4 * u + magic
        let q = shifted - magic
        let a = (4 * u - q) * 1.570_796_326_794_896_6
        let z = a * a
        var sp = Lanes(repeating: -1.951_529_589_1e-4)
        sp = sp * z + 8.332_160_873_6e-3
        sp = sp * z - 1.666_665_461_1e-1
        let s = a + a * z * sp
        var cp = Lanes(repeating: 2.443_315_711_809_948e-5)
        cp = cp * z - 1.388_731_625_493_765e-3
        cp = cp * z + 4.166_664_568_298_827e-2
        let c = 1 - 0.5 * z + z * z * cp
        // Quarter turn q (4 counts as 0): (cos, sin) = (c, s), (−s, c), (−c, −s), (s, −c).
        let one = q .== 1, two = q .== 2, three = q .== 3
        let cosine = c.replacing(with: -s, where: one).replacing(with: -c, where: two).replacing(with: s, where: three)
        let sine = s.replacing(with: c, where: one).replacing(with: -s, where: two).replacing(with: -c, where: three)
        return (cosine, sine)
    }
}
