import CBLAS
import CFloatingPoint

/// Subnormal floats (nonzero, below 2⁻¹²⁶ ≈ 1.2e-38 in magnitude) are
/// handled by microcode on x86 CPUs, about 100× slower than normal ones. A
/// trained potential makes them: SiLU's derivatives at strongly negative
/// inputs, products of small gradients, Adam's second moments of such
/// gradients. Once they appear, every product that reads them slows down,
/// and training slows with it. They carry no information at these models'
/// scale, so gen-ot flushes them to
/// zero (results and inputs alike) on every thread that computes for it, as
/// TensorFlow does on its threads.
///
/// The mode belongs to a thread, and a new thread starts with its creator's.
/// `gen-ot` sets it for the process at start-up (`flushInThisProcess`);
/// tasks fanned out to the cores (`Parallel.perform`) set it on the pool's
/// threads, which the system starts.
public enum Subnormals {
    /// Flushes subnormal results and inputs to zero on the calling thread.
    public static func flushOnThisThread() { genot_flush_subnormals() }

    /// Flushes them on the calling thread and on OpenBLAS's worker threads.
    /// OpenBLAS starts its workers when it loads, before `main`, with the
    /// default mode, and offers no way to change it (Debian's build does not
    /// copy the caller's mode to them); so they are stopped (its own fork
    /// handler) and its next multi-threaded call starts them again from this
    /// thread. For the main thread at start-up, before other threads compute.
    public static func flushInThisProcess() {
        genot_flush_subnormals()
        _ = blas_thread_shutdown_()
    }

    /// Keeps them on the calling thread (the default mode).
    static func keepOnThisThread() { genot_keep_subnormals() }

    /// Whether the calling thread flushes them.
    public static var areFlushedOnThisThread: Bool { genot_subnormals_flushed() != 0 }

    /// Whether every thread of a multi-threaded product flushes them: the
    /// product of subnormal rows (2⁻¹³⁰) and 2¹⁰⁰ is 2⁻³⁰ on a thread that
    /// keeps them and exactly 0 on one that flushes. The product is large
    /// enough that OpenBLAS splits it over all its threads.
    public static func areFlushedInBLAS() -> Bool {
        let n = 256
        let a = [Float](repeating: Float(sign: .plus, exponent: -130, significand: 1), count: n * n)
        let b = [Float](repeating: Float(sign: .plus, exponent: 100, significand: 1), count: n * n)
        var c = [Float](repeating: 1, count: n * n)
        BLAS.sgemm(a, b, &c, m: n, n: n, k: n, transposeA: false, transposeB: false)
        return c.allSatisfy { $0 == 0 }
    }
}
