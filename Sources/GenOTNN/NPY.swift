import Foundation
import GenOTFiles
import GenOTTensor

/// The element types `NPY.write` can store.
public enum NPYDType: String, Sendable, CaseIterable {
    /// `'<f4'`: bit-exact for a Float32 tensor.
    case float32 = "<f4"
    /// `'<f8'`: for tools that expect doubles; values are widened exactly.
    case float64 = "<f8"
}

/// Arrays in numpy's `.npy` format, as `np.save` writes and `np.load` reads them.
///
/// Layout: `\x93NUMPY`, version `[major, minor]`, header length (UInt16 little-endian in
/// 1.0, UInt32 in 2.0 and 3.0), then a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and
/// a newline so the data starts on a 64-byte boundary, then the row-major data.
public enum NPY {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Writes `tensor` (any shape, `[]` included) as `dtype`, replacing `url` atomically.
    /// The header is byte-for-byte what numpy 2 writes for the same array.
    public static func write(_ tensor: Tensor, to url: URL, as dtype: NPYDType = .float32) throws {
        let shape = tensor.shape
        var dict = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(pythonTuple(shape)), }"
        // numpy leaves room for the first axis to grow to 21 digits, so an appending
        // writer can rewrite the header in place; copy it to match numpy's bytes.
        if let first = shape.first { dict += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        let dictBytes = Array(dict.utf8)
        // Version 1.0 stores the header length in 2 bytes; fall back to 2.0 when it does not fit.
        var preamble = magic + [1, 0]
        var padding = 64 - (preamble.count + 2 + dictBytes.count + 1) % 64
        var headerLength = dictBytes.count + padding + 1
        if headerLength > Int(UInt16.max) {
            preamble = magic + [2, 0]
            padding = 64 - (preamble.count + 4 + dictBytes.count + 1) % 64
            headerLength = dictBytes.count + padding + 1
            withUnsafeBytes(of: UInt32(headerLength).littleEndian) { preamble += $0 }
        } else {
            withUnsafeBytes(of: UInt16(headerLength).littleEndian) { preamble += $0 }
        }
        let header = preamble + dictBytes + Array(repeating: UInt8(ascii: " "), count: padding) + [UInt8(ascii: "\n")]

        var bytes = header + [UInt8](repeating: 0, count: tensor.count * (dtype == .float32 ? 4 : 8))
        bytes.withUnsafeMutableBytes { raw in
            for (k, value) in tensor.storage.enumerated() {
                switch dtype {
                case .float32:
                    raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: header.count + 4 * k, as: UInt32.self)
                case .float64:
                    raw.storeBytes(of: Double(value).bitPattern.littleEndian, toByteOffset: header.count + 8 * k, as: UInt64.self)
                }
            }
        }
        try PersistenceFile.writeAtomically(Data(bytes), to: url)
    }

    /// Reads a C-ordered array as a Float32 tensor.
    ///
    /// Accepts versions 1.0, 2.0 and 3.0 and dtypes `'<f4'`, `'<f8'`, `'|u1'`, `'|i1'`,
    /// `'<i4'`, `'<i8'` (converted to Float32, rounding to nearest). Throws
    /// `FileError` for a wrong magic or version, a malformed header, Fortran
    /// order, big-endian or other dtypes, and a payload shorter or longer than the shape.
    public static func read(from url: URL) throws -> Tensor {
        let data = try PersistenceFile.contents(of: url)
        return try data.withUnsafeBytes { raw in try parse(raw, url: url) }
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, url: URL) throws -> Tensor {
        func fail(_ kind: FileError.Kind, expected: String, found: String, hint: String? = nil) -> FileError {
            FileError(kind, url, expected: expected, found: found, hint: hint)
        }
        guard raw.count >= 10 else {
            throw fail(.truncated, expected: "an .npy file, which starts with a 10-byte preamble", found: "\(raw.count) bytes")
        }
        guard raw.prefix(6).elementsEqual(magic) else {
            let found = raw.prefix(6).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw fail(.wrongFormat, expected: "an .npy file, magic 93 4e 55 4d 50 59 (\\x93NUMPY)", found: found)
        }
        let (major, minor) = (raw[6], raw[7])
        let headerStart: Int
        let headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
        case 2, 3:
            guard raw.count >= 12 else {
                throw fail(.truncated, expected: "a 12-byte preamble (version \(major).\(minor))", found: "\(raw.count) bytes")
            }
            headerStart = 12
            headerLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        default:
            throw fail(.unsupported, expected: "format version 1.0, 2.0 or 3.0", found: "version \(major).\(minor)")
        }
        guard headerLength <= raw.count - headerStart else {
            throw fail(.truncated, expected: "a header of \(headerLength) bytes (its declared length)", found: "\(raw.count - headerStart) bytes after the preamble")
        }
        let dataStart = headerStart + headerLength
        let headerBytes = UnsafeRawBufferPointer(rebasing: raw[headerStart..<dataStart])
        // Versions 1.0 and 2.0 are latin-1 (every byte is one scalar); 3.0 is UTF-8.
        let text = major == 3 ? String(decoding: headerBytes, as: UTF8.self)
                              : String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        let dict: [String: PyLiteral]
        do {
            var parser = PyLiteralParser(text)
            dict = try parser.dictionary()
        } catch {
            throw fail(.corrupt, expected: "a header that is a Python dict literal",
                       found: "\(error.message) in \(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(120))")
        }

        guard let descrValue = dict["descr"], let fortranValue = dict["fortran_order"], let shapeValue = dict["shape"] else {
            let missing = ["descr", "fortran_order", "shape"].filter { dict[$0] == nil }.map { "'\($0)'" }
            throw fail(.corrupt, expected: "a header with 'descr', 'fortran_order' and 'shape'", found: "no \(missing.joined(separator: ", "))")
        }
        guard case let .string(descr) = descrValue else {
            throw fail(.unsupported, expected: "a plain dtype such as '<f4'", found: "a structured dtype")
        }
        guard case let .bool(fortranOrder) = fortranValue else {
            throw fail(.corrupt, expected: "fortran_order to be True or False", found: "another value")
        }
        let dimensions: [PyLiteral] = if case let .sequence(items) = shapeValue { items } else { [.none] }
        let shape = dimensions.compactMap { item -> Int? in
            if case let .int(n) = item, n >= 0 { return n }
            return nil
        }
        guard shape.count == dimensions.count else {
            throw fail(.corrupt, expected: "shape to be a tuple of non-negative integers", found: "another value")
        }
        // A Fortran-ordered array of rank ≤ 1 has the same bytes as a C-ordered one.
        guard !fortranOrder || shape.count <= 1 else {
            throw fail(.unsupported, expected: "C order", found: "fortran_order True for shape \(pythonTuple(shape))",
                       hint: "save np.ascontiguousarray(a)")
        }
        let element = try storedElement(descr, fail: fail)
        guard let count = checkedElementCount(shape),
              case let (needed, overflow) = count.multipliedReportingOverflow(by: element.byteCount), !overflow else {
            throw fail(.tooLarge, expected: "a shape whose elements fit in memory", found: "shape \(pythonTuple(shape)), which has more elements")
        }
        let available = raw.count - dataStart
        guard available >= needed else {
            throw fail(.truncated, expected: "\(needed) bytes of data (shape \(pythonTuple(shape)) of '\(descr)')", found: "\(available)")
        }
        guard available == needed else {
            throw fail(.trailingData, expected: "\(needed) bytes of data (shape \(pythonTuple(shape)) of '\(descr)')", found: "\(available - needed) bytes after them")
        }
        return Tensor(shape: shape, storage: element.decode(raw, at: dataStart, count: count))
    }

    /// The element type of a numpy type string such as `'<f4'`.
    private static func storedElement(_ descr: String,
                                      fail: (FileError.Kind, String, String, String?) -> FileError) throws -> StoredElement {
        let order = descr.first ?? " "
        let code = String(descr.dropFirst())
        let elements: [String: StoredElement] = [
            "f4": .float32, "f8": .float64, "u1": .uint8, "i1": .int8, "i4": .int32, "i8": .int64,
        ]
        guard "<>|=".contains(order), let element = elements[code] else {
            throw fail(.unsupported, "dtype '<f4', '<f8', '|u1', '|i1', '<i4' or '<i8'", "'\(descr)'", nil)
        }
        // NOTE: '=' is native order, little-endian on every platform gen-ot builds for.
        guard order != ">" || element.byteCount == 1 else {
            throw fail(.unsupported, "a little-endian dtype", "'\(descr)', which is big-endian", "save a.astype('<\(code)')")
        }
        return element
    }

    /// Python's repr of a shape tuple: `()`, `(3,)`, `(2, 3)`.
    static func pythonTuple(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

// MARK: - The Python literal subset .npy headers use

private indirect enum PyLiteral {
    case string(String), int(Int), bool(Bool), none
    case sequence([PyLiteral])
    case dictionary([String: PyLiteral])
}

private struct PyLiteralError: Error {
    let message: String
}

/// Parses strings, integers, True/False/None, tuples, lists and dicts with string keys:
/// enough for `{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (2, 3), }`.
private struct PyLiteralParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// The whole text as one dict; only whitespace may follow it.
    mutating func dictionary() throws(PyLiteralError) -> [String: PyLiteral] {
        guard case let .dictionary(dict) = try value() else { throw PyLiteralError(message: "expected a dict") }
        skipSpace()
        guard index == scalars.count else { throw PyLiteralError(message: "unexpected text after the dict") }
        return dict
    }

    private mutating func skipSpace() {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
    }

    private mutating func value() throws(PyLiteralError) -> PyLiteral {
        skipSpace()
        guard index < scalars.count else { throw PyLiteralError(message: "unexpected end") }
        let first = scalars[index]
        switch first {
        case "'", "\"": return .string(try string())
        case "(", "[":
            index += 1
            let items = try items(until: first == "(" ? ")" : "]") { (parser) throws(PyLiteralError) in try parser.value() }
            return .sequence(items)
        case "{":
            index += 1
            var dict: [String: PyLiteral] = [:]
            _ = try items(until: "}") { (parser) throws(PyLiteralError) -> Void in
                parser.skipSpace()
                guard parser.index < parser.scalars.count, parser.scalars[parser.index] == "'" || parser.scalars[parser.index] == "\"" else {
                    throw PyLiteralError(message: "expected a string key")
                }
                let key = try parser.string()
                parser.skipSpace()
                guard parser.index < parser.scalars.count, parser.scalars[parser.index] == ":" else {
                    throw PyLiteralError(message: "expected ':' after '\(key)'")
                }
                parser.index += 1
                dict[key] = try parser.value()
            }
            return .dictionary(dict)
        default:
            var word = ""
            while index < scalars.count, scalars[index] == "-" || scalars[index].properties.isAlphabetic
                    || ("0"..."9").contains(scalars[index]) {
                word.unicodeScalars.append(scalars[index])
                index += 1
            }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default:
                // Python 2 wrote long integers with an L suffix: (3L, 4L).
                let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
                guard let int = Int(digits) else { throw PyLiteralError(message: "unexpected '\(word.isEmpty ? String(first) : word)'") }
                return .int(int)
            }
        }
    }

    /// Comma-separated items up to `close`, a trailing comma allowed.
    private mutating func items<T>(until close: Unicode.Scalar,
                                   _ item: (inout PyLiteralParser) throws(PyLiteralError) -> T) throws(PyLiteralError) -> [T] {
        var result: [T] = []
        while true {
            skipSpace()
            guard index < scalars.count else { throw PyLiteralError(message: "missing '\(close)'") }
            if scalars[index] == close { index += 1; return result }
            result.append(try item(&self))
            skipSpace()
            guard index < scalars.count else { throw PyLiteralError(message: "missing '\(close)'") }
            if scalars[index] == "," { index += 1 } else if scalars[index] != close {
                throw PyLiteralError(message: "expected ',' or '\(close)'")
            }
        }
    }

    /// A quoted string; backslash escapes keep the next character as is (enough for dtype names).
    private mutating func string() throws(PyLiteralError) -> String {
        let quote = scalars[index]
        index += 1
        var text = ""
        while index < scalars.count, scalars[index] != quote {
            if scalars[index] == "\\" { index += 1 }
            if index < scalars.count { text.unicodeScalars.append(scalars[index]); index += 1 }
        }
        guard index < scalars.count else { throw PyLiteralError(message: "unterminated string") }
        index += 1
        return text
    }
}
