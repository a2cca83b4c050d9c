/// Vectorised transcendental functions on SIMD8<Float>, for the activation
/// kernels (libm's expf bounded SiLU at ~2 GB/s; this is several times faster).
enum FastMath {
    /// eˣ with relative error ≈ 1.2e-7 (Cephes expf: n = round(x/ln 2),
    /// r = x − n·ln 2 in two parts, degree-6 polynomial, 2ⁿ set in the
    /// exponent bits as two factors 2^⌊n/2⌋·2^⌈n/2⌉, so that n = 128 works).
    /// Inputs are clamped to [−87.3, 88.72] so results stay finite and normal.
    /// NOTE: rounding with the 1.5·2²³ trick, not `.rounded()` or
    /// `SIMD8<Int32>(_:rounding:)`: those are per-lane generic code here and
    /// made the kernel 20× slower.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var x = x.replacing(with: 88.72, where: x .> 88.72)
        x = x.replacing(with: -87.3, where: x .< -87.3)
        let magic = SIMD8<Float>(repeating: 12_582_912)   // 1.5·2²³
        let shifted = x * 1.442_695_04 + magic           // n in the low mantissa bits
        let n = shifted - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_40e-4
        // Horner steps as fused multiply-adds (vfmadd with AVX2 + FMA).
        var p = SIMD8<Float>(repeating: 1.987_569_150_0e-4)
        p = SIMD8(repeating: 1.398_199_950_7e-3).addingProduct(p, r)
        p = SIMD8(repeating: 8.333_451_907_3e-3).addingProduct(p, r)
        p = SIMD8(repeating: 4.166_579_589_4e-2).addingProduct(p, r)
        p = SIMD8(repeating: 1.666_666_545_9e-1).addingProduct(p, r)
        p = SIMD8(repeating: 5.000_000_120_1e-1).addingProduct(p, r)
        let y = (r + 1).addingProduct(p, r * r)
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let half = integer &>> 1
        return y * unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<Float>.self)
            * unsafeBitCast((integer &- half &+ 127) &<< 23, to: SIMD8<Float>.self)
    }

    /// σ(x) = 1 / (1 + e⁻ˣ); the clamp inside `exp` keeps both tails finite.
    @inline(__always)
    static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exp(-x)) }

    /// Applies `K` to every element, eight at a time; the tail goes through a
    /// zero-padded vector so every element sees the same arithmetic. Large
    /// inputs are split over the cores.
    /// NOTE: kernels are types, not closures: a closure captured by the
    /// parallel loop is called indirectly per vector and was 2× slower.
    @inline(__always)
    static func map<K: UnaryKernel>(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>,
                                    _ kernel: K.Type) {
        guard let from = src.baseAddress, let to = dst.baseAddress else { return }
        let input = SendablePointer(UnsafeMutablePointer(mutating: from)), output = SendablePointer(to)
        Parallel.ranges(src.count) { range in
            let from = UnsafeRawPointer(input.pointer), to = UnsafeMutableRawPointer(output.pointer)
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let y = K.apply(from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
                to.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            if i < range.upperBound {
                var v = SIMD8<Float>(repeating: 0)
                for j in 0..<(range.upperBound - i) { v[j] = input.pointer[i + j] }
                let y = K.apply(v)
                for j in 0..<(range.upperBound - i) { output.pointer[i + j] = y[j] }
            }
        }
    }

    /// Like `map`, for two inputs of the same length.
    @inline(__always)
    static func zip<K: BinaryKernel>(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>,
                                     _ dst: UnsafeMutableBufferPointer<Float>, _ kernel: K.Type) {
        guard let left = a.baseAddress, let right = b.baseAddress, let to = dst.baseAddress else { return }
        let first = SendablePointer(UnsafeMutablePointer(mutating: left))
        let second = SendablePointer(UnsafeMutablePointer(mutating: right)), output = SendablePointer(to)
        Parallel.ranges(a.count) { range in
            let left = UnsafeRawPointer(first.pointer), right = UnsafeRawPointer(second.pointer)
            let to = UnsafeMutableRawPointer(output.pointer)
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let y = K.apply(left.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                                right.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
                to.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            if i < range.upperBound {
                var u = SIMD8<Float>(repeating: 0), v = SIMD8<Float>(repeating: 0)
                for j in 0..<(range.upperBound - i) { u[j] = first.pointer[i + j]; v[j] = second.pointer[i + j] }
                let y = K.apply(u, v)
                for j in 0..<(range.upperBound - i) { output.pointer[i + j] = y[j] }
            }
        }
    }

    /// Like `map`, for three inputs of the same length and a constant.
    @inline(__always)
    static func zip3<K: TernaryKernel>(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>,
                                       _ c: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>,
                                       _ kernel: K.Type, constant: Float) {
        guard let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress, let to = dst.baseAddress else { return }
        let first = SendablePointer(UnsafeMutablePointer(mutating: pa)), second = SendablePointer(UnsafeMutablePointer(mutating: pb))
        let third = SendablePointer(UnsafeMutablePointer(mutating: pc)), output = SendablePointer(to)
        Parallel.ranges(a.count) { range in
            let ra = UnsafeRawPointer(first.pointer), rb = UnsafeRawPointer(second.pointer)
            let rc = UnsafeRawPointer(third.pointer), to = UnsafeMutableRawPointer(output.pointer)
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let y = K.apply(ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                                rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                                rc.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), constant)
                to.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            if i < range.upperBound {
                var u = SIMD8<Float>(repeating: 0), v = SIMD8<Float>(repeating: 0), w = SIMD8<Float>(repeating: 0)
                for j in 0..<(range.upperBound - i) {
                    u[j] = first.pointer[i + j]; v[j] = second.pointer[i + j]; w[j] = third.pointer[i + j]
                }
                let y = K.apply(u, v, w, constant)
                for j in 0..<(range.upperBound - i) { output.pointer[i + j] = y[j] }
            }
        }
    }
}

extension FastMath {
    /// σ(βx) and x·σ(βx) in one pass (SiLU's forward keeps σ for its
    /// backward): one read of x instead of three reads for two passes.
    static func silu(_ src: UnsafeBufferPointer<Float>, sigmoid: UnsafeMutableBufferPointer<Float>,
                     product: UnsafeMutableBufferPointer<Float>, sharpness beta: Float) {
        guard let from = src.baseAddress, let s = sigmoid.baseAddress, let y = product.baseAddress else { return }
        let input = SendablePointer(UnsafeMutablePointer(mutating: from))
        let sigmoidOut = SendablePointer(s), productOut = SendablePointer(y)
        Parallel.ranges(src.count) { range in
            let from = UnsafeRawPointer(input.pointer)
            let s = UnsafeMutableRawPointer(sigmoidOut.pointer), y = UnsafeMutableRawPointer(productOut.pointer)
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let x = from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                let sx = FastMath.sigmoid(x * beta)
                s.storeBytes(of: sx, toByteOffset: i * 4, as: SIMD8<Float>.self)
                y.storeBytes(of: x * sx, toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            if i < range.upperBound {
                var x = SIMD8<Float>(repeating: 0)
                for j in 0..<(range.upperBound - i) { x[j] = input.pointer[i + j] }
                let sx = FastMath.sigmoid(x * beta)
                for j in 0..<(range.upperBound - i) { sigmoidOut.pointer[i + j] = sx[j]; productOut.pointer[i + j] = x[j] * sx[j] }
            }
        }
    }
}

/// A pointwise function on eight lanes, for `FastMath.map`.
protocol UnaryKernel: SendableMetatype { static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> }
/// A pointwise function of two inputs, for `FastMath.zip`.
protocol BinaryKernel: SendableMetatype { static func apply(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> }
/// A pointwise function of three inputs and a constant, for `FastMath.zip3`.
protocol TernaryKernel: SendableMetatype {
    static func apply(_ x: SIMD8<Float>, _ y: SIMD8<Float>, _ z: SIMD8<Float>, _ c: Float) -> SIMD8<Float>
}

/// eˣ with IEEE-like ends: +∞ past expf's overflow, 0 below the clamp.
enum ExpKernel: UnaryKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> {
        FastMath.exp(x).replacing(with: .infinity, where: x .> 88.722_84).replacing(with: 0, where: x .< -87.3)
    }
}

enum SoftplusKernel: UnaryKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { Logistic.softplus(x) }
}

enum SigmoidKernel: UnaryKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { FastMath.sigmoid(x) }
}

/// g·f′(x) for f(x) = x·σ(βx): g·(σ + uσ′), u = βx, σ′ = σ(1 − σ), from x,
/// σ = σ(βx), g and β.
enum SiLUFirstDerivativeKernel: TernaryKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>, _ s: SIMD8<Float>, _ g: SIMD8<Float>, _ beta: Float) -> SIMD8<Float> {
        g * (s + (x * beta) * s * (1 - s))
    }
}

/// g·f″(x) for f(x) = x·σ(βx): g·β(2σ′ + uσ″), u = βx, σ″ = σ′(1 − 2σ),
/// from x, σ = σ(βx), g and β.
enum SiLUSecondDerivativeKernel: TernaryKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>, _ s: SIMD8<Float>, _ g: SIMD8<Float>, _ beta: Float) -> SIMD8<Float> {
        let d1 = s * (1 - s)
        return g * beta * (2 * d1 + (x * beta) * d1 * (1 - 2 * s))
    }
}

extension FastMath {
    /// Applies `K` to four inputs of `count` elements, eight at a time (the
    /// tail through zero-padded vectors), and writes its two results to
    /// `first` and `second` — or adds them to what is there, where `addFirst`
    /// / `addSecond` — skipping a result whose pointer is nil. For the
    /// backward rules that produce two gradients, or a gradient and its sum
    /// with a running total, in one pass over memory.
    static func quad<K: QuadKernel>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                                    _ d: UnsafePointer<Float>, count: Int, _ kernel: K.Type, constant: Float,
                                    first: UnsafeMutablePointer<Float>?, addFirst: Bool,
                                    second: UnsafeMutablePointer<Float>?, addSecond: Bool) {
        let inputs = [a, b, c, d].map { SendablePointer(UnsafeMutablePointer(mutating: $0)) }
        let outputs = [first, second].map { $0.map(SendablePointer.init) }
        Parallel.ranges(count) { range in
            let ra = UnsafeRawPointer(inputs[0].pointer), rb = UnsafeRawPointer(inputs[1].pointer)
            let rc = UnsafeRawPointer(inputs[2].pointer), rd = UnsafeRawPointer(inputs[3].pointer)
            let o1 = outputs[0].map { UnsafeMutableRawPointer($0.pointer) }, o2 = outputs[1].map { UnsafeMutableRawPointer($0.pointer) }
            @inline(__always) func store(_ y: SIMD8<Float>, _ to: UnsafeMutableRawPointer?, add: Bool, _ i: Int) {
                guard let to else { return }
                let value = add ? to.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) + y : y
                to.storeBytes(of: value, toByteOffset: i * 4, as: SIMD8<Float>.self)
            }
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let (y1, y2) = K.apply(ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                                       rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                                       rc.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                                       rd.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), constant)
                store(y1, o1, add: addFirst, i)
                store(y2, o2, add: addSecond, i)
                i += 8
            }
            if i < range.upperBound {
                let tail = range.upperBound - i
                var lanes = [SIMD8<Float>](repeating: SIMD8(repeating: 0), count: 4)
                for k in 0..<4 { for j in 0..<tail { lanes[k][j] = inputs[k].pointer[i + j] } }
                let (y1, y2) = K.apply(lanes[0], lanes[1], lanes[2], lanes[3], constant)
                for (y, output, add) in [(y1, outputs[0], addFirst), (y2, outputs[1], addSecond)] {
                    guard let output else { continue }
                    for j in 0..<tail { output.pointer[i + j] = add ? output.pointer[i + j] + y[j] : y[j] }
                }
            }
        }
    }
}

/// Two pointwise functions of four inputs and a constant, for `FastMath.quad`.
protocol QuadKernel: SendableMetatype {
    static func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>, _ d: SIMD8<Float>,
                      _ constant: Float) -> (SIMD8<Float>, SIMD8<Float>)
}

/// The backward of g·f′(x), f(x) = x·σ(βx), for an incoming gradient h:
/// (h·g·f″(x), h·f′(x)), the gradients for x and for g, from x, σ = σ(βx),
/// g, h and β. Each is the arithmetic of `SiLUSecondDerivativeKernel` (on
/// h·g) and `SiLUFirstDerivativeKernel` (on h), so the fused pass rounds as
/// the separate ops do.
enum SiLUDerivativeBackwardKernel: QuadKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>, _ s: SIMD8<Float>, _ g: SIMD8<Float>, _ h: SIMD8<Float>,
                                        _ beta: Float) -> (SIMD8<Float>, SIMD8<Float>) {
        (SiLUSecondDerivativeKernel.apply(x, s, h * g, beta), SiLUFirstDerivativeKernel.apply(x, s, h, beta))
    }
}

/// g·f′(x) for `FastMath.quad` (its fourth input unused, its second result
/// not stored): SiLU's backward added straight to a running gradient total.
enum SiLUFirstDerivativeQuadKernel: QuadKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>, _ s: SIMD8<Float>, _ g: SIMD8<Float>, _ unused: SIMD8<Float>,
                                        _ beta: Float) -> (SIMD8<Float>, SIMD8<Float>) {
        let y = SiLUFirstDerivativeKernel.apply(x, s, g, beta)
        return (y, y)
    }
}
