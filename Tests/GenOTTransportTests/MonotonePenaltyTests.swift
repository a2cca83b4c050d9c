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

    /// Probes aimed at preimages: a row whose image T(x0) has another
    /// preimage x̂ (as the refined inverse finds it) gets the probe x̂ − x0
    /// with slope row (x̂ − x0)/h², the others keep their random probe; the
    /// rows may span classes. A run with the option trains.
    func testProbesAimAtSecondPreimages() throws {
        var config = TransportTrainerTests.tinyConfig(steps: 30)
        config.monotoneWeight = 30
        config.monotoneMargin = 0.2
        config.monotonePreimages = true
        config.dualRefinements = 8
        let problem = TransportProblem(sources: [.standardNormal(dimension: 2), .standardNormal(dimension: 2)],
                                       targets: [.gaussian(mean: [2, 0], factor: [0.3, 0, 0, 0.3]),
                                                 .gaussian(mean: [0, -1], factor: [0.5, 0.2, 0, 0.5])])
        let trainer = try TransportTrainer(problem: problem, config: config)
        let summary = try trainer.train(progress: false, log: { _ in })
        XCTAssertTrue(summary.hjLoss.isFinite)

        // A map far from monotone: the network's output scaled up folds it.
        for (name, tensor) in trainer.potential.parameters where name.hasPrefix("u.") {
            tensor.storage = tensor.storage.map { $0 * 2 }
        }
        // Rows 40..<90 of two classes of 64 rows: the shard crosses the class boundary.
        var random = SeededRandom(seed: 11)
        let x0 = random.normal([50, 2]).scaled(by: 2)
        let offsets = random.normal([50, 2]), slopes = random.normal([50, 2])
        let aimed = trainer.aimedAtPreimages(x0, rows: 40..<90, classes: [1, 0], offsets: offsets, slopes: slopes)
        var moved = 0
        for (k, c) in [1, 0].enumerated() {
            let low = Swift.max(40, k * 64) - 40, high = Swift.min(90, (k + 1) * 64) - 40
            let points = x0.slice(axis: 0, start: low, length: high - low)
            let images = trainer.potential.forwardMap(atNormalized: points, labels: Array(repeating: c, count: high - low))
            let found = trainer.potential.preimages(ofNormalized: images, class: c, refinements: 8).points
            for i in 0..<(high - low) {
                let row = low + i
                let step = (0..<2).map { found.storage[i * 2 + $0] - points.storage[i * 2 + $0] }
                let h2 = step.reduce(0) { $0 + $1 * $1 }
                for j in 0..<2 {
                    if h2.squareRoot() > 1e-3 {
                        XCTAssertEqual(aimed.offsets.storage[row * 2 + j], step[j], accuracy: 1e-6)
                        XCTAssertEqual(aimed.slopes.storage[row * 2 + j], step[j] / h2, accuracy: 1e-4 * abs(step[j] / h2) + 1e-6)
                    } else {
                        XCTAssertEqual(aimed.offsets.storage[row * 2 + j], offsets.storage[row * 2 + j])
                        XCTAssertEqual(aimed.slopes.storage[row * 2 + j], slopes.storage[row * 2 + j])
                    }
                }
                if h2.squareRoot() > 1e-3 { moved += 1 }
            }
        }
        XCTAssertGreaterThan(moved, 0)
        XCTAssertLessThan(moved, 50)
    }

    /// The margin is a slope in [0, 1); aimed probes need the penalty on.
    func testMonotoneSettingsAreValidated() throws {
        var config = TransportConfig()
        config.monotoneWeight = 1
        config.monotoneMargin = 1
        XCTAssertThrowsError(try config.validate())
        config.monotoneMargin = .nan
        XCTAssertThrowsError(try config.validate())
        config.monotoneMargin = 0.2
        config.monotonePreimages = true
        XCTAssertNoThrow(try config.validate())
        config.monotoneWeight = 0
        XCTAssertThrowsError(try config.validate())
        config.monotonePreimages = false
        XCTAssertNoThrow(try config.validate())   // a margin with the penalty off does nothing, e.g. `toy --monotone 0`
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
