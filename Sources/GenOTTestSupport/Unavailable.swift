import Foundation
import XCTest

/// Why a test cannot run here: a skip on a developer's machine, a failure
/// under CI (`CI` set), where every test must run.
public func unavailable(_ reason: String) -> Error {
    struct Missing: Error, CustomStringConvertible { let description: String }
    return ProcessInfo.processInfo.environment["CI"] == nil ? XCTSkip(reason) : Missing(description: "CI: " + reason)
}
