import GenOTTensor

/// The mini-batches of one epoch: index arrays cut from a permutation of
/// `0..<count`, `batchSize` at a time.
///
/// The permutation depends only on `(seed, epoch)`, so a run resumed at epoch
/// e sees exactly the batches it would have seen. With `dropLast` a last,
/// smaller batch is left out; otherwise every index appears exactly once.
public struct MiniBatches: Sequence, Sendable {
    /// The order the epoch visits the items in.
    public let order: [Int]
    public let batchSize: Int
    public let dropLast: Bool

    /// Batches over `order` as given (for example `Array(0..<n)` to evaluate in order).
    public init(order: [Int], batchSize: Int, dropLast: Bool = false) {
        precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
        self.order = order
        self.batchSize = batchSize
        self.dropLast = dropLast
    }

    /// Batches over a seeded shuffle of `0..<count`, one permutation per epoch.
    public init(count: Int, batchSize: Int, seed: UInt64, epoch: Int = 0, dropLast: Bool = false) {
        precondition(count >= 0, "item count must not be negative, got \(count)")
        // Mix the epoch into the seed; SeededRandom's SplitMix seeding decorrelates neighbours.
        var random = SeededRandom(seed: seed &+ UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15)
        self.init(order: random.permutation(count), batchSize: batchSize, dropLast: dropLast)
    }

    /// Number of batches the epoch yields.
    public var batchCount: Int {
        dropLast ? order.count / batchSize : (order.count + batchSize - 1) / batchSize
    }

    /// The indices of batch `i` (`0 ..< batchCount`).
    public subscript(i: Int) -> [Int] {
        precondition(i >= 0 && i < batchCount, "batch \(i) outside 0..<\(batchCount)")
        let start = i * batchSize
        return Array(order[start..<Swift.min(start + batchSize, order.count)])
    }

    public struct Iterator: IteratorProtocol {
        let batches: MiniBatches
        var position = 0

        public mutating func next() -> [Int]? {
            guard position < batches.batchCount else { return nil }
            defer { position += 1 }
            return batches[position]
        }
    }

    public func makeIterator() -> Iterator { Iterator(batches: self) }
    public var underestimatedCount: Int { batchCount }
}
