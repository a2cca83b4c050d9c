import Foundation
import GenOTFiles
@testable import GenOTData
import GenOTTestSupport
import XCTest

final class IDXTests: XCTestCase {
    let images = IDXArray(dimensions: [3, 4, 5], bytes: (0..<60).map { UInt8($0 * 4) })
    let labels = IDXArray(dimensions: [3], bytes: [7, 0, 9])

    func testRawRoundTrip() throws {
        let folder = try makeTemporaryFolder(self)
        for array in [images, labels] {
            let file = folder.appendingPathComponent("array-\(array.dimensions.count)")
            try IDX.write(array, to: file)
            XCTAssertEqual(try Data(contentsOf: file).prefix(4), Data([0, 0, 8, UInt8(array.dimensions.count)]))
            XCTAssertEqual(try IDX.read(from: file), array)
        }
    }

    func testGzipRoundTrip() throws {
        let folder = try makeTemporaryFolder(self)
        let file = folder.appendingPathComponent("images-idx3-ubyte.gz")
        try IDX.write(images, to: file)   // gzip chosen from the name
        XCTAssertEqual(try Data(contentsOf: file).prefix(2), Data([0x1f, 0x8b]))
        XCTAssertEqual(try IDX.read(from: file), images)
    }

    func testGzipContentWithoutGzNameIsRead() throws {
        let folder = try makeTemporaryFolder(self)
        let file = folder.appendingPathComponent("labels-idx1-ubyte")
        try IDX.write(labels, to: file, gzip: true)
        XCTAssertEqual(try IDX.read(from: file), labels)
    }

    func testConcatenatedGzipMembersAreOneStream() throws {
        let file = URL(fileURLWithPath: "/virtual/two-members.gz")
        let whole = IDX.encode(labels)
        let parts = try Gzip.compress(Array(whole[..<5]), file: file) + Gzip.compress(Array(whole[5...]), file: file)
        XCTAssertEqual(try Gzip.decompress(Data(parts), file: file), whole)
    }

    func testWritingRawDataUnderGzNameIsRefused() throws {
        let folder = try makeTemporaryFolder(self)
        let file = folder.appendingPathComponent("x.gz")
        assertFileError(.unwritable, file, "gzip") { try IDX.write(labels, to: file, gzip: false) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.path))
    }

    // MARK: Bad inputs: each has its own kind, and the message names file and problem.

    func testMissingFile() throws {
        let file = try makeTemporaryFolder(self).appendingPathComponent("nothing-here")
        assertFileError(.missing, file, "no such file") { _ = try IDX.read(from: file) }
    }

    func testEmptyFile() throws {
        let file = try write([], named: "empty")
        assertFileError(.truncated, file, "0 bytes") { _ = try IDX.read(from: file) }
    }

    func testWrongMagic() throws {
        let file = try write(Array("hello, world".utf8), named: "text")
        assertFileError(.wrongFormat, file, "68 65 6c 6c") { _ = try IDX.read(from: file) }
    }

    func testUnsupportedTypeCode() throws {
        let file = try write([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], named: "floats")
        assertFileError(.unsupported, file, "0x0D (float32)") { _ = try IDX.read(from: file) }
    }

    func testTruncatedHeader() throws {
        let file = try write([0, 0, 8, 3, 0, 0, 0, 2, 0, 0], named: "short-header")
        assertFileError(.truncated, file, "16 header bytes for rank 3") { _ = try IDX.read(from: file) }
        let tiny = try write([0, 0], named: "two-bytes")
        assertFileError(.truncated, tiny, "4-byte magic") { _ = try IDX.read(from: tiny) }
    }

    func testTruncatedPayload() throws {
        let bytes = IDX.encode(images)
        let file = try write(Array(bytes.dropLast(7)), named: "short-payload")
        assertFileError(.truncated, file, "expected 60 payload bytes") { _ = try IDX.read(from: file) }
        XCTAssertTrue(try message { _ = try IDX.read(from: file) }.contains("found 53"))
    }

    func testTrailingBytes() throws {
        let file = try write(IDX.encode(labels) + [1, 2], named: "long-payload")
        assertFileError(.trailingData, file, "2 extra") { _ = try IDX.read(from: file) }
    }

    func testDimensionsTooLargeForAnyFile() throws {
        let huge: [UInt8] = [0xff, 0xff, 0xff, 0xff]
        let file = try write([0, 0, 8, 3] + huge + huge + huge + [1, 2, 3], named: "huge")
        assertFileError(.wrongShape, file, "product") { _ = try IDX.read(from: file) }
    }

    func testTruncatedPayloadInsideGzip() throws {
        let packed = try Gzip.compress(Array(IDX.encode(images).dropLast(1)), file: URL(fileURLWithPath: "/virtual"))
        let file = try write(packed, named: "short-inside.gz")
        assertFileError(.truncated, file, "after gzip decompression") { _ = try IDX.read(from: file) }
    }

    func testGzNameOnNonGzipContent() throws {
        let file = try write(IDX.encode(labels), named: "labels-idx1-ubyte.gz")
        assertFileError(.wrongFormat, file, "1f 8b") { _ = try IDX.read(from: file) }
    }

    func testTruncatedGzipStream() throws {
        let packed = try Gzip.compress(IDX.encode(images), file: URL(fileURLWithPath: "/virtual"))
        for keep in [packed.count - 4, packed.count / 2, 10, 2] {
            let file = try write(Array(packed.prefix(keep)), named: "cut-\(keep).gz")
            assertFileError(.truncated, file, "complete gzip stream") { _ = try IDX.read(from: file) }
        }
    }

    func testCorruptGzipStream() throws {
        var packed = try Gzip.compress(IDX.encode(images), file: URL(fileURLWithPath: "/virtual"))
        packed[packed.count - 6] ^= 0xff   // inside the CRC-32
        let file = try write(packed, named: "bad-crc.gz")
        assertFileError(.corrupt, file, "incorrect data check") { _ = try IDX.read(from: file) }
        let junk = try write(try Gzip.compress(IDX.encode(labels), file: file) + [0, 1, 2], named: "junk.gz")
        assertFileError(.corrupt, junk, "3 extra bytes") { _ = try IDX.read(from: junk) }
    }

    // MARK: Helpers

    private func write(_ bytes: [UInt8], named name: String) throws -> URL {
        let file = try makeTemporaryFolder(self).appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file
    }
}

/// The error message `body` throws (fails the test if it throws none).
func message(_ body: () throws -> Void) throws -> String {
    do {
        try body()
    } catch {
        return String(describing: error)
    }
    XCTFail("expected an error")
    return ""
}
