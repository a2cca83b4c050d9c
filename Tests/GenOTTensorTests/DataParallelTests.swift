import Foundation
@testable import GenOTTensor
import GenOTTestSupport
import XCTest

/// Shards on several threads give the gradients of the whole batch, with
/// second-order graphs built on the worker threads, and leave BLAS's thread
/// count as it was.
final class DataParallelTests: XCTestCase {
    func testShardedGradientsMatchTheWholeBatch() {
        var random = SeededRandom(seed: 8)
        let w1 = random.normal([5, 32]).requiringGrad(), w2 = random.normal([32, 1]).requiringGrad()
        let x = random.normal([64, 5])
        // A loss through ∇ₓf, as in the HJ residual: Σ_rows ‖∇ₓ f(x)‖² / n.
        func loss(_ rows: Tensor) -> Tensor {
            let xi = rows.requiringGrad()
            let f = xi.matmul(w1).silu().matmul(w2)
            let p = gradient(of: f, wrt: xi, createGraph: true)
            return p.square().sum().scaled(by: 1 / Float(x.shape[0]))
        }
        let whole = loss(x)
        let expected = gradients(of: whole, wrt: [w1, w2])
        let threads = BLAS.threadCount
        for shards in [1, 2, 3] {
            let (value, grads) = DataParallel.gradients(shards: shards, wrt: [w1, w2]) { s in
                let start = s * 64 / shards
                return loss(x.slice(axis: 0, start: start, length: (s + 1) * 64 / shards - start))
            }
            XCTAssertEqual(value, whole.scalarValue, accuracy: 1e-4 * abs(whole.scalarValue), "\(shards) shards")
            for (g, e) in zip(grads, expected) { assertClose(g, e, rtol: 1e-4, atol: 1e-5, "\(shards) shards") }
            XCTAssertEqual(BLAS.threadCount, threads)
        }
    }

    func testMapKeepsShardOrder() {
        XCTAssertEqual(DataParallel.map(5) { $0 * $0 }, [0, 1, 4, 9, 16])
        XCTAssertEqual(DataParallel.map(1) { $0 + 7 }, [7])
    }

    /// Every shard runs with single-threaded BLAS, a pinned single shard too
    /// (a batch smaller than the cores), and the caller's count comes back.
    func testShardsRunWithSingleThreadedBLAS() {
        let threads = BLAS.threadCount
        BLAS.setThreadCount(2)
        defer { BLAS.setThreadCount(threads) }
        XCTAssertEqual(DataParallel.map(2) { _ in BLAS.threadCount }, [1, 1])
        XCTAssertEqual(DataParallel.map(1, pinned: true) { _ in BLAS.threadCount }, [1])
        XCTAssertEqual(DataParallel.map(1) { _ in BLAS.threadCount }, [2])
        XCTAssertEqual(BLAS.threadCount, 2)
    }

    /// The worker threads record a graph exactly when the caller does (the
    /// shards sleep a little so that several threads take part).
    func testShardsInheritTheGradMode() {
        func modes() -> [Bool] { DataParallel.map(16) { _ in usleep(2000); return GradMode.isEnabled } }
        XCTAssertEqual(withoutGradient { modes() }, Array(repeating: false, count: 16))
        XCTAssertEqual(modes(), Array(repeating: true, count: 16))
        let x = Tensor(shape: [2], storage: [1, 2], requiresGrad: true)
        XCTAssertEqual(withoutGradient { DataParallel.map(2) { _ in (x * x).requiresGrad } }, [false, false])
    }
}
