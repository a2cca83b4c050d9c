import Foundation
import GenOTModels
import GenOTTensor
@testable import GenOTTransport
import XCTest

/// The penalty on non-monotone nearby pairs: zero where T stretches along
/// the probe direction, the squared negative slope where it folds.
final class MonotonePenaltyTests: XCTestCase {
    /// One row in d = 2, probe v = (1, 0) at h = 0.5 (slopes v / h = (2, 0)).
    func penalty(velocity: [Float], moved: [Float]) -> Float {
        TransportTrainer.monotonePenalty(velocity: Tensor(shape: [1, 2], storage: velocity),
                                         movedVelocity: Tensor(shape: [1, 2], storage: moved),
                                         slopes: Tensor(shape: [1, 2], storage: [2, 0]), finalTime: 1).scalarValue
    }

    func testZeroWhereTheMapStretchesOrShrinksWithoutFolding() {
        XCTAssertEqual(penalty(velocity: [0, 0], moved: [0, 0]), 0)          // identity: slope 1
        XCTAssertEqual(penalty(velocity: [0, 0], moved: [-0.4, 3]), 0)       // slope 1 − 0.8 = 0.2; v ⟂ the second axis
    }

    func testSquaredNegativeSlopeWhereTheMapFolds() {
        // Slope 1 + (−0.75)·2 = −0.5 along v: penalty 0.25.
        XCTAssertEqual(penalty(velocity: [0.25, 0], moved: [-0.5, 0]), 0.25, accuracy: 1e-6)
    }

    /// With a margin m the penalty is relu(m − slope)²: a slope below m
    /// costs, a slope above it does not, and m = 0 is the plain penalty.
    func testMarginAsksForAPositiveSlope() {
        func penalty(moved: Float, margin: Float) -> Float {
            TransportTrainer.monotonePenalty(velocity: Tensor(shape: [1, 2], storage: [0, 0]),
                                             movedVelocity: Tensor(shape: [1, 2], storage: [moved, 0]),
                                             slopes: Tensor(shape: [1, 2], storage: [2, 0]), finalTime: 1, margin: margin).scalarValue
        }
        // moved −0.45: slope 1 − 0.9 = 0.1.
        XCTAssertEqual(penalty(moved: -0.45, margin: 0), 0)
        XCTAssertEqual(penalty(moved: -0.45, margin: 0.3), 0.04, accuracy: 1e-6)
        XCTAssertEqual(penalty(moved: -0.3, margin: 0.3), 0, accuracy: 1e-7)   // slope 0.4 > m
        XCTAssertEqual(penalty(moved: -0.75, margin: 0.2), 0.49, accuracy: 1e-6)   // slope −0.5
    }

    /// A run with the penalty trains, and a file written before the field
    /// existed still resumes (a missing field counts as its default).
    func testTrainsAndOldConfigsStillMatch() throws {
        var config = TransportTrainerTests.tinyConfig(steps: 20)
        config.monotoneWeight = 1
        let problem = TransportProblem(source: .standardNormal(dimension: 3), target: .standardNormal(dimension: 3))
        let trainer = try TransportTrainer(problem: problem, config: config)
        let summary = try trainer.train(progress: false, log: { _ in })
        XCTAssertTrue(summary.hjLoss.isFinite)

        var old = TrainingCheckpoint.configMetadata(TransportConfig().fields)
        old["config.monotone_weight"] = nil
        let defaults = TransportConfig().fields
        XCTAssertEqual(TrainingCheckpoint.differingFields(old, asked: TransportConfig().fields, defaults: defaults), [])
        XCTAssertEqual(TrainingCheckpoint.differingFields(old, asked: { var c = TransportConfig(); c.monotoneWeight = 1; return c }().fields,
                                                          defaults: defaults),
                       ["monotone_weight 0.0 → 1.0"])
    }
}
