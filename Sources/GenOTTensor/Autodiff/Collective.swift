/// The processes that train one model together, data-parallel: every
/// process draws the same global batch, evaluates its own share of the rows
/// and carries their gradients back; the gradients are then summed over the
/// processes, so every process takes the same optimiser step.
///
/// `SingleProcess` (the default build) is one process with no communication;
/// an MPI communicator implements it when gen-ot is built with `GENOT_MPI=1`
/// (docs/mpi.md).
public protocol Collective: AnyObject, Sendable {
    /// This process's number, 0..<size; process 0 alone prints and writes.
    var rank: Int { get }
    /// How many processes train together.
    var size: Int { get }
    /// Replaces `buffer` by its element-wise sum over all processes; every
    /// process receives the same values.
    func sum(_ buffer: UnsafeMutableBufferPointer<Float>)
    /// Every process's `local` values, concatenated in rank order (the
    /// processes may give different counts).
    func gather(_ local: [Float]) -> [Float]
}

/// One process: sums and gathers return their input.
public final class SingleProcess: Collective {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func sum(_ buffer: UnsafeMutableBufferPointer<Float>) {}
    public func gather(_ local: [Float]) -> [Float] { local }
}

/// The process group the training commands use; the executable replaces it
/// with an MPI communicator before any work when built with MPI.
public enum ProcessGroup {
    // NOTE: set once at start-up, before any other thread runs; read-only afterwards.
    nonisolated(unsafe) public static var world: any Collective = SingleProcess()
}

/// A step's rows split into shards over all processes: this process's
/// `local` shards are numbers `first ..< first + local` of `total`
/// (`DataParallel.rows` gives each shard's rows). `pinned`: the layout
/// stands for more than one core, so even a single local shard (a batch
/// smaller than the cores) runs with single-threaded BLAS
/// (`DataParallel.map(_:pinned:)`), as a shard on another process would.
public struct ShardLayout: Sendable {
    public let first: Int, local: Int, total: Int, pinned: Bool
}

extension Collective {
    /// Process 0, the one that prints and writes.
    public var isRoot: Bool { rank == 0 }

    /// Shards for `rows` rows: up to `threads` on this process (one per
    /// core, as `DataParallel` runs them), at least one per process, never
    /// more in all than there are rows unless there are fewer rows than
    /// processes: then some processes' shards get no rows.
    public func shards(threads: Int, rows: Int) -> ShardLayout {
        let local = Swift.max(1, Swift.min(threads, rows / size))
        guard size > 1 else { return ShardLayout(first: 0, local: local, total: local, pinned: threads > 1) }
        let counts = gather([Float(local)]).map { Int($0) }
        return ShardLayout(first: counts[..<rank].reduce(0, +), local: local, total: counts.reduce(0, +), pinned: threads > 1)
    }

    /// Sums `tensors` and `scalars` over all processes, in place, with one
    /// exchange (packed into one buffer: one latency instead of one per tensor).
    public func sum(_ tensors: [Tensor], scalars: inout [Float]) {
        guard size > 1 else { return }
        var packed = [Float]()
        packed.reserveCapacity(tensors.reduce(scalars.count) { $0 + $1.count })
        for t in tensors { packed.append(contentsOf: t.storage) }
        packed.append(contentsOf: scalars)
        packed.withUnsafeMutableBufferPointer { sum($0) }
        var offset = 0
        for t in tensors {
            t.storage.replaceSubrange(0..<t.count, with: packed[offset..<offset + t.count])
            offset += t.count
        }
        scalars = Array(packed[offset...])
    }

    /// The rows [n_r, columns] of every process stacked in rank order.
    public func gatherRows(_ local: Tensor) -> Tensor {
        guard size > 1 else { return local }
        let columns = local.shape[1], all = gather(local.storage)
        return Tensor(shape: [all.count / Swift.max(columns, 1), columns], storage: all)
    }
}
