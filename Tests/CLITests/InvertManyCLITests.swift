import Foundation
import XCTest

/// `invert` over a whole IDX file: one [N, d] .npy and a normality table.
final class InvertManyCLITests: XCTestCase {
    func testInvertsEveryImageOfAnIDXFile() throws {
        let binary = try GenOTBinary.locate(), folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = try binary.run(["sample", "--dataset", "mnist", "--count", "3", "--png", "g.png", "--idx", "gen",
                                     "--checkpoints", shippedCheckpoints], in: folder)
        XCTAssertEqual(sample.status, 0, sample.output)
        let invert = try binary.run(["invert", "--dataset", "mnist", "--idx", "gen-images-idx3-ubyte", "--labels", "gen-labels-idx1-ubyte",
                                     "--out", "z.npy", "--checkpoints", shippedCheckpoints], in: folder)
        XCTAssertEqual(invert.status, 0, invert.output)
        XCTAssertTrue(invert.stdout.contains("wrote z.npy: z for 30 images in d = 16"), invert.output)
        XCTAssertTrue(invert.stdout.contains("class 9 n =      3"), invert.output)
        XCTAssertTrue(invert.stdout.contains("all     n =     30"), invert.output)
        // NPY header: shape (30, 16).
        let header = String(decoding: try Data(contentsOf: folder.appendingPathComponent("z.npy")).prefix(128), as: UTF8.self)
        XCTAssertTrue(header.contains("'shape': (30, 16)"), header)

        let missingClass = try binary.run(["invert", "--dataset", "mnist", "--idx", "gen-images-idx3-ubyte", "--out", "w.npy",
                                           "--checkpoints", shippedCheckpoints], in: folder)
        XCTAssertNotEqual(missingClass.status, 0)
        XCTAssertTrue(missingClass.stderr.contains("give --class C or --labels FILE"), missingClass.output)
        let wrongCount = try binary.run(["invert", "--dataset", "mnist", "--idx", "gen-images-idx3-ubyte", "--labels", "z.npy",
                                         "--out", "w.npy", "--checkpoints", shippedCheckpoints], in: folder)
        XCTAssertNotEqual(wrongCount.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("w.npy").path))
    }
}
