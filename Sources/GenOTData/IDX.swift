import Foundation
import GenOTFiles

/// An IDX array of unsigned bytes: `dimensions` (e.g. `[60000, 28, 28]` for
/// images, `[60000]` for labels) and the row-major payload.
public struct IDXArray: Equatable, Sendable {
    public let dimensions: [Int]
    /// Row-major elements, `dimensions.reduce(1, *)` of them.
    public let bytes: [UInt8]

    public init(dimensions: [Int], bytes: [UInt8]) {
        precondition(!dimensions.isEmpty && dimensions.allSatisfy { $0 >= 0 }, "bad IDX dimensions \(dimensions)")
        precondition(bytes.count == dimensions.reduce(1, *),
                     "\(bytes.count) bytes for IDX dimensions \(dimensions)")
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// The number of items along the first axis (images, labels).
    public var count: Int { dimensions[0] }
}

/// Reads and writes IDX files (the MNIST format), raw or gzip-compressed.
///
/// Layout: two zero bytes, a type code (0x08 = unsigned byte, the only one
/// supported here), the rank r, then r big-endian UInt32 sizes, then the
/// payload. The file must hold exactly the payload its dimensions announce.
public enum IDX {
    public static let unsignedByteType: UInt8 = 0x08

    /// Reads `file`; gzip content is recognised by its magic bytes 1f 8b.
    /// A name ending in `.gz` on content that is not gzip is an error.
    public static func read(from file: URL) throws -> IDXArray {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw FileError(.missing, file, expected: "an IDX file", found: "no such file")
        }
        let data = try InputFile.contents(of: file)
        guard !data.isEmpty else {
            throw FileError(.truncated, file, expected: "an IDX header", found: "0 bytes")
        }
        if Gzip.isGzip(data) {
            let inflated = try Gzip.decompress(data, file: file)
            return try inflated.withUnsafeBytes { try parse($0, file: file, wasGzip: true) }
        }
        if file.pathExtension.lowercased() == "gz" {
            let head = data.prefix(2).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw FileError(.wrongFormat, file, expected: "gzip magic bytes 1f 8b (the name ends in .gz)",
                            found: "bytes \(head)", hint: "rename the file or compress it with gzip")
        }
        return try data.withUnsafeBytes { try parse($0, file: file, wasGzip: false) }
    }

    /// Parses a whole IDX file held in memory; `file` is only used in errors.
    public static func parse(_ raw: UnsafeRawBufferPointer, file: URL, wasGzip: Bool = false) throws -> IDXArray {
        let source = wasGzip ? " after gzip decompression" : ""
        guard raw.count >= 4 else {
            throw FileError(.truncated, file,
                            expected: "a 4-byte magic number", found: "\(raw.count) bytes\(source)")
        }
        guard raw[0] == 0, raw[1] == 0 else {
            throw FileError(.wrongFormat, file, expected: "IDX magic 00 00 <type> <rank>",
                            found: raw.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " "))
        }
        guard raw[2] == unsignedByteType else {
            throw FileError(.unsupported, file, expected: "type code 0x08 (unsigned byte)",
                            found: String(format: "type code 0x%02X", raw[2]) + " (\(typeName(raw[2])))")
        }
        let rank = Int(raw[3])
        guard rank >= 1 else {
            throw FileError(.wrongShape, file, expected: "at least one dimension", found: "rank 0")
        }
        let headerLength = 4 + 4 * rank
        guard raw.count >= headerLength else {
            throw FileError(.truncated, file,
                            expected: "\(headerLength) header bytes for rank \(rank)",
                            found: "\(raw.count) bytes\(source)")
        }
        var dimensions: [Int] = []
        var elementCount = 1
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let size = (0..<4).reduce(0) { ($0 << 8) | Int(raw[offset + $1]) }
            dimensions.append(size)
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw FileError(.wrongShape, file, expected: "dimensions whose product fits in memory",
                                found: "dimensions starting \(dimensions)")
            }
            elementCount = product
        }
        let payload = raw.count - headerLength
        if payload < elementCount {
            throw FileError(.truncated, file,
                            expected: "\(elementCount) payload bytes after the \(headerLength)-byte header "
                                + "for dimensions \(dimensions)",
                            found: "\(payload)\(source)")
        }
        if payload > elementCount {
            throw FileError(.trailingData, file,
                            expected: "\(elementCount) payload bytes for dimensions \(dimensions)",
                            found: "\(payload) (\(payload - elementCount) extra)\(source)")
        }
        let bytes = [UInt8](UnsafeRawBufferPointer(rebasing: raw[headerLength...]))
        return IDXArray(dimensions: dimensions, bytes: bytes)
    }

    /// The file's bytes: header then payload.
    public static func encode(_ array: IDXArray) -> [UInt8] {
        var out: [UInt8] = [0, 0, unsignedByteType, UInt8(array.dimensions.count)]
        out.reserveCapacity(out.count + 4 * array.dimensions.count + array.bytes.count)
        for size in array.dimensions {
            let value = UInt32(size)
            out += [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
        }
        out += array.bytes
        return out
    }

    /// Writes `array` to `file`, gzip-compressed when `gzip` is true (by
    /// default, when the name ends in `.gz`). The file is written to a
    /// temporary name and renamed, so a failure leaves no partial file.
    public static func write(_ array: IDXArray, to file: URL, gzip: Bool? = nil) throws {
        guard array.dimensions.count <= 255, array.dimensions.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw FileError(.unwritable, file, expected: "at most 255 dimensions of at most 2^32-1",
                            found: "dimensions \(array.dimensions)")
        }
        let hasGzipName = file.pathExtension.lowercased() == "gz"
        let compress = gzip ?? hasGzipName
        if hasGzipName && !compress {
            throw FileError(.unwritable, file, expected: "gzip output for a name ending in .gz",
                            found: "gzip: false", hint: "drop the .gz suffix or pass gzip: true")
        }
        let raw = encode(array)
        let contents = compress ? try Gzip.compress(raw, file: file) : raw
        do {
            try AtomicFile.write(Data(contents), to: file)
        } catch {
            throw FileError(.unwritable, file, expected: "a writable location",
                            found: "write error: \(error.localizedDescription)")
        }
    }

    private static func typeName(_ code: UInt8) -> String {
        switch code {
        case 0x09: return "signed byte"
        case 0x0B: return "int16"
        case 0x0C: return "int32"
        case 0x0D: return "float32"
        case 0x0E: return "float64"
        default: return "unknown"
        }
    }
}
