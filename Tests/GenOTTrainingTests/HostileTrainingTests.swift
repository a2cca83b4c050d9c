import Foundation
import GenOTModels
import GenOTTestSupport
@testable import GenOTTraining
import XCTest

/// Inputs that could trap or write NaN with exit 0: each is an error that
/// says what was expected and what was found.
final class HostileTrainingTests: XCTestCase {
    /// A learning rate of 10³⁰ stops the VAE's loop with the epoch and step,
    /// and no checkpoint is written.
    func testADivergingVAERunStopsAndWritesNothing() throws {
        let folder = try makeTemporaryFolder(self)
        var config = VAETrainingConfig(dataset: .mnist, output: folder.appendingPathComponent("vae.safetensors"))
        (config.epochs, config.latentDim, config.batchSize, config.learningRate) = (1, 3, 16, 1e30)
        XCTAssertThrowsError(try VAETraining.run(config, train: TrainingFixtures.bars(count: 48, seed: 1),
                                                 test: TrainingFixtures.bars(count: 20, seed: 2), log: { _ in })) { error in
            XCTAssertEqual((error as? TrainingError)?.kind, .diverged, "\(error)")
            XCTAssertTrue("\(error)".contains("epoch 1, step "), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: config.output.path))
    }
}
