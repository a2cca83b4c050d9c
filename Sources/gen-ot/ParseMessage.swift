import ArgumentParser
import Foundation

/// The argument parser's "The value 'x' is invalid for '--flag <flag>'" says
/// neither what the flag takes nor, for numbers, why a number was refused.
/// `clarified` turns it into the tool's form: `--steps: expected a whole
/// number, found '1e9'`; every other error passes unchanged.
enum ParseMessage {
    /// Flags that take true or false.
    static let booleanFlags: Set<String> = ["--gaussian-base", "--center-each-side", "--scale-each-side"]

    /// Prints `error` as the parser would, with an invalid-value message
    /// made clearer, and exits with the parser's code.
    static func exit(withError error: Error) -> Never {
        guard let rewritten = rewrite(GenOT.message(for: error)) else { GenOT.exit(withError: error) }
        print(fullMessage(for: error, replacingFirstLineWith: rewritten), to: &StandardError.stream)
        Foundation.exit(GenOT.exitCode(for: error).rawValue)
    }

    /// The parser's full message (error, help line, usage) with its first line replaced.
    static func fullMessage(for error: Error, replacingFirstLineWith rewritten: String) -> String {
        let lines = GenOT.fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
        return (["Error: " + rewritten] + lines.dropFirst().map(String.init)).joined(separator: "\n")
    }

    /// The clearer message, or nil when `message` is not an invalid-value one.
    static func rewrite(_ message: String) -> String? {
        let prefix = "The value '", middle = "' is invalid for '"
        guard message.hasPrefix(prefix), let split = message.range(of: middle, options: .backwards),
              message.hasSuffix("'") else { return nil }
        let value = String(message[message.index(message.startIndex, offsetBy: prefix.count)..<split.lowerBound])
        let option = message[split.upperBound..<message.index(before: message.endIndex)]
        guard let flag = option.split(separator: " ").first.map(String.init), flag.hasPrefix("-") else { return nil }
        return "\(flag): expected \(expectation(flag: flag, value: value)), found '\(value)'"
    }

    /// What `flag` takes, judged from the value it refused: a numeric value
    /// refused can only be refused by a whole-number flag.
    static func expectation(flag: String, value: String) -> String {
        if booleanFlags.contains(flag) { return "true or false" }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let isInteger = !trimmed.isEmpty && trimmed.drop { $0 == "-" || $0 == "+" }.allSatisfy(\.isASCII)
            && trimmed.drop { $0 == "-" || $0 == "+" }.allSatisfy(\.isNumber) && trimmed.contains { $0.isNumber }
        if isInteger {
            return trimmed.hasPrefix("-") ? "a whole number ≥ 0" : "a whole number of at most 18 digits"
        }
        if Double(trimmed) != nil { return "a whole number (digits only, no decimal point, exponent, nan or inf)" }
        return "a number"
    }
}

/// stderr as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    nonisolated(unsafe) static var stream = StandardError()
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
