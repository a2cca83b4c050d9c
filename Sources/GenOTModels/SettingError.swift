import Foundation

/// A setting no run can use: a command-line flag, a config field, or text
/// parsed into one (`--cost`, `--schedule`, `--kernel`). The message names
/// the setting, what was expected, what was found and, when there is one,
/// what to do: `steps: expected a positive number, found -5`.
public struct SettingError: Error, CustomStringConvertible, LocalizedError, Equatable, Sendable {
    /// The flag or config field as the user knows it (`--cost`, `steps`).
    public let setting: String
    public let expected: String
    public let found: String
    /// What to do about it, when there is something obvious to do.
    public let hint: String?

    public init(_ setting: String, expected: String, found: String, hint: String? = nil) {
        self.setting = setting
        self.expected = expected
        self.found = found
        self.hint = hint
    }

    public var description: String {
        "\(setting): expected \(expected), found \(found)" + (hint.map { " (\($0))" } ?? "")
    }
    public var errorDescription: String? { description }

    /// The same error under the name the user typed, e.g. a parser's `cost` as `--cost`.
    public func named(_ setting: String) -> SettingError {
        SettingError(setting, expected: expected, found: found, hint: hint)
    }

    /// The same error with what it applies to added to the name, for a caller
    /// that knows the files the settings were used on: `gaussian_base for a.csv → b.csv`.
    public func applied(to what: String) -> SettingError {
        named("\(setting) for \(what)")
    }

    /// Throws unless `condition`: `setting: expected …, found …`.
    public static func require(_ condition: Bool, _ setting: String, expected: String, found: Any, hint: String? = nil) throws {
        if !condition { throw SettingError(setting, expected: expected, found: "\(found)", hint: hint) }
    }
}
