import GenOTLanes

/// The arithmetic-bound elementwise kernels over whole arrays: each splits
/// a large array over the cores (`Parallel`) and runs the build of the
/// kernel that suits the CPU (`VectorUnit`) on every part.
enum Pointwise {
    /// y = f(x), f one of the table's element maps (`VectorUnit.kernels.exp`, …).
    static func map(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>, _ f: ElementMap) {
        guard let from = x.baseAddress, let to = y.baseAddress else { return }
        let input = ReadPointer(from), output = SendablePointer(to)
        Parallel.ranges(x.count) { r in f(input.pointer + r.lowerBound, output.pointer + r.lowerBound, r.count) }
    }

    /// σ(βx) and x·σ(βx) in one pass.
    static func silu(_ x: UnsafeBufferPointer<Float>, sigmoid: UnsafeMutableBufferPointer<Float>,
                     product: UnsafeMutableBufferPointer<Float>, sharpness beta: Float) {
        guard let from = x.baseAddress, let s = sigmoid.baseAddress, let y = product.baseAddress else { return }
        let f = VectorUnit.kernels.silu
        let input = ReadPointer(from), sigmoidOut = SendablePointer(s), productOut = SendablePointer(y)
        Parallel.ranges(x.count) { r in
            f(input.pointer + r.lowerBound, sigmoidOut.pointer + r.lowerBound, productOut.pointer + r.lowerBound, r.count, beta)
        }
    }

    /// dst = g·f⁽ᵏ⁾(x), f(x) = x·σ(βx), k = `order`, from x, σ(βx) and g.
    static func siluDerivative(_ order: Int, _ x: UnsafeBufferPointer<Float>, sigmoid: UnsafeBufferPointer<Float>,
                               _ g: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>, sharpness beta: Float) {
        guard let xs = x.baseAddress, let ss = sigmoid.baseAddress, let gs = g.baseAddress, let to = dst.baseAddress else { return }
        let f = VectorUnit.kernels.siluDerivative
        let (a, b, c, out) = (ReadPointer(xs), ReadPointer(ss), ReadPointer(gs), SendablePointer(to))
        Parallel.ranges(x.count) { r in
            let o = r.lowerBound
            f(order, a.pointer + o, b.pointer + o, c.pointer + o, out.pointer + o, r.count, beta)
        }
    }

    /// `LaneKernels.siluDerivativeBackward` over `count` elements.
    static func siluDerivativeBackward(_ x: UnsafePointer<Float>, sigmoid: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                                       _ h: UnsafePointer<Float>?, count: Int, sharpness beta: Float,
                                       first: UnsafeMutablePointer<Float>?, addFirst: Bool,
                                       second: UnsafeMutablePointer<Float>?, addSecond: Bool) {
        let f = VectorUnit.kernels.siluDerivativeBackward
        let (a, b, c, d) = (ReadPointer(x), ReadPointer(sigmoid), ReadPointer(g), h.map(ReadPointer.init))
        let (o1, o2) = (first.map(SendablePointer.init), second.map(SendablePointer.init))
        Parallel.ranges(count) { r in
            let o = r.lowerBound
            f(a.pointer + o, b.pointer + o, c.pointer + o, d.map { $0.pointer + o }, r.count, beta,
              o1.map { $0.pointer + o }, addFirst, o2.map { $0.pointer + o }, addSecond)
        }
    }

    /// y = Σ_b w_b·exp(a_b·x).
    static func expSum(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>, rates: [Float], weights: [Float]) {
        guard let from = x.baseAddress, let to = y.baseAddress else { return }
        let f = VectorUnit.kernels.expSum
        let input = ReadPointer(from), output = SendablePointer(to)
        Parallel.ranges(x.count) { r in f(input.pointer + r.lowerBound, output.pointer + r.lowerBound, r.count, rates, weights) }
    }
}

/// A read-only pointer handed to parallel tasks (see `SendablePointer`).
struct ReadPointer: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    init(_ pointer: UnsafePointer<Float>) { self.pointer = pointer }
}
