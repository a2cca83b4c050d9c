/// Sums along one axis of a row-major tensor viewed as [outer, axis, inner].
enum Reduce {
    static func sum(_ x: Tensor, axis: Int) -> (values: [Float], outer: Int, inner: Int) {
        let length = x.shape[axis]
        let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
        var values = [Float](repeating: 0, count: outer * inner)
        x.storage.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                for o in 0..<outer {
                    for k in 0..<length {
                        let row = (o * length + k) * inner
                        for i in 0..<inner { dst[o * inner + i] += src[row + i] }
                    }
                }
            }
        }
        return (values, outer, inner)
    }

    /// Sum of every element, accumulated in Float64 so finite differences of a
    /// summed loss stay meaningful in Float32.
    static func sumAll(_ x: Tensor) -> Float {
        x.storage.withUnsafeBufferPointer { src in
            var total: Double = 0
            for v in src { total += Double(v) }
            return Float(total)
        }
    }
}
