import Foundation

/// Why a PNG could not be read or written. The message names the file, what
/// was expected and what was found (libpng's own message included when it has one).
public struct PNGError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable {
        case missingFile = "missing file"
        case unreadable = "unreadable file"
        case notPNG = "not a PNG file"
        case truncated = "truncated PNG"
        case corrupt = "corrupt PNG"
        case invalidImage = "invalid image"
        case writeFailed = "write failed"
    }

    public let kind: Kind
    public let file: URL
    public let expected: String
    public let found: String

    public init(_ kind: Kind, file: URL, expected: String, found: String) {
        self.kind = kind
        self.file = file
        self.expected = expected
        self.found = found
    }

    public var description: String { "\(file.path): \(kind.rawValue): expected \(expected), found \(found)" }
}
