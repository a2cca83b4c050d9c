/// A bias row written to every row of a [rows, cols] matrix: the bias of a
/// layer, [C] against activations [N·H·W, C], written before the GEMM (or
/// col2im) accumulates onto it, so that adding it costs no pass of its own.
enum RowBias {
    /// y[r·cols + c] = b[c] for every row r.
    static func fill(_ b: UnsafePointer<Float>, rows: Int, cols: Int, _ y: UnsafeMutablePointer<Float>) {
        for r in 0..<rows { (y + r * cols).update(from: b, count: cols) }
    }
}
