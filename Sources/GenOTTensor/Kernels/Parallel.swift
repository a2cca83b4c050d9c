import Dispatch

/// Splits compute-bound elementwise work over the cores. Below `minimum`
/// elements the thread hand-off costs more than it saves (measured: a 1M
/// element memory-bound loop gained nothing; exp-heavy kernels up to 2×).
///
/// The kernels use as many cores as BLAS may: inside a `DataParallel` shard
/// (BLAS single-threaded there) every core already runs a shard of its own,
/// and work fanned out from one shard would land on the other's core, with
/// its results in that core's cache.
public enum Parallel {
    static let minimum = 1 << 15

    /// Whether work may be spread over the cores now.
    @inline(__always)
    static var isAllowed: Bool { BLAS.threadCount > 1 }

    /// Calls `body(range)` for disjoint ranges covering 0..<count, each a
    /// multiple of `granularity` long except the last (64: whole vectors at
    /// any width), in parallel from `minimum` elements on (fewer for costly
    /// elements, such as whole images).
    @inline(__always)
    static func ranges(_ count: Int, minimum: Int = minimum, granularity: Int = 64, _ body: @Sendable (Range<Int>) -> Void) {
        guard count >= minimum, isAllowed else { body(0..<count); return }
        let chunks = 8
        let size = ((count + chunks - 1) / chunks + granularity - 1) / granularity * granularity
        perform(chunks) { chunk in
            let start = chunk * size
            if start < count { body(start..<min(start + size, count)) }
        }
    }

    /// `body(i)` for i in 0..<iterations spread over the cores
    /// (`DispatchQueue.concurrentPerform`), each on a thread that flushes
    /// subnormals (`Subnormals`): the pool's threads start with the default mode.
    public static func perform(_ iterations: Int, _ body: @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: iterations) { i in
            Subnormals.flushOnThisThread()
            body(i)
        }
    }
}
