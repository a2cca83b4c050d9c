import Foundation
import GenOTTensor
import GenOTTestSupport
@testable import GenOTTransport
import XCTest

final class MMDTests: XCTestCase {
    static let kernels: [MMDKernel] = [.energy, .defaultGaussian]

    /// Unbiased: for two samples of one distribution the estimate averages to
    /// ~0 (and takes both signs); for different distributions it is clearly positive.
    func testZeroMeanForSameDistributionPositiveForDifferent() {
        var random = SeededRandom(seed: 1)
        for kernel in Self.kernels {
            var same: [Double] = [], different: [Double] = []
            for _ in 0..<40 {
                let x = random.normal([64, 2]), y = random.normal([64, 2])
                let shifted = random.normal([64, 2], mean: 0.5)
                let bandwidths = MMD.bandwidths(for: kernel, targets: y)
                same.append(Double(MMD.squared(x, y, kernel: kernel, bandwidths: bandwidths).scalarValue))
                different.append(Double(MMD.squared(shifted, y, kernel: kernel, bandwidths: bandwidths).scalarValue))
            }
            let meanSame = same.reduce(0, +) / 40, meanDifferent = different.reduce(0, +) / 40
            let spread = (same.map { ($0 - meanSame) * ($0 - meanSame) }.reduce(0, +) / 39).squareRoot()
            XCTAssertLessThan(Swift.abs(meanSame), 3 * spread / Foundation.sqrt(40), "\(kernel): mean \(meanSame), sd \(spread)")
            XCTAssert(same.contains { $0 < 0 } && same.contains { $0 > 0 }, "\(kernel): an unbiased estimate takes both signs")
            XCTAssertGreaterThan(meanDifferent, 5 * spread, "\(kernel): shifted mean \(meanDifferent)")
        }
    }

    /// The energy kernel's MMD² is the energy distance: for 1-D points by hand.
    func testEnergyValueByHand() {
        let x = Tensor([[0], [1]]), y = Tensor([[3], [5]])
        // xx: −|0−1| (i≠j, both orders) / 2 = −1; yy: −2; xy: 2·mean(3,5,2,4) = 7.
        let value = MMD.squared(x, y, kernel: .energy).scalarValue
        XCTAssertEqual(value, -1 - 2 + 7, accuracy: 2e-3)
        // The y–y term is constant in x: dropping it changes the value only.
        XCTAssertEqual(MMD.squared(x, y, kernel: .energy, includeTargetTerm: false).scalarValue, -1 + 7, accuracy: 2e-3)
    }

    func testGradientMatchesFiniteDifferences() {
        var random = SeededRandom(seed: 2)
        let x = random.normal([6, 3]), y = random.normal([7, 3], mean: 0.3)
        for kernel in Self.kernels {
            let bandwidths = MMD.bandwidths(for: kernel, targets: y)
            GradientCheck.first([x], eps: 1e-2, rtol: 1e-2, atol: 1e-3, "\(kernel)") {
                MMD.squared($0[0], y, kernel: kernel, bandwidths: bandwidths)
            }
        }
    }

    /// Row shares over a partition of x's rows add up to MMD² without the
    /// y–y term, and their gradients stack into the whole gradient: what lets
    /// each shard of a training step take its own rows.
    func testRowSharesSumToTheWhole() {
        var random = SeededRandom(seed: 3)
        let x = random.normal([9, 3]), y = random.normal([11, 3], mean: 0.4)
        for kernel in Self.kernels {
            let bandwidths = MMD.bandwidths(for: kernel, targets: y)
            let leaf = x.detached().requiringGrad()
            let whole = MMD.squared(leaf, y, kernel: kernel, bandwidths: bandwidths, includeTargetTerm: false)
            let wholeGradient = gradient(of: whole, wrt: leaf)
            let shares = [0..<4, 4..<5, 5..<9].map { MMD.rowShare(x, rows: $0, y, kernel: kernel, bandwidths: bandwidths) }
            XCTAssertEqual(shares.reduce(0) { $0 + $1.value }, whole.scalarValue, accuracy: 1e-5, "\(kernel)")
            assertClose(Tensor.concat(shares.map(\.gradient), axis: 0), wholeGradient, rtol: 1e-4, atol: 1e-6, "\(kernel)")
        }
    }

    func testMedianBandwidths() {
        // Points 0, 1, 3 on a line: distances 1, 2, 3, median 2.
        let y = Tensor([[0, 0], [1, 0], [3, 0]])
        XCTAssertEqual(MMD.bandwidths(for: .gaussian(multipliers: [0.5, 2]), targets: y), [1, 4])
        XCTAssertEqual(MMD.bandwidths(for: .energy, targets: y), [])
    }

    func testKernelParsing() throws {
        XCTAssertEqual(try MMDKernel(parsing: "energy"), .energy)
        XCTAssertEqual(try MMDKernel(parsing: "gaussian:1,2"), .gaussian(multipliers: [1, 2]))
        XCTAssertThrowsError(try MMDKernel(parsing: "gaussian:0"))
        XCTAssertThrowsError(try MMDKernel(parsing: "rbf"))
    }
}
