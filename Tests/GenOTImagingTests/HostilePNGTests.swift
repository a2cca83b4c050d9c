import Foundation
import GenOTFiles
@testable import GenOTImaging
import GenOTTestSupport
import XCTest

final class HostilePNGTests: XCTestCase {
    /// 2×2 16-bit gray: 128·257, 0 / 65535, 1000 (written by Python's zlib).
    static let gray16 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACEAAAAAAHTY67AAAAEklEQVR4nGNoaGBgYPj/n/kFABBxA+oMHVxCAAAAAElFTkSuQmCC"
    /// 2×1 16-bit RGBA: (128, 64, 255, 255)·257 and (200, 10, 0, 128)·257.
    static let rgba16 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABEAYAAACksqPJAAAAGElEQVR4nGNoaHBw+A8EJ05wcTEwNDQAAE3NCCEQW0zkAAAAAElFTkSuQmCC"

    /// 2×2 palette images (palette (10, 20, 30), (200, 100, 0)), indices 0 1 / 1 0:
    /// plain, with index 5 in place of the first 1, and with entry 0 at alpha 128.
    static let palette = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAMAAABFaP0WAAAABlBMVEUKFB7IZAC/d+IcAAAADElEQVR4nGNgYARCAAAMAAMrY8tQAAAAAElFTkSuQmCC"
    static let paletteOutOfRange = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAMAAABFaP0WAAAABlBMVEUKFB7IZAC/d+IcAAAADklEQVR4nGNgYGVgZAAAABwABzSIeyUAAAAASUVORK5CYII="
    static let paletteAlpha = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAMAAABFaP0WAAAABlBMVEUKFB7IZAC/d+IcAAAAAXRSTlOArV5bRgAAAAxJREFUeJxjYGAEQgAADAADK2PLUAAAAABJRU5ErkJggg=="

    func write(_ base64: String, _ name: String) throws -> URL {
        let file = try makeTemporaryFolder(self).appendingPathComponent(name)
        try Data(base64Encoded: base64)!.write(to: file)
        return file
    }

    /// A 16-bit image reads as the same image saved in 8 bits (v / 257), not
    /// through libpng's linear-to-sRGB conversion (186 for 128·257).
    func testSixteenBitFilesReadAsTheirEightBitValues() throws {
        let gray = try PNG.read(from: write(Self.gray16, "g16.png"))
        XCTAssertEqual(gray, PNGImage(width: 2, height: 2, channels: 1, pixels: [128, 0, 255, 4]))
        let rgba = try PNG.read(from: write(Self.rgba16, "rgba16.png"))
        XCTAssertEqual(rgba, PNGImage(width: 2, height: 1, channels: 4, pixels: [128, 64, 255, 255, 200, 10, 0, 128]))
    }

    /// Palettes expand to RGB (RGBA with tRNS); an index past the palette is an error naming the pixel.
    func testPaletteImagesExpandAndRefuseIndicesPastThePalette() throws {
        let rgb = try PNG.read(from: write(Self.palette, "p.png"))
        XCTAssertEqual(rgb, PNGImage(width: 2, height: 2, channels: 3, pixels: [10, 20, 30, 200, 100, 0, 200, 100, 0, 10, 20, 30]))
        let rgba = try PNG.read(from: write(Self.paletteAlpha, "pa.png"))
        XCTAssertEqual(rgba.channels, 4)
        XCTAssertEqual(Array(rgba.pixels[0..<8]), [10, 20, 30, 128, 200, 100, 0, 255])
        XCTAssertThrowsError(try PNG.read(from: write(Self.paletteOutOfRange, "bad.png"))) { error in
            XCTAssertEqual((error as? FileError)?.kind, .corrupt, "\(error)")
            XCTAssertTrue("\(error)".contains("index 5 at pixel (1, 0)"), "\(error)")
        }
    }

    /// A header declaring far more pixels than the file could hold is refused
    /// before the pixel buffer is allocated.
    func testDeclaredSizeIsCappedBeforeDecoding() throws {
        var bytes = [UInt8](Data(base64Encoded: Self.gray16)!)
        // IHDR width and height (bytes 16–23) → 30000 × 30000, and the chunk's
        // CRC recomputed so that libpng reads the header.
        let size: [UInt8] = [0, 0, 0x75, 0x30]
        bytes.replaceSubrange(16..<20, with: size)
        bytes.replaceSubrange(20..<24, with: size)
        bytes.replaceSubrange(29..<33, with: crc32(Array(bytes[12..<29])))
        let file = try makeTemporaryFolder(self).appendingPathComponent("huge.png")
        try Data(bytes).write(to: file)
        XCTAssertThrowsError(try PNG.read(from: file)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .tooLarge, "\(error)")
            XCTAssertTrue("\(error)".contains("a header declaring 30000×30000"), "\(error)")
        }
    }

    func testMalformedPNGsGiveErrors() throws {
        let folder = try makeTemporaryFolder(self)
        let valid = [UInt8](Data(base64Encoded: Self.rgba16)!)
        for (k, variant) in malformedVariants(of: valid, headerLength: 33, seed: 3).enumerated() {
            let file = folder.appendingPathComponent("\(k).png")
            try Data(variant).write(to: file)
            do { _ = try PNG.read(from: file) } catch is FileError {} catch {
                XCTFail("\(k).png: unexpected error \(error)")
            }
        }
        XCTAssertThrowsError(try PNG.read(from: folder)) { XCTAssertEqual(($0 as? FileError)?.found, "a folder") }
    }

    /// A write killed half-way leaves a temporary named after its process; the
    /// next write of the same file removes it (but not a live writer's).
    func testStaleTemporariesAreRemovedOnTheNextWrite() throws {
        let folder = try makeTemporaryFolder(self)
        let file = folder.appendingPathComponent("grid.png")
        let dead = folder.appendingPathComponent(".grid.png.tmp-999999999-X"), live = OutputFile.temporary(for: file)
        let oldStyle = folder.appendingPathComponent(".grid.png.\(UUID().uuidString).tmp")
        let recentOldStyle = folder.appendingPathComponent(".grid.png.\(UUID().uuidString).tmp")
        for leftover in [dead, live, oldStyle, recentOldStyle] { try Data([1, 2, 3]).write(to: leftover) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: oldStyle.path)
        try PNG.write(pixels: [0, 255], width: 2, height: 1, channels: 1, to: file)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: oldStyle.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: recentOldStyle.path))
    }

    /// CRC-32 (ISO-HDLC), as PNG chunks use it, big-endian.
    func crc32(_ bytes: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        crc ^= 0xffff_ffff
        return [UInt8(crc >> 24), UInt8((crc >> 16) & 0xff), UInt8((crc >> 8) & 0xff), UInt8(crc & 0xff)]
    }
}
