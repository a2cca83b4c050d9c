import Foundation

/// Why a checkpoint cannot be used for the model asked for. The message names
/// the file, what was expected and what was found, e.g.
/// `checkpoints/mnist-vae.safetensors: architecture mismatch: expected latentDim 16, found 8`.
/// (A file that is not valid safetensors, or lacks a tensor, raises
/// `PersistenceError` instead, which names the file the same way.)
public struct ModelCheckpointError: Error, CustomStringConvertible, LocalizedError, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case wrongModel = "wrong model"
        case missingSetting = "missing setting"
        case badSetting = "bad setting"
        case architectureMismatch = "architecture mismatch"
        case trainingMismatch = "training settings differ"
    }

    public let file: URL
    public let kind: Kind
    public let expected: String
    public let found: String

    public init(_ file: URL, _ kind: Kind, expected: String, found: String) {
        self.file = file
        self.kind = kind
        self.expected = expected
        self.found = found
    }

    public var description: String { "\(file.relativePath): \(kind.rawValue): expected \(expected), found \(found)" }
    public var errorDescription: String? { description }
}
