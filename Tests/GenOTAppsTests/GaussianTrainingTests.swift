import Foundation
import GenOTApps
import GenOTModels
import GenOTTensor
import GenOTTransport
import XCTest

/// A short deterministic training run on a 2-D Gaussian pair, scored against
/// the closed-form map (UVP) and for forward-then-inverse consistency.
final class GaussianTrainingTests: XCTestCase {
    private var threads = 0

    // NOTE: small matrices; one BLAS thread is as fast, and far faster when
    // other work shares the cores (waiting threads then stall every GEMM).
    override func setUp() {
        threads = BLAS.threadCount
        BLAS.setThreadCount(1)
    }

    override func tearDown() { BLAS.setThreadCount(threads) }

    static func smallConfig() -> TransportConfig {
        var config = TransportConfig()
        config.steps = 500
        config.width = 64
        config.depth = 3
        config.sourceBatch = 128
        config.targetBatch = 256
        config.collocationBatch = 128
        config.learningRate = 3e-3
        config.warmupSteps = 20
        config.seed = 1
        return config
    }

    func testShortTrainingReachesLowUVPAndInvertsItself() throws {
        let ot = try GaussianOT.random(dimension: 2, seed: 7)
        let trainer = try TransportTrainer(problem: TransportProblem(source: ot.sourceSampler, target: ot.targetSampler),
                                           config: Self.smallConfig())
        let start = Date()
        let summary = try trainer.train(progress: false, log: { _ in })
        let score = GaussianBenchmark.score(trainer.potential, against: ot, count: 4096, seed: 3)
        print(String(format: "2-D Gaussian, %d steps in %.1f s: UVP %.3f%%, inverse UVP %.3f%%, inverse consistency %.2e, L_HJ %.2e, L_MMD %.2e",
                     summary.steps, Date().timeIntervalSince(start), score.uvp, score.inverseUVP, score.inverseConsistency,
                     summary.hjLoss, summary.mmdLoss))
        XCTAssertLessThan(score.uvp, 2, "UVP %")
        XCTAssertLessThan(score.inverseUVP, 2, "inverse UVP %")
        XCTAssertLessThan(score.inverseConsistency, 3e-2, "E‖T⁻¹(T(x)) − x‖²/d")

        // Deterministic: the same seed gives the same map.
        let again = try TransportTrainer(problem: TransportProblem(source: ot.sourceSampler, target: ot.targetSampler),
                                         config: { var c = Self.smallConfig(); c.steps = 5; return c }())
        let other = try TransportTrainer(problem: TransportProblem(source: ot.sourceSampler, target: ot.targetSampler),
                                         config: { var c = Self.smallConfig(); c.steps = 5; return c }())
        try again.train(progress: false, log: { _ in })
        try other.train(progress: false, log: { _ in })
        var random = SeededRandom(seed: 0)
        let x = random.normal([8, 2])
        XCTAssertEqual(again.potential.forwardMap(x).storage, other.potential.forwardMap(x).storage)
    }
}
