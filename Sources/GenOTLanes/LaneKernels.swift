/// The elementwise kernels of the activations and losses: those bound by
/// arithmetic (exponentials, divisions) and SiLU's derivatives beside them.
/// Each runs over `count` elements from the pointers it is given, one
/// `Lanes` vector at a time, on the calling thread (GenOTTensor splits large
/// arrays over the cores).
public enum LaneKernels {
    /// y = eˣ, +∞ past expf's overflow and 0 below the clamp.
    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count, ExpKernel.self)
    }

    /// y = σ(x).
    public static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count, SigmoidKernel.self)
    }

    /// y = log(1 + eˣ).
    public static func softplus(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count, SoftplusKernel.self)
    }

    /// σ(βx) and x·σ(βx) in one pass (SiLU's forward keeps σ for its
    /// backward): one read of x instead of three reads for two passes.
    public static func silu(_ x: UnsafePointer<Float>, sigmoid s: UnsafeMutablePointer<Float>,
                            product y: UnsafeMutablePointer<Float>, count: Int, sharpness beta: Float) {
        LaneMemory.forEachBlock(count) { i, n in
            let v = LaneMemory.load(x, i, n)
            let sv = VectorMath.sigmoid(v * beta)
            LaneMemory.store(sv, s, i, n)
            LaneMemory.store(v * sv, y, i, n)
        }
    }

    /// dst = g·f⁽ᵏ⁾(x) for f(x) = x·σ(βx) and k = `order` (1 or 2), from x,
    /// σ(βx) and g.
    public static func siluDerivative(_ order: Int, _ x: UnsafePointer<Float>, sigmoid s: UnsafePointer<Float>,
                                      _ g: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                                      sharpness beta: Float) {
        precondition(order == 1 || order == 2, "siluDerivative: order \(order)")
        if order == 1 {
            zip3(x, s, g, dst, count, SiLUFirstDerivativeKernel.self, constant: beta)
        } else {
            zip3(x, s, g, dst, count, SiLUSecondDerivativeKernel.self, constant: beta)
        }
    }

    /// The backward of g·f′(x), f(x) = x·σ(βx), for an incoming gradient h:
    /// h·g·f″(x) (x's gradient) to `first` and h·f′(x) (g's) to `second`,
    /// each added to what is there when `addFirst` / `addSecond`, skipped
    /// when nil. With `h` nil, `first` gets g·f′(x) (SiLU's own backward)
    /// and `second` must be nil.
    public static func siluDerivativeBackward(_ x: UnsafePointer<Float>, sigmoid s: UnsafePointer<Float>,
                                              _ g: UnsafePointer<Float>, _ h: UnsafePointer<Float>?, count: Int,
                                              sharpness beta: Float,
                                              first: UnsafeMutablePointer<Float>?, addFirst: Bool,
                                              second: UnsafeMutablePointer<Float>?, addSecond: Bool) {
        if let h {
            quad(x, s, g, h, count, SiLUDerivativeBackwardKernel.self, constant: beta,
                 first: first, addFirst: addFirst, second: second, addSecond: addSecond)
        } else {
            precondition(second == nil, "siluDerivativeBackward: no second result without h")
            quad(x, s, g, g, count, SiLUFirstDerivativeQuadKernel.self, constant: beta,
                 first: first, addFirst: addFirst, second: nil, addSecond: false)
        }
    }

    /// y = Σ_b w_b·exp(a_b·x), one pass over x for all terms; each term is
    /// w·exp(a·x), added in order b = 0, 1, … (bit for bit the sum of
    /// `exp` over x·a when every w = 1).
    public static func expSum(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                              rates: [Float], weights: [Float]) {
        precondition(rates.count == weights.count && !rates.isEmpty, "expSum: \(rates.count) rates, \(weights.count) weights")
        LaneMemory.forEachBlock(count) { i, n in
            let v = LaneMemory.load(x, i, n)
            var total = ExpKernel.apply(v * rates[0])
            if weights[0] != 1 { total = total * weights[0] }
            for b in 1..<rates.count {
                let term = ExpKernel.apply(v * rates[b])
                total = total + (weights[b] == 1 ? term : term * weights[b])
            }
            LaneMemory.store(total, y, i, n)
        }
    }

    /// The binary cross-entropy of logits: dst = softplus(z) − y·z.
    public static func logisticLoss(_ z: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                    _ dst: UnsafeMutablePointer<Float>, count: Int) {
        LaneMemory.forEachBlock(count) { i, n in
            let zv = LaneMemory.load(z, i, n), yv = LaneMemory.load(y, i, n)
            LaneMemory.store(VectorMath.softplus(zv) - yv * zv, dst, i, n)
        }
    }

    /// Its gradient: dst = g·(σ(z) − y).
    public static func logisticResidual(_ z: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                                        _ dst: UnsafeMutablePointer<Float>, count: Int) {
        LaneMemory.forEachBlock(count) { i, n in
            let zv = LaneMemory.load(z, i, n)
            LaneMemory.store(LaneMemory.load(g, i, n) * (1 / (1 + VectorMath.exp(-zv)) - LaneMemory.load(y, i, n)), dst, i, n)
        }
    }
}

// MARK: - Drivers and pointwise functions

extension LaneKernels {
    /// Applies `K` to every element.
    /// NOTE: kernels are types, not closures: a closure called per vector
    /// was 2× slower.
    @inline(__always)
    static func map<K: UnaryKernel>(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int, _ kernel: K.Type) {
        LaneMemory.forEachBlock(count) { i, n in LaneMemory.store(K.apply(LaneMemory.load(x, i, n)), y, i, n) }
    }

    /// Like `map`, for three inputs and a constant.
    @inline(__always)
    static func zip3<K: TernaryKernel>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                                       _ dst: UnsafeMutablePointer<Float>, _ count: Int, _ kernel: K.Type, constant: Float) {
        LaneMemory.forEachBlock(count) { i, n in
            LaneMemory.store(K.apply(LaneMemory.load(a, i, n), LaneMemory.load(b, i, n), LaneMemory.load(c, i, n), constant), dst, i, n)
        }
    }

    /// `K` on four inputs; its two results written to `first` and `second`
    /// — or added to what is there, where `addFirst` / `addSecond` — and a
    /// result whose pointer is nil skipped: the backward rules that produce
    /// two gradients, or a gradient and its sum with a running total, in one
    /// pass over memory.
    @inline(__always)
    static func quad<K: QuadKernel>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                                    _ d: UnsafePointer<Float>, _ count: Int, _ kernel: K.Type, constant: Float,
                                    first: UnsafeMutablePointer<Float>?, addFirst: Bool,
                                    second: UnsafeMutablePointer<Float>?, addSecond: Bool) {
        @inline(__always) func put(_ y: Lanes, _ to: UnsafeMutablePointer<Float>?, add: Bool, _ i: Int, _ n: Int) {
            guard let to else { return }
            LaneMemory.store(add ? LaneMemory.load(to, i, n) + y : y, to, i, n)
        }
        LaneMemory.forEachBlock(count) { i, n in
            let (y1, y2) = K.apply(LaneMemory.load(a, i, n), LaneMemory.load(b, i, n), LaneMemory.load(c, i, n),
                                   LaneMemory.load(d, i, n), constant)
            put(y1, first, add: addFirst, i, n)
            put(y2, second, add: addSecond, i, n)
        }
    }
}

/// A pointwise function, for `map`.
protocol UnaryKernel { static func apply(_ x: Lanes) -> Lanes }
/// A pointwise function of three inputs and a constant, for `zip3`.
protocol TernaryKernel { static func apply(_ x: Lanes, _ y: Lanes, _ z: Lanes, _ c: Float) -> Lanes }
/// Two pointwise functions of four inputs and a constant, for `quad`.
protocol QuadKernel { static func apply(_ a: Lanes, _ b: Lanes, _ c: Lanes, _ d: Lanes, _ constant: Float) -> (Lanes, Lanes) }

/// eˣ with IEEE-like ends: +∞ past expf's overflow, 0 below the clamp.
enum ExpKernel: UnaryKernel {
    @inline(__always) static func apply(_ x: Lanes) -> Lanes {
        VectorMath.exp(x).replacing(with: .infinity, where: x .> 88.722_84).replacing(with: 0, where: x .< -87.3)
    }
}

enum SoftplusKernel: UnaryKernel {
    @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.softplus(x) }
}

enum SigmoidKernel: UnaryKernel {
    @inline(__always) static func apply(_ x: Lanes) -> Lanes { VectorMath.sigmoid(x) }
}

/// g·f′(x) for f(x) = x·σ(βx): g·(σ + uσ′), u = βx, σ′ = σ(1 − σ), from x,
/// σ = σ(βx), g and β.
enum SiLUFirstDerivativeKernel: TernaryKernel {
    @inline(__always) static func apply(_ x: Lanes, _ s: Lanes, _ g: Lanes, _ beta: Float) -> Lanes {
        g * (s + (x * beta) * s * (1 - s))
    }
}

/// g·f″(x) for f(x) = x·σ(βx): g·β(2σ′ + uσ″), u = βx, σ″ = σ′(1 − 2σ),
/// from x, σ = σ(βx), g and β.
enum SiLUSecondDerivativeKernel: TernaryKernel {
    @inline(__always) static func apply(_ x: Lanes, _ s: Lanes, _ g: Lanes, _ beta: Float) -> Lanes {
        let d1 = s * (1 - s)
        return g * beta * (2 * d1 + (x * beta) * d1 * (1 - 2 * s))
    }
}

/// (h·g·f″(x), h·f′(x)): the arithmetic of `SiLUSecondDerivativeKernel` (on
/// h·g) and `SiLUFirstDerivativeKernel` (on h), so the fused pass rounds as
/// the separate ops do.
enum SiLUDerivativeBackwardKernel: QuadKernel {
    @inline(__always) static func apply(_ x: Lanes, _ s: Lanes, _ g: Lanes, _ h: Lanes, _ beta: Float) -> (Lanes, Lanes) {
        (SiLUSecondDerivativeKernel.apply(x, s, h * g, beta), SiLUFirstDerivativeKernel.apply(x, s, h, beta))
    }
}

/// g·f′(x) as a `QuadKernel` (fourth input unused, second result not
/// stored): SiLU's backward added straight to a running gradient total.
enum SiLUFirstDerivativeQuadKernel: QuadKernel {
    @inline(__always) static func apply(_ x: Lanes, _ s: Lanes, _ g: Lanes, _ unused: Lanes, _ beta: Float) -> (Lanes, Lanes) {
        let y = SiLUFirstDerivativeKernel.apply(x, s, g, beta)
        return (y, y)
    }
}
