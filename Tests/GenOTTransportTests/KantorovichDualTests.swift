import Foundation
import GenOTModels
import GenOTTensor
@testable import GenOTTransport
import XCTest

/// The dual term against a known map: in 1-d, T*(x) = x + 2·tanh(2x) is the
/// gradient of the convex x²/2 + log cosh(2x), so it is the OT map from
/// N(0, 1) to its push-forward (a two-humped law).
final class KantorovichDualTests: XCTestCase {
    static func exact(_ x: Float) -> Float { x + 2 * tanh(2 * x) }

    let problem = TransportProblem(
        source: .standardNormal(dimension: 1),
        target: Sampler(dimension: 1) { n, random in
            let x = random.normal([n, 1])
            return Tensor(shape: [n, 1], storage: x.storage.map(KantorovichDualTests.exact))
        })

    func config(dual: Float) -> TransportConfig {
        var config = TransportPreset.pointCloud
        config.steps = 400
        config.width = 32
        config.depth = 2
        config.sourceBatch = 128
        config.targetBatch = 128
        config.collocationBatch = 64
        config.learningRate = 3e-3
        config.warmupSteps = 10
        config.dualWeight = dual
        config.seed = 5
        return config
    }

    /// 100·E(T̂(x) − T*(x))² / Var ν on fresh x.
    func uvp(_ potential: TransportPotential) -> Float {
        var random = SeededRandom(seed: 11)
        let x = random.normal([4000, 1])
        let exact = x.storage.map(Self.exact)
        let mapped = potential.forwardMap(x).storage
        let mean = exact.reduce(0, +) / Float(exact.count)
        let variance = exact.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(exact.count)
        let error = zip(mapped, exact).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Float(exact.count)
        return 100 * error / variance
    }

    /// Without the dual term (and without the MMD) the map stays the Gaussian
    /// base's linear map; with it the error falls well below the linear map's.
    func testDualTermLearnsTheNonlinearMap() throws {
        let linear = try TransportTrainer(problem: problem, config: config(dual: 0))
        try linear.train(progress: false, log: { _ in })
        let dual = try TransportTrainer(problem: problem, config: config(dual: 1))
        try dual.train(progress: false, log: { _ in })
        let linearUVP = uvp(linear.potential), dualUVP = uvp(dual.potential)
        XCTAssertGreaterThan(linearUVP, 3, "the linear map cannot follow T*")
        XCTAssertLessThan(dualUVP, linearUVP / 4, "dual \(dualUVP)% against linear \(linearUVP)%")
        // The refined inverse undoes the learned forward map.
        var random = SeededRandom(seed: 12)
        let x = random.normal([500, 1])
        let back = dual.potential.inverseMap(dual.potential.forwardMap(x))
        let gap = zip(back.storage, x.storage).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / 500
        XCTAssertLessThan(gap, 1e-6)
    }

    func testDualSettingsAreValidated() {
        var bad = config(dual: -1)
        XCTAssertThrowsError(try bad.validate())
        bad = config(dual: 1)
        bad.dualRefinements = 65
        XCTAssertThrowsError(try bad.validate())
    }
}
