import Foundation
import GenOTApps
import GenOTData
import GenOTMetrics
import GenOTModels
import GenOTNN
import GenOTTensor
import XCTest

/// `calibrate` then `evaluate` end to end on a tiny made-up dataset with
/// untrained models: the plumbing of temperatures, seeds and reports (the
/// scores themselves mean nothing here).
final class CalibrationAndEvaluationTests: XCTestCase {
    var folder: URL!
    var paths: CheckpointPaths { CheckpointPaths(directory: folder.appendingPathComponent("checkpoints")) }
    var dataDirectory: URL { folder.appendingPathComponent("data") }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("genot-evaluation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: paths.directory, withIntermediateDirectories: true)
        try writeDataset(split: .train, perClass: 17, seed: 1)   // d + 1 per class for the Gaussian baseline
        try writeDataset(split: .test, perClass: 12, seed: 2)
        var random = SeededRandom(seed: 4)
        try VAE(latentDim: 16, seed: 1).save(to: paths.vae(.mnist))
        try Classifier(seed: 2).save(to: paths.classifier(.mnist))
        let potential = TransportPotential(dimension: 16, classes: 10, width: 8, depth: 1, using: &random)
        for (_, tensor) in potential.parameters { tensor.storage = tensor.storage.map { $0 * 3 } }
        try potential.save(to: paths.transport(from: nil, to: .mnist))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// Class c: a blob at a place that depends on c, plus noise.
    func writeDataset(split: DatasetSplit, perClass: Int, seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let count = 10 * perClass
        var pixels = [UInt8](repeating: 0, count: count * 784), labels = [UInt8]()
        for n in 0..<count {
            let c = n % 10
            labels.append(UInt8(c))
            for i in 0..<28 { for j in 0..<28 {
                let near = abs(i - 4 - 2 * c) < 4 && abs(j - 22 + 2 * c) < 4
                pixels[n * 784 + i * 28 + j] = UInt8(near ? 230 : Int(40 * random.nextUniform()))
            } }
        }
        let (imagesURL, labelsURL) = Datasets.files(.mnist, split: split, dataDir: dataDirectory)
        try FileManager.default.createDirectory(at: imagesURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try IDX.write(IDXArray(dimensions: [count, 28, 28], bytes: pixels), to: imagesURL)
        try IDX.write(IDXArray(dimensions: [count], bytes: labels), to: labelsURL)
    }

    func evaluate(temperature: Float?) throws -> Evaluation.Metrics {
        try Evaluation.run(.init(dataset: .mnist, perClass: 10, output: folder.appendingPathComponent("report"), checkpoints: paths,
                                 dataDirectory: dataDirectory, seed: 0, temperature: temperature), log: { _ in })
    }

    /// calibrate picks the grid's lowest FID and stores it; evaluate then uses
    /// it by default, and reports the T = 1 rows too, equal to a run at T = 1.
    func testCalibrationIsStoredAndEvaluationReportsBothTemperatures() throws {
        let result = try TemperatureCalibration.run(.init(dataset: .mnist, temperatures: [0.5, 1, 2], perClass: 6, referenceCount: 60,
                                                          checkpoints: paths, dataDirectory: dataDirectory), log: { _ in })
        XCTAssertEqual(result.rows.map(\.temperature), [0.5, 1, 2])
        XCTAssertEqual(result.best, result.rows.min { $0.scores.fid < $1.scores.fid }!.temperature)
        XCTAssertNotEqual(result.rows[0].scores.fid, result.rows[2].scores.fid, "the temperature changes the samples")
        try SamplingTemperature.store(result.best, provenance: result.provenance, in: paths.transport(from: nil, to: .mnist))

        let stored = try evaluate(temperature: nil)
        XCTAssertEqual(stored.temperature, result.best)
        let atOne = try evaluate(temperature: 1)
        XCTAssertNil(atOne.transportAtTemperatureOne)
        XCTAssertNil(atOne.gaussianBaselineAtTemperatureOne)

        let cooled = try evaluate(temperature: 0.5)
        XCTAssertEqual(cooled.temperature, 0.5)
        XCTAssertEqual(cooled.transportAtTemperatureOne?.fid, atOne.transport.fid)
        XCTAssertEqual(cooled.gaussianBaselineAtTemperatureOne?.fid, atOne.gaussianBaseline.fid)
        XCTAssertNotEqual(cooled.transport.fid, atOne.transport.fid)
        XCTAssertNotEqual(cooled.gaussianBaseline.fid, atOne.gaussianBaseline.fid)
        XCTAssertEqual(cooled.trainingLatents.fid, atOne.trainingLatents.fid, "the other references do not depend on T")
        let report = try String(contentsOf: folder.appendingPathComponent("report/report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("T = 0.5") && report.contains("HJ transport at T = 1") && report.contains("Gaussian at T = 1"), report)
        for file in ["metrics.json", "samples.png", "gaussian-baseline.png", "paths.png", "inversions.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report/\(file)").path), file)
        }
    }

    /// --export writes every scored set as IDX images and labels; re-scoring
    /// the exported transport images gives the reported FID (up to 8-bit rounding).
    func testExportWritesTheScoredSets() throws {
        let export = folder.appendingPathComponent("export")
        let metrics = try Evaluation.run(.init(dataset: .mnist, perClass: 10, output: folder.appendingPathComponent("report"),
                                               checkpoints: paths, dataDirectory: dataDirectory, seed: 0, temperature: 0.5,
                                               export: export), log: { _ in })
        for name in ["transport", "transport-t1", "gaussian", "gaussian-t1", "reconstructions", "training-latents"] {
            let images = try IDX.read(from: export.appendingPathComponent("\(name)-images-idx3-ubyte"))
            let labels = try IDX.read(from: export.appendingPathComponent("\(name)-labels-idx1-ubyte"))
            XCTAssertEqual(images.dimensions, [100, 28, 28], name)
            XCTAssertEqual(labels.bytes, (0..<10).flatMap { Array(repeating: UInt8($0), count: 10) }, name)
        }
        let exported = try IDX.read(from: export.appendingPathComponent("transport-images-idx3-ubyte"))
        let test = try Datasets.load(.mnist, split: .test, dataDir: dataDirectory)
        let reference = try FeatureReference(classifier: try paths.loadClassifier(.mnist), images: test.images, labels: test.labels,
                                             source: "test")
        let rescored = try reference.score(Tensor(shape: [100, 28, 28], storage: exported.bytes.map { Float($0) / 255 }),
                                           labels: (0..<10).flatMap { Array(repeating: $0, count: 10) })
        XCTAssertEqual(rescored.fid, metrics.transport.fid, accuracy: 0.05 * metrics.transport.fid)
    }
}
