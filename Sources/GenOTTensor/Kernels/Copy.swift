/// Block copies for slicing, padding and concatenation, with the tensor
/// viewed as [outer, axis, inner].
enum Copy {
    /// Copies `length` entries along the axis from `src` (axis size
    /// `srcAxis`, starting at `srcStart`) into `dst` (axis size `dstAxis`,
    /// starting at `dstStart`), for every outer index.
    static func axisBlock(_ src: UnsafeBufferPointer<Float>, srcAxis: Int, srcStart: Int,
                          _ dst: UnsafeMutableBufferPointer<Float>, dstAxis: Int, dstStart: Int,
                          length: Int, outer: Int, inner: Int) {
        let block = length * inner
        guard block > 0 else { return }
        for o in 0..<outer {
            let from = src.baseAddress! + (o * srcAxis + srcStart) * inner
            let to = dst.baseAddress! + (o * dstAxis + dstStart) * inner
            // Short rows (a network's [x, t, class code] input, built row by
            // row) are copied in place: a memmove call per row cost more.
            if block < 64 {
                for i in 0..<block { to[i] = from[i] }
            } else {
                to.update(from: from, count: block)
            }
        }
    }

    /// 2-D transpose: [rows, cols] → [cols, rows], in cache-sized tiles.
    static func transpose(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>,
                          rows: Int, cols: Int) {
        let tile = 32
        for r0 in stride(from: 0, to: rows, by: tile) {
            for c0 in stride(from: 0, to: cols, by: tile) {
                for r in r0..<min(r0 + tile, rows) {
                    for c in c0..<min(c0 + tile, cols) { dst[c * rows + r] = src[r * cols + c] }
                }
            }
        }
    }
}
