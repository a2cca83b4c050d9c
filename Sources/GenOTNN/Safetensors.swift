import Foundation
import GenOTFiles
import GenOTTensor

/// Checkpoints in the safetensors format, byte-compatible with Python's `safetensors`.
///
/// Layout: `[n: UInt64 little-endian][n bytes of JSON header][data section]`.
/// The header maps each tensor name to
/// `{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]}` with offsets in bytes
/// from the start of the data section, plus an optional `"__metadata__"` map of
/// strings (where gen-ot keeps the trainer config). Data is little-endian, row-major.
public enum Safetensors {
    static let metadataKey = "__metadata__"

    /// Throws `.nonFinite` naming the first tensor of `tensors` that holds a NaN
    /// or an infinity: a model is checked before it is written, so a run that
    /// went wrong never replaces a good checkpoint.
    public static func requireFinite(_ tensors: [(name: String, tensor: Tensor)], writing url: URL) throws {
        for (name, tensor) in tensors {
            if let bad = tensor.storage.firstIndex(where: { !$0.isFinite }) {
                throw FileError(.nonFinite, url, expected: "finite numbers in tensor '\(name)'", found: "\(tensor.storage[bad]) at element \(bad)",
                                hint: "not written, the file keeps its previous contents; the training diverged")
            }
        }
    }

    /// Writes `tensors` as F32 with `metadata`, replacing `url` atomically.
    ///
    /// Tensors are laid out sorted by name (byte-wise, as Python's safetensors does for
    /// one dtype), so the same checkpoint gives the same bytes from either side. The
    /// header is padded with spaces to a multiple of 8 bytes so the data section is
    /// 8-byte aligned for readers that map the file and cast in place.
    public static func write(_ tensors: [(name: String, tensor: Tensor)],
                             metadata: [String: String] = [:], to url: URL) throws {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard !name.isEmpty else {
                throw FileError(.badValues, url, expected: "a name for every tensor", found: "an empty name")
            }
            guard name != metadataKey else {
                throw FileError(.badValues, url, expected: "tensor names other than '\(metadataKey)' (the metadata map's key)", found: "a tensor of that name")
            }
            guard seen.insert(name).inserted else {
                throw FileError(.badValues, url, expected: "distinct tensor names", found: "'\(name)' twice")
            }
        }
        // Optimiser state that overflowed (Adam's second moment at +Inf under a
        // huge loss weight) would silently freeze a resumed run: refuse it like a NaN weight.
        try requireFinite(tensors.filter { $0.name.hasPrefix("adam.") }, writing: url)
        let ordered = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }

        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.append("\(jsonString(metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var dataLength = 0
        for (name, tensor) in ordered {
            let end = dataLength + tensor.count * MemoryLayout<Float>.size
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(dataLength),\(end)]}")
            dataLength = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        let dataStart = 8 + header.count
        var bytes = [UInt8](repeating: 0, count: dataStart + dataLength)
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self)
            UnsafeMutableRawBufferPointer(rebasing: raw[8..<dataStart]).copyBytes(from: header)
            var at = dataStart
            for (_, tensor) in ordered {
                for value in tensor.storage {
                    raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: at, as: UInt32.self)
                    at += 4
                }
            }
        }
        try PersistenceFile.writeAtomically(Data(bytes), to: url)
    }

    /// Reads every tensor (F32, or F64 rounded to Float32) and the metadata of `url`.
    ///
    /// Throws `FileError` for a file shorter than its header, a header that is not
    /// a JSON object of well-formed entries, another dtype, or offsets that disagree with
    /// the shape or run past the end of the file. Offsets may overlap or come unsorted.
    public static func read(from url: URL) throws -> SafetensorsFile {
        let data = try PersistenceFile.contents(of: url)
        return try data.withUnsafeBytes { raw in try parse(raw, url: url) }
    }

    /// One tensor's header entry, validated against itself but not yet against the file size.
    private struct Entry {
        let name: String
        let element: StoredElement
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, url: URL) throws -> SafetensorsFile {
        func fail(_ kind: FileError.Kind, _ expected: String, _ found: String) -> FileError {
            FileError(kind, url, expected: expected, found: found)
        }
        guard raw.count >= 8 else {
            throw fail(.truncated, "a safetensors file, which starts with an 8-byte header length", "\(raw.count) bytes")
        }
        let headerLength = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(raw.count - 8) else {
            throw fail(.truncated, "a header of \(headerLength) bytes (its declared length)", "\(raw.count - 8) bytes after the 8-byte prefix")
        }
        let dataStart = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(raw[8..<dataStart]))
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw fail(.corrupt, "a header of valid JSON", reason)
        }
        guard let object = json as? [String: Any] else {
            throw fail(.corrupt, "the header to be a JSON object", describe(json))
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        // Sorted so that, of several bad entries, the same one is reported every time.
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            if name == metadataKey {
                guard let strings = value as? [String: String] else {
                    throw fail(.corrupt, "'\(metadataKey)' to map strings to strings", describe(value))
                }
                metadata = strings
            } else {
                entries.append(try entry(name, value, fail: fail))
            }
        }

        let dataLength = raw.count - dataStart
        if let last = entries.max(by: { $0.end < $1.end }), last.end > dataLength {
            throw fail(.truncated, "\(last.end) bytes of tensor data (as the header says)", "\(dataLength)")
        }
        var tensors: [String: Tensor] = [:]
        for entry in entries {
            let count = (entry.end - entry.begin) / entry.element.byteCount
            let values = entry.element.decode(raw, at: dataStart + entry.begin, count: count)
            tensors[entry.name] = Tensor(shape: entry.shape, storage: values)
        }
        return SafetensorsFile(url: url, tensors: tensors, metadata: metadata)
    }

    /// Checks one `name: {dtype, shape, data_offsets}` entry on its own.
    private static func entry(_ name: String, _ value: Any,
                              fail: (FileError.Kind, String, String) -> FileError) throws -> Entry {
        guard let fields = value as? [String: Any] else {
            throw fail(.corrupt, "tensor '\(name)' to be an object with dtype, shape and data_offsets", describe(value))
        }
        guard let dtypeValue = fields["dtype"], let shapeValue = fields["shape"],
              let offsetsValue = fields["data_offsets"] else {
            let missing = ["dtype", "shape", "data_offsets"].filter { fields[$0] == nil }.map { "'\($0)'" }
            throw fail(.corrupt, "tensor '\(name)' to have dtype, shape and data_offsets", "no \(missing.joined(separator: ", "))")
        }
        guard let dtype = dtypeValue as? String else {
            throw fail(.corrupt, "tensor '\(name)' to have a dtype string", describe(dtypeValue))
        }
        let element: StoredElement
        switch dtype {
        case "F32": element = .float32
        case "F64": element = .float64
        default:
            throw fail(.unsupported, "tensor '\(name)' of dtype F32 or F64", "dtype \(dtype)")
        }
        guard let shape = integers(shapeValue), shape.allSatisfy({ $0 >= 0 }) else {
            throw fail(.corrupt, "tensor '\(name)' to have a shape of non-negative integers", describe(shapeValue))
        }
        guard let offsets = integers(offsetsValue), offsets.count == 2,
              offsets[0] >= 0, offsets[0] <= offsets[1] else {
            throw fail(.corrupt, "tensor '\(name)' to have data_offsets [begin, end] with 0 <= begin <= end", describe(offsetsValue))
        }
        guard let count = checkedElementCount(shape),
              case let (bytes, overflow) = count.multipliedReportingOverflow(by: element.byteCount), !overflow else {
            throw fail(.tooLarge, "tensor '\(name)' of a shape whose elements fit in memory", "shape \(shape)")
        }
        guard offsets[1] - offsets[0] == bytes else {
            throw fail(.corrupt, "tensor '\(name)' to hold \(bytes) bytes (shape \(shape) of \(dtype))",
                       "data_offsets \(offsets), \(offsets[1] - offsets[0]) bytes")
        }
        return Entry(name: name, element: element, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// The integers of a JSON array, or nil if it is not an array of integers.
    private static func integers(_ value: Any) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in array {
            // NOTE: JSON `true` arrives as an NSNumber that bridges to 1, and `is Bool` also
            // holds for the numbers 0 and 1; only the boolean's own class tells them apart.
            guard let number = item as? NSNumber, type(of: number) != type(of: NSNumber(value: true)),
                  let int = Int(exactly: number) else { return nil }
            result.append(int)
        }
        return result
    }

    /// A JSON value as compact JSON text, shortened for an error message.
    private static func describe(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]),
              let text = String(data: data, encoding: .utf8) else { return "\(value)" }
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }

    /// `text` as a JSON string literal (escapes quotes, backslashes and control characters).
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The contents of one safetensors file: tensors by name plus the metadata map.
public struct SafetensorsFile: Sendable {
    /// Where it was read from; errors from `tensor(_:shape:)` name this file.
    public let url: URL
    public let tensors: [String: Tensor]
    public let metadata: [String: String]

    /// Tensor names, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// The tensor called `name`, checked against `shape` when one is given, and
    /// finite: models load their weights through here, and one NaN weight would
    /// turn every output NaN (a black sample grid) without an error.
    ///
    /// Throws `.badValues` listing a few of the names the file does have,
    /// `.wrongShape` naming the expected and found shapes, or `.nonFinite`.
    public func tensor(_ name: String, shape: [Int]? = nil) throws -> Tensor {
        guard let tensor = tensors[name] else {
            let available = names
            let shown = available.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            let more = available.count > 5 ? " and \(available.count - 5) more" : ""
            let has = available.isEmpty ? "no tensors" : "only \(shown)\(more)"
            throw FileError(.badValues, url, expected: "a tensor named '\(name)'", found: has)
        }
        if let shape, shape != tensor.shape {
            throw FileError(.wrongShape, url, expected: "tensor '\(name)' of shape \(shape)", found: "\(tensor.shape)")
        }
        if let bad = tensor.storage.firstIndex(where: { !$0.isFinite }) {
            throw FileError(.nonFinite, url, expected: "finite numbers in tensor '\(name)'", found: "\(tensor.storage[bad]) at element \(bad)",
                            hint: "the run that wrote it diverged, or the file was damaged")
        }
        return tensor
    }

    /// Writes this file's tensors that pass `keep`, with `metadata` instead
    /// of its own, to `destination` (atomically; it may be `url` itself).
    public func write(to destination: URL, keeping keep: (String) -> Bool = { _ in true },
                      metadata: [String: String]) throws {
        try Safetensors.write(names.filter(keep).map { ($0, tensors[$0]!) }, metadata: metadata, to: destination)
    }
}
