import Foundation
import GenOTModels
import GenOTTensor
import GenOTTestSupport
@testable import GenOTTraining
import XCTest

final class ClassifierTrainingTests: XCTestCase {
    func testLearnsBarsAndWritesCheckpoint() throws {
        let folder = try makeTemporaryFolder(self)
        var config = ClassifierTrainingConfig(dataset: .fashion, output: folder.appendingPathComponent("c.safetensors"))
        config.epochs = 4
        config.batchSize = 16
        config.learningRate = 5e-3
        let report = try ClassifierTraining.run(config, train: TrainingFixtures.bars(count: 160, seed: 3),
                                                test: TrainingFixtures.bars(count: 40, seed: 4)) { _ in }
        XCTAssertGreaterThanOrEqual(report.testAccuracies.last!, 0.95, "\(report.testAccuracies)")
        let classifier = try Classifier.load(from: report.checkpoint)
        XCTAssertEqual(classifier.classCount, 10)
    }

    func testRandomShiftsMoveContentAndKeepShape() {
        var random = SeededRandom(seed: 1)
        let image = Tensor(shape: [1, 5, 5, 1], storage: (0..<25).map { Float($0 == 12 ? 1 : 0) })
        XCTAssertEqual(Augmentation.randomShifts(image, maxShift: 0, using: &random).storage, image.storage)
        var positions = Set<Int>()
        for _ in 0..<40 {
            let moved = Augmentation.randomShifts(image, maxShift: 1, using: &random)
            XCTAssertEqual(moved.shape, image.shape)
            XCTAssertEqual(moved.storage.reduce(0, +), 1)   // the centre pixel stays inside
            positions.insert(moved.storage.firstIndex(of: 1)!)
        }
        XCTAssertEqual(positions, [6, 7, 8, 11, 12, 13, 16, 17, 18])
    }
}
