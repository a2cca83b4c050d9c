import Foundation
import XCTest

/// train-transport, sample, invert and evaluate: bad flags and missing
/// checkpoints end with a message that says what to do, and write nothing.
final class LatentCLITests: XCTestCase {
    func testClassOutOfRangeIsRejected() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        for arguments in [["train-transport", "--dataset", "mnist", "--class", "12"],
                          ["sample", "--dataset", "mnist", "--class", "12", "--png", "out.png"],
                          ["invert", "--dataset", "mnist", "--class", "12", "--image", "a.png"]] {
            let result = try binary.run(arguments, in: folder)
            XCTAssertNotEqual(result.status, 0, result.output)
            XCTAssertTrue(result.stderr.contains("--class must be 0–9") && result.stderr.contains("12"), result.output)
        }
        XCTAssertEqual(filesUnder(folder), [])
    }

    func testMissingCheckpointsNameTheCommandThatMakesThem() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let cases: [([String], String)] = [
            (["train-transport", "--dataset", "fashion", "--checkpoints", "none"], "gen-ot train-vae --dataset fashion"),
            (["sample", "--dataset", "mnist", "--png", "s.png", "--checkpoints", "none"], "gen-ot train-transport --dataset mnist"),
            (["sample", "--source", "fashion", "--target", "mnist", "--png", "s.png", "--checkpoints", "none"],
             "gen-ot train-transport --source fashion --target mnist"),
            (["evaluate", "--dataset", "mnist", "--checkpoints", "none"], "gen-ot train-classifier --dataset mnist"),
        ]
        for (arguments, hint) in cases {
            let result = try binary.run(arguments, in: folder)
            XCTAssertEqual(result.status, 1, result.output)
            XCTAssertTrue(result.stderr.contains("no such file") && result.stderr.contains(hint), result.output)
            XCTAssertFalse(result.output.contains("Fatal error"), result.output)
        }
        XCTAssertEqual(filesUnder(folder), [])
    }

    func testBadTemperaturesAreRejected() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let cases: [([String], String)] = [
            (["sample", "--dataset", "mnist", "--png", "s.png", "--temperature", "0"], "--temperature must be positive"),
            (["evaluate", "--dataset", "mnist", "--temperature=-1"], "--temperature must be positive"),
            (["evaluate", "--dataset", "mnist", "--temperature", "-1"], "--temperature must be positive"),
            (["sample", "--dataset", "mnist", "--png", "s.png", "--temperature", "1e30"], "at most 10, got 1e+30"),
            (["calibrate", "--dataset", "mnist", "--temperatures", "0.9,1e30"], "--temperatures must be positive numbers"),
            (["sample", "--source", "fashion", "--target", "mnist", "--png", "s.png", "--temperature", "0.9"], "applies to noise"),
            (["calibrate", "--dataset", "mnist", "--temperatures", "0.9,x"], "--temperatures must be positive numbers"),
            (["calibrate", "--dataset", "mnist", "--temperatures", "0.9,-1"], "--temperatures must be positive numbers"),
            (["calibrate", "--dataset", "mnist", "--checkpoints", "none"], "gen-ot train-classifier --dataset mnist"),
        ]
        for (arguments, message) in cases {
            let result = try binary.run(arguments, in: folder)
            XCTAssertNotEqual(result.status, 0, result.output)
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.output)")
            XCTAssertFalse(result.output.contains("Fatal error"), result.output)
        }
        XCTAssertEqual(filesUnder(folder), [])
    }

    func testResumeFlagsAreChecked() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let cases: [([String], String)] = [
            (["train-transport", "--dataset", "mnist", "--resume", "--class", "3"], "cannot be combined with --class"),
            (["train-transport", "--dataset", "mnist", "--checkpoint-every=-5"], "--checkpoint-every must be ≥ 0"),
        ]
        for (arguments, message) in cases {
            let result = try binary.run(arguments, in: folder)
            XCTAssertNotEqual(result.status, 0, result.output)
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.output)")
        }
        XCTAssertEqual(filesUnder(folder), [])
    }

    func testConflictingDatasetFlags() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let result = try binary.run(["train-transport", "--dataset", "mnist", "--source", "fashion"], in: folder)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--dataset"), result.output)
    }
}
