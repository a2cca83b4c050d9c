import CMatrixKernel
import Foundation

/// Which code multiplies matrices on one thread: on AVX-512 CPUs, gen-ot's
/// own kernel (Sources/CMatrixKernel: packs one operand instead of both,
/// faster than OpenBLAS 0.3.21's SkylakeX kernels on the sharded steps'
/// products, docs/experiments.md §23), else OpenBLAS. Products that OpenBLAS
/// may spread over several threads, and small ones, stay with OpenBLAS.
/// `GENOT_GEMM=openblas` keeps OpenBLAS for every product; the 16-lane
/// kernels' switch (`GENOT_VECTOR=avx2`, `VectorUnit`) turns it off too.
enum MatrixKernel {
    /// Whether this process may use the own kernel (decided once).
    static let isAvailable: Bool = {
        #if arch(x86_64)
        return VectorUnit.isWide && ProcessInfo.processInfo.environment["GENOT_GEMM"]?.lowercased() != "openblas"
        #else
        return false
        #endif
    }()

    /// Whether a product goes to the own kernel: on one BLAS thread (inside
    /// a shard), with enough rows to repay packing op(b) and columns to fill
    /// its 32-wide panels.
    @inline(__always)
    static func handles(m: Int, n: Int, k: Int) -> Bool {
        isAvailable && m >= 96 && n >= 24 && k >= 16 && BLAS.threadCount == 1
    }

    /// c = α·op(a)·op(b) + β·c (+ a bias on every row), as `BLAS.sgemm`;
    /// false (c untouched) when the kernel could not allocate its packing
    /// buffer.
    @inline(__always) @discardableResult
    static func sgemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                      m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float,
                      rowBias: UnsafePointer<Float>? = nil) -> Bool {
        #if arch(x86_64)
        return genot_sgemm_avx512(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                                  a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), beta, c, Int32(n), rowBias) == 0
        #else
        return false
        #endif
    }
}
