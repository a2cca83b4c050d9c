import Dispatch

/// Splits compute-bound elementwise work over the cores. Below `minimum`
/// elements the thread hand-off costs more than it saves (measured: a 1M
/// element memory-bound loop gained nothing; exp-heavy kernels up to 2×).
enum Parallel {
    static let minimum = 1 << 15

    /// Calls `body(range)` for disjoint ranges covering 0..<count, each a
    /// multiple of 8 long except the last, in parallel when count is large.
    @inline(__always)
    static func ranges(_ count: Int, _ body: @Sendable (Range<Int>) -> Void) {
        guard count >= minimum else { body(0..<count); return }
        let chunks = 8
        let size = ((count + chunks - 1) / chunks + 7) & ~7
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * size
            if start < count { body(start..<min(start + size, count)) }
        }
    }
}
