import Foundation

/// A run that cannot go on for a reason no file or setting names alone: a
/// loss that diverged (the step and the likely cause), or a map and a VAE
/// that do not fit together once loaded. Files use `FileError`, settings
/// `SettingError`.
public struct TrainingError: Error, CustomStringConvertible, LocalizedError, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case mismatch = "mismatch"
        case diverged = "diverged"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
    public var errorDescription: String? { description }

    /// Stops a run whose loss is no longer finite, naming the step and the
    /// likely cause; nothing it trained is written after that.
    public static func requireFinite(_ losses: [(name: String, value: Float)], step: String, learningRate: Float) throws {
        guard losses.contains(where: { !$0.value.isFinite }) else { return }
        let values = losses.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
        throw TrainingError(.diverged, "\(step): \(values) at learning rate \(learningRate); the likely cause is a learning rate "
                            + "too high for this data (try a lower one) or a loss weight too large. Nothing more was written")
    }
}
