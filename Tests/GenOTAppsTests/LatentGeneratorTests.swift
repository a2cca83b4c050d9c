import GenOTApps
import GenOTModels
import GenOTTensor
import XCTest

final class LatentGeneratorTests: XCTestCase {
    /// A map trained for d = 8 cannot drive a VAE with d = 16 latents.
    func testLatentDimensionMismatchIsAnError() {
        var random = SeededRandom(seed: 1)
        let potential = TransportPotential(dimension: 8, classes: 10, width: 4, depth: 1, using: &random)
        XCTAssertThrowsError(try LatentGenerator(potential: potential, vae: VAE(latentDim: 16))) { error in
            XCTAssertTrue("\(error)".contains("d = 8") && "\(error)".contains("d = 16"), "\(error)")
        }
    }
}

extension LatentGeneratorTests {
    /// Noise at temperature T is T times the noise at 1 (same seed); T ≤ 0 is refused.
    func testTemperatureScalesTheNoise() throws {
        var random = SeededRandom(seed: 1)
        let potential = TransportPotential(dimension: 16, classes: 10, width: 4, depth: 1, using: &random)
        let vae = VAE(latentDim: 16)
        let one = try LatentGenerator(potential: potential, vae: vae), cooled = try LatentGenerator(potential: potential, vae: vae, temperature: 0.7)
        var a = SeededRandom(seed: 2), b = SeededRandom(seed: 2)
        let z1 = one.sourcePoints(class: 3, count: 20, using: &a), z07 = cooled.sourcePoints(class: 3, count: 20, using: &b)
        for (x, y) in zip(z1.storage, z07.storage) { XCTAssertEqual(y, 0.7 * x, accuracy: 1e-6) }
        for bad: Float in [0, -1, .nan] {
            XCTAssertThrowsError(try LatentGenerator(potential: potential, vae: vae, temperature: bad)) { error in
                XCTAssertTrue("\(error)".contains("temperature"), "\(error)")
            }
        }
    }
}
