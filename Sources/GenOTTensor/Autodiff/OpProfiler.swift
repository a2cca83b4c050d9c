import Foundation

/// Opt-in wall-clock profile by op name, for `gen-ot speed … --profile`.
///
/// Each recorded op is charged the time since the previous mark, which is the
/// time its kernel ran (ops compute, then record). Not thread-safe: profile a
/// single-threaded loop only. Costs one branch when off.
public enum OpProfiler {
    nonisolated(unsafe) public private(set) static var isEnabled = false
    nonisolated(unsafe) private static var last: UInt64 = 0
    nonisolated(unsafe) private static var totals: [String: (seconds: Double, calls: Int)] = [:]

    public static func start() {
        totals = [:]
        isEnabled = true
        mark(nil)
    }

    /// Charges the time since the last mark to `op` (or to nothing).
    public static func mark(_ op: String?) {
        guard isEnabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if let op {
            let entry = totals[op] ?? (0, 0)
            totals[op] = (entry.seconds + Double(now - last) * 1e-9, entry.calls + 1)
        }
        last = now
    }

    /// Stops and returns (op, seconds, calls), most expensive first.
    public static func stop() -> [(op: String, seconds: Double, calls: Int)] {
        isEnabled = false
        return totals.map { ($0.key, $0.value.seconds, $0.value.calls) }.sorted { $0.seconds > $1.seconds }
    }
}
