import GenOTTensor
import GenOTTestSupport
import XCTest

final class AutodiffTests: XCTestCase {
    func testUnreachedInputGetsZeros() {
        let x = Tensor(shape: [2], storage: [1, 2], requiresGrad: true)
        let y = Tensor(shape: [2], storage: [3, 4], requiresGrad: true)
        let g = gradients(of: x.square().sum(), wrt: [x, y])
        XCTAssertEqual(g[0].storage, [2, 4])
        XCTAssertEqual(g[1].storage, [0, 0])
    }

    func testGradientsAccumulateOverReuse() {
        let x = Tensor(shape: [1], storage: [3], requiresGrad: true)
        let g = gradient(of: (x * x + x).sum(), wrt: x)
        XCTAssertEqual(g.storage, [7])
    }

    func testNoGradScopeRecordsNothing() {
        let x = Tensor(shape: [2], storage: [1, 2], requiresGrad: true)
        let y = withoutGradient { x.exp() }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(x.exp().requiresGrad)
    }

    func testFirstOrderGradientHasNoGraph() {
        let x = Tensor(shape: [2], storage: [1, 2], requiresGrad: true)
        XCTAssertFalse(gradient(of: x.exp().sum(), wrt: x).requiresGrad)
        XCTAssertTrue(gradient(of: x.exp().sum(), wrt: x, createGraph: true).requiresGrad)
    }

    /// Graphs are freed: after many forward/backward rounds the number of
    /// live tensors returns to where it started.
    func testGraphMemoryIsReleased() {
        var random = SeededRandom(seed: 3)
        let w = random.normal([8, 8]).requiringGrad()
        func step() {
            let x = random.normal([4, 8]).requiringGrad()
            let u = x.matmul(w).silu().sum()
            let p = gradient(of: u, wrt: x, createGraph: true)
            let loss = (u - p.square().sum()).square()
            _ = gradients(of: loss, wrt: [w, x])
        }
        step()
        let before = Tensor.liveCount.load(ordering: .relaxed)
        for _ in 0..<50 { step() }
        XCTAssertEqual(Tensor.liveCount.load(ordering: .relaxed), before)
    }

    func testSeededRandomIsReproducible() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let x = a.normal([100]), y = b.normal([100]), z = c.normal([100])
        XCTAssertEqual(x.storage, y.storage)
        XCTAssertNotEqual(x.storage, z.storage)
        let mean = x.mean().scalarValue, variance = (x - mean).square().mean().scalarValue
        XCTAssertEqual(mean, 0, accuracy: 0.3)
        XCTAssertEqual(variance, 1, accuracy: 0.4)
    }
}
