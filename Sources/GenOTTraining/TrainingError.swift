import Foundation

/// Why a training run cannot start. Each message names the file or setting,
/// what was expected and what was found, and what to do about it.
public struct TrainingError: Error, CustomStringConvertible, LocalizedError, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case noCheckpointToResume = "nothing to resume"
        case invalidSetting = "invalid setting"
        case missingCheckpoint = "missing checkpoint"
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

    /// `whereFrom`: how the user points the command at the file.
    static func noCheckpoint(_ url: URL, whereFrom: String = "--out") -> TrainingError {
        TrainingError(.noCheckpointToResume, "\(url.relativePath): expected a checkpoint to resume from, found no such file "
                      + "(train once without --resume, or point \(whereFrom) at an existing checkpoint)")
    }

    /// Stops a run whose loss is no longer finite, naming the step and the
    /// likely cause; nothing it trained is written after that.
    static func requireFinite(_ losses: [(name: String, value: Float)], step: String, learningRate: Float) throws {
        guard losses.contains(where: { !$0.value.isFinite }) else { return }
        let values = losses.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
        throw TrainingError(.diverged, "\(step): \(values) at learning rate \(learningRate); the likely cause is a learning rate "
                            + "too high for this data (try a lower one) or a loss weight too large. Nothing more was written")
    }

    /// Checks `condition`, else an `.invalidSetting` error "name: expected …, found …".
    static func require(_ condition: Bool, _ name: String, expected: String, found: Any) throws {
        if !condition { throw TrainingError(.invalidSetting, "\(name): expected \(expected), found \(found)") }
    }
}
