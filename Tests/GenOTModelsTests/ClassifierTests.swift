import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

final class ClassifierTests: XCTestCase {
    func testLearnsTwoPatterns() {
        let classifier = Classifier(classCount: 2, seed: 1)
        let train = SyntheticImages.bars(count: 64, seed: 2), test = SyntheticImages.bars(count: 40, seed: 3)
        var adam = Adam(learningRate: 2e-3)
        for step in 0..<20 {
            let rows = Array((step * 16 % 64)..<(step * 16 % 64 + 16))
            let batch = train.images.gatherRows(rows)
            let loss = Losses.softmaxCrossEntropy(logits: classifier(batch), labels: rows.map { train.labels[$0] })
            let parameters = classifier.parameters
            adam.step(parameters, gradients: gradients(of: loss, wrt: parameters.map(\.tensor)))
        }
        let accuracy = classifier.accuracy(images: test.images, labels: test.labels, batchSize: 16)
        XCTAssertGreaterThanOrEqual(accuracy, 0.95)
        XCTAssertEqual(classifier.features(images: test.images).shape, [40, 128])
        XCTAssertEqual(classifier.logits(images: test.images.reshaped([40, 1, 28, 28])).shape, [40, 2])
        XCTAssertEqual(classifier.predict(images: test.images).count, 40)
    }

    func testSaveLoadRoundTrip() throws {
        let folder = try makeTemporaryFolder(self)
        let url = folder.appendingPathComponent("classifier.safetensors")
        let classifier = Classifier(classCount: 10, activation: .relu, seed: 4)
        try classifier.save(to: url)
        let loaded = try Classifier.load(from: url)
        XCTAssertEqual(loaded.activation, .relu)
        let images = SyntheticImages.bars(count: 4, seed: 5).images
        XCTAssertEqual(loaded.features(images: images).storage, classifier.features(images: images).storage)
        XCTAssertThrowsError(try VAE.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("classifier.safetensors") && "\(error)".contains("mismatch: expected a "), "\(error)")
        }
    }
}
