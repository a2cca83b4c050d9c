import Foundation
import GenOTFiles
@testable import GenOTImaging
import GenOTTestSupport
import XCTest

final class PNGTests: XCTestCase {
    /// Deterministic pseudo-random bytes (so the round trip sees every value pattern).
    private func bytes(_ count: Int, seed: UInt32) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(state >> 24)
        }
    }

    func testRoundTripKeepsGrayRGBAndRGBA() throws {
        let folder = try makeTemporaryFolder(self)
        for channels in [1, 3, 4] {
            let (width, height) = (7, 5)
            let pixels = bytes(width * height * channels, seed: UInt32(channels))
            let file = folder.appendingPathComponent("c\(channels).png")
            try PNG.write(pixels: pixels, width: width, height: height, channels: channels, to: file)
            let image = try PNG.read(from: file)
            XCTAssertEqual(image, PNGImage(width: width, height: height, channels: channels, pixels: pixels))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(names, ["c1.png", "c3.png", "c4.png"], "no temporary files may be left behind")
    }

    func testGrayAlphaIsReadAsRGBA() throws {
        let file = try makeTemporaryFolder(self).appendingPathComponent("ga.png")
        try PNG.write(pixels: [10, 255, 200, 128], width: 2, height: 1, channels: 2, to: file)
        let image = try PNG.read(from: file)
        XCTAssertEqual(image.channels, 4)
        XCTAssertEqual(image.pixels, [10, 10, 10, 255, 200, 200, 200, 128])
    }

    func testOverwriteReplacesTheFile() throws {
        let file = try makeTemporaryFolder(self).appendingPathComponent("same.png")
        try PNG.write(pixels: [0, 0], width: 2, height: 1, channels: 1, to: file)
        try PNG.write(pixels: [9, 9, 9], width: 1, height: 3, channels: 1, to: file)
        XCTAssertEqual(try PNG.read(from: file), PNGImage(width: 1, height: 3, channels: 1, pixels: [9, 9, 9]))
    }

    // MARK: Bad inputs

    func testMissingFile() throws {
        let file = try makeTemporaryFolder(self).appendingPathComponent("absent.png")
        assertFileError(.missing, file, "no such file") { _ = try PNG.read(from: file) }
    }

    func testNotAPNG() throws {
        let folder = try makeTemporaryFolder(self)
        let text = folder.appendingPathComponent("notes.png")
        try Data("just text".utf8).write(to: text)
        assertFileError(.wrongFormat, text, "6a 75 73 74") { _ = try PNG.read(from: text) }
        let empty = folder.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        assertFileError(.wrongFormat, empty, "an empty file") { _ = try PNG.read(from: empty) }
    }

    func testTruncatedAndCorruptFiles() throws {
        let folder = try makeTemporaryFolder(self)
        let good = folder.appendingPathComponent("good.png")
        try PNG.write(pixels: bytes(64 * 64 * 3, seed: 9), width: 64, height: 64, channels: 3, to: good)
        let whole = try Data(contentsOf: good)
        for keep in [20, 40, whole.count / 2, whole.count - 13, whole.count - 16] {
            let cut = folder.appendingPathComponent("cut-\(keep).png")
            try whole.prefix(keep).write(to: cut)
            assertFileError(.truncated, cut, "IEND") { _ = try PNG.read(from: cut) }
        }
        var damaged = [UInt8](whole)
        for i in stride(from: 60, to: whole.count - 20, by: 97) { damaged[i] ^= 0x5a }
        let corrupt = folder.appendingPathComponent("corrupt.png")
        try Data(damaged).write(to: corrupt)
        assertFileError(.corrupt, corrupt, "libpng: ") { _ = try PNG.read(from: corrupt) }
    }

    func testBadWritesLeaveNoFile() throws {
        let folder = try makeTemporaryFolder(self)
        let file = folder.appendingPathComponent("out.png")
        assertFileError(.wrongShape, file, "12 bytes") {
            try PNG.write(pixels: [1, 2, 3], width: 2, height: 2, channels: 3, to: file)
        }
        assertFileError(.wrongShape, file, "1, 2, 3 or 4 channels") {
            try PNG.write(pixels: [], width: 0, height: 0, channels: 5, to: file)
        }
        let nowhere = folder.appendingPathComponent("no-such-dir/out.png")
        assertFileError(.unwritable, nowhere, "libpng") {
            try PNG.write(pixels: [1], width: 1, height: 1, channels: 1, to: nowhere)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }
}
