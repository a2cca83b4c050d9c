import Foundation
import GenOTModels
import GenOTTensor
@testable import GenOTTransport
import XCTest

/// Inputs that could trap or write NaN with exit 0: each is an error that
/// says what was expected and what was found.
final class HostileTransportTests: XCTestCase {
    /// A learning rate of 10³⁰ diverges within a few steps: the run stops
    /// there with the step and the likely cause, and nothing is written.
    func testADivergingRunStopsAndNamesTheStep() throws {
        var random = SeededRandom(seed: 1)
        var config = TransportTrainerTests.tinyConfig(steps: 50)
        config.learningRate = 1e30
        config.warmupSteps = 0
        let trainer = try TransportTrainer(problem: TransportProblem(source: .standardNormal(dimension: 2),
                                                                     target: .empirical(random.normal([200, 2], mean: 3, std: 1))),
                                           config: config)
        XCTAssertThrowsError(try trainer.train(progress: false, log: { _ in })) { error in
            XCTAssertEqual((error as? TrainingError)?.kind, .diverged, "\(error)")
            XCTAssertTrue("\(error)".contains("step \(trainer.stepIndex):") && "\(error)".contains("learning rate"), "\(error)")
        }
        XCTAssertLessThan(trainer.stepIndex, 50)
    }

    /// A constant target has no covariance for the Gaussian base to fit.
    func testTheGaussianBaseRefusesADegenerateTarget() throws {
        var random = SeededRandom(seed: 2)
        var config = TransportTrainerTests.tinyConfig(steps: 5)
        config.gaussianBase = true
        let constant = Tensor(shape: [100, 2], storage: [Float](repeating: 1, count: 200))
        let problem = TransportProblem(source: .empirical(random.normal([100, 2])), target: .empirical(constant))
        XCTAssertThrowsError(try TransportTrainer(problem: problem, config: config)) { error in
            XCTAssertTrue("\(error)".contains("gaussian_base (pair 0): expected source and target points that spread in all 2 directions"), "\(error)")
        }
        // A target on a line: A is singular up to rounding, so the base's (I + B)⁻¹ would overflow at t = 1.
        let t = random.normal([100, 1]).storage
        let line = Tensor(shape: [100, 3], storage: t.flatMap { [$0, 2 * $0, -$0] })
        let onALine = TransportProblem(source: .empirical(random.normal([100, 3])), target: .empirical(line))
        XCTAssertThrowsError(try TransportTrainer(problem: onALine, config: config)) { error in
            XCTAssertTrue("\(error)".contains("spread in all 3 directions"), "\(error)")
        }
        let two = TransportProblem(source: .empirical(random.normal([100, 3])), target: .empirical(random.normal([3, 3])))
        XCTAssertThrowsError(try TransportTrainer(problem: two, config: config)) { error in
            XCTAssertTrue("\(error)".contains("expected at least d + 1 = 4 of each"), "\(error)")
        }
    }
}
