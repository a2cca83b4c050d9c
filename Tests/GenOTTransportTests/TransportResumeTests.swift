import Foundation
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
@testable import GenOTTransport
import XCTest

/// `train-transport --resume`: a run saved mid-way and resumed ends where the
/// uninterrupted run ends, to the bit; a checkpoint that cannot continue the
/// run asked for is refused with the reason.
final class TransportResumeTests: XCTestCase {
    private var threads = 0
    override func setUp() { threads = BLAS.threadCount; BLAS.setThreadCount(1) }
    override func tearDown() { BLAS.setThreadCount(threads) }

    /// Three classes (so the class cycle matters), empirical targets (so the
    /// y–y term runs), the Gaussian base and a cosine schedule.
    func problem() -> TransportProblem {
        var random = SeededRandom(seed: 21)
        let targets = [random.normal([300, 2], mean: 1), random.normal([300, 2], mean: -1, std: 0.5), random.normal([300, 2], std: 2)]
        return TransportProblem(sources: Array(repeating: .standardNormal(dimension: 2), count: 3), targets: targets.map(Sampler.empirical))
    }

    func config() -> TransportConfig {
        var config = TransportTrainerTests.tinyConfig(steps: 14)
        config.kernel = .gaussian(multipliers: [0.5, 1])
        config.gaussianBase = true
        config.classesPerStep = 2
        return config
    }

    func scratchFile() throws -> URL {
        try makeTemporaryFolder(self).appendingPathComponent("map.safetensors")
    }

    func testResumedRunEndsBitForBitWhereTheWholeRunEnds() throws {
        try checkResumeEndsBitForBit(config())
    }

    /// The same with a convex forward potential ψ and the dual term (its
    /// preimages and ψ's parameters and moments go through the checkpoint).
    func testConvexRunResumesBitForBit() throws {
        var convex = config()
        convex.convexWidth = 6
        convex.convexDepth = 2
        convex.dualWeight = 1
        convex.dualRefinements = 3
        try checkResumeEndsBitForBit(convex)
    }

    func checkResumeEndsBitForBit(_ config: TransportConfig) throws {
        let whole = try TransportTrainer(problem: problem(), config: config)
        try whole.train(progress: false, log: { _ in })

        let url = try scratchFile()
        let first = try TransportTrainer(problem: problem(), config: config)
        var saves: [Int] = []
        // The first run's last save (step 10) stands for an interrupted run.
        // 2 classes a step out of 3: the class cycle is mid-way at steps 10 and 7.
        while first.stepIndex < 4 { first.step() }
        try first.train(progress: false, checkpointEvery: 5, checkpoint: {
            saves.append(first.stepIndex)
            try! first.save(to: url)
        }, log: { _ in })
        XCTAssertEqual(saves, [5, 10], "saves every 5 steps, not after the last")
        // The shared checkpoint schema: config fields, progress and Adam's count.
        let saved = try Safetensors.read(from: url).metadata
        XCTAssertEqual(saved["config.steps"], "\(config.steps)")
        XCTAssertEqual(saved["config.convex_width"], "\(config.convexWidth)")
        XCTAssertEqual(saved[TrainingCheckpoint.stepsDoneKey], "10")
        XCTAssertEqual(saved[TrainingCheckpoint.adamStepKey], "10")
        XCTAssertNil(saved["config"] ?? saved["step"] ?? saved["adam_step"], "no key of the earlier transport form")
        let resumed = try TransportTrainer.resume(problem: problem(), config: config, from: try Safetensors.read(from: url))
        XCTAssertEqual(resumed.stepIndex, 10)
        let summary = try resumed.train(progress: false, log: { _ in })
        XCTAssertEqual(summary.steps, 4, "only the remaining steps run")
        assertSameParameters(whole, resumed)

        let early = try TransportTrainer(problem: problem(), config: config)
        for _ in 0..<7 { early.step() }
        try early.save(to: url)
        let fromSeven = try TransportTrainer.resume(problem: problem(), config: config, from: try Safetensors.read(from: url))
        try fromSeven.train(progress: false, log: { _ in })
        assertSameParameters(whole, fromSeven)
    }

    func assertSameParameters(_ a: TransportTrainer, _ b: TransportTrainer, file: StaticString = #filePath, line: UInt = #line) {
        for ((name, x), (_, y)) in zip(a.potential.parameters, b.potential.parameters) {
            XCTAssertEqual(x.storage, y.storage, name, file: file, line: line)
        }
    }

    /// A partial run saved in the transport's earlier form (the config as one
    /// JSON object under `config`, the counters as `step` and `adam_step`)
    /// still resumes, bit for bit.
    func testARunSavedInTheEarlierFormStillResumesBitForBit() throws {
        let config = config()
        let whole = try TransportTrainer(problem: problem(), config: config)
        try whole.train(progress: false, log: { _ in })

        let url = try scratchFile()
        let first = try TransportTrainer(problem: problem(), config: config)
        for _ in 0..<10 { first.step() }
        try first.save(to: url)
        let file = try Safetensors.read(from: url)
        var metadata = file.metadata.filter { !$0.key.hasPrefix("config.") }
        let object = Dictionary(uniqueKeysWithValues: config.fields.map { ($0.name, $0.value) })
        metadata["config"] = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        metadata["step"] = metadata.removeValue(forKey: TrainingCheckpoint.stepsDoneKey)
        metadata["adam_step"] = metadata.removeValue(forKey: TrainingCheckpoint.adamStepKey)
        try file.write(to: url, keeping: { _ in true }, metadata: metadata)

        let resumed = try TransportTrainer.resume(problem: problem(), config: config, from: try Safetensors.read(from: url))
        XCTAssertEqual(resumed.stepIndex, 10)
        XCTAssertEqual(resumed.optimizer.stepCount, 10)
        try resumed.train(progress: false, log: { _ in })
        assertSameParameters(whole, resumed)
        var other = config
        other.lambda = 3
        XCTAssertThrowsError(try TransportTrainer.resume(problem: problem(), config: other, from: try Safetensors.read(from: url))) { error in
            XCTAssertTrue("\(error)".contains("lambda 1.0 → 3.0"), "\(error)")
        }
    }

    func testCheckpointsThatCannotContinueTheRunAreRefused() throws {
        let url = try scratchFile()
        let trainer = try TransportTrainer(problem: problem(), config: config())
        for _ in 0..<3 { trainer.step() }
        try trainer.save(to: url)
        var other = config()
        other.steps = 20
        other.lambda = 3
        XCTAssertThrowsError(try TransportTrainer.resume(problem: problem(), config: other, from: try Safetensors.read(from: url))) { error in
            XCTAssertTrue("\(error)".contains("steps 14 → 20") && "\(error)".contains("lambda 1.0 → 3.0"), "\(error)")
        }
        let file = try Safetensors.read(from: url)
        var metadata = file.metadata
        metadata["stripped"] = "weights only"
        try file.write(to: url, keeping: { !$0.hasPrefix("adam.") && !$0.hasPrefix(TransportTrainer.resumeTensorPrefix) }, metadata: metadata)
        XCTAssertThrowsError(try TransportTrainer.resume(problem: problem(), config: config(), from: try Safetensors.read(from: url))) { error in
            XCTAssertTrue("\(error)".contains("stripped"), "\(error)")
        }
    }
}
