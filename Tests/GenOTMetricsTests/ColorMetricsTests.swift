import GenOTMetrics
import GenOTTensor
import XCTest

final class ColorMetricsTests: XCTestCase {
    func testHistogramIntersectionBounds() {
        var random = SeededRandom(seed: 1)
        let a = random.uniform([2000, 3], low: 0, high: 0.4)
        XCTAssertEqual(ColorMetrics.histogramIntersection(a, a), 1, accuracy: 1e-9)
        let far = random.uniform([2000, 3], low: 0.6, high: 1)
        XCTAssertEqual(ColorMetrics.histogramIntersection(a, far), 0, accuracy: 1e-9)
    }

    /// A shift by s along every axis moves each projection by s·(u·1): the
    /// sliced W₁ is s·E|u·1| = s·√3·E|cos θ| = s·√3/2 for uniform unit u.
    func testSlicedEMDOfAShift() {
        var random = SeededRandom(seed: 2)
        let a = random.uniform([3000, 3], low: 0, high: 0.5)
        XCTAssertEqual(ColorMetrics.slicedEMD(a, a), 0, accuracy: 1e-9)
        let shifted = a + 0.3
        XCTAssertEqual(ColorMetrics.slicedEMD(a, shifted, directions: 512), 0.3 * 3.0.squareRoot() / 2, accuracy: 0.01)
    }
}
