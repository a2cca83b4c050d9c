import Foundation

/// A file that cannot be used as given, in any format: IDX, PNG, safetensors,
/// .npy, .csv point sets, checkpoints, or an output path. The message names
/// the file as the user typed it, the kind of problem, what was expected,
/// what was found and, when there is one, what to do:
/// `data/mnist/t10k-images-idx3-ubyte.gz: truncated: expected 7840000 payload bytes after the 16-byte header, found 1200`.
public struct FileError: Error, CustomStringConvertible, LocalizedError, Equatable, Sendable {
    /// What kind of problem, so a caller or a test can tell them apart without
    /// parsing the message. The raw value is the label printed in it.
    public enum Kind: String, Sendable, Equatable {
        /// No file at the path.
        case missing = "missing file"
        /// Cannot be read as a file: a folder, a device, no permission.
        case unreadable = "cannot read"
        /// Cannot be written: no folder, no permission, or the path is one of
        /// the inputs, a checkpoint or a dataset file.
        case unwritable = "cannot write"
        /// Another format than the one asked for (magic number, signature,
        /// header syntax, file extension).
        case wrongFormat = "wrong format"
        /// The right format in a variant not read here (element type, byte order, layout).
        case unsupported = "unsupported"
        /// Ends before the header or data it declares.
        case truncated = "truncated"
        /// Inconsistent inside (checksums, libpng errors, header fields that contradict each other).
        case corrupt = "corrupt"
        /// Bytes after the declared data.
        case trailingData = "trailing data"
        /// Declares a size above what is read or allocated.
        case tooLarge = "too large"
        /// An array, image or tensor of another shape than needed.
        case wrongShape = "wrong shape"
        /// NaN or ±Inf where numbers are needed.
        case nonFinite = "non-finite value"
        /// Values that cannot be used: labels out of range, too few images of
        /// a class, a missing tensor, text that is not a number.
        case badValues = "bad values"
        /// Metadata missing or not of the form written.
        case badMetadata = "bad metadata"
        /// A valid file that does not belong with the rest: another model, another
        /// architecture or training settings, a map of another VAE.
        case mismatch = "mismatch"
    }

    public let kind: Kind
    /// The file the problem is in, as the caller gave it.
    public let file: URL
    public let expected: String
    public let found: String
    /// What to do about it, when there is something obvious to do.
    public let hint: String?

    public init(_ kind: Kind, _ file: URL, expected: String, found: String, hint: String? = nil) {
        self.kind = kind
        self.file = file
        self.expected = expected
        self.found = found
        self.hint = hint
    }

    // `relativePath` keeps the path as the user typed it ("checkpoints/x.safetensors"),
    // which is what they will recognise in a message.
    public var description: String {
        "\(file.relativePath): \(kind.rawValue): expected \(expected), found \(found)" + (hint.map { " (\($0))" } ?? "")
    }
    public var errorDescription: String? { description }
}
