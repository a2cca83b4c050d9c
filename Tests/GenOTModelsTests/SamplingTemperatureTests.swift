import Foundation
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

final class SamplingTemperatureTests: XCTestCase {
    /// A map without the key samples at 1; storing a value keeps every tensor
    /// and the other metadata, and reads back; a bad value is an error naming the key.
    func testStoredTemperatureRoundTripsAndLeavesTheMapAlone() throws {
        let url = try makeTemporaryFolder(self).appendingPathComponent("map.safetensors")
        var random = SeededRandom(seed: 3)
        try TransportPotential(dimension: 4, classes: 10, width: 8, depth: 1, using: &random)
            .save(to: url, extraMetadata: ["config.steps": "7"])
        XCTAssertEqual(try SamplingTemperature.stored(in: url), 1)
        let before = try Safetensors.read(from: url)

        try SamplingTemperature.store(0.85, provenance: "chosen in a test", in: url)
        XCTAssertEqual(try SamplingTemperature.stored(in: url), 0.85)
        let after = try Safetensors.read(from: url)
        XCTAssertEqual(after.names, before.names)
        for name in before.names { XCTAssertEqual(after.tensors[name]!.storage, before.tensors[name]!.storage, name) }
        XCTAssertEqual(after.metadata["config.steps"], "7")
        XCTAssertEqual(after.metadata[SamplingTemperature.provenanceKey], "chosen in a test")
        XCTAssertNoThrow(try TransportPotential.load(from: url))

        var metadata = after.metadata
        metadata[SamplingTemperature.metadataKey] = "-2"
        try after.write(to: url, metadata: metadata)
        XCTAssertThrowsError(try SamplingTemperature.stored(in: url)) { error in
            XCTAssertTrue("\(error)".contains(SamplingTemperature.metadataKey) && "\(error)".contains("-2"), "\(error)")
        }
    }

    /// At temperature T the same seed gives mean + T·(the T = 1 draw − mean).
    func testGaussianSampleAtATemperatureShrinksAboutTheMean() throws {
        let gaussian = Gaussian(mean: [1, -2], covariance: [2, 0.5, 0.5, 1])
        var a = SeededRandom(seed: 5), b = SeededRandom(seed: 5)
        let one = try gaussian.sample(50, using: &a), cooled = try gaussian.sample(50, temperature: 0.5, using: &b)
        for i in 0..<50 { for j in 0..<2 {
            let mean = Float(gaussian.mean[j])
            XCTAssertEqual(cooled.storage[i * 2 + j] - mean, 0.5 * (one.storage[i * 2 + j] - mean), accuracy: 1e-5)
        } }
    }
}
