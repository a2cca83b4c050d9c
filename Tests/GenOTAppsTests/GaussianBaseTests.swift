import Foundation
import GenOTApps
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import GenOTTransport
import XCTest

/// The Gaussian base: before any training the map is the Gaussian OT map of
/// each pair, the sum u_Gauss + u_θ is what the HJ loss and the maps see, and
/// it survives a checkpoint round trip.
final class GaussianBaseTests: XCTestCase {
    func problem() throws -> (TransportProblem, [GaussianOTMap]) {
        var random = SeededRandom(seed: 3)
        // Two classes with different anisotropic targets in d = 3.
        let factors: [[Float]] = [[1.5, 0.3, 0, 0, 0.8, 0, 0.2, 0, 0.5], [0.4, 0, 0, 0.6, 1.2, 0, 0, 0, 2]]
        let targets = factors.enumerated().map { c, f in
            let mean: [Float] = [Float(c) * 3, -1, 2]
            let z = random.normal([4000, 3])
            return z.matmul(Tensor(shape: [3, 3], storage: f), transposeOther: true) + Tensor(shape: [3], storage: mean)
        }
        let maps = try targets.map { try GaussianOTMap(from: .standard(3), to: Gaussian(fitting: $0)) }
        return (LatentTransport.problem(targets: targets), maps)
    }

    func testUntrainedMapIsTheGaussianMap() throws {
        let (problem, maps) = try problem()
        var config = TransportConfig()
        config.gaussianBase = true
        config.width = 16
        config.depth = 2
        let trainer = try TransportTrainer(problem: problem, config: config)
        var random = SeededRandom(seed: 4)
        let x = random.normal([200, 3])
        for c in 0..<2 {
            // The small random network adds a little; the base does the rest.
            let mapped = trainer.potential.forwardMap(x, class: c), exact = maps[c].apply(x)
            let error = (mapped - exact).square().mean().scalarValue
            let spread = (exact - exact.mean(axis: 0, keepDims: true)).square().mean().scalarValue
            XCTAssertLessThan(error / spread, 0.02, "class \(c): untrained map far from the Gaussian map")
            // The inverse undoes it up to the untrained network's part, which is
            // no HJ solution (a wrong base inverse would miss by the spread, ~1).
            assertClose(trainer.potential.inverseMap(mapped, class: c), x, rtol: 0, atol: 0.15)
        }
    }

    func testCheckpointKeepsTheBase() throws {
        let (problem, _) = try problem()
        var config = TransportConfig()
        config.gaussianBase = true
        config.width = 8
        config.depth = 1
        config.steps = 3
        let trainer = try TransportTrainer(problem: problem, config: config)
        try trainer.train(progress: false)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("base-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try trainer.save(to: url)
        let loaded = try TransportPotential.load(from: url)
        XCTAssertNotNil(loaded.gaussianBase)
        var random = SeededRandom(seed: 5)
        let x = random.normal([10, 3])
        assertClose(loaded.forwardMap(x, class: 1), trainer.potential.forwardMap(x, class: 1), rtol: 1e-5, atol: 1e-5)
    }

    func testRefusedForOtherCosts() throws {
        var config = TransportConfig()
        config.gaussianBase = true
        config.cost = try Cost(parsing: "power:3")
        XCTAssertThrowsError(try config.validate())
    }
}
