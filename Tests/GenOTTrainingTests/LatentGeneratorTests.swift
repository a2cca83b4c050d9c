import GenOTModels
import GenOTTensor
import GenOTTraining
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
