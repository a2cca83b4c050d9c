import Foundation
@testable import GenOTApps
import GenOTData
import GenOTMetrics
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

/// Inverting many images at once: the same noise as one class at a time, in
/// the input order, and normality statistics that tell N(0, I) from other noise.
final class LatentInversionTests: XCTestCase {
    func testInvertAllMatchesOneClassAtATime() throws {
        var random = SeededRandom(seed: 1)
        let potential = TransportPotential(dimension: 4, classes: 10, width: 8, depth: 1, using: &random)
        let generator = try LatentGenerator(potential: potential, vae: VAE(latentDim: 4, seed: 3))
        let images = Tensor(shape: [6, 28, 28], storage: (0..<(6 * 784)).map { _ in random.nextUniform() })
        let labels = [3, 1, 3, 7, 1, 3]
        let (noise, errors) = generator.invertAll(images: images, labels: labels)
        XCTAssertEqual(noise.shape, [6, 4])
        for (row, c) in labels.enumerated() {
            let single = generator.invert(images: images.gatherRows([row]), class: c)
            assertClose(Array(noise.storage[(row * 4)..<((row + 1) * 4)]), single.noise.storage, rtol: 1e-5, atol: 1e-5)
            XCTAssertEqual(errors[row], single.roundTripError[0], accuracy: 1e-5)
        }
    }

    func testNormalityTellsStandardNoiseFromShiftedNoise() {
        var random = SeededRandom(seed: 2)
        let standard = random.normal([4000, 3])
        let labels = (0..<4000).map { $0 % 2 }
        let table = NoiseNormality.table(standard, labels: labels)
        XCTAssertEqual(table.map(\.label), [0, 1, nil])
        XCTAssertEqual(table.map(\.count), [2000, 2000, 4000])
        let all = table.last!
        XCTAssertLessThan(all.meanNorm, 0.06)
        XCTAssertLessThan(all.covarianceError, 0.05)
        XCTAssertLessThan(all.ksDistance, 0.02)
        let shifted = NoiseNormality(standard.scaled(by: 2).shifted(by: 1), label: nil)
        XCTAssertGreaterThan(shifted.meanNorm, 1.5)
        XCTAssertGreaterThan(shifted.covarianceError, 2.5)
        XCTAssertGreaterThan(shifted.ksDistance, 0.2)
    }
}
