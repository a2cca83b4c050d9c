import Foundation
import XCTest

/// `gen-ot benchmark mixture` and `benchmark gaussian`: a short run prints a
/// row with the baselines and gen-ot's scores; bad flags are named.
final class BenchmarkCLITests: XCTestCase {
    static let columns = ["identity UVP %", "linear UVP %", "lin inv UVP %", "UVP %", "inv UVP %", "inv consistency", "seconds"]

    /// The summary table's header and its row for d = 2: every column there, every value a number.
    func assertTable(_ output: String, title: String, file: StaticString = #filePath, line: UInt = #line) {
        let lines = output.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(title) }), start + 2 < lines.count else {
            return XCTFail("no '\(title)' table in:\n\(output)", file: file, line: line)
        }
        for column in Self.columns { XCTAssert(lines[start + 1].contains(column), "no column '\(column)'", file: file, line: line) }
        let values = lines[start + 2].split(separator: " ")
        XCTAssertEqual(values.count, 11, lines[start + 2], file: file, line: line)
        XCTAssertEqual(values.first, "2", file: file, line: line)
        XCTAssert(values.allSatisfy { Double($0) != nil }, lines[start + 2], file: file, line: line)
    }

    func testMixtureBenchmarkPrintsARow() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let result = try binary.run(["benchmark", "mixture", "--dim", "2", "--steps", "50", "--threads", "1"], in: folder)
        XCTAssertEqual(result.status, 0, result.output)
        assertTable(result.stdout, title: "Mixture benchmark")
    }

    func testMixtureBaselinesOnly() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let result = try binary.run(["benchmark", "mixture", "--dim", "2,3", "--points", "2000", "--baselines-only"], in: folder)
        XCTAssertEqual(result.status, 0, result.output)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, result.stdout)
        XCTAssert(lines[1].contains("identity UVP %") && lines[1].contains("linear UVP %"), result.stdout)
        XCTAssertEqual(lines[2].split(separator: " ").count, 5, result.stdout)
        XCTAssertFalse(result.output.contains("config:"), "trained: \(result.output)")
    }

    /// `--export` writes the training sets and the fresh points with their
    /// exact images as .npy files, for `fit` and `map` from outside.
    func testMixtureExport() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let result = try binary.run(["benchmark", "mixture", "--dim", "3", "--points", "500", "--export", "."], in: folder)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(Set(filesUnder(folder)), Set(["source", "target", "test-x", "test-y"].map { "mixture-d3-\($0).npy" }))
        let missing = try binary.run(["benchmark", "mixture", "--export", "nowhere"], in: folder)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssert(missing.stderr.contains("--export"), missing.output)
    }

    func testGaussianBenchmarkPrintsTheLinearMap() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let result = try binary.run(["benchmark", "gaussian", "--dim", "2", "--steps", "20", "--points", "2000", "--threads", "1"],
                                    in: folder)
        XCTAssertEqual(result.status, 0, result.output)
        assertTable(result.stdout, title: "Gaussian benchmark")
    }

    func testBadFlagsAreNamed() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let cases: [([String], String)] = [
            (["--dim", "0"], "--dim"), (["--dim", "2,x"], "--dim"), (["--dim", "2,,4"], "--dim"), (["--dim", "100000"], "--dim"),
            (["--dim", "8", "--points", "8"], "--points"), (["--points", "-5"], "--points"),
            (["--points", "100000000"], "--points"), (["--dim", "512", "--points", "200000"], "--points"), (["--evaluate-every", "-1"], "--evaluate-every"),
        ]
        for benchmark in ["mixture", "gaussian"] {
            for (arguments, flag) in cases {
                let result = try binary.run(["benchmark", benchmark] + arguments, in: folder)
                XCTAssertNotEqual(result.status, 0, "\(arguments): \(result.output)")
                XCTAssert(result.stderr.contains(flag), "\(arguments): \(result.output)")
                XCTAssertFalse(result.output.contains("Fatal error"), result.output)
            }
        }
        XCTAssertEqual(filesUnder(folder), [])
    }
}
