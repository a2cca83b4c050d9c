import Foundation
import GenOTData
import GenOTFiles
import GenOTTestSupport
import XCTest

/// Files a user (or an attacker) might hand the dataset readers: each gets a
/// typed error naming the file, never a trap or an unbounded allocation.
final class HostileDataTests: XCTestCase {
    func testGzipOutputIsCapped() throws {
        let file = URL(fileURLWithPath: "bomb.gz")
        let packed = try Gzip.compress([UInt8](repeating: 0, count: 1 << 21), file: file)
        XCTAssertThrowsError(try Gzip.decompress(Data(packed), file: file, limit: 1 << 20)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .tooLarge, "\(error)")
        }
        XCTAssertEqual(try Gzip.decompress(Data(packed), file: file, limit: 1 << 21).count, 1 << 21)
    }

    /// A split of `side`×`side` images labelled 0..<classes in turn.
    func writeSplit(_ folder: URL, side: Int, classes: Int, count: Int = 40) throws {
        let (images, labels) = Datasets.files(.mnist, split: .test, dataDir: folder)
        try FileManager.default.createDirectory(at: images.deletingLastPathComponent(), withIntermediateDirectories: true)
        try IDX.write(IDXArray(dimensions: [count, side, side], bytes: [UInt8](repeating: 9, count: count * side * side)), to: images)
        try IDX.write(IDXArray(dimensions: [count], bytes: (0..<count).map { UInt8($0 % classes) }), to: labels)
    }

    func testSplitsAreCheckedAgainstWhatTheModelsNeed() throws {
        let wrongSize = try makeTemporaryFolder(self)
        try writeSplit(wrongSize, side: 32, classes: 10)
        XCTAssertNoThrow(try Datasets.load(.mnist, split: .test, dataDir: wrongSize))
        XCTAssertThrowsError(try Datasets.load(.mnist, split: .test, dataDir: wrongSize, requirement: .models())) { error in
            XCTAssertTrue("\(error)".contains("expected 28×28 images (the models' input size), found 32×32"), "\(error)")
        }
        let missingClass = try makeTemporaryFolder(self)
        try writeSplit(missingClass, side: 28, classes: 9)
        XCTAssertThrowsError(try Datasets.load(.mnist, split: .test, dataDir: missingClass,
                                               requirement: .models(perClass: 1, because: "a reason"))) { error in
            XCTAssertEqual((error as? FileError)?.kind, .badValues)
            XCTAssertTrue("\(error)".contains("t10k-labels-idx1-ubyte.gz"), "\(error)")
            XCTAssertTrue("\(error)".contains("at least 1 images of every class 0–9 (a reason), found 0 of class 9"), "\(error)")
        }
        let fewPerClass = try makeTemporaryFolder(self)
        try writeSplit(fewPerClass, side: 28, classes: 10, count: 30)
        XCTAssertNoThrow(try Datasets.load(.mnist, split: .test, dataDir: fewPerClass, requirement: .models(perClass: 3)))
        XCTAssertThrowsError(try Datasets.load(.mnist, split: .test, dataDir: fewPerClass, requirement: .models(perClass: 17)))
    }

    func testFoldersAndDevicesAreNamedAsSuch() throws {
        let folder = try makeTemporaryFolder(self)
        XCTAssertThrowsError(try IDX.read(from: folder)) { error in
            XCTAssertEqual((error as? FileError)?.found, "a folder", "\(error)")
        }
        XCTAssertThrowsError(try IDX.read(from: URL(fileURLWithPath: "/dev/null"))) { error in
            XCTAssertEqual((error as? FileError)?.found, "a device, pipe or socket", "\(error)")
        }
    }

    /// Random bytes and broken headers, raw and gzip-compressed: an error each time, never a trap.
    func testMalformedIDXAndGzipFilesGiveErrors() throws {
        let folder = try makeTemporaryFolder(self)
        let valid = IDX.encode(IDXArray(dimensions: [3, 4, 5], bytes: (0..<60).map { UInt8($0) }))
        let gz = try Gzip.compress(valid, file: folder)
        for (name, bytes) in [("raw-idx3-ubyte", valid), ("packed-idx3-ubyte.gz", gz)] {
            for (k, variant) in malformedVariants(of: bytes, headerLength: 20, seed: 7).enumerated() {
                let file = folder.appendingPathComponent("\(k)-\(name)")
                try Data(variant).write(to: file)
                do { _ = try IDX.read(from: file) } catch is FileError {} catch {
                    XCTFail("\(file.lastPathComponent): unexpected error \(error)")
                }
            }
        }
    }
}
