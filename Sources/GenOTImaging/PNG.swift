import CPNG
import Foundation
import GenOTFiles

/// An 8-bit image: `pixels` row-major, `channels` interleaved per pixel
/// (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA).
public struct PNGImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels,
                     "\(pixels.count) bytes for a \(width)x\(height) image with \(channels) channels")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

/// PNG files through libpng's simplified API (`png_image_*`), which reports
/// errors in `png_image.warning_or_error` / `message` instead of longjmp-ing
/// (Swift cannot use setjmp/longjmp).
///
/// Reading keeps the file's layout: gray → 1 channel, RGB → 3, RGBA → 4;
/// gray+alpha is widened to RGBA (4) and a palette to RGB or RGBA, so callers
/// only meet 1, 3 or 4 channels. 16-bit files are reduced to 8 bits by
/// rounding v / 257, so a 16-bit image reads as the same image saved in 8 bits.
/// A file cut short inside its image data is an error (`.truncated`); one
/// whose image data is whole but lacks only the closing IEND chunk is read.
public enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The IEND chunk every complete PNG ends with (length 0, type, CRC).
    static let iendChunk: [UInt8] = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]

    // png_image format flags (png.h PNG_FORMAT_FLAG_*).
    static let flagAlpha: UInt32 = 0x01
    static let flagColor: UInt32 = 0x02
    static let flagLinear: UInt32 = 0x04
    static let flagColormap: UInt32 = 0x08
    static let imageError: UInt32 = 2   // PNG_IMAGE_ERROR

    /// The most pixels a file may declare (8192 × 8192): the buffer is sized
    /// from the header before any image data is decoded.
    public static let maxPixels = 1 << 26

    public static func read(from file: URL) throws -> PNGImage {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw FileError(.missing, file, expected: "a PNG file", found: "no such file")
        }
        let data = try InputFile.contents(of: file)
        guard data.count >= signature.count, data.prefix(signature.count).elementsEqual(signature) else {
            let head = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw FileError(.wrongFormat, file, expected: "the PNG signature 89 50 4e 47 0d 0a 1a 0a",
                            found: data.isEmpty ? "an empty file" : "bytes \(head)")
        }
        let complete = data.suffix(iendChunk.count).elementsEqual(iendChunk)
        func failure(_ image: png_image, _ stage: String) -> FileError {
            let libpng = message(of: image)
            if !complete {
                return FileError(.truncated, file,
                                 expected: "a complete PNG ending in an IEND chunk",
                                 found: "\(data.count) bytes without IEND; libpng: \(libpng)")
            }
            return FileError(.corrupt, file, expected: "valid PNG data (\(stage))", found: "libpng: \(libpng)")
        }

        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> PNGImage in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                defer { png_image_free(&image) }
                throw failure(image, "header")
            }
            let paletted = image.format & flagColormap != 0
            let hasColor = image.format & flagColor != 0
            let hasAlpha = image.format & flagAlpha != 0
            // NOTE: libpng's simplified API takes 16-bit files as linear light and
            // converts them to sRGB when asked for 8 bits (32896 → 186); read the
            // 16-bit values themselves instead and scale them.
            let wide = image.format & flagLinear != 0
            let channels = hasAlpha ? 4 : (hasColor ? 3 : 1)
            image.format = hasAlpha ? (flagColor | flagAlpha) : (hasColor ? flagColor : 0)
            let (width, height) = (Int(image.width), Int(image.height))
            // Deflate packs at most ~1032 bytes into one, so a header claiming far
            // more pixels than the file could hold is refused as well.
            guard width * height <= min(maxPixels, raw.count * 1032) else {
                png_image_free(&image)
                throw FileError(.tooLarge, file,
                                expected: "at most \(min(maxPixels, raw.count * 1032)) pixels (8192 × 8192, and what \(raw.count) bytes can hold)",
                                found: "a header declaring \(width)×\(height)")
            }
            if paletted {
                return try readPalette(&image, file: file, width: width, height: height, channels: channels, failure: failure)
            }
            if wide { image.format |= flagLinear }
            let count = width * height * channels
            var samples = [UInt16](repeating: 0, count: wide ? count : 0)
            var pixels = [UInt8](repeating: 0, count: wide ? 0 : count)
            let ok = wide
                ? samples.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
                : pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            guard ok != 0, image.warning_or_error & imageError == 0 else {
                defer { png_image_free(&image) }
                throw failure(image, "image data")
            }
            png_image_free(&image)
            if wide { pixels = eightBit(samples, channels: channels, hasAlpha: hasAlpha) }
            return PNGImage(width: width, height: height, channels: channels, pixels: pixels)
        }
    }

    /// A palette image, read as indices and their colormap: libpng's own
    /// expansion gives an index beyond the palette some colour without a
    /// warning, so such a file would read as an image with exit 0.
    private static func readPalette(_ image: inout png_image, file: URL, width: Int, height: Int, channels: Int,
                                    failure: (png_image, String) -> FileError) throws -> PNGImage {
        let entries = Int(image.colormap_entries)
        image.format = (channels == 4 ? flagAlpha : 0) | flagColor | flagColormap
        var indices = [UInt8](repeating: 0, count: width * height)
        var colormap = [UInt8](repeating: 0, count: 256 * channels)
        let ok = indices.withUnsafeMutableBytes { pixels in
            colormap.withUnsafeMutableBytes { png_image_finish_read(&image, nil, pixels.baseAddress, 0, $0.baseAddress) }
        }
        defer { png_image_free(&image) }
        guard ok != 0, image.warning_or_error & imageError == 0 else { throw failure(image, "image data") }
        let used = Swift.min(entries, Int(image.colormap_entries))
        if let bad = indices.firstIndex(where: { Int($0) >= used }) {
            throw FileError(.corrupt, file, expected: "palette indices below the palette's \(used) entries",
                            found: "index \(indices[bad]) at pixel (\(bad % width), \(bad / width))")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for (k, index) in indices.enumerated() {
            for c in 0..<channels { pixels[k * channels + c] = colormap[Int(index) * channels + c] }
        }
        return PNGImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Writes 8-bit pixels (`channels` 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA,
    /// row-major, interleaved). The file appears only when complete.
    public static func write(pixels: [UInt8], width: Int, height: Int, channels: Int, to file: URL) throws {
        guard (1...4).contains(channels) else {
            throw FileError(.wrongShape, file, expected: "1, 2, 3 or 4 channels", found: "\(channels)")
        }
        guard width > 0, height > 0, width <= Int(Int32.max) / channels, height <= Int(Int32.max) else {
            throw FileError(.wrongShape, file, expected: "a positive width and height",
                            found: "\(width)x\(height)")
        }
        guard pixels.count == width * height * channels else {
            throw FileError(.wrongShape, file,
                            expected: "\(width * height * channels) bytes for \(width)x\(height)x\(channels)",
                            found: "\(pixels.count) bytes")
        }
        try AtomicFile.write(to: file) { temporary in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            image.width = UInt32(width)
            image.height = UInt32(height)
            image.format = (channels >= 3 ? flagColor : 0) | (channels % 2 == 0 ? flagAlpha : 0)
            let ok = pixels.withUnsafeBytes { buffer in
                png_image_write_to_file(&image, temporary.path, 0, buffer.baseAddress, 0, nil)
            }
            defer { png_image_free(&image) }
            guard ok != 0, image.warning_or_error & imageError == 0 else {
                throw FileError(.unwritable, file, expected: "libpng to write the image",
                                found: "libpng: \(message(of: image))")
            }
        }
    }

    public static func write(_ image: PNGImage, to file: URL) throws {
        try write(pixels: image.pixels, width: image.width, height: image.height, channels: image.channels, to: file)
    }

    /// libpng's message (a fixed 64-byte C string inside png_image).
    static func message(of image: png_image) -> String {
        var copy = image.message
        let text = withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "no message" : text
    }

    /// 16-bit samples → 8 bits (v / 257, rounded). With alpha, libpng hands
    /// linear colour premultiplied by alpha, so it is divided back out first.
    static func eightBit(_ samples: [UInt16], channels: Int, hasAlpha: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: samples.count)
        for pixel in 0..<(samples.count / channels) {
            let alpha = hasAlpha ? Double(samples[pixel * channels + channels - 1]) : 65535
            for k in 0..<channels {
                var value = Double(samples[pixel * channels + k])
                if hasAlpha, k < channels - 1 { value = alpha > 0 ? min(65535, value * 65535 / alpha) : 0 }
                out[pixel * channels + k] = UInt8((value / 257).rounded())
            }
        }
        return out
    }
}
