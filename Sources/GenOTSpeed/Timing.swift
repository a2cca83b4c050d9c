import Foundation

/// Wall-clock timing helpers: medians, not means, since other load inflates single runs.
public enum Timing {
    /// Seconds taken by `body`.
    public static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }

    /// Per-run seconds of `runs` calls after `warmup` untimed ones.
    public static func samples(runs: Int, warmup: Int = 3, _ body: () -> Void) -> [Double] {
        for _ in 0..<warmup { body() }
        return (0..<runs).map { _ in seconds(body) }
    }

    public static func median(_ values: [Double]) -> Double { quantile(values, 0.5) }

    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }
}

/// Resident memory of this process from /proc/self/status (Linux), in MiB.
public enum ProcessMemory {
    /// Current resident set (VmRSS).
    public static var residentMiB: Double { field("VmRSS") }
    /// Peak resident set so far (VmHWM).
    public static var peakMiB: Double { field("VmHWM") }

    private static func field(_ name: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
              let kB = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
        return kB / 1024
    }
}
