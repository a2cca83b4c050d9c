import Foundation
import XCTest

/// Bad inputs to `train-vae` / `train-classifier`: a clear message, a
/// non-zero exit, no stack trace, and no file written.
final class TrainCommandTests: XCTestCase {
    func testUnknownDatasetIsRejectedWithTheValidNames() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        for command in ["train-vae", "train-classifier"] {
            let result = try binary.run([command, "--dataset", "cifar"], in: folder)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains("'cifar' is invalid") && result.stderr.contains("mnist")
                          && result.stderr.contains("fashion"), result.output)
        }
        XCTAssertEqual(filesUnder(folder), [])
    }

    func testResumeWithoutCheckpointFailsBeforeTraining() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let result = try binary.run(["train-vae", "--dataset", "mnist", "--resume", "--out", "runs/vae.safetensors"], in: folder)
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.stderr.contains("runs/vae.safetensors") && result.stderr.contains("expected a checkpoint to resume from"), result.output)
        XCTAssertFalse(result.output.contains("Fatal error") || result.output.contains("Stack dump"), result.output)
        XCTAssertEqual(filesUnder(folder), [])
    }

    func testMissingDataSaysHowToFetchIt() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        for (command, dataset) in [("train-vae", "fashion"), ("train-classifier", "mnist")] {
            let result = try binary.run([command, "--dataset", dataset, "--data-dir", "no-such-folder"], in: folder)
            XCTAssertEqual(result.status, 1, result.output)
            XCTAssertTrue(result.stderr.contains("no-such-folder/\(dataset)/train-images-idx3-ubyte")
                          && result.stderr.contains("scripts/fetch-data \(dataset)"), result.output)
            XCTAssertFalse(result.output.contains("Fatal error"), result.output)
        }
        XCTAssertEqual(filesUnder(folder), [], "a failed run must not leave checkpoints behind")
    }

    func testOptionRulesAreCheckedBeforeRunning() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let epochs = try binary.run(["train-vae", "--dataset", "mnist", "--epochs", "0"], in: folder)
        XCTAssertNotEqual(epochs.status, 0)
        XCTAssertTrue(epochs.stderr.contains("--epochs must be at least 1"), epochs.output)
        let latent = try binary.run(["train-vae", "--dataset", "mnist", "--latent-dim", "-3"], in: folder)
        XCTAssertNotEqual(latent.status, 0)
        let beta = try binary.run(["train-vae", "--dataset", "mnist", "--kl-weight=-1"], in: folder)
        XCTAssertTrue(beta.stderr.contains("--kl-weight must be a number ≥ 0, got -1.0"), beta.output)
        let shift = try binary.run(["train-classifier", "--dataset", "mnist", "--max-shift", "20"], in: folder)
        XCTAssertTrue(shift.stderr.contains("--max-shift must be in 0...8"), shift.output)
        XCTAssertEqual(filesUnder(folder), [])
    }

    func testHelpListsTheTrainingCommands() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let result = try binary.run(["--help"], in: folder)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("train-vae") && result.stdout.contains("train-classifier"), result.output)
    }

    /// `speed` (timings) and `benchmark` (accuracy) are listed; `bench`, the
    /// former name of `speed`, is not, but still runs `speed`'s subcommands
    /// and says it is deprecated.
    func testSpeedIsListedAndBenchIsAHiddenAlias() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let help = try binary.run(["--help"], in: folder)
        XCTAssertTrue(help.stdout.contains("  speed ") && help.stdout.contains("  benchmark "), help.output)
        XCTAssertFalse(help.stdout.contains("  bench "), help.output)
        let old = try binary.run(["bench", "core", "--steps", "0"], in: folder)
        XCTAssertNotEqual(old.status, 0, old.output)
        XCTAssertTrue(old.stderr.contains("--steps must be in 1...100000"), old.output)
        XCTAssertTrue(old.stderr.contains("`bench` is deprecated; use `gen-ot speed`"), old.output)
        XCTAssertEqual(filesUnder(folder), [])
    }

    /// `speed core` says whether subnormals are flushed, on the main thread
    /// and on every thread of a 2-thread product (`Subnormals`).
    func testSpeedCoreReportsSubnormalsFlushedOnEveryThread() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        let result = try binary.run(["speed", "core", "--skip-gemm", "--steps", "1", "--threads", "2"], in: folder)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.stdout.contains("subnormals flushed to zero: this thread yes, every BLAS thread yes"), result.output)
    }
}
