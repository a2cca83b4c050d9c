import XCTest
@testable import GenOTData

final class MiniBatchesTests: XCTestCase {
    func testSameSeedAndEpochGiveTheSameBatches() {
        let a = Array(MiniBatches(count: 103, batchSize: 10, seed: 42, epoch: 3))
        let b = Array(MiniBatches(count: 103, batchSize: 10, seed: 42, epoch: 3))
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, Array(MiniBatches(count: 103, batchSize: 10, seed: 42, epoch: 4)))
        XCTAssertNotEqual(a, Array(MiniBatches(count: 103, batchSize: 10, seed: 43, epoch: 3)))
        XCTAssertNotEqual(a.flatMap { $0 }, Array(0..<103), "the order should be shuffled")
    }

    func testEveryIndexOncePerEpoch() {
        for epoch in 0..<3 {
            let batches = Array(MiniBatches(count: 103, batchSize: 10, seed: 7, epoch: epoch))
            XCTAssertEqual(batches.count, 11)
            XCTAssertEqual(batches.map(\.count), Array(repeating: 10, count: 10) + [3])
            XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<103))
        }
    }

    func testDropLastLeavesOutTheShortBatch() {
        let batches = MiniBatches(count: 103, batchSize: 10, seed: 7, dropLast: true)
        XCTAssertEqual(batches.batchCount, 10)
        let seen = Array(batches).flatMap { $0 }
        XCTAssertEqual(seen.count, 100)
        XCTAssertEqual(Set(seen).count, 100)
        XCTAssertEqual(MiniBatches(count: 100, batchSize: 10, seed: 7, dropLast: true).batchCount, 10)
    }

    func testInOrderBatchesAndEdgeCases() {
        XCTAssertEqual(Array(MiniBatches(order: Array(0..<5), batchSize: 2)), [[0, 1], [2, 3], [4]])
        XCTAssertEqual(Array(MiniBatches(count: 0, batchSize: 4, seed: 1)), [])
        XCTAssertEqual(Array(MiniBatches(count: 3, batchSize: 4, seed: 1, dropLast: true)), [])
    }
}
