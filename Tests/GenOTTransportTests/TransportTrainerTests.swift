import Foundation
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
@testable import GenOTTransport
import XCTest

final class TransportTrainerTests: XCTestCase {
    private var threads = 0

    // NOTE: small matrices; one BLAS thread is as fast, and far faster when
    // other work shares the cores.
    override func setUp() {
        threads = BLAS.threadCount
        BLAS.setThreadCount(1)
    }

    override func tearDown() { BLAS.setThreadCount(threads) }

    static func tinyConfig(steps: Int) -> TransportConfig {
        var config = TransportConfig()
        config.steps = steps
        config.width = 32
        config.depth = 2
        config.sourceBatch = 64
        config.targetBatch = 128
        config.collocationBatch = 64
        config.learningRate = 5e-3
        config.warmupSteps = 10
        config.seed = 3
        return config
    }

    /// Two classes, one network: μ = N(0, 1) for both, ν_0 = N(2, 0.5²),
    /// ν_1 = empirical points around −1.5. Each class's pushed samples land
    /// on their own target.
    func testClassConditionalTrainingSeparatesClasses() throws {
        var random = SeededRandom(seed: 11)
        let cloud = random.normal([400, 1], mean: -1.5, std: 0.8)
        let problem = TransportProblem(
            sources: [.standardNormal(dimension: 1), .standardNormal(dimension: 1)],
            targets: [.gaussian(mean: [2], factor: [0.5]), .empirical(cloud)])
        XCTAssertEqual(problem.codeClasses, 2)
        let trainer = try TransportTrainer(problem: problem, config: Self.tinyConfig(steps: 600))
        try trainer.train(progress: false, log: { _ in })
        XCTAssertEqual(trainer.potential.classes, 2)
        let z = random.normal([2000, 1])
        for (label, mean, std) in [(0, Float(2), Float(0.5)), (1, Float(-1.5), Float(0.8))] {
            let pushed = trainer.potential.forwardMap(z, class: label).storage
            let m = pushed.reduce(0, +) / Float(pushed.count)
            let s = (pushed.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(pushed.count)).squareRoot()
            XCTAssertEqual(m, mean, accuracy: 0.15, "class \(label) mean")
            XCTAssertEqual(s, std, accuracy: 0.15, "class \(label) std")
        }
    }

    /// Shards on two threads (`DataParallel`, as on a 2-core machine) and
    /// one shard give the same training, up to the order of the sums.
    func testShardedStepsMatchOneShard() throws {
        let problem = TransportProblem(source: .standardNormal(dimension: 2),
                                       target: .gaussian(mean: [1, -1], factor: [0.5, 0, 0.2, 0.8]))
        var config = Self.tinyConfig(steps: 5)
        config.gradientConsistency = 0.5
        config.symmetricWeight = 1
        func train(threads: Int) throws -> [Tensor] {
            BLAS.setThreadCount(threads)
            XCTAssertEqual(DataParallel.shardCount, threads)
            let trainer = try TransportTrainer(problem: problem, config: config)
            for _ in 0..<5 { trainer.step() }
            return trainer.potential.parameters.map(\.tensor)
        }
        let one = try train(threads: 1), two = try train(threads: 2)
        for (a, b) in zip(one, two) { assertClose(b, a, rtol: 1e-4, atol: 1e-5) }
    }

    /// With the symmetric term on, T⁻¹ carries ν back onto μ = N(0, 1).
    func testSymmetricTermPullsTargetsBackToTheSource() throws {
        let problem = TransportProblem(source: .standardNormal(dimension: 1), target: .gaussian(mean: [2], factor: [0.5]))
        var config = Self.tinyConfig(steps: 600)
        config.symmetricWeight = 1
        config.kernel = .defaultGaussian
        let trainer = try TransportTrainer(problem: problem, config: config)
        try trainer.train(progress: false, log: { _ in })
        var random = SeededRandom(seed: 4)
        let pulled = trainer.potential.inverseMap(random.normal([2000, 1], mean: 2, std: 0.5), class: nil).storage
        let m = pulled.reduce(0, +) / Float(pulled.count)
        let s = (pulled.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(pulled.count)).squareRoot()
        XCTAssertEqual(m, 0, accuracy: 0.15)
        XCTAssertEqual(s, 1, accuracy: 0.15)
        XCTAssertThrowsError(try { var bad = config; bad.symmetricWeight = -1; try bad.validate() }())
    }

    /// Training only some classes draws only their samplers.
    func testTrainsOnlyTheGivenClasses() throws {
        let touched = Touched()
        let watched = Sampler(dimension: 2) { n, random in touched.mark(); return random.normal([n, 2]) }
        let problem = TransportProblem(sources: [.standardNormal(dimension: 2), .standardNormal(dimension: 2)],
                                       targets: [.standardNormal(dimension: 2), watched])
        let trainer = try TransportTrainer(problem: problem, config: Self.tinyConfig(steps: 5), classes: [0])
        let drawsAtStart = touched.count   // the normalisation probes every pair once
        try trainer.train(progress: false, log: { _ in })
        XCTAssertEqual(touched.count, drawsAtStart)
        XCTAssertThrowsError(try TransportTrainer(problem: problem, config: Self.tinyConfig(steps: 5), classes: [2]))
    }

    func testCheckpointCarriesConfigAndLoadsBack() throws {
        let problem = TransportProblem(source: .standardNormal(dimension: 3), target: .gaussian(mean: [1, 0, 0], factor: [1, 0, 0, 0, 1, 0, 0, 0, 1]))
        var config = Self.tinyConfig(steps: 3)
        config.cost = .power(1.5)
        let trainer = try TransportTrainer(problem: problem, config: config)
        try trainer.train(progress: false, log: { _ in })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("genot-trainer-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try trainer.save(to: url)
        let file = try Safetensors.read(from: url)
        XCTAssertEqual(file.metadata["train.stepsDone"], "3")
        XCTAssertEqual(file.metadata["adam.step"], "3")
        XCTAssertEqual(file.metadata["config.cost"], "power:1.5")
        XCTAssertEqual(file.metadata["config.steps"], "3")
        XCTAssertNotNil(file.tensors["adam.m.u.layers.0.weight"])
        let loaded = try TransportPotential.load(from: file)
        var random = SeededRandom(seed: 1)
        let x = random.normal([5, 3])
        XCTAssertEqual(loaded.forwardMap(x).storage, trainer.potential.forwardMap(x).storage)
    }

    func testEmpiricalSamplerDrawsDistinctRows() {
        var random = SeededRandom(seed: 2)
        let points = Tensor(shape: [10, 1], storage: (0..<10).map(Float.init))
        let draw = Sampler.empirical(points).sample(10, using: &random)
        XCTAssertEqual(Set(draw.storage), Set((0..<10).map(Float.init)))
        XCTAssertEqual(Sampler.empirical(points).sample(25, using: &random).shape, [25, 1])
    }

    func testScheduleFactors() throws {
        let cosine = LearningRateSchedule.cosine(finalFactor: 0.1)
        XCTAssertEqual(cosine.factor(step: 0, total: 110, warmup: 10), 1 / 11, accuracy: 1e-6)
        XCTAssertEqual(cosine.factor(step: 10, total: 110, warmup: 10), 1, accuracy: 1e-6)
        XCTAssertEqual(cosine.factor(step: 60, total: 110, warmup: 10), 0.55, accuracy: 1e-6)
        XCTAssertEqual(LearningRateSchedule.step(every: 10, factor: 0.5).factor(step: 25, total: 100, warmup: 0), 0.25)
        XCTAssertEqual(try LearningRateSchedule(parsing: "step:100:0.5"), .step(every: 100, factor: 0.5))
        XCTAssertThrowsError(try LearningRateSchedule(parsing: "linear"))
    }
}

/// Counts calls from a sampler's closure (which must be Sendable).
final class Touched: @unchecked Sendable {
    private(set) var count = 0
    func mark() { count += 1 }
}
