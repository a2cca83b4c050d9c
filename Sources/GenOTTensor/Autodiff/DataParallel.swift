/// Work split into shards that run at once, one per core, each with
/// single-threaded BLAS: for a loss that is a sum over independent parts of
/// a batch. On 2 cores the HJ step (256 rows) took 7.1 ms this way against
/// 8.7 ms with both BLAS threads on every product: each core then runs whole
/// products and its own elementwise kernels, with no hand-off per op.
///
/// The autodiff is safe to run on several threads as long as the shards
/// share only read-only tensors (the parameters); `OpProfiler` is not, so
/// while it profiles the shards run one after another.
public enum DataParallel {
    /// Shards worth making: one per BLAS thread (1 inside a shard, or while profiling).
    public static var shardCount: Int { OpProfiler.isEnabled ? 1 : Swift.max(1, BLAS.threadCount) }

    /// Shard s's part of `total` rows split as evenly as can be into `shards`.
    public static func rows(_ shard: Int, of total: Int, shards: Int) -> (start: Int, count: Int) {
        let start = shard * total / shards
        return (start, (shard + 1) * total / shards - start)
    }

    /// `body(s)` for s in 0..<count, at once when count > 1 (BLAS single-
    /// threaded meanwhile); the results in shard order. `pinned`: a single
    /// shard runs with single-threaded BLAS too, for a layout cut to fewer
    /// shards than cores (a batch smaller than the cores), so that its
    /// arithmetic is that of a shard on a core of its own, as on another
    /// process (multi-threaded BLAS rounds differently on some cores).
    public static func map<R>(_ count: Int, pinned: Bool = false, _ body: (Int) -> R) -> [R] {
        guard count > 1 || pinned, !OpProfiler.isEnabled else { return (0..<count).map(body) }
        let threads = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(threads) }
        guard count > 1 else { return (0..<count).map(body) }
        var results = [R?](repeating: nil, count: count)
        // A task-local value bound outside any task lives on the calling
        // thread only: the worker threads bind the caller's grad mode again.
        let recording = GradMode.isEnabled
        results.withUnsafeMutableBufferPointer { slots in
            withoutActuallyEscaping(body) { body in
                let shared = Unchecked(body: body, slots: slots)
                Parallel.perform(count) { shard in
                    shared.slots[shard] = GradMode.$isEnabled.withValue(recording) { shared.body(shard) }
                }
            }
        }
        return results.map { $0! }
    }

    /// Gradients of Σ_s loss(s) with respect to `parameters`, the shards at
    /// once (`pinned` as for `map`); returns the summed loss value and the
    /// summed gradients.
    public static func gradients(shards count: Int, pinned: Bool = false, wrt parameters: [Tensor],
                                 _ loss: (Int) -> Tensor) -> (loss: Float, gradients: [Tensor]) {
        let result = gradients(shards: count, pinned: pinned, wrt: parameters) { (loss($0), ()) }
        return (result.loss, result.gradients)
    }

    /// The same for a loss that comes with a value of its own per shard
    /// (work the shard does on its core before its backward pass), returned
    /// in shard order.
    public static func gradients<Side>(shards count: Int, pinned: Bool = false, wrt parameters: [Tensor],
                                       _ loss: (Int) -> (Tensor, Side)) -> (loss: Float, gradients: [Tensor], sides: [Side]) {
        let parts = map(count, pinned: pinned) { shard -> (Float, [Tensor], Side) in
            let (value, side) = loss(shard)
            return (value.scalarValue, GenOTTensor.gradients(of: value, wrt: parameters), side)
        }
        let lists = parts.map(\.1), total = lists[0]
        // Tensor by tensor over the cores (each sum on its task's thread: no
        // fan-out nested inside this one): the step waits for this sum.
        if lists.count > 1 {
            Parallel.perform(total.count) { i in
                for list in lists.dropFirst() { total[i].addInPlace(list[i], splitting: false) }
            }
        }
        return (parts.reduce(0) { $0 + $1.0 }, total, parts.map(\.2))
    }

    /// The closure and the result slots, handed to the worker threads (each
    /// writes only its own slot).
    private struct Unchecked<R>: @unchecked Sendable {
        let body: (Int) -> R
        let slots: UnsafeMutableBufferPointer<R?>
    }
}
