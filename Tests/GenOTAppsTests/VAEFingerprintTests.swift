import Foundation
@testable import GenOTApps
import GenOTData
import GenOTFiles
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

/// A map records the fingerprint of the VAE it was trained on; loading it
/// with another VAE is refused, naming both files.
final class VAEFingerprintTests: XCTestCase {
    func testAMapWithAnotherVAEIsRefused() throws {
        let folder = try makeTemporaryFolder(self)
        let paths = CheckpointPaths(directory: folder)
        var random = SeededRandom(seed: 1)
        let potential = TransportPotential(dimension: 4, classes: 10, width: 8, depth: 1, using: &random)
        let trainedOn = VAE(latentDim: 4, seed: 1), other = VAE(latentDim: 4, seed: 2)
        XCTAssertNotEqual(trainedOn.fingerprint, other.fingerprint)
        XCTAssertEqual(trainedOn.fingerprint, VAE(latentDim: 4, seed: 1).fingerprint)

        try other.save(to: paths.vae(.mnist))
        try potential.save(to: paths.transport(from: nil, to: .mnist))
        XCTAssertNoThrow(try paths.loadPair(from: nil, to: .mnist), "a map without a fingerprint still loads")

        try potential.save(to: paths.transport(from: nil, to: .mnist),
                           extraMetadata: CheckpointPaths.fingerprintMetadata(vae: trainedOn, sourceVAE: nil))
        XCTAssertThrowsError(try paths.loadPair(from: nil, to: .mnist)) { error in
            let text = "\(error)"
            XCTAssertTrue(error is FileError && text.contains("mnist-transport.safetensors: mismatch: expected a map trained on the VAE")
                          && text.contains("mnist-vae.safetensors (fingerprint \(other.fingerprint))")
                          && text.contains("found one trained on another VAE (fingerprint \(trainedOn.fingerprint))"), text)
        }
        try trainedOn.save(to: paths.vae(.mnist))
        XCTAssertNoThrow(try paths.loadPair(from: nil, to: .mnist))
    }

    /// The shipped maps record the shipped VAEs (added to their metadata, weights untouched).
    func testShippedMapsMatchTheShippedVAEs() throws {
        let shipped = CheckpointPaths(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("checkpoints"))
        for (source, target) in [(nil, DatasetName.mnist), (nil, .fashion), (DatasetName.fashion, .mnist)] {
            let pair = try shipped.loadPair(from: source, to: target)
            XCTAssertEqual(pair.file.metadata[CheckpointPaths.vaeFingerprintKey], pair.vae.fingerprint)
        }
    }
}
