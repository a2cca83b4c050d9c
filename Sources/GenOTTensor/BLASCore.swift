import CBLAS
import Foundation

/// Which OpenBLAS kernel set ("core") runs, and the choice gen-ot makes when
/// OpenBLAS's own detection falls short.
///
/// OpenBLAS builds with DYNAMIC_ARCH pick their kernels from cpuid when the
/// library loads. Releases older than a CPU do not know its model and fall
/// back to generic SSE kernels (`Prescott`), 4–5× slower on an AVX-512 server
/// (OpenBLAS issue 4267). The variable `OPENBLAS_CORETYPE` names the core
/// instead, but it is read only when the library initialises, before `main`:
/// a program that wants another core sets it and re-executes itself.
///
/// The rule: when `OPENBLAS_CORETYPE` is unset and the detected core uses a
/// narrower instruction set than the CPU offers, run the widest core the CPU
/// supports (`SkylakeX` for AVX-512, `Haswell` for AVX2 + FMA, `Sandybridge`
/// for AVX). A value the user set is never changed; `GENOT_BLAS_CORE=keep`
/// turns the choice off.
public enum BLASCore {
    /// Instruction-set levels, ordered: a core of level k runs on a CPU of level ≥ k.
    public enum Level: Int, Comparable, Sendable {
        case sse = 0, avx, avx2, avx512
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        /// The OpenBLAS core that uses this level's instructions.
        var core: String? {
            switch self {
            case .sse: nil
            case .avx: "Sandybridge"
            case .avx2: "Haswell"
            case .avx512: "SkylakeX"
            }
        }
    }

    /// The level a named OpenBLAS core's kernels use (unknown names count as SSE).
    public static func level(ofCore name: String) -> Level {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": .avx512
        case "haswell", "zen", "excavator": .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": .avx
        default: .sse
        }
    }

    /// The widest level a CPU supports, from its feature flags as
    /// /proc/cpuinfo spells them. SkylakeX's kernels need AVX-512 F, CD, BW,
    /// DQ and VL; Haswell's need AVX2 and FMA. The kernel lists a flag only
    /// when the OS saves that register state too.
    public static func level(ofCPUFlags flags: Set<String>) -> Level {
        if flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return .avx512 }
        if flags.isSuperset(of: ["avx2", "fma"]) { return .avx2 }
        if flags.contains("avx") { return .avx }
        return .sse
    }

    /// The core to run instead of `detected`, or nil to keep it.
    /// `requested` is `OPENBLAS_CORETYPE`, `setting` is `GENOT_BLAS_CORE`.
    public static func choice(detected: String, cpuFlags: Set<String>, requested: String?, setting: String?) -> String? {
        if let requested, !requested.isEmpty { return nil }
        if setting?.lowercased() == "keep" { return nil }
        let cpu = level(ofCPUFlags: cpuFlags)
        guard level(ofCore: detected) < cpu, let core = cpu.core else { return nil }
        return core
    }

    /// The core OpenBLAS runs now.
    public static var current: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The feature flags of the first processor in /proc/cpuinfo (empty where there is none).
    public static func cpuFlags(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> Set<String> {
        guard let cpuinfo,
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// The variable that tells the re-executed process which core OpenBLAS
    /// had detected, so that it can say why it runs another.
    static let detectedVariable = "GENOT_BLAS_DETECTED_CORE"

    /// Call first thing in `main`: when `choice` says so, sets
    /// `OPENBLAS_CORETYPE` and re-executes the program (the same arguments),
    /// so that OpenBLAS initialises with that core. Returns when nothing is
    /// to change or the re-exec fails (the program then runs as it is).
    public static func reexecWithBestCore() {
        let environment = ProcessInfo.processInfo.environment
        guard let core = choice(detected: current, cpuFlags: cpuFlags(), requested: environment["OPENBLAS_CORETYPE"],
                                setting: environment["GENOT_BLAS_CORE"]) else { return }
        setenv(detectedVariable, current, 1)
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when exec failed: run with the detected core.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(detectedVariable)
    }

    /// The line training commands print with their config.
    public static var configLine: String {
        "blas: \(BLAS.threadCount) threads, core \(summary); kernels: \(VectorUnit.summary)"
    }

    /// One line for config and benchmark output, e.g.
    /// `SkylakeX (chosen by gen-ot: OpenBLAS detected Prescott; GENOT_BLAS_CORE=keep to keep it)`.
    public static var summary: String {
        let environment = ProcessInfo.processInfo.environment
        if let detected = environment[detectedVariable], environment["OPENBLAS_CORETYPE"] == current {
            return "\(current) (chosen by gen-ot: OpenBLAS detected \(detected); GENOT_BLAS_CORE=keep to keep it)"
        }
        if let requested = environment["OPENBLAS_CORETYPE"], !requested.isEmpty {
            return "\(current) (OPENBLAS_CORETYPE=\(requested))"
        }
        return "\(current) (detected by OpenBLAS)"
    }
}
