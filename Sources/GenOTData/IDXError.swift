import Foundation

/// Why an IDX file (or a dataset made of IDX files) could not be read or written.
///
/// Every message names the file, what was expected and what was found, so a
/// user can act on it without a debugger:
/// `data/mnist/train-images-idx3-ubyte.gz: truncated payload: expected 47040000 bytes after the 16-byte header, found 1200`.
public struct IDXError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable {
        case missingFile = "missing file"
        case unreadable = "unreadable file"
        case empty = "empty file"
        case badMagic = "not an IDX file (bad magic number)"
        case unsupportedType = "unsupported IDX element type"
        case truncatedHeader = "truncated header"
        case badDimensions = "bad dimensions"
        case truncatedPayload = "truncated payload"
        case trailingBytes = "trailing bytes after the payload"
        case notGzip = "not gzip data"
        case corruptGzip = "corrupt gzip data"
        case truncatedGzip = "truncated gzip stream"
        case unexpectedShape = "unexpected shape"
        case countMismatch = "label count does not match image count"
        case badLabel = "label out of range"
        case tooFewImages = "too few images of a class"
        case tooLarge = "too large"
        case writeFailed = "write failed"
    }

    public let kind: Kind
    /// The file the problem is in (for a count mismatch, the labels file).
    public let file: URL
    public let expected: String
    public let found: String
    /// What to do about it, when there is something obvious to do.
    public let hint: String?

    public init(_ kind: Kind, file: URL, expected: String, found: String, hint: String? = nil) {
        self.kind = kind
        self.file = file
        self.expected = expected
        self.found = found
        self.hint = hint
    }

    public var description: String {
        var text = "\(file.path): \(kind.rawValue): expected \(expected), found \(found)"
        if let hint { text += " (\(hint))" }
        return text
    }
}
