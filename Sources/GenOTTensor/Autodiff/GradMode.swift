/// Whether ops record themselves for differentiation on the current task.
public enum GradMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording a graph: inference, optimiser updates.
public func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}

/// Runs `body` recording a graph, even inside a `withoutGradient` scope.
public func withGradient<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(true, operation: body)
}
