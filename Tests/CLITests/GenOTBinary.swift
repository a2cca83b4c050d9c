import Foundation
import XCTest

/// Runs the built `gen-ot` executable (built beside the test bundle by
/// `swift build --build-tests`, which `swift test` and scripts/test run
/// first). A missing binary fails the test: skipping would let a suite pass
/// with every CLI test unrun.
struct GenOTBinary {
    let url: URL

    /// The binary next to this test bundle, else `<package>/.build/debug/gen-ot`.
    static func locate() throws -> GenOTBinary {
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [bundleFolder.appendingPathComponent("gen-ot"),
                          Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("gen-ot"),
                          package.appendingPathComponent(".build/debug/gen-ot")]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw MissingBinary(candidates: candidates.map(\.path))
        }
        return GenOTBinary(url: found)
    }

    struct MissingBinary: Error, CustomStringConvertible {
        let candidates: [String]
        var description: String { "gen-ot binary not built (looked at \(candidates)); run `swift build --build-tests` first" }
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var output: String { stdout + stderr }
    }

    /// Runs `gen-ot arguments…` in `folder` and waits for it.
    func run(_ arguments: [String], in folder: URL) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes are read to the end before waiting: a full pipe would block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// The repository's shipped checkpoints folder.
let shippedCheckpoints = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("checkpoints").path

/// An empty scratch folder to run the binary in.
func scratchFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("genot-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every file under `folder`, relative paths.
func filesUnder(_ folder: URL) -> [String] {
    (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String]) ?? []
}
