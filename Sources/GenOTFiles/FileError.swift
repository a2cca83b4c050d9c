import Foundation

/// A file that cannot be used as given: an input that is a folder or a
/// device, an output that would replace one of the inputs, a checkpoint that
/// would be overwritten without `--force`, a map paired with another VAE.
/// The message names the file, what was expected, what was found and, when
/// there is one, what to do.
public struct FileError: Error, CustomStringConvertible, LocalizedError, Equatable, Sendable {
    public let file: URL
    public let expected: String
    public let found: String
    public let hint: String?

    public init(_ file: URL, expected: String, found: String, hint: String? = nil) {
        self.file = file
        self.expected = expected
        self.found = found
        self.hint = hint
    }

    public var description: String {
        "\(file.relativePath): expected \(expected), found \(found)" + (hint.map { " (\($0))" } ?? "")
    }
    public var errorDescription: String? { description }
}
