import GenOTMetrics
import GenOTModels
import GenOTTensor
import XCTest

final class FrechetDistanceTests: XCTestCase {
    /// Diagonal covariances: ‖Δm‖² + Σ (√a − √b)².
    func testDiagonalClosedForm() throws {
        let a = Gaussian(mean: [0, 1, 2], covariance: [1, 0, 0, 0, 4, 0, 0, 0, 9])
        let b = Gaussian(mean: [1, 1, 0], covariance: [4, 0, 0, 0, 4, 0, 0, 0, 1])
        XCTAssertEqual(try FrechetDistance.between(a, b), 1 + 4 + (1 + 0 + 4), accuracy: 1e-9)
    }

    /// Commuting covariances with a common rotation: the same formula in the eigenbasis.
    func testCommutingCovariances() throws {
        let c = 0.6, s = 0.8   // a rotation
        func rotated(_ l1: Double, _ l2: Double) -> [Double] {
            [c * c * l1 + s * s * l2, c * s * (l1 - l2), c * s * (l1 - l2), s * s * l1 + c * c * l2]
        }
        let a = Gaussian(mean: [0, 0], covariance: rotated(1, 9)), b = Gaussian(mean: [3, 4], covariance: rotated(4, 1))
        XCTAssertEqual(try FrechetDistance.between(a, b), 25 + 1 + 4, accuracy: 1e-9)
    }

    func testIdenticalSamplesGiveZero() throws {
        var random = SeededRandom(seed: 1)
        let x = random.normal([500, 8])
        XCTAssertEqual(try FrechetDistance.between(features: x, x), 0, accuracy: 1e-6)
        let y = random.normal([500, 8]) + 1
        XCTAssertGreaterThan(try FrechetDistance.between(features: x, y), 7)
    }
}
