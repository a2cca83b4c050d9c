import Foundation
import GenOTFiles
@testable import GenOTData
import GenOTTestSupport
import XCTest

final class DatasetsTests: XCTestCase {
    /// Six 3x2 images whose pixels encode their index, labels 0 1 2 0 1 2.
    let images = IDXArray(dimensions: [6, 3, 2], bytes: (0..<36).map { UInt8(($0 / 6) * 51) })
    let labels = IDXArray(dimensions: [6], bytes: [0, 1, 2, 0, 1, 2])

    private func makeDataDir(gzip: Bool, labels: IDXArray? = nil) throws -> URL {
        let dataDir = try makeTemporaryFolder(self)
        let folder = dataDir.appendingPathComponent("mnist", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let suffix = gzip ? ".gz" : ""
        try IDX.write(images, to: folder.appendingPathComponent("t10k-images-idx3-ubyte" + suffix))
        try IDX.write(labels ?? self.labels, to: folder.appendingPathComponent("t10k-labels-idx1-ubyte" + suffix))
        return dataDir
    }

    func testLoadsRawAndGzipSplits() throws {
        for gzip in [false, true] {
            let set = try Datasets.load(.mnist, split: .test, dataDir: makeDataDir(gzip: gzip))
            XCTAssertEqual(set.images.shape, [6, 1, 3, 2])
            XCTAssertEqual([set.count, set.rows, set.cols], [6, 3, 2])
            XCTAssertEqual(set.labels, [0, 1, 2, 0, 1, 2])
            XCTAssertEqual(set.images.storage[0], 0)
            XCTAssertEqual(set.images.storage[35], 1)          // byte 255 → exactly 1
            XCTAssertEqual(set.images.storage[6], 0.2, accuracy: 1e-7)
        }
    }

    func testPrefersGzipWhenBothExist() throws {
        let dataDir = try makeDataDir(gzip: false)
        let folder = dataDir.appendingPathComponent("mnist")
        try IDX.write(IDXArray(dimensions: [6], bytes: [9, 9, 9, 9, 9, 9]),
                      to: folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        XCTAssertEqual(try Datasets.load(.mnist, split: .test, dataDir: dataDir).labels, [9, 9, 9, 9, 9, 9])
    }

    func testMissingSplitSaysWhichScriptFetchesIt() throws {
        let dataDir = try makeDataDir(gzip: true)
        let expected = dataDir.appendingPathComponent("fashion/train-images-idx3-ubyte.gz")
        assertFileError(.missing, expected, "run `scripts/fetch-data fashion`") {
            _ = try Datasets.load(.fashion, split: .train, dataDir: dataDir)
        }
    }

    func testLabelCountMustMatchImageCount() throws {
        let dataDir = try makeDataDir(gzip: true, labels: IDXArray(dimensions: [5], bytes: [0, 1, 2, 3, 4]))
        let labelsFile = dataDir.appendingPathComponent("mnist/t10k-labels-idx1-ubyte.gz")
        assertFileError(.wrongShape, labelsFile, "expected 6 labels, one per image in") {
            _ = try Datasets.load(.mnist, split: .test, dataDir: dataDir)
        }
    }

    func testLabelsOutsideTheClassesAreRejected() throws {
        let dataDir = try makeDataDir(gzip: false, labels: IDXArray(dimensions: [6], bytes: [0, 1, 2, 10, 1, 2]))
        let labelsFile = dataDir.appendingPathComponent("mnist/t10k-labels-idx1-ubyte")
        assertFileError(.badValues, labelsFile, "label 10 at index 3") {
            _ = try Datasets.load(.mnist, split: .test, dataDir: dataDir)
        }
    }

    func testShapesAreChecked() throws {
        let file = URL(fileURLWithPath: "/virtual/images")
        assertFileError(.wrongShape, file, "[6, 6]") {
            _ = try Datasets.make(images: IDXArray(dimensions: [6, 6], bytes: images.bytes), imagesFile: file,
                                  labels: labels, labelsFile: file)
        }
        assertFileError(.wrongShape, file, "[3, 2]") {
            _ = try Datasets.make(images: images, imagesFile: file,
                                  labels: IDXArray(dimensions: [3, 2], bytes: labels.bytes), labelsFile: file)
        }
    }

    func testSubsetFilterAndBatch() throws {
        let set = try Datasets.load(.mnist, split: .test, dataDir: makeDataDir(gzip: false))
        let twos = set.filter(label: 2)
        XCTAssertEqual(twos.labels, [2, 2])
        XCTAssertEqual(twos.images.storage, set.batch([2, 5]).images.storage)
        let some = set.subset(classes: [0, 2])
        XCTAssertEqual(some.labels, [0, 2, 0, 2])
        XCTAssertEqual(some.images.storage[6], set.images.storage[12])   // the third kept image is image 2
        let (batch, batchLabels) = set.batch([4, 0, 4])
        XCTAssertEqual(batch.shape, [3, 1, 3, 2])
        XCTAssertEqual(batchLabels, [1, 0, 1])
        XCTAssertEqual(Array(batch.storage[0..<6]), Array(set.images.storage[24..<30]))
        XCTAssertEqual(Array(batch.storage[6..<12]), Array(set.images.storage[0..<6]))
        XCTAssertEqual(set.classCounts(), [2, 2, 2])
    }
}
