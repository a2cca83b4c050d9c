// + − × ÷ with broadcasting. Each rule computes the full-size gradient and
// reduces it to the operand's shape with `sumToShape`.

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let sa = a.shape, sb = b.shape
        return record(Elementwise.broadcast(a, b, "+", +), "add", [a, b], [
            { g, _ in g.sumToShape(sa) },
            { g, _ in g.sumToShape(sb) },
        ])
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let sa = a.shape, sb = b.shape
        return record(Elementwise.broadcast(a, b, "-", -), "sub", [a, b], [
            { g, _ in g.sumToShape(sa) },
            { g, _ in (-g).sumToShape(sb) },
        ])
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        record(Elementwise.broadcast(a, b, "*", *), "mul", [a, b], [
            { g, _ in (g * b).sumToShape(a.shape) },
            { g, _ in (g * a).sumToShape(b.shape) },
        ])
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        record(Elementwise.broadcast(a, b, "/", /), "div", [a, b], [
            { g, _ in (g / b).sumToShape(a.shape) },
            { g, y in (-(g * y) / b).sumToShape(b.shape) },
        ])
    }

    public static prefix func - (x: Tensor) -> Tensor {
        record(Elementwise.map(x) { -$0 }, "neg", [x], [{ g, _ in -g }])
    }

    /// `c · x` without materialising `c` as a tensor.
    public func scaled(by c: Float) -> Tensor {
        Tensor.record(Elementwise.map(self) { c * $0 }, "scale", [self], [{ g, _ in g.scaled(by: c) }])
    }

    /// `x + c` without materialising `c` as a tensor.
    public func shifted(by c: Float) -> Tensor {
        Tensor.record(Elementwise.map(self) { $0 + c }, "shift", [self], [{ g, _ in g }])
    }

    public static func + (a: Tensor, c: Float) -> Tensor { a.shifted(by: c) }
    public static func + (c: Float, a: Tensor) -> Tensor { a.shifted(by: c) }
    public static func - (a: Tensor, c: Float) -> Tensor { a.shifted(by: -c) }
    public static func - (c: Float, a: Tensor) -> Tensor { (-a).shifted(by: c) }
    public static func * (a: Tensor, c: Float) -> Tensor { a.scaled(by: c) }
    public static func * (c: Float, a: Tensor) -> Tensor { a.scaled(by: c) }
    public static func / (a: Tensor, c: Float) -> Tensor { a.scaled(by: 1 / c) }
    public static func / (c: Float, a: Tensor) -> Tensor { Tensor(c) / a }
}

extension Tensor {
    static let parallelSum = 1 << 18

    /// self += other, no graph: for sums nothing else can see (the backward
    /// walk's gradient totals, summed shard gradients). Large sums are split
    /// over the cores: the VAE's shard gradients (1.7 M floats) summed on one
    /// core were a fiftieth of its step. Below `parallelSum` floats the
    /// hand-off costs more than the memory-bound sum saves (the transport
    /// MLP's 64 K-float weights were slower split). `splitting: false` keeps
    /// it on the calling thread, for a caller that spreads whole tensors over
    /// the cores itself.
    public func addInPlace(_ other: Tensor, splitting: Bool = true) {
        precondition(shape == other.shape, "addInPlace: \(shape) += \(other.shape)")
        guard count > 0 else { return }
        other.storage.withUnsafeBufferPointer { src in
            storage.withUnsafeMutableBufferPointer { dst in
                guard splitting, dst.count >= Self.parallelSum else {
                    Elementwise.add(src.baseAddress!, into: dst.baseAddress!, count: dst.count)
                    return
                }
                let from = SendablePointer(UnsafeMutablePointer(mutating: src.baseAddress!)), to = SendablePointer(dst.baseAddress!)
                Parallel.ranges(dst.count) { range in
                    Elementwise.add(from.pointer + range.lowerBound, into: to.pointer + range.lowerBound, count: range.count)
                }
            }
        }
    }
}
