import Foundation
import GenOTTensor

/// A one-line progress report for long work: step, caller's fields (loss…),
/// rate and ETA. Redrawn in place on a terminal at most every half second;
/// elsewhere (logs, CI) printed as separate lines every `logEvery` seconds.
public final class Progress {
    public let label: String
    public let total: Int
    public let unit: String
    private let start = Date()
    private var lastPrint = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) != 0
    private let logEvery: TimeInterval
    /// Work done before this report began (a resumed run): not in the rate.
    private let startingAt: Int

    /// `unit` names what `total` counts (steps, images) for the rate.
    public init(_ label: String, total: Int, unit: String = "steps", logEvery: TimeInterval = 10, startingAt: Int = 0) {
        self.label = label
        self.total = total
        self.unit = unit
        self.logEvery = logEvery
        self.startingAt = startingAt
    }

    /// Reports that `done` of `total` are finished; `fields` are shown as given.
    public func update(_ done: Int, _ fields: [(String, String)] = [], force: Bool = false) {
        // Under MPI every rank runs the same loop; rank 0 alone reports.
        guard ProcessGroup.world.isRoot else { return }
        let now = Date()
        let interval = interactive ? 0.5 : logEvery
        guard force || done == total || now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done - startingAt) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : .nan
        var parts = ["\(label) \(done)/\(total)"]
        parts += fields.map { "\($0.0) \($0.1)" }
        parts.append(String(format: "%.1f %@/s", rate, unit))
        parts.append(done == total ? "took \(Self.duration(elapsed))" : "ETA \(Self.duration(remaining))")
        let line = parts.joined(separator: "  ")
        FileHandle.standardError.write(((interactive ? "\r\u{1B}[K" : "") + line + (interactive && done < total ? "" : "\n")).data(using: .utf8)!)
    }

    /// "1h02m", "3m05s", "12s".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
