import Foundation
import GenOTFiles

/// Why reading or writing a checkpoint (`.safetensors`) or array (`.npy`) failed.
///
/// The description names the file as the caller gave it, the kind of problem,
/// and what was expected against what was found, e.g.
/// `checkpoints/x.safetensors: truncated: header says 1024 bytes of tensor data, file has 512`.
/// Both formats share this one type so a caller (the CLI) prints either the same way.
public struct PersistenceError: Error, CustomStringConvertible, LocalizedError, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case unreadable = "cannot read"
        case unwritable = "cannot write"
        case truncated
        case corruptHeader = "corrupt header"
        case unsupportedDType = "unsupported dtype"
        case unsupportedLayout = "unsupported layout"
        case trailingData = "trailing data"
        case missingTensor = "missing tensor"
        case shapeMismatch = "shape mismatch"
        case invalidArgument = "invalid argument"
        case nonFinite = "non-finite value"
    }

    /// The file being read or written.
    public let file: URL
    public let kind: Kind
    /// What was expected and what was found, in words.
    public let detail: String

    public init(_ file: URL, _ kind: Kind, _ detail: String) {
        self.file = file
        self.kind = kind
        self.detail = detail
    }

    // `relativePath` keeps the path as the user typed it ("checkpoints/x.safetensors"),
    // which is what they will recognise in a message.
    public var description: String { "\(file.relativePath): \(kind.rawValue): \(detail)" }
    public var errorDescription: String? { description }
}

// MARK: - File and byte helpers of Safetensors and NPY

/// Whole-file reads and crash-safe writes that report failures as `PersistenceError`.
enum PersistenceFile {
    /// The bytes of `url`, or `.unreadable` saying why (missing, a folder, permissions).
    static func contents(of url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PersistenceError(url, .unreadable, "no such file")
        }
        do {
            return try InputFile.contents(of: url, mapped: true)
        } catch let error as FileError {
            throw PersistenceError(url, .unreadable, "expected \(error.expected), found \(error.found)")
        }
    }

    /// Writes `data` to a temporary file beside `url`, flushes it to disk, then renames
    /// it over `url`. A failure at any point leaves the previous `url` untouched (a
    /// half-written checkpoint is worse than none) and removes the temporary file.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw PersistenceError(url, .unwritable, "folder '\(folder.relativePath)' does not exist")
        }
        do {
            try AtomicFile.write(data, to: url)
        } catch let error as FileError {
            throw PersistenceError(url, .unwritable, "expected \(error.expected), found \(error.found)")
        } catch {
            throw PersistenceError(url, .unwritable, error.localizedDescription)
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
