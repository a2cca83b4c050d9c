import CBLAS

/// Matrix products through OpenBLAS.
public enum BLAS {
    /// Threads OpenBLAS may use (default: all cores).
    public static func setThreadCount(_ count: Int) { openblas_set_num_threads(Int32(count)) }
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// c[m, n] = α·op(a)·op(b) + β·c, with op(a): [m, k] and op(b): [k, n];
    /// `a` is stored [k, m] when `transposeA`, `b` is [n, k] when `transposeB`.
    /// With a `rowBias` (n floats, β must be 0) c = α·op(a)·op(b) + bias on
    /// every row: gen-ot's own kernel adds it as it stores a tile, the other
    /// routes write it first and accumulate onto it.
    ///
    /// A product with a side of 1 (the MLP's 256 → 1 output layer and its
    /// gradients) goes to sgemv or sger: OpenBLAS's sgemm would pack the
    /// whole matrix for it.
    @inline(__always)
    static func sgemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                      m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool,
                      alpha: Float = 1, beta: Float = 0, rowBias: UnsafePointer<Float>? = nil) {
        precondition(rowBias == nil || beta == 0, "sgemm: a row bias with β = \(beta)")
        if MatrixKernel.handles(m: m, n: n, k: k),
           MatrixKernel.sgemm(a, b, c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                              alpha: alpha, beta: beta, rowBias: rowBias) {
            return
        }
        var beta = beta
        if let rowBias {
            RowBias.fill(rowBias, rows: m, cols: n, c)
            beta = 1
        }
        if n == 1 {   // c = op(a)·b, b a vector of k
            cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                        Int32(transposeA ? k : m), Int32(transposeA ? m : k), alpha,
                        a, Int32(transposeA ? m : k), b, 1, beta, c, 1)
        } else if m == 1 {   // cᵀ = op(b)ᵀ·a, a a vector of k
            cblas_sgemv(CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans,
                        Int32(transposeB ? n : k), Int32(transposeB ? k : n), alpha,
                        b, Int32(transposeB ? k : n), a, 1, beta, c, 1)
        } else if k == 1 {   // c = α·a bᵀ + β·c, an outer product, in one pass over c
            // (sger needs c zeroed or scaled first: a second pass over it).
            for i in 0..<m {
                let row = c + i * n, s = alpha * a[i]
                if beta == 0 {
                    for j in 0..<n { row[j] = s * b[j] }
                } else {
                    for j in 0..<n { row[j] = s * b[j] + beta * row[j] }
                }
            }
        } else {
            cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                    beta, c, Int32(n))
        }
    }
}
