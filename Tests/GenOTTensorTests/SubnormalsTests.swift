@testable import GenOTTensor
import Synchronization
import XCTest

/// Subnormal floats are flushed to zero on every thread that computes: the
/// caller after `flushInThisProcess`, OpenBLAS's workers, the shards and the
/// tasks fanned out to the cores.
final class SubnormalsTests: XCTestCase {
    /// 2⁻¹³⁰ · 2¹⁰⁰ through `Tensor.matmul`: 2⁻³⁰ when subnormals are kept, 0 when flushed.
    private func product() -> Float {
        let a = Tensor.full([1, 2], Float(sign: .plus, exponent: -130, significand: 1))
        let b = Tensor.full([2, 1], Float(sign: .plus, exponent: 100, significand: 1))
        return withoutGradient { a.matmul(b) }.scalarValue
    }

    func testTheProcessWideSwitchReachesTheBLASThreads() {
        let threads = BLAS.threadCount
        defer { BLAS.setThreadCount(threads); Subnormals.flushInThisProcess() }
        BLAS.setThreadCount(2)
        guard BLAS.threadCount == 2 else { return XCTFail("OpenBLAS would not run 2 threads") }

        Subnormals.keepOnThisThread()
        XCTAssertFalse(Subnormals.areFlushedOnThisThread)
        XCTAssertEqual(product(), Float(sign: .plus, exponent: -29, significand: 1))
        XCTAssertFalse(Subnormals.areFlushedInBLAS(), "the probe sees a thread that keeps subnormals")

        Subnormals.flushInThisProcess()
        XCTAssertTrue(Subnormals.areFlushedOnThisThread)
        XCTAssertEqual(product(), 0)
        XCTAssertTrue(Subnormals.areFlushedInBLAS(), "every OpenBLAS thread flushes")
    }

    func testShardsAndFannedOutTasksFlush() {
        Subnormals.keepOnThisThread()
        defer { Subnormals.flushInThisProcess() }
        XCTAssertEqual(DataParallel.map(2) { _ in Subnormals.areFlushedOnThisThread }, [true, true])
        let flags = Atomic<Int>(0)
        Parallel.perform(8) { _ in if Subnormals.areFlushedOnThisThread { flags.add(1, ordering: .relaxed) } }
        XCTAssertEqual(flags.load(ordering: .relaxed), 8)
    }
}
