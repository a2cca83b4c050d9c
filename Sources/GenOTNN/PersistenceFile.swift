import Foundation
import GenOTFiles

// MARK: - File and byte helpers of Safetensors and NPY

/// Whole-file reads and crash-safe writes that report failures as `FileError`.
enum PersistenceFile {
    /// The bytes of `url`, or `.missing` / `.unreadable` saying why (a folder, permissions).
    static func contents(of url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FileError(.missing, url, expected: "a file", found: "no such file")
        }
        return try InputFile.contents(of: url, mapped: true)
    }

    /// Writes `data` to a temporary file beside `url`, flushes it to disk, then renames
    /// it over `url`. A failure at any point leaves the previous `url` untouched (a
    /// half-written checkpoint is worse than none) and removes the temporary file.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw FileError(.unwritable, url, expected: "an existing folder", found: "no folder '\(folder.relativePath)'")
        }
        do {
            try AtomicFile.write(data, to: url)
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(.unwritable, url, expected: "a writable file", found: error.localizedDescription)
        }
    }
}

/// An element type as stored on disk, little-endian; read back as Float32.
enum StoredElement: Sendable {
    case float32, float64, uint8, int8, int32, int64

    var byteCount: Int {
        switch self {
        case .uint8, .int8: 1
        case .float32, .int32: 4
        case .float64, .int64: 8
        }
    }

    /// `count` elements starting at byte `offset` of `raw`, converted to Float32
    /// (float64 and int64 round to nearest). The caller has checked the bounds.
    func decode(_ raw: UnsafeRawBufferPointer, at offset: Int, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            let size = byteCount
            for k in 0..<count {
                let at = offset + k * size
                switch self {
                case .float32:
                    out[k] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                case .float64:
                    out[k] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
                case .uint8:
                    out[k] = Float(raw[at])
                case .int8:
                    out[k] = Float(Int8(bitPattern: raw[at]))
                case .int32:
                    out[k] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
                case .int64:
                    out[k] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
                }
            }
            initialized = count
        }
    }
}

/// The element count of `shape`, or nil when it overflows `Int`.
///
/// NOTE: multiplies in the same order as `Tensor.init`'s check, so a shape that
/// passes here cannot trap there (a file could claim `[Int.max, Int.max, 0]`).
func checkedElementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for dimension in shape {
        let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
        if overflow || dimension < 0 { return nil }
        count = product
    }
    return count
}
