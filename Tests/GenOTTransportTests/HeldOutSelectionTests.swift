import Foundation
import GenOTApps
import GenOTModels
import GenOTTensor
import GenOTTestSupport
@testable import GenOTTransport
import XCTest

/// Choosing the parameters on held-out points: the dual objective ranks a
/// map above a perturbed copy, and the selection puts the best back.
final class HeldOutSelectionTests: XCTestCase {
    /// Gaussian sets in d = 3 whose OT map is linear, so the untrained map
    /// (the Gaussian base, u_θ = 0) is already close to the optimum.
    func trainer(points: Int = 2000) throws -> TransportTrainer {
        var random = SeededRandom(seed: 3)
        let source = random.normal([points, 3])
        let scales: [Float] = [2, 0.5, 1]
        let target = Tensor(shape: [points, 3], storage: random.normal([points, 3]).storage.enumerated().map { $1 * scales[$0 % 3] + 1 })
        var config = TransportPreset.pointCloud
        config.width = 16
        config.depth = 2
        // The MLP's u(·, 0) over the base: zeroed output layer, exact Gaussian map.
        config.convexWidth = 0
        return try PointCloudTransport.trainer(source: source, target: target, config: config)
    }

    func testTheUntrainedGaussianBaseStartsAsTheExactGaussianMap() throws {
        let trainer = try trainer()
        XCTAssertTrue(trainer.potential.parameters.last!.tensor.storage.allSatisfy { $0 == 0 }, "output layer zeroed")
        var random = SeededRandom(seed: 9)
        let x = random.normal([5, 3]), t = random.uniform([5, 1])
        let potential = trainer.potential
        let u = withoutGradient { potential(x, time: t, code: potential.classCode(Array(repeating: 0, count: 5))) }
        assertClose(u, withoutGradient { potential.gaussianBase![0](x, t) })
    }

    func testDualObjectiveRanksTheBaseAbovePerturbedParametersAndTheBestComesBack() throws {
        let trainer = try trainer()
        let heldOut = try XCTUnwrap(trainer.heldOut, "2000 points hold out 200 per side")
        XCTAssertEqual(heldOut.sources[0].shape[0], 200)
        var selection = ParameterSelection(heldOut: heldOut, potential: trainer.potential, step: 0)
        let original = trainer.potential.parameters.map(\.tensor.storage)
        var random = SeededRandom(seed: 4)
        for parameter in trainer.potential.parameters {
            parameter.tensor.storage = parameter.tensor.storage.map { $0 + 0.3 * random.nextNormal() }
        }
        selection.consider(trainer.potential, step: 10)
        XCTAssertEqual(selection.kept.step, 0, "a perturbed map has a clearly lower held-out dual objective")
        let line = selection.restoreBest(into: trainer.potential, lastStep: 10)
        XCTAssertTrue(line.contains("kept step 0"), line)
        XCTAssertEqual(trainer.potential.parameters.map(\.tensor.storage), original)
    }

    /// Parameters whose J differs from the highest by less than the noise of
    /// the paired difference are kept over earlier ones: the later step wins.
    func testChangesWithinTheNoiseKeepTheLaterStep() throws {
        let trainer = try trainer()
        let heldOut = try XCTUnwrap(trainer.heldOut)
        let before = heldOut.terms(of: trainer.potential)
        var selection = ParameterSelection(heldOut: heldOut, potential: trainer.potential, step: 0)
        // u_θ's output layer starts at zero, so a first-layer weight leaves J
        // (almost) where it was: a tie, which goes to the later step.
        let weight = trainer.potential.parameters[0].tensor
        weight.storage[0] += 1e-3
        let after = heldOut.terms(of: trainer.potential)
        XCTAssertLessThan(abs(after.value - before.value), 2 * before.standardError(of: after) + 1e-9)
        selection.consider(trainer.potential, step: 10)
        XCTAssertEqual(selection.kept.step, 10)
        XCTAssertTrue(selection.restoreBest(into: trainer.potential, lastStep: 10).contains("kept the last step"))
    }

    func testSmallSetsHoldNothingOut() throws {
        XCTAssertNil(try trainer(points: 300).heldOut, "10% of 300 is below the 64 points needed to rank steps")
    }
}
