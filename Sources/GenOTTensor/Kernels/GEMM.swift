import CBLAS

/// Matrix products through OpenBLAS.
public enum BLAS {
    /// Threads OpenBLAS may use (default: all cores).
    public static func setThreadCount(_ count: Int) { openblas_set_num_threads(Int32(count)) }
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// c[m, n] = α·op(a)·op(b) + β·c, with op(a): [m, k] and op(b): [k, n];
    /// `a` is stored [k, m] when `transposeA`, `b` is [n, k] when `transposeB`.
    @inline(__always)
    static func sgemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                      m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool,
                      alpha: Float = 1, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                    beta, c, Int32(n))
    }
}
