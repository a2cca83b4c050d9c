/// Elementwise kernels on contiguous buffers. No graph, no allocation beyond
/// the result; the closures are literals at the call sites and get inlined.
enum Elementwise {
    /// to[i] += from[i] for i < count, eight lanes at a time (bias gradients
    /// sum [batch, width] over rows with it: the plain loop was ~4× slower).
    @inline(__always)
    static func add(_ from: UnsafePointer<Float>, into to: UnsafeMutablePointer<Float>, count: Int) {
        let source = UnsafeRawPointer(from), target = UnsafeMutableRawPointer(to)
        var i = 0
        while i + 8 <= count {
            let sum = target.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                + source.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            target.storeBytes(of: sum, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { to[i] += from[i]; i += 1 }
    }

    @inline(__always)
    static func map(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
        x.storage.withUnsafeBufferPointer { src in
            Tensor.make(x.shape) { dst in
                for i in 0..<src.count { dst[i] = f(src[i]) }
            }
        }
    }

    @inline(__always)
    static func zip(_ x: Tensor, _ y: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(x.shape == y.shape, "elementwise shapes differ: \(x.shape) vs \(y.shape)")
        return x.storage.withUnsafeBufferPointer { a in
            y.storage.withUnsafeBufferPointer { b in
                Tensor.make(x.shape) { dst in
                    for i in 0..<a.count { dst[i] = f(a[i], b[i]) }
                }
            }
        }
    }

    /// `f(a, b)` with broadcasting; fast paths for equal shapes, a scalar
    /// operand, a row vector and a column vector.
    @inline(__always)
    static func broadcast(_ x: Tensor, _ y: Tensor, _ op: String,
                          _ f: (Float, Float) -> Float) -> Tensor {
        if x.shape == y.shape { return zip(x, y, f) }
        guard let shape = Broadcast.shape(x.shape, y.shape) else {
            preconditionFailure("\(op): shapes \(x.shape) and \(y.shape) do not broadcast")
        }
        return x.storage.withUnsafeBufferPointer { a in
            y.storage.withUnsafeBufferPointer { b in
                Tensor.make(shape) { dst in
                    let n = dst.count
                    if b.count == 1, a.count == n {
                        let s = b[0]; for i in 0..<n { dst[i] = f(a[i], s) }
                    } else if a.count == 1, b.count == n {
                        let s = a[0]; for i in 0..<n { dst[i] = f(s, b[i]) }
                    } else if let (rows, cols, kind) = matrixVectorCase(x.shape, y.shape, shape) {
                        switch kind {
                        case .rowB: for r in 0..<rows { for c in 0..<cols { dst[r * cols + c] = f(a[r * cols + c], b[c]) } }
                        case .rowA: for r in 0..<rows { for c in 0..<cols { dst[r * cols + c] = f(a[c], b[r * cols + c]) } }
                        case .columnB: for r in 0..<rows { let s = b[r]; for c in 0..<cols { dst[r * cols + c] = f(a[r * cols + c], s) } }
                        case .columnA: for r in 0..<rows { let s = a[r]; for c in 0..<cols { dst[r * cols + c] = f(s, b[r * cols + c]) } }
                        }
                    } else {
                        let sa = Broadcast.strides(of: x.shape, broadcastTo: shape)
                        let sb = Broadcast.strides(of: y.shape, broadcastTo: shape)
                        Broadcast.forEach(shape, sa, sb) { i, ia, ib in dst[i] = f(a[ia], b[ib]) }
                    }
                }
            }
        }
    }

    enum MatrixVectorKind { case rowA, rowB, columnA, columnB }

    /// Recognises a full [rows, cols] matrix against a row ([cols] or
    /// [1, cols]) or a column ([rows, 1]) vector.
    static func matrixVectorCase(_ a: [Int], _ b: [Int], _ result: [Int]) -> (Int, Int, MatrixVectorKind)? {
        guard result.count == 2 else { return nil }
        let rows = result[0], cols = result[1]
        func isRow(_ s: [Int]) -> Bool { s == [cols] || s == [1, cols] }
        if a == result, isRow(b) { return (rows, cols, .rowB) }
        if b == result, isRow(a) { return (rows, cols, .rowA) }
        if a == result, b == [rows, 1] { return (rows, cols, .columnB) }
        if b == result, a == [rows, 1] { return (rows, cols, .columnA) }
        return nil
    }

    /// Sums `x` down to `shape` (the reverse of broadcasting `shape` to x's shape).
    static func sumToShape(_ x: Tensor, _ shape: [Int]) -> Tensor {
        // Fast paths: a whole matrix summed to a row or to a column.
        if x.rank == 2, shape == [x.shape[1]] || shape == [1, x.shape[1]] {
            return Tensor(shape: shape, storage: Reduce.sum(x, axis: 0).values)
        }
        if x.rank == 2, shape == [x.shape[0], 1] {
            return Tensor(shape: shape, storage: Reduce.sum(x, axis: 1).values)
        }
        let total = Tensor.zeros(shape)
        let strides = Broadcast.strides(of: shape, broadcastTo: x.shape)
        x.storage.withUnsafeBufferPointer { src in
            total.storage.withUnsafeMutableBufferPointer { dst in
                if dst.count == 1 {
                    dst[0] = Reduce.sumAll(x)
                } else {
                    Broadcast.forEach(x.shape, strides, strides) { i, j, _ in dst[j] += src[i] }
                }
            }
        }
        return total
    }

    /// Copies `x` stretched to `shape`.
    static func broadcastTo(_ x: Tensor, _ shape: [Int]) -> Tensor {
        let strides = Broadcast.strides(of: x.shape, broadcastTo: shape)
        return x.storage.withUnsafeBufferPointer { src in
            Tensor.make(shape) { dst in
                if src.count == 1 {
                    dst.initialize(repeating: src[0])
                } else if shape.count == 2, x.shape == [shape[1]] || x.shape == [1, shape[1]] {
                    for row in 0..<shape[0] { (dst.baseAddress! + row * shape[1]).initialize(from: src.baseAddress!, count: shape[1]) }
                } else {
                    Broadcast.forEach(shape, strides, strides) { i, j, _ in dst[i] = src[j] }
                }
            }
        }
    }
}
