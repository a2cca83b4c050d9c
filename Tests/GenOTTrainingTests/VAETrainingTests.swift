import Foundation
import GenOTFiles
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
@testable import GenOTTraining
import XCTest

final class VAETrainingTests: XCTestCase {
    let train = TrainingFixtures.bars(count: 48, seed: 1), test = TrainingFixtures.bars(count: 20, seed: 2)

    func config(_ folder: URL, epochs: Int, resume: Bool = false) -> VAETrainingConfig {
        var config = VAETrainingConfig(dataset: .mnist, output: folder.appendingPathComponent("vae.safetensors"))
        config.epochs = epochs
        config.latentDim = 3
        config.batchSize = 16
        config.seed = 5
        config.resume = resume
        return config
    }

    func testTrainsWritesCheckpointAndGridAndResumesExactly() throws {
        let straight = try makeTemporaryFolder(self), split = try makeTemporaryFolder(self)
        var lines: [String] = []
        let report = try VAETraining.run(config(straight, epochs: 2), train: train, test: test) { lines.append($0) }
        XCTAssertEqual(report.epochLosses.count, 2)
        XCTAssertLessThan(report.epochLosses[1], report.epochLosses[0])
        XCTAssertTrue(report.testBCE.isFinite && report.testBCE > 0 && report.testKL.isFinite && report.testKL >= 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: report.reconstructions.path))
        XCTAssertTrue(lines.contains("  latentDim = 3"), "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("test (20 images): BCE") }, "\(lines)")

        _ = try VAETraining.run(config(split, epochs: 1), train: train, test: test) { _ in }
        let resumed = try VAETraining.run(config(split, epochs: 2, resume: true), train: train, test: test) { _ in }
        XCTAssertEqual(resumed.epochLosses.count, 1)
        let a = try Safetensors.read(from: straight.appendingPathComponent("vae.safetensors"))
        let b = try Safetensors.read(from: split.appendingPathComponent("vae.safetensors"))
        XCTAssertEqual(a.names, b.names)
        XCTAssertTrue(a.names.contains { $0.hasPrefix("adam.m.") })
        for name in a.names { XCTAssertEqual(a.tensors[name]!.storage, b.tensors[name]!.storage, name) }
        XCTAssertEqual(a.metadata["train.epochsDone"], "2")
        XCTAssertEqual(a.metadata["config.latentDim"], "3")
        XCTAssertEqual(resumed.testBCE, report.testBCE)
        XCTAssertEqual(try VAE.load(from: straight.appendingPathComponent("vae.safetensors")).latentDim, 3)
    }

    func testResumeNeedsAMatchingCheckpoint() throws {
        let folder = try makeTemporaryFolder(self)
        XCTAssertThrowsError(try VAETraining.run(config(folder, epochs: 1, resume: true), train: train, test: test) { _ in }) { error in
            XCTAssertEqual((error as? FileError)?.kind, .missing)
            XCTAssertTrue("\(error)".contains("vae.safetensors"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("vae.safetensors").path))
        _ = try VAETraining.run(config(folder, epochs: 1), train: train, test: test) { _ in }
        var other = config(folder, epochs: 2, resume: true)
        other.batchSize = 8
        XCTAssertThrowsError(try VAETraining.run(other, train: train, test: test) { _ in }) { error in
            XCTAssertEqual((error as? FileError)?.kind, .mismatch)
            XCTAssertTrue("\(error)".contains("batchSize 16 → 8"), "\(error)")
        }
        other = config(folder, epochs: 2, resume: true)
        other.latentDim = 4
        XCTAssertThrowsError(try VAETraining.run(other, train: train, test: test) { _ in }) { error in
            XCTAssertEqual((error as? FileError)?.kind, .mismatch)
        }
    }

    func testInvalidSettingsAreRejected() {
        var bad = VAETrainingConfig()
        bad.epochs = 0
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("epochs"), "\($0)") }
    }
}
