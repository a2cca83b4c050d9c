import CZlib
import Foundation
import GenOTFiles

/// In-memory gzip through zlib (RFC 1952 framing, `windowBits = 15 + 16`).
///
/// NOTE: `inflateInit2` / `deflateInit2` are C macros Swift cannot see; the
/// underscore functions they expand to take the zlib version and the stream
/// size so the library can check that header and library agree.
public enum Gzip {
    /// The two bytes every gzip stream starts with.
    public static let magic: [UInt8] = [0x1f, 0x8b]

    /// True when `data` starts with the gzip magic bytes.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == magic[0] && data[data.startIndex + 1] == magic[1]
    }

    /// The most a file may inflate to (the largest dataset file, MNIST's
    /// training images, is 47 MB): a small "gzip bomb" cannot take the memory.
    public static let maxInflatedBytes = 1 << 28

    /// Decompresses a whole gzip file's contents (concatenated members too).
    ///
    /// A stream that ends before its trailer, corrupt deflate data, a bad CRC,
    /// bytes after the last member and output beyond `limit` bytes are all
    /// errors naming `file`: a partly inflated buffer is never returned as if
    /// it were the whole file.
    public static func decompress(_ data: Data, file: URL, limit: Int = maxInflatedBytes) throws -> [UInt8] {
        guard isGzip(data) else {
            let head = data.prefix(2).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw FileError(.wrongFormat, file, expected: "gzip magic bytes 1f 8b",
                            found: head.isEmpty ? "an empty file" : "bytes \(head)")
        }
        guard data.count <= Int(UInt32.max) else {
            throw FileError(.corrupt, file, expected: "at most 4 GiB of gzip data",
                            found: "\(data.count) bytes")
        }
        var output = [UInt8](repeating: 0, count: min(initialCapacity(for: data), limit + 1))
        var produced = 0
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var stream = z_stream()
            stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(raw.count)
            guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw FileError(.corrupt, file, expected: "zlib to initialise", found: "inflateInit2 failed")
            }
            defer { inflateEnd(&stream) }
            while true {
                if produced == output.count {
                    guard produced <= limit else {
                        throw FileError(.tooLarge, file, expected: "at most \(limit) bytes once inflated",
                                        found: "more from \(data.count) compressed bytes",
                                        hint: "not a dataset file; MNIST's largest inflates to 47 MB")
                    }
                    output.append(contentsOf: repeatElement(0, count: min(max(output.count, 1 << 16), limit + 1 - output.count)))
                }
                let status: Int32 = output.withUnsafeMutableBufferPointer { buffer in
                    let room = min(buffer.count - produced, Int(UInt32.max))
                    stream.next_out = buffer.baseAddress! + produced
                    stream.avail_out = uInt(room)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return status
                }
                switch status {
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return }
                    // Another member may follow (as `cat a.gz b.gz` makes); anything else is junk.
                    if stream.avail_in >= 2, stream.next_in[0] == magic[0], stream.next_in[1] == magic[1] {
                        inflateReset(&stream)
                        continue
                    }
                    throw FileError(.corrupt, file, expected: "end of file after the gzip stream",
                                    found: "\(stream.avail_in) extra bytes")
                case Z_OK, Z_BUF_ERROR:
                    if stream.avail_in == 0 && stream.avail_out > 0 {
                        throw FileError(.truncated, file,
                                        expected: "a complete gzip stream ending in its CRC and length trailer",
                                        found: "the data ends after \(data.count) compressed bytes "
                                            + "(\(produced) bytes inflated)",
                                        hint: "the file was probably cut short while downloading or copying")
                    }
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw FileError(.corrupt, file, expected: "valid deflate data",
                                    found: "\(reason) after \(produced) inflated bytes")
                }
            }
        }
        guard produced <= limit else {
            throw FileError(.tooLarge, file, expected: "at most \(limit) bytes once inflated", found: "\(produced)")
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Compresses `bytes` into one gzip member (header, deflate data, CRC-32, size).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6, file: URL) throws -> [UInt8] {
        guard bytes.count < Int(UInt32.max) else {
            throw FileError(.unwritable, file, expected: "under 4 GiB to compress", found: "\(bytes.count) bytes")
        }
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FileError(.unwritable, file, expected: "zlib to initialise", found: "deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        // deflateBound includes the gzip wrapper; the slack covers header fields zlib may add.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var status: Int32 = Z_OK
        var written = 0
        bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                status = deflate(&stream, Z_FINISH)
                written = out.count - Int(stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else {
            throw FileError(.unwritable, file, expected: "deflate to finish in one call",
                            found: "zlib status \(status)")
        }
        output.removeSubrange(written...)
        return output
    }

    /// The inflated size recorded in the trailer (ISIZE, size mod 2^32), so a
    /// typical file inflates into one allocation. NOTE: in a damaged file those
    /// bytes are arbitrary, so the hint is capped by deflate's best ratio (~1032:1).
    private static func initialCapacity(for data: Data) -> Int {
        guard data.count >= 18 else { return 1 << 16 }
        let size = data.suffix(4).reversed().reduce(0) { ($0 << 8) | Int($1) }
        return max(min(size, data.count * 1032, 1 << 30), 1 << 16)
    }
}
