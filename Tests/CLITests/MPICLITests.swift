import Foundation
import GenOTTestSupport
import XCTest

/// `mpirun -np 2 gen-ot fit …` against one process (docs/mpi.md): with the
/// same global batch the two runs must learn the same map, up to the order
/// of sums. Needs Open MPI's `mpirun` and a gen-ot built with
/// `GENOT_MPI=1` (`scripts/build-mpi`); without them the tests are skipped
/// and say why, except under CI (`CI` set), where `.ci/run` provides both
/// and a missing one fails the tests.
final class MPICLITests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = try scratchFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// The MPI build: `GENOT_MPI_BINARY`, else `.build/mpi/{debug,release}/gen-ot`.
    static func mpiBinary() throws -> URL {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [ProcessInfo.processInfo.environment["GENOT_MPI_BINARY"]].compactMap { $0 }
            + ["debug", "release"].map { package.appendingPathComponent(".build/mpi/\($0)/gen-ot").path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw unavailable("no gen-ot built with MPI (looked at \(candidates)): run scripts/setup --mpi and scripts/build-mpi")
        }
        return URL(fileURLWithPath: found)
    }

    static func mpirun() throws -> URL {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { throw unavailable("mpirun not found on PATH: install Open MPI with scripts/setup --mpi") }
        return URL(fileURLWithPath: path)
    }

    /// Runs `executable arguments…` in the scratch folder.
    func run(_ executable: URL, _ arguments: [String]) throws -> GenOTBinary.Result {
        try GenOTBinary(url: executable).run(arguments, in: folder)
    }

    /// `mpirun -np ranks gen-ot arguments…`, one thread per rank.
    func runRanks(_ ranks: Int, _ arguments: [String]) throws -> GenOTBinary.Result {
        // Two ranks on a machine that may report fewer free slots (CI), as root in containers.
        var launcher = ["-np", "\(ranks)", "--oversubscribe", "--bind-to", "none"]
        if getuid() == 0 { launcher.append("--allow-run-as-root") }
        return try run(try Self.mpirun(), launcher + [try Self.mpiBinary().path] + arguments + ["--threads", "1"])
    }

    /// Two point clouds in d = 2 that differ in shape (points on curves, no randomness).
    func writeClouds() throws {
        func cloud(_ n: Int, _ f: (Double) -> (Double, Double)) -> String {
            (0..<n).map { i -> String in let (x, y) = f(Double(i)); return "\(x),\(y)" }.joined(separator: "\n") + "\n"
        }
        try cloud(120) { i in (cos(i * 0.37) * (1 + 0.3 * sin(i * 1.7)), sin(i * 0.37) * 0.5) }
            .write(to: folder.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try cloud(100) { i in (2 + 0.4 * cos(i * 0.61), 1 + sin(i * 0.29) * (0.8 + 0.2 * cos(i))) }
            .write(to: folder.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
    }

    /// Every term of the step on: HJ, MMD, the symmetric term and the dual (the preset's).
    static let fit = ["fit", "--source", "a.csv", "--target", "b.csv", "--steps", "40", "--width", "16", "--depth", "2",
                      "--batch", "64", "--target-batch", "64", "--collocation", "64", "--lambda", "1", "--symmetric", "0.5",
                      "--lr", "0.01", "--gaussian-base", "false"]

    /// The points `model` maps a.csv to.
    func mapped(_ model: String) throws -> [Double] {
        let result = try run(try GenOTBinary.locate().url, ["map", "--model", model, "--input", "a.csv", "--out", "\(model).csv"])
        XCTAssertEqual(result.status, 0, result.output)
        let text = try String(contentsOf: folder.appendingPathComponent("\(model).csv"), encoding: .utf8)
        return text.split(whereSeparator: { $0 == "," || $0 == "\n" }).compactMap { Double($0) }
    }

    func testTwoRanksLearnTheMapOfOneProcess() throws {
        try writeClouds()
        let ranks = try runRanks(2, Self.fit + ["--out", "ranks.safetensors"])
        XCTAssertEqual(ranks.status, 0, ranks.output)
        XCTAssert(ranks.stdout.contains("2 MPI ranks"), ranks.output)
        // Rank 0 alone prints: one "wrote" line, not one per rank.
        XCTAssertEqual(ranks.stdout.components(separatedBy: "wrote ranks.safetensors").count - 1, 1, ranks.stdout)
        // One process with two shards splits the rows as two ranks of one shard do.
        let single = try run(try GenOTBinary.locate().url, Self.fit + ["--out", "one.safetensors", "--threads", "2"])
        XCTAssertEqual(single.status, 0, single.output)

        let a = try mapped("ranks.safetensors"), b = try mapped("one.safetensors")
        XCTAssertEqual(a.count, 240)
        XCTAssertEqual(a.count, b.count)
        let largest = zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(largest, 1e-4, "2 ranks and 1 process map a.csv differently: largest difference \(largest)")
        // Not trivially equal: the map moved the points.
        let moved = zip(a, try String(contentsOf: folder.appendingPathComponent("a.csv"), encoding: .utf8)
            .split(whereSeparator: { $0 == "," || $0 == "\n" }).compactMap { Double($0) }).map { abs($0 - $1) }.max() ?? 0
        XCTAssertGreaterThan(moved, 0.1)
    }

    /// A tiny MNIST-shaped set under data/mnist: `count` images per split
    /// (raw IDX), every class present, smooth random-free strokes.
    func writeImages(train: Int, test: Int) throws {
        let folder = self.folder.appendingPathComponent("data/mnist", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func header(_ magic: UInt8, _ sizes: [Int]) -> [UInt8] {
            [0, 0, 8, magic] + sizes.flatMap { size in (0..<4).map { UInt8((size >> (8 * (3 - $0))) & 0xFF) } }
        }
        for (prefix, count) in [("train", train), ("t10k", test)] {
            var images = header(3, [count, 28, 28]), labels = header(1, [count])
            for i in 0..<count {
                let label = i % 10
                labels.append(UInt8(label))
                for r in 0..<28 {
                    for c in 0..<28 {
                        let wave = sin(Double(r * (label + 1) + c * (i % 7 + 1)) * 0.21)
                        images.append(UInt8(max(0, min(255, 128 + 127 * wave))))
                    }
                }
            }
            try Data(images).write(to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try Data(labels).write(to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
    }

    /// The tensor bytes of a safetensors file (after its JSON header, which
    /// also holds the run's timings).
    func tensorBytes(_ name: String) throws -> Data {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return data.dropFirst(8 + length)
    }

    /// train-vae over 2 ranks gives the weights of 1 process with 2 shards
    /// bit for bit, a last batch smaller than the ranks included (41 = 2·20 + 1).
    func testTwoRanksTrainTheVAEOfOneProcess() throws {
        try writeImages(train: 41, test: 10)
        let arguments = ["train-vae", "--dataset", "mnist", "--data-dir", "data", "--epochs", "2", "--batch", "20", "--latent-dim", "4"]
        let ranks = try runRanks(2, arguments + ["--out", "ranks.safetensors"])
        XCTAssertEqual(ranks.status, 0, ranks.output)
        XCTAssertEqual(ranks.stdout.components(separatedBy: "epoch 2/2: train loss").count - 1, 1, ranks.stdout)
        let single = try run(try GenOTBinary.locate().url, arguments + ["--out", "one.safetensors", "--threads", "2"])
        XCTAssertEqual(single.status, 0, single.output)
        let a = try tensorBytes("ranks.safetensors"), b = try tensorBytes("one.safetensors")
        XCTAssertGreaterThan(a.count, 10_000)
        XCTAssert(a == b, "2 ranks and 1 process × 2 threads trained different VAEs")
        // The same loss line: the gradients were summed once, not once per rank.
        func lossLine(_ output: String) -> String? { output.split(separator: "\n").first { $0.contains("epoch 2/2") }.map { String($0.prefix(40)) } }
        XCTAssertEqual(lossLine(ranks.stdout), lossLine(single.stdout))
    }

    func testAFailingRankStopsTheJobWithItsMessage() throws {
        try writeClouds()
        let result = try runRanks(2, ["fit", "--source", "missing.csv", "--target", "b.csv", "--out", "m.safetensors"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssert(result.stderr.contains("rank") && result.stderr.contains("missing.csv"), result.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.safetensors").path))
    }

    func testTooManyRanksForTheBatchIsRefused() throws {
        try writeClouds()
        let result = try runRanks(2, Self.fit + ["--collocation", "1", "--out", "m.safetensors"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssert(result.stderr.contains("MPI ranks"), result.output)
    }
}
