/// Shape arithmetic for NumPy-style broadcasting: trailing axes aligned, a
/// size-1 axis stretches to the other operand's size.
enum Broadcast {
    /// The shape two operands broadcast to, or nil when they cannot.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let a = padded(a, to: rank), b = padded(b, to: rank)
        var result = [Int](repeating: 0, count: rank)
        for axis in 0..<rank {
            if a[axis] == b[axis] || b[axis] == 1 { result[axis] = a[axis] }
            else if a[axis] == 1 { result[axis] = b[axis] }
            else { return nil }
        }
        return result
    }

    /// `shape` with leading ones so that it has `rank` axes.
    static func padded(_ shape: [Int], to rank: Int) -> [Int] {
        [Int](repeating: 1, count: rank - shape.count) + shape
    }

    /// Row-major strides of `shape` read as `result`-shaped: 0 on stretched axes.
    static func strides(of shape: [Int], broadcastTo result: [Int]) -> [Int] {
        let shape = padded(shape, to: result.count)
        var strides = [Int](repeating: 0, count: result.count)
        var step = 1
        for axis in stride(from: result.count - 1, through: 0, by: -1) {
            strides[axis] = shape[axis] == 1 ? 0 : step
            step *= shape[axis]
        }
        return strides
    }

    /// Calls `body(resultIndex, offsetA, offsetB)` for every element of
    /// `result`, with the offsets of the matching elements of two operands
    /// given by their broadcast strides. The slow, general path.
    @inline(__always)
    static func forEach(_ result: [Int], _ stridesA: [Int], _ stridesB: [Int],
                        _ body: (Int, Int, Int) -> Void) {
        let total = result.reduce(1, *)
        guard total > 0 else { return }
        let rank = result.count
        if rank == 0 { body(0, 0, 0); return }
        var index = [Int](repeating: 0, count: rank)
        var offsetA = 0, offsetB = 0
        let inner = result[rank - 1], innerA = stridesA[rank - 1], innerB = stridesB[rank - 1]
        var flat = 0
        while flat < total {
            for j in 0..<inner { body(flat + j, offsetA + j * innerA, offsetB + j * innerB) }
            flat += inner
            // Advance the outer index like an odometer.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offsetA += stridesA[axis]; offsetB += stridesB[axis]
                if index[axis] < result[axis] { break }
                offsetA -= stridesA[axis] * result[axis]; offsetB -= stridesB[axis] * result[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
