import Foundation
import XCTest

/// Runs the built `gen-ot` binary: exit status, messages, and that a failed
/// command writes no output file.
final class TransportCLITests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("genot-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// Runs gen-ot with `arguments` in the temporary folder.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let result = try GenOTBinary.locate().run(arguments, in: folder)
        return (result.status, result.stdout, result.stderr)
    }

    /// A float32 .npy of `rows`×`columns` values (a valid file, written by hand).
    func writeNPY(_ name: String, rows: Int, columns: Int) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        header += String(repeating: " ", count: 64 - (10 + header.count + 1) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8)
        for i in 0..<(rows * columns) {
            bytes += withUnsafeBytes(of: (Float(i % 17) * 0.1 + Float(i % 5)).bitPattern.littleEndian) { Array($0) }
        }
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) }

    static let tiny = ["--steps", "3", "--width", "8", "--depth", "1", "--batch", "16", "--target-batch", "16", "--collocation", "16"]

    func testFitAndMapRoundTrip() throws {
        try writeNPY("a.npy", rows: 40, columns: 2)
        try writeNPY("b.npy", rows: 30, columns: 2)
        let fit = try run(["fit", "--source", "a.npy", "--target", "b.npy", "--out", "map.safetensors"] + Self.tiny)
        XCTAssertEqual(fit.status, 0, fit.error)
        XCTAssert(exists("map.safetensors"))
        let forward = try run(["map", "--model", "map.safetensors", "--input", "a.npy", "--out", "y.csv"])
        XCTAssertEqual(forward.status, 0, forward.error)
        XCTAssert(forward.output.contains("40 points in d = 2"), forward.output)
        let csv = try String(contentsOf: folder.appendingPathComponent("y.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 40)
        let inverse = try run(["map", "--model", "map.safetensors", "--input", "y.csv", "--inverse", "--out", "x.npy"])
        XCTAssertEqual(inverse.status, 0, inverse.error)
        XCTAssert(exists("x.npy"))
    }

    /// `strip` keeps the map and drops the training state (adam.*, trainer.*);
    /// the stripped map still maps.
    func testStripDropsTheTrainingState() throws {
        try writeNPY("a.npy", rows: 40, columns: 2)
        XCTAssertEqual(try run(["fit", "--source", "a.npy", "--target", "a.npy", "--out", "map.safetensors"] + Self.tiny).status, 0)
        let strip = try run(["strip", "map.safetensors", "weights.safetensors"])
        XCTAssertEqual(strip.status, 0, strip.error)
        func tensorNames(_ name: String) throws -> [String] {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as! [String: Any]
            return header.keys.filter { $0 != "__metadata__" }.sorted()
        }
        let before = try tensorNames("map.safetensors"), after = try tensorNames("weights.safetensors")
        XCTAssertTrue(before.contains { $0.hasPrefix("adam.") } && before.contains { $0.hasPrefix("trainer.") }, "\(before)")
        XCTAssertEqual(after, before.filter { !$0.hasPrefix("adam.") && !$0.hasPrefix("trainer.") })
        XCTAssertEqual(try run(["map", "--model", "weights.safetensors", "--input", "a.npy", "--out", "y.npy"]).status, 0)
    }

    func testMalformedNPYIsNamed() throws {
        try Data("this is not numpy".utf8).write(to: folder.appendingPathComponent("bad.npy"))
        try writeNPY("b.npy", rows: 30, columns: 2)
        let result = try run(["fit", "--source", "bad.npy", "--target", "b.npy", "--out", "map.safetensors"] + Self.tiny)
        XCTAssertNotEqual(result.status, 0)
        XCTAssert(result.error.contains("bad.npy") && result.error.contains("expected an .npy file"), result.error)
        XCTAssertFalse(exists("map.safetensors"))
    }

    func testMissingModelFile() throws {
        try writeNPY("x.npy", rows: 5, columns: 2)
        let result = try run(["map", "--model", "nowhere.safetensors", "--input", "x.npy", "--out", "y.npy"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssert(result.error.contains("nowhere.safetensors") && result.error.contains("no such file"), result.error)
        XCTAssertFalse(exists("y.npy"))
    }

    func testDimensionMismatches() throws {
        try writeNPY("a.npy", rows: 40, columns: 2)
        try writeNPY("c.npy", rows: 40, columns: 3)
        let fitMismatch = try run(["fit", "--source", "a.npy", "--target", "c.npy", "--out", "m.safetensors"] + Self.tiny)
        XCTAssertNotEqual(fitMismatch.status, 0)
        XCTAssert(fitMismatch.error.contains("c.npy") && fitMismatch.error.contains("2 coordinates, like the source a.npy, found 3"), fitMismatch.error)
        XCTAssertFalse(exists("m.safetensors"))

        XCTAssertEqual(try run(["fit", "--source", "a.npy", "--target", "a.npy", "--out", "m.safetensors"] + Self.tiny).status, 0)
        let mapMismatch = try run(["map", "--model", "m.safetensors", "--input", "c.npy", "--out", "y.npy"])
        XCTAssertNotEqual(mapMismatch.status, 0)
        XCTAssert(mapMismatch.error.contains("2 coordinates, like the map m.safetensors, found 3"), mapMismatch.error)
        XCTAssertFalse(exists("y.npy"))
    }

    func testBadCostString() throws {
        try writeNPY("a.npy", rows: 10, columns: 2)
        for bad in ["power:0.5", "cubic"] {
            let result = try run(["fit", "--source", "a.npy", "--target", "a.npy", "--cost", bad, "--out", "m.safetensors"])
            XCTAssertEqual(result.status, 64, "a usage error")
            XCTAssert(result.error.contains("--cost: expected") && result.error.contains("found '\(bad)'"), result.error)
        }
        XCTAssertFalse(exists("m.safetensors"))
    }

    func testClassesPerStepIsAppliedAndChecked() throws {
        try writeNPY("a.npy", rows: 10, columns: 2)
        let bad = try run(["fit", "--source", "a.npy", "--target", "a.npy", "--classes-per-step", "0", "--out", "m.safetensors"])
        XCTAssertEqual(bad.status, 64, "a usage error")
        XCTAssert(bad.error.contains("--classes-per-step: expected at least 1, found 0"), bad.error)
        XCTAssertFalse(exists("m.safetensors"))
        let good = try run(["fit", "--source", "a.npy", "--target", "a.npy", "--classes-per-step", "2", "--out", "m.safetensors"] + Self.tiny)
        XCTAssertEqual(good.status, 0, good.error)
        XCTAssert(good.output.contains("classes_per_step=2"), good.output)
    }
}
