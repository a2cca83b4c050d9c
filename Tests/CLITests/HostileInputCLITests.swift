import Foundation
import XCTest

/// Hostile inputs through the binary: a clear error naming the flag or file,
/// no trap, and no file written or replaced.
final class HostileInputCLITests: XCTestCase {
    var binary: GenOTBinary!
    var folder: URL!

    override func setUpWithError() throws {
        binary = try GenOTBinary.locate()
        folder = try scratchFolder()
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func expectRefusal(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try binary.run(arguments, in: folder)
        XCTAssertNotEqual(result.status, 0, result.output, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.output)", file: file, line: line)
        XCTAssertFalse(result.output.contains("Fatal error") || result.output.contains("Backtrace"), result.output, file: file, line: line)
    }

    /// Writes `contents` to `name` in the scratch folder.
    func put(_ name: String, _ contents: Data) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: url)
    }

    func testFlagsThatSizeAllocationsAreBounded() throws {
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "s.png", "--count", "-1"], "--count must be in 1...10000, got -1")
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "s.png", "--count", "1000000000"], "--count must be in 1...10000")
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "s.png", "--path", "100000000"], "--path must be in 2...64")
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "s.png", "--count", "5000", "--path", "30"], "at most 100000 fit in one run")
        try expectRefusal(["evaluate", "--dataset", "mnist", "--per-class", "100000000"], "--per-class must be in 2...10000")
        try expectRefusal(["fit", "--source", "a.npy", "--target", "b.npy", "--out", "m.safetensors", "--width", "100000000"],
                          "width: expected 1...4096")
        try expectRefusal(["fit", "--source", "a.npy", "--target", "b.npy", "--out", "m.safetensors", "--batch", "100000000"],
                          "--batch and --target-batch: expected at most 8192")
        try expectRefusal(["fit", "--source", "a.npy", "--target", "b.npy", "--out", "m.safetensors", "--width", "4096", "--depth", "64"],
                          "--width² × --depth: expected at most 67108864 weights, found 4096² × 64 = 1073741824")
        try expectRefusal(["benchmark", "gaussian", "--dim", "100000000"], "--dim must be integers in 1…512")
        try expectRefusal(["train-vae", "--dataset", "mnist", "--batch", "100000"], "--batch must be in 1...4096")
        try expectRefusal(["fit", "--source", "a.npy", "--target", "b.npy", "--out", "m.safetensors", "--final-time", "1e30"],
                          "--final-time: expected a number in (0, 100]")
        try expectRefusal(["calibrate", "--dataset", "mnist", "--temperatures", Array(repeating: "1", count: 101).joined(separator: ",")],
                          "at most 100 values")
        XCTAssertEqual(filesUnder(folder), [])
    }

    /// A negative number is read as the flag's value and refused as one (not "Missing value").
    func testNegativeNumbersAreReadAsValues() throws {
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "s.png", "--class", "-1"], "--class must be 0–9 or 'all', got '-1'")
        try expectRefusal(["fit", "--source", "a.npy", "--target", "b.npy", "--out", "m.safetensors", "--steps", "-5"],
                          "steps: expected a positive number, found -5")
        try expectRefusal(["train-vae", "--dataset", "mnist", "--epochs", "-1"], "--epochs must be at least 1, got -1")
        try expectRefusal(["train-classifier", "--dataset", "mnist", "--learning-rate", "-0.1"], "--learning-rate must be positive, got -0.1")
        try expectRefusal(["evaluate", "--dataset", "mnist", "--per-class", "-3"], "--per-class must be in 2...10000, got -3")
        XCTAssertEqual(filesUnder(folder), [])
    }

    /// Rows of "x,y" text, a valid .csv point cloud.
    func cloud(_ rows: Int, shift: Float) -> Data {
        Data((0..<rows).map { i in "\(Float(i % 7) * 0.3 + shift),\(Float(i % 5) * 0.2)" }.joined(separator: "\n").utf8)
    }

    func testADivergingFitStopsAndWritesNothing() throws {
        try put("a.csv", cloud(40, shift: 0))
        try put("b.csv", cloud(40, shift: 2))
        try expectRefusal(["fit", "--source", "a.csv", "--target", "b.csv", "--out", "m.safetensors", "--lr", "1e30",
                           "--steps", "50", "--width", "8", "--depth", "1", "--batch", "16", "--target-batch", "16", "--collocation", "16"],
                          "diverged: fit a.csv → b.csv, step")
        XCTAssertEqual(filesUnder(folder).sorted(), ["a.csv", "b.csv"])
    }

    func testOutputsNeverReplaceInputs() throws {
        try put("a.csv", cloud(40, shift: 0))
        try put("map.safetensors", Data("not really a map".utf8))
        try put("data/mnist/t10k-images-idx3-ubyte", Data([1, 2, 3]))
        try expectRefusal(["map", "--model", "map.safetensors", "--input", "a.csv", "--out", "a.csv"], "found the input a.csv")
        try expectRefusal(["map", "--model", "map.safetensors", "--input", "a.csv", "--out", "map.safetensors"], "found the input map.safetensors")
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "map.safetensors", "--checkpoints", "none"], "found an existing checkpoint")
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "s.png", "--idx", "data/mnist/t10k", "--checkpoints", "none"],
                          "expected --idx outside the datasets folder data")
        try expectRefusal(["invert", "--dataset", "mnist", "--class", "1", "--image", "a.png", "--png", "a.png"], "found the input a.png")
        try expectRefusal(["color-transfer", "--source", "a.png", "--reference", "b.png", "--out", "b.png"], "found the input b.png")
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "no/such/folder/s.png", "--checkpoints", "none"],
                          "no/such/folder/s.png: cannot write: expected --png in an existing folder, found no folder 'no/such/folder'")
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "data", "--checkpoints", "none"], "data: cannot write: expected --png to name a file, found a folder")
        try expectRefusal(["evaluate", "--dataset", "mnist", "--out", "a.csv", "--checkpoints", "none"],
                          "a.csv: cannot write: expected --out to name a folder (the reports go in it), found a file")
        try expectRefusal(["train-vae", "--dataset", "mnist", "--out", "map.safetensors"], "pass --force to replace it")
        try expectRefusal(["train-classifier", "--dataset", "mnist", "--out", "map.safetensors"], "pass --force to replace it")
        try expectRefusal(["fit", "--source", "a.csv", "--target", "a.csv", "--out", "map.safetensors"], "pass --force to replace it")
        try put("other.safetensors", Data())
        try expectRefusal(["strip", "other.safetensors", "map.safetensors"], "map.safetensors: cannot write: expected no existing checkpoint")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("map.safetensors")), Data("not really a map".utf8))
        XCTAssertEqual(filesUnder(folder).sorted(),
                       ["a.csv", "data", "data/mnist", "data/mnist/t10k-images-idx3-ubyte", "map.safetensors", "other.safetensors"])
    }

    func testFoldersDevicesAndMalformedFilesAreNamed() throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir.npy"), withIntermediateDirectories: true)
        try put("m.safetensors", Data([8, 0, 0, 0, 0, 0, 0, 0]) + Data("{\"a\":1} ".utf8))
        try put("a.npy", Data([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0xff, 0xff]) + Data(repeating: 0x20, count: 64))
        try put("a.csv", Data("1,2\n3,nan\n".utf8))
        try expectRefusal(["map", "--model", "m.safetensors", "--input", "dir.npy", "--out", "o.npy"], "m.safetensors")
        try expectRefusal(["fit", "--source", "dir.npy", "--target", "a.csv", "--out", "o.safetensors"], "dir.npy: cannot read: expected a file, found a folder")
        try expectRefusal(["fit", "--source", "/dev/null", "--target", "a.csv", "--out", "o.safetensors"], "expected a name ending in .npy or .csv")
        try expectRefusal(["fit", "--source", "a.npy", "--target", "a.csv", "--out", "o.safetensors"], "a.npy")
        try expectRefusal(["fit", "--source", "a.csv", "--target", "a.csv", "--out", "o.safetensors"], "a.csv: non-finite value: expected finite coordinates, found point 1 has a non-finite coordinate")
        XCTAssertFalse(filesUnder(folder).contains { $0.hasPrefix("o.") || $0.contains(".tmp") }, "\(filesUnder(folder))")
    }

    /// A safetensors file holding no tensors, whose metadata records `kind` as a model does.
    func checkpoint(model kind: String) -> Data {
        let header = Data("{\"__metadata__\":{\"model\":\"\(kind)\"}}".utf8)
        var length = UInt64(header.count).littleEndian
        return Data(bytes: &length, count: 8) + header
    }

    /// `--force` replaces a checkpoint of the same kind, never a dataset, an
    /// image or another kind of model.
    func testForceReplacesOnlyACheckpointOfTheSameKind() throws {
        try put("a.csv", cloud(40, shift: 0))
        try put("vae.safetensors", checkpoint(model: "vae"))
        try put("train-images-idx3-ubyte", Data([0, 0, 8, 3]))
        try put("picture.png", Data("png".utf8))
        try put("notes.safetensors", Data("not a checkpoint".utf8))
        let fit = ["fit", "--source", "a.csv", "--target", "a.csv", "--force", "--steps", "2", "--width", "8", "--depth", "1", "--out"]
        try expectRefusal(fit + ["vae.safetensors"], "vae.safetensors: cannot write: expected --force to replace a map (kind 'hj-transport'), found a checkpoint of kind 'vae'")
        try expectRefusal(fit + ["notes.safetensors"], "notes.safetensors: cannot write: expected --force to replace a map (.safetensors), found a file that is not a checkpoint")
        try expectRefusal(["train-vae", "--dataset", "mnist", "--force", "--out", "train-images-idx3-ubyte"],
                          "train-images-idx3-ubyte: cannot write: expected --force to replace a VAE checkpoint, found an IDX dataset file")
        try expectRefusal(["train-classifier", "--dataset", "mnist", "--force", "--out", "vae.safetensors"],
                          "expected --force to replace a classifier checkpoint (kind 'classifier'), found a checkpoint of kind 'vae'")
        try expectRefusal(["strip", "--force", "vae.safetensors", "picture.png"], "the output must end in .safetensors")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("vae.safetensors")), checkpoint(model: "vae"))
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("train-images-idx3-ubyte")), Data([0, 0, 8, 3]))
        XCTAssertEqual(filesUnder(folder).sorted(), ["a.csv", "notes.safetensors", "picture.png", "train-images-idx3-ubyte", "vae.safetensors"])
    }

    /// Images and arrays never replace a dataset file (wherever it is) or a
    /// file made with a checkpoint beside it (train-vae's reconstructions);
    /// reports and exports never go into a folder of datasets or checkpoints.
    func testOutputsAvoidDatasetsCheckpointsAndTheirFolders() throws {
        try put("ck/m.safetensors", checkpoint(model: "vae"))
        try put("ck/m-reconstructions.png", Data("png".utf8))
        try put("sets/t10k-labels-idx1-ubyte.gz", Data([1]))
        try put("sets/t10k-images-idx3-ubyte", Data([2]))
        try put("a.png", Data("png".utf8))
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "ck/m-reconstructions.png", "--checkpoints", "none"],
                          "ck/m-reconstructions.png: cannot write: expected --png to name a new file or one of your own outputs, found an existing file that belongs to the checkpoint ck/m.safetensors")
        try expectRefusal(["sample", "--dataset", "mnist", "--png", "s.png", "--idx", "sets/t10k", "--checkpoints", "none"],
                          "sets/t10k-images-idx3-ubyte: cannot write: expected --idx to name an image, an array or a new file, found an existing IDX dataset file")
        try expectRefusal(["toy", "--svg", "ck/m-reconstructions.png", "--steps", "2"], "ck/m-reconstructions.png")
        try expectRefusal(["evaluate", "--dataset", "mnist", "--out", "ck", "--checkpoints", "none"],
                          "ck: cannot write: expected --out to name a folder without datasets or checkpoints, found a folder holding m.safetensors")
        try expectRefusal(["evaluate", "--dataset", "mnist", "--out", "r", "--export", "sets", "--checkpoints", "none"],
                          "sets: cannot write: expected --export to name a folder without datasets or checkpoints, found a folder holding t10k-images-idx3-ubyte")
        try expectRefusal(["benchmark", "mixture", "--dim", "2", "--export", "ck"], "expected --export to name a folder without datasets or checkpoints")
        XCTAssertEqual(filesUnder(folder).sorted(), ["a.png", "ck", "ck/m-reconstructions.png", "ck/m.safetensors", "sets", "sets/t10k-images-idx3-ubyte", "sets/t10k-labels-idx1-ubyte.gz"])
    }

    /// Counts that only make a run longer are bounded too: --steps of the
    /// speed commands (their timings are kept) and --epochs.
    func testSpeedStepsAndEpochsAreBounded() throws {
        for sub in ["core", "vae", "transport"] {
            try expectRefusal(["speed", sub, "--steps", "1000000000000"], "--steps must be in 1...100000")
        }
        try expectRefusal(["speed", "memory", "--steps", "1000000000000"], "--steps must be in 10...100000")
        try expectRefusal(["train-vae", "--dataset", "mnist", "--epochs", "1000000000"], "--epochs must be at most 10000")
        try expectRefusal(["train-classifier", "--dataset", "mnist", "--epochs", "1000000000"], "--epochs must be at most 10000")
        XCTAssertEqual(filesUnder(folder), [])
    }

    /// A value the parser cannot read says what the flag takes; a config
    /// field is reported under its flag; lists refuse empty entries.
    func testRefusedValuesNameTheFlagAndWhatItTakes() throws {
        let fit = ["fit", "--source", "a.npy", "--target", "b.npy", "--out", "m.safetensors"]
        try expectRefusal(fit + ["--steps", "1e9"], "--steps: expected a whole number (digits only, no decimal point, exponent, nan or inf), found '1e9'")
        try expectRefusal(fit + ["--steps", "99999999999999999999"], "--steps: expected a whole number of at most 18 digits, found '99999999999999999999'")
        try expectRefusal(fit + ["--seed", "-1"], "--seed: expected a whole number ≥ 0, found '-1'")
        try expectRefusal(fit + ["--gaussian-base", "maybe"], "--gaussian-base: expected true or false, found 'maybe'")
        try expectRefusal(fit + ["--lambda", "x"], "--lambda: expected a number, found 'x'")
        try expectRefusal(fit + ["--lr", "0"], "--lr: expected a positive number, found 0.0")
        try expectRefusal(fit + ["--held-out", "0.9"], "--held-out: expected a number in [0, 0.5], found 0.9")
        try expectRefusal(fit + ["--target-batch", "0"], "--batch and --target-batch: expected at least 2 points each")
        try expectRefusal(["benchmark", "gaussian", "--points", "-5"], "--points must be more than the largest dimension")
        try expectRefusal(["benchmark", "mixture", "--dim", "-1"], "--dim must be integers in 1…512 separated by commas, got '-1'")
        try expectRefusal(["calibrate", "--dataset", "mnist", "--temperatures", "1,,2"], "--temperatures must be positive numbers")
        try expectRefusal(["calibrate", "--dataset", "mnist", "--temperatures", "-1"], "--temperatures must be positive numbers")
        try expectRefusal(["sample", "--source", "mnist", "--target", "mnist", "--png", "s.png"], "--source and --target must differ (a map between two datasets), got mnist for both")
        XCTAssertEqual(filesUnder(folder), [])
    }

    /// Overwrites the first element of tensor `name` in a safetensors file with `value`.
    func poke(_ file: URL, tensor name: String, _ value: Float) throws {
        var data = try Data(contentsOf: file)
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian)
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any])
        let entry = try XCTUnwrap(header[name] as? [String: Any], "no tensor \(name)")
        let start = 8 + length + (try XCTUnwrap(entry["data_offsets"] as? [Int]))[0]
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.replaceSubrange(start..<(start + 4), with: $0) }
        try data.write(to: file)
    }

    /// Finite inputs can still give non-finite results; nothing non-finite is
    /// written with exit 0: mapped points, a stripped copy of a NaN weight, a
    /// run whose optimiser state overflowed. A divergence names the files.
    func testNothingNonFiniteIsWritten() throws {
        try put("a.csv", cloud(40, shift: 0))
        try put("b.csv", cloud(40, shift: 2))
        try put("big.csv", Data((0..<4).map { _ in "3e38,-3e38" }.joined(separator: "\n").utf8))
        let tiny = ["--steps", "3", "--width", "8", "--depth", "1", "--batch", "16", "--target-batch", "16", "--collocation", "16", "--threads", "1"]
        let fitted = try binary.run(["fit", "--source", "a.csv", "--target", "b.csv", "--out", "m.safetensors"] + tiny, in: folder)
        XCTAssertEqual(fitted.status, 0, fitted.output)
        try expectRefusal(["map", "--model", "m.safetensors", "--input", "big.csv", "--out", "o.npy"],
                          "big.csv: non-finite value: expected points whose images under m.safetensors are finite, found point 0 maps to")
        try expectRefusal(["map", "--model", "m.safetensors", "--input", "big.csv", "--out", "o.npy", "--inverse"], "expected points whose preimages")
        try expectRefusal(["fit", "--source", "a.csv", "--target", "b.csv", "--out", "l.safetensors", "--lambda", "1e30"] + tiny,
                          "l.safetensors: non-finite value: expected finite numbers in tensor 'adam.")
        try poke(folder.appendingPathComponent("m.safetensors"), tensor: "u.layers.0.weight", .nan)
        try expectRefusal(["strip", "m.safetensors", "s.safetensors"], "m.safetensors: non-finite value: expected finite numbers in tensor 'u.layers.0.weight', found nan")
        try expectRefusal(["fit", "--source", "a.csv", "--target", "b.csv", "--out", "d.safetensors", "--lr", "1e30"] + tiny,
                          "diverged: fit a.csv → b.csv, step")
        XCTAssertEqual(filesUnder(folder).sorted(), ["a.csv", "b.csv", "big.csv", "m.safetensors"])
    }
}
